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

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from .bulk import insert_rows
from .cells import cleaner
from .declare import sheets as registered_sheets
from python_calamine import CalamineError

from .guard import NUL_MESSAGE, Limits, inspect
from .reader import Source, TooManyRows, WorkbookError
from .report import ImportReport, RowError

BATCH = 2000
INSTRUCTIONS_SHEET = "填写说明"  # the template's own sheet: skipped without a warning



class Run:
    def __init__(self, path, dry_run=False, within=None, within_label="", display_name="", limits=None,
                 size_limit=False):
        """Raises WorkbookError (guard.Refused) for a file refused before it is parsed (guard.py)."""
        limits = limits or Limits.from_settings()
        # CSV sheets with a NUL byte somewhere (their cells are searched), .xlsx cells refused by the trial read.
        self.suspect, self.findings = inspect(path, display_name, limits, size_limit=size_limit)
        self.source = Source(path, display_name, max_rows=limits.rows, cell_chars=limits.cell_chars)
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
        # A message may quote a cell: no NUL from it may reach the run's JSON (PostgreSQL refuses \u0000).
        self.report.errors.append(RowError(sheet, row, column.replace("\x00", ""), message.replace("\x00", "")))

    def warn(self, sheet, row, column, message):
        self.report.warnings.append(RowError(sheet, row, column.replace("\x00", ""), message.replace("\x00", "")))

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
        nul = sheet in self.suspect
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
            if nul:  # only a sheet whose file holds a NUL byte pays for this
                errors = self._nul_cells(cells, placed, errors)
            yield number, values, errors

    @staticmethod
    def _nul_cells(cells, placed, errors):
        """A cell holding NUL is an error of its own (PostgreSQL cannot store it), instead of any other."""
        bad = {name for _, name, i, _clean in placed if i is not None and i < len(cells) and "\x00" in cells[i]}
        if not bad:
            return errors
        return [e for e in errors if e[0] not in bad] + [(name, NUL_MESSAGE) for name in sorted(bad)]

    def _source_rows(self, sheet):
        """The raw rows of one sheet; a file that cannot be read as text is an error, not a crash."""
        number = 0
        file = f"{sheet}.csv" if self.source.kind == "csv" else self.display_name
        try:
            for number, cells in self.source.rows(sheet):
                yield number, cells
        except UnicodeDecodeError:
            self.error(sheet, number + 1, "", f"文件 {file} 不是 UTF-8 编码，请另存为“CSV UTF-8（逗号分隔）”后再导入")
        except TooManyRows as exc:
            self.error(sheet, number + 1, "", f"文件 {file} 超过 {exc.args[0]} 行的上限，其后的行未读取，未导入")
        except csv.Error as exc:
            if "field larger" in str(exc):
                message = f"文件 {file} 第 {number + 1} 行有超过 {self.source.cell_chars} 个字符的单元格，未导入"
            else:  # the csv module's messages are English: say what to do instead
                message = (f"文件 {file} 第 {number + 1} 行附近的 CSV 格式有误（引号不成对或换行异常），"
                           "请用 Excel 或 WPS 打开后另存为“CSV UTF-8（逗号分隔）”再导入")
            self.error(sheet, number + 1, "", message)
        except CalamineError as exc:  # checked by the trial read, so unexpected: still the user's file, in Chinese
            self.error(sheet, number + 1, "", f"无法读取工作簿 {file} 的工作表“{sheet}”（{type(exc).__name__}），"
                       "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入")

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
        for f in self.findings:  # the cells the trial read refused (over-long, NUL)
            self.error(f.sheet, f.row, f.column, f.message)
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
        try:
            return self._write()
        except OperationalError as exc:  # SQLite: another writer held the database past its busy timeout
            if connection.vendor == "sqlite" and "locked" in str(exc):
                raise ImportBusy(f"另一项导入正在写入数据库，等待后仍未结束；{self.display_name} 未写入任何数据，"
                                 "请稍后重新导入") from exc
            raise

    def _write(self):
        with transaction.atomic():
            if not self.dry_run:
                hold_import_lock(self.display_name)
                # What pass 1 read from the database (its codes and ids) may predate an import that
                # committed meanwhile: pass 2 reads it again, under the lock.
                self._cache.clear()
            self.apply()
            if self.report.errors:  # the file changed between the passes and no longer reads
                transaction.set_rollback(True)
                self.report.sort()
                return self.report
            if self.changed() and not self.dry_run:  # importing the same data again writes nothing at all
                self.after_write()
                refresh_statistics([m._meta.db_table for s in self.sheets for m in s.models])
        return self.report


class ImportBusy(WorkbookError):
    """Another import held the database longer than this one would wait."""


IMPORT_LOCK = 0x646A696D  # "djim": the advisory lock every writing import takes, whoever starts it
LOCK_WAIT = 600  # seconds a second import waits for the first (settings.DANGJIAN_IMPORT_LOCK_WAIT)


def hold_import_lock(display_name=""):
    """One writing import at a time, until its transaction ends (browser or command line, same database).

    Two imports writing at once both created the same new codes and one ended in a raw
    IntegrityError. On PostgreSQL the second waits for the first (an advisory lock held to the
    end of the transaction) and then compares with what the first wrote; after the wait it is
    refused in Chinese. SQLite's IMMEDIATE transactions serialise writers already.
    """
    if connection.vendor != "postgresql":
        return
    wait = int(getattr(settings, "DANGJIAN_IMPORT_LOCK_WAIT", LOCK_WAIT))
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{wait}s'")
        try:
            with transaction.atomic():  # a savepoint: a timeout leaves the outer transaction usable to roll back
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        except OperationalError as exc:
            raise ImportBusy(f"另一项导入正在写入数据库，等待 {wait} 秒后仍未结束；{display_name} 未写入任何数据，"
                             "请稍后重新导入") from exc
        cursor.execute("SET LOCAL lock_timeout = DEFAULT")


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
