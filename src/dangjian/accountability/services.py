"""The human steps of a case, each one transaction: the table's step, its record and files, its notices.

Every step runs through :data:`accountability.workflow.CASES` (which locks the case, checks the
step, the user and the data, and records the audit event), then writes its
:class:`CaseRecord` and attachments, says it to the people it concerns
(``notices.services.notify``) and ends in ``ensure()``. The two steps that touch CONTRACT §5's
fields (``escalate``, ``dismiss``) first take the sweep's lock, so a sweep and a decision by the
department never interleave.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from dangjian.accounts.policy import ensure
from dangjian.audit.services import record
from dangjian.notices.services import notify
from dangjian.records.uploads import display_name, stored_name

from . import attachments as files
from .ladder import DEFAULTS, SWEEP_LOCK
from .models import (CaseAttachment, CaseFinding, CaseRecord, CaseStep, CaseStepReached, RecordKind, ReviewOutcome,
                     Sweep)
from .workflow import CASES

NEXT_STEP = {CaseStep.REMINDER_TALK: CaseStep.INTERVIEW, CaseStep.INTERVIEW: CaseStep.CRITICISM}


def case_url(case):
    """The case's page (the ladder's pages), else its steps' page."""
    try:
        return reverse("accountability:case_detail", args=[case.pk])
    except NoReverseMatch:
        return reverse("accountability:case_steps", args=[case.pk])


def _hold_sweep_lock():
    if connection.vendor == "postgresql":  # SQLite's writers already queue (BEGIN IMMEDIATE)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])


def _check_files(uploads):
    try:
        return files.UPLOADS.validate(uploads)
    except ValidationError as exc:
        raise ValidationError({"files": exc.error_list})


def _record(user, case, kind, uploads=(), kinds=(), **fields):
    today = timezone.localdate()
    fields.setdefault("on", today)
    row = CaseRecord.objects.create(case=case, kind=kind, step=case.step, author=user, recorded_on=today, **fields)
    for upload, kind_of in zip(uploads, kinds):
        stored = CaseAttachment(record=row, name=display_name(upload), size=upload.size or 0)
        stored.file.save(stored_name(kind_of), upload, save=True)  # a generated name, never the upload's
    return row


def _notice(person_id, case, kind, message, params=None):
    return (person_id, case.unit_id, kind, message, params or {}, case_url(case))


def _name(case):
    return case.person.name if case.person_id else (case.org.name if case.org_id else "")


def _finish(user, action, case):
    """The written case is still one the user may take the step's action on (else all rolls back)."""
    case.refresh_from_db()
    ensure(user, action, case)
    return case


TALK_NOTICES = {CaseStep.REMINDER_TALK: gettext_noop("已记录对您的提醒谈话（%(on)s），请按承诺限期整改"),
                CaseStep.INTERVIEW: gettext_noop("已记录对您的约谈（%(on)s），请按承诺限期整改")}


@transaction.atomic
def hold_talk(user, case, on, place, attendees, content, account="", promise="", uploads=()):
    """The handler records the 提醒谈话 or the 约谈 of the case's current step."""
    uploads = list(uploads or ())
    kinds = _check_files(uploads)
    case = CASES.run(user, case, "hold_talk", on=on, place=place, attendees=attendees, content=content,
                     account=account, promise=promise)
    _record(user, case, RecordKind.TALK, uploads, kinds, on=on, place=place.strip(), attendees=attendees.strip(),
            content=content.strip(), account=(account or "").strip(), promise=(promise or "").strip())
    if case.person_id:
        notify([_notice(case.person_id, case, "case talk recorded", TALK_NOTICES[case.step], {"on": on.isoformat()})])
    return _finish(user, "hold_talk", case)


@transaction.atomic
def report_rectification(user, case, content, uploads=()):
    """The person reports what they put right, with evidence; the handler reviews it."""
    uploads = list(uploads or ())
    kinds = _check_files(uploads)
    case = CASES.run(user, case, "report_rectification", content=content)
    _record(user, case, RecordKind.EVIDENCE, uploads, kinds, content=content.strip())
    if case.handler_id:
        notify([_notice(case.handler_id, case, "case rectification reported",
                        gettext_noop("%(person)s 报告了整改情况，请审核"), {"person": _name(case)})])
    return _finish(user, "report_rectification", case)


@transaction.atomic
def review_evidence(user, case, accept, content=""):
    """The handler accepts the evidence or sends it back with a reason. Accepting closes nothing:
    the next sweep closes the case when the violation is gone."""
    step = "accept_evidence" if accept else "return_evidence"
    case = CASES.run(user, case, step, content=content)
    _record(user, case, RecordKind.REVIEW, content=(content or "").strip(),
            outcome=ReviewOutcome.ACCEPTED if accept else ReviewOutcome.RETURNED)
    if case.person_id:
        if accept:
            notify([_notice(case.person_id, case, "case evidence accepted",
                            gettext_noop("您报告的整改情况已被认可"))])
        else:
            notify([_notice(case.person_id, case, "case evidence returned",
                            gettext_noop("您报告的整改情况被退回：%(reason)s"), {"reason": content.strip()[:200]})])
    return _finish(user, "review", case)


@transaction.atomic
def record_criticism(user, case, decided_by, on, content, uploads=()):
    """The 批评教育 at step ``criticism``: who decided, when, the text; the person may appeal."""
    from .workflow import APPEAL_DAYS

    uploads = list(uploads or ())
    kinds = _check_files(uploads)
    case = CASES.run(user, case, "record_criticism", decided_by=decided_by, on=on, content=content)
    _record(user, case, RecordKind.CRITICISM, uploads, kinds, decided_by=decided_by.strip(), on=on,
            content=content.strip())
    if case.person_id:
        until = timezone.localdate() + timedelta(days=APPEAL_DAYS)
        notify([_notice(case.person_id, case, "case criticism recorded",
                        gettext_noop("已记录对您的批评教育；如有异议，可在 %(until)s 前（含当日）提出申诉"),
                        {"until": until.isoformat()})])
    return _finish(user, "criticize", case)


@transaction.atomic
def appeal(user, case, content, uploads=()):
    """The person appeals the 批评教育, within the appeal days; the department answers."""
    uploads = list(uploads or ())
    kinds = _check_files(uploads)
    case = CASES.run(user, case, "appeal", content=content)
    _record(user, case, RecordKind.APPEAL, uploads, kinds, content=content.strip())
    if case.handler_id:
        notify([_notice(case.handler_id, case, "case appealed", gettext_noop("%(person)s 对批评教育提出申诉"),
                        {"person": _name(case)})])
    return _finish(user, "appeal", case)


@transaction.atomic
def answer_appeal(user, case, content):
    case = CASES.run(user, case, "answer_appeal", content=content)
    _record(user, case, RecordKind.ANSWER, content=content.strip())
    if case.person_id:
        notify([_notice(case.person_id, case, "case appeal answered", gettext_noop("您对批评教育的申诉已答复"))])
    return _finish(user, "answer_appeal", case)


ESCALATED_PERSON = {CaseStep.INTERVIEW: gettext_noop("因党员群众反映强烈，您的问责事项提级为约谈"),
                    CaseStep.CRITICISM: gettext_noop("因党员群众反映强烈，您的问责事项提级为批评教育")}
ESCALATED_HANDLER = {CaseStep.INTERVIEW: gettext_noop("因党员群众反映强烈，%(person)s的问责事项提级为约谈"),
                     CaseStep.CRITICISM: gettext_noop("因党员群众反映强烈，%(person)s的问责事项提级为批评教育")}


@transaction.atomic
def escalate(user, case, content, from_step=None):
    """「党员群众反映强烈」: the department moves the case one step up, as a sweep's climb would.

    ``interview`` gets the deadline today + the latest sweep's interview days; ``criticism`` none.
    The history gains the step with today's day (no sweep): the next sweep continues from there.
    ``from_step``: the step the user saw (the page's form sends it); when a sweep has moved the
    case since, nothing is written and the user is told, rather than moving it two steps.
    """
    _hold_sweep_lock()
    today = timezone.localdate()
    days = Sweep.objects.order_by("-on", "-id").values_list("interview_days", flat=True).first()
    days = DEFAULTS["interview_days"] if days is None else days
    # The step as stored (no sweep and no other decision runs now: the lock); None at the top, which the guard refuses.
    stored = type(case)._base_manager.values_list("step", flat=True).get(pk=case.pk)
    if from_step and stored != from_step:
        raise ValidationError(ValidationError(
            gettext_noop("该事项已升级为“%(step)s”，未再提级；如仍需提级，请在事项页面重新提交"),
            params={"step": gettext_lazy(CaseStep(stored).label)}))
    to_step = NEXT_STEP.get(stored)
    deadline = today + timedelta(days=days) if to_step == CaseStep.INTERVIEW else None
    case = CASES.run(user, case, "escalate", content=content, _to_step=to_step, _deadline=deadline)
    CaseStepReached.objects.create(case=case, step=case.step, on=today, sweep=None)
    _record(user, case, RecordKind.ESCALATION, content=content.strip())
    notify([n for n in (
        _notice(case.person_id, case, "case escalated by hand", ESCALATED_PERSON[case.step]) if case.person_id else None,
        _notice(case.handler_id, case, "case escalated by hand", ESCALATED_HANDLER[case.step],
                {"person": _name(case)}) if case.handler_id else None) if n])
    return _finish(user, "escalate", case)


@transaction.atomic
def dismiss(user, case, content):
    """不予问责: the department closes the case (status ``lapsed``, closed today) with its reason.

    The closed case stays closed; if its violation persists, the next sweep opens a new case
    for the key (README: 失责必问), so paperwork never leaves a persisting violation without one.
    """
    _hold_sweep_lock()
    case = CASES.run(user, case, "dismiss", content=content)
    _record(user, case, RecordKind.DISMISSAL, content=content.strip())
    notify([n for n in (
        _notice(case.person_id, case, "case dismissed", gettext_noop("您的问责事项已决定不予问责")) if case.person_id else None,
        _notice(case.handler_id, case, "case dismissed", gettext_noop("%(person)s的问责事项已决定不予问责"),
                {"person": _name(case)}) if case.handler_id else None) if n])
    return _finish(user, "dismiss", case)


NO_FINDING_ORG = gettext_noop("问责事项没有涉及组织或所属单位，不能记录督查意见")


@transaction.atomic
def record_case_finding(user, case, text):
    """A supervisor's (or the department's) 督查意见 about ``case``, recorded from its page.

    It is compliance's finding (``record_finding``: its text rules, its audit, its notice to the
    person it names, and the check that ``user`` may add a finding there) at the case's
    organization (its org, else its unit), naming the case's person; then the link to the case,
    an event on the case's own trail, and a notice to its handler. It changes nothing on the case
    itself: a supervisor never does (accountability/policy.py).
    """
    from dangjian.compliance.services import record_finding

    org = case.org if case.org_id else case.unit
    if org is None:
        raise ValidationError(NO_FINDING_ORG)
    finding = record_finding(user, org, text, person=case.person if case.person_id else None)
    link = CaseFinding.objects.create(case=case, finding=finding)
    record("case finding recorded", actor=user, obj=case, organization=case.unit, related=[finding],
           after={"finding": finding.pk, "text": finding.text})
    if case.handler_id and case.handler_id != case.person_id:  # the person hears of it from record_finding
        notify([_notice(case.handler_id, case, "case finding recorded",
                        gettext_noop("%(person)s的问责事项有一条新的督查意见"), {"person": _name(case)})])
    ensure(user, "view", link)  # the user sees the case the finding is linked to (else all rolls back)
    return finding


def take_step(user, case, name, data, uploads=()):
    """Take the human step ``name`` on ``case`` with a form's cleaned ``data`` (the pages and the API alike)."""
    if name == "hold_talk":
        return hold_talk(user, case, data["on"], data["place"], data["attendees"], data["content"],
                         data.get("account", ""), data.get("promise", ""), uploads)
    if name == "report_rectification":
        return report_rectification(user, case, data["content"], uploads)
    if name in ("accept_evidence", "return_evidence"):
        return review_evidence(user, case, name == "accept_evidence", data.get("content", ""))
    if name == "record_criticism":
        return record_criticism(user, case, data["decided_by"], data["on"], data["content"], uploads)
    if name == "appeal":
        return appeal(user, case, data["content"], uploads)
    if name == "answer_appeal":
        return answer_appeal(user, case, data["content"])
    if name == "escalate":
        return escalate(user, case, data["content"], data.get("from_step") or None)
    if name == "dismiss":
        return dismiss(user, case, data["content"])
    raise ValueError(f"no such step: {name}")
