"""Import from the browser: upload, follow the dry run, confirm, follow the import.

Both the dry run and the import are background tasks (imports/tasks.py); the review
page polls with htmx until its run is finished. A run belongs to its uploader: anyone
else gets a 404, as for any record outside their scope.
"""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from dangjian.accounts.policy import may
from dangjian.accounts.scope import Scope

from . import tasks
from .models import ImportRun
from dangjian.workbook.guard import Limits
from .workflow import IMPORT_RUNS

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_import(request):
    if not may(request.user, "add", ImportRun):
        raise Http404


def _own_run(request, token):
    _require_import(request)
    return get_object_or_404(ImportRun.objects.visible_to(request.user), token=token)


class _LimitedUpload(FileUploadHandler):
    """Stops reading an upload at the size limit, so that an oversized file is never written to disk."""

    def __init__(self, request, limit):
        super().__init__(request)
        self.limit, self.received = limit, 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_refused = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def _upload_limit():
    return Limits.from_settings().upload_bytes


@csrf_exempt  # the upload handlers must be set before the CSRF check reads the body: checked below
def import_upload(request):
    _require_import(request)
    if request.method == "POST":
        limit = _upload_limit()
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 64 * 1024:  # refused unread
            messages.error(request, gettext("文件超过上传上限 %(limit)s MB，未上传；请拆分后分别导入")
                           % {"limit": limit // (1024 * 1024)})
            return redirect("imports:run_add")
        request.upload_handlers.insert(0, _LimitedUpload(request, limit))
    return _upload(request)


@csrf_protect
def _upload(request):
    files = request.FILES  # parsed here (the handler above may stop it) unless the CSRF check did already
    if request.method == "POST" and getattr(request, "upload_refused", False):
        messages.error(request, gettext("文件超过上传上限 %(limit)s MB，未上传；请拆分后分别导入")
                       % {"limit": _upload_limit() // (1024 * 1024)})
        return redirect("imports:run_add")
    if request.method == "POST" and files.get("workbook"):
        upload = files["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            messages.error(request, gettext("请上传 .xlsx 工作簿（可先下载模板）"))
            return redirect("imports:run_add")
        tasks.forget_old_uploads()
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
    tasks.forget_old_uploads()  # on every visit too, not only when someone uploads
    scope = Scope.of(request.user)
    runs = tasks.reap(ImportRun.objects.filter(uploaded_by=request.user)[:10])
    return render(request, "imports/upload.html", {"within_label": scope.import_label, "runs": runs})


def import_review(request, token):
    """The run as it stands: in progress (polled), its errors by sheet, row and cell, or its counts."""
    run = _own_run(request, token)
    run, = tasks.reap([run])  # a run whose worker died is failed, not followed forever
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
    """The submitted workbook with every bad cell marked (built by the job), to fix and upload again."""
    run = _own_run(request, token)
    if not run.error_book.exists():
        if run.state == ImportRun.State.REJECTED:
            messages.error(request, gettext("标出错误的工作簿只保留 %(hours)s 小时，已删除；请重新上传以再次检查")
                           % {"hours": tasks.STAGED_HOURS})
            return redirect("imports:run_detail", run.token)
        raise Http404
    response = HttpResponse(run.error_book.read_bytes(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('导入错误标注.xlsx')}"
    return response


def import_template(request):
    from .template import build_template

    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('党建工作联系点导入模板.xlsx')}"
    return response
