"""Declaring a sheet: its columns, key, help text, rules and how its rows become records.

An app declares each of its sheets as a subclass of :class:`Sheet` in ``<app>/sheets.py``
and registers an instance; :func:`sheets` returns them in workbook order, which is also
the order they are checked and written in (a sheet comes after the sheets it refers to).
"""

import threading
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    kind: str = "text"  # text | date | choice | idcard | mobile (the last two: hints for the template)
    choices: dict = field(default_factory=dict)  # label -> stored value
    max_length: int = 200
    note: str = ""  # a rule the column's kind does not tell, for the template's 填写说明
    ref: str = ""  # the Reference this column's codes point to ("org", "person")
    check: object = None  # text -> error message or None (a shared validator)
    normalize: object = None  # text -> stored text, once ``check`` passed


@dataclass(frozen=True)
class Reference:
    """What another sheet's column may point to: the keys of a sheet, in the file or the database."""

    name: str  # "org"
    label: str  # "组织编码": in "组织编码“X”在文件和数据库中都不存在"
    noun: str  # "组织": in "组织“X”不在您管理的范围内"


class Sheet:
    """One sheet of the workbook. Subclasses set the attributes and override the hooks they need.

    A declaration is shared by every run: what a sheet learns while checking goes on the run,
    in ``run.local`` (kept while this sheet is checked: rows seen …) or ``run.shared`` (kept for
    the other sheets and for writing: codes in the file …).
    """

    name = ""
    columns = ()
    key = ()  # the key columns: a row with an existing key updates that record
    help = ""
    order = 0  # position in the workbook
    after = ()  # names of the sheets whose rows this one may refer to
    provides = None  # a Reference: this sheet's keys are what other sheets' ``ref`` columns name
    models = ()  # the models written, for the statistics refreshed after a load
    # The generic keyed sync (:meth:`apply`): the model, its key and value fields, and :meth:`record`.
    model = None
    key_fields = ()
    value_fields = ()

    @property
    def column_names(self):
        return [c.name for c in self.columns]

    def column(self, name):
        return next(c for c in self.columns if c.name == name)

    # ----- pass 1 --------------------------------------------------------------
    def validate(self, run):
        for number, values, errors in run.rows(self.name):
            self.check_row(run, number, values, errors)
        self.finish(run)
        if run.within is not None:
            self.check_scope(run)

    def check_row(self, run, number, values, errors):
        """One data row, its cells already read (``errors``: (column, message) of bad cells)."""
        run.report_cells(self.name, number, errors)

    def finish(self, run):
        """Rules across rows, once every row of the sheet is known."""

    def check_scope(self, run):
        """With ``run.within``: refuse the rows that reach outside the importer's part of the tree."""

    # ----- references to this sheet's keys ---------------------------------------
    def known(self, run, code):
        """Whether ``code`` is a key of this sheet, in the file or the database."""
        return False

    def in_scope(self, run, code):
        return True

    # ----- pass 2 --------------------------------------------------------------
    def applies(self, run):
        return run.present(self.name)

    def record(self, run, values):
        """A row as (key tuple, value tuple) of ``key_fields`` and ``value_fields``."""
        raise NotImplementedError

    def apply(self, run):
        run.sync(self.name, self.model, self.key_fields, self.value_fields, lambda v: self.record(run, v))


_registry = {}
_discovering = threading.RLock()
_discovered = False


def register(sheet):
    """Add a sheet (an instance); registering a sheet of the same name again replaces it."""
    _registry[sheet.name] = sheet
    return sheet


def sheets():
    """Every registered sheet, in workbook order (each after the sheets it refers to)."""
    global _discovered
    if not _discovered:
        with _discovering:  # two threads' first imports at once: the second waits for every sheet
            if not _discovered:
                autodiscover_modules("sheets")
                _discovered = True
    ordered = sorted(_registry.values(), key=lambda s: s.order)
    seen = set()
    for s in ordered:
        missing = [a for a in s.after if a not in seen]
        assert not missing, f"工作表“{s.name}”排在它所依赖的 {missing} 之前"
        seen.add(s.name)
    return ordered


def sheet(name):
    """The registered sheet of that name, or None."""
    sheets()
    return _registry.get(name)
