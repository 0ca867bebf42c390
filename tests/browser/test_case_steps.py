"""A handler records the 提醒谈话 on a phone, with a photo; the supervisor reads it and takes no step."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from dangjian.accountability.ladder import sweep
from dangjian.accountability.models import Case
from tests.browser.test_journeys import login, world  # noqa: F401  (the fixture)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_handler_records_the_talk_on_a_phone_and_the_supervisor_only_reads_it(world, live_server, browser,  # noqa: F811
                                                                                   shot):
    today = timezone.localdate()
    world.post("PA2", "A1", "委员", start=today - timedelta(days=500))  # handled by PA (a_leader)
    sweep(on=today)
    case = Case.objects.get(rule="contact-point-missing", person__code="PA2")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, live_server, "a_leader")
    page.goto(f"{live_server.url}/accountability/cases/{case.pk}/steps/")
    page.get_by_role("link", name="记录谈话").click()
    page.fill("#id_place", "锡尼镇党委会议室")
    page.fill("#id_attendees", "巴特尔、PA2、记录人")
    page.fill("#id_content", "指出尚未建立联系点")
    page.fill("#id_account", "刚调整分工")
    page.fill("#id_promise", "十日内建立联系点")
    page.set_input_files("#id_files", files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PNG}])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the form fits the phone
    shot(page, "phone-case-talk-form")
    page.get_by_role("button", name="记录谈话").click()
    expect(page.get_by_text("已记录谈话")).to_be_visible()
    records = page.get_by_test_id("case-records")
    expect(records).to_contain_text("锡尼镇党委会议室")
    expect(records.get_by_test_id("attachment")).to_have_text("现场.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-case-paperwork")
    context.close()
    page = browser.new_page()
    login(page, live_server, "a_inspector")
    page.goto(f"{live_server.url}/accountability/cases/{case.pk}/steps/")
    expect(page.get_by_test_id("case-records")).to_contain_text("十日内建立联系点")
    expect(page.locator("[data-step]")).to_have_count(0)
