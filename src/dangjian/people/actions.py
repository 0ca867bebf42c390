from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields

from .models import PostRole

register_actions({
    "person changed": pgettext_lazy("audit action", "修改人员信息"),
    "post appointed": pgettext_lazy("audit action", "任职"),
    "post ended": pgettext_lazy("audit action", "免职"),
})
register_fields(
    {"id_card": _("身份证号"), "mobile": _("手机号"), "role": _("职务")},
    values={"role": dict(PostRole.choices)},
)
