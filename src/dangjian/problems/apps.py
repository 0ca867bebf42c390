from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "dangjian.problems"
    label = "problems"
    verbose_name = _("民生问题")

    def ready(self):
        from . import workflow  # noqa: F401  (the table guards the status from now on)
