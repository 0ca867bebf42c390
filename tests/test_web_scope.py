"""Roles are granted at an organization and hold for its subtree; nothing outside leaks.

Every page and API endpoint is walked with every role: inside the scope it answers,
outside it is a 404 (never a 403 that would confirm the record exists).
"""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from dangjian.accounts.models import ApiToken, Profile, RoleGrant
from dangjian.contacts.models import Activity, ContactLink

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def world(tree):
    tree.org("R", kind="党委", name="自治区党委")
    tree.org("A", "R", kind="党委", name="甲旗委")
    tree.org("A1", "A", kind="党委", name="甲镇党委")
    tree.org("A1S", "A1", name="甲嘎查党支部", tiers=[("后进", "2026-01-01")])
    tree.org("A1T", "A1", name="甲社区党支部")
    tree.org("B", "R", kind="党委", name="乙旗委")
    tree.org("B1S", "B", name="乙嘎查党支部", tiers=[("后进", None)])
    tree.post("PA", "A", "书记", start="2020-01-01")
    tree.post("PA2", "A1", "委员", start="2020-01-01")
    tree.post("PAS", "A1S", "书记")
    tree.post("PB", "B", "书记", start="2020-01-01")
    tree.link("PB", "B1S", "联系点", start="2026-01-01")
    tree.visit("PB", "B1S", "2026-11-01", content="乙的活动")
    tree.problem("QA", "A1S", "环境卫生")
    tree.problem("Q乙", "B1S", "道路破损")
    User = get_user_model()
    users = {}
    for name, org, role, person in [
        ("root_admin", "R", "org_admin", None), ("a_admin", "A", "org_admin", None),
        ("a_leader", "A", "leader", "PA"), ("a_branch", "A1S", "branch_secretary", "PAS"),
        ("a_inspector", "A", "inspector", None), ("a_auditor", "A", "auditor", None),
    ]:
        u = User.objects.create_user(name, password=PASSWORD)
        RoleGrant.objects.create(user=u, organization=tree.orgs[org], role=role)
        Profile.objects.create(user=u, person=tree.people[person] if person else None)
        users[name] = u
    tree.users = users
    return tree


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


A_ROLES = ["a_admin", "a_leader", "a_inspector"]
# /check/?org=B shows the user's own scope with "not found, or outside your scope" (tests/test_ui_fixes.py).
OUTSIDE_PAGES = ["/orgs/B/", "/orgs/B1S/", "/people/PB/", "/orgs/B/children/",
                 "/orgs/?org=B", "/problems/?org=B", "/activities/?org=B", "/?org=B", "/check/export.xlsx?org=B"]
OUTSIDE_API = ["/api/orgs/B", "/api/orgs/B1S", "/api/people/PB", "/api/check?org=B", "/api/reports/problems?org=B",
               "/api/orgs?within=B", "/api/problems?org=B"]


@pytest.mark.parametrize("role", A_ROLES + ["a_branch"])
def test_outside_the_scope_everything_is_404(world, role):
    c = client_for(world.users[role])
    for url in OUTSIDE_PAGES + OUTSIDE_API:
        assert c.get(url).status_code == 404, url


@pytest.mark.parametrize("role", A_ROLES)
def test_inside_the_scope_pages_answer(world, role):
    c = client_for(world.users[role])
    for url in ["/", "/orgs/", "/orgs/A/", "/orgs/A1S/", "/people/PA/", "/people/PAS/", "/orgs/A/children/",
                "/check/", "/check/?org=A1", "/problems/", "/activities/", "/orgs/?q=甲", "/audit/", "/api/orgs", "/api/check",
                "/api/orgs/A1S", "/api/people/PA", "/api/links", "/api/activities", "/api/problems"]:
        assert c.get(url).status_code == 200, url


@pytest.mark.parametrize("role", A_ROLES + ["a_branch"])
def test_lists_and_search_never_show_the_other_banner(world, role):
    c = client_for(world.users[role])
    pages = ["/", "/orgs/?q=乙", "/orgs/?kind=branch", "/orgs/?tier=lagging", "/problems/", "/activities/", "/audit/",
             "/check/", "/api/orgs?limit=1000", "/api/problems", "/api/activities", "/api/links", "/api/check",
             "/api/reports/problems"]
    for url in pages:
        body = c.get(url).content.decode()
        for secret in ("乙旗委", "乙嘎查党支部", "Q乙", "道路破损", "乙的活动", '"PB"', '"B1S"'):
            assert secret not in body, (url, secret)


def test_a_branch_secretary_sees_only_their_branch(world):
    c = client_for(world.users["a_branch"])
    assert c.get("/orgs/A1S/").status_code == 200
    assert c.get("/orgs/A1T/").status_code == 404
    assert c.get("/orgs/A/").status_code == 404


def test_the_root_admin_sees_both_banners(world):
    c = client_for(world.users["root_admin"])
    assert c.get("/orgs/B1S/").status_code == 200
    assert c.get("/orgs/A1S/").status_code == 200
    codes = {o["code"] for o in c.get("/api/orgs?limit=100").json()["items"]}
    assert {"A", "B", "A1S", "B1S"} <= codes


def test_pages_need_a_login_and_the_api_says_401():
    c = Client()
    assert c.get("/orgs/").status_code == 302
    assert c.get("/api/orgs").status_code == 401


def test_inspectors_read_but_do_not_write_branch_records(world):
    c = client_for(world.users["a_inspector"])
    r = c.post("/links/new/", {"person": "PA", "organization": "A1S", "kind": "contact_point",
                               "start_date": "2026-11-01"})
    assert r.status_code == 200
    assert "您的账户不能建立联系点" in r.content.decode()  # no form at all for a supervisor
    assert not ContactLink.objects.filter(person__code="PA").exists()
    r = c.post("/api/activities", {"person": "PA", "org": "A1S", "date": "2026-11-01", "kind": "research"},
               content_type="application/json")
    assert r.status_code in (403, 404)
    assert not Activity.objects.filter(person__code="PA").exists()
    # …but they record findings.
    r = c.post("/orgs/A1S/findings/", {"text": "三会一课记录不全"})
    assert r.status_code == 302
    assert "三会一课记录不全" in c.get("/orgs/A1S/").content.decode()


def test_a_leader_sets_up_their_own_link_but_not_someone_elses(world):
    c = client_for(world.users["a_leader"])
    r = c.post("/links/new/", {"person": "PA2", "organization": "A1T", "kind": "contact_point",
                               "start_date": "2026-11-01"})
    assert not ContactLink.objects.filter(person__code="PA2").exists()
    r = c.post("/links/new/", {"person": "PA", "organization": "A1S", "kind": "contact_point",
                               "start_date": "2026-11-01"})
    assert r.status_code == 302
    assert ContactLink.objects.filter(person__code="PA", organization__code="A1S").exists()
    page = c.get("/people/PA/").content.decode()
    assert "甲嘎查党支部" in page
    assert "建立联系" in page[page.index('data-testid="audit"'):]  # the audit trail on the person's page


def test_api_token_auth_for_scripts(world):
    token = ApiToken.issue(world.users["a_admin"], "script")
    c = Client()
    r = c.get("/api/check?org=A", HTTP_AUTHORIZATION=f"Bearer {token.raw}")
    assert r.status_code == 200
    assert r.json()["scope"] == "A"
    assert c.get("/api/check", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert c.get("/api/orgs/B", HTTP_AUTHORIZATION=f"Bearer {token.raw}").status_code == 404


def test_scripts_write_with_a_token_and_the_browser_needs_its_csrf_token(world):
    """A token needs no CSRF token (no cookie is involved); a session's write without one is refused."""
    token = ApiToken.issue(world.users["a_admin"], "script")
    c = Client(enforce_csrf_checks=True)
    visit = {"person": "PA", "org": "A1S", "date": "2026-11-02", "kind": "research", "content": "脚本录入"}
    r = c.post("/api/activities", visit, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token.raw}")
    assert r.status_code in (200, 201), r.content
    assert Activity.objects.filter(content="脚本录入").count() == 1
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["a_admin"])
    r = browser.post("/api/activities", {**visit, "content": "无令牌"}, content_type="application/json")
    assert r.status_code in (401, 403)
    assert not Activity.objects.filter(content="无令牌").exists()


def test_api_check_matches_the_command(world, capsys):
    import json

    from django.core.management import call_command

    c = client_for(world.users["root_admin"])
    api = c.get("/api/check?org=A&as_of=2026-11-26").json()
    call_command("checkrules", "--org", "A", "--as-of", "2026-11-26", "--format", "json")
    assert api == json.loads(capsys.readouterr().out)


def test_repeated_wrong_passwords_lock_the_account(world, settings):
    c = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        c.post("/login/", {"username": "a_admin", "password": "wrong"})
    r = c.post("/login/", {"username": "a_admin", "password": PASSWORD})
    assert r.status_code in (403, 429)
    assert "锁定" in r.content.decode()
    assert "_auth_user_id" not in c.session


def test_passwords_are_hashed_with_argon2(world):
    assert world.users["a_admin"].password.startswith("argon2")


@pytest.mark.parametrize("url", ["/orgs/?kind=branch", "/problems/", "/activities/", "/check/", "/orgs/",
                                 "/api/orgs", "/api/problems", "/api/activities", "/api/links"])
def test_list_query_counts_do_not_grow_with_rows(world, url):
    """No N+1: a list page costs the same number of queries with a few rows or many."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(world.users["root_admin"])
    c.get(url)  # warm the session

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx)

    few = queries()
    for i in range(20):
        world.org(f"X{i}", "A1", name=f"新支部{i}", tiers=[("中间", None)])
        world.problem(f"QX{i}", f"X{i}", "环境卫生")
        world.visit("PA", f"X{i}", date(2026, 10, 1))
        world.link("PA", f"X{i}", "联系支部")
        world.post(f"PX{i}", f"X{i}", "书记")
    many = queries()
    assert many == few
    assert many <= 20


def test_changing_and_ending_a_link_is_audited_and_checked(world):
    link = world.link("PA", "A1S", "联系支部", start="2026-01-01")
    c = client_for(world.users["a_admin"])
    r = c.post(f"/links/{link.pk}/change/", {"kind": "contact_point", "start_date": "2026-02-01", "end_date": ""})
    assert r.status_code == 302
    link.refresh_from_db()
    assert (link.kind, str(link.start_date), link.end_date) == ("contact_point", "2026-02-01", None)
    r = c.post(f"/links/{link.pk}/end/", {"end_date": "2025-12-31"})
    assert "结束日期早于开始日期" in r.content.decode()
    r = c.post(f"/links/{link.pk}/end/", {"end_date": "2026-11-01"})
    assert r.status_code == 302
    page = c.get("/people/PA/").content.decode()
    audit = page[page.index('data-testid="audit"'):]
    assert "修改联系" in audit and "结束联系" in audit and "contact link" not in audit
    assert "<del class=\"text-secondary\">联系支部</del> → 联系点" in audit  # the kind, in words
    assert "<del class=\"text-secondary\">—</del> → 2026-11-01" in audit  # the end date set
    assert "a_admin" in audit  # who did it
    # The branch's secretary sees the link but may not change a leader's link.
    other = client_for(world.users["a_branch"])
    r = other.post(f"/links/{link.pk}/change/", {"kind": "branch_link", "start_date": "2026-02-01"})
    assert "您无权修改这条联系" in r.content.decode()
    link.refresh_from_db()
    assert link.kind == "contact_point"
    # A link outside the scope is a 404.
    b_link = world.link("PB", "B1S", "联系支部", start="2026-03-01")
    assert client_for(world.users["a_admin"]).get(f"/links/{b_link.pk}/change/").status_code == 404


def test_activity_photos_are_served_only_inside_the_scope(world):
    from django.core.files.base import ContentFile

    from dangjian.contacts.models import ActivityPhoto

    visit = Activity.objects.get(person__code="PB")
    photo = ActivityPhoto.objects.create(activity=visit, image=ContentFile(b"\x89PNG b-photo", name="b.png"))
    url = f"/photos/{photo.pk}/"
    for role in A_ROLES + ["a_branch"]:
        assert client_for(world.users[role]).get(url).status_code == 404, role
        assert client_for(world.users[role]).get("/media/" + photo.image.name).status_code == 404, role
    r = client_for(world.users["root_admin"]).get(url)
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == b"\x89PNG b-photo"
    assert Client().get(url).status_code == 302  # to the login page


def test_the_api_takes_a_problem_status_as_the_ledger_says_it(world):
    c = client_for(world.users["root_admin"])
    pending = {p["code"] for p in c.get("/api/problems?status=待办理").json()["items"]}
    assert pending == {p["code"] for p in c.get("/api/problems?status=pending").json()["items"]} == {"QA", "Q乙"}
    assert c.get("/api/problems?status=已办结").json()["items"] == []
    r = c.get("/api/problems?status=完成")
    assert r.status_code == 422 and "待办理" in r.json()["detail"]


def test_an_empty_finding_is_refused_with_a_message(world):
    c = client_for(world.users["a_inspector"])
    r = c.post("/orgs/A1S/findings/", {"text": "   "}, follow=True)
    assert "督查意见为空，未记录" in r.content.decode()
