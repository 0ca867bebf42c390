"""What users found (issue 7): chart labels inside their charts, the English navigation on one line."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.accounts.models import Profile, RoleGrant
from tests.browser.test_journeys import PASSWORD, login, tree_problem, world  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every text ECharts draws, as its box in the chart's own pixels (zrender's display list:
# the canvas has no DOM to measure).
LABEL_BOXES = """(n) => { const el = document.querySelector(`[data-chart=${n}]`);
  const out = []; echarts.getInstanceByDom(el).getZr().storage.getDisplayList(true).forEach(d => {
    if (d.type !== 'tspan' && d.type !== 'text') return;
    const r = d.getBoundingRect().clone(); if (d.transform) r.applyTransform(d.transform);
    out.push({text: d.style.text, left: r.x, right: r.x + r.width, top: r.y, bottom: r.y + r.height}); });
  return {width: el.clientWidth, height: el.clientHeight, labels: out}; }"""


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_no_chart_label_is_clipped(world, live_server, browser, shot, width, height):  # noqa: F811
    today = timezone.localdate()
    # A long first category with the most problems: its rotated label reaches furthest left.
    for i, category in enumerate(["农村人居环境整治提升", "道路破损", "房屋漏雨", "墙皮脱落", "充电桩不足", "绿地太少",
                                  "路灯不亮", "下水道堵塞", "供暖不足", "饮水安全"]):
        for n in range(12 - i):
            tree_problem(f"L{i}-{n}", category, "done" if n % 2 else "pending", today)
    context = browser.new_context(viewport={"width": width, "height": height},
                                  is_mobile=width < 600, has_touch=width < 600)
    page = context.new_page()
    login(page, live_server, "root_admin")
    page.goto(f"{live_server.url}/?org=A")
    for name in ("tiers", "visits", "problems"):
        expect(page.locator(f"[data-chart={name}]")).to_have_attribute("data-rendered", "1")
    page.wait_for_timeout(1200)  # the grow-in animation moves nothing but the bars; wait anyway
    for name in ("tiers", "visits", "problems"):
        chart = page.evaluate(LABEL_BOXES, name)
        assert chart["labels"], name
        for label in chart["labels"]:
            assert label["left"] >= 0 and label["right"] <= chart["width"] + 0.5, (name, label, chart["width"])
            assert label["top"] >= 0 and label["bottom"] <= chart["height"] + 0.5, (name, label, chart["height"])
    shot(page, f"ui-fixes-charts-{width}")
    context.close()


def test_the_english_navigation_stays_on_one_line_at_desktop_width(world, live_server, browser, shot):  # noqa: F811
    # The longest navigation: an administrator who also has a person (我的联系点) and a long name.
    User = get_user_model()
    user = User.objects.create_user("long_admin", password=PASSWORD, first_name="全部演示数据的组织部管理员")
    RoleGrant.objects.create(user=user, organization=world.orgs["R"], role="org_admin")
    Profile.objects.create(user=user, person=world.people["PA"])
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    login(page, live_server, "long_admin")
    nav = page.locator("header.navbar")
    expect(nav.get_by_role("link", name="Compliance check")).to_be_visible()
    links = nav.locator("#nav .nav-link").all()
    assert len(links) >= 8
    line = links[0].bounding_box()
    for link in links:
        box = link.bounding_box()
        # One line: every item on the first item's line, none taller than one line of text.
        assert abs(box["y"] - line["y"]) < 2 and box["height"] <= line["height"] + 1, link.inner_text()
    header = nav.bounding_box()
    assert header["height"] < 70, header
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shot(page, "ui-fixes-nav-english")
    context.close()
