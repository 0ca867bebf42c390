"""The ledger kept in the browser: a problem is logged, taken up and completed, each step audited."""

from datetime import timedelta

from django.utils import timezone

from dangjian.audit.models import AuditEvent
from dangjian.problems.models import Problem
from dangjian.problems.reports import problem_figures
from tests.test_web_scope import client_for, world  # noqa: F401  (the fixture)


def test_a_branch_secretary_logs_a_problem_and_completes_it(world):  # noqa: F811
    today = timezone.localdate()
    c = client_for(world.users["a_branch"])
    before = problem_figures(world.orgs["A1S"])
    r = c.post("/problems/new/", {"organization": "A1S", "category": "饮水安全", "description": "三组水管冻裂",
                                  "found_on": today.isoformat()}, follow=True)
    page = r.content.decode()
    problem = Problem.objects.get(description="三组水管冻裂")
    assert problem.code.startswith(f"W{today:%Y%m%d}-") and problem.status == "pending"
    assert f"已登记民生问题 {problem.code}" in page and "三组水管冻裂" in page
    assert problem_figures(world.orgs["A1S"]).problems == before.problems + 1
    c.post(f"/problems/{problem.pk}/", {"transition": "take_up"})
    c.post(f"/problems/{problem.pk}/", {"transition": "complete", "confirm": "on", "completion_note": "已更换水管",
                                        "completed_on": today.isoformat()})
    problem.refresh_from_db()
    assert (problem.status, problem.completed_on, problem.completion_note) == ("done", today, "已更换水管")
    assert problem_figures(world.orgs["A1S"]).completed == before.completed + 1
    actions = list(AuditEvent.objects.filter(object_id=str(problem.pk)).order_by("id").values_list("action", flat=True))
    assert actions == ["problem logged", "problem taken up", "problem completed"]
    org_page = c.get("/orgs/A1S/").content.decode()
    assert "登记民生问题" in org_page and "办结民生问题" in org_page


def test_dates_and_places_are_checked_with_chinese_messages(world):  # noqa: F811
    c = client_for(world.users["a_branch"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = c.post("/problems/new/", {"organization": "A1S", "category": "道路", "description": "x",
                                     "found_on": tomorrow}).content.decode()
    assert "发现日期不能晚于今天" in page
    page = c.post("/problems/new/", {"organization": "A1T", "category": "道路", "description": "x",
                                     "found_on": "2026-01-01"}).content.decode()
    assert "不存在或不在您的权限范围内" in page  # the secretary's scope is their own branch
    page = c.post("/problems/new/", {"organization": "A1S", "category": "道路", "description": "x",
                                     "found_on": "2026-01-01", "team": "没有这个队"}).content.decode()
    assert "服务队“没有这个队”不存在" in page
    assert not Problem.objects.filter(category="道路").exists()
    qa = Problem.objects.get(code="QA")
    r = c.post(f"/problems/{qa.pk}/", {"transition": "complete", "confirm": "on", "completion_note": "修好了",
                                       "completed_on": "2000-01-02"})
    assert "办结日期不能早于发现日期" in r.content.decode()
    qa.refresh_from_db()
    assert qa.status == "pending"


def test_a_supervisor_reads_the_ledger_but_does_not_keep_it(world):  # noqa: F811
    c = client_for(world.users["a_inspector"])
    ledger = c.get("/problems/").content.decode()
    assert "QA" in ledger and "办理</a>" not in ledger and "登记问题" not in ledger
    assert c.get("/problems/new/").status_code == 404
    assert "/problems/new/" not in c.get("/orgs/A1S/").content.decode()
    assert "/problems/new/?org=A1S" in client_for(world.users["a_branch"]).get("/orgs/A1S/").content.decode()
    qa = Problem.objects.get(code="QA")
    assert c.post(f"/problems/{qa.pk}/", {"transition": "complete", "confirm": "on", "completion_note": "x",
                                          "completed_on": "2026-02-01"}).status_code == 404
    qa.refresh_from_db()
    assert qa.status == "pending"
    # …and nobody moves another banner's problem.
    other = Problem.objects.get(code="Q乙")
    assert client_for(world.users["a_admin"]).post(f"/problems/{other.pk}/", {"transition": "take_up"}).status_code == 404


def test_a_secretary_finds_their_branch_filled_in(world):  # noqa: F811
    page = client_for(world.users["a_branch"]).get("/problems/new/").content.decode()
    # The picker shows the branch by name and carries its code.
    assert 'name="organization_text" id="id_organization" value="甲嘎查党支部"' in page
    assert 'name="organization" value="A1S"' in page


def test_another_banner_s_team_is_not_offered_nor_taken(world):  # noqa: F811
    from dangjian.problems.models import VolunteerTeam

    VolunteerTeam.objects.create(name="乙旗第一服务队", organization=world.orgs["B"])
    VolunteerTeam.objects.create(name="甲旗第一服务队", organization=world.orgs["A"])
    c = client_for(world.users["a_admin"])
    offered = c.get("/autocomplete/teams/", {"q": "第一服务队", "format": "json"}).json()["results"]
    assert [t["name"] for t in offered] == ["甲旗第一服务队"]
    page = c.post("/problems/new/", {"organization": "A1S", "category": "道路", "description": "x",
                                     "found_on": "2026-01-01", "team": "乙旗第一服务队"}).content.decode()
    assert "服务队“乙旗第一服务队”不存在" in page
    c.post("/problems/new/", {"organization": "A1S", "category": "道路", "description": "y",
                              "found_on": "2026-01-01", "team": "甲旗第一服务队"})
    assert Problem.objects.get(description="y").team.name == "甲旗第一服务队"
