from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "dangjian.web"
    label = "web"
    verbose_name = _("网页")

    def ready(self):
        from . import actions  # noqa: F401  (declarations: who may do what, audit actions)
