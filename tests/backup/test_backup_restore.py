"""`dangjian backup` / `dangjian restore`: a round trip, on one database and across SQLite and PostgreSQL.

After the round trip the check and the problems report read the same, every row of every
table is as it was (primary keys, the audit's timestamps and text), the photo is back,
and new rows take fresh keys. A database that is not empty is refused and nothing is
written; a damaged archive writes nothing either.
"""

import contextlib
import io
import json
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

import dangjian
from dangjian.audit.models import AuditEvent
from dangjian.contacts.models import ActivityPhoto
from dangjian.contacts.services import log_activity
from dangjian.problems.models import Problem
from dangjian.problems.services import log_problem
from dangjian.records.backup import _models
from tests.contacts.test_contacts_review import PNG

pytestmark = pytest.mark.django_db(transaction=True)

SRC = str(Path(dangjian.__file__).resolve().parents[1])
PG_URL = os.environ.get("DANGJIAN_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test_dangjian_restore")


@pytest.fixture
def data(tree, frozen_today):
    tree.org("R", kind="党委", name="旗委")
    tree.org("B1", "R", tiers=[("后进", "2026-01-01")])
    tree.org("B2", "R", tiers=[("先进", None)])
    tree.post("P1", "R", "书记", start="2025-01-01")
    tree.post("P2", "R", "委员")
    tree.link("P1", "B2", "联系点", start="2025-01-01")
    tree.problem("M1", "B1", "饮水安全", status="done", done="2026-03-01")
    admin = get_user_model().objects.create_superuser("admin", password="x")
    log_problem(admin, tree.orgs["B1"], "道路", "村道破损", date(2026, 11, 1))
    log_activity(admin, tree.people["P1"], tree.orgs["B2"], date(2026, 11, 20), "research", "调研",
                 photos=[SimpleUploadedFile("a.png", PNG, content_type="image/png")])
    return tree


def _json(*command):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):  # the check prints straight to standard output
        call_command(*command, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def _figures():
    return _json("checkrules", "--as-of", "2026-11-26"), _json("report", "problems")


def _every_row():
    """Every table's rows, as values, in key order (what a restore must give back)."""
    return {m._meta.db_table: list(m._base_manager.order_by("pk").values_list(*[f.attname for f in
                                                                                m._meta.concrete_fields]))
            for m in _models()}


def _empty_the_database():
    call_command("flush", interactive=False, verbosity=0)


def _dangjian(url, media, *args):
    env = {**os.environ, "PYTHONPATH": SRC, "DATABASE_URL": url, "DANGJIAN_MEDIA_ROOT": str(media)}
    return subprocess.run([sys.executable, "-m", "dangjian", *args], env=env, capture_output=True, text=True,
                          timeout=300)


def test_a_round_trip_on_the_same_database(data, tmp_path, settings):
    figures, rows = _figures(), _every_row()
    photo = ActivityPhoto.objects.get()
    call_command("backup", str(tmp_path / "b.zip"), stdout=io.StringIO())
    _empty_the_database()
    Path(photo.image.path).unlink()
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")

    call_command("restore", str(tmp_path / "b.zip"), stdout=io.StringIO())

    assert _every_row() == rows
    assert _figures() == figures
    assert Path(ActivityPhoto.objects.get().image.path).read_bytes() == PNG
    # The keys go on after the restored ones (PostgreSQL's sequences were reset).
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    admin = get_user_model().objects.get()
    code = log_problem(admin, data.orgs["B2"], "道路", "再一个", date(2026, 11, 1)).code
    assert code == "W20261101-002"
    assert AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() > before


def _other_database(tmp_path):
    """A database of the other kind than the tests' own, empty; None when PostgreSQL is not there."""
    if connection.vendor == "postgresql":
        return f"sqlite:///{tmp_path / 'other.sqlite3'}", None
    psycopg = pytest.importorskip("psycopg")
    server, name = PG_URL.rsplit("/", 1)
    try:
        admin = psycopg.connect(server.replace("postgres://", "postgresql://") + "/postgres", autocommit=True,
                                connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not running")
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    return PG_URL, (admin, name)


def test_a_round_trip_across_sqlite_and_postgresql(data, tmp_path, settings):
    figures, rows = _figures(), _every_row()
    call_command("backup", str(tmp_path / "here.zip"), stdout=io.StringIO())
    url, cleanup = _other_database(tmp_path)
    try:
        done = _dangjian(url, tmp_path / "there-media", "restore", str(tmp_path / "here.zip"))
        assert done.returncode == 0, done.stderr
        assert "已从" in done.stdout
        there = _dangjian(url, tmp_path / "there-media", "check", "--as-of", "2026-11-26", "--format", "json")
        report = _dangjian(url, tmp_path / "there-media", "report", "problems", "--format", "json")
        assert (json.loads(there.stdout), json.loads(report.stdout)) == figures
        # The audit's hash chain reads intact in the other database (jsonb reorders keys: sealed sorted).
        verified = _dangjian(url, tmp_path / "there-media", "audit", "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert list((tmp_path / "there-media").rglob("*.png"))
        done = _dangjian(url, tmp_path / "there-media", "backup", str(tmp_path / "there.zip"))
        assert done.returncode == 0, done.stderr
    finally:
        if cleanup:
            admin, name = cleanup
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()
    with zipfile.ZipFile(tmp_path / "there.zip") as archive:
        assert json.loads(archive.read("manifest.json"))["database"] != connection.vendor

    _empty_the_database()
    settings.MEDIA_ROOT = str(tmp_path / "back-here")
    call_command("restore", str(tmp_path / "there.zip"), stdout=io.StringIO())
    assert _every_row() == rows
    assert _figures() == figures
    assert Path(ActivityPhoto.objects.get().image.path).read_bytes() == PNG


def test_a_database_that_is_not_empty_is_refused(data, tmp_path, settings):
    call_command("backup", str(tmp_path / "b.zip"), stdout=io.StringIO())
    rows = _every_row()
    settings.MEDIA_ROOT = str(tmp_path / "other-media")
    with pytest.raises(CommandError, match="目标数据库不是空的") as refused:
        call_command("restore", str(tmp_path / "b.zip"), stdout=io.StringIO())
    assert refused.value.returncode == 1
    assert _every_row() == rows
    assert not (tmp_path / "other-media").exists() or not any((tmp_path / "other-media").rglob("*.png"))


def test_a_damaged_archive_writes_nothing(data, tmp_path, settings):
    call_command("backup", str(tmp_path / "b.zip"), stdout=io.StringIO())
    # The problems' table cut short: the restore finds it out after writing the tables before it.
    with zipfile.ZipFile(tmp_path / "b.zip") as good, zipfile.ZipFile(tmp_path / "bad.zip", "w") as bad:
        for info in good.infolist():
            content = good.read(info)
            if info.filename == f"tables/{Problem._meta.db_table}.jsonl":
                content = content.splitlines(keepends=True)[0]
            bad.writestr(info, content)
    _empty_the_database()
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    with pytest.raises(CommandError, match="备份不完整"):
        call_command("restore", str(tmp_path / "bad.zip"), stdout=io.StringIO())
    assert all(not rows for table, rows in _every_row().items()
               if table not in ("django_content_type", "auth_permission"))
    assert not any((tmp_path / "restored-media").rglob("*.png"))
    with pytest.raises(CommandError, match="不是 dangjian 的备份文件"):
        (tmp_path / "not.zip").write_bytes(b"PK\x05\x06" + b"\0" * 18)
        call_command("restore", str(tmp_path / "not.zip"), stdout=io.StringIO())
    assert apps.get_model("people", "Person").objects.count() == 0


def test_a_corrupted_archive_is_refused_in_chinese(data, tmp_path, settings):
    call_command("backup", str(tmp_path / "b.zip"), stdout=io.StringIO())
    content = bytearray((tmp_path / "b.zip").read_bytes())
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        info = archive.getinfo(f"tables/{Problem._meta.db_table}.jsonl")
    at = info.header_offset  # the local header: 30 bytes, then the name and the extra field
    start = at + 30 + int.from_bytes(content[at + 26:at + 28], "little") + int.from_bytes(content[at + 28:at + 30],
                                                                                          "little")
    content[start + info.compress_size // 2] ^= 0xFF  # one byte of the problems' table flipped
    (tmp_path / "bad.zip").write_bytes(bytes(content))
    _empty_the_database()
    settings.MEDIA_ROOT = str(tmp_path / "restored-media")
    with pytest.raises(CommandError, match="已损坏|无法读取") as refused:
        call_command("restore", str(tmp_path / "bad.zip"), stdout=io.StringIO())
    assert refused.value.returncode == 1
    assert apps.get_model("people", "Person").objects.count() == 0


def _rewritten(source, target, manifest_edit, table=None, row_edit=None):
    with zipfile.ZipFile(source) as good, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        manifest = json.loads(good.read("manifest.json"))
        for info in good.infolist():
            content = good.read(info)
            if info.filename == f"tables/{table}.jsonl":
                content = b"".join(json.dumps(row_edit(json.loads(line)), ensure_ascii=False).encode() + b"\n"
                                   for line in content.splitlines())
            if info.filename != "manifest.json":
                out.writestr(info.filename, content)
        out.writestr("manifest.json", json.dumps(manifest_edit(manifest), ensure_ascii=False))


def test_a_backup_from_before_a_migration_restores_and_is_upgraded(data, tmp_path):
    """Last month's backup after an upgrade: the tables as they were then, loaded, then migrated on."""
    figures = _figures()
    call_command("backup", str(tmp_path / "b.zip"), stdout=io.StringIO())
    table = Problem._meta.db_table
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        columns = next(t["columns"] for t in json.loads(archive.read("manifest.json"))["tables"]
                       if t["table"] == table)
    gone = columns.index("completion_note")  # problems.0002_completion_note added it

    def older(manifest):
        manifest["migrations"].remove(["problems", "0002_completion_note"])
        next(t for t in manifest["tables"] if t["table"] == table)["columns"].pop(gone)
        return manifest

    _rewritten(tmp_path / "b.zip", tmp_path / "old.zip", older, table, lambda row: row[:gone] + row[gone + 1:])
    url, media = f"sqlite:///{tmp_path / 'new.sqlite3'}", tmp_path / "new-media"
    done = _dangjian(url, media, "restore", str(tmp_path / "old.zip"))
    assert done.returncode == 0, done.stderr
    check = _dangjian(url, media, "check", "--as-of", "2026-11-26", "--format", "json")
    report = _dangjian(url, media, "report", "problems", "--format", "json")
    assert (json.loads(check.stdout), json.loads(report.stdout)) == figures
    assert "[X] 0002_completion_note" in _dangjian(url, media, "showmigrations", "problems").stdout

    def newer(manifest):
        manifest["migrations"].append(["problems", "9999_from_the_future"])
        return manifest

    _rewritten(tmp_path / "b.zip", tmp_path / "new.zip", newer)
    done = _dangjian(f"sqlite:///{tmp_path / 'other.sqlite3'}", media, "restore", str(tmp_path / "new.zip"))
    assert done.returncode == 1
    assert "备份来自更新版本的程序（本程序没有迁移 problems.9999_from_the_future）" in done.stderr
