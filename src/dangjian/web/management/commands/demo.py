"""``dangjian demo [--port P]``: load the demo (DOMAIN §7) and serve the web app."""

import ctypes
import signal
import socket
import subprocess
import sys
import tempfile
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from dangjian.accountability.ladder import sweep
from dangjian.accounts.models import Profile, RoleGrant
from dangjian.audit.models import AuditEvent
from dangjian.audit.services import record
from dangjian.imports.services import Importer
from dangjian.orgs.models import Organization
from dangjian.people.models import Person
from dangjian.problems.models import VolunteerTeam
from dangjian.imports.synthetic import demo

DEMO_MARK = "demo loaded"
SWEEP_WEEKS = 26  # the ladder swept once a week over the half year before the demo's today


def demo_state():
    """'empty', 'demo' or 'other'."""
    if AuditEvent.objects.filter(action=DEMO_MARK).exists():
        return "demo"
    if Organization.objects.exists() or Person.objects.exists():
        return "other"
    return "empty"


@transaction.atomic
def load_demo(today=None):
    book = demo.build(today=today or timezone.localdate())
    with tempfile.TemporaryDirectory() as folder:
        book.write(folder)
        report = Importer(folder, display_name="演示数据").run()
    if not report.ok:  # the demo is our own data: this is a bug, say it loudly
        raise RuntimeError("演示数据未通过导入校验：" + "; ".join(map(str, report.errors[:5])))
    hjq = Organization.objects.get(code="150625")
    teams = [VolunteerTeam(id=t.id, member_count=book.teams[t.name], organization=hjq)
             for t in VolunteerTeam.objects.filter(name__in=book.teams)]
    VolunteerTeam.objects.bulk_update(teams, ["member_count", "organization"])
    User = get_user_model()
    for username, role, org_code, person_code, description in book.accounts:
        user = User.objects.create_user(username, password="admin" if username == "admin" else demo.ACCOUNT_PASSWORD,
                                        first_name=description[:150])
        RoleGrant.objects.create(user=user, organization=Organization.objects.get(code=org_code), role=role)
        Profile.objects.create(user=user, person=Person.objects.get(code=person_code) if person_code else None)
    # 失责必问 with a history: the sweeps a daily timer would have run, one a week, so that cases
    # have climbed, been put right or lapsed by the demo's today (the data is dated from it).
    for weeks_ago in range(SWEEP_WEEKS, -1, -1):
        sweep(on=book.today - timedelta(weeks=weeks_ago), label="dangjian demo")
    record(DEMO_MARK, label="dangjian demo", after={"as_of": str(book.today), "accounts": len(book.accounts)})
    return book


def _die_with_parent():
    """In the worker's process: end when the demo ends, however it ends (Linux; elsewhere see finally)."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Command(BaseCommand):
    help = "载入演示数据（阿拉善盟、杭锦旗等）并在 127.0.0.1:端口 上提供网页"
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="只载入，不启动网页服务")

    def handle(self, *args, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        state = demo_state()
        if state == "other":
            self.stderr.write("数据库中已有非演示数据，拒绝载入演示。请使用空数据库（例如另设 DATABASE_URL）。")
            sys.exit(1)
        if state == "empty":
            self.stdout.write("正在载入演示数据……")
            book = load_demo()
            self.stdout.write(f"已载入：{len(book.orgs)} 个组织，{len(book.people)} 人，{len(book.problems)} 个民生问题。")
        else:
            self.stdout.write("数据库已有演示数据，直接启动。")
        self.stdout.write("\n演示账户（仅供演示；生产环境 DANGJIAN_ENV=production 不接受这些密码）：")
        for username, role, org_code, _, description in demo.build().accounts:
            password = "admin" if username == "admin" else demo.ACCOUNT_PASSWORD
            self.stdout.write(f"  {username:<12} 密码 {password:<9} {description}")
        if no_serve:
            return
        with socket.socket() as probe:  # runserver would exit at once, leaving the worker behind
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                self.stderr.write(f"端口 {port} 已被占用：请先关闭占用它的程序，或用 --port 另选端口。")
                sys.exit(1)
        self.stdout.write(f"\n打开 http://127.0.0.1:{port}/ 登录。按 Ctrl+C 退出。\n")
        # The worker for background jobs (the browser's imports), beside the web server.
        worker = subprocess.Popen([sys.executable, "-m", "dangjian.cli", "db_worker", "--no-reload"],
                                  preexec_fn=_die_with_parent)
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, use_threading=True)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
