"""The marked copy of a rejected workbook (``dangjian import … --errors-out``)."""

import datetime
import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from dangjian.imports import errorbook
from dangjian.workbook import Source
from dangjian.imports.services import Importer, RowError
from dangjian.orgs.models import Organization
from dangjian.people.models import Person, Post

BAD_ID = "110101199003070000"  # the check digit should be 3

BAD_FOLDER = {
    "组织": "组织编码,组织名称,上级组织编码,组织类型,所属领域\n"
            "A,旗委,,党委,\n"
            "B,某党小组,A,党小组,\n"
            "C,某村党支部,A,党支部,嘎查村\n",
    "人员": "人员编号,姓名,身份证号,手机号\n"
            "P1,张三,110101199003070003,13800000000\n"
            f"P2,李四,{BAD_ID},\n",
    "任职": "人员编号,组织编码,职务,任职日期,免职日期\n"
            "P1,A,书记,2024-01-01,\n"
            "P2,A,委员,2024-13-01,\n",
}
# (sheet, row, column, cell) of each error the folder holds
EXPECTED = [
    ("组织", 3, "组织类型", "D3"),
    ("人员", 3, "身份证号", "C3"),
    ("任职", 3, "任职日期", "D3"),
]


def write_folder(folder, sheets):
    folder.mkdir(exist_ok=True)
    for name, text in sheets.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def bad_folder(tmp_path):
    return write_folder(tmp_path / "bad", BAD_FOLDER)


def marked_cells(wb):
    """{(sheet, coordinate): comment text} of every cell with the error fill, outside 错误清单."""
    found = {}
    for ws in wb.worksheets[1:]:
        for row in ws.iter_rows():
            for cell in row:
                filled = cell.fill is not None and cell.fill.fgColor.rgb == errorbook.ERROR_FILL_RGB
                if filled or cell.comment is not None:
                    assert filled and cell.comment is not None, (ws.title, cell.coordinate)
                    found[(ws.title, cell.coordinate)] = cell.comment.text
    return found


def error_list(wb):
    ws = wb[errorbook.ERRORS_SHEET]
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]] == list(errorbook.ERRORS_HEADER)
    return [([c.value for c in row[:4]], row[4].hyperlink.location if len(row) > 4 and row[4].hyperlink else None)
            for row in rows[1:]]


@pytest.mark.django_db
def test_bad_folder_is_rejected_and_its_cells_marked(bad_folder):
    importer = Importer(bad_folder)
    report = importer.run()
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [(s, r, c) for s, r, c, _ in EXPECTED]
    assert Organization.objects.count() == Person.objects.count() == Post.objects.count() == 0

    wb = load_workbook(io.BytesIO(errorbook.error_workbook_bytes(importer.source, report.errors)))
    assert wb.sheetnames == [errorbook.ERRORS_SHEET, "组织", "人员", "任职"]

    messages = {(e.sheet, e.row, e.column): e.message for e in report.errors}
    marked = marked_cells(wb)
    assert set(marked) == {(s, ref) for s, _, _, ref in EXPECTED}
    for sheet, row, column, ref in EXPECTED:
        assert marked[(sheet, ref)] == messages[(sheet, row, column)]
        assert wb[sheet][f"{ref[0]}1"].value == column
    assert "党小组" in marked[("组织", "D3")] and "不是有效选项" in marked[("组织", "D3")]
    assert "校验位" in marked[("人员", "C3")]
    assert "日期无效" in marked[("任职", "D3")]

    # the copy keeps the submitted values, in place
    assert wb["组织"]["D3"].value == "党小组"
    assert wb["人员"]["C3"].value == BAD_ID
    assert wb["任职"]["D3"].value == "2024-13-01"
    assert [c.value for c in wb["组织"][1]] == ["组织编码", "组织名称", "上级组织编码", "组织类型", "所属领域"]
    assert [c.value for c in wb["任职"][2]][:4] == ["P1", "A", "书记", "2024-01-01"]

    assert error_list(wb) == [([s, r, c, messages[(s, r, c)]], f"'{s}'!{ref}") for s, r, c, ref in EXPECTED]


@pytest.mark.django_db
def test_importbook_errors_out(bad_folder, tmp_path, capsys):
    out = tmp_path / "错误.xlsx"
    with pytest.raises(SystemExit) as raised:
        call_command("importbook", str(bad_folder), "--errors-out", str(out))
    assert raised.value.code == 1
    assert out.exists()
    wb = load_workbook(out)
    assert set(marked_cells(wb)) == {(s, ref) for s, _, _, ref in EXPECTED}
    assert [values[:3] for values, _ in error_list(wb)] == [[s, r, c] for s, r, c, _ in EXPECTED]
    assert Organization.objects.count() == 0
    assert str(out) in capsys.readouterr().err


@pytest.mark.django_db
def test_missing_required_column_is_added_to_the_header(tmp_path):
    folder = write_folder(tmp_path / "f", {"人员": "人员编号,备注\nP1,x\n"})
    importer = Importer(folder)
    report = importer.run()
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("人员", 1, "姓名")]
    out = tmp_path / "错误.xlsx"
    errorbook.write_error_workbook(importer.source, report.errors, out)
    wb = load_workbook(out)
    ws = wb["人员"]
    assert [c.value for c in ws[1]] == ["人员编号", "备注", "姓名"]
    marked = marked_cells(wb)
    assert list(marked) == [("人员", "C1")]
    assert marked[("人员", "C1")] == "缺少必填列\n" + errorbook.MISSING_COLUMN
    assert [c.value for c in ws[2]][:2] == ["P1", "x"]
    assert error_list(wb)[0][1] == "'人员'!C1"


def test_cell_with_two_messages_and_error_without_column(tmp_path):
    write_folder(tmp_path / "f", {"组织": "组织编码,组织名称,组织类型\nA,,党委\n,=1+1,\n"})
    errors = [
        RowError("组织", 2, "组织名称", "必填项为空"),
        RowError("组织", 2, "组织名称", "另一条说明"),
        RowError("组织", 3, "", "整行有误"),
        RowError("组织", 3, "上级组织编码", "上级不存在"),
    ]
    wb = load_workbook(io.BytesIO(errorbook.error_workbook_bytes(tmp_path / "f", errors)))
    marked = marked_cells(wb)
    assert set(marked) == {("组织", "B2"), ("组织", "A3"), ("组织", "D3"), ("组织", "D1")}
    assert marked[("组织", "B2")] == "\n".join(sorted(["必填项为空", "另一条说明"]))  # in the importer's order
    assert marked[("组织", "A3")] == "整行有误"
    assert marked[("组织", "D3")] == "上级不存在"
    # 上级组织编码 was not in the header: the column is added, its header marked as added
    assert wb["组织"]["D1"].value == "上级组织编码"
    assert marked[("组织", "D1")] == errorbook.MISSING_COLUMN
    # text that looks like a formula stays text
    assert wb["组织"]["B3"].value == "=1+1" and wb["组织"]["B3"].data_type == "s"
    assert [row[:3] for row, _ in error_list(wb)] == [["组织", 2, "组织名称"], ["组织", 2, "组织名称"],
                                                       ["组织", 3, None], ["组织", 3, "上级组织编码"]]


@pytest.mark.django_db
def test_xlsx_source_keeps_dates_and_text(tmp_path):
    path = tmp_path / "book.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "任职"
    ws.append(["人员编号", "组织编码", "职务", "任职日期"])
    ws.append(["007", "A", "书记", datetime.date(2024, 1, 2)])
    ws.append(["008", "A", "书记", "昨天"])
    notes = wb.create_sheet("说明")
    notes.append(["随便写点什么"])
    wb.save(path)

    importer = Importer(path)
    report = importer.run()
    assert ("任职", 3, "任职日期") in [(e.sheet, e.row, e.column) for e in report.errors]
    out = tmp_path / "错误.xlsx"
    errorbook.write_error_workbook(importer.source, report.errors, out)
    book = load_workbook(out)
    assert book.sheetnames == [errorbook.ERRORS_SHEET, "任职", "说明"]
    ws = book["任职"]
    assert ws["A2"].value == "007"
    assert ws["D2"].value == datetime.datetime(2024, 1, 2) and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["D3"].value == "昨天"
    assert ("任职", "D3") in marked_cells(book)
    assert book["说明"]["A1"].value == "随便写点什么"
    assert ws.freeze_panes == "A2"


def test_odd_csv_names_get_valid_unique_titles(tmp_path):
    folder = write_folder(tmp_path / "f", {"a:b": "x\n1\n", "a_b": "x\n2\n", errorbook.ERRORS_SHEET: "y\n3\n"})
    errors = [RowError("a:b", 2, "x", "坏")]
    wb = load_workbook(io.BytesIO(errorbook.error_workbook_bytes(Source(folder), errors)))
    assert wb.sheetnames[0] == errorbook.ERRORS_SHEET
    assert len(set(wb.sheetnames)) == 4
    [(values, location)] = error_list(wb)
    assert values[0] == "a:b"
    title = location.split("!")[0].strip("'")
    assert wb[title]["A2"].value == "1" and marked_cells(wb) == {(title, "A2"): "坏"}


@pytest.mark.django_db
def test_the_marked_copy_imports_with_the_same_errors(bad_folder, tmp_path):
    """The copy is a workbook the importer reads as the original: same cells, same errors."""
    first = Importer(bad_folder).run()
    out = tmp_path / "错误.xlsx"
    errorbook.write_error_workbook(Source(bad_folder), first.errors, out)
    again = Importer(out).run()
    assert again.errors == first.errors
    assert [(w.sheet, w.message) for w in again.warnings] == [(errorbook.ERRORS_SHEET, "未知工作表，已忽略")]


def test_every_part_is_well_formed_xml(bad_folder, tmp_path):
    import xml.etree.ElementTree as ET
    import zipfile

    errors = [RowError("组织", 3, "组织类型", "坏 & <错> \"引号\""), RowError("人员", 1, "缺的列", "缺少必填列")]
    data = errorbook.error_workbook_bytes(bad_folder, errors)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        for name in names:
            ET.fromstring(z.read(name))  # raises on malformed XML
        types = z.read("[Content_Types].xml").decode()
    for name in names:
        if name.endswith(".xml") and not name.endswith(".rels") and name != "[Content_Types].xml":
            assert f'PartName="/{name}"' in types, name
    wb = load_workbook(io.BytesIO(data))
    assert marked_cells(wb)[("组织", "D3")] == "坏 & <错> \"引号\""
