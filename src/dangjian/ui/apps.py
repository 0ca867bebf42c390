from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    """The bottom view kit: the generic scoped views and forms, the pickers, the page frame, static files.

    It knows the scope and the audit trail, and no part of the domain: each app builds its
    pages on it, and adds what it shows on another app's page through ``ui.panels``.
    """

    name = "dangjian.ui"
    label = "ui"
    verbose_name = _("网页组件")
