"""The human steps of a case (issue 9 item 3), through their pages, and the sweep that still governs.

The world: PA1, 书记 of 甲镇党委 (A1, whose branch A1S lags), has no contact point and no branch
link; their cases are handled by PA (书记 of 甲旗委, the account ``a_leader``). PA1 logs in as
``a_pa1``. ``a_admin`` is the department over banner A, ``a_inspector`` its supervisor,
``b_admin`` the department of banner B, ``a_branch`` an unrelated branch secretary.
"""

import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dangjian.accountability.ladder import sweep
from dangjian.accountability.models import Case, CaseAttachment, CaseRecord, CaseStepReached
from dangjian.accountability.report import cases_report, report_to_table
from dangjian.accountability.services import case_url
from dangjian.accounts.models import Profile, RoleGrant
from dangjian.audit.models import AuditEvent
from dangjian.notices.models import Notice
from tests.test_web_scope import PASSWORD, client_for, world  # noqa: F401

TODAY = date(2026, 11, 26)
MANY = 10  # K: PA1's three cases stay at reminder_talk unless a test moves them
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"

TALK = {"on": "2026-11-26", "place": "旗委二楼会议室", "attendees": "PA、PA1、记录人", "content": "指出未建立联系点",
        "account": "工作调整，尚未落实", "promise": "一周内建立联系点"}


@pytest.fixture
def steps(world, frozen_today):  # noqa: F811
    world.post("PA1", "A1", "书记", start="2020-01-01")
    world.post("PB2", "B", "委员", start="2020-01-01")
    User = get_user_model()
    for name, org, role, person in [("a_pa1", "A1", "leader", "PA1"), ("b_admin", "B", "org_admin", None)]:
        u = User.objects.create_user(name, password=PASSWORD)
        RoleGrant.objects.create(user=u, organization=world.orgs[org], role=role)
        Profile.objects.create(user=u, person=world.people[person] if person else None)
        world.users[name] = u
    sweep(on=TODAY, many=MANY)
    world.case = Case.objects.get(rule="contact-point-missing", person__code="PA1")
    assert world.case.handler.code == "PA" and world.case.step == "reminder_talk"
    world.clock = frozen_today
    return world


def url(case, name=None):
    if name is None:
        return reverse("accountability:case_steps", args=[case.pk])
    return reverse("accountability:case_step", args=[case.pk, name])


def as_(world, name):  # noqa: F811
    return client_for(world.users[name])


def fresh(case):
    return Case.objects.get(pk=case.pk)


def notices_of(world, code):  # noqa: F811
    """The person's notices of the human steps (the sweeps' own notices left aside)."""
    return list(Notice.objects.filter(person=world.people[code]).exclude(
        kind__in=["case opened", "case escalated", "case rectified", "cases to handle"]).order_by("id"))


def fingerprint(case):
    c = fresh(case)
    return (c.progress, c.status, c.step, c.deadline, CaseRecord.objects.count(),
            AuditEvent.objects.exclude(action__in=["user logged in", "user logged out"]).count(),  # a client's log-in
            Notice.objects.count(), CaseStepReached.objects.count())


def refused_for(world, case, name, data, users):  # noqa: F811
    """Each user's GET and POST is refused (a 404: not their step) and nothing is written."""
    for user in users:
        c = as_(world, user)
        before = fingerprint(case)
        assert c.get(url(case, name)).status_code == 404, (user, name)
        assert c.post(url(case, name), data).status_code == 404, (user, name)
        assert fingerprint(case) == before, (user, name)


def talk(world, case, who="a_leader", **extra):  # noqa: F811
    r = as_(world, who).post(url(case, "hold_talk"), {**TALK, **extra})
    assert r.status_code == 302, re.findall(r'invalid-feedback[^<]*|alert-danger[^<]*', r.content.decode())
    return fresh(case)


def to_criticism(world, case):  # noqa: F811
    for _ in range(2):
        r = as_(world, "a_admin").post(url(case, "escalate"), {"content": "多名党员来信反映"})
        assert r.status_code == 302
    case = fresh(case)
    assert case.step == "criticism"
    return case


# ----- 提醒谈话 / 约谈 -----------------------------------------------------------------------------------
def test_the_handler_records_the_reminder_talk_with_attachments_and_the_person_is_told(steps):
    case = steps.case
    r = as_(steps, "a_leader").post(url(case, "hold_talk"), {
        **TALK, "files": [SimpleUploadedFile("谈话记录.pdf", PDF), SimpleUploadedFile("现场.png", PNG)]})
    assert r.status_code == 302 and r["Location"] == case_url(case)  # the case's page (its steps' page without it)
    case = fresh(case)
    assert case.progress == "talk_held" and case.status == "open" and case.step == "reminder_talk"
    record = case.records.get()
    assert (record.kind, record.step, record.on, record.place, record.promise) == (
        "talk", "reminder_talk", TODAY, "旗委二楼会议室", "一周内建立联系点")
    assert record.account == "工作调整，尚未落实" and record.author == steps.users["a_leader"]
    assert sorted(a.name for a in record.attachments.all()) == ["现场.png", "谈话记录.pdf"]
    assert all("谈话" not in a.file.name for a in record.attachments.all())  # stored under generated names
    event = AuditEvent.objects.get(action="case talk recorded")
    assert event.actor == steps.users["a_leader"]
    (notice,) = notices_of(steps, "PA1")
    assert notice.kind == "case talk recorded" and "提醒谈话" in notice.message and notice.href == case_url(case)
    page = as_(steps, "a_pa1").get(url(case)).content.decode()
    assert "旗委二楼会议室" in page and "一周内建立联系点" in page and "谈话记录.pdf" in page


def test_the_talk_is_the_handler_s_and_the_department_s_only(steps):
    refused_for(steps, steps.case, "hold_talk", TALK, ["a_pa1", "a_inspector", "b_admin", "a_branch"])
    assert talk(steps, steps.case, who="a_admin").progress == "talk_held"


def test_a_talk_needs_its_fields_in_chinese(steps):
    r = as_(steps, "a_leader").post(url(steps.case, "hold_talk"), {"content": ""})
    body = r.content.decode()
    assert r.status_code == 200
    for message in ("请填写谈话日期", "请填写谈话地点", "请填写参加人员", "请填写谈话内容", "请填写整改承诺"):
        assert message in body, message
    assert fresh(steps.case).progress == "pending" and not CaseRecord.objects.exists()
    r = as_(steps, "a_leader").post(url(steps.case, "hold_talk"), {**TALK, "on": "2026-11-27"})
    assert "日期不能晚于今天" in r.content.decode() and not CaseRecord.objects.exists()


def test_one_talk_per_step_and_the_interview_after_the_climb(steps):
    case = talk(steps, steps.case)
    r = as_(steps, "a_leader").post(url(case, "hold_talk"), TALK, follow=True)
    assert "本步骤的谈话已记录" in r.content.decode() and case.records.count() == 1
    steps.clock.move_to("2026-12-27 10:00:00+08:00")  # past the deadline (12-26): the sweep climbs
    sweep(on=date(2026, 12, 27), many=MANY)
    case = fresh(case)
    assert case.step == "interview"
    case = talk(steps, case, on="2026-12-27")
    assert case.records.filter(kind="talk", step="interview").exists()
    assert "约谈" in notices_of(steps, "PA1")[-1].message


def test_no_talk_at_criticism(steps):
    case = to_criticism(steps, steps.case)
    before = fingerprint(case)
    r = as_(steps, "a_leader").post(url(case, "hold_talk"), TALK)
    assert "不再谈话" in r.content.decode() and fingerprint(case) == before
    # and no button for it
    page = as_(steps, "a_leader").get(url(case)).content.decode()
    assert url(case, "hold_talk") not in page and url(case, "record_criticism") in page


def test_a_file_that_is_no_photo_or_pdf_is_refused_by_name(steps):
    r = as_(steps, "a_leader").post(url(steps.case, "hold_talk"), {
        **TALK, "files": [SimpleUploadedFile("记录.png", b"MZ\x90\x00 not an image")]})
    assert r.status_code == 200 and "“记录.png”不是可接受的附件" in r.content.decode()
    assert not CaseRecord.objects.exists() and not CaseAttachment.objects.exists()


def test_attachments_are_limited_in_size_and_number_in_their_own_words(steps):
    """The upload check is shared with activity photos (records.uploads); an attachment's limits say 附件, not 照片."""
    big = SimpleUploadedFile("扫描件.pdf", PDF + b"\x00" * (10 * 1024 * 1024))
    r = as_(steps, "a_leader").post(url(steps.case, "hold_talk"), {**TALK, "files": [big]})
    assert r.status_code == 200 and "附件“扫描件.pdf”超过 10 MB，无法上传" in r.content.decode()
    ten = [SimpleUploadedFile(f"p{i}.png", PNG) for i in range(10)]
    r = as_(steps, "a_leader").post(url(steps.case, "hold_talk"), {**TALK, "files": ten})
    assert r.status_code == 200 and "每次最多上传 9 个附件，本次选择了 10 个" in r.content.decode()
    assert not CaseRecord.objects.exists() and not CaseAttachment.objects.exists()
    nine = [SimpleUploadedFile(f"p{i}.png", PNG) for i in range(9)]
    assert talk(steps, steps.case, files=nine).records.get().attachments.count() == 9


# ----- rectification reported, reviewed ------------------------------------------------------------
def test_evidence_sent_back_then_accepted_each_said_to_whom_it_concerns(steps):
    case = talk(steps, steps.case)
    refused_for(steps, case, "report_rectification", {"content": "已建立"}, ["a_leader", "a_admin", "a_inspector",
                                                                             "b_admin", "a_branch"])
    r = as_(steps, "a_pa1").post(url(case, "report_rectification"), {"content": ""})
    assert "请填写整改情况" in r.content.decode()
    r = as_(steps, "a_pa1").post(url(case, "report_rectification"),
                                 {"content": "已联系甲嘎查党支部", "files": [SimpleUploadedFile("证明.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 40)]})
    assert r.status_code == 302 and fresh(case).progress == "evidence_sent"
    assert notices_of(steps, "PA")[-1].kind == "case rectification reported"
    assert "报告了整改情况" in notices_of(steps, "PA")[-1].message
    # the person cannot review their own evidence, nor can the supervisor
    refused_for(steps, case, "accept_evidence", {}, ["a_pa1", "a_inspector", "b_admin", "a_branch"])
    r = as_(steps, "a_leader").post(url(case, "return_evidence"), {"content": ""})
    assert "请填写退回的理由" in r.content.decode() and fresh(case).progress == "evidence_sent"
    assert as_(steps, "a_leader").post(url(case, "return_evidence"), {"content": "缺少联系点的正式文件"}).status_code == 302
    assert fresh(case).progress == "evidence_returned"
    last = notices_of(steps, "PA1")[-1]
    assert last.kind == "case evidence returned" and "缺少联系点的正式文件" in last.message
    as_(steps, "a_pa1").post(url(case, "report_rectification"), {"content": "补充了文件"})
    assert as_(steps, "a_leader").post(url(case, "accept_evidence"), {"content": "材料齐全"}).status_code == 302
    case = fresh(case)
    assert case.progress == "evidence_accepted" and case.status == "open"  # accepting closes nothing
    assert notices_of(steps, "PA1")[-1].kind == "case evidence accepted"
    assert list(case.records.filter(kind="review").values_list("outcome", flat=True)) == ["returned", "accepted"]


def test_while_evidence_waits_the_talk_waits_for_the_review(steps):
    case = steps.case
    as_(steps, "a_pa1").post(url(case, "report_rectification"), {"content": "已整改"})
    r = as_(steps, "a_leader").post(url(case, "hold_talk"), TALK)
    assert "整改材料待审核" in r.content.decode() and fresh(case).progress == "evidence_sent"


# ----- the department: moved up by hand, 不予问责 -----------------------------------------------------------
def test_the_department_moves_a_case_up_for_strong_complaints_and_the_next_sweep_goes_on_from_there(steps):
    case = steps.case
    refused_for(steps, case, "escalate", {"content": "群众反映"}, ["a_leader", "a_pa1", "a_inspector", "b_admin",
                                                                    "a_branch"])
    r = as_(steps, "a_admin").post(url(case, "escalate"), {"content": ""})
    assert "请填写党员群众反映的情况" in r.content.decode() and fresh(case).step == "reminder_talk"
    assert as_(steps, "a_admin").post(url(case, "escalate"), {"content": "三名党员来信反映"}).status_code == 302
    case = fresh(case)
    assert (case.status, case.step, case.deadline) == ("open", "interview", TODAY + timedelta(days=15))
    reached = CaseStepReached.objects.get(case=case, step="interview")
    assert reached.on == TODAY and reached.sweep is None
    assert case.records.get(kind="escalation").content == "三名党员来信反映"
    assert "提级为约谈" in notices_of(steps, "PA1")[-1].message
    assert steps.people["PA1"].name in notices_of(steps, "PA")[-1].message and "提级为约谈" in notices_of(steps, "PA")[-1].message
    # the same day's sweep leaves it; the day after the new deadline climbs it to criticism
    sweep(on=TODAY, many=MANY)
    assert fresh(case).step == "interview"
    steps.clock.move_to("2026-12-12 10:00:00+08:00")
    sweep(on=date(2026, 12, 12), many=MANY)
    case = fresh(case)
    assert case.step == "criticism" and case.deadline is None
    report = next(c for c in cases_report().as_json()["cases"] if c["rule"] == "contact-point-missing"
                  and c["person"] == "PA1")
    assert report["history"] == [{"on": "2026-11-26", "step": "reminder_talk"}, {"on": "2026-11-26", "step": "interview"},
                                 {"on": "2026-12-12", "step": "criticism"}]
    r = as_(steps, "a_admin").post(url(case, "escalate"), {"content": "又有反映"})
    assert r.status_code == 404 or "不能再提级" in r.content.decode() or r.status_code == 302
    assert fresh(case).step == "criticism" and not case.records.filter(content="又有反映").exists()


def test_dismissed_closes_as_lapsed_and_a_persisting_violation_opens_a_new_case(steps):
    case = talk(steps, steps.case)
    refused_for(steps, case, "dismiss", {"content": "情况特殊"}, ["a_leader", "a_pa1", "a_inspector", "b_admin"])
    r = as_(steps, "a_admin").post(url(case, "dismiss"), {"content": ""})
    assert "请填写不予问责的理由" in r.content.decode() and fresh(case).status == "open"
    assert as_(steps, "a_admin").post(url(case, "dismiss"), {"content": "因公借调外地，组织已另行安排"}).status_code == 302
    case = fresh(case)
    assert (case.status, case.closed_on, case.progress, case.step) == ("lapsed", TODAY, "dismissed", "reminder_talk")
    assert notices_of(steps, "PA1")[-1].kind == "case dismissed" and notices_of(steps, "PA")[-1].kind == "case dismissed"
    data = cases_report().as_json()
    assert {c["status"] for c in data["cases"]} <= {"open", "rectified", "lapsed"}
    assert set(data["summary"]) == {"open", "rectified", "lapsed", "reminder_talk", "interview", "criticism"}
    mine = next(c for c in data["cases"] if c["rule"] == "contact-point-missing" and c["person"] == "PA1")
    assert set(mine) == {"rule", "person", "org", "unit", "handler", "status", "step", "opened_on", "deadline",
                         "closed_on", "history"}  # §5's keys, nothing more
    assert (mine["status"], mine["closed_on"], mine["handler"]) == ("lapsed", "2026-11-26", "PA")
    assert "失效（不予问责）" in report_to_table(cases_report())
    # the violation persists: the next sweep keeps the dismissed case closed and opens a new one
    steps.clock.move_to("2026-11-27 10:00:00+08:00")
    sweep(on=date(2026, 11, 27), many=MANY)
    cases = list(Case.objects.filter(key=case.key).order_by("id"))
    assert [(c.status, c.progress, c.opened_on) for c in cases] == [
        ("lapsed", "dismissed", TODAY), ("open", "pending", date(2026, 11, 27))]
    page = as_(steps, "a_admin").get(url(case)).content.decode()
    assert url(case, "dismiss") not in page and url(case, "escalate") not in page


# ----- 批评教育 and the appeal ----------------------------------------------------------------------------
CRITICISM = {"decided_by": "甲旗委", "on": "2026-11-26", "content": "对PA1同志进行批评教育"}


def test_the_criticism_is_recorded_at_criticism_only_by_the_handler_or_the_department(steps):
    r = as_(steps, "a_leader").post(url(steps.case, "record_criticism"), CRITICISM)
    assert "尚未到“批评教育”步骤" in r.content.decode() and not CaseRecord.objects.exists()
    case = to_criticism(steps, steps.case)
    refused_for(steps, case, "record_criticism", CRITICISM, ["a_pa1", "a_inspector", "b_admin", "a_branch"])
    r = as_(steps, "a_leader").post(url(case, "record_criticism"), {})
    body = r.content.decode()
    assert "请填写作出决定的组织或人员" in body and "请填写决定日期" in body and "请填写批评教育的内容" in body
    assert as_(steps, "a_leader").post(url(case, "record_criticism"), CRITICISM).status_code == 302
    record = fresh(case).records.get(kind="criticism")
    assert (record.decided_by, record.on, record.author) == ("甲旗委", TODAY, steps.users["a_leader"])
    assert "2026-12-11" in notices_of(steps, "PA1")[-1].message  # the last day to appeal


def test_the_appeal_is_the_person_s_on_day_15_and_refused_on_day_16(steps):
    case = to_criticism(steps, steps.case)
    other = to_criticism(steps, Case.objects.get(rule="branch-link-missing", person__code="PA1"))
    for c in (case, other):
        assert as_(steps, "a_leader").post(url(c, "record_criticism"), CRITICISM).status_code == 302
    refused_for(steps, case, "appeal", {"content": "申诉"}, ["a_leader", "a_admin", "a_inspector", "b_admin"])
    steps.clock.move_to("2026-12-11 23:00:00+08:00")  # day 15
    assert as_(steps, "a_pa1").post(url(case, "appeal"), {"content": "联系点已于当月建立，请求复核"}).status_code == 302
    assert fresh(case).progress == "appealed"
    assert notices_of(steps, "PA")[-1].kind == "case appealed"
    steps.clock.move_to("2026-12-12 08:00:00+08:00")  # day 16
    before = fingerprint(other)
    r = as_(steps, "a_pa1").post(url(other, "appeal"), {"content": "迟到的申诉"})
    assert "申诉期已过" in r.content.decode() and "2026-12-11" in r.content.decode()
    assert fingerprint(other) == before
    assert url(other, "appeal") not in as_(steps, "a_pa1").get(url(other)).content.decode()


def test_the_department_answers_the_appeal_and_the_person_is_told(steps):
    case = to_criticism(steps, steps.case)
    as_(steps, "a_leader").post(url(case, "record_criticism"), CRITICISM)
    as_(steps, "a_pa1").post(url(case, "appeal"), {"content": "请求复核"})
    refused_for(steps, case, "answer_appeal", {"content": "维持"}, ["a_leader", "a_pa1", "a_inspector", "b_admin"])
    r = as_(steps, "a_admin").post(url(case, "answer_appeal"), {"content": ""})
    assert "请填写答复内容" in r.content.decode()
    assert as_(steps, "a_admin").post(url(case, "answer_appeal"), {"content": "经复核，维持原决定"}).status_code == 302
    case = fresh(case)
    assert case.progress == "appeal_answered" and case.records.get(kind="answer").content == "经复核，维持原决定"
    assert notices_of(steps, "PA1")[-1].kind == "case appeal answered"
    r = as_(steps, "a_pa1").post(url(case, "appeal"), {"content": "再次申诉"})
    assert fresh(case).progress == "appeal_answered" and r.status_code in (200, 302)
    assert not case.records.filter(content="再次申诉").exists()


# ----- the sweep still governs ---------------------------------------------------------------------------
def test_a_case_put_right_closes_on_the_next_sweep_without_any_accepted_evidence(steps):
    case = talk(steps, steps.case)
    as_(steps, "a_pa1").post(url(case, "report_rectification"), {"content": "已建立联系点"})
    assert fresh(case).progress == "evidence_sent"  # not reviewed
    steps.link("PA1", "A1S", "联系点", start="2026-11-26")
    sweep(on=TODAY, many=MANY)
    case = fresh(case)
    assert (case.status, case.closed_on, case.progress) == ("rectified", TODAY, "evidence_sent")
    page = as_(steps, "a_leader").get(url(case)).content.decode()
    assert url(case, "accept_evidence") not in page  # a closed case takes no more paperwork


def test_accepted_evidence_with_the_violation_persisting_keeps_the_case_open_and_climbing(steps):
    case = talk(steps, steps.case)
    as_(steps, "a_pa1").post(url(case, "report_rectification"), {"content": "已整改"})
    as_(steps, "a_leader").post(url(case, "accept_evidence"), {})
    assert fresh(case).progress == "evidence_accepted"
    steps.clock.move_to("2026-12-27 10:00:00+08:00")
    sweep(on=date(2026, 12, 27), many=MANY)
    case = fresh(case)
    assert (case.status, case.step, case.deadline) == ("open", "interview", date(2027, 1, 11))
    report = json.loads(json.dumps(cases_report().as_json()))
    mine = [c for c in report["cases"] if c["rule"] == "contact-point-missing" and c["person"] == "PA1"]
    assert [(c["status"], c["step"]) for c in mine] == [("open", "interview")]


# ----- attachments and the page ------------------------------------------------------------------------
def test_attachments_are_served_to_those_who_see_the_case_only(steps):
    talk(steps, steps.case, files=[SimpleUploadedFile("现场.png", PNG), SimpleUploadedFile("记录.pdf", PDF)])
    photo, pdf = CaseAttachment.objects.order_by("id")
    for who in ("a_pa1", "a_leader", "a_admin", "a_inspector", "root_admin"):
        r = as_(steps, who).get(reverse("accountability:attachment_detail", args=[photo.pk]))
        assert r.status_code == 200 and r["Content-Type"] == "image/png", who
        assert r["X-Content-Type-Options"] == "nosniff"
    r = as_(steps, "a_pa1").get(reverse("accountability:attachment_detail", args=[pdf.pk]))
    assert r["Content-Type"] == "application/pdf" and r["Content-Disposition"].startswith("attachment")
    for who in ("a_branch", "b_admin"):
        assert as_(steps, who).get(reverse("accountability:attachment_detail", args=[photo.pk])).status_code == 404
        assert as_(steps, who).get("/media/" + photo.file.name).status_code == 404
        assert as_(steps, who).get(url(steps.case)).status_code == 404


def test_the_page_offers_each_user_their_own_steps(steps):
    case = steps.case
    offered = {}
    for who in ("a_pa1", "a_leader", "a_admin", "a_inspector"):
        page = as_(steps, who).get(url(case)).content.decode()
        offered[who] = {n for n in ("hold_talk", "report_rectification", "escalate", "dismiss", "appeal")
                        if url(case, n) in page}
    assert offered == {"a_pa1": {"report_rectification"}, "a_leader": {"hold_talk"},
                       "a_admin": {"hold_talk", "escalate", "dismiss"}, "a_inspector": set()}


def test_the_steps_speak_english_from_the_switcher(steps):
    c = as_(steps, "a_leader")
    assert c.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    form = c.get(url(steps.case, "hold_talk")).content.decode()
    assert "Record the talk" in form and "Date of the talk" in form and "The person’s own account" in form
    r = c.post(url(steps.case, "hold_talk"), {"content": ""})
    assert "Enter the place of the talk" in r.content.decode()
    page = c.get(url(steps.case)).content.decode()
    assert "Nothing recorded yet" in page and "Record the talk" in page


def test_the_forms_fill_in_who_the_case_already_names(steps):
    # The talk is the handler's with the case's person; the 批评教育 is decided by the handler.
    case = steps.case
    page = as_(steps, "a_leader").get(url(case, "hold_talk")).content.decode()
    names = f"{case.handler.name}、{case.person.name}"
    assert re.search(r'name="attendees" [^>]*value="%s"' % re.escape(names), page)
    case = to_criticism(steps, case)
    page = as_(steps, "a_admin").get(url(case, "record_criticism")).content.decode()
    assert re.search(r'name="decided_by" [^>]*value="%s"' % re.escape(case.handler.name), page)


def test_a_move_up_from_a_step_a_sweep_has_left_is_refused_not_doubled(steps):
    # The department opened the form at 提醒谈话; before it sent it, a sweep climbed the case to 约谈.
    case = steps.case
    page = as_(steps, "a_admin").get(url(case, "escalate")).content.decode()
    assert re.search(r'name="from_step" value="reminder_talk"', page)
    Case.objects.filter(pk=case.pk).update(step="interview", deadline=TODAY + timedelta(days=15))  # as a climb
    before = fingerprint(case)
    r = as_(steps, "a_admin").post(url(case, "escalate"), {"content": "三名党员来信反映", "from_step": "reminder_talk"})
    assert r.status_code == 200 and "该事项已升级为“约谈”，未再提级" in r.content.decode()
    assert fingerprint(case) == before and fresh(case).step == "interview"
    # sent from the step it is at, it moves up one
    r = as_(steps, "a_admin").post(url(case, "escalate"), {"content": "三名党员来信反映", "from_step": "interview"})
    assert r.status_code == 302 and fresh(case).step == "criticism"
