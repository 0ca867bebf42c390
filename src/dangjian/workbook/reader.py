"""Reading a workbook: one ``.xlsx`` file (python-calamine) or a folder of ``<sheet>.csv`` files.

Rows are streamed: a sheet is read as an iterator of ``(row_number, cells)`` with
Excel's row numbers (the header is row 1), so that validation and writing can each
go over a large workbook without holding it in memory.
"""

import csv
import datetime
from pathlib import Path

from python_calamine import CalamineWorkbook


class WorkbookError(Exception):
    """The file cannot be read as a workbook at all."""


class TooManyRows(Exception):
    """A CSV sheet goes on past the row limit."""


class LongNumber(str):
    """The text of a number cell too long for Excel to have kept exactly (a 身份证号 typed as a number)."""


def _cell_text(value):
    """A cell as text for validation; real dates stay dates."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            if abs(value) >= 1e15:  # Excel keeps 15 significant digits: the rest are already lost
                return LongNumber(int(value))
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


class Source:
    """Sheets of one workbook, by name."""

    def __init__(self, path, display_name="", max_rows=None, cell_chars=None):
        self.path = Path(path)
        self.max_rows = max_rows  # of a CSV sheet (an .xlsx sheet's size is checked before it is read)
        self.cell_chars = cell_chars  # of a CSV field
        if self.path.is_dir():
            self.kind = "csv"
            self._files = {p.stem: p for p in sorted(self.path.glob("*.csv"))}
            self.sheet_names = list(self._files)
        elif self.path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
            self.kind = "xlsx"
            try:
                self._book = CalamineWorkbook.from_path(str(self.path))
            except Exception as exc:  # calamine raises several types for unreadable files
                raise WorkbookError(f"无法读取工作簿 {display_name or self.path.name}：文件已损坏或不是 Excel 工作簿"
                                    "（请用 Excel 或 WPS 打开后另存为 .xlsx 再上传）") from exc
            self.sheet_names = list(self._book.sheet_names)
        else:
            raise WorkbookError(f"不支持的文件：{display_name or self.path.name}（应为 .xlsx 工作簿或 CSV 文件夹）")

    def rows(self, sheet):
        """Yield (row_number, [cell, …]) for every row, the header first as row 1."""
        if self.kind == "csv":
            # A longer field is a csv.Error before it is held; the module's limit is global: put back after.
            before = csv.field_size_limit(self.cell_chars) if self.cell_chars else None
            limit = self.max_rows or float("inf")
            try:
                with open(self._files[sheet], encoding="utf-8-sig", newline="") as fh:
                    for number, row in enumerate(csv.reader(fh), start=1):
                        if number > limit:
                            raise TooManyRows(limit)
                        yield number, [c.strip() for c in row]
            finally:
                if before is not None:
                    csv.field_size_limit(before)
        else:
            for number, row in numbered_rows(self._book.get_sheet_by_name(sheet)):
                yield number, [_cell_text(c) for c in row]


def numbered_rows(ws):
    """Yield (row_number, raw cells) of a calamine sheet, numbered as Excel numbers them."""
    start = ws.start
    if start is None:  # an empty sheet
        return
    rows = iter(ws.iter_rows())
    first_row = next(rows, None)
    if first_row is None:
        return
    # ``start`` is the first row holding data. Some python-calamine versions begin
    # iter_rows() there, others at the sheet's row 1 (python-calamine#177). The row
    # at ``start`` is never blank, so a blank first row means the rows begin at row 1.
    first = start[0]
    if first and not any(c not in ("", None) for c in first_row):
        first = 0
    yield first + 1, first_row
    for offset, row in enumerate(rows, start=1):
        yield first + offset + 1, row
