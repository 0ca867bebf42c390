"""Safe exports (issue 8 item 3): a name, a category or a message that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is written as inert text in every workbook the system
writes (the check page's download, ``dangjian check``/``report problems --format xlsx``, the
error workbook), never as a formula; the API answers the text as it is; the import reads it back
as the same text.
"""

import re
import zipfile
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from dangjian.people.models import Person
from dangjian.problems.models import Problem
from dangjian.workbook import Source
from tests.workbooks import ID_ZHANG, base, set_cell, write_csv

EVIL = '=HYPERLINK("http://x","y")'
OTHERS = ("+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1")


def formulas(path):
    """Every formula in the workbook: the cells openpyxl reads as formulas, and any <f> in the sheets' XML."""
    found = [f"{ws.title}!{c.coordinate}" for ws in load_workbook(path).worksheets
             for row in ws.iter_rows() for c in row if c.data_type == "f"]
    with zipfile.ZipFile(path) as z:
        found += [name for name in z.namelist()
                  if name.startswith("xl/worksheets/") and re.search(rb"<f[ >/]", z.read(name))]
    return found


def text_cells(path, text):
    """The cells whose value is ``text`` (exactly), as openpyxl reads them."""
    return [c for ws in load_workbook(path).worksheets for row in ws.iter_rows() for c in row if c.value == text]


def assert_inert(path, *texts):
    assert formulas(path) == []
    for text in texts:
        cells = text_cells(path, text)
        assert cells, text
        # Text, with Excel's leading apostrophe: it stays text when someone edits the cell.
        assert all(c.data_type == "s" and c.quotePrefix for c in cells), text


@pytest.fixture
def planted(tree):
    """A leader without a contact point, named like a formula, in a committee named like one; problems too."""
    tree.org("L", kind="党委", name=EVIL)
    tree.org("S", "L")
    tree.person("P1", name=EVIL)
    tree.post("P1", "L", "委员")
    for i, category in enumerate((EVIL, *OTHERS), start=1):
        tree.problem(f"Q{i}", "S", category)
    return tree


def admin_client():
    c = Client()
    c.force_login(get_user_model().objects.create_superuser("root", password="pw-for-tests-1"))
    return c


def test_the_check_page_download_writes_names_as_text(planted, tmp_path):
    r = admin_client().get("/check/export.xlsx")
    assert r.status_code == 200
    path = tmp_path / "check.xlsx"
    path.write_bytes(r.content)
    assert_inert(path, EVIL)
    # The import's reader gets the name back exactly.
    source = Source(path)
    assert any(EVIL in row for _, row in source.rows(source.sheet_names[0]))


def test_dangjian_check_xlsx_writes_names_and_messages_as_text(planted, tmp_path):
    path = tmp_path / "check.xlsx"
    call_command("checkrules", "--format", "xlsx", "--out", str(path))
    assert_inert(path, EVIL)
    messages = [c.value for c in load_workbook(path).active["G"] if str(c.value).startswith(EVIL)]
    assert messages and all(text_cells(path, m)[0].quotePrefix for m in messages)  # the message begins with the name


def test_dangjian_report_problems_xlsx_writes_categories_as_text(planted, tmp_path):
    path = tmp_path / "problems.xlsx"
    call_command("report", "problems", "--format", "xlsx", "--out", str(path))
    assert_inert(path, EVIL, *OTHERS)


def test_a_category_planted_from_the_form_is_text_in_the_report(planted, tmp_path):
    """A branch secretary's problem form takes the text as it is; the workbook keeps it inert."""
    from tests.test_web_scope import client_for

    from dangjian.accounts.models import RoleGrant

    user = get_user_model().objects.create_user("secretary", password="pw-for-tests-1")
    RoleGrant.objects.create(user=user, organization=planted.orgs["S"], role="branch_secretary")
    r = client_for(user).post("/problems/new/", {"organization": "S", "category": "@SUM(1+1)*cmd|' /C calc'!A0",
                                                 "description": "=1+1", "found_on": "2026-01-05"})
    assert r.status_code == 302, r.content.decode()
    assert Problem.objects.filter(category="@SUM(1+1)*cmd|' /C calc'!A0", description="=1+1").exists()
    path = tmp_path / "problems.xlsx"
    call_command("report", "problems", "--format", "xlsx", "--out", str(path))
    assert_inert(path, "@SUM(1+1)*cmd|' /C calc'!A0")


def test_the_api_answers_the_text_as_it_is(planted):
    """JSON is no spreadsheet: the API neither prefixes nor changes the text."""
    c = admin_client()
    problems = c.get("/api/problems").json()["items"]
    assert {p["category"] for p in problems} == {EVIL, *OTHERS}
    violations = c.get("/api/check").json()["violations"]
    assert any(v["message"].startswith(EVIL) for v in violations)


def test_the_error_workbook_keeps_such_text_as_text_and_imports_back(db, tmp_path):
    """Round trip: a CSV with formula-like names → the marked copy (``--errors-out``) → corrected → imported."""
    book = base()
    set_cell(book, "人员", 2, "姓名", EVIL)
    set_cell(book, "人员", 3, "姓名", "-李四")
    set_cell(book, "人员", 4, "手机号", "12")  # the one error
    folder = write_csv(tmp_path / "in", book)
    marked = tmp_path / "marked.xlsx"
    with pytest.raises(SystemExit):
        call_command("importbook", str(folder), "--errors-out", str(marked), stdout=StringIO(), stderr=StringIO())
    assert_inert(marked, EVIL, "-李四")

    wb = load_workbook(marked)
    people = wb["人员"]
    header = [c.value for c in people[1]]
    people.cell(row=4, column=header.index("手机号") + 1, value="13912345678")
    del wb["错误清单"]
    wb.save(tmp_path / "fixed.xlsx")
    call_command("importbook", str(tmp_path / "fixed.xlsx"), stdout=StringIO(), stderr=StringIO())
    assert Person.objects.get(code="1001").name == EVIL
    assert Person.objects.get(code="1002").name == "-李四"
    assert Person.objects.get(code="1001").id_card == ID_ZHANG


def test_a_csv_import_keeps_such_text_as_text(db, tmp_path):
    book = base()
    set_cell(book, "人员", 2, "姓名", EVIL)
    set_cell(book, "人员", 3, "姓名", "@王")
    call_command("importbook", str(write_csv(tmp_path / "in", book)), stdout=StringIO(), stderr=StringIO())
    assert Person.objects.get(code="1001").name == EVIL
    assert Person.objects.get(code="1002").name == "@王"


def test_every_workbook_writer_goes_through_the_kit():
    """A module that makes an openpyxl Workbook (or a csv.writer) for people writes its cells through workbook.write."""
    from pathlib import Path

    import dangjian

    root = Path(dangjian.__file__).parent
    writers = [p for p in root.rglob("*.py") if re.search(r"\bWorkbook\(|csv\.writer\(", p.read_text(encoding="utf-8"))]
    # The generator's CSV is the import's input, not an export (README, 导出的安全).
    unsafe = [str(p.relative_to(root)) for p in writers
              if "workbook.write import" not in p.read_text(encoding="utf-8")
              and p.relative_to(root).parts[:2] != ("imports", "synthetic")]
    assert writers and unsafe == []
