from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "dangjian.contacts"
    label = "contacts"
    verbose_name = _("联系点")

    def ready(self):
        from . import actions, panels, policy  # noqa: F401  (declarations: who may do what, audit actions, page panels)
