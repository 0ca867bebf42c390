"""Importing a workbook (CONTRACT §2): the generic engine (:mod:`dangjian.workbook`) over the sheets the
apps declare (``<app>/sheets.py``), with the import's audit event.

Validate everything, then write everything, or nothing; see :mod:`dangjian.workbook.engine`.
"""

from dangjian.audit.services import record
from dangjian.workbook import ImportReport, RowError, Run
from dangjian.workbook.engine import refresh_statistics

__all__ = ["ImportReport", "Importer", "RowError", "import_workbook", "refresh_statistics"]


class Importer(Run):
    def __init__(self, path, dry_run=False, actor=None, within=None, within_label="", display_name="",
                 audit_org=None, size_limit=False):
        """``within``: the paths of the subtrees the importing user manages (None: the whole tree).

        Every organization the workbook creates, changes or refers to must then lie in one of
        them, and so must every existing problem and changed person it touches; each row that
        reaches outside is an error like any other, and nothing is written.
        """
        super().__init__(path, dry_run=dry_run, within=within, within_label=within_label,
                         display_name=display_name, size_limit=size_limit)
        self.actor = actor
        self.audit_org = audit_org  # where the import's audit event is filed, so supervisors there see it

    def after_write(self):
        """One audit event for the import, tied to every organization and person (and problem) it created
        or changed or wrote a record at, so that their own pages show how they came to be."""
        changes = {s: dict(c) for s, c in self.report.counts.items()}
        record("workbook imported", actor=self.actor, label="" if self.actor else "命令行导入",
               organization=self.audit_org, after={"file": self.display_name, "counts": changes},
               ties={label: (ids, label == "orgs.organization") for label, ids in self.touched.items()})


def import_workbook(path, dry_run=False, actor=None):
    return Importer(path, dry_run=dry_run, actor=actor).run()
