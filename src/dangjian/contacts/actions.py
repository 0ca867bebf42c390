from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields

from .models import ActivityKind, LinkKind

register_actions({
    "activity photo downloaded": pgettext_lazy("audit action", "下载活动照片"),
    "contact link set up": pgettext_lazy("audit action", "建立联系"),
    "contact link changed": pgettext_lazy("audit action", "修改联系"),
    "contact link ended": pgettext_lazy("audit action", "结束联系"),
    "activity logged": pgettext_lazy("audit action", "记录活动"),
})
register_fields(
    {"person": _("人员"), "organization": _("组织"), "kind": _("类型"), "start_date": _("开始日期"),
     "end_date": _("结束日期"), "date": _("日期"), "content": _("内容"), "photos": _("照片（张）")},
    values={"kind": {**dict(LinkKind.choices), **dict(ActivityKind.choices)}},
)
