"""Cached figures are never stale: any change through the services shows at once."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import Profile, RoleGrant
from dangjian.contacts import services


@pytest.fixture
def locmem(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "dangjian-test"}}
    from django.core.cache import cache

    cache.clear()


def test_the_check_page_follows_a_new_link(tree, locmem):
    tree.org("A", kind="党委")
    tree.org("S", "A")
    tree.post("P", "A", "书记", start="2020-01-01")
    user = get_user_model().objects.create_user("u", password="x-1234567")
    RoleGrant.objects.create(user=user, organization=tree.orgs["A"], role="org_admin")
    Profile.objects.create(user=user)
    c = Client()
    c.force_login(user)
    assert 'data-rule="contact-point-missing"' in c.get("/check/").content.decode()
    assert 'data-rule="contact-point-missing"' in c.get("/check/").content.decode()  # from the cache
    services.set_up_link(user, tree.people["P"], tree.orgs["S"], "contact_point", timezone.localdate())
    assert 'data-rule="contact-point-missing"' not in c.get("/check/").content.decode()
    dashboard = c.get("/").content.decode()
    assert "1 / 1" in dashboard  # compliant: the link started today, so no visit is due yet


def test_the_api_check_shares_the_cache_and_follows_a_new_link(tree, locmem, monkeypatch):
    from dangjian.compliance import rules

    tree.org("A", kind="党委")
    tree.org("S", "A")
    tree.post("P", "A", "书记", start="2020-01-01")
    user = get_user_model().objects.create_user("u", password="x-1234567")
    RoleGrant.objects.create(user=user, organization=tree.orgs["A"], role="org_admin")
    Profile.objects.create(user=user)
    runs = []
    real = rules.run_check
    monkeypatch.setattr("dangjian.compliance.rules.run_check", lambda **kw: runs.append(kw) or real(**kw))
    c = Client()
    c.force_login(user)
    first = c.get("/api/check").json()
    assert "contact-point-missing" in {v["rule"] for v in first["violations"]}
    assert c.get("/api/check").json() == first and len(runs) == 1  # the second answer came from the cache
    services.set_up_link(user, tree.people["P"], tree.orgs["S"], "contact_point", timezone.localdate())
    assert "contact-point-missing" not in {v["rule"] for v in c.get("/api/check").json()["violations"]}
    assert len(runs) == 2
