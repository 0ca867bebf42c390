"""Accounts and sessions by policy (等保 2.0 身份鉴别): passwords, lockout, sessions, tokens, headers."""

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from dangjian.accounts.models import ApiToken, Profile, RoleGrant
from dangjian.accounts.services import create_account, issue_token
from dangjian.audit.models import AuditEvent

PASSWORD = "Pw-for-tests-1"
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def org(tree):
    return tree.org("A", kind="党委", name="甲旗委")


def make_user(username, org=None, role="org_admin"):
    user = get_user_model().objects.create_user(username, password=PASSWORD)
    if org is not None:
        RoleGrant.objects.create(user=user, organization=org, role=role)
    return user


# ----- passwords ------------------------------------------------------------------

def messages_for(password, username="zhangsan"):
    try:
        password_validation.validate_password(password, get_user_model()(username=username))
    except ValidationError as e:
        return e.messages
    return []


def test_passwords_follow_the_policy_with_chinese_messages(db):
    assert any("至少包含 8 个字符" in m for m in messages_for("Ab1-")), messages_for("Ab1-")
    assert any("至少 3 类" in m for m in messages_for("abcdefghij")), messages_for("abcdefghij")
    assert any("太常见" in m for m in messages_for("Password1")), messages_for("Password1")
    assert any("用户名" in m for m in messages_for("Zhangsan-1", username="zhangsan-1")), \
        messages_for("Zhangsan-1", username="zhangsan-1")
    assert messages_for("Qz7-xkcd-lamp") == []


def test_three_of_four_classes_are_needed(db):
    assert any("至少 3 类" in m for m in messages_for("qz7xkcdlampq"))  # small letters and digits: two
    assert messages_for("qz7xkcd-lampq") == []  # …and a sign: three
    assert messages_for("QZXKCD-lamp") == []


def test_a_page_changes_ones_password_by_the_policy(org):
    user = make_user("wangwu", org)
    c = Client()
    c.force_login(user)
    r = c.post("/password/", {"old_password": PASSWORD, "new_password1": "1", "new_password2": "1"})
    assert r.status_code == 200 and "至少包含 8 个字符" in r.content.decode()
    r = c.post("/password/", {"old_password": PASSWORD, "new_password1": "Qz7-xkcd-lamp",
                              "new_password2": "Qz7-xkcd-lamp"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Qz7-xkcd-lamp")
    assert c.get("/orgs/").status_code == 200  # this session stays
    assert AuditEvent.objects.filter(action="password changed", actor=user).exists()


def test_an_account_an_administrator_created_changes_its_password_first(org):
    admin = make_user("boss", org)
    with pytest.raises(ValidationError):
        create_account("lisi", "123456", by=admin)
    create_account("lisi", "Start-2026-pw", role="inspector", organization=org, by=admin)
    c = Client()
    assert c.post("/login/", {"username": "lisi", "password": "Start-2026-pw"}).status_code == 302
    r = c.get("/orgs/")
    assert r.status_code == 302 and r["Location"] == "/password/"
    assert "管理员为您设置的初始密码" in c.get("/password/").content.decode()
    assert c.get("/api/orgs").status_code == 403
    c.post("/password/", {"old_password": "Start-2026-pw", "new_password1": "Mine-2026-pw",
                          "new_password2": "Mine-2026-pw"})
    assert c.get("/orgs/").status_code == 200
    assert not Profile.objects.get(user__username="lisi").must_change_password


def test_the_adduser_command_refuses_a_weak_password(org, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("admin\n"))
    with pytest.raises(Exception, match="至少包含 8 个字符"):
        call_command("adduser", "zhaoliu", "--role", "inspector", "--org", "A")
    monkeypatch.setattr("sys.stdin", io.StringIO("Start-2026-pw\n"))
    call_command("adduser", "zhaoliu", "--role", "inspector", "--org", "A")
    assert Profile.objects.get(user__username="zhaoliu").must_change_password
    assert RoleGrant.objects.filter(user__username="zhaoliu", organization=org, role="inspector").exists()


def test_the_demo_accounts_are_not_asked_to_change(db):
    from dangjian.web.management.commands.demo import load_demo

    load_demo()
    c = Client()
    assert c.post("/login/", {"username": "admin", "password": "admin"}).status_code == 302
    assert c.get("/orgs/").status_code == 200


def test_production_refuses_the_demo_password(org, settings):
    user = make_user("admin", org)
    user.set_password("admin")  # as the demo sets it
    user.save()
    assert Client().post("/login/", {"username": "admin", "password": "admin"}).status_code == 302
    settings.DANGJIAN_PRODUCTION = True
    r = Client().post("/login/", {"username": "admin", "password": "admin"})
    assert r.status_code == 200 and "生产环境不接受演示密码" in r.content.decode()


# ----- lockout --------------------------------------------------------------------

def test_spraying_several_accounts_from_one_address_locks_the_address(org, settings):
    """Four wrong passwords on each of three accounts stay under each account's limit of 5,
    but lock the address: then even a right password from it is refused."""
    users = [make_user(f"user{i}", org) for i in range(3)]
    make_user("victim", org)
    c = Client(REMOTE_ADDR="10.7.7.7")
    for user in users:
        for _ in range(4):
            c.post("/login/", {"username": user.username, "password": "wrong"})
    r = c.post("/login/", {"username": "victim", "password": PASSWORD})
    assert r.status_code in (403, 429) and "锁定" in r.content.decode()
    # Another address is not locked.
    assert Client(REMOTE_ADDR="10.8.8.8").post("/login/", {"username": "victim", "password": PASSWORD}).status_code == 302


def test_a_success_does_not_wash_the_address_clean(org, settings):
    """A sprayer who knows one password cannot reset the address's count by using it."""
    settings.DANGJIAN_ADDRESS_FAILURES = 6
    make_user("known", org)
    address = {"REMOTE_ADDR": "10.7.7.8"}
    for name in ("x1", "x1", "x2", "x2", "x3"):
        Client(**address).post("/login/", {"username": name, "password": "wrong"})
    assert Client(**address).post("/login/", {"username": "known", "password": PASSWORD}).status_code == 302
    Client(**address).post("/login/", {"username": "x4", "password": "wrong"})  # the sixth
    assert Client(**address).post("/login/", {"username": "known", "password": PASSWORD}).status_code in (403, 429)


def test_a_few_mistakes_lock_nothing(org):
    make_user("careless", org)
    c = Client(REMOTE_ADDR="10.7.7.9")
    for _ in range(3):
        c.post("/login/", {"username": "careless", "password": "wrong"})
    assert c.post("/login/", {"username": "careless", "password": PASSWORD}).status_code == 302


# ----- sessions -------------------------------------------------------------------

def test_a_session_ends_at_its_absolute_lifetime_however_busy(org, settings):
    import time_machine

    settings.DANGJIAN_SESSION_MAX_SECONDS = 3600
    make_user("busy", org)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        c = Client()
        assert c.post("/login/", {"username": "busy", "password": PASSWORD}).status_code == 302
        for _ in range(4):  # busy all along: the idle timeout never ends it
            clock.shift(timedelta(minutes=14))
            assert c.get("/orgs/").status_code == 200
        clock.shift(timedelta(minutes=5))
        r = c.get("/orgs/")
        assert r.status_code == 302 and r["Location"].startswith("/login/")
        assert c.get("/api/orgs").status_code == 401


def test_logged_in_pages_are_not_stored_and_carry_a_csp(org):
    c = Client()
    c.force_login(make_user("reader", org))
    for url in ("/", "/orgs/", "/orgs/A/", "/api/orgs"):
        r = c.get(url)
        assert "no-store" in r["Cache-Control"], url
    r = c.get("/orgs/")
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "Content-Security-Policy" in Client().get("/login/")


def test_no_page_template_has_inline_script_style_or_handler():
    import re

    root = SRC / "dangjian"
    bad = []
    for path in root.rglob("templates/**/*.html"):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", r"<style", r"\sstyle=\"",
                        r"\son[a-z]+=\""):
            if re.search(pattern, text):
                bad.append(f"{path.relative_to(root)}: {pattern}")
    assert not bad


# ----- API tokens -----------------------------------------------------------------

def test_tokens_expire(org, settings):
    import time_machine

    user = make_user("script", org, role="inspector")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = issue_token(user, "同步", days=30)
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token.raw}"}
        assert Client().get("/api/orgs", **auth).status_code == 200
        clock.shift(timedelta(days=30, minutes=1))
        assert Client().get("/api/orgs", **auth).status_code == 401


def test_tokens_are_listed_and_revoked(org, capsys):
    user = make_user("script", org, role="inspector")
    call_command("token", "script", "--name", "夜间同步", "--days", "7")
    raw = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=user)
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)
    call_command("token", "--list")
    listing = capsys.readouterr().out
    assert "夜间同步" in listing and "有效" in listing and raw not in listing and token.digest not in listing
    call_command("token", "--revoke", str(token.pk))
    assert Client().get("/api/orgs", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    call_command("token", "--list", "script")
    assert "已吊销" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="api token revoked").exists()


# ----- production settings --------------------------------------------------------

PRODUCTION_ENV = {
    "DANGJIAN_ENV": "production",
    "DJANGO_SECRET_KEY": "k" * 20 + "-a-long-random-production-secret-0123456789",
    "DJANGO_ALLOWED_HOSTS": "dangjian.example.gov.cn",
    "DANGJIAN_BEHIND_PROXY": "1",
    "DANGJIAN_DATA_KEY": "0123456789abcdef0123456789abcdef",
}


def run_dangjian(*args, env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DANGJIAN_"))}
    return subprocess.run([sys.executable, "-m", "dangjian", *args], capture_output=True, text=True,
                          env={**base, "PYTHONPATH": str(SRC), **env}, timeout=120)


def test_systemcheck_deploy_is_clean_with_the_readmes_production_settings(tmp_path):
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3"}
    done = run_dangjian("systemcheck", "--deploy", "--fail-level", "WARNING", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "W0" not in done.stdout + done.stderr


def test_production_refuses_the_default_secret_key(tmp_path):
    env = {**PRODUCTION_ENV, "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3"}
    del env["DJANGO_SECRET_KEY"]
    done = run_dangjian("systemcheck", env=env)
    assert done.returncode != 0 and "DJANGO_SECRET_KEY" in done.stderr
