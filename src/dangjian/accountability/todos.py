"""失责必问 in 我的待办: the person's own cases and violations, and the cases they must act on as handler.

Read off the cases the sweeps keep and the day's check: nobody reports any of it.
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, gettext_lazy as _

from dangjian.audit.cache import cached
from dangjian.compliance.rules import RULES_BY_ID, run_check
from dangjian.ui.todos import Source, Todo, register

from .models import Case, CaseStatus, CaseStep

SHOWN = 100

# What puts each rule's violation right: the person's own next move.
REMEDY = {
    "contact-point-missing": _("建立一个党建工作联系点"),
    "branch-link-missing": _("联系一个基层党支部"),
    "secretary-lagging-missing": _("联系所辖的一个后进党支部"),
    "visit-overdue": _("到联系点或联系支部开展一次活动"),
    "lagging-branch-uncovered": _("安排一名责任人联系该后进党支部"),
}
# What the handler does at each step (「通过提醒谈话等方式，限期整改…及时约谈、批评教育」).
HANDLER_STEP = {
    CaseStep.REMINDER_TALK: _("进行提醒谈话，督促限期整改"),
    CaseStep.INTERVIEW: _("进行约谈，督促限期整改"),
    CaseStep.CRITICISM: _("进行批评教育，督促整改"),
}


def _title(rule_id):
    rule = RULES_BY_ID.get(rule_id)
    return gettext(rule.title) if rule else rule_id


def _url(case):
    try:
        return reverse("accountability:case_detail", args=[case.pk])
    except NoReverseMatch:  # without the case pages, the case's steps
        return reverse("accountability:case_steps", args=[case.pk])


def _where(case):
    return (case.org or case.unit).name if (case.org or case.unit) else ""


def _my_cases(user, person, today):
    if person is None:
        return []
    cases = (Case.objects.visible_to(user).filter(person=person, status=CaseStatus.OPEN)
             .select_related("org", "unit").order_by("deadline", "id")[:SHOWN])
    return [Todo(
        title=gettext("%(rule)s：%(remedy)s") % {"rule": _title(c.rule), "remedy": gettext(REMEDY.get(c.rule, ""))},
        url=_url(c), due=c.deadline,
        detail=gettext("问责步骤：%(step)s · %(where)s · 立项 %(opened)s") % {
            "step": gettext(c.get_step_display()), "where": _where(c), "opened": c.opened_on.isoformat()},
        key=c.pk) for c in cases]


def _handler_task(case):
    """What the handler does next: review the evidence sent, or hold the step's talk."""
    if case.progress == "evidence_sent":
        return gettext("审核整改材料（认可或退回）")
    return gettext(HANDLER_STEP.get(case.step, ""))


def _to_handle(user, person, today):
    if person is None:
        return []
    cases = (Case.objects.visible_to(user).filter(handler=person, status=CaseStatus.OPEN)
             .select_related("person", "org", "unit").order_by("deadline", "id")[:SHOWN])
    return [Todo(
        title=gettext("%(who)s：%(rule)s") % {"who": c.person.name if c.person else _where(c), "rule": _title(c.rule)},
        url=_url(c), due=c.deadline,
        detail=_handler_task(c) + (f" · {_where(c)}" if c.person and _where(c) else ""),
        key=c.pk) for c in cases]


def _violations_not_yet_cases(user, person, today):
    """Today's violations naming the person that no open case holds yet (the next sweep will open one)."""
    if person is None:
        return []
    days = settings.DANGJIAN_VISIT_DAYS
    found = cached("person-check", (person.pk, today, days),
                   lambda: run_check(as_of=today, person=person, visit_days=days).violations)
    keys = set(Case.objects.filter(person=person, status=CaseStatus.OPEN).values_list("key", flat=True))
    return [Todo(title=gettext("%(rule)s：%(remedy)s") % {"rule": _title(v.rule),
                                                       "remedy": gettext(REMEDY.get(v.rule, ""))},
                 detail=v.message) for v in found if v.key not in keys]


register(Source("cases-mine", _("我的问责事项"), _my_cases, order=15,
                hint=_("制度检查发现、经问责巡检立项的事项：在期限前整改，下一次巡检即自动销号。")))
register(Source("cases-to-handle", _("需要我处理的问责事项"), _to_handle, order=20,
                hint=_("「书记抓书记、一级抓一级」：由您谈话、督促整改的事项。")))
register(Source("violations", _("尚未立项的问题"), _violations_not_yet_cases, order=25,
                hint=_("今天的制度检查发现的问题：尽快整改，可免于立项问责。")))
