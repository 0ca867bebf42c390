"""The ladder of CONTRACT §5: one sweep on day D.

A sweep is one check of the whole tree (``compliance.rules.run_check``) and set operations
over the open cases: they are loaded in one query, the steps of §5 are worked out in
dictionaries, who acts is read off one :class:`people.queries.Chain` of the posts active on
D, and everything is written with ``bulk_create``/``bulk_update`` in one transaction, with
one audit event tied to every case it changed. No query per case, person or branch.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max

from dangjian.audit.services import link_ids, record
from dangjian.compliance.rules import run_check
from dangjian.contacts.models import ContactLink
from dangjian.people.models import PostRole
from dangjian.people.queries import Chain, active_on

from .models import Case, CaseStatus, CaseStep, CaseStepReached, Sweep

SECRETARY_RULE = "secretary-lagging-missing"
VISIT_RULE = "visit-overdue"
DEFAULTS = {"rectify_days": 30, "interview_days": 15, "many": 3}
MAX_DAYS = 36500  # a deadline stays a valid date on both databases


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
        # Sweeps are serialised: the row lock (PostgreSQL) or the write lock taken here (SQLite)
        # keeps a second sweep from reading the open cases while this one rewrites them.
        latest = Sweep.objects.select_for_update().order_by("-on", "-id").values_list("on", flat=True).first()
        if latest is not None and day < latest:
            raise SweepRejected(f"问责日期 {day.isoformat()} 早于最近一次问责巡检 {latest.isoformat()}，"
                                "不能倒序执行；未写入任何内容")
        violations = {v.key: v for v in run_check(as_of=day, visit_days=N).violations}
        chain = Chain.on(day)
        cases = list(Case.objects.filter(status=CaseStatus.OPEN).annotate(org_path=F("org__path"))
                     .only("id", "key", "rule", "person_id", "org_id", "unit_id", "handler_id", "status", "step",
                           "opened_on", "deadline", "closed_on"))
        changed, reached = {}, []  # id(case) -> case changed (new ones have no pk yet); (case, step) reached on D
        counts = Counter()

        # 1. Open cases whose key is gone close: lapsed when the duty itself is gone, else rectified.
        closing = [c for c in cases if c.key not in violations]
        links = set()
        if any(c.rule == VISIT_RULE for c in closing):
            links = set(ContactLink.objects.filter(active_on(day)).values_list("person_id", "organization_id")
                        .order_by().iterator(chunk_size=10000))
        for c in closing:
            lapsed = c.person_id is not None and (
                c.person_id not in chain.leaders
                or (c.rule == SECRETARY_RULE and (c.person_id, c.org_id) not in chain.secretary_posts)
                or (c.rule == VISIT_RULE and (c.person_id, c.org_id) not in links))
            c.status = CaseStatus.LAPSED if lapsed else CaseStatus.RECTIFIED
            c.closed_on = day
            counts["lapsed" if lapsed else "rectified"] += 1
            changed[id(c)] = c
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
                changed[id(c)] = c

        # 3. Keys without an open case open one.
        have = {c.key for c in still_open}
        new = []
        for key, v in violations.items():
            if key in have:
                continue
            c = Case(key=key, rule=v.rule, person_id=v.person_id, org_id=v.org_id, unit_id=v.org_id,
                     status=CaseStatus.OPEN, step=CaseStep.REMINDER_TALK, opened_on=day,
                     deadline=day + timedelta(days=R))
            c.org_path = v.org_path
            if c.unit_id is None and c.person_id is not None:  # the committee of the principal post
                principal = chain.principal(c.person_id)
                c.unit_id = principal[0] if principal else None
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
                changed[id(c)] = c

        # Who acts, recomputed for every case still open.
        for c in open_now:
            handler = handler_of(c.person_id, c.rule, c.org_path, chain)
            if handler != c.handler_id:
                if c.pk is not None:
                    counts["rerouted"] += 1
                c.handler_id = handler
                changed[id(c)] = c

        if latest == day and not new and not changed:
            return SweepOutcome(on=day, sweep=None, counts=_counts(counts, violations, open_now))

        s = Sweep.objects.create(on=day, visit_days=N, rectify_days=R, interview_days=I, many=K,
                                 **_counts(counts, violations, open_now))
        updated = [c for c in changed.values() if c.pk is not None]  # before the new ones get theirs
        Case.objects.bulk_create(new, batch_size=2000)
        _update_cases(updated)
        CaseStepReached.objects.bulk_create(
            [CaseStepReached(case_id=c.pk, step=step, on=day, sweep=s) for c, step in reached], batch_size=2000)
        event = record("accountability swept", actor=actor, obj=s, label=label if actor is None else "",
                       after={"on": day.isoformat(), "visit_days": N, "rectify_days": R, "interview_days": I,
                              "many": K, **_counts(counts, violations, open_now)})
        link_ids(event, Case._meta.label_lower, {c.pk for c in new} | {c.pk for c in updated})
    return SweepOutcome(on=day, sweep=s, counts=_counts(counts, violations, open_now))


def _update_cases(cases):
    """Write the changed columns of many cases in one statement.

    ``bulk_update`` builds a CASE WHEN per column per row (seconds for a few thousand); here the
    rows travel as one array per column (PostgreSQL ``unnest``) or one JSON text (SQLite
    ``json_each``) and one UPDATE … FROM joins them, as ``audit.services.link_ids`` does for ties.
    """
    import json

    from django.db import connection

    if not cases:
        return
    table = Case._meta.db_table
    iso = lambda d: d.isoformat() if d is not None else None  # noqa: E731
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS c SET status = v.status, step = v.step, deadline = v.deadline, "
                f"closed_on = v.closed_on, handler_id = v.handler_id "
                f"FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::date[], %s::date[], %s::bigint[]) "
                f"AS v(id, status, step, deadline, closed_on, handler_id) WHERE c.id = v.id",
                [[c.pk for c in cases], [c.status for c in cases], [c.step for c in cases],
                 [c.deadline for c in cases], [c.closed_on for c in cases], [c.handler_id for c in cases]])
        else:
            rows = [[c.pk, c.status, c.step, iso(c.deadline), iso(c.closed_on), c.handler_id] for c in cases]
            cursor.execute(
                f"UPDATE {table} SET status = v.status, step = v.step, deadline = v.deadline, "
                f"closed_on = v.closed_on, handler_id = v.handler_id "
                f"FROM (SELECT value ->> 0 AS id, value ->> 1 AS status, value ->> 2 AS step, value ->> 3 AS deadline, "
                f"value ->> 4 AS closed_on, value ->> 5 AS handler_id FROM json_each(%s)) AS v "
                f"WHERE {table}.id = v.id",
                [json.dumps(rows)])


def _counts(counts, violations, open_now):
    return {"violations": len(violations), "opened": counts["opened"], "escalated": counts["escalated"],
            "moved_for_many": counts["moved_for_many"], "rectified": counts["rectified"],
            "lapsed": counts["lapsed"], "rerouted": counts["rerouted"], "open_after": len(open_now)}
