from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields

from .models import FindingStatus

register_actions({
    "rule check exported": pgettext_lazy("audit action", "导出制度检查"),
    "finding recorded": pgettext_lazy("audit action", "督查意见"),
    "finding replied": pgettext_lazy("audit action", "回复督查意见"),
    "finding closed": pgettext_lazy("audit action", "督查意见销号"),
    "finding reopened": pgettext_lazy("audit action", "退回督查意见"),
})
register_fields({"text": _("意见"), "reply": _("回复内容"), "note": _("说明"), "reason": _("理由"),
                 "status": _("状态")},
                values={"status": dict(FindingStatus.choices)})
