"""The daily sweep booked in the job queue: ``dangjian db_worker`` runs it every day without cron."""

from datetime import date, datetime, timedelta, timezone as tz

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.accountability.models import Sweep
from dangjian.accountability.tasks import TASK_PATH, daily_sweep, next_run, schedule

BEIJING = tz(timedelta(hours=8))


@pytest.fixture
def queue(settings, db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=TASK_PATH)


def test_the_next_run_is_the_next_one_oclock(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    assert next_run(datetime(2026, 11, 26, 0, 30, tzinfo=BEIJING)) == datetime(2026, 11, 26, 1, 0, tzinfo=BEIJING)
    assert next_run(datetime(2026, 11, 26, 1, 0, tzinfo=BEIJING)) == datetime(2026, 11, 27, 1, 0, tzinfo=BEIJING)


def test_scheduling_twice_books_one_run(queue, capsys):
    call_command("accountability", "schedule")
    call_command("accountability", "schedule")
    assert queue.filter(status="READY").count() == 1
    assert "已安排每日问责巡检" in capsys.readouterr().out


def test_a_run_sweeps_its_day_and_books_the_next(queue, frozen_today):
    schedule()
    booked = queue.get(status="READY")
    queue.filter(pk=booked.pk).update(status="RUNNING")  # the worker takes it when it is due …
    frozen_today.move_to(booked.run_after + timedelta(minutes=1))
    daily_sweep.call()  # … and runs it
    assert list(Sweep.objects.values_list("on", flat=True)) == [date(2026, 11, 27)]
    following = queue.get(status="READY")
    assert following.pk != booked.pk and following.run_after > booked.run_after


def test_a_run_after_a_later_sweep_changes_nothing_and_still_books(queue, frozen_today):
    from dangjian.accountability.ladder import sweep

    sweep(on=date(2026, 12, 1))
    daily_sweep.call()
    assert Sweep.objects.count() == 1
    assert queue.filter(status="READY").count() == 1


def test_without_a_queue_the_command_says_to_use_cron(db):
    with pytest.raises(CommandError) as err:
        call_command("accountability", "schedule")
    assert err.value.returncode == 1 and "cron" in str(err.value)
