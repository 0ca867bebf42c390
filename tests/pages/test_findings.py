"""Findings per role: the supervisor records, closes or sends back; the branch side replies; nobody else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.audit.models import AuditEvent
from dangjian.compliance.models import Finding
from dangjian.workflow import StateAssignmentError


def _record(as_user, org="A1S", text="台账不全，请补齐", person=""):
    r = as_user("a_inspector").post(f"/orgs/{org}/findings/", {"text": text, "person": person})
    assert r.status_code == 302
    return Finding.objects.latest("id")


def test_supervisor_records_branch_replies_supervisor_closes(world, as_user):
    finding = _record(as_user, person="PAS")
    assert (finding.status, finding.person.code, finding.author.username) == ("open", "PAS", "a_inspector")

    branch = as_user("a_branch")
    page = branch.get(f"/findings/{finding.pk}/").content.decode()
    assert "台账不全" in page and 'action="/findings/%d/reply/"' % finding.pk in page
    assert "/close/" not in page  # the branch answers; it does not close
    assert branch.post(f"/findings/{finding.pk}/reply/", {"text": "已补齐台账"}).status_code == 302
    assert branch.post(f"/findings/{finding.pk}/reply/", {"text": "补充照片"}).status_code == 302  # several replies
    finding.refresh_from_db()
    assert finding.status == "replied" and [r.text for r in finding.replies.all()] == ["已补齐台账", "补充照片"]
    assert finding.replies.first().author.username == "a_branch"

    sup = as_user("a_inspector")
    page = sup.get(f"/findings/{finding.pk}/").content.decode()
    assert f"/findings/{finding.pk}/close/" in page and f"/findings/{finding.pk}/reopen/" in page
    assert "/reply/" not in page  # supervisors do not answer their own findings
    assert sup.post(f"/findings/{finding.pk}/close/", {"note": "已核实"}).status_code == 302
    finding.refresh_from_db()
    assert finding.status == "closed" and finding.closed_at is not None
    actions = list(AuditEvent.objects.filter(object_type="compliance.finding", object_id=str(finding.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["finding recorded", "finding replied", "finding replied", "finding closed"]
    # The history is on the finding's page.
    assert "督查意见销号" in sup.get(f"/findings/{finding.pk}/").content.decode()
    # A closed finding takes no more replies.
    branch.post(f"/findings/{finding.pk}/reply/", {"text": "再补充"})
    assert finding.replies.count() == 2


def test_supervisor_sends_a_reply_back_with_a_reason(world, as_user):
    finding = _record(as_user)
    as_user("a_branch").post(f"/findings/{finding.pk}/reply/", {"text": "已整改"})
    sup = as_user("a_inspector")
    sup.post(f"/findings/{finding.pk}/reopen/", {"reason": ""})
    finding.refresh_from_db()
    assert finding.status == "replied"  # a reason is required
    sup.post(f"/findings/{finding.pk}/reopen/", {"reason": "整改不到位"})
    finding.refresh_from_db()
    assert finding.status == "open"
    event = AuditEvent.objects.filter(action="finding reopened").get()
    assert event.after["reason"] == "整改不到位"
    # Only a replied finding closes.
    sup.post(f"/findings/{finding.pk}/close/", {})
    finding.refresh_from_db()
    assert finding.status == "open"


def test_the_leader_linking_the_branch_replies_a_leader_elsewhere_cannot(world, as_user):
    finding = _record(as_user)
    assert as_user("a_leader").post(f"/findings/{finding.pk}/reply/", {"text": "我来答"}).status_code == 403
    assert "/reply/" not in as_user("a_leader").get(f"/findings/{finding.pk}/").content.decode()
    assert as_user("a_member").post(f"/findings/{finding.pk}/reply/", {"text": "联系领导答复"}).status_code == 302
    assert finding.replies.get().author.username == "a_member"


@pytest.mark.parametrize("role", ["a_inspector", "a_leader", "a_member"])
def test_only_the_branch_side_replies_and_only_supervisors_follow_up(world, as_user, role):
    finding = _record(as_user)
    as_user("a_branch").post(f"/findings/{finding.pk}/reply/", {"text": "已整改"})
    if role == "a_inspector":
        assert as_user(role).post(f"/findings/{finding.pk}/reply/", {"text": "x"}).status_code == 403
    else:
        assert as_user(role).post(f"/findings/{finding.pk}/close/", {}).status_code == 403
        assert as_user(role).post(f"/findings/{finding.pk}/reopen/", {"reason": "x"}).status_code == 403
    assert as_user("a_branch").post(f"/findings/{finding.pk}/close/", {}).status_code == 403
    finding.refresh_from_db()
    assert finding.status == "replied" and finding.replies.count() == 1


def test_supervisors_edit_no_branch_record(world, as_user):
    """Supervisors record findings; the branch's problems, links and activities stay the branch's."""
    sup = as_user("a_inspector")
    problem = world.orgs["A1S"].problems.get(code="QA")
    sup.post(f"/problems/{problem.pk}/status/", {"status": "done", "completed_on": "2026-11-01"})
    problem.refresh_from_db()
    assert problem.status == "pending"
    page = sup.get("/orgs/A1S/").content.decode()
    assert "/problems/new/" not in page and "/activities/new/" not in page
    assert sup.post("/problems/new/", {"organization": "A1S", "category": "x", "description": "x",
                                        "found_on": "2026-11-01"}).status_code in (403, 404, 200)
    assert world.orgs["A1S"].problems.count() == 2


def test_branch_secretaries_and_leaders_do_not_record_findings(world, as_user):
    for role in ["a_branch", "a_leader"]:
        assert as_user(role).post("/orgs/A1S/findings/", {"text": "x"}).status_code == 404
    assert not Finding.objects.exists()


def test_outside_the_scope_a_finding_is_404(world, as_user):
    finding = _record(as_user)
    b = as_user("b_inspector")
    for url in [f"/findings/{finding.pk}/"]:
        assert b.get(url).status_code == 404
    for url in [f"/findings/{finding.pk}/reply/", f"/findings/{finding.pk}/close/"]:
        assert b.post(url, {"text": "x"}).status_code == 404
    assert "台账不全" not in b.get("/findings/").content.decode()
    assert b.get("/findings/?org=A").status_code == 404


def test_the_status_changes_through_its_table_only(world, as_user):
    finding = _record(as_user)
    finding.status = "closed"
    with pytest.raises(StateAssignmentError):
        finding.save()


def test_the_list_filters_by_subtree_status_and_author(world, as_user):
    world.orgs  # noqa: B018
    _record(as_user, "A1S", "支部的意见")
    _record(as_user, "A1", "镇的意见")
    admin = as_user("a_admin")
    admin.post("/orgs/A/findings/", {"text": "旗的意见"})
    sup = as_user("a_inspector")
    page = sup.get("/findings/?org=A1").content.decode()
    assert "支部的意见" in page and "镇的意见" in page and "旗的意见" not in page
    assert "符合条件的督查意见 2 条" in page
    page = sup.get("/findings/?author=a_admin").content.decode()
    assert "旗的意见" in page and "镇的意见" not in page
    first = Finding.objects.get(text="支部的意见")
    as_user("a_branch").post(f"/findings/{first.pk}/reply/", {"text": "答"})
    page = sup.get("/findings/?status=replied").content.decode()
    assert "支部的意见" in page and "镇的意见" not in page
    # The branch secretary sees their branch's findings only.
    page = as_user("a_branch").get("/findings/").content.decode()
    assert "支部的意见" in page and "镇的意见" not in page


def test_the_list_query_count_does_not_grow_with_rows(world, as_user):
    c = as_user("a_inspector")
    _record(as_user)
    c.get("/findings/")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/findings/").status_code == 200
        return len(ctx)

    few = queries()
    for i in range(15):
        world.org(f"X{i}", "A1", name=f"新支部{i}")
        world.post(f"PX{i}", f"X{i}", "书记")
        f = _record(as_user, f"X{i}", f"意见{i}", person=f"PX{i}")
        f.replies.create(author=world.users["a_admin"], text="答")
    many = queries()
    assert many == few and many <= 12


def test_a_finding_names_a_person_picked_inside_the_scope(world, as_user):
    world.post("PB", "B", "书记")
    sup = as_user("a_inspector")
    page = sup.get("/orgs/A1S/").content.decode()
    assert "data-picker" in page and "/autocomplete/people/" in page  # picked by name, not typed as a code
    sup.post("/orgs/A1S/findings/", {"text": "点名乙旗的人", "person": "PB"})
    assert not Finding.objects.exists()
    sup.post("/orgs/A1S/findings/", {"text": "按姓名点名", "person_text": "人员PAS"})  # without the script
    assert Finding.objects.get().person.code == "PAS"
