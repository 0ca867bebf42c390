"""The Content-Security-Policy holds in a real browser: no page, chart, picker or the API docs
trips it (the browser reports every blocked script, style or handler)."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import login, world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every violation the page sees, also those the console would only summarise.
LISTEN = """window.__csp = []; document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile + ':' + e.lineNumber));"""


def test_no_page_trips_the_content_security_policy(world, live_server, page, shot):  # noqa: F811
    console = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(LISTEN)
    violations = []

    def visit(path):
        response = page.goto(f"{live_server.url}{path}")
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        violations.extend(f"{path}: {v}" for v in page.evaluate("window.__csp"))

    from dangjian.accounts.models import RoleGrant

    # Roles in two places: the dashboard offers its scope picker.
    RoleGrant.objects.create(user=world.users["a_leader"], organization=world.orgs["B"], role="inspector")
    visit("/login/")
    login(page, live_server, "a_leader")
    assert page.evaluate("window.__csp") == []
    visit("/?org=A")
    for name in ("tiers", "visits", "problems"):
        expect(page.locator(f"[data-chart={name}]")).to_have_attribute("data-rendered", "1")
    page.locator("[data-chart=tiers] canvas").hover()  # a tooltip: ECharts writes its HTML
    page.wait_for_timeout(300)
    violations.extend(f"/ (tooltip): {v}" for v in page.evaluate("window.__csp"))
    # The scope picker sends its form from a listener (no onchange=""): the page follows it.
    page.select_option("#scope-root", "B")
    page.wait_for_url("**org=B**")
    violations.extend(f"/ (scope): {v}" for v in page.evaluate("window.__csp"))
    visit("/orgs/")
    page.locator(".tree-toggle").first.click()  # the tree opens in place (htmx)
    page.wait_for_load_state("networkidle")
    violations.extend(f"/orgs/ (tree): {v}" for v in page.evaluate("window.__csp"))
    for path in ("/orgs/A/", "/people/PA/", "/problems/", "/check/", "/audit/", "/links/new/", "/password/"):
        visit(path)
    visit("/api/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()  # Swagger UI drew itself
    violations.extend(f"/api/docs: {v}" for v in page.evaluate("window.__csp"))
    shot(page, "api-docs")
    assert not violations, violations
    assert not console, console
