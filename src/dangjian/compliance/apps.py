from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "dangjian.compliance"
    label = "compliance"
    verbose_name = _("制度落实检查")

    def ready(self):
        from . import actions, panels, policy, workflow  # noqa: F401  (who may do what, audit actions; the table guards the status)
