"""A generic workbook engine: sheets declared by the apps that own them, read, checked and applied.

This package imports no domain app. Each app declares its sheets in ``<app>/sheets.py``
(a :class:`Sheet` subclass per sheet, passed to :func:`register`); the import, the
template, the error workbook and the synthetic data all read those declarations.
"""

from .declare import Column, Reference, Sheet, register, sheet, sheets
from .engine import Run
from .reader import LongNumber, Source, WorkbookError
from .report import ImportReport, RowError

__all__ = ["Column", "ImportReport", "LongNumber", "Reference", "RowError", "Run", "Sheet", "Source",
           "WorkbookError", "register", "sheet", "sheets"]
