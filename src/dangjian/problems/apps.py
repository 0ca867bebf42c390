from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "dangjian.problems"
    label = "problems"
    verbose_name = _("民生问题")

    def ready(self):
        from . import actions, panels, policy, workflow  # noqa: F401  (declarations: who may do what, audit actions, page panels, the status's table)

        from dangjian.ui.sources import register_source

        register_source("teams", "dangjian.problems.pickers.TeamSource")  # picked by name (ui.pickers)
