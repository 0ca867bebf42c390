from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "dangjian.imports"
    label = "imports"
    verbose_name = _("数据导入")

    def ready(self):
        from . import workflow  # noqa: F401  (the table guards the run's state from now on)
