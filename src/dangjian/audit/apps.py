from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "dangjian.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self):
        from . import actions, signals  # noqa: F401  (its own audit actions; the data version)
