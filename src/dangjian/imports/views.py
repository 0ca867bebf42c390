"""Import from the browser: upload, follow the dry run, confirm, follow the import.

Both the dry run and the import are background tasks (imports/tasks.py); the review
page polls with htmx until its run is finished. A run belongs to its uploader: anyone
else gets a 404, as for any record outside their scope.
"""

import json
import shutil
from datetime import timedelta
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from dangjian.accounts.policy import may
from dangjian.accounts.scope import Scope

from . import tasks
from .models import ImportRun
from .services import RowError
from .workflow import IMPORT_RUNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_import(request):
    if not may(request.user, "add", ImportRun):
        raise Http404


def _own_run(request, token):
    _require_import(request)
    return get_object_or_404(ImportRun.objects.visible_to(request.user), token=token)


def import_upload(request):
    _require_import(request)
    if request.method == "POST" and request.FILES.get("workbook"):
        upload = request.FILES["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            messages.error(request, gettext("请上传 .xlsx 工作簿（可先下载模板）"))
            return redirect("imports:run_add")
        _forget_old_uploads()
        run = ImportRun.objects.create(uploaded_by=request.user, file_name=upload.name[:255])
        run.folder.mkdir(parents=True)
        with open(run.workbook, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        tasks.check_upload.enqueue(run.pk)
        return redirect("imports:run_detail", run.token)
    if request.method == "POST":
        messages.error(request, gettext("请先选择要上传的 .xlsx 工作簿"))
        return redirect("imports:run_add")
    _forget_old_uploads()  # on every visit too, not only when someone uploads
    scope = Scope.of(request.user)
    return render(request, "imports/upload.html", {
        "within_label": scope.import_label,
        "runs": ImportRun.objects.filter(uploaded_by=request.user)[:10],
    })


def _forget_old_uploads(days=tasks.STAGED_DAYS):
    """Rosters hold personal data: a week after upload the staged files go (the run's record stays)."""
    cutoff = timezone.now() - timedelta(days=days)
    old = ImportRun.objects.filter(created_at__lt=cutoff, files_kept=True).exclude(state__in=ImportRun.PENDING)
    for run in old.only("token"):
        shutil.rmtree(run.folder, ignore_errors=True)
    old.update(files_kept=False)


def import_review(request, token):
    """The run as it stands: in progress (polled), its errors by sheet, row and cell, or its counts."""
    run = _own_run(request, token)
    return render(request, "imports/review.html", {"run": run, "report": run.report or {}})


@require_POST
def import_confirm(request, token):
    """Only a clean dry run can be confirmed, by its uploader, once: a double click enqueues one import."""
    run = _own_run(request, token)
    try:
        IMPORT_RUNS.run(request.user, run, "confirm")
    except (ValidationError, PermissionDenied):
        pass  # not (or no longer) 待确认: the review page says where the run stands
    else:
        tasks.import_upload.enqueue(run.pk)
    return redirect("imports:run_detail", run.token)


def import_errors(request, token):
    """The submitted workbook with every bad cell marked, to fix and upload again."""
    from .errorbook import error_workbook_bytes
    from dangjian.workbook import Source

    run = _own_run(request, token)
    if not run.errors_file.exists() or not run.workbook.exists():
        raise Http404
    errors = [RowError(**e) for e in json.loads(run.errors_file.read_text(encoding="utf-8"))]
    data = error_workbook_bytes(Source(run.workbook), errors)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('导入错误标注.xlsx')}"
    return response


def import_template(request):
    from .template import build_template

    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('党建工作联系点导入模板.xlsx')}"
    return response
