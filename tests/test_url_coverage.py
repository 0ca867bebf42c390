"""Every named page is tested: a URL no test class declares (tests/scoped.py) fails here.

The walk reads the URLconf itself, so a new view cannot be forgotten: declare its Url in
its model's ``tests/<app>/test_views.py`` class, or, for the few pages no model owns,
in the allow-list below with the reason.
"""

import importlib
import pathlib

from django.urls import URLPattern, URLResolver, get_resolver

from tests import scoped

# Not a model's page: each is tested where named, or has nothing in scope to test.
ALLOWED = {
    "accounts:login": "public; tests/test_web_scope.py (the lockout) and the browser journeys",
    "accounts:logout": "the session's end; the browser journeys",
    "accounts:password_change": "one's own password, no model; tests/accounts/test_account_policy.py",
    "web:favicon": "a static icon",
    "web:todo": "each user's own to-dos, nobody else's to scope; tests/pages/test_todo.py",
    "notices:read_all": "a POST on the user's own notices; tests/pages/test_todo.py",
    "ui:picker_orgs": "pickers read through visible_to; tests/crud/test_pickers.py",
    "ui:picker_people": "tests/crud/test_pickers.py",
    "ui:picker_teams": "tests/crud/test_pickers.py",
    "imports:template": "a blank workbook, the same for everyone; tests/imports/test_template.py",
    "imports:run_errors": "404 until a check has written the marked workbook; tests/imports/test_import_web.py",
}
SKIPPED_PREFIXES = ("api/", "i18n/", "static/", "media/")  # the API has its own schema test


def named_routes(resolver=None, prefix="", namespace=""):
    """Every (name, route) under ``resolver``, names qualified by their namespaces."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            yield from named_routes(entry, route, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", route


def load_view_tests():
    """Import every tests/<app>/test_views.py, so that their classes fill scoped.COVERED."""
    root = pathlib.Path(__file__).parent
    for path in sorted(root.glob("*/test_views.py")):
        importlib.import_module(f"tests.{path.parent.name}.test_views")


def test_every_named_page_is_declared_by_a_test_class():
    load_view_tests()
    routes = dict(named_routes())
    assert len(routes) > 30  # the walk found the pages
    missing = sorted(f"{name} ({route})" for name, route in routes.items()
                     if name not in scoped.COVERED and name not in ALLOWED)
    assert not missing, f"pages no test class declares (tests/scoped.py): {missing}"


def test_the_allow_list_names_only_real_pages():
    routes = dict(named_routes())
    assert not sorted(set(ALLOWED) - set(routes)), "an allowed name no longer exists: drop it"
    load_view_tests()
    assert not sorted(set(ALLOWED) & set(scoped.COVERED)), "a declared page needs no allowance"


def test_a_new_url_without_a_test_fails_the_walk():
    """The walk sees a route as soon as it is in the URLconf (here: a stand-in resolver)."""
    from django.urls import include, path

    fake = type("Conf", (), {"urlpatterns": [path("x/", include(([path("y/", lambda r: None, name="new_page")], "newapp")))]})
    from django.urls.resolvers import URLResolver as Resolver, RegexPattern

    names = dict(named_routes(Resolver(RegexPattern(r"^/"), fake)))
    assert "newapp:new_page" in names and "newapp:new_page" not in scoped.COVERED
