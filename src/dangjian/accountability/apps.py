from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountabilityConfig(AppConfig):
    name = "dangjian.accountability"
    label = "accountability"
    verbose_name = _("失责问责")

    def ready(self):
        from . import actions, panels, policy, workflow  # noqa: F401  (audit actions; the pages' panels; who sees which case; the steps)
