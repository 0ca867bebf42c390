"""Writing the cells of a workbook people open: text stays text (no formula from a name).

Excel and WPS take a cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (OWASP's "CSV injection"); openpyxl itself writes a str that
begins with ``=`` as a formula (``<f>``) and ``#N/A`` and the like as error codes. A name,
a category or an activity's content comes from a form or an import, so every exporter
passes its values through :func:`safe_row` (or :func:`safe_cell` for a styled cell):

* text is written as an inline string (``<c t="inlineStr"><is><t>…</t></is></c>``), its
  characters exactly as they are, never as ``<f>`` or an error code, so that the import
  (which reads the cell's text) gets back the same text;
* text that begins with one of those characters also gets the cell style ``quotePrefix``
  (Excel's leading apostrophe: the cell shows ``'`` in the formula bar), so it stays text
  when someone edits the cell and presses Enter;
* characters XML 1.0 cannot hold are dropped (openpyxl would refuse the whole file).

Works in openpyxl's normal and write-only modes. The kit writes no CSV for people: the
exports are workbooks, and ``dangjian gen`` writes its CSV for the import, not for a
spreadsheet (README, 导出的安全).
"""

import re

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot hold (tab, newline and carriage return aside).
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def looks_like_formula(text):
    """Whether a spreadsheet would read this text as a formula if it were typed in."""
    return text.startswith(FORMULA_TRIGGERS)


def safe_cell(ws, value, **style):
    """A cell of ``ws`` holding ``value``, text as inert text; ``style``: attributes to set (font, fill …)."""
    text = isinstance(value, str)
    if text:
        value = ILLEGAL_CHARACTERS.sub("", value)
    cell = WriteOnlyCell(ws, value)
    if text:
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def safe_value(ws, value):
    """``value`` itself where openpyxl writes it as it is (numbers, dates, plain text), else a safe cell."""
    if isinstance(value, str) and (looks_like_formula(value) or value in ERROR_CODES
                                   or ILLEGAL_CHARACTERS.search(value)):
        return safe_cell(ws, value)
    return value


def safe_row(ws, values):
    """A row for ``ws.append``: every text value inert (see the module's docstring)."""
    return [safe_value(ws, v) for v in values]
