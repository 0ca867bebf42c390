"""Backups: the whole database and the private media in one portable archive, and back.

The archive is a zip file:

- ``manifest.json``: the format, when and from which database it was made, the
  migrations applied, and per table (in dependency order) its model, its columns and
  its row count;
- ``tables/<table>.jsonl``: one JSON array per row, the columns' values in the
  manifest's order (dates and times in ISO 8601, decimals and UUIDs as strings, bytes
  in base64, JSON fields as JSON);
- ``media/<path>``: every file under MEDIA_ROOT (activity photos, staged imports).

It is table by table, not model by model through the ORM's serializers (dumpdata and
loaddata): rows are read as values in chunks and written back with one parameterized
INSERT per batch, so no ``save()``, no ``auto_now``, no signal runs and every row comes
back as it was, primary keys, timestamps and text alike (the audit trail's hash chain
verifies after a restore). Reading and writing are streamed: memory stays flat whatever
the size. Values go through each field's own conversion, so an archive made from SQLite
restores into PostgreSQL and back.

A restore writes into an empty database only, in one transaction: all or nothing.
PostgreSQL's sequences are then set past the restored keys (SQLite's AUTOINCREMENT
follows explicit keys by itself).
"""

import base64
import datetime
import decimal
import json
import os
import shutil
import tempfile
import uuid
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.duration import duration_iso_string

FORMAT = "dangjian-backup"
VERSION = 1
CHUNK = 2000
# Rows `migrate` itself writes into a new database: a restore replaces them with the backup's.
SEEDED = {"contenttypes.contenttype", "auth.permission", "audit.auditchain"}  # the chain's head: the backup's own


class BackupError(Exception):
    """A backup or restore refused, with a Chinese message for the operator."""


# --- which tables, in which order --------------------------------------------------------------

def _models(registry=apps):
    """Every concrete table of the installed apps (many-to-many tables too), parents before children.

    ``registry``: the apps as they are, or as a set of migrations left them (a restore of an
    older backup loads into the tables as they were then).
    """
    found = {}
    for model in registry.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        found.setdefault(meta.db_table, model)
    ordered, done = [], set()

    def visit(model, trail=()):
        table = model._meta.db_table
        if table in done or table in trail:
            return
        for field in model._meta.concrete_fields:
            target = field.remote_field.model if field.is_relation and field.remote_field else None
            if target is not None and target._meta.db_table in found and target._meta.db_table != table:
                visit(found[target._meta.db_table], (*trail, table))
        done.add(table)
        ordered.append(model)

    for table in sorted(found):
        visit(found[table])
    return ordered


def _columns(model):
    return [f for f in model._meta.concrete_fields]


# --- values to JSON and back -------------------------------------------------------------------

def _encode(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    raise TypeError(f"cannot back up a {type(value).__name__}")


# Fields whose JSON value is already what they save (text, numbers, booleans, JSON).
_AS_IS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.FloatField,
          models.JSONField)


def _decoder(field):
    """How to turn a column's JSON value back into what the field saves (None: as it is)."""
    target = field.target_field if field.is_relation else field
    return None if isinstance(target, _AS_IS) else target.to_python


# --- backup ------------------------------------------------------------------------------------

def _applied_migrations(connection):
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return []
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _media_files(root):
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def backup(out, using="default", progress=None):
    """Write the database ``using`` and MEDIA_ROOT to the zip file ``out``; return the manifest.

    The file appears only when complete (written beside it, then renamed). All tables are
    read in one snapshot: a read transaction on SQLite (WAL: writers go on), REPEATABLE
    READ on PostgreSQL.
    """
    out = Path(out)
    connection = connections[using]
    tables = []
    part = out.with_name(out.name + ".part")
    try:
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1,
                             allowZip64=True) as archive:
            with _snapshot(connection):
                migrations = _applied_migrations(connection)
                for model in _models():
                    tables.append(_dump_table(archive, model, using))
                    if progress:
                        progress(tables[-1])
            media = []
            root = Path(settings.MEDIA_ROOT)
            for path in _media_files(root):
                name = path.relative_to(root).as_posix()
                archive.write(path, "media/" + name, compress_type=zipfile.ZIP_STORED)
                media.append(name)
            manifest = {
                "format": FORMAT, "version": VERSION, "created_at": timezone.now().isoformat(),
                "database": connection.vendor, "migrations": migrations, "tables": tables,
                "media": len(media),
            }
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return manifest


class _snapshot:
    """One consistent read of every table, without holding the writers back."""

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        self.connection.ensure_connection()
        if self.connection.vendor == "postgresql":
            self.atomic = transaction.atomic(using=self.connection.alias)
            self.atomic.__enter__()
            with self.connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        elif self.connection.in_atomic_block:
            self.atomic = transaction.atomic(using=self.connection.alias)  # already one transaction
            self.atomic.__enter__()
        else:
            # Django opens SQLite transactions IMMEDIATE (a write lock); a plain BEGIN is a
            # read snapshot in WAL mode, and the writers carry on beside it.
            self.atomic = None
            with self.connection.cursor() as cursor:
                cursor.execute("BEGIN")
        return self

    def __exit__(self, *exc):
        if self.atomic is not None:
            return self.atomic.__exit__(*exc)
        with self.connection.cursor() as cursor:
            cursor.execute("ROLLBACK")
        return False


def _dump_table(archive, model, using):
    fields = _columns(model)
    names = [f.attname for f in fields]
    count = 0
    rows = model._base_manager.using(using).order_by("pk").values_list(*names)
    with archive.open(f"tables/{model._meta.db_table}.jsonl", "w", force_zip64=True) as raw:
        buffer = []
        for row in rows.iterator(chunk_size=CHUNK):
            buffer.append(json.dumps(row, ensure_ascii=False, default=_encode, separators=(",", ":")))
            count += 1
            if len(buffer) >= CHUNK:
                raw.write(("\n".join(buffer) + "\n").encode())
                buffer = []
        if buffer:
            raw.write(("\n".join(buffer) + "\n").encode())
    return {"table": model._meta.db_table, "model": model._meta.label_lower,
            "columns": [f.column for f in fields], "rows": count}


# --- restore -----------------------------------------------------------------------------------

def read_manifest(archive):
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as error:
        raise BackupError("不是 dangjian 的备份文件（缺少或无法读取 manifest.json）") from error
    if manifest.get("format") != FORMAT:
        raise BackupError("不是 dangjian 的备份文件（manifest.json 的 format 不符）")
    if manifest.get("version") != VERSION:
        raise BackupError(f"备份文件的格式版本 {manifest.get('version')} 不受支持（本程序读取版本 {VERSION}）")
    return manifest


def _not_empty(using, registry):
    """The tables of ``using`` that already hold rows (other than those `migrate` fills)."""
    full = []
    for model in _models(registry):
        if model._meta.label_lower in SEEDED:
            continue
        n = model._base_manager.using(using).count()
        if n:
            full.append((model._meta.db_table, n))
    return full


def restore(source, using="default", progress=None):
    """Load the archive ``source`` into the empty database ``using`` and its media into MEDIA_ROOT."""
    try:
        return _restore(source, using, progress)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:  # a bad checksum or a cut-off file
        raise BackupError(f"备份文件 {source} 已损坏，什么也没有恢复：{error}") from error


def _restore(source, using, progress):
    from django.core.management import call_command

    connection = connections[using]
    try:
        archive = zipfile.ZipFile(source)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(f"无法读取备份文件 {source}：{error}") from error
    with archive:
        manifest = read_manifest(archive)
        executor = MigrationExecutor(connection)
        graph = executor.loader.graph
        theirs = {tuple(m) for m in manifest["migrations"]}
        newer = sorted(theirs - set(graph.nodes))
        if newer:
            raise BackupError("备份来自更新版本的程序（本程序没有迁移 " + "、".join(f"{a}.{n}" for a, n in newer)
                              + "）：请用与备份时相同或更新版本的程序恢复")
        # The tables as the backup's migrations left them: each app's last migration among them.
        ends = sorted(node for node in theirs
                      if not any(c in theirs and c[0] == node[0] for c in graph.node_map[node].children))
        here = {tuple(m) for m in _applied_migrations(connection)}
        if not here:
            executor.migrate(ends)  # an older backup: its schema first; upgraded after the load
        elif here != theirs:
            missing, extra = sorted(theirs - here), sorted(here - theirs)
            detail = "；".join(filter(None, [
                "备份有而本库没有的迁移：" + "、".join(f"{a}.{n}" for a, n in missing) if missing else "",
                "本库有而备份没有的迁移：" + "、".join(f"{a}.{n}" for a, n in extra) if extra else "",
            ]))
            raise BackupError(f"数据库结构与备份不一致（{detail}）：请恢复到一个新建的、尚未 migrate 的数据库，"
                              "恢复会按备份时的结构建表，再升级到本程序的结构")
        registry = executor.loader.project_state(ends, at_end=True).apps
        full = _not_empty(using, registry)
        if full:
            listed = "、".join(f"{t}（{n} 行）" for t, n in full[:5])
            raise BackupError(f"目标数据库不是空的：{listed}{' 等' if len(full) > 5 else ''}。"
                              "恢复只写入空数据库，请换一个新建的数据库")
        by_table = {m._meta.db_table: m for m in _models(registry)}
        unknown = [t["table"] for t in manifest["tables"] if t["table"] not in by_table]
        if unknown:
            raise BackupError("备份中有其迁移之外的表：" + "、".join(unknown))
        media = _media_members(archive)
        root = Path(settings.MEDIA_ROOT)
        clash = [name for name in media if (root / name).exists()]
        if clash:
            raise BackupError(f"媒体目录 {root} 中已有备份里的文件（如 {clash[0]}）：请换一个空的媒体目录")

        # Media first, into a folder beside MEDIA_ROOT; moved in only once the database committed.
        root.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".restoring-", dir=root.parent))
        try:
            for name in media:
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open("media/" + name) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            with transaction.atomic(using=using):
                for model in reversed(_models(registry)):
                    if model._meta.label_lower in SEEDED:
                        model._base_manager.using(using).all()._raw_delete(using)
                for table in manifest["tables"]:
                    _load_table(archive, by_table[table["table"]], table, connection)
                    if progress:
                        progress(table)
                _reset_sequences(connection, [by_table[t["table"]] for t in manifest["tables"]])
            for name in media:
                target = root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / name, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    if set(graph.leaf_nodes()) - theirs:
        # The migrations made since the backup (and the content types and permissions they bring).
        call_command("migrate", database=using, verbosity=0, interactive=False)
    return manifest


def _media_members(archive):
    names = []
    for info in archive.infolist():
        if not info.filename.startswith("media/") or info.is_dir():
            continue
        name = info.filename[len("media/"):]
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or ".." in parts or "\\" in name:
            raise BackupError(f"备份文件中的媒体路径不安全：{info.filename}")
        names.append(name)
    return names


def _load_table(archive, model, table, connection):
    by_column = {f.column: f for f in _columns(model)}
    missing = [c for c in table["columns"] if c not in by_column]
    if missing:
        raise BackupError(f"表 {table['table']} 的列 {'、'.join(missing)} 在本程序中不存在")
    fields = [by_column[c] for c in table["columns"]]
    decoders = [_decoder(f) for f in fields]
    rows = _rows(archive, table, fields, decoders, connection)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in table["columns"])
    count = 0
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: some five times faster than batched INSERTs for the province's 900,000 rows.
                with cursor.cursor.copy(f"COPY {quote(table['table'])} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
            else:
                sql = f"INSERT INTO {quote(table['table'])} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
                batch = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= CHUNK:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
    except DatabaseError as error:
        raise BackupError(f"表 {table['table']} 写入失败，什么也没有恢复：{error}") from error
    if count != table["rows"]:
        raise BackupError(f"表 {table['table']} 应有 {table['rows']} 行，备份文件中只有 {count} 行：备份不完整")


def _rows(archive, table, fields, decoders, connection):
    """The rows of one table's file, each value as its field saves it."""
    name = f"tables/{table['table']}.jsonl"
    try:
        raw = archive.open(name)
    except KeyError as error:
        raise BackupError(f"备份文件中缺少 {name}：备份不完整") from error
    with raw:
        for number, line in enumerate(raw, 1):
            try:
                row = []
                for field, decode, value in zip(fields, decoders, json.loads(line), strict=True):
                    if value is not None and decode is not None:
                        value = decode(value)
                    row.append(field.get_db_prep_save(value, connection))
            except (ValueError, TypeError, ValidationError) as error:
                raise BackupError(f"备份文件 {name} 第 {number} 行无法读取：{error}") from error
            yield row


def _reset_sequences(connection, models_):
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
