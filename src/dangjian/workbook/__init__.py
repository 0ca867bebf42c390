"""A generic workbook engine: sheets declared by the apps that own them, read, checked and applied.

This package imports no domain app. Each app declares its sheets in ``<app>/sheets.py``
(a :class:`Sheet` subclass per sheet, passed to :func:`register`); the import, the
template, the error workbook and the synthetic data all read those declarations.

The names below are loaded on first use (PEP 562), so that a command needing only
:mod:`.bulk` (the daily sweep) does not pay for the reader and the engine at start-up.
"""

from importlib import import_module

_WHERE = {"Column": "declare", "Reference": "declare", "Sheet": "declare", "register": "declare", "sheet": "declare",
          "sheets": "declare", "Run": "engine", "LongNumber": "reader", "Source": "reader", "WorkbookError": "reader",
          "ImportReport": "report", "RowError": "report"}

__all__ = sorted(_WHERE)


def __getattr__(name):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted([*globals(), *_WHERE])
