"""The empty import workbook (``dangjian template``), checked against CONTRACT §2."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from dangjian.contacts.models import Activity, ContactLink
from dangjian.imports import template
from dangjian.imports.services import Importer
from dangjian.people.validators import id_card_check_digit
from dangjian.workbook import sheets
from dangjian.workbook.engine import INSTRUCTIONS_SHEET
from dangjian.orgs.models import Organization, TierRating
from dangjian.people.models import Person, Post
from dangjian.problems.models import Problem, VolunteerTeam

# CONTRACT §2, written out here on purpose: the template must match the contract, not just the declarations.
CONTRACT_SHEETS = {
    "组织": ["组织编码", "组织名称", "上级组织编码", "组织类型", "所属领域", "支部等次", "定级日期"],
    "支部定级": ["组织编码", "支部等次", "定级日期"],
    "人员": ["人员编号", "姓名", "身份证号", "手机号"],
    "任职": ["人员编号", "组织编码", "职务", "任职日期", "免职日期"],
    "联系点": ["人员编号", "组织编码", "联系类型", "开始日期", "结束日期"],
    "活动": ["人员编号", "组织编码", "活动日期", "活动类型", "内容"],
    "民生问题": ["问题编号", "组织编码", "问题类别", "问题描述", "发现日期", "状态", "办结日期", "服务队"],
}
CONTRACT_REQUIRED = {
    "组织": {"组织编码", "组织名称", "组织类型"},
    "支部定级": {"组织编码", "支部等次"},
    "人员": {"人员编号", "姓名"},
    "任职": {"人员编号", "组织编码", "职务"},
    "联系点": {"人员编号", "组织编码", "联系类型"},
    "活动": {"人员编号", "组织编码", "活动日期", "活动类型"},
    "民生问题": {"问题编号", "组织编码", "问题类别", "问题描述", "发现日期", "状态"},
}
TIERS = ["先进", "中间", "后进"]
CONTRACT_CHOICES = {
    ("组织", "组织类型"): ["党委", "党组", "党工委", "党总支", "党支部"],
    ("组织", "所属领域"): ["嘎查村", "社区", "机关", "事业单位", "国有企业", "集体企业", "非公有制企业", "社会组织",
                      "离退休干部"],
    ("组织", "支部等次"): TIERS,
    ("支部定级", "支部等次"): TIERS,
    ("任职", "职务"): ["书记", "副书记", "委员"],
    ("联系点", "联系类型"): ["联系点", "联系支部"],
    ("活动", "活动类型"): ["调研指导", "专题党课", "督导检查", "结对帮扶", "其他"],
    ("民生问题", "状态"): ["待办理", "办理中", "已办结"],
}
CONTRACT_DATES = {
    ("组织", "定级日期"), ("支部定级", "定级日期"), ("任职", "任职日期"), ("任职", "免职日期"),
    ("联系点", "开始日期"), ("联系点", "结束日期"), ("活动", "活动日期"), ("民生问题", "发现日期"),
    ("民生问题", "办结日期"),
}
TEXT_COLUMNS = {"组织编码", "上级组织编码", "人员编号", "问题编号", "身份证号", "手机号"}


@pytest.fixture(scope="module")
def book():
    return load_workbook(io.BytesIO(template.build_template()))


def header(ws):
    return [c.value for c in ws[1] if c.value is not None]


def validations(ws):
    """{column letter: DataValidation} for the validations of a sheet (one column each)."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cells in dv.sqref.ranges:
            assert cells.min_col == cells.max_col, "one validation per column"
            letter = cells.coord.split(":")[0].rstrip("0123456789")
            assert letter not in found, f"two validations on column {letter}"
            found[letter] = (dv, cells)
    return found


def letter_of(ws, name):
    for cell in ws[1]:
        if cell.value == name:
            return cell.column_letter
    raise AssertionError(f"{name} not in the header of {ws.title}")


def test_sheets_in_order_with_instructions_first(book):
    assert book.sheetnames == [INSTRUCTIONS_SHEET, *CONTRACT_SHEETS]
    assert book.active.title == INSTRUCTIONS_SHEET


def test_headers_are_exactly_the_contract_columns(book):
    for name, columns in CONTRACT_SHEETS.items():
        ws = book[name]
        assert header(ws) == columns
        assert ws.max_row == 1, "the template holds no data"
        assert ws.freeze_panes == "A2"
    # and the sheets the apps declare say the same
    assert {s.name: s.column_names for s in sheets()} == CONTRACT_SHEETS


def test_required_headers_are_marked(book):
    for name, columns in CONTRACT_SHEETS.items():
        ws = book[name]
        for cell in ws[1]:
            required = cell.value in CONTRACT_REQUIRED[name]
            assert cell.font.b, cell.coordinate
            if required:
                assert cell.font.color.rgb == template.REQUIRED_FONT.color.rgb, (name, cell.value)
                assert cell.comment is not None and cell.comment.text.startswith("必填"), (name, cell.value)
            else:
                assert cell.font.color is None or cell.font.color.rgb != template.REQUIRED_FONT.color.rgb
                assert cell.comment is None or not cell.comment.text.startswith("必填"), (name, cell.value)


def test_every_choice_column_has_exactly_the_contract_choices(book):
    for name in CONTRACT_SHEETS:
        ws = book[name]
        lists = {letter: (dv, cells) for letter, (dv, cells) in validations(ws).items() if dv.type == "list"}
        expected = {letter_of(ws, column): choices for (sheet, column), choices in CONTRACT_CHOICES.items()
                    if sheet == name}
        assert set(lists) == set(expected), name
        for letter, choices in expected.items():
            dv, cells = lists[letter]
            assert dv.formula1 == '"' + ",".join(choices) + '"'
            assert dv.formula1.strip('"').split(",") == choices
            assert (cells.min_row, cells.max_row) == (2, template.LAST_ROW)
            assert dv.allow_blank and dv.showErrorMessage
            assert not dv.showDropDown  # (in OOXML, showDropDown=1 would *hide* the arrow)


def test_date_columns_are_formatted_and_checked(book):
    for name in CONTRACT_SHEETS:
        ws = book[name]
        dates = {letter: (dv, cells) for letter, (dv, cells) in validations(ws).items() if dv.type == "date"}
        expected = {letter_of(ws, column) for sheet, column in CONTRACT_DATES if sheet == name}
        assert set(dates) == expected, name
        for letter in expected:
            assert ws.column_dimensions[letter].number_format == "yyyy-mm-dd"
            dv, cells = dates[letter]
            assert (cells.min_row, cells.max_row) == (2, template.LAST_ROW)
            assert dv.operator == "between" and dv.allow_blank


def test_id_card_and_mobile_lengths_are_checked(book):
    ws = book["人员"]
    lengths = {letter: dv.formula1 for letter, (dv, _) in validations(ws).items() if dv.type == "textLength"}
    assert lengths == {letter_of(ws, "身份证号"): "18", letter_of(ws, "手机号"): "11"}


def test_codes_ids_and_mobiles_are_text_and_widths_are_set(book):
    for name, columns in CONTRACT_SHEETS.items():
        ws = book[name]
        for column in columns:
            dim = ws.column_dimensions[letter_of(ws, column)]
            if column in TEXT_COLUMNS:
                assert dim.number_format == "@", (name, column)
            elif (name, column) not in CONTRACT_DATES:
                assert dim.number_format == "General", (name, column)
            assert dim.width >= 2 * len(column) + 4, (name, column)


def test_instructions_explain_sheets_and_rules(book):
    text = "\n".join(str(c.value) for row in book[INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value)
    for sheet in sheets():
        assert f"工作表：{sheet.name}" in text
        assert sheet.help in text
        for column in sheet.columns:
            assert column.name in text
    for phrase in ("YYYY-MM-DD", "必填", "全部或全不", "一条也不会写入", "重复导入", "主键", "更新", "不会产生任何变化"):
        assert phrase in text, phrase
    links = [c.hyperlink.location for row in book[INSTRUCTIONS_SHEET].iter_rows() for c in row if c.hyperlink]
    assert links == [f"'{s.name}'!A1" for s in sheets()]


def test_notes_and_keys_name_real_columns():
    columns = {(s.name, c.name) for s in sheets() for c in s.columns}
    assert set(template.COLUMN_NOTES) <= columns
    assert set(template.SHEET_KEYS) == set(CONTRACT_SHEETS)
    for sheet, keys in template.SHEET_KEYS.items():
        assert {(sheet, k) for k in keys} <= columns


def test_template_command_writes_the_file(tmp_path):
    out = tmp_path / "模板.xlsx"
    call_command("template", str(out))
    assert load_workbook(out).sheetnames == [INSTRUCTIONS_SHEET, *CONTRACT_SHEETS]


def test_template_command_wants_an_xlsx_name(tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command("template", str(tmp_path / "模板.csv"))
    assert raised.value.returncode == 2


def counts():
    return [m.objects.count() for m in (Organization, TierRating, Person, Post, ContactLink, Activity, Problem,
                                        VolunteerTeam)]


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [False, True])
def test_empty_template_imports_cleanly_and_writes_nothing(tmp_path, dry_run):
    path = tmp_path / "模板.xlsx"
    template.write_template(path)
    report = Importer(path, dry_run=dry_run).run()
    assert report.ok, report.errors
    assert report.errors == [] and report.warnings == []
    assert all(sum(c.values()) == 0 for c in report.counts.values())
    assert counts() == [0] * 8


@pytest.mark.django_db
def test_filled_template_imports(tmp_path):
    """Values typed into the template, dates as real date cells, keep their text and meaning."""
    path = tmp_path / "模板.xlsx"
    template.write_template(path)
    wb = load_workbook(path)
    first17 = "11010119900307001"
    id_card = first17 + id_card_check_digit(first17)

    def put(sheet, **values):
        ws = wb[sheet]
        names = header(ws)
        row = ws.max_row + 1
        for column, value in values.items():
            cell = ws.cell(row=row, column=names.index(column) + 1, value=value)
            if column in TEXT_COLUMNS:
                cell.number_format = "@"

    put("组织", 组织编码="0001", 组织名称="旗委", 组织类型="党委")
    put("组织", 组织编码="0002", 组织名称="某村党支部", 上级组织编码="0001", 组织类型="党支部", 所属领域="嘎查村",
        支部等次="后进", 定级日期=datetime.date(2026, 1, 1))
    put("人员", 人员编号="007", 姓名="张三", 身份证号=id_card, 手机号="13800000000")
    put("任职", 人员编号="007", 组织编码="0001", 职务="书记", 任职日期=datetime.date(2024, 5, 6))
    put("联系点", 人员编号="007", 组织编码="0002", 联系类型="联系点")
    wb.save(path)

    report = Importer(path).run()
    assert report.ok, report.errors
    person = Person.objects.get()
    assert (person.code, person.id_card, person.mobile) == ("007", id_card, "13800000000")
    assert Post.objects.get().start_date == datetime.date(2024, 5, 6)
    assert TierRating.objects.get().rated_on == datetime.date(2026, 1, 1)
    assert sorted(Organization.objects.values_list("code", flat=True)) == ["0001", "0002"]
    again = Importer(path).run()
    assert all(c["new"] == 0 and c["updated"] == 0 for c in again.counts.values())
