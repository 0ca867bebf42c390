from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields, register_names

from .models import Person, PostRole

register_actions({
    "person changed": pgettext_lazy("audit action", "修改人员信息"),
    "person numbers revealed": pgettext_lazy("audit action", "查看完整身份证号、手机号"),
    "people exported": pgettext_lazy("audit action", "导出人员名册"),
    "data key rotated": pgettext_lazy("audit action", "更换数据密钥"),
    "post appointed": pgettext_lazy("audit action", "任职"),
    "post ended": pgettext_lazy("audit action", "免职"),
})
register_fields(
    {"id_card": _("身份证号"), "mobile": _("手机号"), "role": _("职务"), "shown_via": _("途径"),
     "full_numbers": _("含完整号码"), "people_count": _("人数"), "old_key": _("旧密钥指纹"),
     "new_key": _("新密钥指纹")},
    values={"role": dict(PostRole.choices),
            "shown_via": {"page": _("人员页面"), "export": _("导出")}},
)


def _person_names(codes):
    return dict(Person.objects.filter(code__in=codes).values_list("code", "name"))


register_names({"person": _person_names, "handler": _person_names})
