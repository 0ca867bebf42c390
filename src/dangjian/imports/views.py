"""Import from the browser: upload, see the dry run, confirm."""

import shutil
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from dangjian.accounts.scope import Scope

from .reader import WorkbookError
from .services import Importer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_dir():
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _staged(request, token):
    """The workbook staged under ``token``, to the user who uploaded it only."""
    try:
        uuid.UUID(token)
    except (ValueError, TypeError):
        raise Http404
    folder = _upload_dir() / token
    files = list(folder.glob("*.xlsx")) if folder.exists() else []
    owner = folder / "owner.txt"
    if not files or not owner.exists() or owner.read_text() != str(request.user.pk):
        raise Http404
    return files[0]


def _require_import(request):
    if not Scope.of(request.user).can_import:
        raise Http404


def _importer(request, path, dry_run):
    """An importer confined to the subtrees the user administers."""
    scope = Scope.of(request.user)
    return Importer(path, dry_run=dry_run, actor=request.user, within=scope.import_within,
                    within_label=scope.import_label)


def import_upload(request):
    _require_import(request)
    if request.method == "POST" and request.FILES.get("workbook"):
        upload = request.FILES["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            messages.error(request, "请上传 .xlsx 工作簿（可先下载模板）")
            return redirect("import")
        token = str(uuid.uuid4())
        folder = _upload_dir() / token
        folder.mkdir()
        with open(folder / "workbook.xlsx", "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        (folder / "name.txt").write_text(upload.name, encoding="utf-8")
        (folder / "owner.txt").write_text(str(request.user.pk))
        return redirect("import-review", token)
    return render(request, "imports/upload.html", {"within_label": Scope.of(request.user).import_label})


def import_review(request, token):
    """The dry run: every error by sheet, row and cell, or the counts of what would change."""
    _require_import(request)
    path = _staged(request, token)
    name = (path.parent / "name.txt").read_text(encoding="utf-8")
    try:
        importer = _importer(request, path, dry_run=True)
        report = importer.run()
    except WorkbookError as exc:
        messages.error(request, str(exc))
        shutil.rmtree(path.parent, ignore_errors=True)
        return redirect("import")
    return render(request, "imports/review.html", {"report": report, "token": token, "name": name})


def import_confirm(request, token):
    _require_import(request)
    if request.method != "POST":
        return redirect("import-review", token)
    path = _staged(request, token)
    report = _importer(request, path, dry_run=False).run()
    if not report.ok:  # the database changed since the dry run
        return render(request, "imports/review.html", {"report": report, "token": token, "name": path.name})
    shutil.rmtree(path.parent, ignore_errors=True)
    total = sum(c["new"] + c["updated"] for c in report.counts.values())
    messages.success(request, f"导入完成：新增或更新 {total} 条记录")
    return redirect("dashboard")


def import_errors(request, token):
    """The submitted workbook with every bad cell marked, to fix and upload again."""
    _require_import(request)
    from .errorbook import error_workbook_bytes

    path = _staged(request, token)
    importer = _importer(request, path, dry_run=True)
    report = importer.run()
    data = error_workbook_bytes(importer.source, report.errors)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('导入错误标注.xlsx')}"
    return response


def import_template(request):
    from .template import build_template

    response = HttpResponse(build_template(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('党建工作联系点导入模板.xlsx')}"
    return response
