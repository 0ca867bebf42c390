"""The audit as a hash chain (等保: audit records that cannot be altered or deleted), on both databases.

Each tamper goes behind the application's back, by direct SQL, and `dangjian audit verify`
must exit 1 naming the first broken entry. On PostgreSQL the triggers refuse the SQL
first; the tests lift them inside their own transaction (rolled back with it) to play
the database owner who can.
"""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from dangjian.audit.chain import verify
from dangjian.audit.models import AuditEvent, AuditImmutable, AuditObject
from dangjian.audit.services import record

pytestmark = pytest.mark.django_db


@contextmanager
def behind_the_back():
    """Raw SQL as the database's owner: on PostgreSQL with the guarding triggers lifted."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # a superuser's way round every trigger, this transaction only
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def events(n=4, **kwargs):
    return [record("organization changed", label="测试", after={"name": f"第{i}个", "n": i}, **kwargs)
            for i in range(n)]


def verify_says():
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify")
    assert caught.value.returncode == 1
    return str(caught.value)


def test_an_intact_chain_verifies(capsys):
    events(3)
    call_command("audit", "verify")
    assert "审计链完好：共 3 条记录" in capsys.readouterr().out


def test_a_changed_entry_is_named():
    e = events(4)
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["别人", e[2].pk])
    said = verify_says()
    assert f"第 {e[2].pk} 条审计记录" in said and "被修改" in said


def test_a_changed_value_inside_the_json_is_named():
    e = events(3)
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"name": "改过", "n": 1}', e[1].pk])
    assert f"第 {e[1].pk} 条审计记录" in verify_says()


def test_a_deleted_entry_is_named_by_the_one_after_it():
    e = events(4)
    with behind_the_back() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [e[1].pk])
    said = verify_says()
    assert f"第 {e[2].pk} 条审计记录" in said and "删除" in said


def test_deleting_the_newest_entry_shows_too():
    e = events(3)
    with behind_the_back() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [e[2].pk])
    said = verify_says()
    assert f"第 {e[2].pk} 条" in said and "删除" in said


def test_an_inserted_entry_is_named():
    e = events(2)
    with behind_the_back() as cursor:
        cursor.execute("INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, object_repr, "
                       "request_id, digest) VALUES (%s, '伪造', 'organization changed', '', '', '', '', %s)",
                       [timezone.now(), "0" * 64])
        cursor.execute("SELECT max(id) FROM audit_auditevent")
        forged = cursor.fetchone()[0]
    assert forged > e[1].pk
    assert f"第 {forged} 条审计记录" in verify_says()


def test_an_entry_inserted_without_a_digest_is_named_as_inserted():
    events(1)
    with behind_the_back() as cursor:
        cursor.execute("INSERT INTO audit_auditevent (at, actor_label, action, object_type, object_id, object_repr, "
                       "request_id, digest) VALUES (%s, '伪造', 'organization changed', '', '', '', '', '')",
                       [timezone.now()])
    assert "被插入" in verify_says()


def test_the_ties_of_an_import_are_sealed_with_its_entry(tree):
    a = tree.org("A", kind="党委")
    b = tree.org("A1", "A")
    e = record("workbook imported", label="命令行导入", after={"file": "x.xlsx"},
               ties={"orgs.organization": ([a.pk, b.pk], True), "people.person": ([5, 3, 40], False)})
    later = events(1)[0]
    assert verify() == (None, 2)
    assert AuditObject.objects.filter(event=e).count() == 5
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_auditobject SET object_id = '41' WHERE event_id = %s AND object_id = '40'", [e.pk])
    broken, _ = verify()
    assert broken.event_id == e.pk and later.pk != e.pk


def test_a_deleted_tie_breaks_the_chain(tree):
    a = tree.org("A", kind="党委")
    e = record("workbook imported", label="命令行导入", ties={"orgs.organization": ([a.pk], True),
                                                            "people.person": ([1, 2], False)})
    with behind_the_back() as cursor:
        cursor.execute("DELETE FROM audit_auditobject WHERE event_id = %s AND object_id = '2'", [e.pk])
    assert f"第 {e.pk} 条审计记录" in verify_says()


def test_ties_given_as_records_are_sealed_too(tree):
    a = tree.org("A", kind="党委")
    e = record("organization changed", label="测试", related=[a, ("people.person", 7, a.pk)])
    assert verify() == (None, 1)
    with behind_the_back() as cursor:
        cursor.execute("UPDATE audit_auditobject SET organization_id = NULL WHERE event_id = %s", [e.pk])
    assert verify()[0].event_id == e.pk


# ----- nobody, through the application, changes or deletes a young entry --------------------------

def test_the_orm_neither_changes_nor_deletes_a_young_entry():
    e = events(1)[0]
    e.actor_label = "别人"
    with pytest.raises(AuditImmutable):
        e.save()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.get(pk=e.pk).delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=e.pk).delete()
    with pytest.raises(AuditImmutable):
        AuditEvent.objects.filter(pk=e.pk).update(actor_label="别人")
    with pytest.raises(AuditImmutable):
        AuditObject.objects.filter(event=e).update(object_id="1")
    assert AuditEvent.objects.get(pk=e.pk).actor_label == "测试"
    assert verify() == (None, 1)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_itself_refuses_changing_or_deleting_a_young_entry():
    e = events(1)[0]
    for sql in ("UPDATE audit_auditevent SET actor_label = 'x' WHERE id = %s",
                "DELETE FROM audit_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="审计记录"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [e.pk])
    assert verify() == (None, 1)


def test_the_purge_deletes_only_entries_past_the_retention_and_the_chain_still_verifies(settings):
    settings.DANGJIAN_AUDIT_RETENTION_DAYS = 200
    with time_machine.travel(timezone.now() - timedelta(days=201), tick=True):
        old = events(2)
    with time_machine.travel(timezone.now() - timedelta(days=190), tick=True):
        middle = events(1)  # past 180 days, within the 200 configured: kept
    young = events(2)
    call_command("audit", "purge")
    kept = set(AuditEvent.objects.values_list("pk", flat=True))
    assert not {e.pk for e in old} & kept
    assert {e.pk for e in middle + young} <= kept
    assert AuditEvent.objects.filter(action="audit purged").exists()
    assert verify() == (None, len(kept))
    record("organization changed", label="测试")
    assert verify()[0] is None


def test_a_retention_below_six_months_is_not_honoured(settings):
    settings.DANGJIAN_AUDIT_RETENTION_DAYS = 30
    with time_machine.travel(timezone.now() - timedelta(days=100), tick=True):
        events(1)
    call_command("audit", "purge")
    assert AuditEvent.objects.filter(action="organization changed").count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_queue_and_never_fork_the_chain():
    """Eight writers at once, each in its own connection and transaction: one chain, intact.

    (And the test's own clean-up, a TRUNCATE, passes the triggers that refuse DELETE.)"""
    import threading

    from django.db import connections

    barrier = threading.Barrier(8)
    failures = []

    def writer(n):
        try:
            barrier.wait()
            for i in range(5):
                with transaction.atomic():
                    record("organization changed", label=f"写入{n}", after={"i": i})
        except Exception as exc:  # noqa: BLE001  (reported below)
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    assert verify() == (None, 40)
