"""The daily sweep as a background task: ``dangjian db_worker`` is the only scheduler a deployment needs.

``dangjian accountability schedule`` books the first run (01:00 tomorrow, the machine's
local time); each run sweeps its day and books the next, so exactly one run waits in the
queue. A deployment without the worker runs ``dangjian accountability sweep`` from cron or a
systemd timer instead (README). A run that finds a sweep already dated later (someone swept
ahead by hand) leaves the cases alone and still books the next day.
"""

import logging
from datetime import datetime, time, timedelta

from django.utils import timezone
from django_tasks import task

from dangjian.audit.context import log_context

from .ladder import SweepRejected, sweep

log = logging.getLogger(__name__)
DAILY_AT = time(1, 0)  # after midnight: the day's sweep sees yesterday's visits, entered late in the evening
TASK_PATH = "dangjian.accountability.tasks.daily_sweep"


def next_run(now=None):
    """The next 01:00 (local) after ``now``."""
    now = timezone.localtime(now)
    at = timezone.make_aware(datetime.combine(now.date(), DAILY_AT))
    return at if at > now else timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), DAILY_AT))


@task()
def daily_sweep():
    try:
        with log_context():
            sweep(on=timezone.localdate(), label="dangjian db_worker")
    except SweepRejected as refused:
        log.warning("daily sweep skipped: %s", refused)
    finally:
        schedule()


def schedule(now=None):
    """Book the next daily run unless one already waits; returns its time, or None where the backend
    runs jobs at once (tests, ``DANGJIAN_TASKS=immediate``: there is no queue to wait in)."""
    backend = daily_sweep.get_backend()
    if not backend.supports_defer:
        return None
    from django_tasks_db.models import DBTaskResult

    waiting = (DBTaskResult.objects.filter(task_path=TASK_PATH, status="READY").order_by("run_after")
               .values_list("run_after", flat=True).first())
    if waiting is not None:
        return waiting
    at = next_run(now)
    daily_sweep.using(run_after=at).enqueue()
    return at
