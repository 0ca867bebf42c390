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
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


class Source:
    """Sheets of one workbook, by name."""

    def __init__(self, path):
        self.path = Path(path)
        if self.path.is_dir():
            self.kind = "csv"
            self._files = {p.stem: p for p in sorted(self.path.glob("*.csv"))}
            self.sheet_names = list(self._files)
        elif self.path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
            self.kind = "xlsx"
            try:
                self._book = CalamineWorkbook.from_path(str(self.path))
            except Exception as exc:  # calamine raises several types for unreadable files
                raise WorkbookError(f"无法读取工作簿 {self.path.name}：{exc}") from exc
            self.sheet_names = list(self._book.sheet_names)
        else:
            raise WorkbookError(f"不支持的文件：{self.path.name}（应为 .xlsx 工作簿或 CSV 文件夹）")

    def rows(self, sheet):
        """Yield (row_number, [cell, …]) for every row, the header first as row 1."""
        if self.kind == "csv":
            with open(self._files[sheet], encoding="utf-8-sig", newline="") as fh:
                for number, row in enumerate(csv.reader(fh), start=1):
                    yield number, [c.strip() for c in row]
        else:
            ws = self._book.get_sheet_by_name(sheet)
            # calamine drops leading empty rows; start= tells where the data begins.
            first = (ws.start or (0, 0))[0] if hasattr(ws, "start") else 0
            for offset, row in enumerate(ws.iter_rows()):
                yield first + offset + 1, [_cell_text(c) for c in row]
