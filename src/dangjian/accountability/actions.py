from django.utils.translation import gettext_lazy as _, pgettext_lazy

from dangjian.audit.registry import register_actions, register_fields

from .models import CaseStep

register_actions({
    "accountability swept": pgettext_lazy("audit action", "失责问责巡检"),
})
register_fields(
    {"on": _("问责日期"), "visit_days": _("活动周期天数"), "rectify_days": _("整改期限天数"),
     "interview_days": _("约谈整改期限天数"), "many": _("问题较多的事项数"), "violations": _("违规条数"),
     "opened": _("新立事项"), "escalated": _("逾期升级"), "moved_for_many": _("问题较多升级"),
     "rectified": _("已整改"), "lapsed": _("失效"), "rerouted": _("责任人变更"), "open_after": _("整改中事项"),
     "step": _("问责步骤")},
    values={"step": dict(CaseStep.choices)},
)
