"""The ladder of CONTRACT §5: one sweep on day D.

A sweep is one check of the whole tree (``compliance.rules.run_check``) and set operations
over the open cases: they are loaded in one query, the steps of §5 are worked out in
dictionaries, who acts is read off one :class:`people.queries.Chain` of the posts active on
D, and everything is written in one transaction by a handful of set-based statements (the
new cases, their history and the changed cases, each one INSERT or UPDATE over an array or a
JSON text), with one audit event tied to every case it changed. No query per case, person
or branch: a sweep costs the same dozen queries on a banner and on the province.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from dangjian.audit.services import record
from dangjian.compliance.rules import run_check
from dangjian.contacts.models import ContactLink
from dangjian.people.models import PostRole
from dangjian.people.queries import Chain, active_on
from dangjian.workbook.bulk import among, insert_rows, update_rows

from .models import Case, CaseStatus, CaseStep, CaseStepReached, Sweep

SECRETARY_RULE = "secretary-lagging-missing"
VISIT_RULE = "visit-overdue"
DEFAULTS = {"rectify_days": 30, "interview_days": 15, "many": 3}
MAX_DAYS = 36500  # a deadline stays a valid date on both databases
SWEEP_LOCK = 0x6A6C6164  # the advisory lock's key: one sweep at a time


class SweepRejected(Exception):
    """A sweep that may not run (dated before the latest one): nothing was written."""


@dataclass
class SweepOutcome:
    on: date
    sweep: Sweep | None  # None: the sweep changed nothing (the same day again), so nothing was written
    counts: dict = field(default_factory=dict)

    @property
    def changed(self):
        return self.sweep is not None


def latest_sweep_day():
    return Sweep.objects.aggregate(day=Max("on"))["day"]


def handler_of(case_person, rule, org_path, chain):
    """Who acts on a case (CONTRACT §5 "Who acts"): a person id, from the chain of day D; None when nobody.

    ``case_person``: the case's person id (None for a branch's case); ``org_path``: its org's path.
    """
    if case_person is None:  # a branch's case: the secretary of the nearest committee above it
        return chain.secretary_above(org_path) if org_path else None
    if rule == SECRETARY_RULE:
        committee_path, role = org_path, PostRole.SECRETARY
    else:
        principal = chain.principal(case_person)
        if principal is None:
            return None
        _, committee_path, role = principal
    if role != PostRole.SECRETARY:
        found = chain.secretary(committee_path)
        if found is not None:
            return found
    return chain.secretary_above(committee_path, other_than=case_person)


class _Row:
    """An open case as the sweep handles it: plain attributes, no model instance (thousands a day)."""

    __slots__ = ("pk", "key", "rule", "person_id", "org_id", "org_path", "unit_id", "handler_id", "status", "step",
                 "opened_on", "deadline", "closed_on")

    def __init__(self, pk, key, rule, person_id, org_id, org_path, unit_id, handler_id, status, step, opened_on,
                 deadline, closed_on):
        self.pk, self.key, self.rule, self.person_id, self.org_id, self.org_path = pk, key, rule, person_id, org_id, org_path
        self.unit_id, self.handler_id, self.status, self.step = unit_id, handler_id, status, step
        self.opened_on, self.deadline, self.closed_on = opened_on, deadline, closed_on


def sweep(on=None, visit_days=None, rectify_days=None, interview_days=None, many=None, actor=None,
          label="dangjian accountability sweep"):
    """Apply the ladder on day ``on`` (default today). Raises :class:`SweepRejected` when dated
    before the latest sweep. Returns a :class:`SweepOutcome`."""
    day = on or date.today()
    N = settings.DANGJIAN_VISIT_DAYS if visit_days is None else visit_days
    R = DEFAULTS["rectify_days"] if rectify_days is None else rectify_days
    I = DEFAULTS["interview_days"] if interview_days is None else interview_days  # noqa: E741
    K = DEFAULTS["many"] if many is None else many
    with transaction.atomic():
        # Sweeps are serialised: on PostgreSQL a transaction-wide advisory lock (a second sweep waits
        # here, then sees this one's cases), on SQLite the database's single writer.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])
        latest = Sweep.objects.order_by("-on", "-id").values_list("on", flat=True).first()
        if latest is not None and day < latest:
            raise SweepRejected(f"问责日期 {day.isoformat()} 早于最近一次问责巡检 {latest.isoformat()}，"
                                "不能倒序执行；未写入任何内容")
        violations = {v.key: v for v in run_check(as_of=day, visit_days=N).violations}
        # One query, no join: an open case that stays open has its key in V, whose violation carries
        # the org's path (the handler needs it); one that closes needs none.
        cases = [_Row(pk, key, rule, person, org, None, *rest) for pk, key, rule, person, org, *rest in
                 Case.objects.filter(status=CaseStatus.OPEN).order_by().values_list(
                     "id", "key", "rule", "person_id", "org_id", "unit_id", "handler_id", "status", "step",
                     "opened_on", "deadline", "closed_on")]
        for c in cases:
            found = violations.get(c.key)
            if found is not None:
                c.org_path = found.org_path
        # The chain of D for the persons the cases and violations name (and every committee's secretary).
        chain = Chain.on(day, persons={v.person_id for v in violations.values() if v.person_id is not None}
                         | {c.person_id for c in cases if c.person_id is not None})
        changed, reached = {}, []  # pk -> case changed; (case, step) reached on D
        counts = Counter()

        # 1. Open cases whose key is gone close: lapsed when the duty itself is gone, else rectified.
        closing = [c for c in cases if c.key not in violations]
        links = set()
        visiting = {c.person_id for c in closing if c.rule == VISIT_RULE and c.person_id is not None}
        if visiting:  # the links held on D by the persons of the visit cases that close
            links = set(ContactLink.objects.filter(active_on(day), among(
                f"{ContactLink._meta.db_table}.person_id", visiting)).values_list("person_id", "organization_id")
                .order_by())
        for c in closing:
            lapsed = c.person_id is not None and (
                c.person_id not in chain.leaders
                or (c.rule == SECRETARY_RULE and (c.person_id, c.org_id) not in chain.secretary_posts)
                or (c.rule == VISIT_RULE and (c.person_id, c.org_id) not in links))
            c.status = CaseStatus.LAPSED if lapsed else CaseStatus.RECTIFIED
            c.closed_on = day
            counts["lapsed" if lapsed else "rectified"] += 1
            changed[c.pk] = c
        still_open = [c for c in cases if c.status == CaseStatus.OPEN]

        # 2. Open cases past their deadline climb one step.
        for c in still_open:
            if c.deadline is not None and c.deadline < day:
                if c.step == CaseStep.REMINDER_TALK:
                    c.step, c.deadline = CaseStep.INTERVIEW, day + timedelta(days=I)
                elif c.step == CaseStep.INTERVIEW:
                    c.step, c.deadline = CaseStep.CRITICISM, None
                else:
                    continue
                reached.append((c, c.step))
                counts["escalated"] += 1
                changed[c.pk] = c

        # 3. Keys without an open case open one.
        have = {c.key for c in still_open}
        new = []
        for key, v in violations.items():
            if key in have:
                continue
            unit = v.org_id
            if unit is None and v.person_id is not None:  # the committee of the principal post
                principal = chain.principal(v.person_id)
                unit = principal[0] if principal else None
            c = _Row(None, key, v.rule, v.person_id, v.org_id, v.org_path, unit, None, CaseStatus.OPEN,
                     CaseStep.REMINDER_TALK, day, day + timedelta(days=R), None)
            new.append(c)
            reached.append((c, CaseStep.REMINDER_TALK))
        counts["opened"] = len(new)
        open_now = still_open + new

        # 4. 「突出问题较多」: a person named by K or more open cases has those at reminder_talk moved up.
        named = Counter(c.person_id for c in open_now if c.person_id is not None)
        for c in open_now:
            if c.person_id is not None and named[c.person_id] >= K and c.step == CaseStep.REMINDER_TALK:
                c.step, c.deadline = CaseStep.INTERVIEW, day + timedelta(days=I)
                reached.append((c, CaseStep.INTERVIEW))
                counts["moved_for_many"] += 1
                if c.pk is not None:
                    changed[c.pk] = c

        # Who acts, recomputed for every case still open.
        for c in open_now:
            handler = handler_of(c.person_id, c.rule, c.org_path, chain)
            if handler != c.handler_id:
                if c.pk is not None:
                    counts["rerouted"] += 1
                    changed[c.pk] = c
                c.handler_id = handler

        totals = _counts(counts, violations, open_now)
        if latest == day and not new and not changed:
            return SweepOutcome(on=day, sweep=None, counts=totals)

        s = Sweep.objects.create(on=day, visit_days=N, rectify_days=R, interview_days=I, many=K, **totals)
        updated = list(changed.values())
        _update_cases(updated)
        _insert_cases(new, day)
        _insert_history(reached, day, s.pk)
        # One event, tied to every case the sweep changed (sealed into the audit's chain with them).
        record("accountability swept", actor=actor, obj=s, label=label if actor is None else "",
               after={"on": day.isoformat(), "visit_days": N, "rectify_days": R, "interview_days": I,
                      "many": K, **totals},
               ties={Case._meta.label_lower: ([c.pk for c in new] + [c.pk for c in updated], False)})
        _notify(new, reached, [c for c in updated if c.status == CaseStatus.RECTIFIED], open_now)
    return SweepOutcome(on=day, sweep=s, counts=totals)


def _case_url(pk):
    return f"accountability:case_detail {pk}"  # reversed when the notice is shown (notices.Notice.href)


def _notify(new, reached, rectified, open_now):
    """What the sweep said to whom, as in-app notices (in the sweep's transaction, a few statements):
    each person hears of their own case opened, moved up or rectified; a handler with a case newly
    theirs to act on (opened or moved up) hears how many open cases wait for them now, in one unread
    notice that replaces their earlier unread one (daily sweeps would pile them up), and an unread one
    left from an earlier sweep is kept at the number waiting now (withdrawn when none is)."""
    from django.utils.translation import gettext_noop

    from dangjian.compliance.rules import RULES_BY_ID
    from dangjian.notices.services import notify, restate

    def rule(c):
        found = RULES_BY_ID.get(c.rule)
        return found.title if found else c.rule

    notices = []
    for c in new:
        notices.append((c.person_id, c.unit_id, "case opened",
                        gettext_noop("新的问责事项：%(rule)s，请在 %(deadline)s 前整改"),
                        {"rule": rule(c), "deadline": _iso(c.deadline)}, _case_url(c.pk)))
    labels = dict(CaseStep.choices)
    for c, step in reached:
        if step != CaseStep.REMINDER_TALK and c.pk is not None:
            notices.append((c.person_id, c.unit_id, "case escalated",
                            gettext_noop("问责事项升级为“%(step)s”：%(rule)s"),
                            {"step": labels[step], "rule": rule(c)}, _case_url(c.pk)))
    for c in rectified:
        notices.append((c.person_id, c.unit_id, "case rectified", gettext_noop("问责事项已整改销号：%(rule)s"),
                        {"rule": rule(c)}, _case_url(c.pk)))
    notify(notices)
    # The number the handler's 待办 lists under 需要我处理的问责事项: their open cases, not this sweep's new ones.
    waiting = Counter(c.handler_id for c in open_now if c.handler_id is not None)
    told = {c.handler_id for c in new if c.handler_id is not None}
    told.update(c.handler_id for c, step in reached
                if step != CaseStep.REMINDER_TALK and c.pk is not None and c.handler_id is not None)
    restate("cases to handle", gettext_noop("有 %(n)s 个问责事项需要您谈话或督促整改"), _todo_url(),
            {handler: {"n": n} for handler, n in waiting.items()}, told)


def _todo_url():
    return "web:todo"


def _iso(day):
    return day.isoformat() if day is not None else None


def _update_cases(cases):
    """Write the changed columns of many cases in one UPDATE (``bulk_update`` builds a CASE WHEN per
    column per row: seconds for the few thousand cases a sweep past a deadline day moves)."""
    update_rows(Case, ["status", "step", "deadline", "closed_on", "handler_id"],
                {c.pk: (c.status, c.step, c.deadline, c.closed_on, c.handler_id) for c in cases})


def _insert_cases(cases, day):
    """Insert the new cases, then read back their ids by key (one open case per key)."""
    insert_rows(Case, ["key", "rule", "person_id", "org_id", "unit_id", "handler_id", "status", "step", "opened_on",
                       "deadline"],
                [(c.key, c.rule, c.person_id, c.org_id, c.unit_id, c.handler_id, c.status, c.step, c.opened_on,
                  c.deadline) for c in cases])
    ids = dict(Case.objects.filter(status=CaseStatus.OPEN, opened_on=day).values_list("key", "id").order_by())
    for c in cases:
        c.pk = ids[c.key]


def _insert_history(reached, day, sweep_id):
    insert_rows(CaseStepReached, ["case_id", "step", "on", "sweep_id"], [(c.pk, step, day, sweep_id) for c, step in reached])


def _counts(counts, violations, open_now):
    return {"violations": len(violations), "opened": counts["opened"], "escalated": counts["escalated"],
            "moved_for_many": counts["moved_for_many"], "rectified": counts["rectified"],
            "lapsed": counts["lapsed"], "rerouted": counts["rerouted"], "open_after": len(open_now)}
