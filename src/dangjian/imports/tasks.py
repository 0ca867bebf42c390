"""The browser import's two steps as background tasks (django-tasks; the database backend in production).

Each task reads the run, runs the importer confined to the uploader's scope and stores
what it found on the run: the counts, the first errors for the page, and, for a rejected
file, the marked-up error workbook, built here and not in the request that downloads it
(a million-row file's took minutes).

The workbook is read only after it passed the hostile-file checks (``workbook.guard``: a
trial read in a child process whose memory and time are capped), so no file can kill the
worker. Should the worker die anyway (killed, the machine's memory exhausted), the run
notes which process took it (``worker``), and :func:`reap` marks it failed as soon as
someone looks at it, so it does not hang at 正在试导入 forever.

Rosters hold personal data: the staged upload is deleted as soon as its run ends (imported,
rejected, failed), and a dry run nobody confirms within a day is abandoned and its file
deleted (:func:`forget_old_uploads`); a rejected run's marked copy is kept a day for download.
"""

import json
import logging
import os
import shutil
import socket
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks import task

from dangjian.accounts.scope import Scope
from dangjian.workbook import WorkbookError

from .models import ImportRun
from .services import Importer, RowError
from .workflow import IMPORT_RUNS

log = logging.getLogger(__name__)
STAGED_HOURS = 24  # a dry run's upload waits this long for its confirmation; a marked copy for its download
STALE_HOURS = 6  # a pending run whose worker cannot be checked (another host) is given up after this


@task()
def check_upload(run_id):
    """The dry run: every error, or the counts of what would change."""
    _run(run_id, dry_run=True)


@task()
def import_upload(run_id):
    """The confirmed import, all or nothing; the database may have changed since the dry run."""
    _run(run_id, dry_run=False)


def _process():
    """This process, as a run records it: host, pid and the pid's start time (a pid is reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{_started(os.getpid())}"


def _started(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return ""


def _alive(worker):
    """Whether the process a run records is still running; None when it cannot be told (another host)."""
    host, _, rest = worker.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return not started or _started(int(pid)) in ("", started)


def _end_files(run, keep_errors=False):
    """A run has ended: its staged upload goes; a rejected run's marked copy stays a day, for its download."""
    if keep_errors and run.error_book.exists():
        for path in run.folder.iterdir():
            if path != run.error_book:
                path.unlink(missing_ok=True)
        return True
    shutil.rmtree(run.folder, ignore_errors=True)
    return False


def _run(run_id, dry_run):
    forget_old_uploads()
    run = ImportRun.objects.select_related("uploaded_by").get(pk=run_id)
    if not run.pending:  # a job delivered twice: the run has moved on already
        return
    run.worker, run.started_at = _process(), timezone.now()
    run.save(update_fields=["worker", "started_at"])
    scope = Scope.of(run.uploaded_by)
    if not run.workbook.exists():  # abandoned: an unconfirmed dry run's file goes after a day
        _end_files(run)
        IMPORT_RUNS.run(None, run, "reject", error_count=1, files_kept=False, report={
            "ok": False, "errors": [], "fatal": f"这次上传已过期（未确认的上传只保留 {STAGED_HOURS} 小时），请重新上传"})
        return
    try:
        importer = Importer(run.workbook, dry_run=dry_run, actor=run.uploaded_by, within=scope.import_within,
                            within_label=scope.import_label, display_name=run.file_name,
                            audit_org=scope.import_root, size_limit=True)
        report = importer.run()
    except WorkbookError as exc:  # refused before it was read (a hostile file), or the database busy too long
        _end_files(run)
        IMPORT_RUNS.run(None, run, "reject", report={"ok": False, "fatal": str(exc), "errors": []}, error_count=1,
                        files_kept=False)
        return
    except Exception as exc:  # a bug, not bad input: say so on the page and keep the trace in the log
        log.exception("import run %s failed", run.pk)
        _end_files(run)
        IMPORT_RUNS.run(None, run, "fail", files_kept=False,
                        failure=f"程序出错（{type(exc).__name__}），详情已记入服务器日志")
        return
    data = report.as_dict()
    error_count = len(data["errors"])
    data["errors"] = data["errors"][:ImportRun.SHOWN_ERRORS]
    if not report.ok:
        _write_error_book(run, importer, report.errors)
        kept = _end_files(run, keep_errors=True)
        IMPORT_RUNS.run(None, run, "reject", report=data, error_count=error_count, files_kept=kept)
    elif dry_run:
        IMPORT_RUNS.run(None, run, "checked", report=data, error_count=error_count)
    else:  # the roster is in the database now: its file goes
        _end_files(run)
        IMPORT_RUNS.run(None, run, "done", report=data, error_count=error_count, files_kept=False)


def _write_error_book(run, importer, errors):
    from .errorbook import write_error_workbook

    partial = run.error_book.with_suffix(".part")
    try:
        write_error_workbook(importer.source, errors, partial)
        partial.replace(run.error_book)
    except Exception:  # the page still lists the first errors
        log.exception("error workbook of import run %s", run.pk)
        partial.unlink(missing_ok=True)


def reap(runs):
    """Mark failed the pending runs whose worker died (or that were given up), so their pages stop waiting;
    returns the runs as they now stand."""
    now, out = timezone.now(), []
    for run in runs:
        alive = _alive(run.worker) if run.pending and run.worker else None
        given_up = run.pending and run.updated_at < now - timedelta(hours=STALE_HOURS)  # pending since
        if alive is False or given_up:
            _end_files(run)
            failure = ("后台处理进程意外退出（可能被系统终止），未写入任何数据；请重新上传" if alive is False
                       else f"处理超过 {STALE_HOURS} 小时仍未完成，已放弃，未写入任何数据；请重新上传")
            try:
                run = IMPORT_RUNS.run(None, run, "fail", failure=failure, files_kept=False)
            except ValidationError:  # it finished meanwhile
                run.refresh_from_db()
        out.append(run)
    return out


def forget_old_uploads(hours=STAGED_HOURS):
    """Rosters hold personal data: what is left of a run (an unconfirmed dry run's upload, a rejected run's
    marked copy) goes a day after upload; the run's record stays."""
    cutoff = timezone.now() - timedelta(hours=hours)
    old = ImportRun.objects.filter(created_at__lt=cutoff, files_kept=True).exclude(state__in=ImportRun.PENDING)
    for run in old.only("token"):
        shutil.rmtree(run.folder, ignore_errors=True)
    old.update(files_kept=False)
    reap(ImportRun.objects.filter(state__in=ImportRun.PENDING,
                                  updated_at__lt=timezone.now() - timedelta(hours=STALE_HOURS)))


__all__ = ["RowError", "check_upload", "forget_old_uploads", "import_upload", "reap"]
