"""A handler's sweep notice (「有 n 个问责事项需要您谈话或督促整改」): one unread at a time, saying what waits now.

Daily sweeps used to leave one per sweep (the demo showed seven at once), each with that sweep's new
cases only. The world is tests/accountability/test_steps.py's: PA (``a_leader``, 书记 of 甲旗委) handles
PA1's cases; 委员 of 甲旗委 added here are PA's too.
"""

import re
from datetime import date

from django.urls import reverse

from dangjian.accountability.ladder import sweep
from dangjian.accountability.models import Case, CaseStatus
from dangjian.notices.models import Notice
from dangjian.notices.services import mark_read
from dangjian.people.models import Post
from tests.accountability.test_steps import MANY, as_, steps  # noqa: F401
from tests.test_web_scope import world  # noqa: F401

KIND = "cases to handle"


def waiting(world, code="PA"):  # noqa: F811
    return Case.objects.filter(handler=world.people[code], status=CaseStatus.OPEN).count()


def unread(world, code="PA"):  # noqa: F811
    return list(Notice.objects.filter(person=world.people[code], kind=KIND, read_at__isnull=True))


def on_the_todo_page(world):  # noqa: F811
    """The handler's notices as 我的待办 shows them, and the count of 需要我处理的问责事项."""
    html = as_(world, "a_leader").get(reverse("web:todo")).content.decode()
    said = [int(n) for n in re.findall(r"有 (\d+) 个问责事项需要您谈话或督促整改", html)]
    listed = re.search(r'id="todo-cases-to-handle">.*?badge[^>]*>(\d+)<', html, re.S)
    return said, int(listed.group(1)) if listed else 0


def next_day(world, day, **posts):  # noqa: F811
    for code in posts:
        world.post(code, "A", "委员", start="2020-01-01")  # no contact point, no branch: new cases for PA
    world.clock.move_to(f"{day.isoformat()} 10:00:00+08:00")
    return sweep(on=day, many=MANY)


def test_two_sweeps_with_new_cases_leave_one_unread_notice_with_the_number_waiting(steps):  # noqa: F811
    first = unread(steps)
    assert len(first) == 1 and first[0].params == {"n": waiting(steps)}
    mark_read(steps.users["a_leader"], [first[0].pk])  # read: it stays as it was
    before = waiting(steps)

    next_day(steps, date(2026, 11, 27), PA4=True)
    second = unread(steps)
    assert len(second) == 1 and second[0].params["n"] == waiting(steps) > before

    outcome = next_day(steps, date(2026, 11, 28), PA5=True)
    third = unread(steps)
    new_for_pa = Case.objects.filter(handler=steps.people["PA"], opened_on=date(2026, 11, 28)).count()
    assert 0 < new_for_pa < waiting(steps) and outcome.counts["opened"] >= new_for_pa
    # One unread, the newest, saying every case waiting (not this sweep's new ones), as the 待办 lists them.
    assert len(third) == 1 and third[0].pk != second[0].pk and third[0].params == {"n": waiting(steps)}
    assert on_the_todo_page(steps) == ([waiting(steps)], waiting(steps))
    assert not Notice.objects.filter(pk=second[0].pk).exists()
    kept = Notice.objects.get(pk=first[0].pk)
    assert kept.read_at is not None and kept.params == {"n": before}
    assert Notice.objects.filter(person=steps.people["PA"], kind=KIND).count() == 2  # the read one and the new one


def test_the_unread_notice_follows_cases_closing_and_goes_when_none_waits(steps):  # noqa: F811
    next_day(steps, date(2026, 11, 27), PA4=True)
    notice = unread(steps)[0]
    # PA4 puts theirs right: a sweep with nothing new for PA keeps the unread notice, with the smaller number.
    steps.link("PA4", "A1S", "联系点", start="2026-11-01")
    steps.link("PA4", "A1T", "联系支部", start="2026-11-01")
    steps.visit("PA4", "A1S", "2026-11-20")
    before = waiting(steps)
    next_day(steps, date(2026, 11, 28))
    assert waiting(steps) < before
    assert [(n.pk, n.params) for n in unread(steps)] == [(notice.pk, {"n": waiting(steps)})]
    assert on_the_todo_page(steps) == ([waiting(steps)], waiting(steps))
    # PA leaves the post: nobody's cases wait for them now, and the next sweep withdraws the notice.
    Post.objects.filter(person=steps.people["PA"]).update(end_date=date(2026, 11, 28))
    next_day(steps, date(2026, 11, 29))
    assert waiting(steps) == 0
    assert unread(steps) == [] and on_the_todo_page(steps) == ([], 0)
