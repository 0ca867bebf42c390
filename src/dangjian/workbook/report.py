"""What an import found: errors and warnings by sheet, row and column, and the counts per sheet."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class RowError:
    sheet: str
    row: int  # as Excel numbers it: the header is row 1
    column: str
    message: str

    def __str__(self):
        return f"{self.sheet}, {self.row}, {self.column}, {self.message}"


@dataclass
class ImportReport:
    dry_run: bool = False
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # sheet -> Counter(new, updated, unchanged)
    order: dict = field(default_factory=dict, repr=False)  # sheet name -> position, for sorting errors

    @property
    def ok(self):
        return not self.errors

    def count(self, sheet, what, n=1):
        counts = self.counts.get(sheet)
        if counts is None:
            counts = self.counts[sheet] = Counter({"new": 0, "updated": 0, "unchanged": 0})
        counts[what] += n

    def error_order(self, e):
        return (self.order.get(e.sheet, 99), e.row, e.column, e.message)

    def sort(self):
        self.errors.sort(key=self.error_order)

    def as_dict(self):
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "errors": [e.__dict__ for e in sorted(self.errors, key=self.error_order)],
            "warnings": [w.__dict__ for w in self.warnings],
            "counts": {s: dict(c) for s, c in self.counts.items()},
        }
