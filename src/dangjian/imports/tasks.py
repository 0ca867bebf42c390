"""The browser import's two steps as background tasks (django-tasks; the database backend in production).

Each task reads the run, runs the importer confined to the uploader's scope and stores
what it found on the run: the counts, the first errors for the page, and every error in
a file beside the workbook for the marked-up error workbook.
"""

import json
import logging
import shutil

from django_tasks import task

from dangjian.accounts.scope import Scope

from .models import ImportRun
from dangjian.workbook import WorkbookError
from .services import Importer
from .workflow import IMPORT_RUNS

log = logging.getLogger(__name__)
STAGED_DAYS = 7


@task()
def check_upload(run_id):
    """The dry run: every error, or the counts of what would change."""
    _run(run_id, dry_run=True)


@task()
def import_upload(run_id):
    """The confirmed import, all or nothing; the database may have changed since the dry run."""
    _run(run_id, dry_run=False)


def _run(run_id, dry_run):
    run = ImportRun.objects.select_related("uploaded_by").get(pk=run_id)
    if not run.pending:  # a job delivered twice: the run has moved on already
        return
    scope = Scope.of(run.uploaded_by)
    if not run.workbook.exists():  # staged files go a week after upload
        IMPORT_RUNS.run(None, run, "reject", error_count=1, report={
            "ok": False, "errors": [], "fatal": f"这次上传已过期（上传的文件只保留 {STAGED_DAYS} 天），请重新上传"})
        return
    try:
        report = Importer(run.workbook, dry_run=dry_run, actor=run.uploaded_by, within=scope.import_within,
                          within_label=scope.import_label, display_name=run.file_name,
                          audit_org=scope.import_root).run()
    except WorkbookError as exc:
        IMPORT_RUNS.run(None, run, "reject", report={"ok": False, "fatal": str(exc), "errors": []}, error_count=1)
        return
    except Exception as exc:  # a bug, not bad input: say so on the page and keep the trace in the log
        log.exception("import run %s failed", run.pk)
        IMPORT_RUNS.run(None, run, "fail", failure=f"{type(exc).__name__}: {exc}")
        return
    data = report.as_dict()
    error_count = len(data["errors"])
    if data["errors"]:
        run.errors_file.write_text(json.dumps(data["errors"], ensure_ascii=False), encoding="utf-8")
        data["errors"] = data["errors"][:ImportRun.SHOWN_ERRORS]
    if not report.ok:
        IMPORT_RUNS.run(None, run, "reject", report=data, error_count=error_count)
    elif dry_run:
        IMPORT_RUNS.run(None, run, "checked", report=data, error_count=error_count)
    else:  # the roster is in the database now: its file goes
        shutil.rmtree(run.folder, ignore_errors=True)
        IMPORT_RUNS.run(None, run, "done", report=data, error_count=error_count, files_kept=False)
