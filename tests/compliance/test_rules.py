"""Each rule of CONTRACT §3 at its edges, as a user of ``dangjian check`` would see it.

Every test builds a small tree, runs the check for one day and asserts on what the
report shows: who is a responsible leader, which violations are listed (rule,
person, org) and the summary figures.
"""

import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from dangjian.compliance.exports import SUMMARY_LABELS
from dangjian.compliance.rules import run_check
from dangjian.orgs.models import Organization

AS_OF = date(2026, 11, 26)  # D


def day(offset):
    """D + offset days."""
    return AS_OF + timedelta(days=offset)


def check(tree=None, as_of=AS_OF, scope=None, visit_days=None):
    root = Organization.objects.get(code=scope) if scope else None
    return run_check(as_of=as_of, scope=root, visit_days=visit_days)


def triples(result, rule=None):
    return [(v.rule, v.person, v.org) for v in result.violations if rule is None or v.rule == rule]


def named(result, person):
    return sorted(v.rule for v in result.violations if v.person == person)


@pytest.fixture
def county(tree):
    """L 党委 (the county)
    ├── T1 党委 (a township): B11 党支部 后进, B12 党支部 先进
    ├── T2 党工委: G2 党总支 → B21 党支部 后进
    └── T3 党组: B31 党支部 先进
    """
    tree.org("L", kind="党委")
    tree.org("T1", "L", kind="党委")
    tree.org("B11", "T1", tiers=[("后进", "2026-01-01")])
    tree.org("B12", "T1", tiers=[("先进", None)])
    tree.org("T2", "L", kind="党工委")
    tree.org("G2", "T2", kind="党总支")
    tree.org("B21", "G2", tiers=[("后进", None)])
    tree.org("T3", "L", kind="党组")
    tree.org("B31", "T3", tiers=[("先进", "2025-03-01")])
    return tree


def well_linked(tree, person, org="B12", start=None):
    """Give ``person`` an open contact point at ``org`` (a branch) visited on D."""
    tree.link(person, org, "联系点", start=start)
    tree.visit(person, org, AS_OF)


# --- who is a responsible leader --------------------------------------------------------


@pytest.mark.parametrize("start, end, leader", [
    (None, None, True),            # blank dates: since always, still so
    (day(0), None, True),          # starts on D
    (day(1), None, False),         # starts the day after D: a future post
    (None, day(0), True),          # ends on D
    (None, day(-1), False),        # ended the day before D
    (day(-30), day(30), True),
    (day(1), day(30), False),      # wholly in the future
    (day(-30), day(-1), False),    # wholly in the past
    (day(0), day(0), True),        # a one-day post, that day being D
])
def test_a_committee_post_makes_a_responsible_leader_while_it_is_active(county, start, end, leader):
    county.post("P1", "T1", "委员", start=start, end=end)
    result = check()
    assert result.summary["responsible_leaders"] == (1 if leader else 0)
    assert named(result, "P1") == (["branch-link-missing", "contact-point-missing"] if leader else [])


@pytest.mark.parametrize("kind, leader", [("党委", True), ("党组", True), ("党工委", True),
                                          ("党总支", False), ("党支部", False)])
def test_only_committees_make_responsible_leaders(tree, kind, leader):
    tree.org("X", kind=kind)
    tree.post("P1", "X", "书记")
    result = check()
    assert result.summary["responsible_leaders"] == (1 if leader else 0)
    assert ("contact-point-missing", "P1", None) in triples(result) if leader else triples(result) == []


@pytest.mark.parametrize("role", ["书记", "副书记", "委员"])
def test_every_role_in_a_committee_is_a_responsible_leader(county, role):
    county.post("P1", "T3", role)
    assert check().summary["responsible_leaders"] == 1


def test_a_person_with_posts_in_two_committees_is_one_leader_named_once_per_rule(county):
    county.post("P1", "T1", "书记")
    county.post("P1", "T3", "委员")
    county.post("P1", "L", "委员", start="2020-01-01")
    result = check()
    assert result.summary["responsible_leaders"] == 1
    assert triples(result, "contact-point-missing") == [("contact-point-missing", "P1", None)]
    assert triples(result, "branch-link-missing") == [("branch-link-missing", "P1", None)]
    assert result.summary["compliant_leaders"] == 0


def test_branch_secretaries_are_not_responsible_leaders(county):
    county.post("S1", "B11", "书记")
    county.post("S2", "B12", "书记")
    county.post("S3", "G2", "书记")  # a 党总支 secretary neither
    county.link("S1", "B11", "联系点")
    result = check()
    assert result.summary["responsible_leaders"] == 0
    assert not [v for v in result.violations if v.person in ("S1", "S2", "S3")]
    # and the branch secretary's own link does not cover the lagging branch
    assert ("lagging-branch-uncovered", None, "B11") in triples(result)


# --- contact-point-missing and branch-link-missing --------------------------------------------


@pytest.mark.parametrize("start, end, active", [
    (None, None, True),
    (day(0), None, True),        # starts on D
    (day(1), None, False),       # starts tomorrow
    (None, day(0), True),        # ends on D
    (None, day(-1), False),      # ended yesterday
    (day(-100), day(-50), False),
    (day(10), day(50), False),
])
def test_a_link_counts_while_it_is_active(county, start, end, active):
    county.post("P1", "T1", "委员")
    county.link("P1", "B12", "联系点", start=start, end=end)
    result = check()
    missing = [] if active else ["branch-link-missing", "contact-point-missing"]
    assert [r for r in named(result, "P1") if r != "visit-overdue"] == missing


def test_a_branch_link_to_a_branch_is_no_contact_point(county):
    county.post("P1", "T1", "委员")
    county.link("P1", "B12", "联系支部")
    result = check()
    assert ("contact-point-missing", "P1", None) in triples(result)
    assert ("branch-link-missing", "P1", None) not in triples(result)


def test_a_contact_point_at_a_branch_satisfies_both_link_rules(county):
    county.post("P1", "T1", "委员")
    county.link("P1", "B31", "联系点")  # a branch outside P1's own committee counts too
    result = check()
    assert "contact-point-missing" not in named(result, "P1")
    assert "branch-link-missing" not in named(result, "P1")


@pytest.mark.parametrize("target", ["G2", "T2", "L", "T3"])
def test_a_contact_point_at_an_organization_that_is_no_branch_is_no_branch_link(county, target):
    county.post("P1", "T1", "委员")
    county.link("P1", target, "联系点")
    result = check()
    assert "contact-point-missing" not in named(result, "P1")
    assert ("branch-link-missing", "P1", None) in triples(result)


def test_a_branch_link_to_a_general_branch_satisfies_neither_rule(county):
    county.post("P1", "T1", "委员")
    county.link("P1", "G2", "联系支部")
    assert [r for r in named(check(), "P1") if r != "visit-overdue"] == [
        "branch-link-missing", "contact-point-missing"]


def test_links_of_both_kinds_make_a_leader_compliant(county):
    county.post("P1", "T3", "委员")
    county.link("P1", "T3", "联系点")
    county.link("P1", "B31", "联系支部")
    county.visit("P1", "T3", day(-5))
    county.visit("P1", "B31", day(-5))
    result = check()
    assert named(result, "P1") == []
    assert result.summary["compliant_leaders"] == 1


# --- tier history ---------------------------------------------------------------------


@pytest.mark.parametrize("as_of, lagging", [
    (date(2020, 1, 1), False),      # only the blank-dated entry applies: 先进
    (date(2025, 12, 31), False),
    (date(2026, 1, 1), True),       # 后进 from 2026-01-01 on, that day included
    (date(2026, 5, 31), True),
    (date(2026, 6, 1), False),      # 中间 from 2026-06-01
    (AS_OF, False),                 # the future entry does not apply yet
    (date(2026, 12, 31), False),
    (date(2027, 1, 1), True),       # 后进 again from 2027-01-01
])
def test_the_tier_on_a_day_is_the_latest_entry_on_or_before_it(tree, as_of, lagging):
    tree.org("C", kind="党委")
    tree.org("B", "C", tiers=[("先进", None), ("后进", "2026-01-01"), ("中间", "2026-06-01"),
                              ("后进", "2027-01-01")])
    result = check(as_of=as_of)
    assert result.summary["branches"] == 1
    assert result.summary["lagging_branches"] == (1 if lagging else 0)
    assert (("lagging-branch-uncovered", None, "B") in triples(result)) is lagging


@pytest.mark.parametrize("history, lagging", [
    ([("后进", None)], True),                                  # blank: since always
    ([("后进", None), ("先进", "2026-11-25")], False),          # a dated entry outranks the blank one
    ([("先进", None), ("后进", "2026-11-26")], True),           # dated exactly D
    ([("先进", None), ("后进", "2026-11-27")], False),          # dated the day after D
    ([("后进", None), ("先进", "2026-11-27")], True),           # a future entry does not apply yet
    ([("后进", "2026-11-27")], False),                         # only a future entry: unrated
    ([], False),                                               # never rated
    ([("中间", None), ("后进", "2019-01-01"), ("先进", "2020-01-01"), ("后进", "2021-01-01")], True),
])
def test_blank_future_and_missing_tier_entries(tree, history, lagging):
    tree.org("C", kind="党委")
    tree.org("B", "C", tiers=history)
    result = check()
    assert result.summary["lagging_branches"] == (1 if lagging else 0)
    assert triples(result) == ([("lagging-branch-uncovered", None, "B")] if lagging else [])


# --- secretary-lagging-missing --------------------------------------------------------


def test_a_secretary_over_a_lagging_branch_must_link_one(county):
    county.post("P1", "T1", "书记")
    county.post("P3", "T3", "书记")  # T3 holds no lagging branch
    result = check()
    assert triples(result, "secretary-lagging-missing") == [("secretary-lagging-missing", "P1", "T1")]
    message = next(v.message for v in result.violations if v.rule == "secretary-lagging-missing")
    assert "P1" in message and "T1" in message


@pytest.mark.parametrize("target, kind, cleared", [
    ("B11", "联系点", True),      # the lagging branch under T1
    ("B11", "联系支部", True),    # either link type
    ("B12", "联系点", False),     # a branch under T1, but not lagging
    ("B21", "联系点", False),     # lagging, but outside T1's subtree
    ("T1", "联系点", False),      # T1 itself
])
def test_what_clears_the_secretary_rule(county, target, kind, cleared):
    county.post("P1", "T1", "书记")
    county.link("P1", target, kind)
    assert (("secretary-lagging-missing", "P1", "T1") in triples(check())) is not cleared


def test_a_lagging_branch_below_a_general_branch_is_in_the_committee_subtree(county):
    county.post("P2", "T2", "书记")
    assert ("secretary-lagging-missing", "P2", "T2") in triples(check())
    county.link("P2", "B21", "联系支部")
    assert ("secretary-lagging-missing", "P2", "T2") not in triples(check())


@pytest.mark.parametrize("start, end", [(None, day(-1)), (day(1), None)])
def test_an_ended_or_future_link_to_the_lagging_branch_does_not_clear_it(county, start, end):
    county.post("P1", "T1", "书记")
    county.link("P1", "B11", "联系点", start=start, end=end)
    assert ("secretary-lagging-missing", "P1", "T1") in triples(check())


@pytest.mark.parametrize("role", ["副书记", "委员"])
def test_only_secretaries_fall_under_the_secretary_rule(county, role):
    county.post("P1", "T1", role)
    assert triples(check(), "secretary-lagging-missing") == []


def test_an_ended_secretary_post_is_not_checked(county):
    county.post("P1", "T1", "书记", start="2020-01-01", end=day(-1))
    county.post("P2", "T1", "书记", start=day(1))
    assert triples(check(), "secretary-lagging-missing") == []


def test_no_lagging_branch_on_the_day_no_secretary_violation(county):
    county.post("P1", "T1", "书记")
    assert ("secretary-lagging-missing", "P1", "T1") not in triples(check(as_of=date(2025, 12, 31)))
    assert ("secretary-lagging-missing", "P1", "T1") in triples(check(as_of=date(2026, 1, 1)))


def test_the_secretary_rule_is_per_committee(county):
    county.post("P1", "T1", "书记")
    county.post("P1", "T2", "书记")
    county.link("P1", "B11", "联系点")
    result = check()
    assert triples(result, "secretary-lagging-missing") == [("secretary-lagging-missing", "P1", "T2")]
    assert result.summary["responsible_leaders"] == 1


def test_nested_committees_each_get_their_own_secretary_check(county):
    county.post("P1", "L", "书记")
    county.post("P1", "T1", "书记")
    county.link("P1", "B21", "联系点")  # lagging, under L but not under T1
    assert triples(check(), "secretary-lagging-missing") == [("secretary-lagging-missing", "P1", "T1")]
    county.link("P1", "B11", "联系支部")  # lagging under T1, hence under L too
    assert triples(check(), "secretary-lagging-missing") == []


def test_the_secretary_rule_only_looks_at_committees_inside_the_scope(county):
    county.post("P0", "L", "书记")
    county.post("P1", "T1", "书记")
    county.post("P2", "T2", "书记")
    assert [v[1:] for v in triples(check(), "secretary-lagging-missing")] == [
        ("P0", "L"), ("P1", "T1"), ("P2", "T2")]
    assert [v[1:] for v in triples(check(scope="T1"), "secretary-lagging-missing")] == [("P1", "T1")]
    assert triples(check(scope="T3"), "secretary-lagging-missing") == []


def test_the_secretary_rule_reaches_committees_at_any_depth(tree):
    # a long chain of 党总支 under the root; a committee 40 levels down holds a lagging branch
    tree.org("R", kind="党委")
    parent = "R"
    for i in range(38):
        tree.org(f"G{i}", parent, kind="党总支")
        parent = f"G{i}"
    tree.org("DEEP", parent, kind="党委")
    tree.org("LB", "DEEP", tiers=[("后进", None)])
    tree.post("P1", "DEEP", "书记")
    tree.post("P0", "R", "书记")
    assert Organization.objects.get(code="LB").depth == 41
    assert triples(check(), "secretary-lagging-missing") == [
        ("secretary-lagging-missing", "P0", "R"), ("secretary-lagging-missing", "P1", "DEEP")]
    tree.link("P1", "LB", "联系点")
    assert triples(check(), "secretary-lagging-missing") == [("secretary-lagging-missing", "P0", "R")]


# --- lagging-branch-uncovered ---------------------------------------------------------


def test_a_lagging_branch_is_covered_by_a_leader_link_of_either_kind(county):
    county.post("P1", "T3", "委员")
    county.post("P2", "L", "副书记")
    result = check()
    assert triples(result, "lagging-branch-uncovered") == [
        ("lagging-branch-uncovered", None, "B11"), ("lagging-branch-uncovered", None, "B21")]
    assert result.summary["covered_lagging_branches"] == 0
    county.link("P1", "B11", "联系点")
    county.link("P2", "B21", "联系支部")
    result = check()
    assert triples(result, "lagging-branch-uncovered") == []
    assert result.summary["lagging_branches"] == result.summary["covered_lagging_branches"] == 2


@pytest.mark.parametrize("setup", [
    "no post",              # a person with no post at all
    "branch secretary",     # a post in the branch itself
    "general branch",       # a post in a 党总支
    "ended post",           # a committee post that ended yesterday
    "future post",          # a committee post from tomorrow
    "ended link",           # a leader whose link ended yesterday
    "future link",          # a leader whose link starts tomorrow
])
def test_what_does_not_cover_a_lagging_branch(county, setup):
    post = {"branch secretary": ("B11", None, None), "general branch": ("G2", None, None),
            "ended post": ("T1", None, day(-1)), "future post": ("T1", day(1), None)}.get(setup, ("T1", None, None))
    link = {"ended link": (None, day(-1)), "future link": (day(1), None)}.get(setup, (None, None))
    if setup == "no post":
        county.person("P1")
    else:
        county.post("P1", post[0], "书记", start=post[1], end=post[2])
    county.link("P1", "B11", "联系点", start=link[0], end=link[1])
    assert ("lagging-branch-uncovered", None, "B11") in triples(check())


def test_a_lagging_branch_in_scope_is_covered_by_a_leader_outside_the_scope(county):
    county.post("P2", "T2", "委员")  # a leader, but outside T1
    county.link("P2", "B11", "联系点")
    result = check(scope="T1")
    assert triples(result, "lagging-branch-uncovered") == []
    assert result.summary == {"responsible_leaders": 0, "compliant_leaders": 0, "branches": 2,
                              "lagging_branches": 1, "covered_lagging_branches": 1}


def test_lagging_branches_outside_the_scope_are_not_reported(county):
    result = check(scope="T2")
    assert triples(result, "lagging-branch-uncovered") == [("lagging-branch-uncovered", None, "B21")]
    assert result.summary["branches"] == 1
    result = check(scope="T3")
    assert triples(result) == []
    assert (result.summary["branches"], result.summary["lagging_branches"]) == (1, 0)
    result = check(scope="B11")  # a branch as the scope: its own subtree is itself
    assert triples(result) == [("lagging-branch-uncovered", None, "B11")]
    assert (result.summary["branches"], result.summary["lagging_branches"]) == (1, 1)


# --- visit-overdue ----------------------------------------------------------------------


@pytest.fixture
def visiting(county):
    """P1, a T1 委员, with an open contact point at B12 (blank start)."""
    county.post("P1", "T1", "委员")
    county.link("P1", "B12", "联系点")
    return county


@pytest.mark.parametrize("visit_days", [90, 30, 7, 1])
@pytest.mark.parametrize("offset, overdue", [
    (None, True),    # never visited
    (0, False),      # on D
    ("first", False),  # the window's first day, D − N + 1
    ("before", True),  # the day before it, D − N
    (-400, True),
    (1, True),       # tomorrow does not count
])
def test_the_visit_window_is_the_last_n_days_up_to_d(visiting, visit_days, offset, overdue):
    offset = {"first": -visit_days + 1, "before": -visit_days}.get(offset, offset)
    if offset is not None:
        visiting.visit("P1", "B12", day(offset))
    result = check(visit_days=visit_days)
    assert result.visit_days == visit_days
    assert (("visit-overdue", "P1", "B12") in triples(result)) is overdue


@pytest.mark.parametrize("visit_days", [90, 30])
@pytest.mark.parametrize("start, due", [
    (None, True),
    ("D-N", True),        # started exactly N days ago: checked
    ("D-N+1", False),     # one day later: not yet due
    (-400, True),
    (0, False),
])
def test_a_link_is_due_once_it_started_n_days_ago(county, visit_days, start, due):
    start = {"D-N": -visit_days, "D-N+1": -visit_days + 1}.get(start, start)
    county.post("P1", "T1", "委员")
    county.link("P1", "B12", "联系点", start=None if start is None else day(start))
    assert (("visit-overdue", "P1", "B12") in triples(check(visit_days=visit_days))) is due


def test_the_default_window_is_90_days(visiting):
    visiting.visit("P1", "B12", day(-60))
    assert run_check(as_of=AS_OF).visit_days == 90
    assert ("visit-overdue", "P1", "B12") not in triples(check())
    assert ("visit-overdue", "P1", "B12") in triples(check(visit_days=60))
    assert ("visit-overdue", "P1", "B12") not in triples(check(visit_days=61))


def test_only_the_leaders_own_visit_at_that_organization_counts(visiting):
    visiting.visit("P2", "B12", day(-1))  # someone else at B12
    visiting.visit("P1", "B11", day(-1))  # P1 elsewhere
    assert ("visit-overdue", "P1", "B12") in triples(check())
    visiting.visit("P1", "B12", day(-1), kind="other")  # any kind of activity counts
    assert ("visit-overdue", "P1", "B12") not in triples(check())


def test_two_links_to_one_organization_make_one_pair(visiting):
    visiting.link("P1", "B12", "联系支部", start="2020-01-01")
    visiting.link("P1", "B12", "联系点", start="2021-01-01")
    assert triples(check(), "visit-overdue") == [("visit-overdue", "P1", "B12")]


def test_one_pair_per_linked_organization_of_any_kind(visiting):
    visiting.link("P1", "G2", "联系点")     # a 党总支
    visiting.link("P1", "T3", "联系支部")   # a committee
    visiting.link("P1", "B31", "联系支部")
    visiting.visit("P1", "B31", day(-3))
    assert triples(check(), "visit-overdue") == [
        ("visit-overdue", "P1", "B12"), ("visit-overdue", "P1", "G2"), ("visit-overdue", "P1", "T3")]


def test_ended_and_future_links_are_not_due(county):
    county.post("P1", "T1", "委员")
    county.link("P1", "B11", "联系点", start="2020-01-01", end=day(-1))
    county.link("P1", "B12", "联系点", start=day(1))
    assert triples(check(), "visit-overdue") == []


def test_only_responsible_leaders_in_scope_are_held_to_visits(county):
    county.post("S1", "B12", "书记")            # a branch secretary
    county.link("S1", "B12", "联系点")
    county.post("P2", "T2", "委员")             # a leader outside T1
    county.link("P2", "B12", "联系点")
    county.post("P1", "T1", "委员")
    county.link("P1", "B21", "联系点")          # a link out of the scope still is P1's
    assert triples(check(), "visit-overdue") == [
        ("visit-overdue", "P1", "B21"), ("visit-overdue", "P2", "B12")]
    assert triples(check(scope="T1"), "visit-overdue") == [("visit-overdue", "P1", "B21")]


# --- summary and ordering ------------------------------------------------------------


@pytest.fixture
def busy(county):
    """A county where several people break several rules."""
    county.post("P10", "L", "书记")                 # links B11 (lagging, under L): fine, but never visits
    county.link("P10", "B11", "联系点", start="2026-01-01")
    county.post("P2", "T1", "书记")                 # no links at all
    county.post("P3", "T2", "委员")                 # compliant
    well_linked(county, "P3", "B12")
    county.post("P4", "T3", "书记", end=day(-1))    # no longer a leader
    county.post("P5", "T3", "副书记")               # a contact point at a 党总支, visited
    county.link("P5", "G2", "联系点", start=day(-10))
    county.post("S9", "B21", "书记")                # a branch secretary linking her own branch
    county.link("S9", "B21", "联系点")
    return county


def test_violations_are_listed_in_rule_person_org_order(busy):
    result = check()
    assert triples(result) == [
        ("branch-link-missing", "P2", None),
        ("branch-link-missing", "P5", None),
        ("contact-point-missing", "P2", None),
        ("lagging-branch-uncovered", None, "B21"),
        ("secretary-lagging-missing", "P2", "T1"),
        ("visit-overdue", "P10", "B11"),
    ]
    assert result.summary == {"responsible_leaders": 4, "compliant_leaders": 1, "branches": 4,
                              "lagging_branches": 2, "covered_lagging_branches": 1}
    keys = [(v.rule, v.person or "", v.org or "") for v in result.violations]
    assert keys == sorted(keys)
    # person codes sort as text: "P10" before "P2"
    busy.link("P2", "B11", "联系支部", start="2020-01-01")
    assert triples(check(), "visit-overdue") == [("visit-overdue", "P10", "B11"), ("visit-overdue", "P2", "B11")]


def test_the_summary_counts_inside_the_scope(busy):
    result = check(scope="T1")
    assert triples(result) == [
        ("branch-link-missing", "P2", None),
        ("contact-point-missing", "P2", None),
        ("secretary-lagging-missing", "P2", "T1"),
    ]
    assert result.summary == {"responsible_leaders": 1, "compliant_leaders": 0, "branches": 2,
                              "lagging_branches": 1, "covered_lagging_branches": 1}
    result = check(scope="T2")
    assert triples(result) == [("lagging-branch-uncovered", None, "B21")]
    assert result.summary == {"responsible_leaders": 1, "compliant_leaders": 1, "branches": 1,
                              "lagging_branches": 1, "covered_lagging_branches": 0}


def test_the_summary_of_an_empty_database(db):
    result = run_check(as_of=AS_OF)
    assert result.summary == {"responsible_leaders": 0, "compliant_leaders": 0, "branches": 0,
                              "lagging_branches": 0, "covered_lagging_branches": 0}
    assert result.violations == []


def test_messages_name_the_person_and_organization(busy):
    result = check()
    by_key = {(v.rule, v.person, v.org): v for v in result.violations}
    v = by_key[("visit-overdue", "P10", "B11")]
    assert "P10" in v.message and "B11" in v.message and "90" in v.message
    assert "B21" in by_key[("lagging-branch-uncovered", None, "B21")].message
    assert all(v.message for v in result.violations)


# --- the command ---------------------------------------------------------------------


def run_command(capsys, *args):
    call_command("checkrules", *args)
    return capsys.readouterr().out


def test_json_on_stdout_is_the_check_result(busy, capsys):
    out = json.loads(run_command(capsys, "--as-of", "2026-11-26", "--format", "json"))
    assert out == run_check(as_of=AS_OF).as_json()
    assert list(out) == ["as_of", "scope", "visit_days", "summary", "violations"]
    assert out["scope"] is None and out["visit_days"] == 90
    assert [(v["rule"], v["person"], v["org"]) for v in out["violations"]] == triples(check())
    assert all(set(v) == {"rule", "person", "org", "message"} for v in out["violations"])


def test_json_with_scope_and_visit_days(busy, capsys):
    out = json.loads(run_command(capsys, "--as-of", "2026-11-26", "--org", "T2", "--visit-days", "5",
                                 "--format", "json"))
    assert (out["scope"], out["visit_days"]) == ("T2", 5)
    # P3 visited B12 on D: still fine with a 5-day window
    assert out["summary"]["compliant_leaders"] == 1
    out = json.loads(run_command(capsys, "--as-of", "2026-11-27", "--org", "T2", "--visit-days", "1",
                                 "--format", "json"))
    assert [(v["rule"], v["person"], v["org"]) for v in out["violations"]] == [
        ("lagging-branch-uncovered", None, "B21"), ("visit-overdue", "P3", "B12")]


def test_as_of_defaults_to_today(county, capsys, frozen_today):  # the clock stands still: no midnight race
    out = json.loads(run_command(capsys, "--format", "json"))
    assert out["as_of"] == date.today().isoformat()


def test_json_to_a_file(busy, capsys, tmp_path):
    target = tmp_path / "check.json"
    assert run_command(capsys, "--as-of", "2026-11-26", "--format", "json", "--out", str(target)) == ""
    assert json.loads(target.read_text(encoding="utf-8")) == run_check(as_of=AS_OF).as_json()


def test_table_lists_summary_and_violations(busy, capsys):
    out = run_command(capsys, "--as-of", "2026-11-26")
    assert "2026-11-26" in out
    for needle in ("责任主体", "后进党支部", "P2", "P10", "B21", "T1", "共 6 条问题"):
        assert needle in out
    out = run_command(capsys, "--as-of", "2026-11-26", "--org", "B31", "--format", "table")
    assert "B31" in out and "未发现问题" in out


def test_table_to_a_file(busy, capsys, tmp_path):
    target = tmp_path / "check.txt"
    run_command(capsys, "--as-of", "2026-11-26", "--format", "table", "--out", str(target))
    assert "共 6 条问题" in target.read_text(encoding="utf-8")


def test_xlsx_holds_the_summary_and_one_row_per_violation(busy, capsys, tmp_path):
    target = tmp_path / "check.xlsx"
    run_command(capsys, "--as-of", "2026-11-26", "--format", "xlsx", "--out", str(target))
    rows = [[c for c in row] for row in load_workbook(target).active.iter_rows(values_only=True)]
    cells = {row[0]: row[1] for row in rows if row and row[0] is not None}
    assert cells["检查日期"] == "2026-11-26"
    assert cells["检查范围"] == "全部"
    header = next(i for i, row in enumerate(rows) if row and row[0] == "规则编号")
    found = [(row[0], row[2], row[4]) for row in rows[header + 1:] if row and row[0]]
    assert found == triples(check())
    summary = {key: cells[label] for key, label in SUMMARY_LABELS.items()}
    assert summary == run_check(as_of=AS_OF).summary


def test_an_unknown_org_is_rejected_with_exit_status_1(county, tmp_path):
    target = tmp_path / "check.json"
    with pytest.raises(CommandError) as err:
        call_command("checkrules", "--org", "NOPE", "--format", "json", "--out", str(target))
    assert err.value.returncode == 1
    assert "NOPE" in str(err.value)
    assert not target.exists()


def test_xlsx_without_out_is_a_usage_error(county):
    with pytest.raises(CommandError) as err:
        call_command("checkrules", "--format", "xlsx")
    assert err.value.returncode == 2
