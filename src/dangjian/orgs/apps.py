from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "dangjian.orgs"
    label = "orgs"
    verbose_name = _("党组织")

    def ready(self):
        from . import actions, policy  # noqa: F401  (declarations: who may do what, audit actions)
