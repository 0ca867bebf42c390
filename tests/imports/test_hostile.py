"""Hostile workbooks contained (issue 8): bombs, DTDs, NUL, over-long fields, odd encodings, oversized uploads.

Each is refused in Chinese naming the file, before the reader can be made to allocate what
it asks for; neither `dangjian import` nor the job worker dies of any of them.
"""

import datetime
import io
import os
import re
import resource
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from dangjian.imports.models import ImportRun
from dangjian.imports.services import Importer
from dangjian.orgs.models import Organization
from dangjian.people.models import Person
from dangjian.workbook import WorkbookError
from tests.imports.test_import_web import admin, upload  # noqa: F401  (the fixture)
from tests.workbooks import base, set_cell, write_csv, write_xlsx

def _rewrite(source, path, change):
    """A copy of the .xlsx ``source`` (bytes) with ``change(name, data)`` applied to each part."""
    src = zipfile.ZipFile(io.BytesIO(source))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info, change(info.filename, src.read(info)))
    return path


def _book(cells):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "组织"
    for ref, value in cells.items():
        ws[ref] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def dimension_bomb(path, declared=True):
    """The 4.7 KB workbook with cells at A1 and XFD1048576: the reader asked for 512 GB (exit 134).

    ``declared=False`` drops its <dimension>, so only the capped trial read can see its size.
    """
    data = _book({"A1": "组织编码", "XFD1048576": "x"})
    if declared:
        path.write_bytes(data)
        return path
    return _rewrite(data, path, lambda name, d: re.sub(rb"<dimension[^>]*/>", b"", d))


def one_cell_bomb(path, megabytes=520):
    """A 0.5 MB workbook whose one cell unpacks to ``megabytes`` of text (the worker went to 3.2 GB).

    The cell is written as one deflate block repeated (a full flush between), so building it
    costs a CRC over the text, not compressing it.
    """
    data = _book({"A1": "组织编码", "A2": "HUGE"})
    src = zipfile.ZipFile(io.BytesIO(data))
    block = b"A" * (8 << 20)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = squeeze.compress(block) + squeeze.flush(zlib.Z_FULL_FLUSH)
    repeats = megabytes // 8

    class Repeat:  # stands in for zipfile's compressor: the block's deflate bytes, again and again
        def compress(self, chunk):
            return packed if chunk is block else squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)

        def flush(self):
            return squeeze.flush()

    original = zipfile._get_compressor
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            part = src.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, part)
                continue
            head, tail = part.split(b"HUGE")
            zipfile._get_compressor = lambda *a, **k: Repeat()
            try:
                with out.open(info.filename, "w", force_zip64=True) as fh:
                    fh.write(head)
                    for _ in range(repeats):
                        fh.write(block)
                    fh.write(tail)
            finally:
                zipfile._get_compressor = original
    return path


def _cli(path):
    """`dangjian import PATH` in its own process: (exit status, stderr, seconds, peak memory in MB of it and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "dangjian", "import", str(path)], capture_output=True,
                          timeout=120)
    seconds = time.monotonic() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return done.returncode, done.stderr.decode("utf-8", "replace"), seconds, peak


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "undeclared"])
def test_the_dimension_bomb_is_refused_by_the_command_fast_and_small(tmp_path, declared):
    bomb = dimension_bomb(tmp_path / "bomb.xlsx", declared)
    assert bomb.stat().st_size < 8000
    status, err, seconds, peak = _cli(bomb)
    assert status == 1, err[-500:]  # was 134: the process aborted trying to allocate 512 GB
    assert "bomb.xlsx" in err and ("超过上限" in err) and "Traceback" not in err
    assert seconds < 30 and peak < 600


def test_the_one_cell_bomb_is_refused_before_it_is_read(tmp_path):
    bomb = one_cell_bomb(tmp_path / "cell.xlsx")
    assert bomb.stat().st_size < 1_000_000
    started = time.monotonic()
    with pytest.raises(WorkbookError, match=r"工作簿 cell\.xlsx 解压后有 520 MB，超过上限"):
        Importer(bomb)
    assert time.monotonic() - started < 2


def test_a_long_cell_within_the_unpacked_limit_is_a_cell_error(db, tmp_path, settings):
    settings.DANGJIAN_WORKBOOK_LIMITS = {"cell_chars": 1000}
    book = set_cell(base(), "人员", 2, "姓名", "张" * 1500)
    report = Importer(write_xlsx(tmp_path / "long.xlsx", book)).run()
    assert not report.ok and not Person.objects.exists()
    assert any(e.sheet == "人员" and e.row == 2 and e.column == "姓名" and "1500 个字符，超过上限 1000" in e.message
               for e in report.errors)


def test_the_trial_read_is_capped_in_memory(db, tmp_path, settings):
    """A sheet whose real size needs more than the trial read may take: the child dies, the refusal is Chinese."""
    settings.DANGJIAN_WORKBOOK_LIMITS = {"memory_mb": 300}
    book = dimension_bomb(tmp_path / "wide.xlsx", declared=False)
    with pytest.raises(WorkbookError, match="读取工作簿 wide.xlsx 需要的内存超过上限 300 MB"):
        Importer(book)


def test_a_doctype_or_entity_in_an_xlsx_is_refused_in_chinese(tmp_path):
    data = _book({"A1": "组织编码", "A2": "x"})
    book = _rewrite(data, tmp_path / "dtd.xlsx", lambda name, d: d.replace(
        b"<worksheet", b'<!DOCTYPE w [<!ENTITY e "eeeeeeee">]><worksheet', 1) if name.endswith("sheet1.xml") else d)
    with pytest.raises(WorkbookError, match="工作簿 dtd.xlsx 含有 XML 文档类型或实体声明"):
        Importer(book)


def test_nul_in_an_xlsx_cell_is_a_validation_error(db, tmp_path):
    book = set_cell(base(), "人员", 3, "姓名", "NULMARK")
    path = tmp_path / "nul.xlsx"
    _rewrite(write_xlsx(tmp_path / "plain.xlsx", book).read_bytes(), path,
             lambda name, d: d.replace(b"NULMARK", b"Li_x0000_Si"))
    report = Importer(path).run()
    assert not report.ok and not Person.objects.exists()
    assert [(e.sheet, e.row, e.column) for e in report.errors if "空字符（NUL" in e.message] == [("人员", 3, "姓名")]


def test_nul_in_a_csv_cell_is_a_validation_error(db, tmp_path):
    """On PostgreSQL it was a traceback (a string literal cannot contain NUL)."""
    book = set_cell(base(), "人员", 2, "姓名", "张\x00三")
    set_cell(book, "民生问题", 3, "问题类别", "饮水\x00安全")
    report = Importer(write_csv(tmp_path / "nul", book)).run()
    assert not report.ok and not Organization.objects.exists()
    found = {(e.sheet, e.row, e.column) for e in report.errors if "空字符（NUL" in e.message}
    assert found == {("人员", 2, "姓名"), ("民生问题", 3, "问题类别")}
    assert all("\x00" not in e.message for e in report.errors)


def test_a_csv_field_too_long_and_a_bad_encoding_are_refused_in_chinese(db, tmp_path):
    book = set_cell(base(), "民生问题", 2, "问题描述", "长" * 40_000)
    report = Importer(write_csv(tmp_path / "long", book)).run()
    messages = [e.message for e in report.errors]
    assert any("民生问题.csv 第 2 行有超过 32767 个字符的单元格" in m for m in messages), messages
    assert not any("field larger" in m for m in messages)
    folder = write_csv(tmp_path / "gbk", base())
    (folder / "人员.csv").write_bytes("人员编号,姓名\n1001,张三\n".encode("gbk"))
    report = Importer(folder).run()
    assert any("人员.csv 不是 UTF-8 编码" in e.message for e in report.errors)


def test_too_many_rows_in_a_csv_sheet(db, tmp_path, settings):
    settings.DANGJIAN_WORKBOOK_LIMITS = {"rows": 3}
    report = Importer(write_csv(tmp_path / "rows", base())).run()
    assert any(e.sheet == "组织" and "组织.csv 超过 3 行的上限" in e.message for e in report.errors)
    assert not Organization.objects.exists()


# ----- the browser --------------------------------------------------------------------

def test_an_upload_over_the_size_limit_is_refused_unread(admin, tmp_path, settings):  # noqa: F811
    settings.DANGJIAN_WORKBOOK_LIMITS = {"upload_bytes": 2000}
    path = write_xlsx(tmp_path / "big.xlsx", base())
    assert path.stat().st_size > 2000
    r = admin.post("/import/", {"workbook": SimpleUploadedFile("big.xlsx", path.read_bytes())}, follow=True)
    assert "文件超过上传上限" in r.content.decode()
    assert not ImportRun.objects.exists()


def test_the_bomb_in_the_browser_is_refused_and_the_next_upload_works(admin, tmp_path):  # noqa: F811
    """The job runs in the test's own process here: the old reader killed it (and so the worker)."""
    for declared in (True, False):
        review = upload(admin, dimension_bomb(tmp_path / f"bomb{declared}.xlsx", declared), name="炸弹.xlsx")
        page = admin.get(review).content.decode()
        assert 'data-testid="import-rejected"' in page and "炸弹.xlsx" in page and "超过上限" in page
    run = ImportRun.objects.filter(state="rejected").first()
    assert not run.folder.exists()  # refused: nothing of it stays on disk
    review = upload(admin, write_xlsx(tmp_path / "good.xlsx", base()))
    assert "确认导入" in admin.get(review).content.decode()


def test_a_run_whose_worker_died_is_failed_and_the_next_upload_works(admin, tmp_path, django_user_model):  # noqa: F811
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    run = ImportRun.objects.create(uploaded_by=django_user_model.objects.get(), file_name="名册.xlsx",
                                   worker=f"{os.uname().nodename}:{dead.pid}:")
    run.folder.mkdir(parents=True)
    run.workbook.write_bytes(b"PK")
    page = admin.get(f"/import/{run.token}/").content.decode()
    assert 'data-state="failed"' in page and "后台处理进程意外退出" in page and 'hx-trigger' not in page
    run.refresh_from_db()
    assert run.state == "failed" and not run.folder.exists()
    review = upload(admin, write_xlsx(tmp_path / "good.xlsx", base()))
    assert "确认导入" in admin.get(review).content.decode()


def test_the_error_workbook_is_built_by_the_job_and_the_staged_upload_goes(admin, tmp_path, monkeypatch):  # noqa: F811
    review = upload(admin, write_xlsx(tmp_path / "bad.xlsx", set_cell(base(), "组织", 3, "组织类型", "党小组")))
    run = ImportRun.objects.get()
    assert run.state == "rejected" and run.error_book.exists()
    assert [p.name for p in run.folder.iterdir()] == ["errors.xlsx"]  # the roster itself is gone
    # The download only sends the file: nothing is read or built in the request.
    monkeypatch.setattr("dangjian.imports.errorbook.write_error_workbook", None)
    monkeypatch.setattr("dangjian.workbook.reader.CalamineWorkbook", None)
    marked = admin.get(review + "errors.xlsx")
    assert marked.status_code == 200 and marked.content == run.error_book.read_bytes()


@pytest.mark.parametrize("how", ["imported", "rejected", "refused", "abandoned"])
def test_staged_files_never_outlive_the_run(admin, tmp_path, how, time_machine, django_user_model):  # noqa: F811
    book = base() if how in ("imported", "abandoned") else set_cell(base(), "组织", 3, "组织类型", "党小组")
    path = write_xlsx(tmp_path / "book.xlsx", book)
    if how == "refused":
        path = dimension_bomb(tmp_path / "book.xlsx")
    review = upload(admin, path)
    run = ImportRun.objects.get()
    if how == "imported":
        admin.post(review + "confirm/")
    if how in ("rejected", "abandoned"):
        time_machine.move_to(run.created_at + datetime.timedelta(hours=25))
        admin.force_login(django_user_model.objects.get())  # a day later: a new session
        admin.get("/import/")  # the sweep: a day after upload
    if how == "abandoned":
        assert not run.folder.exists()
        admin.post(review + "confirm/")  # confirmed too late: refused, nothing written
        assert "已过期" in admin.get(review).content.decode() and not Organization.objects.exists()
    run.refresh_from_db()
    assert not run.workbook.exists() and not run.folder.exists() and not run.files_kept
    assert not list(Path(run.folder.parent).glob("*/workbook.xlsx"))


# ----- two imports at once --------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_two_imports_at_once_neither_ends_in_an_integrity_error(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's IMMEDIATE transactions serialise writers already")
    import threading

    from django.db import connections

    folder = write_csv(tmp_path / "book", base())
    results, barrier = [], threading.Barrier(2)

    checked = Importer.validate

    def validate(self):  # both have checked the file against the empty database, and then both write
        ok = checked(self)
        barrier.wait(30)
        return ok

    monkeypatch.setattr(Importer, "validate", validate)

    def one():
        try:
            results.append(Importer(folder).run())
        except Exception as exc:  # noqa: BLE001
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(not isinstance(r, Exception) for r in results), results
    assert all(r.ok for r in results), [r.errors[:3] for r in results]
    assert Organization.objects.count() == 7
    news = sorted(r.counts["组织"]["new"] for r in results)
    assert news == [0, 7]  # the second waited for the first and found its organizations


@pytest.mark.django_db(transaction=True)
def test_an_import_waiting_too_long_is_refused_in_chinese(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's advisory lock")
    import threading

    from django.db import connections, transaction

    from dangjian.workbook.engine import IMPORT_LOCK

    settings.DANGJIAN_IMPORT_LOCK_WAIT = 1
    held, release = threading.Event(), threading.Event()

    def holder():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
            held.set()
            release.wait(20)
        connections.close_all()

    t = threading.Thread(target=holder)
    t.start()
    held.wait(10)
    try:
        with pytest.raises(WorkbookError, match="另一项导入正在写入数据库，等待 1 秒后仍未结束"):
            Importer(write_csv(tmp_path / "book", base())).run()
    finally:
        release.set()
        t.join(30)
    assert not Organization.objects.exists()


def test_a_zip_of_many_parts_is_refused_before_they_are_listed(tmp_path):
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as out:
        for i in range(10_001):
            out.writestr(f"x/{i}", b"")
    with pytest.raises(WorkbookError, match="工作簿 parts.xlsx 含有 10001 个内部文件，超过上限"):
        Importer(path)


def test_a_run_pending_for_hours_is_given_up(admin, tmp_path, time_machine, django_user_model):  # noqa: F811
    """A run whose worker is on another host (or never came) stops being followed after six hours."""
    run = ImportRun.objects.create(uploaded_by=django_user_model.objects.get(), file_name="名册.xlsx",
                                   worker="another-host:1:")
    assert 'data-state="checking"' in admin.get(f"/import/{run.token}/").content.decode()
    time_machine.move_to(run.updated_at + datetime.timedelta(hours=7))
    admin.force_login(django_user_model.objects.get())
    page = admin.get(f"/import/{run.token}/").content.decode()
    assert 'data-state="failed"' in page and "处理超过 6 小时仍未完成" in page
