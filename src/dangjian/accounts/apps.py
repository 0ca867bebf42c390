from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    label = "accounts"
    verbose_name = _("账户与权限")

    def ready(self):
        from . import actions, policy, signals  # noqa: F401  (declarations: who may do what, audit actions)
        from . import middleware  # noqa: F401  (its login receiver notes the session's start, for force_login too)
