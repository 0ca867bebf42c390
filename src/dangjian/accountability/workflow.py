"""The human steps of a case (issue 9 item 3): a transition table over ``Case.progress``.

「通过提醒谈话等方式，限期整改；对…党员群众反映强烈的，及时约谈、批评教育」. The handler records the
提醒谈话 (at ``reminder_talk``) or the 约谈 (at ``interview``); the person reports their
rectification with evidence; the handler accepts it or sends it back; at ``criticism`` the
批评教育 is recorded and the person may appeal within :data:`APPEAL_DAYS` calendar days; the
department answers the appeal, moves a case up by hand for 「党员群众反映强烈」 and closes one
as 不予问责.

The paperwork is a dimension of its own (``progress``): CONTRACT §5's ``status`` and ``step``
stay the sweep's (accountability/ladder.py). Two steps touch them, as the department's
decisions: ``escalate`` moves ``step`` up exactly as a sweep's climb would (the service adds
the history entry), and ``dismiss`` closes the case as ``lapsed`` on the day. Neither accepted
evidence nor any other paperwork closes a case: the next sweep closes it when the violation
is gone, and keeps it open and climbing while it persists.

Each transition's ``when`` (:data:`WHEN`) says on which cases it applies (the step, open or
not, what the paperwork already holds): :func:`offered` lists what the user may take now,
and the guard refuses the rest with a Chinese message.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop

from dangjian.accounts.policy import allows
from dangjian.workflow import Transition, Workflow

from .models import Case, CaseProgress as P, CaseStatus, CaseStep, RecordKind

APPEAL_DAYS = 15  # calendar days after the day the 批评教育 is recorded (the day the person is told)
TEXT_MAX = 5000
SHORT_MAX = 200
ATTENDEES_MAX = 500

ALL = tuple(P.values)
BUSY = (P.DISMISSED, P.EVIDENCE_SENT, P.APPEALED)  # closed by the department; evidence to review; an appeal pending


def _may(action):
    return lambda user, case: allows(user, action, case)


def snapshot(case):
    return {"rule": case.rule, "person": case.person.code if case.person_id else None,
            "org": case.org.code if case.org_id else None, "unit": case.unit.code if case.unit_id else None,
            "status": case.status, "step": case.step, "deadline": case.deadline.isoformat() if case.deadline else None,
            "closed_on": case.closed_on.isoformat() if case.closed_on else None, "progress": case.progress}


# ----- on which cases a step applies ---------------------------------------------------------------
NOT_OPEN = gettext_noop("问责事项已结案，不能再办理")
NOT_TALK_STEP = gettext_noop("问责事项在“批评教育”步骤，不再谈话")
TALK_DONE = gettext_noop("本步骤的谈话已记录")
NOT_CRITICISM_STEP = gettext_noop("问责事项尚未到“批评教育”步骤")
CRITICISM_DONE = gettext_noop("批评教育已记录")
NO_CRITICISM = gettext_noop("没有批评教育决定，无可申诉")
APPEAL_DONE = gettext_noop("已提出过申诉")
APPEAL_LATE = gettext_noop("申诉期已过：批评教育于 %(on)s 记录，应在 %(until)s 前（含当日）提出申诉")
TOP_STEP = gettext_noop("问责事项已在最高步骤“批评教育”，不能再提级")
NO_PERSON = gettext_noop("该问责事项不针对个人，无人报告整改")


def _kinds(case):
    """(kind, step) of the case's paperwork, read once per case and kept on it."""
    found = getattr(case, "_record_kinds", None)
    if found is None:
        found = case._record_kinds = set(case.records.values_list("kind", "step"))
    return found


def _criticism(case):
    return case.records.filter(kind=RecordKind.CRITICISM).order_by("-id").first()


def appeal_until(criticism):
    """The last day an appeal of ``criticism`` is taken: :data:`APPEAL_DAYS` calendar days after it was recorded."""
    return criticism.recorded_on + timedelta(days=APPEAL_DAYS)


def _open(case):
    return None if case.status == CaseStatus.OPEN else NOT_OPEN


def _talk_applies(case):
    if case.status != CaseStatus.OPEN:
        return NOT_OPEN
    if case.step == CaseStep.CRITICISM:
        return NOT_TALK_STEP
    return TALK_DONE if (RecordKind.TALK, case.step) in _kinds(case) else None


def _report_applies(case):
    return _open(case) or (None if case.person_id else NO_PERSON)


def _criticism_applies(case):
    if case.status != CaseStatus.OPEN:
        return NOT_OPEN
    if case.step != CaseStep.CRITICISM:
        return NOT_CRITICISM_STEP
    return CRITICISM_DONE if (RecordKind.CRITICISM, CaseStep.CRITICISM) in _kinds(case) else None


def _appeal_applies(case):
    """An appeal is the person's right whatever the sweep has done since (a case rectified after its 批评教育)."""
    kinds = {k for k, _ in _kinds(case)}
    if RecordKind.CRITICISM not in kinds:
        return NO_CRITICISM
    if RecordKind.APPEAL in kinds:
        return APPEAL_DONE
    criticism = _criticism(case)
    until = appeal_until(criticism)
    if timezone.localdate() > until:
        return {"__all__": (APPEAL_LATE, {"on": criticism.recorded_on.isoformat(), "until": until.isoformat()})}
    return None


def _escalate_applies(case):
    return _open(case) or (TOP_STEP if case.step == CaseStep.CRITICISM else None)


WHEN = {
    "hold_talk": _talk_applies,
    "report_rectification": _report_applies,
    "accept_evidence": _open,
    "return_evidence": _open,
    "record_criticism": _criticism_applies,
    "appeal": _appeal_applies,
    "answer_appeal": lambda case: None,
    "escalate": _escalate_applies,
    "dismiss": _open,
}


def _message(found):
    """A WHEN result as the guard returns it (a message, or a ValidationError with its values)."""
    from django.core.exceptions import ValidationError

    if isinstance(found, dict):
        message, params = found["__all__"]
        return ValidationError(message, params=params)
    return found


# ----- the data each step checks ---------------------------------------------------------------------
def _lengths(data, limits):
    return {f: m for f, (limit, m) in limits.items() if len(str(data.get(f) or "")) > limit}


TEXT_TOO_LONG = gettext_noop("不能超过 5000 字")
SHORT_TOO_LONG = gettext_noop("不能超过 200 字")
FUTURE = gettext_noop("日期不能晚于今天")
BEFORE_OPENED = gettext_noop("日期不能早于立项日期 %(opened)s")


def _day_refused(case, day):
    from django.core.exceptions import ValidationError

    if day > timezone.localdate():
        return FUTURE
    if day < case.opened_on:
        return ValidationError(BEFORE_OPENED, params={"opened": case.opened_on.isoformat()})
    return None


def _guard(name, texts=(), shorts=(), day=None):
    def guard(case, data):
        found = WHEN[name](case)
        if found:
            return _message(found)
        errors = _lengths(data, {**{f: (TEXT_MAX, TEXT_TOO_LONG) for f in texts},
                                 **{f: (SHORT_MAX, SHORT_TOO_LONG) for f in shorts}})
        if len(str(data.get("attendees") or "")) > ATTENDEES_MAX:
            errors["attendees"] = gettext_noop("不能超过 500 字")
        if day and data.get(day) and day not in errors:
            refused = _day_refused(case, data[day])
            if refused:
                errors[day] = refused
        return errors or None
    return guard


def _stamped(case, data):
    """Every step stamps the case (a step may keep the state: a second evidence report, a talk at the next step)."""
    case.progress_at = timezone.now()


def _escalated(case, data):
    _stamped(case, data)
    case.step, case.deadline = data["_to_step"], data["_deadline"]


def _dismissed(case, data):
    _stamped(case, data)
    case.status, case.closed_on = CaseStatus.LAPSED, timezone.localdate()


TALK_NEEDS = {"on": gettext_noop("请填写谈话日期"), "place": gettext_noop("请填写谈话地点"),
              "attendees": gettext_noop("请填写参加人员"), "content": gettext_noop("请填写谈话内容"),
              "promise": gettext_noop("请填写整改承诺")}
CRITICISM_NEEDS = {"decided_by": gettext_noop("请填写作出决定的组织或人员"), "on": gettext_noop("请填写决定日期"),
                   "content": gettext_noop("请填写批评教育的内容")}

CASES = Workflow(Case, "progress", [
    Transition("hold_talk", gettext_noop("记录谈话"), tuple(s for s in ALL if s not in BUSY), P.TALK_HELD,
               "case talk recorded", permission=_may("hold_talk"), requires=TALK_NEEDS,
               guard=_guard("hold_talk", texts=("content", "account", "promise"), shorts=("place",), day="on"), apply=_stamped),
    Transition("report_rectification", gettext_noop("报告整改情况"), tuple(s for s in ALL if s not in BUSY),
               P.EVIDENCE_SENT, "case rectification reported", permission=_may("report_rectification"),
               requires={"content": gettext_noop("请填写整改情况")},
               guard=_guard("report_rectification", texts=("content",)), apply=_stamped),
    Transition("accept_evidence", gettext_noop("认可整改材料"), (P.EVIDENCE_SENT,), P.EVIDENCE_ACCEPTED,
               "case evidence accepted", permission=_may("review"),
               guard=_guard("accept_evidence", texts=("content",)), apply=_stamped, recorded=("content",)),
    Transition("return_evidence", gettext_noop("退回整改材料"), (P.EVIDENCE_SENT,), P.EVIDENCE_RETURNED,
               "case evidence returned", permission=_may("review"),
               requires={"content": gettext_noop("请填写退回的理由")},
               guard=_guard("return_evidence", texts=("content",)), apply=_stamped, recorded=("content",)),
    Transition("record_criticism", gettext_noop("记录批评教育"), tuple(s for s in ALL if s not in BUSY),
               P.CRITICIZED, "case criticism recorded", permission=_may("criticize"), requires=CRITICISM_NEEDS,
               guard=_guard("record_criticism", texts=("content",), shorts=("decided_by",), day="on"), apply=_stamped),
    Transition("appeal", gettext_noop("提出申诉"), tuple(s for s in ALL if s not in BUSY + (P.APPEAL_ANSWERED,)),
               P.APPEALED, "case appealed", permission=_may("appeal"),
               requires={"content": gettext_noop("请填写申诉理由")}, guard=_guard("appeal", texts=("content",)), apply=_stamped),
    Transition("answer_appeal", gettext_noop("答复申诉"), (P.APPEALED,), P.APPEAL_ANSWERED, "case appeal answered",
               permission=_may("answer_appeal"), requires={"content": gettext_noop("请填写答复内容")},
               guard=_guard("answer_appeal", texts=("content",)), apply=_stamped, recorded=("content",)),
    Transition("escalate", gettext_noop("因党员群众反映强烈提级"), tuple(s for s in ALL if s not in BUSY), P.PENDING,
               "case escalated by hand", permission=_may("escalate"),
               requires={"content": gettext_noop("请填写党员群众反映的情况")},
               guard=_guard("escalate", texts=("content",)), apply=_escalated, recorded=("content",)),
    Transition("dismiss", gettext_noop("不予问责"), tuple(s for s in ALL if s not in (P.DISMISSED, P.APPEALED)),
               P.DISMISSED, "case dismissed", permission=_may("dismiss"),
               requires={"content": gettext_noop("请填写不予问责的理由")},
               guard=_guard("dismiss", texts=("content",)), apply=_dismissed, recorded=("content",)),
], snapshot=snapshot, organization=lambda case: case.unit, related=("person", "org", "unit", "handler"))


def offered(user, case):
    """The steps ``user`` may take on ``case`` now: the table's ``available``, less those that do not apply to it."""
    return [t for t in CASES.available(user, case) if not WHEN[t.name](case)]
