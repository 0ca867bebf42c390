from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "dangjian.people"
    label = "people"
    verbose_name = _("人员与任职")

    def ready(self):
        from dangjian.records.sealed import check_configuration

        check_configuration()  # production without DANGJIAN_DATA_KEY: nothing starts (ImproperlyConfigured)
        from . import actions, panels, policy  # noqa: F401  (declarations: who may do what, audit actions, page panels)

        from dangjian.ui.sources import register_source

        register_source("people", "dangjian.people.pickers.PersonSource")  # picked by name (ui.pickers)
