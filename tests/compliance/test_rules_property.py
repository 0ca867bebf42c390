"""The SQL rule engine against the plain reading of CONTRACT §3 (tests/oracle.py).

Hypothesis draws small organization trees with tier histories, posts, links and
activities dated around one as-of day (blank, well before, on the visit window's
edges, the day before, on, the day after, later), a scope and a visit window;
each example is built in the database inside a savepoint that is rolled back, and
``run_check`` must give exactly the oracle's summary and violations.
"""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangjian.compliance.rules import run_check
from dangjian.orgs.models import Organization
from tests import oracle
from tests.builders import Tree

AS_OF = date(2026, 11, 26)
KINDS = ["党委", "党组", "党工委", "党总支", "党支部"]
TIERS = ["先进", "中间", "后进"]
ROLES = ["书记", "副书记", "委员"]
LINK_KINDS = ["联系点", "联系支部"]
PEOPLE = [f"P{i}" for i in range(1, 6)]
MAX_DEPTH = 4  # levels, the root being level 1


class Rollback(Exception):
    pass


@st.composite
def worlds(draw):
    visit_days = draw(st.sampled_from([1, 2, 30, 89, 90, 91]))
    offsets = sorted({-400, -visit_days - 1, -visit_days, -visit_days + 1, -30, -1, 0, 1, 45})
    days = [AS_OF + timedelta(days=o) for o in offsets]
    # a blank date about a quarter of the time; otherwise around the as-of day and the window's edges
    when = st.sampled_from([None, None, None, *days])

    # The tree: each organization hangs under an earlier one (or is a root), ≤ MAX_DEPTH levels.
    n_orgs = draw(st.integers(2, 12))
    codes = [f"O{i:02d}" for i in range(n_orgs)]
    depth, parents, kinds = {}, {}, {}
    for i, code in enumerate(codes):
        below = [c for c in codes[:i] if depth[c] < MAX_DEPTH]
        # mostly one tree, sometimes a forest
        parent = None if i == 0 else draw(st.sampled_from(below if draw(st.integers(0, 9)) else [None, *below]))
        parents[code] = parent
        depth[code] = 1 if parent is None else depth[parent] + 1
        # committees near the top, branches further down, but any kind anywhere
        if depth[code] == 1:
            kinds[code] = draw(st.sampled_from(["党委", "党委", "党组", "党工委", "党总支", "党支部"]))
        else:
            kinds[code] = draw(st.sampled_from([*KINDS, "党支部", "党支部", "党委"]))

    def subtree(root):
        out = []
        for c in codes:
            a = c
            while a is not None and a != root:
                a = parents[a]
            if a == root:
                out.append(c)
        return out

    orgs = []
    for code in codes:
        tiers = ()
        # Only a 党支部 is rated, but a stray rating elsewhere (a branch since re-typed) must not
        # make a 党总支 or a committee "lagging".
        if kinds[code] == "党支部" or not draw(st.integers(0, 5)):
            # 后进 three times as likely, so that the lagging rules bite
            # (unrated now and then)
            history = draw(st.dictionaries(when, st.sampled_from([*TIERS, "后进", "后进"]),
                                           min_size=draw(st.sampled_from([0, 1, 1])), max_size=4))
            tiers = tuple((tier, d) for d, tier in history.items())
        orgs.append(oracle.Org(code, parents[code], kinds[code], tiers))

    by_code = {o.code: o for o in orgs}
    in_window = [day for day in days if AS_OF - timedelta(days=visit_days) < day <= AS_OF]
    open_end = st.sampled_from([None] * 6 + days)  # ends are mostly blank: most posts and links run on

    def span():
        a, b = draw(when), draw(open_end)
        if a is not None and b is not None and b < a:
            a, b = b, a
        return a, b

    branches = [c for c in codes if kinds[c] == "党支部"] or codes
    committees = [c for c in codes if kinds[c] in oracle.COMMITTEE_KINDS] or codes
    posts, links, activities = {}, {}, []

    def add_link(person, org):
        kind = draw(st.sampled_from(LINK_KINDS))
        start, end = span()
        links[(person, org, kind, start)] = oracle.Link(person, org, kind, start, end)

    # Posts mostly in committees; their holders mostly link branches under them, so rules bite.
    for _ in range(draw(st.integers(1, 8))):
        person = draw(st.sampled_from(PEOPLE))
        over = [c for c in committees if any(b in subtree(c) for b in branches)]
        org = draw(st.sampled_from(over if over and draw(st.booleans()) else
                                   committees if draw(st.integers(0, 3)) else codes))
        role = draw(st.sampled_from([*ROLES, "书记"]))
        start, end = span()
        posts[(person, org, role, start)] = oracle.Post(person, org, role, start, end)
        near = [c for c in subtree(org) if kinds[c] == "党支部"] or branches
        for _ in range(draw(st.integers(0, 2))):
            add_link(person, draw(st.sampled_from(near if draw(st.integers(0, 3)) else codes)))
        if draw(st.booleans()):
            # a diligent holder: an open contact point at a (preferably lagging) branch, visited lately
            lagging = [c for c in near if oracle.tier_on(by_code[c], AS_OF) == "后进"]
            target = draw(st.sampled_from(lagging if lagging and draw(st.booleans()) else near))
            start = draw(when)
            links[(person, target, "联系点", start)] = oracle.Link(person, target, "联系点", start, None)
            activities.append(oracle.Activity(person, target, draw(st.sampled_from(in_window))))
    # and a few links from anyone to anything
    for _ in range(draw(st.integers(0, 4))):
        add_link(draw(st.sampled_from(PEOPLE)), draw(st.sampled_from(codes)))

    for lk in sorted(links.values(), key=repr):  # mostly where a link is, on a window edge or near one
        for _ in range(draw(st.integers(0, 1))):
            activities.append(oracle.Activity(lk.person, lk.org, draw(st.sampled_from(days))))
    for _ in range(draw(st.integers(0, 3))):
        activities.append(oracle.Activity(draw(st.sampled_from(PEOPLE)), draw(st.sampled_from(codes)),
                                          draw(st.sampled_from(days))))

    # the scope: the whole tree, or mostly an inner organization with committees above it
    inner = [c for c in codes if parents[c] is not None and kinds[c] != "党支部"]
    scope = draw(st.sampled_from([*inner, *inner, *codes]) if draw(st.booleans()) else st.none())
    world = oracle.World(orgs=orgs, posts=list(posts.values()), links=list(links.values()),
                         activities=activities)
    return world, scope, visit_days


def build(world):
    tree = Tree()
    for org in world.orgs:
        tree.org(org.code, org.parent, kind=org.kind, tiers=org.tiers)
    for p in world.posts:
        tree.post(p.person, p.org, p.role, start=p.start, end=p.end)
    for lk in world.links:
        tree.link(lk.person, lk.org, lk.kind, start=lk.start, end=lk.end)
    for a in world.activities:
        tree.visit(a.person, a.org, a.date)
    return tree


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(example=worlds())
@pytest.mark.django_db
def test_engine_agrees_with_the_contract(example):
    world, scope, visit_days = example
    expected = oracle.check(world, AS_OF, scope=scope, visit_days=visit_days)
    try:
        with transaction.atomic():
            build(world)
            root = Organization.objects.get(code=scope) if scope else None
            result = run_check(as_of=AS_OF, scope=root, visit_days=visit_days)
            raise Rollback
    except Rollback:
        pass
    got = result.as_json()
    assert got["summary"] == expected["summary"]
    assert [(v["rule"], v["person"], v["org"]) for v in got["violations"]] == expected["violations"]
    assert (got["as_of"], got["scope"], got["visit_days"]) == (
        expected["as_of"], expected["scope"], expected["visit_days"])
    assert Organization.objects.count() == 0  # the example left nothing behind
