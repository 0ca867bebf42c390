from django.utils.translation import gettext_lazy as _, pgettext_lazy

from .registry import register_actions, register_fields

register_actions({"audit purged": pgettext_lazy("audit action", "清理过期审计记录")})
register_fields({"days": _("保存天数"), "events": _("审计记录条数"), "logins": _("登录记录条数")})
