"""A browser import's transition table: checking → checked | rejected | failed; checked → importing
(confirmed by its uploader, once); importing → done | rejected | failed.

The worker's own steps run as the system (``user`` None) and are always allowed; what they
found (the report, the error count, a failure) is the step's data, saved with the state.
"""

from django.utils.translation import gettext_noop

from dangjian.accounts.scope import Scope
from dangjian.workflow import Transition, Workflow, always

from .models import ImportRun

S = ImportRun.State
FOUND = ("report", "error_count", "failure", "files_kept")

may_confirm = lambda user, run: user is not None and user.pk == run.uploaded_by_id  # noqa: E731


def snapshot(run):
    return {"file": run.file_name, "state": run.state, "errors": run.error_count}


def _store(run, data):
    for name in FOUND:
        if name in data:
            setattr(run, name, data[name])


IMPORT_RUNS = Workflow(ImportRun, "state", [
    Transition("checked", gettext_noop("试导入通过"), (S.CHECKING,), S.CHECKED, "import run checked", apply=_store),
    Transition("confirm", gettext_noop("确认导入"), (S.CHECKED,), S.IMPORTING, "import run confirmed",
               permission=may_confirm),
    Transition("done", gettext_noop("导入完成"), (S.IMPORTING,), S.DONE, "import run completed", apply=_store),
    Transition("reject", gettext_noop("有错误，未写入"), (S.CHECKING, S.IMPORTING), S.REJECTED, "import run rejected",
               permission=always, apply=_store),
    Transition("fail", gettext_noop("处理失败"), (S.CHECKING, S.IMPORTING), S.FAILED, "import run failed",
               apply=_store),
], snapshot=snapshot, related=("uploaded_by",),
    # Filed where the uploader's imports are filed, so their scope's audit page shows it.
    organization=lambda run: Scope.of(run.uploaded_by).import_root)
