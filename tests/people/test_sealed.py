"""身份证号 and 手机号 sealed at rest (records.sealed): SM4 ciphertext and an SM3 keyed digest, never plaintext."""

import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from dangjian.audit.models import AuditEvent
from dangjian.people.models import Person
from dangjian.records import sealed
from dangjian.records.sealed import SealBroken, Sealer
from tests.workbooks import ID_WANG, ID_ZHANG, base, write_csv

KEY_A = "00112233445566778899aabbccddeeff"
KEY_B = "ffeeddccbbaa99887766554433221100"
NUMBERS = (ID_ZHANG, ID_WANG, "13800138000", "13912345678")
SCRIPT = Path(sys.executable).with_name("dangjian")


def test_a_value_seals_and_opens_and_its_digest_is_keyed():
    a, b = Sealer(KEY_A), Sealer(KEY_B)
    text, digest = a.seal("id_card", ID_WANG)
    assert ID_WANG not in text and len(digest) == 32
    assert a.open("id_card", text, digest) == ID_WANG
    assert a.digest("id_card", ID_WANG) == digest != b.digest("id_card", ID_WANG)
    assert a.digest("mobile", ID_WANG) != digest  # each field its own digests
    assert a.seal("mobile", "") == ("", "") and a.open("mobile", "", "") == ""
    values = [f"1380013{i:04d}" for i in range(500)] + ["", "13800138000"]
    digests = [a.digest("mobile", v) for v in values]
    texts = a.encrypt_many("mobile", values, digests)
    assert a.open_many("mobile", list(zip(texts, digests))) == values
    assert texts[-1] == a.seal("mobile", "13800138000")[0]  # one call for many = one at a time


def test_a_wrong_key_or_a_changed_ciphertext_is_refused_not_shown_as_other_digits():
    a, b = Sealer(KEY_A), Sealer(KEY_B)
    text, digest = a.seal("id_card", ID_WANG)
    with pytest.raises(SealBroken):
        b.open("id_card", text, digest)
    flipped = f"{int(text[:2], 16) ^ 1:02x}" + text[2:]
    with pytest.raises(SealBroken):
        a.open("id_card", flipped, digest)


def test_a_key_must_be_32_hex_digits():
    for bad in ("", "123", "g" * 32, KEY_A + "0"):
        with pytest.raises(ImproperlyConfigured) as exc:
            sealed.parse_key(bad)
        assert "32 位十六进制数字" in str(exc.value)


def test_the_person_record_keeps_ciphertext_and_digests(db):
    p = Person.objects.create(code="P1", name="张三", id_card=ID_ZHANG, mobile="13800138000")
    row = Person.objects.filter(pk=p.pk).values("id_card_sealed", "id_card_digest", "mobile_sealed").get()
    assert ID_ZHANG not in str(row) and "13800138000" not in str(row)
    fresh = Person.objects.get(pk=p.pk)
    assert (fresh.id_card, fresh.mobile) == (ID_ZHANG, "13800138000")
    assert (fresh.id_card_masked, fresh.mobile_masked) == ("152***********1230", "138****8000")
    assert Person.objects.get(id_card_digest=sealed.digest("id_card", ID_ZHANG)) == p  # an exact lookup


def _raw_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person")
        return cursor.fetchall()


def test_no_number_is_in_the_table_in_plaintext(db, tmp_path):
    """Read as the database holds them (PostgreSQL or SQLite): every column of every person."""
    call_command("importbook", str(write_csv(tmp_path / "book", base())), stdout=StringIO(), stderr=StringIO())
    rows = _raw_rows()
    assert len(rows) == 3
    text = repr(rows)
    for number in NUMBERS:
        assert number not in text, number
    assert {p.id_card for p in Person.objects.all()} == {ID_ZHANG, ID_WANG, ""}


def _run(tmp_path, *args, env=None):
    return subprocess.run([str(SCRIPT), *map(str, args)], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)


def test_no_number_is_in_the_sqlite_file(tmp_path):
    """The file's bytes (and its write-ahead log's) after a real import: no 身份证号, no 手机号."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert _run(tmp_path, "migrate", env=env).returncode == 0
    imported = _run(tmp_path, "import", write_csv(tmp_path / "book", base()), env=env)
    assert imported.returncode == 0, imported.stderr
    files = [f for f in tmp_path.iterdir() if f.name.startswith("db.sqlite3")]
    data = b"".join(f.read_bytes() for f in files)
    assert "张三".encode() in data  # the file is what the import wrote
    for number in NUMBERS:
        for form in (number.encode(), number.encode("utf-16-le")):
            assert form not in data, number


def test_without_a_key_outside_production_one_is_generated_and_kept_beside_the_database(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGJIAN_DATA_KEY")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DANGJIAN_ENV="")
    assert _run(tmp_path, "migrate", env=env).returncode == 0
    book = write_csv(tmp_path / "book", base())
    assert _run(tmp_path, "import", book, env=env).returncode == 0
    key = tmp_path / "db.sqlite3.key"
    assert sealed.parse_key(key.read_text()) and oct(key.stat().st_mode & 0o777) == "0o600"
    again = _run(tmp_path, "import", book, env=env)  # a second process opens what the first sealed
    assert again.returncode == 0 and "人员：新增 0，更新 0，不变 3" in again.stdout, again.stdout


@pytest.mark.parametrize("command", [["systemcheck"], ["import", "book"], ["runserver", "--noreload"]])
def test_production_without_a_key_refuses_to_start(tmp_path, command):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGJIAN_DATA_KEY")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DANGJIAN_ENV="production",
               DJANGO_SECRET_KEY="a-real-secret-key-for-this-test-" * 2)  # so that the data key is what is missing
    refused = _run(tmp_path, *command, env=env)
    assert refused.returncode == 2
    assert "生产环境（DANGJIAN_ENV=production）必须设置环境变量 DANGJIAN_DATA_KEY" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not (tmp_path / "db.sqlite3.key").exists()  # production never makes a key of its own


def test_production_without_a_key_gives_the_wsgi_server_no_application(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGJIAN_DATA_KEY")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DANGJIAN_ENV="production",
               DJANGO_SECRET_KEY="a-real-secret-key-for-this-test-" * 2)  # so that the data key is what is missing
    refused = subprocess.run([sys.executable, "-c", "import dangjian.wsgi"], env=env, cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "必须设置环境变量 DANGJIAN_DATA_KEY" in refused.stderr


def test_a_malformed_key_refuses_to_start_anywhere(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DANGJIAN_DATA_KEY": "1234"}
    refused = _run(tmp_path, "systemcheck", env=env)
    assert refused.returncode == 2 and "DANGJIAN_DATA_KEY 应为 32 位十六进制数字" in refused.stderr


def test_production_with_its_key_starts(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DANGJIAN_ENV": "production",
           "DANGJIAN_DATA_KEY": KEY_B}
    started = _run(tmp_path, "help", env=env)
    assert "DANGJIAN_DATA_KEY" not in started.stderr, started.stderr


# ----- rotate-data-key -----------------------------------------------------------------------------


@pytest.fixture
def people_under_key_a(db, settings):
    settings.DANGJIAN_DATA_KEY = KEY_A
    for i in range(5):
        Person.objects.create(code=f"R{i}", name=f"人员{i}", id_card=ID_ZHANG if i % 2 else "",
                              mobile=f"1380013800{i}")
    return settings


def _numbers():
    return sorted((p.code, p.id_card, p.mobile) for p in Person.objects.all())


def test_rotate_data_key_reseals_every_value_under_the_new_key(people_under_key_a):
    settings = people_under_key_a
    before, digests = _numbers(), set(Person.objects.values_list("mobile_digest", flat=True))
    out = StringIO()
    call_command("rotate_data_key", new_key=KEY_B, stdout=out)
    assert "重新加密 5 条记录" in out.getvalue()
    settings.DANGJIAN_DATA_KEY = KEY_B
    assert _numbers() == before
    assert not digests & set(Person.objects.values_list("mobile_digest", flat=True))
    assert Person.objects.filter(id_card_digest=Sealer(KEY_B).digest("id_card", ID_ZHANG)).count() == 2
    settings.DANGJIAN_DATA_KEY = KEY_A
    with pytest.raises(SealBroken):
        _numbers()
    (event,) = AuditEvent.objects.filter(action="data key rotated")
    assert event.after == {"old_key": Sealer(KEY_A).fingerprint, "new_key": Sealer(KEY_B).fingerprint,
                           "people_count": 5}
    assert KEY_A not in str(event.after) and KEY_B not in str(event.after)


def test_rotate_data_key_changes_nothing_when_a_value_does_not_open(people_under_key_a):
    settings = people_under_key_a
    Person.objects.filter(code="R4").update(mobile_sealed="00" * 11)  # changed behind the application's back
    stored = sorted(Person.objects.values_list("code", "mobile_sealed", "mobile_digest"))
    with pytest.raises(CommandError) as exc:
        call_command("rotate_data_key", new_key=KEY_B, stdout=StringIO())
    assert "未更换" in str(exc.value) and "数据密钥与数据库中的加密数据不符" in str(exc.value)
    assert sorted(Person.objects.values_list("code", "mobile_sealed", "mobile_digest")) == stored
    assert not AuditEvent.objects.filter(action="data key rotated")
    settings.DANGJIAN_DATA_KEY = KEY_A


@pytest.mark.parametrize("args, message", [
    ({}, "请用 --new-key"), ({"new_key": "123"}, "新密钥应为 32 位十六进制数字"),
    ({"new_key": KEY_A}, "新密钥与当前密钥相同"), ({"new_key": KEY_B, "generate": True}, "只能选一个")])
def test_rotate_data_key_explains_a_bad_new_key(people_under_key_a, args, message):
    with pytest.raises(CommandError) as exc:
        call_command("rotate_data_key", stdout=StringIO(), **args)
    assert message in str(exc.value)


def test_rotate_data_key_replaces_the_key_file_of_an_instance_without_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DANGJIAN_DATA_KEY")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DANGJIAN_ENV="")
    assert _run(tmp_path, "migrate", env=env).returncode == 0
    book = write_csv(tmp_path / "book", base())
    assert _run(tmp_path, "import", book, env=env).returncode == 0
    old = (tmp_path / "db.sqlite3.key").read_text()
    rotated = _run(tmp_path, "rotate-data-key", "--generate", env=env)
    assert rotated.returncode == 0, rotated.stderr
    new = (tmp_path / "db.sqlite3.key").read_text().strip()
    assert new != old.strip() and f"新密钥：{new}" in rotated.stdout
    db = sqlite3.connect(tmp_path / "db.sqlite3")
    digests = dict(db.execute("SELECT code, mobile_digest FROM people_person").fetchall())
    db.close()
    assert digests["1001"] == Sealer(new).digest("mobile", "13800138000")
    again = _run(tmp_path, "import", book, env=env)  # the same numbers, found unchanged under the new key
    assert again.returncode == 0 and "人员：新增 0，更新 0，不变 3" in again.stdout, again.stdout


# ----- the migration ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_plaintext_numbers_a_database_held():
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("people", "0002_person_name_initials")], [("people", "0003_sealed_numbers")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO people_person (code, name, id_card, mobile, name_initials, created_at, "
                           "updated_at) VALUES ('M1', '张三', %s, %s, 'zs', %s, %s), "
                           "('M2', '李四', '', '', 'ls', %s, %s)", [ID_WANG, "13800138000", *["2026-01-01"] * 4])
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        assert ID_WANG not in repr(_raw_rows()) and "13800138000" not in repr(_raw_rows())
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    people = {p.code: (p.id_card, p.mobile) for p in Person.objects.all()}
    assert people == {"M1": (ID_WANG, "13800138000"), "M2": ("", "")}
