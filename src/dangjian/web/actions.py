from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields

register_actions({"demo loaded": pgettext_lazy("audit action", "载入演示数据")})
register_fields({"as_of": _("数据日期"), "accounts": _("账户数")})
