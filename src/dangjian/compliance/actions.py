from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields

register_actions({"finding recorded": pgettext_lazy("audit action", "督查意见")})
register_fields({"text": _("意见")})
