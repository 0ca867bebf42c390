from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields

register_actions({"api token issued": pgettext_lazy("audit action", "签发接口令牌")})
register_fields({"name": _("名称")})
