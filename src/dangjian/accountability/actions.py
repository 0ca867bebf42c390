from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields, register_summary

from .models import CaseProgress, CaseStep

register_actions({
    "accountability swept": pgettext_lazy("audit action", "失责问责巡检"),
    # The human steps (accountability/workflow.py)
    "case talk recorded": pgettext_lazy("audit action", "记录问责谈话"),
    "case rectification reported": pgettext_lazy("audit action", "报告整改情况"),
    "case evidence accepted": pgettext_lazy("audit action", "认可整改材料"),
    "case evidence returned": pgettext_lazy("audit action", "退回整改材料"),
    "case criticism recorded": pgettext_lazy("audit action", "记录批评教育"),
    "case appealed": pgettext_lazy("audit action", "对批评教育提出申诉"),
    "case appeal answered": pgettext_lazy("audit action", "答复申诉"),
    "case escalated by hand": pgettext_lazy("audit action", "因党员群众反映强烈提级"),
    "case dismissed": pgettext_lazy("audit action", "不予问责"),
    "case finding recorded": pgettext_lazy("audit action", "记录问责事项督查意见"),  # compliance's finding, linked
    "cases exported": pgettext_lazy("audit action", "导出问责事项"),  # a read: the case list's workbook
})
register_fields(
    {"on": _("问责日期"), "visit_days": _("活动周期天数"), "rectify_days": _("整改期限天数"),
     "interview_days": _("约谈整改期限天数"), "many": _("问题较多的事项数"), "violations": _("违规条数"),
     "opened": _("新立事项"), "escalated": _("逾期升级"), "moved_for_many": _("问题较多升级"),
     "rectified": _("已整改"), "lapsed": _("失效"), "rerouted": _("责任人变更"), "open_after": _("整改中事项"),
     "step": _("问责步骤"), "unit": _("所属单位"), "closed_on": _("结案日期"), "progress": _("办理进度"),
     "cases_count": _("事项数"), "filters": _("筛选条件"), "finding": _("督查意见编号")},
    # "status" keeps the labels of the other apps' values (a case's are §5's codes: open, rectified, lapsed)
    values={"step": dict(CaseStep.choices), "progress": dict(CaseProgress.choices)},
)

# On a case's page, a sweep that touched it says which day it was, not the whole tree's counts.
register_summary("accountability swept", ["on"])
