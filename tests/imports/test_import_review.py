"""Import messages a user can act on: long numbers Excel already cut, unreadable files, slips."""

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dangjian.audit.models import AuditEvent
from dangjian.imports.services import Importer
from tests.workbooks import ID_WANG, ID_ZHANG, base, set_cell, write_xlsx


@pytest.fixture
def admin(db):
    c = Client()
    c.force_login(get_user_model().objects.create_superuser("root", password="pw-for-tests-1"))
    return c


def test_an_id_card_typed_as_a_number_is_named_as_such(db, tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", base())
    wb = openpyxl.load_workbook(path)
    ws = wb["人员"]
    ws["C2"] = int(ID_ZHANG)  # pasted into a number cell: Excel keeps it as a number
    wb.save(path)
    errors = [(e.sheet, e.row, e.column, e.message) for e in Importer(path, dry_run=True).run().errors]
    assert len(errors) == 1
    sheet, row, column, message = errors[0]
    assert (sheet, row, column) == ("人员", 2, "身份证号")
    assert "被存成了数字" in message and "后几位已丢失" in message and "文本" in message


def test_the_same_id_card_twice_is_a_warning_with_its_row(db, tmp_path):
    book = set_cell(base(), "人员", 4, "身份证号", ID_ZHANG)  # 王五 given 张三's number
    report = Importer(write_xlsx(tmp_path / "book.xlsx", book), dry_run=True).run()
    assert report.ok
    assert [(w.sheet, w.row, w.column) for w in report.warnings] == [("人员", 4, "身份证号")]
    assert "与第 2 行的身份证号相同" in report.warnings[0].message
    assert ID_WANG not in str(report.warnings)


def test_an_unreadable_upload_is_named_by_its_own_name_in_chinese(admin):
    r = admin.post("/import/", {"workbook": SimpleUploadedFile("四月名册.xlsx", b"not a zip")})
    page = admin.get(r["Location"]).content.decode()
    assert "无法读取工作簿 四月名册.xlsx：文件已损坏或不是 Excel 工作簿" in page
    assert "workbook.xlsx" not in page


def test_pressing_upload_without_a_file_says_so(admin):
    r = admin.post("/import/", {}, follow=True)
    assert "请先选择要上传的 .xlsx 工作簿" in r.content.decode()


def test_the_import_is_audited_under_the_uploaded_name(admin, tmp_path):
    r = admin.post("/import/", {"workbook": SimpleUploadedFile("四月名册.xlsx",
                                                               write_xlsx(tmp_path / "b.xlsx", base()).read_bytes())})
    admin.post(r["Location"] + "confirm/")
    event = AuditEvent.objects.get(action="workbook imported")
    assert event.after["file"] == "四月名册.xlsx" and event.actor.username == "root"
