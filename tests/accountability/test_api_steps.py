"""The human steps through the API: POST /api/cases/{id}/transitions/{name}, checked as the pages check them."""

import json

from dangjian.accountability.models import CaseRecord
from tests.accountability.test_steps import TALK, as_, fresh, steps  # noqa: F401  (the fixture)
from tests.test_web_scope import world  # noqa: F401  (the fixture steps builds on)


def post(client, case, name, data):
    return client.post(f"/api/cases/{case.pk}/transitions/{name}", json.dumps(data), content_type="application/json")


def test_the_case_says_which_steps_the_caller_may_take(steps):  # noqa: F811
    case = steps.case
    handler = json.loads(as_(steps, "a_leader").get(f"/api/cases/{case.pk}").content)
    assert "hold_talk" in handler["transitions"] and handler["progress"] == "pending"
    person = json.loads(as_(steps, "a_pa1").get(f"/api/cases/{case.pk}").content)
    assert "hold_talk" not in person["transitions"]
    supervisor = json.loads(as_(steps, "a_inspector").get(f"/api/cases/{case.pk}").content)
    assert supervisor["transitions"] == []


def test_the_handler_records_a_talk_and_the_person_reports_rectification(steps):  # noqa: F811
    case = steps.case
    r = post(as_(steps, "a_leader"), case, "hold_talk", TALK)
    assert r.status_code == 200, r.content
    body = json.loads(r.content)
    assert body["progress"] == "talk_held" and body["step"] == "reminder_talk" and body["status"] == "open"
    record = CaseRecord.objects.get(case=case)
    assert (record.kind, record.place, record.promise) == ("talk", "旗委二楼会议室", "一周内建立联系点")
    todo = as_(steps, "a_leader").get("/todo/").content.decode()
    assert "审核整改材料" not in todo and "进行提醒谈话，督促限期整改" in todo
    r = post(as_(steps, "a_pa1"), case, "report_rectification", {"content": "已建立联系点"})
    assert r.status_code == 200 and json.loads(r.content)["progress"] == "evidence_sent"
    # The evidence waits for the handler: their to-do list says so.
    assert "审核整改材料（认可或退回）" in as_(steps, "a_leader").get("/todo/").content.decode()


def test_refusals_in_chinese_and_nothing_written(steps):  # noqa: F811
    case = steps.case
    # A required field missing: a 422 naming it, in Chinese.
    r = post(as_(steps, "a_leader"), case, "hold_talk", {**TALK, "place": ""})
    assert r.status_code == 422 and json.loads(r.content)["detail"]["place"] == ["请填写谈话地点"]
    # Not the caller's step: 404, as on the pages (a supervisor never changes a case).
    assert post(as_(steps, "a_inspector"), case, "hold_talk", TALK).status_code == 404
    assert post(as_(steps, "a_pa1"), case, "hold_talk", TALK).status_code == 404
    assert post(as_(steps, "a_leader"), case, "no_such_step", {}).status_code == 404
    # Another banner's department does not see the case at all.
    assert post(as_(steps, "b_admin"), case, "dismiss", {"content": "x"}).status_code == 404
    assert not CaseRecord.objects.exists() and fresh(case).progress == "pending"
