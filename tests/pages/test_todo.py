"""我的待办: each user's own to-dos, read off the records, with their count in the navigation."""

import re

import pytest
from django.urls import reverse

from dangjian.compliance.models import Finding
from dangjian.compliance.services import reply_to_finding

pytestmark = pytest.mark.usefixtures("frozen_today")  # today is 2026-11-26; visits are due 90 days after


def page(client):
    response = client.get(reverse("web:todo"))
    assert response.status_code == 200
    return response.content.decode()


def nav_count(html):
    found = re.search(r'data-testid="todo-count">(\d+)<', html)
    return int(found.group(1)) if found else 0


def section_count(html, name):
    found = re.search(rf'id="todo-{name}">.*?badge[^>]*>(\d+)<', html, re.S)
    return int(found.group(1)) if found else 0


def test_a_visit_falling_due_within_14_days_is_listed_with_its_days_left(world, as_user):
    world.link("PA", "A1", "联系点", start="2025-01-01")
    world.visit("PA", "A1", "2026-09-07")  # due 2026-12-06: in 10 days
    world.link("PA", "B1S", "联系支部", start="2025-01-01")
    world.visit("PA", "B1S", "2026-11-01")  # due 2027-01-30: not yet
    html = page(as_user("a_leader"))
    assert "走访甲镇党委" in html and "2026-12-06" in html and "还有 10 天" in html
    assert "乙嘎查党支部" not in html
    assert section_count(html, "visits-due") == 1


def test_the_due_day_itself_and_an_overdue_link(world, as_user):
    world.link("PA", "A1", "联系点", start="2025-01-01")
    world.visit("PA", "A1", "2026-08-28")  # due 2026-11-26: today
    world.link("PA", "B1S", "联系支部", start="2025-01-01")
    world.visit("PA", "B1S", "2026-08-01")  # overdue: a violation of the check, not a coming visit
    html = page(as_user("a_leader"))
    assert "今天到期" in html and "走访甲镇党委" in html
    assert "走访乙嘎查党支部" not in html


def test_nothing_to_do_says_so_and_shows_no_count(world, as_user):
    html = page(as_user("a_inspector"))
    assert "暂无待办事项" in html and nav_count(html) == 0


def test_a_branch_secretary_sees_findings_to_reply_and_the_problems_waiting(world, as_user):
    Finding.objects.create(organization=world.orgs["A1S"], author=world.users["a_inspector"], text="台账不全，请补齐")
    Finding.objects.create(organization=world.orgs["B1S"], author=world.users["b_inspector"], text="乙的意见")
    world.problem("QA3", "A1S", "饮水", status="in_progress")
    html = page(as_user("a_branch"))
    assert "回复督查意见：甲嘎查党支部" in html and "台账不全，请补齐" in html
    assert "乙的意见" not in html
    assert "甲嘎查党支部：1 个民生问题待办理" in html and "甲嘎查党支部：1 个民生问题办理中" in html
    assert nav_count(html) == 3
    # The department could reply to the finding too, but it is not the department's own to-do.
    assert "台账不全" not in page(as_user("a_admin"))


def test_the_count_follows_the_records(world, as_user):
    client = as_user("a_branch")
    before = nav_count(page(client))
    finding = Finding.objects.create(organization=world.orgs["A1S"], author=world.users["a_inspector"], text="新意见")
    assert nav_count(page(client)) == before + 1
    reply_to_finding(world.users["a_branch"], finding, "已补齐台账")
    assert nav_count(page(client)) == before


def test_a_finding_naming_a_person_is_said_to_them_and_to_nobody_else(world, as_user):
    from dangjian.compliance.services import record_finding

    record_finding(world.users["a_inspector"], world.orgs["A1S"], "联系点走访记录过简", person=world.people["PA2"])
    member = as_user("a_member")
    html = page(member)
    assert "新通知" in html and "甲嘎查党支部 有一条涉及您的督查意见" in html
    assert "新通知" not in page(as_user("a_leader"))
    assert "新通知" not in page(as_user("a_admin"))  # not the department's, though it may read the finding
    # 全部标为已读: the list and the count drop it.
    before = nav_count(html)
    response = member.post(reverse("notices:read_all"), follow=True)
    assert "已将 1 条通知标为已读" in response.content.decode()
    html = page(member)
    assert "新通知" not in html and nav_count(html) == before - 1


def test_marking_read_touches_only_ones_own_notices(world, as_user):
    from dangjian.compliance.services import record_finding
    from dangjian.notices.models import Notice

    record_finding(world.users["a_inspector"], world.orgs["A1S"], "意见一", person=world.people["PA2"])
    record_finding(world.users["a_inspector"], world.orgs["A1S"], "意见二", person=world.people["PA"])
    as_user("a_member").post(reverse("notices:read_all"))
    assert Notice.objects.get(person__code="PA").read_at is None
    assert Notice.objects.get(person__code="PA2").read_at is not None


# ----- 失责必问 --------------------------------------------------------------------------


def test_violations_then_cases_then_the_handlers_list(world, as_user):
    from datetime import date

    from dangjian.accountability.ladder import sweep
    from dangjian.contacts.models import ContactLink

    ContactLink.objects.filter(person__code="PA2").delete()  # the team member of A1 now links nothing
    leader, member = as_user("a_leader"), as_user("a_member")
    html = page(member)
    assert "尚未立项的问题" in html and "未建立党建工作联系点：建立一个党建工作联系点" in html
    assert "我的问责事项" not in html

    sweep(on=date(2026, 11, 26))
    html = page(member)
    assert "尚未立项的问题" not in html  # each violation is a case now
    assert "我的问责事项" in html and "2026-12-26" in html and "还有 30 天" in html  # R = 30 days
    assert "新的问责事项：未建立党建工作联系点，请在 2026-12-26 前整改" in html  # the sweep's notice
    # 书记抓书记: A1 has no secretary, so A's secretary (the leader) holds the talks.
    html = page(leader)
    assert "需要我处理的问责事项" in html and "人员PA2：未建立党建工作联系点" in html
    assert "进行提醒谈话，督促限期整改" in html
    assert "个问责事项需要您谈话或督促整改" in html
    # Nobody else's: the branch secretary has neither the cases nor the notices.
    assert "问责事项" not in page(as_user("a_branch"))


def test_a_rectified_case_leaves_the_list_and_says_so(world, as_user):
    from datetime import date

    from dangjian.accountability.ladder import sweep
    from dangjian.contacts.models import ContactLink

    link = ContactLink.objects.get(person__code="PA2")
    link.delete()
    sweep(on=date(2026, 11, 26))
    world.link("PA2", "A1S", "联系点", start="2026-11-26")
    world.visit("PA2", "A1S", "2026-11-26")
    sweep(on=date(2026, 11, 26))
    html = page(as_user("a_member"))
    assert "我的问责事项" not in html
    assert "问责事项已整改销号：未建立党建工作联系点" in html
