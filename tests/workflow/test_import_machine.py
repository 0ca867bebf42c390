"""The browser import's table as a state machine: the worker's steps and the uploader's confirmation."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from dangjian.audit.models import AuditEvent
from dangjian.imports.models import ImportRun
from dangjian.imports.workflow import IMPORT_RUNS

TABLE = {  # name: (sources, target, action)
    "checked": ({"checking"}, "checked", "import run checked"),
    "confirm": ({"checked"}, "importing", "import run confirmed"),
    "done": ({"importing"}, "done", "import run completed"),
    "reject": ({"checking", "importing"}, "rejected", "import run rejected"),
    "fail": ({"checking", "importing"}, "failed", "import run failed"),
}
WHO = ["uploader", "other", "system"]


class ImportRunMachine(RuleBasedStateMachine):
    users = None

    def __init__(self):
        super().__init__()
        self.run = ImportRun.objects.create(uploaded_by=self.users["uploader"], file_name="名册.xlsx")
        self.state = "checking"

    def events(self):
        return list(AuditEvent.objects.filter(object_type="imports.importrun", object_id=str(self.run.pk))
                    .order_by("id").values_list("action", flat=True))

    @rule(who=st.sampled_from(WHO), name=st.sampled_from(sorted(TABLE)), errors=st.integers(0, 3))
    def step(self, who, name, errors):
        sources, target, action = TABLE[name]
        allowed = self.state in sources and (name != "confirm" or who == "uploader")
        before_row, before_events = ImportRun.objects.values().get(pk=self.run.pk), self.events()
        try:
            IMPORT_RUNS.run(self.users.get(who), self.run, name, error_count=errors, report={"ok": not errors})
        except (PermissionDenied, ValidationError):
            assert not allowed, (who, name, self.state)
            assert ImportRun.objects.values().get(pk=self.run.pk) == before_row
            assert self.events() == before_events
            return
        assert allowed, (who, name, self.state)
        assert self.events() == before_events + [action]
        self.state = target
        if name == "confirm":
            assert who == "uploader"

    @invariant()
    def the_state_is_the_table_s(self):
        run = ImportRun.objects.get(pk=self.run.pk)
        assert run.state in IMPORT_RUNS.states and run.state == self.state
        # What the dry run found is kept when confirmed; a confirmation changes the state only.
        if run.state in ("checking",):
            assert run.report is None


@pytest.fixture
def users(db):
    User = get_user_model()
    return {"uploader": User.objects.create_user("up", password="pw-for-tests-1"),
            "other": User.objects.create_user("other", password="pw-for-tests-1"), "system": None}


def test_an_import_run_moves_only_as_its_table_says(users):
    ImportRunMachine.users = users
    run_state_machine_as_test(ImportRunMachine, settings=settings(max_examples=30, stateful_step_count=10,
                                                                  deadline=None))
