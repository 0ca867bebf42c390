"""The API's shape is part of what scripts rely on: its paths and methods are pinned."""

from django.core.management import call_command
from django.test import Client

from dangjian.accounts.models import ApiToken

PINNED = {
    "/api/orgs": {"get", "post"},
    "/api/orgs/{code}": {"get", "patch"},
    "/api/people/{code}": {"get", "patch"},
    "/api/posts": {"post"},
    "/api/posts/{post_id}/end": {"post"},
    "/api/links": {"get", "post"},
    "/api/links/{link_id}/end": {"post"},
    "/api/activities": {"get", "post"},
    "/api/problems": {"get"},
    "/api/problems/{code}": {"get"},
    "/api/problems/{code}/transitions/{name}": {"post"},
    "/api/reports/problems": {"get"},
    "/api/check": {"get"},
    "/api/findings": {"get", "post"},
    "/api/findings/{finding_id}": {"get"},
    "/api/findings/{finding_id}/replies": {"post"},
    "/api/findings/{finding_id}/status": {"post"},
    "/api/cases": {"get"},
    "/api/cases/{case_id}": {"get"},
    "/api/cases/{case_id}/transitions/{name}": {"post"},
}


def test_openapi_paths_are_pinned(db):
    from django.contrib.auth import get_user_model

    c = Client()
    c.force_login(get_user_model().objects.create_user("reader", password="pw-for-tests-1"))
    schema = c.get("/api/openapi.json").json()
    assert {path: set(ops) for path, ops in schema["paths"].items()} == PINNED


def test_the_docs_and_the_schema_need_a_login_or_a_token(db):
    """The schema maps every endpoint: not for strangers (the docs go to the login, the schema says 401)."""
    from django.contrib.auth import get_user_model

    from dangjian.accounts.services import issue_token

    anonymous = Client()
    r = anonymous.get("/api/docs")
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=/api/docs")
    r = anonymous.get("/api/openapi.json")
    assert r.status_code == 401 and "paths" not in r.json()
    token = issue_token(get_user_model().objects.create_user("script", password="pw-for-tests-1"))
    r = anonymous.get("/api/openapi.json", HTTP_AUTHORIZATION=f"Bearer {token.raw}")
    assert r.status_code == 200 and "/api/orgs" in r.json()["paths"]
    assert anonymous.get("/api/openapi.json", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 401


def test_token_command_issues_a_working_token(tree, capsys):
    from django.contrib.auth import get_user_model

    from dangjian.accounts.models import RoleGrant

    tree.org("A", kind="党委")
    user = get_user_model().objects.create_user("script", password="x-1234567")
    RoleGrant.objects.create(user=user, organization=tree.orgs["A"], role="inspector")
    call_command("token", "script", "--name", "夜间同步")
    key = capsys.readouterr().out.strip()
    stored = ApiToken.objects.get(user=user)
    assert stored.digest == ApiToken.digest_of(key) and key not in str(stored.__dict__)  # only its digest is kept
    r = Client().get("/api/orgs", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 200
    assert [o["code"] for o in r.json()["items"]] == ["A"]


def test_the_api_docs_work_without_internet(db):
    """Swagger UI comes from the app's own static files, not a CDN (government intranets are offline)."""
    import re

    from django.contrib.auth import get_user_model

    c = Client()
    c.force_login(get_user_model().objects.create_user("reader", password="pw-for-tests-1"))
    page = c.get("/api/docs").content.decode()
    assert "cdn." not in page and "https://" not in page
    for src in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page):
        assert src.startswith("/static/"), src
        assert c.get(src).status_code == 200, src
