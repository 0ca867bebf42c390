"""A committee's page answers for its subtree; a branch secretary's home page is about their branch; links show when the next visit is due."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangjian.contacts.queries import visit_due


def test_a_committee_page_lists_its_grandchild_branchs_activity_and_problem(world, as_user):
    page = as_user("a_leader").get("/orgs/A/").content.decode()
    activities = page[page.index('id="activities"'):page.index('id="problems"')]
    assert "甲嘎查的调研" in activities and "甲嘎查党支部" in activities
    assert "/activities/?org=A" in activities and "含下级共 1 次" in activities
    problems = page[page.index('id="problems"'):page.index('id="findings"')]
    assert "QA" in problems and "甲嘎查党支部" in problems and "/problems/?org=A" in problems
    assert "含下级 2 个" in problems
    assert "乙的问题" not in page


def test_a_committee_page_costs_the_same_queries_with_more_children(world, as_user):
    c = as_user("a_admin")
    c.get("/orgs/A/")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/orgs/A/").status_code == 200
        return len(ctx)

    few = queries()
    for i in range(10):
        world.org(f"X{i}", "A1", name=f"新支部{i}")
        world.problem(f"QX{i}", f"X{i}", "环境卫生")
        world.visit("PA", f"X{i}", date(2026, 10, 1))
    assert queries() == few


def test_a_branch_secretarys_home_page_is_their_branch(world, as_user):
    c = as_user("a_inspector")
    c.post("/orgs/A1S/findings/", {"text": "请补齐三会一课记录"})
    page = as_user("a_branch").get("/").content.decode()
    assert "甲嘎查党支部" in page
    assert "责任主体达标" not in page  # not a leader's compliance figures
    team = page[page.index('id="team"'):page.index('id="tiers"')]
    assert team.index("人员PAS<") < team.index("人员PASM<")  # 书记 first
    tiers = page[page.index('id="tiers"'):]
    assert "2025年1月1日" in tiers and "2026年1月1日" in tiers
    leaders = page[page.index('id="leaders"'):page.index('id="team"')]
    assert "人员PA2" in leaders and "2026年10月1日" in leaders and "2026年12月30日" in leaders
    problems = page[page.index('id="problems"'):page.index('id="leaders"')]
    assert "QA" in problems and "QA2" not in problems and "/problems/new/?org=A1S" in problems
    findings = page[page.index('id="findings"'):page.index('id="problems"')]
    assert "请补齐三会一课记录" in findings
    todo = page[page.index('id="todo"'):page.index('id="findings"')]
    assert "回复督查意见 1 条" in todo and "开始办理民生问题 1 个" in todo


def test_other_roles_keep_the_dashboard(world, as_user):
    for role in ["a_admin", "a_leader", "a_inspector"]:
        assert "责任主体达标" in as_user(role).get("/").content.decode(), role


def test_visit_due_follows_the_contract_window():
    class L:
        def __init__(self, last_visit, start_date):
            self.last_visit, self.start_date = last_visit, start_date

    today = date(2026, 12, 1)
    assert visit_due(L(date(2026, 10, 1), date(2026, 1, 1)), today) == (date(2026, 12, 30), False)
    assert visit_due(L(None, date(2026, 11, 1)), today) == (date(2027, 1, 30), False)
    assert visit_due(L(date(2026, 8, 1), None), today) == (date(2026, 10, 30), True)
    assert visit_due(L(None, None), today) == (today, True)
    # Due on day 90 means overdue on day 91, as the rule says.
    last = today - timedelta(days=90)
    assert visit_due(L(last, None), today) == (today, False)
    assert visit_due(L(last - timedelta(days=1), None), today)[1] is True


def test_the_person_page_shows_each_links_last_visit_and_next_due(world, as_user):
    world.link("PA2", "A1", "联系支部", start="2020-01-01")
    page = as_user("a_member").get("/people/PA2/").content.decode()
    links = page[page.index('id="links"'):page.index('id="visits"')]
    assert "2026年10月1日" in links and "2026年12月30日" in links
    assert "已逾期" in links  # A1 was never visited
    c = as_user("a_admin")
    c.get("/people/PA2/")
    with CaptureQueriesContext(connection) as ctx:
        c.get("/people/PA2/")
    few = len(ctx)
    for i in range(5):
        world.org(f"X{i}", "A1", name=f"新支部{i}")
        world.link("PA2", f"X{i}", "联系支部")
        world.visit("PA2", f"X{i}", timezone.localdate())
    with CaptureQueriesContext(connection) as ctx:
        c.get("/people/PA2/")
    assert len(ctx) == few


def test_the_branch_home_page_costs_the_same_queries_with_more_rows(world, as_user):
    c = as_user("a_branch")
    c.get("/")

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/").status_code == 200
        return len(ctx)

    few = queries()
    for i in range(6):
        world.person(f"PL{i}")
        world.link(f"PL{i}", "A1S", "联系支部", start="2026-01-01")
        world.visit(f"PL{i}", "A1S", date(2026, 9, 1))
        world.problem(f"QN{i}", "A1S", "环境卫生")
        world.post(f"PM{i}", "A1S", "委员")
    assert queries() == few
