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
    scope = Scope.of(run.uploaded_by)
    State = ImportRun.State
    if not run.workbook.exists():  # staged files go a week after upload
        run.state, run.error_count = State.REJECTED, 1
        run.report = {"ok": False, "errors": [], "fatal": f"这次上传已过期（上传的文件只保留 {STAGED_DAYS} 天），请重新上传"}
        run.save(update_fields=["state", "report", "error_count", "updated_at"])
        return
    try:
        report = Importer(run.workbook, dry_run=dry_run, actor=run.uploaded_by, within=scope.import_within,
                          within_label=scope.import_label, display_name=run.file_name,
                          audit_org=scope.import_root).run()
    except WorkbookError as exc:
        run.state, run.report, run.error_count = State.REJECTED, {"ok": False, "fatal": str(exc), "errors": []}, 1
    except Exception as exc:  # a bug, not bad input: say so on the page and keep the trace in the log
        log.exception("import run %s failed", run.pk)
        run.state, run.failure = State.FAILED, f"{type(exc).__name__}: {exc}"
    else:
        data = report.as_dict()
        run.error_count = len(data["errors"])
        if data["errors"]:
            run.errors_file.write_text(json.dumps(data["errors"], ensure_ascii=False), encoding="utf-8")
            data["errors"] = data["errors"][:ImportRun.SHOWN_ERRORS]
        run.report = data
        if not report.ok:
            run.state = State.REJECTED
        else:
            run.state = State.CHECKED if dry_run else State.DONE
    if run.state == State.DONE:  # the roster is in the database now: its file goes
        shutil.rmtree(run.folder, ignore_errors=True)
        run.files_kept = False
    run.save(update_fields=["state", "report", "error_count", "failure", "files_kept", "updated_at"])
