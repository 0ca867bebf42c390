"""A livelihood problem from the ledger to 已办结, in a real browser: only the allowed steps are offered."""

import pytest
from playwright.sync_api import expect

from dangjian.problems.models import Problem
from tests.browser.test_journeys import login, world  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_leader_closes_a_problem_and_a_supervisor_only_reads_it(world, live_server, page, shot):  # noqa: F811
    world.link("PA", "A1T", "联系支部")  # a team member keeps the ledger of the branches they link
    login(page, live_server, "a_leader")
    page.goto(f"{live_server.url}/problems/")
    page.get_by_role("link", name="Q2").click()
    expect(page.get_by_test_id("problem-status")).to_have_text("待办理")
    expect(page.get_by_test_id("step-reopen")).to_have_count(0)
    step = page.get_by_test_id("step-complete")
    step.get_by_role("button", name="办结").click()  # not confirmed, no note: refused, in words
    expect(page.get_by_test_id("step-complete")).to_contain_text("请确认办结")
    step = page.get_by_test_id("step-complete")
    step.locator("textarea[name=completion_note]").fill("已协调安装两处充电桩")
    step.locator("input[name=confirm]").check()
    step.get_by_role("button", name="办结").click()
    expect(page.get_by_test_id("problem-status")).to_have_text("已办结")
    expect(page.get_by_test_id("audit")).to_contain_text("办结民生问题")
    expect(page.locator("[data-testid^=step-]")).to_have_count(0)  # a leader does not reopen
    shot(page, "problem-completed")
    assert Problem.objects.get(code="Q2").completion_note == "已协调安装两处充电桩"

    page.context.clear_cookies()
    login(page, live_server, "a_inspector")
    page.goto(f"{live_server.url}/problems/{Problem.objects.get(code='Q2').pk}/")
    expect(page.get_by_test_id("completion-note")).to_have_text("已协调安装两处充电桩")
    expect(page.locator("[data-testid^=step-]")).to_have_count(0)
    expect(page.get_by_role("button", name="重新办理")).to_have_count(0)
