"""Logging a problem names its organization and its team by name or pinyin initials, never by a code.

The list pages' organization filters (the ledger, activities, findings, the check) are pickers too:
``?org=CODE`` still works in a link, the visible control picks by name.
"""

import re

from dangjian.problems.models import Problem, VolunteerTeam
from tests.test_web_scope import client_for, world  # noqa: F401  (the fixture)


def _pick(client, source, q, **params):
    return client.get(f"/autocomplete/{source}/", {"q": q, "format": "json", **params}).json()["results"]


def test_a_problem_logged_with_the_pickers(world):  # noqa: F811
    team = VolunteerTeam.objects.create(name="甲嘎查志愿服务队", organization=world.orgs["A1S"])
    c = client_for(world.users["a_admin"])
    form = c.get("/problems/new/").content.decode()
    assert "组织编码" not in form and 'data-url="/autocomplete/orgs/"' in form
    assert 'data-url="/autocomplete/teams/"' in form
    # "jgc" finds 甲嘎查党支部 by its initials; the script submits its code in the hidden input.
    [org] = [r for r in _pick(c, "orgs", "jgc") if r["name"] == "甲嘎查党支部"]
    [offered] = _pick(c, "teams", "甲嘎查")
    assert offered["value"] == str(team.pk)
    r = c.post("/problems/new/", {"organization": org["value"], "organization_text": "甲嘎查党支部",
                                  "category": "饮水安全", "description": "井房漏水", "found_on": "2026-01-05",
                                  "team": offered["value"], "team_text": "甲嘎查志愿服务队"})
    assert r.status_code == 302
    problem = Problem.objects.get(description="井房漏水")
    assert (problem.organization.code, problem.team) == ("A1S", team)


def test_without_the_script_the_typed_names_are_taken(world):  # noqa: F811
    VolunteerTeam.objects.create(name="甲旗服务队", organization=world.orgs["A"])
    VolunteerTeam.objects.create(name="导入的服务队")  # named in an import, no organization claims it
    c = client_for(world.users["a_admin"])
    assert {t["name"] for t in _pick(c, "teams", "服务队")} == {"甲旗服务队", "导入的服务队"}
    for name in ("甲旗服务队", "导入的服务队"):
        r = c.post("/problems/new/", {"organization": "", "organization_text": "甲嘎查党支部", "category": "道路",
                                      "description": name, "found_on": "2026-01-05", "team": "", "team_text": name})
        assert r.status_code == 302, r.content.decode()
        assert Problem.objects.get(description=name).team.name == name


def test_an_out_of_scope_organization_or_team_is_refused(world):  # noqa: F811
    VolunteerTeam.objects.create(name="乙旗服务队", organization=world.orgs["B"])
    c = client_for(world.users["a_admin"])
    assert not [r for r in _pick(c, "orgs", "乙")]
    for data in ({"organization": "B1S"}, {"organization": "", "organization_text": "乙嘎查党支部"}):
        page = c.post("/problems/new/", {**data, "category": "道路", "description": "越界",
                                         "found_on": "2026-01-05"}).content.decode()
        assert "不存在或不在您的权限范围内" in page
    page = c.post("/problems/new/", {"organization": "A1S", "category": "道路", "description": "越界",
                                     "found_on": "2026-01-05", "team_text": "乙旗服务队"}).content.decode()
    assert "服务队“乙旗服务队”不存在或不在您的权限范围内" in page
    assert not Problem.objects.filter(description="越界").exists()


def test_the_branch_secretary_finds_their_branch_by_name(world):  # noqa: F811
    page = client_for(world.users["a_branch"]).get("/problems/new/").content.decode()
    assert 'value="甲嘎查党支部"' in page and 'name="organization" value="A1S"' in page


def test_list_filters_pick_the_organization_by_name(world):  # noqa: F811
    c = client_for(world.users["a_admin"])
    for url in ("/problems/", "/activities/", "/findings/", "/check/", "/people/"):
        html = c.get(url).content.decode()
        assert 'name="org_text"' in html and "组织编码" not in html, url
    # A link still names the code; the picker shows the name.
    html = c.get("/problems/?org=A1").content.decode()
    assert 'name="org_text" id="f-org" value="甲镇党委"' in html
    # Without the script: the typed name is taken…
    assert "民生问题台账 · 甲镇党委" in c.get("/problems/", {"org_text": "甲镇党委"}).content.decode()
    assert "党建工作联系点制度检查 · 甲镇党委" in c.get("/check/", {"org_text": "甲镇党委"}).content.decode()
    # …and a name outside the scope is said, never found.
    html = c.get("/problems/", {"org_text": "乙旗委"}, follow=True).content.decode()
    assert "没有找到组织“乙旗委”" in html and "民生问题台账 · 乙旗委" not in html


def test_a_refused_choice_is_marked_on_the_box(world):  # noqa: F811
    page = client_for(world.users["a_admin"]).post("/problems/new/", {
        "organization": "", "organization_text": "乙嘎查党支部", "category": "道路", "description": "x",
        "found_on": "2026-01-05"}).content.decode()
    box = re.search(r'<input type="text" name="organization_text"[^>]*>', page).group(0)
    assert "is-invalid" in box and 'aria-invalid="true"' in box


def test_a_team_member_finds_the_branch_they_link_not_their_committee(world):  # noqa: F811
    # 书记抓书记: a team member keeps the ledger where they link, so that branch is filled in.
    page = client_for(world.users["a_leader"]).get("/problems/new/").content.decode()
    assert 'name="organization" value=""' in page and 'value="甲旗委"' not in page
    world.link("PA", "A1S", "联系点", start="2024-01-01")
    page = client_for(world.users["a_leader"]).get("/problems/new/").content.decode()
    assert 'name="organization" value="A1S"' in page
    assert "我的联系点：" in page and 'data-pick="id_organization" data-value="A1S"' in page
    r = client_for(world.users["a_leader"]).post("/problems/new/", {
        "organization": "A1S", "category": "道路", "description": "联系点的路", "found_on": "2026-01-05"})
    assert r.status_code == 302 and Problem.objects.filter(description="联系点的路").exists()
