"""The sweep against the plain reading of CONTRACT §5 (tests/accountability/ladder_model.py).

Hypothesis draws a small world (the §3 property test's strategy: trees, tier histories,
posts, links and visits around one day), the ladder's parameters, and a sequence of sweeps
days apart (sometimes the same day, now and then one dated before the latest) with the
data changed in between: links set up and ended, visits made, branches re-rated, posts
begun and ended. After every sweep the report (the whole tree and one subtree) must be
exactly the model's; a sweep out of order must be refused with nothing written.
"""

import dataclasses
from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.accountability.ladder import SweepRejected, sweep
from dangjian.accountability.models import Case, CaseStepReached, Sweep
from dangjian.accountability.report import cases_report
from dangjian.contacts.models import ContactLink
from dangjian.orgs.models import Organization, TierRating
from dangjian.people.models import Post
from tests import oracle
from tests.accountability.ladder_model import Ladder, Rejected
from tests.builders import LINKS, ROLES, TIERS, Tree
from tests.compliance.test_rules_property import AS_OF, PEOPLE, build, worlds


class Rollback(Exception):
    pass


MUTATIONS = ["link", "unlink", "visit", "tier", "post", "unpost"]


@st.composite
def scenarios(draw):
    world, _, visit_days = draw(worlds())
    codes = [o.code for o in world.orgs]
    params = dict(N=visit_days, R=draw(st.sampled_from([0, 1, 3, 30])), I=draw(st.sampled_from([0, 1, 2, 15])),
                  K=draw(st.sampled_from([1, 2, 3, 3, 4])))
    day = AS_OF + timedelta(days=draw(st.sampled_from([-60, -1, 0])))
    sweeps = []
    for i in range(draw(st.integers(1, 5))):
        day = day + timedelta(days=draw(st.sampled_from([0, 0, 1, 2, 3, 4, 16, 31])) if i else 0)
        back = draw(st.sampled_from([0] * 8 + [1, 5])) if i else 0  # a sweep dated before the latest
        changes = draw(st.lists(st.tuples(st.sampled_from(MUTATIONS), st.sampled_from(PEOPLE), st.sampled_from(codes),
                                          st.sampled_from(list(LINKS)), st.sampled_from(list(TIERS)),
                                          st.sampled_from(list(ROLES)), st.integers(0, 50)), max_size=4))
        sweeps.append((day, back, changes))
    inner = [c for c in codes if any(o.parent == c for o in world.orgs)]
    scope = draw(st.sampled_from(inner)) if inner and draw(st.booleans()) else None
    return world, params, sweeps, scope


def apply(world, tree, day, change):
    """Change the world and the database alike; a change that does not fit (a duplicate) is skipped."""
    what, person, org, link_kind, tier, role, pick = change
    if what == "link":
        if any((lk.person, lk.org, lk.kind, lk.start) == (person, org, link_kind, day) for lk in world.links):
            return
        world.links.append(oracle.Link(person, org, link_kind, day, None))
        tree.link(person, org, link_kind, start=day)
    elif what in ("unlink", "unpost"):
        rows = world.links if what == "unlink" else world.posts
        ending = [r for r in rows if oracle.is_active(r.start, r.end, day) and (r.start is None or r.start < day)]
        if not ending:
            return
        row = ending[pick % len(ending)]
        rows[rows.index(row)] = dataclasses.replace(row, end=day - timedelta(days=1))
        if what == "unlink":
            ContactLink.objects.filter(person__code=row.person, organization__code=row.org, kind=LINKS[row.kind],
                                       start_date=row.start).update(end_date=day - timedelta(days=1))
        else:
            Post.objects.filter(person__code=row.person, organization__code=row.org, role=ROLES[row.role],
                                start_date=row.start).update(end_date=day - timedelta(days=1))
    elif what == "visit":
        world.activities.append(oracle.Activity(person, org, day))
        tree.visit(person, org, day)
    elif what == "tier":
        i = next((n for n, o in enumerate(world.orgs) if o.code == org), None)
        o = world.orgs[i]
        tiers = tuple((t, d) for t, d in o.tiers if d != day) + ((tier, day),)
        world.orgs[i] = dataclasses.replace(o, tiers=tiers)
        TierRating.objects.update_or_create(organization=tree.orgs[org], rated_on=day, defaults={"tier": TIERS[tier]})
    elif what == "post":
        if any((p.person, p.org, p.role, p.start) == (person, org, role, day) for p in world.posts):
            return
        world.posts.append(oracle.Post(person, org, role, day, None))
        tree.post(person, org, role, start=day)


def written():
    return (Sweep.objects.count(), CaseStepReached.objects.count(),
            sorted(Case.objects.values_list("id", "status", "step", "deadline", "closed_on", "handler_id")))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(example=scenarios())
@pytest.mark.django_db
def test_the_sweep_agrees_with_the_contract(example):
    world, params, sweeps, scope = example
    world = dataclasses.replace(world, orgs=list(world.orgs), posts=list(world.posts), links=list(world.links),
                                activities=list(world.activities))
    model = Ladder()
    try:
        with transaction.atomic():
            tree = build(world)
            root = Organization.objects.get(code=scope) if scope else None
            for day, back, changes in sweeps:
                for change in changes:
                    apply(world, tree, day, change)
                on = day - timedelta(days=back)
                try:
                    model.sweep(world, on, **params)
                except Rejected:
                    before = written()
                    with pytest.raises(SweepRejected):
                        sweep(on=on, visit_days=params["N"], rectify_days=params["R"],
                              interview_days=params["I"], many=params["K"])
                    assert written() == before
                else:
                    sweep(on=on, visit_days=params["N"], rectify_days=params["R"], interview_days=params["I"],
                          many=params["K"])
                assert cases_report().as_json() == model.report(world), (on, params)
                if root is not None:
                    assert cases_report(root).as_json() == model.report(world, scope), (on, params, scope)
            raise Rollback
    except Rollback:
        pass
    assert Case.objects.count() == 0


def test_the_model_reads_the_contract_example():
    """A hand-worked run of the model (a guard on the guard): one visit-overdue case climbing."""
    world = oracle.World(
        orgs=[oracle.Org("C", None, "党委"), oracle.Org("B", "C", "党支部")],
        posts=[oracle.Post("P000", "C", "书记"), oracle.Post("P001", "C", "委员")],
        links=[oracle.Link("P001", "B", "联系点", date(2026, 1, 1)), oracle.Link("P000", "B", "联系点", date(2026, 1, 1))],
        activities=[oracle.Activity("P000", "B", date(2026, 9, 30))],
    )
    model = Ladder()
    model.sweep(world, date(2026, 10, 1))
    model.sweep(world, date(2026, 10, 31))  # the deadline day itself: no climb
    model.sweep(world, date(2026, 11, 1))  # the day after: interview
    report = model.report(world)
    case = next(c for c in report["cases"] if c["rule"] == "visit-overdue" and c["person"] == "P001")
    assert (case["step"], case["deadline"], case["handler"], case["unit"]) == ("interview", "2026-11-16", "P000", "B")
    assert case["history"] == [{"on": "2026-10-01", "step": "reminder_talk"}, {"on": "2026-11-01", "step": "interview"}]
