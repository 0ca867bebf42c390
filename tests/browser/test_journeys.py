"""The key journeys of each role, in a real browser."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from dangjian.accounts.models import Profile, RoleGrant
from dangjian.contacts.models import Activity
from dangjian.orgs.models import Organization
from tests.builders import Tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "browser-pw-1"


@pytest.fixture
def world(transactional_db):
    tree = Tree()
    today = timezone.localdate()
    tree.org("R", kind="党委", name="自治区党委")
    tree.org("A", "R", kind="党委", name="杭锦旗委")
    tree.org("A1", "A", kind="党委", name="锡尼镇党委")
    tree.org("A1S", "A1", name="阿斯楞图嘎查党支部", tiers=[("后进", today - timedelta(days=100))])
    tree.org("A1T", "A1", name="阳光社区党支部", domain="community", tiers=[("先进", None)])
    tree.org("B", "R", kind="党委", name="达拉特旗委")
    tree.org("B1S", "B", name="平原街道党支部", tiers=[("中间", None)])
    tree.post("PA", "A", "书记", start=today - timedelta(days=1000))
    tree.person("PA").name = "巴特尔"
    tree.people["PA"].save()
    tree.post("PB", "B", "书记", start=today - timedelta(days=1000))
    tree.link("PB", "B1S", "联系点", start=today - timedelta(days=30))
    tree.problem("Q1", "A1S", "环境卫生", "done", found=today - timedelta(days=50), done=today - timedelta(days=5))
    tree.problem("Q2", "A1T", "充电桩不足", "pending", found=today - timedelta(days=20))
    tree.visit("PA", "A1T", today - timedelta(days=40))
    User = get_user_model()
    tree.users = {}
    for name, org, role, person in [("root_admin", "R", "org_admin", None), ("a_leader", "A", "leader", "PA"),
                                     ("a_inspector", "A", "inspector", None), ("b_admin", "B", "org_admin", None)]:
        u = User.objects.create_user(name, password=PASSWORD)
        RoleGrant.objects.create(user=u, organization=tree.orgs[org], role=role)
        Profile.objects.create(user=u, person=tree.people[person] if person else None)
        tree.users[name] = u
    return tree


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("header.navbar")).to_be_visible()


@pytest.mark.parametrize("username, sees, never", [
    ("a_leader", "杭锦旗委", "达拉特旗委"),
    ("a_inspector", "杭锦旗委", "达拉特旗委"),
    ("b_admin", "达拉特旗委", "杭锦旗委"),
])
def test_each_role_sees_only_its_scope(world, live_server, page, username, sees, never, shot):
    login(page, live_server, username)
    page.goto(f"{live_server.url}/orgs/")
    expect(page.get_by_role("link", name=sees)).to_be_visible()
    assert never not in page.content()
    page.goto(f"{live_server.url}/orgs/?kind=branch")
    assert never not in page.content()
    shot(page, f"orgs-{username}")


def test_setting_up_a_link_clears_its_violation_on_the_check_page(world, live_server, page, shot):
    login(page, live_server, "a_leader")
    page.goto(f"{live_server.url}/check/?org=A")
    expect(page.locator("tr[data-rule=contact-point-missing]")).to_have_count(1)
    expect(page.locator("tr[data-rule=secretary-lagging-missing]")).to_have_count(1)
    shot(page, "check-before")
    page.goto(f"{live_server.url}/links/new/?org=A1S")
    # The rule feedback shows before saving: this secretary's jurisdiction has a lagging branch.
    expect(page.get_by_test_id("feedback")).to_contain_text("后进党支部")
    page.select_option("#id_kind", "contact_point")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page).to_have_url(re.compile(r"/people/PA/$"))
    expect(page.locator("#links")).to_contain_text("阿斯楞图嘎查党支部")
    page.goto(f"{live_server.url}/check/?org=A")
    expect(page.locator("tr[data-rule=contact-point-missing]")).to_have_count(0)
    expect(page.locator("tr[data-rule=secretary-lagging-missing]")).to_have_count(0)
    shot(page, "check-after")


def test_a_visit_logged_on_a_phone_shows_on_the_persons_page(world, live_server, browser, shot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, live_server, "a_leader")
    page.goto(f"{live_server.url}/activities/new/?org=A1T")
    page.select_option("#id_kind", "lecture")
    page.fill("#id_content", "讲授专题党课：打通责任落实最后一公里")
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
           b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND"
           b"\xaeB`\x82")
    page.set_input_files("#id_photos", files=[{"name": "visit.png", "mimeType": "image/png", "buffer": png}])
    shot(page, "phone-activity-form")
    page.get_by_role("button", name="保存活动").click()
    expect(page).to_have_url(re.compile(r"/people/PA/$"))
    visits = page.locator("#visits")
    expect(visits).to_contain_text("讲授专题党课：打通责任落实最后一公里")
    expect(visits.locator("img")).to_have_count(1)
    shot(page, "phone-person-page")
    assert Activity.objects.filter(person__code="PA", kind="lecture", photos__isnull=False).exists()
    context.close()


def test_importing_a_workbook_with_an_error_marks_it_and_writes_nothing(world, live_server, page, shot):
    wb = Workbook()
    ws = wb.active
    ws.title = "组织"
    ws.append(["组织编码", "组织名称", "上级组织编码", "组织类型", "所属领域"])
    ws.append(["NEW1", "新建党支部", "A1", "党支部", "嘎查村"])
    people = wb.create_sheet("人员")
    people.append(["人员编号", "姓名", "身份证号"])
    people.append(["PN1", "新人", "110105194912310021"])  # wrong check digit (should be X)
    buf = io.BytesIO()
    wb.save(buf)
    before = Organization.objects.count()
    login(page, live_server, "root_admin")
    page.goto(f"{live_server.url}/import/")
    page.set_input_files("#workbook", files=[{"name": "bad.xlsx", "buffer": buf.getvalue(),
                                               "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    page.get_by_role("button", name="上传并试导入").click()
    expect(page.get_by_test_id("import-rejected")).to_be_visible()
    row = page.locator("#errors tbody tr").first
    expect(row).to_contain_text("人员")
    expect(row).to_contain_text("身份证号")
    expect(row.locator("td").nth(1)).to_have_text("2")
    shot(page, "import-rejected")
    assert Organization.objects.count() == before
    assert not Organization.objects.filter(code="NEW1").exists()


def test_the_dashboard_draws_its_charts_with_chinese_text(world, live_server, page, shot):
    login(page, live_server, "root_admin")
    page.goto(f"{live_server.url}/?org=A")
    for name in ("tiers", "visits", "problems"):
        chart = page.locator(f"[data-chart={name}]")
        expect(chart).to_have_attribute("data-rendered", "1")
        expect(chart.locator("canvas")).to_have_count(1)
    # The CJK font is installed and used: Chinese text is drawn with real glyphs, not boxes.
    assert page.evaluate("""() => document.fonts.check('14px "Noto Sans CJK SC"', '支部等次')""")
    widths = page.evaluate("""() => {
        const c = document.createElement('canvas').getContext('2d');
        c.font = '14px "Noto Sans CJK SC"'; const a = c.measureText('支部').width;
        c.font = '14px monospace'; const b = c.measureText('\\u{10FFFD}\\u{10FFFD}').width;
        return [a, b]; }""")
    assert widths[0] > 0
    expect(page.locator("[data-testid=card-4]")).to_contain_text("1 / 2")
    shot(page, "dashboard")
    # Every figure clicks through: the problems card opens the ledger behind it.
    page.click("[data-testid=card-4]")
    expect(page.get_by_test_id("problem-figures")).to_contain_text("共 2 个问题")


def test_the_language_switcher_turns_the_interface_english_and_back(world, live_server, page, shot):
    page.goto(f"{live_server.url}/login/")
    page.get_by_test_id("language-switch").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Username")).to_be_visible()
    login(page, live_server, "a_leader")
    nav = page.locator("header.navbar")
    expect(nav.get_by_role("link", name="Compliance check")).to_be_visible()
    page.goto(f"{live_server.url}/problems/")
    expect(page.get_by_test_id("problem-figures")).to_contain_text("2 issues in 2 categories, 1 completed")
    shot(page, "problems-english")
    nav.get_by_test_id("language-switch").get_by_role("button", name="简体中文").click()
    expect(page).to_have_url(re.compile(r"/problems/$"))
    expect(page.get_by_test_id("problem-figures")).to_contain_text("共 2 个问题")
    expect(nav.get_by_role("link", name="制度检查")).to_be_visible()


def test_the_tree_opens_and_closes_in_place_loading_children_once(world, live_server, page, shot):
    login(page, live_server, "a_leader")
    loads = []
    page.on("request", lambda r: loads.append(r.url) if "/children/" in r.url else None)
    page.goto(f"{live_server.url}/orgs/")
    root = page.get_by_role("link", name="杭锦旗委", exact=True).locator("xpath=..")  # its own <li>
    root_toggle = root.locator(":scope > .tree-toggle")
    town = page.get_by_role("link", name="锡尼镇党委", exact=True)
    # The root is shown open, its children under it.
    expect(root_toggle).to_have_text("▾")
    expect(town).to_have_count(1)
    expect(town).to_be_visible()
    root_toggle.click()  # closes: nothing loaded, nothing doubled
    expect(root_toggle).to_have_text("▸")
    expect(town).to_be_hidden()
    root_toggle.click()
    expect(root_toggle).to_have_text("▾")
    expect(town).to_be_visible()
    expect(town).to_have_count(1)
    assert loads == []
    # A closed node: ▸ loads its children once, ▾ closes it, ▸ opens it again without reloading.
    node = town.locator("xpath=..")
    toggle = node.locator(":scope > .tree-toggle")
    expect(toggle).to_have_text("▸")
    toggle.click()
    branch = page.get_by_role("link", name="阿斯楞图嘎查党支部", exact=True)
    expect(branch).to_be_visible()
    expect(toggle).to_have_text("▾")
    shot(page, "tree-open")
    toggle.click()
    expect(branch).to_be_hidden()
    expect(toggle).to_have_text("▸")
    toggle.click()
    expect(branch).to_be_visible()
    expect(branch).to_have_count(1)
    expect(page.get_by_role("link", name="阳光社区党支部", exact=True)).to_have_count(1)
    assert len(loads) == 1, loads


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 800)])
def test_the_dashboard_and_the_check_fit_a_phone_and_a_desktop(world, live_server, browser, shot, width, height):
    today = timezone.localdate()
    for i, category in enumerate(["环境卫生", "道路破损", "房屋漏雨", "墙皮脱落", "充电桩不足", "绿地太少", "路灯不亮",
                                  "下水道堵塞", "供暖不足", "饮水安全", "垃圾清运", "停车困难", "噪声扰民",
                                  "网络信号差", "养老服务不足"]):
        for n in range(15 - i):
            tree_problem(f"W{i}-{n}", category, "done" if n % 2 else "pending", today)
    context = browser.new_context(viewport={"width": width, "height": height},
                                  is_mobile=width < 600, has_touch=width < 600)
    page = context.new_page()
    login(page, live_server, "root_admin")
    page.goto(f"{live_server.url}/?org=A")
    for name in ("tiers", "visits", "problems"):
        expect(page.locator(f"[data-chart={name}]")).to_have_attribute("data-rendered", "1")
    layout = page.evaluate("""() => Object.fromEntries(['tiers', 'problems'].map(n => {
        const o = echarts.getInstanceByDom(document.querySelector(`[data-chart=${n}]`)).getOption();
        return [n, {legendTop: o.legend[0].top, legendLeft: o.legend[0].left, titleTop: o.title[0].top,
                    categoryAxis: o.yAxis[0].type === 'category' ? 'y' : 'x'}]; }))""")
    # The legend sits under the title (never beside it, where a long title ran into it).
    assert layout["tiers"]["legendTop"] > layout["tiers"]["titleTop"] == 0
    # On a phone 15 categories are horizontal bars, names on the left; on a desktop, columns.
    assert layout["problems"]["categoryAxis"] == ("y" if width < 600 else "x")
    box = page.locator("[data-chart=problems]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    page.wait_for_timeout(1500)  # the bars' grow-in animation, for the screenshot
    shot(page, f"dashboard-{width}")
    page.goto(f"{live_server.url}/check/?org=A")
    row = page.locator("#violations tbody tr").first
    expect(row).to_be_visible()
    # Names are read on one line, and the explanation is shown in full inside the screen.
    for cell in row.locator("td a").all():
        line = page.evaluate("(a) => parseFloat(getComputedStyle(a).lineHeight) || 24", cell.element_handle())
        assert cell.bounding_box()["height"] < 1.6 * line, cell.inner_text()
    message = row.locator("td").last.bounding_box()
    assert message["x"] >= 0 and message["x"] + message["width"] <= width + 1
    shot(page, f"check-{width}")
    context.close()


def tree_problem(code, category, status, today):
    from dangjian.orgs.models import Organization
    from dangjian.problems.models import Problem

    Problem.objects.create(code=code, organization=Organization.objects.get(code="A1S"), category=category,
                           description=category, found_on=today - timedelta(days=30), status=status,
                           completed_on=today if status == "done" else None)
