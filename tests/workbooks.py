"""Workbooks for import tests: one book as plain data, written as a CSV folder or an .xlsx file.

A book is ``{sheet: [header, row, row, …]}`` where every row is a list of strings
("" for a blank cell). ``book[sheet][n - 1]`` is Excel row ``n`` (the header is row 1).
"""

import copy
import csv
import datetime
import re
from pathlib import Path

import openpyxl

_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_card(first17):
    """A valid 18-character 身份证号 (GB 11643) for the given first 17 digits."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, _W)) % 11]


ID_ZHANG = id_card("15292119800101123")  # ends in 0
ID_WANG = "11010519491231002X"  # the textbook example, check digit X

# Codes are digit strings without leading zeros, so that they survive being typed
# into Excel as numbers.
BASE = {
    "组织": [
        ["组织编码", "组织名称", "上级组织编码", "组织类型", "所属领域", "支部等次", "定级日期"],
        ["15290000", "阿拉善盟委", "", "党委", "", "", ""],
        ["15290100", "阿拉善左旗委", "15290000", "党委", "", "", ""],
        ["15290101", "巴彦浩特镇党委", "15290100", "党委", "", "", ""],
        ["15290111", "乌兰嘎查党支部", "15290101", "党支部", "嘎查村", "后进", "2026-01-01"],
        ["15290112", "新华社区党支部", "15290101", "党支部", "社区", "先进", ""],
        ["15290120", "旗直机关党总支", "15290100", "党总支", "", "", ""],
        ["15290121", "旗直机关第一党支部", "15290120", "党支部", "机关", "", ""],
    ],
    "支部定级": [
        ["组织编码", "支部等次", "定级日期"],
        ["15290111", "中间", "2025-01-01"],
        ["15290121", "先进", "2026-03-01"],
    ],
    "人员": [
        ["人员编号", "姓名", "身份证号", "手机号"],
        ["1001", "张三", ID_ZHANG, "13800138000"],
        ["1002", "李四", "", ""],
        ["1003", "王五", ID_WANG, "13912345678"],
    ],
    "任职": [
        ["人员编号", "组织编码", "职务", "任职日期", "免职日期"],
        ["1001", "15290100", "书记", "2021-01-01", ""],
        ["1002", "15290101", "委员", "", ""],
        ["1003", "15290101", "副书记", "2020-01-01", "2025-12-31"],
    ],
    "联系点": [
        ["人员编号", "组织编码", "联系类型", "开始日期", "结束日期"],
        ["1001", "15290111", "联系点", "2026-01-01", ""],
        ["1002", "15290112", "联系支部", "", "2026-06-30"],
    ],
    "活动": [
        ["人员编号", "组织编码", "活动日期", "活动类型", "内容"],
        ["1001", "15290111", "2026-03-01", "调研指导", "调研基层组织建设"],
        ["1001", "15290111", "2026-04-01", "专题党课", ""],
    ],
    "民生问题": [
        ["问题编号", "组织编码", "问题类别", "问题描述", "发现日期", "状态", "办结日期", "服务队"],
        ["9001", "15290111", "道路交通", "村道破损", "2026-01-05", "已办结", "2026-02-01", "第一服务队"],
        ["9002", "15290112", "饮水安全", "自来水压力不足", "2026-02-01", "办理中", "", ""],
        ["9003", "15290121", "就业创业", "高校毕业生就业", "2026-03-01", "待办理", "", "第一服务队"],
    ],
}


def base():
    """A fresh deep copy of the valid base workbook."""
    return copy.deepcopy(BASE)


def col(book, sheet, column):
    return book[sheet][0].index(column)


def set_cell(book, sheet, row, column, value):
    """Set one cell by Excel row number and column name; returns the book."""
    book[sheet][row - 1][col(book, sheet, column)] = value
    return book


def add_row(book, sheet, **values):
    """Append a row given by column name; returns its Excel row number."""
    header = book[sheet][0]
    unknown = set(values) - set(header)
    assert not unknown, unknown
    book[sheet].append([values.get(c, "") for c in header])
    return len(book[sheet])


def write_csv(folder, book, bom=False):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in book.items():
        with open(folder / f"{sheet}.csv", "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    return folder


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^[1-9]\d{0,14}$")  # what Excel keeps exactly as a number


def write_xlsx(path, book, typed=False):
    """Write the book as one .xlsx file.

    ``typed=False``: every cell is text, as typed with a leading apostrophe.
    ``typed=True``: dates are real date cells and codes, phone numbers and other
    digit strings are numbers, as a user typing them into Excel gets them.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, rows in book.items():
        ws = wb.create_sheet(sheet)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value == "" or value is None:
                    continue
                if typed and r > 1 and isinstance(value, str):
                    if _DATE.match(value):
                        try:
                            value = datetime.date.fromisoformat(value)
                        except ValueError:
                            pass  # an invalid date stays text
                    elif _NUMBER.match(value):
                        value = int(value)
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, str):
                    cell.number_format = "@"
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return Path(path)
