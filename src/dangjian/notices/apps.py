from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "dangjian.notices"
    label = "notices"
    verbose_name = _("通知")

    def ready(self):
        from . import policy  # noqa: F401  (a notice is its person's alone)
