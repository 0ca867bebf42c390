from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "dangjian.imports"
    label = "imports"
    verbose_name = _("数据导入")

    def ready(self):
        from . import actions, policy, workflow  # noqa: F401  (declarations: who may do what, audit actions, the run's table)
