"""The ledger's table as a state machine: random steps by random roles, checked against a model of the table.

Every step goes through the service the pages and the API call. A refused step changes
nothing and writes nothing; an accepted one writes exactly one audit event, with its action.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from dangjian.accounts.models import Profile, RoleGrant
from dangjian.audit.models import AuditEvent
from dangjian.problems import services
from dangjian.problems.models import Problem, ProblemStatus
from dangjian.problems.workflow import PROBLEMS
from tests.test_web_scope import world  # noqa: F401  (the fixture)

KEEPERS = {"root_admin", "a_admin", "a_leader", "a_branch"}  # keep the A1S ledger
REOPENERS = {"root_admin", "a_admin"}  # the organization department
ROLES = sorted(KEEPERS | {"a_inspector", "b_admin"})
ACTIONS = {"take_up": "problem taken up", "complete": "problem completed", "reopen": "problem reopened"}
SOURCES = {"take_up": {"pending"}, "complete": {"pending", "in_progress"}, "reopen": {"done"}}
TARGETS = {"take_up": "in_progress", "complete": "done", "reopen": "in_progress"}
FOUND = date(2026, 1, 1)

notes = st.one_of(st.just(""), st.just("   "), st.text(min_size=1, max_size=12), st.just("办" * 2001), st.just("办" * 2000))


def expected(role, name, state, data, today):
    """The table, restated: None if the step is refused, else the state it leads to."""
    if state not in SOURCES[name] or role not in (REOPENERS if name == "reopen" else KEEPERS):
        return None
    if name == "complete":
        note, day = data["completion_note"].strip(), data["completed_on"]
        if not data["confirm"] or not note or day is None or len(note) > 2000:
            return None
        if day > today or day < FOUND:
            return None
    if name == "reopen":
        reason = data["reason"].strip()
        if not reason or len(reason) > 2000:
            return None
    return TARGETS[name]


class LedgerMachine(RuleBasedStateMachine):
    world = None

    def __init__(self):
        super().__init__()
        n = Problem.objects.count()
        self.problem = Problem.objects.create(code=f"H{n}", organization=self.world.orgs["A1S"], category="道路",
                                              description="x", found_on=FOUND, status="pending")
        self.state = "pending"
        self.today = timezone.localdate()

    def events(self):
        return list(AuditEvent.objects.filter(object_type="problems.problem", object_id=str(self.problem.pk))
                    .order_by("id").values_list("action", flat=True))

    @rule(role=st.sampled_from(ROLES), name=st.sampled_from(sorted(ACTIONS)), confirm=st.booleans(),
          note=notes, reason=notes, offset=st.one_of(st.none(), st.integers(-30, 400)))
    def step(self, role, name, confirm, note, reason, offset):
        day = None if offset is None else self.today - timedelta(days=offset)
        data = {"confirm": confirm, "completion_note": note, "completed_on": day, "reason": reason}
        want = expected(role, name, self.state, data, self.today)
        before_row = Problem.objects.values().get(pk=self.problem.pk)
        before_events = self.events()
        try:
            services.transition(self.world.users[role], self.problem, name, **data)
        except (PermissionDenied, ValidationError) as exc:
            assert want is None, (role, name, self.state, data, exc)
            assert Problem.objects.values().get(pk=self.problem.pk) == before_row  # nothing changed…
            assert self.events() == before_events  # …and nothing was recorded
            if isinstance(exc, PermissionDenied):
                assert self.state in SOURCES[name]  # the source is checked first
            return
        assert want is not None, (role, name, self.state, data)
        assert self.events() == before_events + [ACTIONS[name]]
        self.state = want
        if name == "reopen":
            assert role in REOPENERS

    @invariant()
    def the_state_is_the_table_s(self):
        p = Problem.objects.get(pk=self.problem.pk)
        assert p.status in PROBLEMS.states and p.status == self.state
        if p.status == ProblemStatus.DONE:
            assert p.completed_on is not None and p.completion_note.strip()
            assert FOUND <= p.completed_on <= self.today
        else:
            assert p.completed_on is None and p.completion_note == ""


@pytest.fixture
def ledger_world(world):  # noqa: F811
    user = get_user_model().objects.create_user("b_admin", password="pw-for-tests-1")
    RoleGrant.objects.create(user=user, organization=world.orgs["B"], role="org_admin")
    Profile.objects.create(user=user)
    world.users["b_admin"] = user
    world.link("PA", "A1S", "联系支部")  # the team member keeps the ledger of the branch they link
    return world


def test_the_ledger_moves_only_as_its_table_says(ledger_world):
    LedgerMachine.world = ledger_world
    run_state_machine_as_test(LedgerMachine, settings=settings(max_examples=40, stateful_step_count=12,
                                                               deadline=None))


def test_the_table_offers_exactly_the_steps_that_are_allowed(ledger_world):
    p = Problem.objects.get(code="QA")
    offered = {role: [t.name for t in PROBLEMS.available(ledger_world.users[role], p)] for role in ROLES}
    assert offered == {**{r: ["take_up", "complete"] for r in KEEPERS}, "a_inspector": [], "b_admin": []}
    Problem.objects.filter(pk=p.pk).update(status="done", completed_on=FOUND, completion_note="导入")
    p.refresh_from_db()
    offered = {role: [t.name for t in PROBLEMS.available(ledger_world.users[role], p)] for role in ROLES}
    assert offered == {**{r: [] for r in ROLES}, "root_admin": ["reopen"], "a_admin": ["reopen"]}
