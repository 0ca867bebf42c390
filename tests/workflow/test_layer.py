"""The workflow layer itself: the state changes through a step only; a step's checks come in order."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import AuditEvent
from dangjian.imports.models import ImportRun
from dangjian.imports.workflow import IMPORT_RUNS
from dangjian.problems.models import Problem
from dangjian.problems.workflow import PROBLEMS
from dangjian.workflow import StateAssignmentError
from tests.test_web_scope import world  # noqa: F401  (the fixture)


def test_a_status_saved_outside_the_table_is_refused(world):  # noqa: F811
    p = Problem.objects.get(code="QA")
    p.status = "in_progress"
    with pytest.raises(StateAssignmentError):
        p.save()
    assert Problem.objects.get(code="QA").status == "pending"
    p = Problem.objects.get(code="QA")
    p.category = "环境整治"
    p.save()  # other fields are saved as ever
    p.refresh_from_db()
    p.save()
    # Created in any state (the import and the demo load finished problems), and bulk updates stay the importer's.
    Problem.objects.create(code="QD", organization=world.orgs["A1S"], category="x", description="x",
                           found_on="2026-01-01", status="done", completed_on="2026-02-01")
    assert Problem.objects.filter(code="QD").update(status="pending", completed_on=None) == 1


def test_a_problem_refreshed_after_a_step_saves(world):  # noqa: F811
    p = Problem.objects.get(code="QA")
    PROBLEMS.run(world.users["a_branch"], p, "take_up")
    p.refresh_from_db()
    p.description = "补充说明"
    p.save()
    assert Problem.objects.get(code="QA").status == "in_progress"


def test_source_then_permission_then_data(world):  # noqa: F811
    p = Problem.objects.get(code="QA")
    with pytest.raises(ValidationError) as exc:
        PROBLEMS.run(world.users["a_admin"], p, "reopen", reason="x")
    assert "当前状态为“待办理”，不能执行“重新办理”" in str(exc.value)
    with pytest.raises(PermissionDenied):
        PROBLEMS.run(world.users["a_inspector"], p, "complete")
    with pytest.raises(ValidationError) as exc:
        PROBLEMS.run(world.users["a_branch"], p, "complete", completion_note="  ")
    assert set(exc.value.message_dict) == {"confirm", "completion_note", "completed_on"}
    with pytest.raises(ValidationError) as exc:
        PROBLEMS.run(world.users["a_branch"], p, "nonsense")
    assert not AuditEvent.objects.exists()


def test_an_import_run_s_state_is_the_table_s_too(world):  # noqa: F811
    run = ImportRun.objects.create(uploaded_by=world.users["a_admin"], file_name="x.xlsx")
    run.state = "importing"
    with pytest.raises(StateAssignmentError):
        run.save()
    IMPORT_RUNS.run(None, ImportRun.objects.get(pk=run.pk), "checked", report={"ok": True})
    with pytest.raises(PermissionDenied):  # confirmed by its uploader only, not even by a superuser
        IMPORT_RUNS.run(world.users["root_admin"], ImportRun.objects.get(pk=run.pk), "confirm")
    assert ImportRun.objects.get(pk=run.pk).state == "checked"
