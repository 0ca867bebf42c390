"""失责必问's board in a real browser: the trend chart draws under the Content-Security-Policy, a
bar and a card open their cases, the case page shows its timeline (desktop and phone)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.accountability.ladder import sweep
from dangjian.accountability.models import Case
from tests.browser.test_csp import LISTEN
from tests.browser.test_journeys import login, world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_the_board_draws_and_its_figures_open_their_cases(world, live_server, browser, shot, width, height):  # noqa: F811
    today = timezone.localdate()
    sweep(on=today - timedelta(days=60))
    sweep(on=today - timedelta(days=20))
    sweep(on=today)
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=width < 600,
                                  has_touch=width < 600)
    page = context.new_page()
    page.add_init_script(LISTEN)
    login(page, live_server, "a_inspector")
    if width >= 600:
        page.locator("#nav").get_by_role("link", name="失责必问").click()  # the menu item
    else:
        page.goto(f"{live_server.url}/accountability/")
    expect(page.locator("[data-chart=trend]")).to_have_attribute("data-rendered", "1")
    page.wait_for_timeout(1200)  # the bars grow in
    assert page.evaluate("window.__csp") == []
    shot(page, f"accountability-board-{width}")
    seen = Case.objects.visible_to(world.users["a_inspector"])
    card = page.locator("[data-testid=board-open]")
    assert int(card.get_attribute("data-count")) == seen.filter(status="open").count() > 0
    card.click()
    page.wait_for_url("**/accountability/cases/**")
    expect(page.locator("[data-testid=case]")).to_have_count(seen.filter(status="open").count())
    page.locator("[data-testid=case] a").first.click()
    expect(page.locator("[data-testid=timeline-step]").first).to_be_visible()
    assert page.evaluate("window.__csp") == []
    shot(page, f"accountability-case-{width}")
    context.close()
