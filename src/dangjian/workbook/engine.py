"""The two passes over a streamed workbook (CONTRACT §2): check everything, then write everything, or nothing.

1. *validate*: every row of every present sheet is checked and every error collected,
   with sheet, row (as Excel numbers it), column and a Chinese message. Sheets keep
   only keys and codes (in ``run.shared``), to find duplicates, dangling references
   and cycles.
2. *apply* (only when pass 1 found nothing): inside one transaction each sheet is read
   again and synchronised with the database in batches: new keys are created, changed
   records updated, identical ones left alone, so a second import of the same data
   writes nothing. ``dry_run`` runs the same comparison and only counts.

``within`` (the paths of the subtrees a banner administrator manages) confines an
import: each sheet says, through :meth:`Sheet.check_scope` and its references, how
its rows reach the organization tree.
"""

import csv

from django.db import connection, transaction
from django.utils import timezone

from .bulk import insert_rows
from .cells import cleaner
from .declare import sheets as registered_sheets
from .reader import Source
from .report import ImportReport, RowError

BATCH = 2000
INSTRUCTIONS_SHEET = "填写说明"  # the template's own sheet: skipped without a warning


class Run:
    def __init__(self, path, dry_run=False, within=None, within_label="", display_name=""):
        self.source = Source(path, display_name)
        self.display_name = display_name or self.source.path.name
        self.sheets = registered_sheets()
        self.by_name = {s.name: s for s in self.sheets}
        self.within = None if within is None else tuple(within)
        self.within_label = within_label
        self.dry_run = dry_run
        self.report = ImportReport(dry_run=dry_run, order={s.name: i for i, s in enumerate(self.sheets)})
        self.shared = {}  # what sheets learn in pass 1 and keep for the others and for pass 2
        self.local = {}  # what one sheet keeps while it is checked (rows seen …): dropped after it
        self._cache = {}
        self.touched = {}  # model label -> ids of the records this import created or changed (for the audit)
        self._warned = set()  # (sheet, column) already warned about: a sheet is read more than once
        self._refs = {s.provides.name: s for s in self.sheets if s.provides is not None}
        self._column_refs = {(s.name, c.name): c.ref for s in self.sheets for c in s.columns if c.ref}

    # ----- helpers for the sheets --------------------------------------------------
    def error(self, sheet, row, column, message):
        self.report.errors.append(RowError(sheet, row, column, message))

    def warn(self, sheet, row, column, message):
        self.report.warnings.append(RowError(sheet, row, column, message))

    def touch(self, label, ids):
        """Note records the import created or changed, or wrote something at (their pages show the import)."""
        self.touched.setdefault(label, set()).update(i for i in ids if i is not None)

    def cached(self, name, make):
        """A value computed once per run (a map of the database's codes …) until :meth:`forget`."""
        if name not in self._cache:
            self._cache[name] = make()
        return self._cache[name]

    def forget(self, name):
        self._cache.pop(name, None)

    def present(self, name):
        return name in self.source.sheet_names

    def report_cells(self, sheet, number, errors):
        for column, message in errors:
            if message is not None:  # None: a missing required column, reported at row 1
                self.error(sheet, number, column, message)
        return bool(errors)

    def check_ref(self, sheet, number, column, code, scoped=True):
        """Whether ``code`` in ``column`` names a known key of the sheet its column refers to (and, with
        ``within``, one inside the importer's scope); an error is reported when not."""
        if code is None:
            return True
        target = self._refs[self._column_refs[(sheet, column)]]
        ref = target.provides
        if not target.known(self, code):
            self.error(sheet, number, column, f"{ref.label}“{code}”在文件和数据库中都不存在")
            return False
        if scoped and self.within is not None and not target.in_scope(self, code):
            self.out_of_scope(sheet, number, column, f"{ref.noun}“{code}”")
            return False
        return True

    def out_of_scope(self, sheet, number, column, what):
        where = f"（{self.within_label}）" if self.within_label else ""
        self.error(sheet, number, column, f"{what}不在您管理的范围内{where}，不能导入")

    def rows(self, sheet):
        """Yield (row, values, errors) for the data rows of one sheet, cells checked."""
        spec = self.by_name[sheet]
        names = set(spec.column_names)
        header = None
        for number, cells in self._source_rows(sheet):
            if header is None:
                header = {}
                for i, name in enumerate(cells):
                    name = str(name).strip() if name else ""
                    if not name:
                        continue
                    if name in names:
                        header[name] = i
                    elif (sheet, name) not in self._warned:
                        self._warned.add((sheet, name))
                        self.warn(sheet, number, name, "未知列，已忽略")
                for column in spec.columns:
                    if column.required and column.name not in header:
                        self.error(sheet, number, column.name, "缺少必填列")
                # Each column with its place in this file's header, worked out once per sheet, not per cell.
                placed = [(column, column.name, header.get(column.name), cleaner(column)) for column in spec.columns]
                continue
            if not any(c not in ("", None) for c in cells):
                continue
            values, errors = {}, []
            width = len(cells)
            for column, name, i, clean in placed:
                if i is None:
                    if column.required:
                        # Reported once for the header: the row is marked bad without a message of its
                        # own, and its other cells and its key are still checked (no cascade of errors
                        # about codes this sheet does hold).
                        values[name] = None
                        errors.append((name, None))
                        continue
                    raw = ""
                else:
                    raw = cells[i] if i < width else ""
                value, message = clean(raw)
                values[name] = value
                if message:
                    errors.append((name, message))
            yield number, values, errors

    def _source_rows(self, sheet):
        """The raw rows of one sheet; a file that cannot be read as text is an error, not a crash."""
        number = 0
        try:
            for number, cells in self.source.rows(sheet):
                yield number, cells
        except UnicodeDecodeError:
            self.error(sheet, number + 1, "", "文件不是 UTF-8 编码，请另存为“CSV UTF-8（逗号分隔）”后再导入")
        except csv.Error as exc:
            self.error(sheet, number + 1, "", f"CSV 格式错误：{exc}")

    def code_ids(self, model, file_codes):
        """code -> id of a model's records; in a dry run, records that would be new get ids matching nothing."""
        ids = dict(model.objects.values_list("code", "id").iterator(chunk_size=5000))
        if self.dry_run:
            for i, code in enumerate(c for c in file_codes if c not in ids):
                ids[code] = -(i + 1)
        return ids

    def sync(self, sheet, model, key_fields, value_fields, convert, sealed=(), sealer=None):
        """Create new keys, update changed values, leave identical records alone (in batches).

        ``sealed``: value fields the model holds sealed (``records.sealed``: columns ``<f>_sealed`` and
        ``<f>_digest``), with the ``sealer`` of the data key. They are compared by their keyed digest,
        never by decrypting a stored row; only the rows written are encrypted, a batch in one call.
        """
        at = [i for i, f in enumerate(value_fields) if f in sealed]
        stored = [f"{f}_digest" if f in sealed else f for f in value_fields]  # what is compared
        existing = {}
        for row in model.objects.values_list("id", *key_fields, *stored).iterator(chunk_size=10000):
            existing[row[1:1 + len(key_fields)]] = (row[0], row[1 + len(key_fields):])
        create, update = [], []
        # bulk_update skips auto_now: a changed record gets its new 更新时间 here.
        stamped = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        ciphertexts = [f"{value_fields[i]}_sealed" for i in at]
        update_fields = [*stored, *ciphertexts, "updated_at"] if stamped else [*stored, *ciphertexts]
        extra = {"updated_at": timezone.now()} if stamped else {}
        fields = [*key_fields, *stored, *ciphertexts]  # a new row: its key, its values, then its ciphertexts
        touch = self._toucher(model, fields)
        plain = {i: [] for i in at}  # the plaintexts of the rows waiting in ``create``, by value position
        digests = [(i, sealer.digester(value_fields[i])) for i in at]

        def sealed_rows(rows):
            """``rows`` with their ciphertexts added: each sealed field's batch in one SM4 call."""
            if not at:
                return rows
            texts = [sealer.encrypt_many(value_fields[i], plain[i], [r[len(key_fields) + i] for r in rows])
                     for i in at]
            for i in at:
                plain[i].clear()
            return [(*r, *t) for r, t in zip(rows, zip(*texts))]

        new = unchanged = 0  # counted here, added to the report once: most rows are one or the other
        for _, v, _ in self.rows(sheet):
            key, values = convert(v)
            if at:
                given, values = values, list(values)
                for i, digest in digests:
                    values[i] = digest(given[i])
                values = tuple(values)
            found = existing.get(key)
            if found is None:
                new += 1
                if not self.dry_run:
                    create.append((*key, *values))
                    for i in at:
                        plain[i].append(given[i] or "")
                    if len(create) >= BATCH:
                        rows = sealed_rows(create)
                        touch(rows, insert_rows(model, fields, rows, returning=touch.needs_ids))
                        create = []
            elif found[1] != values:
                self.report.count(sheet, "updated")
                if not self.dry_run:
                    obj = model(id=found[0], **dict(zip(key_fields, key)), **dict(zip(stored, values)),
                                **extra)  # the key too: the audit ties the change to its organization
                    for i, column in zip(at, ciphertexts):  # few rows change: each sealed on its own
                        setattr(obj, column, sealer.encrypt_many(value_fields[i], [given[i] or ""],
                                                                 [values[i]])[0])
                    update.append(obj)
                    if len(update) >= BATCH:
                        model.objects.bulk_update(update, update_fields)
                        touch([[getattr(o, f) for f in fields] for o in update], [o.pk for o in update])
                        update = []
            else:
                unchanged += 1
        self.report.count(sheet, "new", new)
        self.report.count(sheet, "unchanged", unchanged)
        if not self.dry_run:
            if create:
                rows = sealed_rows(create)
                touch(rows, insert_rows(model, fields, rows, returning=touch.needs_ids))
            if update:
                model.objects.bulk_update(update, update_fields)
                touch([[getattr(o, f) for f in fields] for o in update], [o.pk for o in update])

    def _toucher(self, model, fields):
        """What a written row of ``model`` names for the audit: itself when it has a code (a person, a
        problem), and the organization it is at (a post, a link, an activity): their pages show the import.

        The function takes the rows written (values of ``fields``) and their ids (needed only when
        ``touch.needs_ids``: new rows' ids are asked of the database just for that)."""
        label = model._meta.label_lower
        own = "code" in fields
        at = fields.index("organization_id") if "organization_id" in fields else None
        touched = self.touched

        def touch(rows, ids):
            if own:
                touched.setdefault(label, set()).update(ids)
            if at is not None:
                touched.setdefault("orgs.organization", set()).update(
                    [r[at] for r in rows if r[at] is not None])
        touch.needs_ids = own
        return touch

    # ----- the passes --------------------------------------------------------------
    def validate(self):
        for name in self.source.sheet_names:
            if name not in self.by_name and name != INSTRUCTIONS_SHEET:
                self.warn(name, 1, "", "未知工作表，已忽略")
        for s in self.sheets:
            if self.present(s.name):
                self.local = {}
                s.validate(self)
        self.local = {}  # a large sheet's keys need not stay in memory while the next is written
        return self.report.ok

    def apply(self):
        for s in self.sheets:
            if s.applies(self):
                s.apply(self)

    def changed(self):
        return any(c["new"] or c["updated"] for c in self.report.counts.values())

    def after_write(self):
        """Called inside the transaction when a real import changed something (the audit event …)."""

    def run(self):
        if not self.validate():
            self.report.sort()
            return self.report
        with transaction.atomic():
            self.apply()
            if self.report.errors:  # the file changed between the passes and no longer reads
                transaction.set_rollback(True)
                self.report.sort()
                return self.report
            if self.changed() and not self.dry_run:  # importing the same data again writes nothing at all
                self.after_write()
                refresh_statistics([m._meta.db_table for s in self.sheets for m in s.models])
        return self.report


def refresh_statistics(tables):
    """Refresh the planner's statistics after a bulk load.

    Right after a large import the tables' statistics describe the old data, and the
    planners then pick nested loops where hash joins belong: on PostgreSQL a province's
    check went from 20 s to 0.5 s with fresh statistics. Both databases allow this
    inside the import's transaction.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(tables))
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 1000")  # sampled statistics: fast on large tables
            for table in tables:
                cursor.execute(f'ANALYZE "{table}"')
