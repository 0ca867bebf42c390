"""The empty import workbook (CONTRACT §2) for people to fill in.

``build_template()`` returns the ``.xlsx`` bytes (for a web download),
``write_template(out)`` writes them to a path or a binary file object; the
``dangjian template OUT.xlsx`` command calls the latter.

The sheets and columns are those the apps declare (``<app>/sheets.py``, :mod:`dangjian.workbook`); this module only
adds what a spreadsheet user needs: marked required headers, dropdowns on choice
columns, date and text formats, widths, a frozen header and the 填写说明 sheet.
"""

import datetime
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink

from dangjian.workbook import sheets as declared_sheets
from dangjian.workbook.engine import INSTRUCTIONS_SHEET
from dangjian.workbook.write import safe_row

# Rows 2 … LAST_ROW of every data sheet get the dropdowns and the date check.
LAST_ROW = 10000
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
COMMENT_AUTHOR = "党建数据导入"
REQUIRED_MARK = "必填"

HEADER_FILL = PatternFill("solid", fgColor="FFD9E1F2")
REQUIRED_FONT = Font(bold=True, color="FFC00000")
OPTIONAL_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True, size=12)
LINK_FONT = Font(bold=True, color="FF0563C1", underline="single")
WRAP = Alignment(wrap_text=True, vertical="top")

_MIN_DATE = int(to_excel(datetime.date(1900, 1, 1)))
_MAX_DATE = int(to_excel(datetime.date(2099, 12, 31)))

def sheet_keys():
    """The key of each sheet (CONTRACT §2): a row with an existing key updates that record."""
    return {s.name: tuple(s.key) for s in declared_sheets()}


def column_notes():
    """Rules a single column cannot tell by its kind, for the 填写说明 sheet and the header comments."""
    return {(s.name, c.name): c.note for s in declared_sheets() for c in s.columns if c.note}


def __getattr__(name):  # SHEET_KEYS and COLUMN_NOTES as module attributes, read from the declarations
    if name == "SHEET_KEYS":
        return sheet_keys()
    if name == "COLUMN_NOTES":
        return column_notes()
    raise AttributeError(name)


def is_text_column(column):
    """Codes, ID numbers and mobiles: stored as text so leading zeros and long digits survive."""
    return column.kind in ("idcard", "mobile") or column.name.endswith(("编码", "编号"))


def column_width(column):
    """A width (in Excel character units) that fits the header and typical content."""
    header = 2 * len(column.name) + 6  # CJK characters are about two units wide
    if column.kind == "date":
        content = 13
    elif column.kind == "idcard":
        content = 22
    elif column.kind == "mobile":
        content = 15
    elif column.kind == "choice":
        content = 2 * max(len(c) for c in column.choices) + 6
    elif is_text_column(column):
        content = 16
    elif column.max_length >= 1000:
        content = 48
    else:
        content = 22
    return max(header, content)


def column_format(column):
    """The number format for a column's data cells, or None for Excel's default."""
    if column.kind == "date":
        return DATE_FORMAT
    if is_text_column(column):
        return TEXT_FORMAT
    return None


def column_hint(column):
    """What may go into a column, in Chinese, for comments and the 填写说明 sheet."""
    if column.kind == "choice":
        return "下拉选择：" + "、".join(column.choices)
    if column.kind == "date":
        return "日期，格式 YYYY-MM-DD（如 2026-03-01）"
    if column.kind == "idcard":
        return "18 位，最后一位可为 X，须符合 GB 11643 校验位"
    if column.kind == "mobile":
        return "1 开头的 11 位数字"
    return f"文本，最多 {column.max_length} 个字符"


def style_header_cell(cell, column, sheet_name=""):
    """Bold header; required columns red with the comment 必填 (and what the column takes)."""
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center")
    if column is None:
        cell.font = OPTIONAL_FONT
        return
    cell.font = REQUIRED_FONT if column.required else OPTIONAL_FONT
    lines = [REQUIRED_MARK] if column.required else []
    lines.append(column_hint(column))
    note = column.note or None
    if note:
        lines.append(note)
    comment = Comment("\n".join(lines), COMMENT_AUTHOR)
    comment.width, comment.height = 260, 40 + 20 * len(lines)
    cell.comment = comment


def _list_formula(choices):
    formula = '"' + ",".join(choices) + '"'
    if len(formula) > 257:  # Excel's limit for an inline list is 255 characters
        raise ValueError(f"too many choices for an inline list: {formula}")
    return formula


def _data_sheet(wb, sheet):
    ws = wb.create_sheet(sheet.name)
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        cell = ws.cell(row=1, column=index, value=column.name)
        style_header_cell(cell, column, sheet.name)
        dim = ws.column_dimensions[letter]
        dim.width = column_width(column)
        fmt = column_format(column)
        if fmt:
            dim.number_format = fmt  # the column style: new cells typed in get it
        area = f"{letter}2:{letter}{LAST_ROW}"
        if column.kind == "choice":
            dv = DataValidation(type="list", formula1=_list_formula(column.choices), allow_blank=True,
                                showDropDown=False, showErrorMessage=True, errorStyle="stop",
                                errorTitle="无效选项", error=f"{column.name}只能是：{'、'.join(column.choices)}",
                                showInputMessage=True, promptTitle=column.name, prompt="请从下拉列表中选择")
        elif column.kind == "date":
            dv = DataValidation(type="date", operator="between", formula1=str(_MIN_DATE),
                                formula2=str(_MAX_DATE), allow_blank=True, showErrorMessage=True,
                                errorStyle="stop", errorTitle="日期无效",
                                error=f"{column.name}应为日期，格式 YYYY-MM-DD（如 2026-03-01）",
                                showInputMessage=True, promptTitle=column.name, prompt="日期，格式 YYYY-MM-DD")
        elif column.kind in ("idcard", "mobile"):
            length = 18 if column.kind == "idcard" else 11
            dv = DataValidation(type="textLength", operator="equal", formula1=str(length), allow_blank=True,
                                showErrorMessage=True, errorStyle="stop", errorTitle=f"{column.name}无效",
                                error=f"{column.name}应为{column_hint(column)}",
                                showInputMessage=True, promptTitle=column.name, prompt=column_hint(column))
        else:
            continue
        dv.add(area)
        ws.add_data_validation(dv)
    ws.row_dimensions[1].height = 22
    ws.freeze_panes = "A2"
    return ws


def _location(sheet_name, ref="A1"):
    return "'" + sheet_name.replace("'", "''") + "'!" + ref


def _instructions(ws):
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 44
    ws.column_dimensions["D"].width = 60
    ws.sheet_view.showGridLines = False

    def line(*values, font=None, wrap=True):
        ws.append(safe_row(ws, values))
        row = ws.max_row
        for i in range(1, len(values) + 1):
            cell = ws.cell(row=row, column=i)
            if font:
                cell.font = font
            if wrap:
                cell.alignment = WRAP
        return row

    def paragraph(text, font=None):
        row = line(text, font=font)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        # Merged cells do not grow with wrapped text: give long paragraphs room.
        ws.row_dimensions[row].height = 18 * max(1, -(-len(text) // 60))
        return row

    paragraph("党建工作联系点制度 · 数据导入模板 填写说明", TITLE_FONT)
    paragraph("一、通用规则", SECTION_FONT)
    rules = [
        "1. 本工作簿每个工作表对应一类数据（见下文“二、各工作表”）。不需要的工作表可以留空或删除；"
        "本“填写说明”工作表在导入时会被忽略。也可以把每个工作表另存为“<工作表名>.csv”（UTF-8 编码）放在同一文件夹中导入。",
        "2. 第 1 行是列名，请勿修改列名。列的顺序可以调整；不认识的列会被忽略，并在导入时给出警告。"
        "数据从第 2 行开始，空行会被跳过。",
        "3. 列名为红色粗体的是必填列（列名批注为“必填”），每一行都必须填写。"
        "带下拉箭头的列只能从下拉列表中选择，请勿自行输入其他文字。",
        "4. 日期一律写成 YYYY-MM-DD，例如 2026-03-01（也可以使用 Excel 的日期单元格，日期列已设为该格式）。"
        "开始类日期（任职日期、开始日期、定级日期）为空表示“一直以来”；结束类日期（免职日期、结束日期）为空表示“至今仍然有效”。",
        "5. 编码、编号、身份证号、手机号列已设为文本格式，以保留开头的 0 和长数字。"
        "从其他表格复制时请使用“选择性粘贴 → 数值”，以免带入数字格式。",
        "6. 全部或全不：导入前先检查整个文件。只要有任何一处错误（必填项为空、选项无效、日期无效、结束日期早于开始日期、"
        "引用的编码在文件和系统中都不存在、组织树出现循环、主键重复、身份证号校验位错误、手机号无效），"
        "整个文件一条也不会写入，并列出全部错误（工作表、行、列、说明；行号与 Excel 左侧的行号一致，第 1 行是列名）。"
        "导入时可以要求生成一份标出错误单元格的工作簿副本，改正全部错误后重新导入即可。",
        "7. 重复导入：每类记录按“主键”识别。文件中某行的主键在系统中已存在时，更新该记录；不存在时，新增记录。"
        "同一份数据再次导入不会产生任何变化。导入不会删除系统中已有而文件中没有的记录。",
        "8. 支部定级历史只增不删：“组织”表中的支部等次和定级日期，与“支部定级”表的每一行一样，"
        "记为“自定级日期起为该等次”；同一支部同一定级日期再次导入时更新该条等次。",
        "9. 各表之间可以相互引用，也可以引用系统中已有的数据：例如“任职”表中的人员编号和组织编码，"
        "可以来自本文件的“人员”“组织”表，也可以是系统中已有的人员和组织。",
    ]
    for text in rules:
        paragraph(text)
    line()
    paragraph("二、各工作表", SECTION_FONT)
    for sheet in declared_sheets():
        line()
        row = line(f"工作表：{sheet.name}", font=LINK_FONT, wrap=False)
        title = ws.cell(row=row, column=1)
        title.hyperlink = Hyperlink(ref=title.coordinate, location=_location(sheet.name), tooltip=f"转到“{sheet.name}”")
        if sheet.help:
            paragraph(sheet.help)
        keys = sheet.key
        if keys:
            paragraph("主键：" + "、".join(keys) + "（主键相同的行更新同一条记录）")
        header = line("列名", "必填", "格式 / 可选值", "说明", font=OPTIONAL_FONT)
        for i in range(1, 5):
            ws.cell(row=header, column=i).fill = HEADER_FILL
        for column in sheet.columns:
            row = line(column.name, REQUIRED_MARK if column.required else "", column_hint(column),
                       column.note)
            if column.required:
                ws.cell(row=row, column=1).font = REQUIRED_FONT
                ws.cell(row=row, column=2).font = REQUIRED_FONT


def make_template_workbook():
    """The template as an openpyxl Workbook: 填写说明 first, then one sheet per CONTRACT §2 sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = INSTRUCTIONS_SHEET
    for sheet in declared_sheets():
        _data_sheet(wb, sheet)
    _instructions(ws)
    wb.active = 0
    return wb


def write_template(out):
    """Write the template to ``out``, a path or a binary file object."""
    make_template_workbook().save(out)


def build_template():
    """The template as ``.xlsx`` bytes."""
    buffer = io.BytesIO()
    write_template(buffer)
    return buffer.getvalue()

