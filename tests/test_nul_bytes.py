"""A NUL byte (\\x00) in any parameter is bad input said in Chinese, never a 500 (issue 8 item 7).

PostgreSQL cannot hold NUL in text: before the refusal, a search, a filter, a picker, a code in
the path or a field of the API's JSON with NUL reached the database and raised. SQLite took
it; the refusal is the same on both.
"""

import json

import pytest
from django.test import Client

from django.contrib.auth import get_user_model

from dangjian.accounts.models import ApiToken
from dangjian.orgs.models import Organization

NUL = "\x00"


@pytest.fixture
def world(tree):
    """A few records and an administrator over all of them (no password: hashing one costs more than the test)."""
    tree.org("A", kind="党委", name="甲旗委")
    tree.org("A1S", "A", name="甲嘎查党支部", tiers=[("后进", "2026-01-01")])
    tree.post("PA", "A", "书记", start="2020-01-01")
    tree.problem("QA", "A1S", "环境卫生")
    tree.admin = get_user_model().objects.create(username="root", is_superuser=True, is_staff=True)
    return tree


def client(world):
    c = Client(raise_request_exception=False)
    c.force_login(world.admin)
    return c


def assert_refused_in_chinese(r, status=400):
    assert r.status_code == status, (r.status_code, r.content[:300])
    text = r.content.decode()
    assert "空字符" in text and "Traceback" not in text


PAGES = [
    "/orgs/?q=甲" + NUL, "/orgs/?org=A" + NUL, "/orgs/?kind=" + NUL, "/people/?q=" + NUL,
    "/problems/?q=" + NUL, "/problems/?category=" + NUL + "x", "/problems/?org=" + NUL,
    "/activities/?org=" + NUL, "/findings/?org=" + NUL, "/audit/?q=" + NUL, "/?org=" + NUL,
    "/check/?org=" + NUL, "/check/?org_text=甲" + NUL, "/check/?as_of=2026-01-01" + NUL,
    "/check/?rule=" + NUL, "/check/export.xlsx?org=" + NUL,
    "/autocomplete/orgs/?q=甲" + NUL + "&format=json", "/autocomplete/people/?q=" + NUL,
    "/autocomplete/teams/?q=" + NUL, "/links/feedback/?person=" + NUL + "&org=A1S",
    "/orgs/A1S" + NUL + "/", "/people/PA" + NUL + "/", "/orgs/A" + NUL + "/children/",
    "/import/abc" + NUL + "/",
]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_with_nul_in_its_query_or_path_is_refused(world, url):
    assert_refused_in_chinese(client(world).get(url))


@pytest.mark.parametrize("url, data", [
    ("/problems/new/", {"organization": "A1S", "category": "道路" + NUL, "description": "x", "found_on": "2026-01-05"}),
    ("/problems/new/", {"organization": "A1S" + NUL, "category": "道路", "description": "x",
                        "found_on": "2026-01-05"}),
    ("/problems/new/", {"organization": "", "organization_text": "甲" + NUL, "category": "道路",
                        "description": "x", "found_on": "2026-01-05"}),
    ("/orgs/new/", {"parent": "A", "code": "N" + NUL, "name": "新支部", "kind": "branch"}),
    ("/people/PA/edit/", {"name": "张" + NUL, "id_card": "", "mobile": ""}),
    ("/orgs/A1S/findings/", {"text": "意见" + NUL}),
])
def test_a_form_field_with_nul_is_refused(world, url, data):
    assert_refused_in_chinese(client(world).post(url, data))


def test_a_login_with_nul_is_refused():
    r = Client(raise_request_exception=False).post("/login/", {"username": "admin" + NUL, "password": "x"})
    assert_refused_in_chinese(r)


def test_a_nul_in_a_cookie_is_refused(world):
    c = Client(raise_request_exception=False)
    c.cookies["sessionid"] = "abcdefgh" + NUL + "ijklmnop"
    assert_refused_in_chinese(c.get("/orgs/"))


def bearer(world):
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(world.admin, 'script').raw}"}


@pytest.mark.parametrize("url", ["/api/orgs?q=" + NUL, "/api/orgs?within=A" + NUL, "/api/orgs/A" + NUL,
                                 "/api/people/PA" + NUL, "/api/problems?category=" + NUL,
                                 "/api/problems?org=" + NUL, "/api/problems/QA" + NUL, "/api/links?person=" + NUL,
                                 "/api/activities?org=" + NUL, "/api/findings?author=" + NUL,
                                 "/api/check?org=" + NUL, "/api/reports/problems?org=" + NUL])
def test_an_api_parameter_with_nul_is_a_422_in_chinese(world, url):
    r = Client(raise_request_exception=False).get(url, **bearer(world))
    assert_refused_in_chinese(r, 422)
    assert "空字符" in r.json()["detail"]


@pytest.mark.parametrize("url, body", [
    ("/api/orgs", {"parent": "A", "code": "N" + NUL, "name": "新支部", "kind": "branch"}),
    ("/api/orgs", {"parent": "A" + NUL, "code": "N", "name": "新支部", "kind": "branch"}),
    ("/api/findings", {"org": "A1S", "text": "意见" + NUL}),
    ("/api/links", {"person": "PA" + NUL, "org": "A1S", "kind": "contact_point"}),
    ("/api/orgs", {"parent": "A", "code": "N", "name": "新支部", "kind": "branch", "x" + NUL: 1}),
])
def test_an_api_body_with_nul_is_a_422_in_chinese(world, url, body):
    r = Client(raise_request_exception=False).post(url, json.dumps(body), content_type="application/json",
                                                   **bearer(world))
    assert_refused_in_chinese(r, 422)
    assert not Organization.objects.filter(code__startswith="N").exists()


def test_an_api_patch_with_nul_is_a_422(world):
    r = Client(raise_request_exception=False).patch("/api/orgs/A1S", json.dumps({"name": "改" + NUL}),
                                                    content_type="application/json", **bearer(world))
    assert_refused_in_chinese(r, 422)
    assert Organization.objects.get(code="A1S").name == "甲嘎查党支部"


def test_text_without_nul_still_works(world):
    c = client(world)
    assert c.get("/orgs/?q=甲").status_code == 200
    assert c.get("/api/orgs?q=甲").status_code == 200


def test_the_refusal_speaks_the_chosen_language(world):
    c = client(world)
    c.cookies["django_language"] = "en"
    r = c.get("/orgs/?q=" + NUL)
    assert r.status_code == 400
    page = r.content.decode()
    assert "The parameter “q” holds a null character" in page and "空字符" not in page


def test_an_urlencoded_form_with_nul_is_refused(world):
    r = client(world).post("/orgs/A1S/findings/", "text=%E6%84%8F%00", content_type="application/x-www-form-urlencoded")
    assert_refused_in_chinese(r)
    assert "表单项“text”" in r.content.decode()
