"""三员分立 and the events 等保 asks of the audit: log-ins, failures, log-outs, exports, photo downloads.

The audit administrator (审计管理员) reads the audit and the login history and changes
nothing; the login history keeps six months whatever axes' clean-ups are told.
"""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangjian.audit.chain import verify
from dangjian.audit.models import AuditEvent, AuditImmutable
from tests.test_web_scope import PASSWORD, client_for, world  # noqa: F401

pytestmark = pytest.mark.django_db


def actions():
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


# ----- the login history -----------------------------------------------------------------------

def test_a_log_in_a_failed_log_in_and_a_log_out_are_audited_with_the_address(world):
    c = Client(REMOTE_ADDR="10.1.2.3")
    c.post(reverse("accounts:login"), {"username": "a_admin", "password": "wrong-secret-42"})
    c.post(reverse("accounts:login"), {"username": "nobody", "password": "wrong-secret-43"})
    assert c.post(reverse("accounts:login"), {"username": "a_admin", "password": PASSWORD}).status_code == 302
    c.post(reverse("accounts:logout"))
    events = list(AuditEvent.objects.filter(action__startswith="user ").order_by("id"))
    assert [e.action for e in events] == ["user login failed", "user login failed", "user logged in", "user logged out"]
    assert [e.actor_label for e in events] == ["a_admin", "nobody", "a_admin", "a_admin"]
    assert {e.address for e in events} == {"10.1.2.3"}
    assert events[2].actor == events[3].actor == world.users["a_admin"]
    stored = json.dumps([[e.before, e.after, e.object_repr, e.actor_label] for e in events], ensure_ascii=False)
    assert "wrong-secret" not in stored and PASSWORD not in stored
    assert verify()[0] is None


def test_the_audit_administrator_reads_the_login_history_and_the_audit(world):
    Client(REMOTE_ADDR="10.9.9.9").post(reverse("accounts:login"), {"username": "a_leader", "password": "bad-pass-1"})
    Client(REMOTE_ADDR="10.9.9.8").post(reverse("accounts:login"), {"username": "root_admin", "password": "bad-pass-1"})
    auditor = client_for(world.users["a_auditor"])
    page = auditor.get(reverse("audit:login_list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "10.9.9.9" in body and "a_leader" in body  # an account granted in the auditor's banner
    assert "10.9.9.8" not in body  # the root's account is not theirs to read
    assert auditor.get(reverse("audit:event_list")).status_code == 200
    assert 'href="/audit/logins/"' in auditor.get("/").content.decode()


def test_a_superuser_without_grants_reads_every_login(world):
    """The whole login history, other accounts' and unknown names' alike; an auditor still only theirs."""
    from django.contrib.auth import get_user_model

    Client(REMOTE_ADDR="10.9.9.9").post(reverse("accounts:login"), {"username": "a_leader", "password": "bad-pass-1"})
    Client(REMOTE_ADDR="10.9.9.8").post(reverse("accounts:login"), {"username": "root_admin", "password": "bad-pass-1"})
    Client(REMOTE_ADDR="10.9.9.7").post(reverse("accounts:login"), {"username": "nobody", "password": "bad-pass-1"})
    get_user_model().objects.create_superuser("boss", password=PASSWORD)
    boss = Client(REMOTE_ADDR="10.9.9.6")
    assert boss.post(reverse("accounts:login"), {"username": "boss", "password": PASSWORD}).status_code == 302
    assert 'href="/audit/logins/"' in boss.get("/").content.decode()
    rows = boss.get(reverse("audit:login_list")).content.decode().split("login-events", 1)[1]
    assert all(ip in rows for ip in ("10.9.9.9", "10.9.9.8", "10.9.9.7", "10.9.9.6"))
    rows = client_for(world.users["a_auditor"]).get(reverse("audit:login_list")).content.decode().split("login-events", 1)[1]
    assert "10.9.9.9" in rows and "10.9.9.7" in rows and "10.9.9.8" not in rows and "10.9.9.6" not in rows


@pytest.mark.parametrize("role", ["a_admin", "a_leader", "a_branch", "a_inspector"])
def test_no_other_role_reads_the_login_history(world, role):
    Client().post(reverse("accounts:login"), {"username": "a_leader", "password": "bad-pass-1"})
    page = client_for(world.users[role]).get(reverse("audit:login_list"))
    body = page.content.decode()
    assert page.status_code == 200 and "a_leader" not in body.split("login-events", 1)[1]
    assert "登录记录由审计管理员查阅（三员分立）" in body and "暂无登录记录" not in body  # said why, not "none yet"


def test_the_audit_administrator_writes_nothing(world):
    """Every write URL answers the auditor 403/404 or a form error and writes nothing (tests.scoped
    checks each model's write URLs with every role of the world, the auditor among them)."""
    c = client_for(world.users["a_auditor"])
    before = AuditEvent.objects.exclude(action__startswith="user ").count()
    for url, data in [("/orgs/A1S/findings/", {"text": "审计员的意见"}), ("/problems/new/", {}),
                      ("/orgs/A1S/change/", {"name": "改名"}), ("/imports/new/", {})]:
        assert c.post(url, data).status_code in (403, 404), url
    assert AuditEvent.objects.exclude(action__startswith="user ").count() == before


# ----- axes' clean-ups keep six months ----------------------------------------------------------

def test_axes_reset_logs_keeps_the_young_login_history_and_is_audited(world):
    from axes.models import AccessLog

    young = AccessLog.objects.create(username="a_admin", ip_address="10.0.0.1", user_agent="t", path_info="/")
    with time_machine.travel(timezone.now() - timedelta(days=400)):
        AccessLog.objects.create(username="a_admin", ip_address="10.0.0.2", user_agent="t", path_info="/")
    call_command("axes_reset_logs", "--age", "0")
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [young.pk]
    event = AuditEvent.objects.get(action="login history cleaned")
    assert event.after == {"removed": 1, "kept_days": 180}
    with pytest.raises(AuditImmutable), transaction.atomic():
        AccessLog.objects.all().delete()
    assert AccessLog.objects.filter(pk=young.pk).exists()


def test_axes_reset_is_audited(world):
    call_command("axes_reset")
    call_command("axes_reset_username", "a_admin")
    assert AuditEvent.objects.filter(action="login lockouts reset").count() == 2


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgresql_refuses_deleting_young_login_history(world):
    from axes.models import AccessLog

    young = AccessLog.objects.create(username="a_admin", ip_address="10.0.0.1", user_agent="t", path_info="/")
    with pytest.raises(DatabaseError, match="登录记录"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM axes_accesslog WHERE id = %s", [young.pk])
    # a log-out still writes its time on the log-in's row
    AccessLog.objects.filter(pk=young.pk).update(logout_time=timezone.now())
    with pytest.raises(DatabaseError, match="登录记录"), transaction.atomic():
        AccessLog.objects.filter(pk=young.pk).update(username="someone")


# ----- exports and downloads -----------------------------------------------------------------------

def test_the_check_export_is_audited(world, frozen_today):
    r = client_for(world.users["a_admin"]).get("/check/export.xlsx?as_of=2026-11-26")
    assert r.status_code == 200
    event = AuditEvent.objects.get(action="rule check exported")
    assert event.actor == world.users["a_admin"] and event.after["format"] == "xlsx"


def test_the_api_s_check_is_audited_as_an_export(world, frozen_today):
    c = client_for(world.users["a_admin"])
    assert c.get("/api/check?as_of=2026-11-26").status_code == 200
    event = AuditEvent.objects.get(action="rule check exported")
    assert event.after["format"] == "json" and event.actor == world.users["a_admin"]


def test_the_command_line_exports_are_audited(world, tmp_path, frozen_today):
    call_command("checkrules", "--as-of", "2026-11-26", "--format", "xlsx", "--out", str(tmp_path / "c.xlsx"))
    call_command("report", "problems", "--format", "xlsx", "--out", str(tmp_path / "p.xlsx"))
    assert {"rule check exported", "problem report exported"} <= set(actions())
    assert verify()[0] is None


def test_a_photo_download_is_audited(world):
    from dangjian.contacts.models import Activity, ActivityPhoto

    visit = Activity.objects.get(person__code="PB")
    photo = ActivityPhoto.objects.create(activity=visit, image=ContentFile(b"\x89PNG b-photo", name="b.png"))
    r = client_for(world.users["root_admin"]).get(f"/photos/{photo.pk}/")
    assert r.status_code == 200
    event = AuditEvent.objects.get(action="activity photo downloaded")
    assert event.object_id == str(photo.pk) and event.actor == world.users["root_admin"]
    # a refused download is no download
    client_for(world.users["a_admin"]).get(f"/photos/{photo.pk}/")
    assert AuditEvent.objects.filter(action="activity photo downloaded").count() == 1


def test_reading_events_leave_the_cached_figures_alone(world):
    from dangjian.audit.services import data_version

    before = data_version()
    Client().post(reverse("accounts:login"), {"username": "a_admin", "password": PASSWORD})
    assert data_version() == before
