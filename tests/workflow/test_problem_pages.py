"""The problem's page and the API offer exactly the steps the table allows this user now, and take them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dangjian.accounts.models import ApiToken
from dangjian.audit.models import AuditEvent
from dangjian.audit.registry import LOGIN_ACTIONS
from dangjian.problems.models import Problem
from tests.test_web_scope import client_for, world  # noqa: F401  (the fixture)

STEPS = ("take_up", "complete", "reopen")


def steps_on(page):
    return {name for name in STEPS if f'data-testid="step-{name}"' in page}


def done(problem, note="已修复"):
    Problem.objects.filter(pk=problem.pk).update(status="done", completed_on=problem.found_on, completion_note=note)


def events(problem):
    return list(AuditEvent.objects.filter(object_type="problems.problem", object_id=str(problem.pk))
                .order_by("id").values_list("action", flat=True))


def complete_data(**kw):
    return {"transition": "complete", "confirm": "on", "completion_note": "已清理垃圾",
            "completed_on": timezone.localdate().isoformat(), **kw}


@pytest.mark.parametrize("role, pending, finished", [
    ("root_admin", {"take_up", "complete"}, {"reopen"}),
    ("a_admin", {"take_up", "complete"}, {"reopen"}),
    ("a_leader", set(), set()),  # a team member who does not link the branch reads its ledger
    ("a_leader_linked", {"take_up", "complete"}, set()),
    ("a_branch", {"take_up", "complete"}, set()),
    ("a_inspector", set(), set()),
])
def test_each_role_is_offered_its_steps(world, role, pending, finished):  # noqa: F811
    if role == "a_leader_linked":
        world.link("PA", "A1S", "联系支部")
        role = "a_leader"
    c, qa = client_for(world.users[role]), Problem.objects.get(code="QA")
    page = c.get(f"/problems/{qa.pk}/").content.decode()
    assert "环境卫生" in page and "甲嘎查党支部" in page and 'data-testid="audit"' in page
    assert steps_on(page) == pending
    assert ("<button" in page.split('data-testid="audit"')[0].split("</header>")[-1]) == bool(pending)
    done(qa)
    assert steps_on(c.get(f"/problems/{qa.pk}/").content.decode()) == finished
    ledger = c.get("/problems/").content.decode()
    assert f'href="/problems/{qa.pk}/"' in ledger


def test_a_secretary_takes_up_and_completes_and_the_history_says_so(world):  # noqa: F811
    c, qa = client_for(world.users["a_branch"]), Problem.objects.get(code="QA")
    r = c.post(f"/problems/{qa.pk}/", {"transition": "take_up"}, follow=True)
    assert "QA：开始办理，现为“办理中”" in r.content.decode()
    r = c.post(f"/problems/{qa.pk}/", complete_data(), follow=True)
    page = r.content.decode()
    qa.refresh_from_db()
    assert (qa.status, qa.completed_on, qa.completion_note) == ("done", timezone.localdate(), "已清理垃圾")
    assert "开始办理民生问题" in page and "办结民生问题" in page and "已清理垃圾" in page
    assert steps_on(page) == set()  # a secretary does not reopen
    assert events(qa) == ["problem taken up", "problem completed"]


def test_closing_needs_confirmation_a_note_and_a_sensible_date(world):  # noqa: F811
    c, qa = client_for(world.users["a_branch"]), Problem.objects.get(code="QA")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    for data, message in [
        (complete_data(confirm=""), "请确认办结"),
        (complete_data(completion_note="   "), "请填写办结说明"),
        (complete_data(completion_note="办" * 2001), "办结说明不能超过 2000 字"),
        (complete_data(completed_on=""), "请填写办结日期"),
        (complete_data(completed_on=tomorrow), "办结日期不能晚于今天"),
        (complete_data(completed_on="2025-12-31"), "办结日期不能早于发现日期"),
        (complete_data(completed_on="1999-12-31"), "办结日期不能早于 2000-01-01"),
    ]:
        r = c.post(f"/problems/{qa.pk}/", data)
        assert r.status_code == 200 and message in r.content.decode(), message
    qa.refresh_from_db()
    assert qa.status == "pending" and not events(qa)
    # …and a problem fixed on the spot goes straight from 待办理 to 已办结.
    c.post(f"/problems/{qa.pk}/", complete_data(completed_on="2026-01-01"))
    qa.refresh_from_db()
    assert (qa.status, str(qa.completed_on)) == ("done", "2026-01-01")


def test_only_the_department_reopens_and_says_why(world):  # noqa: F811
    qa = Problem.objects.get(code="QA")
    done(qa)
    for role in ("a_leader", "a_branch", "a_inspector"):
        assert client_for(world.users[role]).post(f"/problems/{qa.pk}/", {"transition": "reopen",
                                                                         "reason": "没修好"}).status_code == 404
    admin = client_for(world.users["a_admin"])
    assert "请填写重新办理的理由" in admin.post(f"/problems/{qa.pk}/", {"transition": "reopen"}).content.decode()
    assert not events(qa)
    page = admin.post(f"/problems/{qa.pk}/", {"transition": "reopen", "reason": "群众反映仍漏水"},
                      follow=True).content.decode()
    qa.refresh_from_db()
    assert (qa.status, qa.completed_on, qa.completion_note) == ("in_progress", None, "")
    assert "重新办理民生问题" in page and "群众反映仍漏水" in page and "已修复" in page  # the old note, in the history
    assert events(qa) == ["problem reopened"]


def test_a_supervisor_and_an_outsider_write_nothing(world):  # noqa: F811
    qa, other = Problem.objects.get(code="QA"), Problem.objects.get(code="Q乙")
    inspector = client_for(world.users["a_inspector"])
    for step in (complete_data(), {"transition": "take_up"}, {"transition": "reopen", "reason": "x"}):
        assert inspector.post(f"/problems/{qa.pk}/", step).status_code == 404
    admin = client_for(world.users["a_admin"])
    assert admin.get(f"/problems/{other.pk}/").status_code == 404
    assert admin.post(f"/problems/{other.pk}/", {"transition": "take_up"}).status_code == 404
    assert Problem.objects.filter(status="pending").count() == 2
    assert not AuditEvent.objects.exclude(action__in=LOGIN_ACTIONS).exists()  # a log-in is no write


def test_the_page_speaks_english_too(world):  # noqa: F811
    c, qa = client_for(world.users["a_admin"]), Problem.objects.get(code="QA")
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = c.post(f"/problems/{qa.pk}/", complete_data(confirm="")).content.decode()
    assert "Please confirm that the issue is completed" in page and "Completion note" in page


# ----- the API ----------------------------------------------------------------------------
def api(world, role):  # noqa: F811
    token = ApiToken.issue(world.users[role], "script").raw
    from django.test import Client

    c = Client()

    def call(method, url, body=None):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if method == "post":
            return c.post(url, body or {}, content_type="application/json", **kwargs)
        return c.get(url, **kwargs)
    return call


def test_the_api_lists_and_takes_the_steps(world):  # noqa: F811
    branch, admin, inspector = api(world, "a_branch"), api(world, "a_admin"), api(world, "a_inspector")
    assert branch("get", "/api/problems/QA").json()["transitions"] == ["take_up", "complete"]
    assert inspector("get", "/api/problems/QA").json()["transitions"] == []
    assert admin("get", "/api/problems/Q乙").status_code == 404
    assert admin("post", "/api/problems/Q乙/transitions/take_up").status_code == 404
    assert admin("post", "/api/problems/QA/transitions/nonsense").status_code == 404
    assert inspector("post", "/api/problems/QA/transitions/take_up").status_code == 403
    r = branch("post", "/api/problems/QA/transitions/complete", {"completion_note": "已清理"})
    assert r.status_code == 422 and r.json()["detail"] == {"confirm": ["请确认办结"], "completed_on": ["请填写办结日期"]}
    today = timezone.localdate().isoformat()
    r = branch("post", "/api/problems/QA/transitions/complete",
               {"confirm": True, "completion_note": "已清理", "completed_on": today})
    assert r.status_code == 200
    assert {k: r.json()[k] for k in ("status", "completed_on", "completion_note", "transitions")} == {
        "status": "done", "completed_on": today, "completion_note": "已清理", "transitions": []}
    r = branch("post", "/api/problems/QA/transitions/take_up")
    assert r.status_code == 422 and "不能执行“开始办理”" in r.json()["detail"]["__all__"][0]
    assert branch("post", "/api/problems/QA/transitions/reopen", {"reason": "x"}).status_code == 403
    assert admin("post", "/api/problems/QA/transitions/reopen").json()["detail"] == {"reason": ["请填写重新办理的理由"]}
    r = admin("post", "/api/problems/QA/transitions/reopen", {"reason": "仍有垃圾"})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    qa = Problem.objects.get(code="QA")
    assert events(qa) == ["problem completed", "problem reopened"]
    assert AuditEvent.objects.get(action="problem reopened").after["reason"] == "仍有垃圾"
