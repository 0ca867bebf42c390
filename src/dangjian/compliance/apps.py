from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "dangjian.compliance"
    label = "compliance"
    verbose_name = "制度落实检查"
