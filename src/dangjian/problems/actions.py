from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields

from .models import ProblemStatus

register_actions({
    "problem report exported": pgettext_lazy("audit action", "导出民生问题报表"),
    "problem logged": pgettext_lazy("audit action", "登记民生问题"),
    "problem updated": pgettext_lazy("audit action", "办理民生问题"),
    "problem taken up": pgettext_lazy("audit action", "开始办理民生问题"),
    "problem completed": pgettext_lazy("audit action", "办结民生问题"),
    "problem reopened": pgettext_lazy("audit action", "重新办理民生问题"),
})
register_fields(
    {"code": _("编号"), "category": _("问题类别"), "description": _("问题描述"), "found_on": _("发现日期"),
     "status": _("状态"), "completed_on": _("办结日期"), "team": _("服务队"),
     "completion_note": _("办结说明"), "reason": _("理由")},
    values={"status": dict(ProblemStatus.choices)},
)
