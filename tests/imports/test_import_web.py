"""Importing in the browser: upload, the dry run, confirm, the import; both steps are background tasks."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from dangjian.audit.models import AuditEvent
from dangjian.imports.models import ImportRun
from dangjian.orgs.models import Organization
from dangjian.problems.models import Problem
from tests.workbooks import base, set_cell, write_xlsx


@pytest.fixture
def admin(db):
    user = get_user_model().objects.create_superuser("root", password="pw-for-tests-1")
    c = Client()
    c.force_login(user)
    return c


def upload(client, path, name="名册.xlsx"):
    r = client.post("/import/", {"workbook": SimpleUploadedFile(name, path.read_bytes())})
    assert r.status_code == 302, r.content.decode()[:500]
    return r["Location"]


def test_upload_review_confirm_writes_the_workbook(admin, tmp_path):
    review = upload(admin, write_xlsx(tmp_path / "book.xlsx", base(), typed=True))
    page = admin.get(review).content.decode()
    assert "将要写入的变化" in page and "确认导入" in page
    assert not Organization.objects.exists()  # the dry run wrote nothing
    r = admin.post(review + "confirm/")
    assert r["Location"] == review
    page = admin.get(review).content.decode()
    assert 'data-testid="import-done"' in page
    assert Organization.objects.count() == 7 and Problem.objects.count() == 3
    run = ImportRun.objects.get()
    assert run.state == "done" and run.changed == sum(c["new"] for c in run.report["counts"].values())
    assert f"导入完成：新增或更新 {run.changed} 条记录" in page
    assert AuditEvent.objects.filter(action="workbook imported").count() == 1
    assert not run.folder.exists()  # the uploaded roster is not kept once imported
    # A second confirmation (a double click, a reload) imports nothing again.
    admin.post(review + "confirm/")
    assert AuditEvent.objects.filter(action="workbook imported").count() == 1
    # The upload page lists the run.
    assert "名册.xlsx" in admin.get("/import/").content.decode()


def test_a_bad_workbook_lists_its_errors_and_the_marked_workbook(admin, tmp_path):
    book = set_cell(base(), "组织", 3, "组织类型", "党小组")
    review = upload(admin, write_xlsx(tmp_path / "bad.xlsx", book))
    page = admin.get(review).content.decode()
    assert "发现 1 处错误，未写入任何数据" in page and "组织类型" in page
    assert "确认导入" not in page
    admin.post(review + "confirm/")
    assert not Organization.objects.exists()
    marked = admin.get(review + "errors.xlsx")
    assert marked.status_code == 200 and marked.content[:2] == b"PK"


def test_a_file_that_is_no_workbook_is_refused_in_chinese(admin, tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"this is not a zip file")
    page = admin.get(upload(admin, fake)).content.decode()
    assert "无法读取工作簿，未写入任何数据" in page


def test_the_database_worker_runs_both_steps(admin, tmp_path, settings, monkeypatch):
    """With the production backend the page polls while the job waits for `dangjian db_worker`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker drops stale connections between jobs; inside the test's transaction that would
    # drop the test's own connection (PostgreSQL), so here it keeps it.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    review = upload(admin, write_xlsx(tmp_path / "book.xlsx", base()))
    page = admin.get(review).content.decode()
    assert 'data-testid="import-pending"' in page and 'hx-trigger="every 1s"' in page
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    page = admin.get(review).content.decode()
    assert "确认导入" in page and "hx-trigger" not in page
    admin.post(review + "confirm/")
    assert 'data-testid="import-pending"' in admin.get(review).content.decode()
    assert not Organization.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert 'data-testid="import-done"' in admin.get(review).content.decode()
    assert Organization.objects.count() == 7


def test_staged_rosters_are_deleted_after_a_week(admin, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    review = upload(admin, write_xlsx(tmp_path / "book.xlsx", base()))
    old = ImportRun.objects.get()
    ImportRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    assert old.workbook.exists()
    upload(admin, write_xlsx(tmp_path / "book.xlsx", base()))
    assert not old.folder.exists()
    assert admin.get(review).status_code == 200  # the run's record stays


def test_confirming_an_expired_upload_says_so(admin, tmp_path):
    import shutil

    review = upload(admin, write_xlsx(tmp_path / "book.xlsx", base()))
    shutil.rmtree(ImportRun.objects.get().folder)  # a week has passed
    admin.post(review + "confirm/")
    page = admin.get(review).content.decode()
    assert "这次上传已过期" in page and "请重新上传" in page
    assert not Organization.objects.exists()
