"""失责必问 from violation to rectification, by the people the chain names (issue 9's journey).

A team member without a contact point → the sweep opens a case → their secretary (the
handler) records the 提醒谈话 on a phone from 我的待办 → the member sets up a contact
point → the next sweep closes the case as rectified → both to-do lists are empty.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from dangjian.accountability.ladder import sweep
from dangjian.accountability.models import Case
from dangjian.accounts.models import Profile, RoleGrant
from tests.browser.test_journeys import PASSWORD, login, world  # noqa: F401  (the fixture)


def test_a_case_followed_from_violation_to_rectification(world, live_server, browser, shot):  # noqa: F811
    today = timezone.localdate()
    world.post("PA2", "A1", "委员", start=today - timedelta(days=500))  # A1 has no 书记: A's (巴特尔) acts
    user = get_user_model().objects.create_user("a_member", password=PASSWORD)
    RoleGrant.objects.create(user=user, organization=world.orgs["A1"], role="leader")
    Profile.objects.create(user=user, person=world.people["PA2"])
    sweep(on=today)
    case = Case.objects.get(rule="contact-point-missing", person__code="PA2")
    assert case.handler.code == "PA"

    # The handler, on a phone: 待办 → the case → 记录谈话.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    login(page, live_server, "a_leader")
    page.locator(".nav-todo").click()  # beside the name: no menu to open on a phone
    handle = page.locator("#todo-cases-to-handle")
    expect(handle).to_contain_text("未建立党建工作联系点")
    expect(handle).to_contain_text("进行提醒谈话，督促限期整改")
    shot(page, "ladder-phone-todo")
    handle.get_by_role("link", name="未建立党建工作联系点").first.click()
    page.get_by_role("link", name="记录谈话").click()
    page.fill("#id_place", "锡尼镇党委会议室")
    page.fill("#id_attendees", "巴特尔、人员PA2")
    page.fill("#id_content", "指出尚未建立党建工作联系点")
    page.fill("#id_account", "刚调整分工，尚未落实")
    page.fill("#id_promise", "本周内建立联系点")
    page.get_by_role("button", name="记录谈话").click()
    expect(page.get_by_text("已记录谈话")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "ladder-phone-talk-recorded")
    phone.close()

    # The member reads the talk among their notices and sets up a contact point.
    page = browser.new_page()
    login(page, live_server, "a_member")
    page.goto(f"{live_server.url}/todo/")
    expect(page.locator("#todo-cases-mine")).to_contain_text("未建立党建工作联系点：建立一个党建工作联系点")
    expect(page.locator("#todo-notices")).to_be_visible()
    page.goto(f"{live_server.url}/links/new/?org=A1S")
    page.select_option("#id_kind", "contact_point")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("#links")).to_contain_text("阿斯楞图嘎查党支部")

    # The next sweep decides: rectified, whatever the paperwork; the lists empty.
    sweep(on=today)
    case.refresh_from_db()
    assert (case.status, case.closed_on) == ("rectified", today)
    page.goto(f"{live_server.url}/todo/")
    expect(page.locator("#todo-notices")).to_contain_text("问责事项已整改销号：未建立党建工作联系点")
    expect(page.locator("#todo-cases-mine")).to_have_count(0)
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_text("暂无待办事项。")).to_be_visible()
    shot(page, "ladder-todo-empty")
    login(page, live_server, "a_leader")
    page.goto(f"{live_server.url}/todo/")
    expect(page.locator("#todo-cases-to-handle")).to_have_count(0)
