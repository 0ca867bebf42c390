"""Who sees a case (CONTRACT §5, issue 9 item 2), in the style of tests/scoped.py.

The expectations come from the policy table (``accounts.policy.access``) and the world's
grants, judged here row by row, never by asking ``visible_q`` (the code under test): a case
is visible to its person, its handler, and the roles the table names over its unit.
"""

from datetime import date

import pytest

from dangjian.accountability.ladder import sweep
from dangjian.accountability.models import Case, CaseStepReached
from dangjian.accounts.models import Role
from dangjian.accounts.policy import access
from tests.test_web_scope import world  # noqa: F401  (two banners, a user per role)

TODAY = date(2026, 11, 26)


@pytest.fixture
def cases(world):  # noqa: F811
    world.post("PA1", "A1", "书记", start="2020-01-01")  # PA2's handler; PA handles PA1
    world.post("PB2", "B", "委员", start="2020-01-01")  # a case in banner B, handled by PB
    sweep(on=TODAY)
    return world


def permits(user, action, case):
    rule = access(Case, action)
    person = getattr(getattr(user, "profile", None), "person", None)
    if person is not None and person.pk in (case.handler_id,) and action in ("view", "change"):
        return True
    for grant in user.grants.select_related("organization"):
        covers = case.unit.path.startswith(grant.organization.path)
        if covers and grant.role in rule.roles:
            return True
        if rule.own and person is not None and case.person_id == person.pk and grant.role in rule.own:
            if rule.own_anywhere or covers:
                return True
    return False


def test_every_user_sees_exactly_the_cases_the_table_gives_them(cases):
    everything = list(Case.objects.select_related("unit"))
    assert {c.person.code for c in everything if c.person} >= {"PA", "PA1", "PA2", "PB2"}
    for name, user in cases.users.items():
        for action in ("view", "change"):
            expected = {c.pk for c in everything if user.is_superuser or permits(user, action, c)}
            got = set(Case.objects.visible_to(user, action).values_list("pk", flat=True))
            assert got == expected, (name, action)
            history = set(CaseStepReached.objects.visible_to(user).values_list("case_id", flat=True))
            if action == "view":
                assert history == expected, name


def test_a_leader_sees_their_own_and_those_they_handle_not_their_colleagues(cases):
    seen = Case.objects.visible_to(cases.users["a_leader"])
    people = {(c.person.code if c.person else None, c.handler.code if c.handler else None) for c in seen}
    assert {p for p, _ in people} >= {"PA", "PA1"}
    assert all(p == "PA" or h == "PA" for p, h in people)
    assert not seen.filter(person__code="PA2").exists()  # PA1 handles it
    assert not seen.filter(rule="lagging-branch-uncovered", org__code="A1S").exists()  # PA1 handles it
    assert Case.objects.get(rule="lagging-branch-uncovered", org__code="A1S").handler.code == "PA1"


def test_supervisors_read_their_region_and_never_change_a_case(cases):
    inspector = cases.users["a_inspector"]
    seen = Case.objects.visible_to(inspector)
    assert seen.exists() and not seen.filter(unit__code__in=["B", "B1S"]).exists()
    assert set(seen.values_list("pk", flat=True)) == set(
        Case.objects.filter(unit__path__startswith=cases.orgs["A"].path).values_list("pk", flat=True))
    assert not Case.objects.visible_to(inspector, "change").exists()
    assert Role.INSPECTOR not in access(Case, "change").all_roles


def test_the_department_reads_its_subtree_only(cases):
    a_admin = cases.users["a_admin"]
    assert not Case.objects.visible_to(a_admin).filter(person__code="PB2").exists()
    assert Case.objects.visible_to(cases.users["root_admin"]).filter(person__code="PB2").exists()
