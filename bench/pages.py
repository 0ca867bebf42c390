"""Page latency under load: every page, for a banner-scope and a province-scope user.

    .venv/bin/python bench/pages.py [--dbs sqlite,postgres] [--scale province] [--users 10] [--seconds 30]

The target (issue): with the province-scale data on SQLite and on PostgreSQL, the
server time's p95 is ≤ 300 ms on every page for a banner-scope user and ≤ 1 s for a
province-scope user, with 10 concurrent users on loopback.

For each database:

1. a fresh database (SQLite ``bench/out/pages-<scale>.sqlite3``, PostgreSQL
   ``dangjian_pages``), ``dangjian migrate``, ``dangjian import`` of the scale's CSV
   folder (the one ``bench/run.py`` generates and reuses, generated here if missing);
2. two users: ``bench_province``, 组织部管理员 (``org_admin``) at the root, and
   ``bench_banner``, 书记/班子成员 (``leader``) at one banner committee, linked to the
   person who is its secretary;
3. gunicorn on 127.0.0.1 (``-w 3 --threads 1``), serving ``dangjian.wsgi`` through
   :func:`application` below, which only adds the worker's pid to each response so
   that the bench knows which worker (and so which per-process cache) answered;
4. a cold pass: every page once, one request at a time, on the fresh server. The
   dashboard and the check are cached per process until the data changes
   (web/cache.py), so their first request computes everything;
5. a warm-up: every page, three at a time, until every worker has served it (each
   worker has its own cache, so each pays the cold computation once);
6. the load: ``--users`` client threads, half logged in as each user, each looping
   over its page list for ``--seconds``.

Server time is the ``Server-Timing: app;dur=`` header (dangjian.ui.timing, first in
MIDDLEWARE: everything Django does, not the WSGI server or the network); client time
is the wall time from sending the request to the last byte read. The table gives, per
database, user and page, the count, p50, p95 and max of the load's server times, the
client p95, and the cold pass's time. It is printed and written to
bench/out/pages.md; the figures and every sample go to bench/out/pages.json.
"""

import argparse
import html
import http.client
import json
import math
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
DANGJIAN = str(BIN / "dangjian")
GUNICORN = str(BIN / "gunicorn")
PG_URL = os.environ.get("BENCH_PAGES_PG_URL", "postgres://postgres@127.0.0.1:5432/dangjian_pages")
# The data folder is bench/run.py's: same seed, same as-of date, same name, so either bench reuses the other's.
AS_OF = "2026-11-26"
PASSWORD = "bench-pages-1234"
SWEEP_DAYS = ("2026-09-01", "2026-10-06", "2026-11-25")
TARGET_MS = {"banner": 300, "province": 1000}
SCOPES = ("banner", "province")

# (label, URL template): the pages of the issue. {banner}, {branch}, {leader}, {q} come from the data.
PAGES = [
    ("/", "/"),
    ("/orgs/", "/orgs/"),
    ("/orgs/?q=…", "/orgs/?q={q}"),
    ("/orgs/?kind=branch&tier=lagging", "/orgs/?kind=branch&tier=lagging"),
    ("/orgs/<banner>/", "/orgs/{banner}/"),
    ("/orgs/<branch>/", "/orgs/{branch}/"),
    ("/people/<leader>/", "/people/{leader}/"),
    ("/check/", "/check/"),
    ("/check/?rule=visit-overdue", "/check/?rule=visit-overdue"),
    ("/problems/", "/problems/"),
    ("/problems/new/", "/problems/new/"),
    ("/audit/", "/audit/"),
    ("/activities/", "/activities/"),
    ("/links/new/", "/links/new/"),
    ("/api/orgs", "/api/orgs"),
    ("/api/check", "/api/check"),
    ("/api/problems", "/api/problems"),
    ("/accountability/", "/accountability/"),
    ("/accountability/cases/", "/accountability/cases/"),
    ("/accountability/cases/?status=open&org=<banner>", "/accountability/cases/?status=open&org={banner}"),
    ("/api/cases", "/api/cases"),
    ("/todo/", "/todo/"),
]
# Pages whose figures web/cache.py keeps per process until the data changes.
CACHED = {"/", "/check/", "/check/?rule=visit-overdue", "/accountability/"}


def log(message):
    print(message, file=sys.stderr, flush=True)


# ----- the served application ------------------------------------------------------------

_app = None


def application(environ, start_response):
    """dangjian.wsgi.application, plus an ``X-Bench-Worker: <pid>`` header (gunicorn ``pages:application``)."""
    global _app
    if _app is None:
        from dangjian.wsgi import application as app

        _app = app

    def start(status, headers, exc_info=None):
        return start_response(status, headers + [("X-Bench-Worker", str(os.getpid()))], exc_info)

    return _app(environ, start)


# ----- data and databases ----------------------------------------------------------------

def run(cmd, env, name, timeout=None):
    """Run one process, output to bench/out/logs/pages-<name>.{out,err}; (exit status, wall seconds)."""
    logs = OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"pages-{name}.out", "wb") as out, open(logs / f"pages-{name}.err", "wb") as err:
        started = time.perf_counter()
        try:
            status = subprocess.run(cmd, env=env, stdout=out, stderr=err, cwd=OUT, timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            status = -1
    return status, time.perf_counter() - started


def data_dir(scale, seed):
    """bench/run.py's folder for the scale (a finished one has summary.txt); generated once if missing."""
    folder = OUT / "data" / f"{scale}-s{seed}-{AS_OF}"
    summary = folder / "summary.txt"
    if summary.exists():
        log(f"[{scale}] 复用已生成的数据 {folder.relative_to(ROOT)}")
        return folder
    log(f"[{scale}] 生成数据 …")
    status, _ = run([DANGJIAN, "gen", "--scale", scale, "--seed", str(seed), "--as-of", AS_OF, str(folder)],
                    os.environ.copy(), f"gen-{scale}")
    if status != 0:
        raise SystemExit(f"生成 {scale} 数据失败，见 bench/out/logs/pages-gen-{scale}.err")
    summary.write_text((OUT / "logs" / f"pages-gen-{scale}.out").read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def sqlite_path(scale):
    return OUT / f"pages-{scale}.sqlite3"


def database_env(db, scale):
    env = os.environ.copy()
    env["DATABASE_URL"] = f"sqlite:///{sqlite_path(scale)}" if db == "sqlite" else PG_URL
    env["DANGJIAN_MEDIA_ROOT"] = str(OUT / "pages-media")
    env.pop("DJANGO_DEBUG", None)
    return env


def pg_admin():
    import psycopg

    parts = urlsplit(PG_URL)
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    return psycopg.connect(admin, autocommit=True), parts.path.lstrip("/")


def drop_database(db, scale):
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(sqlite_path(scale)) + suffix).unlink(missing_ok=True)
    else:
        conn, name = pg_admin()
        with conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare_database(db, scale, folder, reuse, timeout):
    """A database holding the scale's data; with ``reuse``, one a previous run left is kept."""
    env = database_env(db, scale)
    if reuse and _imported(env, folder):
        log(f"[{db}] 复用已导入的数据库")
        return env, None
    log(f"[{db}] 新建数据库，迁移 …")
    drop_database(db, scale)
    status, _ = run([DANGJIAN, "migrate", "--no-input"], env, f"{db}-migrate")
    if status != 0:
        raise SystemExit(f"迁移失败，见 bench/out/logs/pages-{db}-migrate.err")
    log(f"[{db}] 导入 {folder.relative_to(ROOT)} …")
    status, seconds = run([DANGJIAN, "import", str(folder)], env, f"{db}-import", timeout)
    if status != 0:
        raise SystemExit(f"导入失败（{status}），见 bench/out/logs/pages-{db}-import.err")
    log(f"[{db}] 导入用时 {seconds:.1f} 秒")
    # 失责必问's pages need cases with a history: a few sweeps over the last months, as the demo does.
    for day in SWEEP_DAYS:
        status, _ = run([DANGJIAN, "accountability", "sweep", "--as-of", day], env, f"{db}-sweep-{day}", timeout)
        if status != 0:
            raise SystemExit(f"问责巡检失败（{status}），见 bench/out/logs/pages-{db}-sweep-{day}.err")
    log(f"[{db}] 问责巡检 {len(SWEEP_DAYS)} 次")
    if db == "postgres":
        # The import has gathered statistics; autovacuum would now vacuum the new tables, in the middle
        # of the measurement. Do it first, as a database in use would have had it done.
        import psycopg

        with psycopg.connect(PG_URL.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
    return env, seconds


def _imported(env, folder):
    """Whether the database already holds this folder's data (as many organizations as its 组织 sheet)."""
    with open(folder / "组织.csv", "rb") as fh:
        orgs = sum(1 for _ in fh) - 1
    code = "from dangjian.orgs.models import Organization; print('BENCH-ORGS', Organization.objects.count())"
    try:
        result = subprocess.run([DANGJIAN, "shell", "-c", code], env=env, capture_output=True, text=True, cwd=OUT,
                                timeout=120)
    except subprocess.TimeoutExpired:
        return False
    return result.returncode == 0 and f"BENCH-ORGS {orgs}" in result.stdout


# The two users and the codes the pages use, made inside the database by `dangjian shell -c`.
SETUP = r'''
import json
from datetime import date
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from dangjian.accounts.models import Profile, Role, RoleGrant
from dangjian.orgs.models import Organization, OrgKind
from dangjian.orgs.queries import subtree_q
from dangjian.people.models import Post, PostRole

today = date.fromisoformat(AS_OF)
active = (Q(start_date__isnull=True) | Q(start_date__lte=today)) & (Q(end_date__isnull=True) | Q(end_date__gte=today))
root = Organization.objects.filter(depth=1).order_by("path").first()
# The first banner (旗/县/区委) of the tree, as bench/run.py's subtree check takes it.
banner = (Organization.objects.filter(kind=OrgKind.PARTY_COMMITTEE)
          .filter(Q(name__endswith="旗委") | Q(name__endswith="县委") | Q(name__endswith="区委"))
          .order_by("path").first())
def secretary(org):
    posts = Post.objects.filter(active, organization=org).select_related("person").order_by("start_date", "id")
    post = posts.filter(role=PostRole.SECRETARY).first() or posts.first()
    return post.person if post else None
banner_leader = secretary(banner)
root_leader = secretary(root)
# The branch of the banner with the most contact links: the fullest branch page.
branch = (Organization.objects.filter(subtree_q(banner.path), kind=OrgKind.BRANCH)
          .annotate(n=Count("contact_links")).order_by("-n", "path").first())
township = (Organization.objects.filter(subtree_q(banner.path), depth=banner.depth + 1)
            .exclude(kind=OrgKind.BRANCH).order_by("path").first()) or branch
User = get_user_model()
for name, org, role, person in (("bench_province", root, Role.ORG_ADMIN, None),
                                ("bench_banner", banner, Role.LEADER, banner_leader)):
    user, _ = User.objects.get_or_create(username=name)
    user.set_password(PASSWORD)
    user.save()
    user.grants.all().delete()
    RoleGrant.objects.create(user=user, organization=org, role=role)
    Profile.objects.update_or_create(user=user, defaults={"person": person})
print("BENCH-SETUP " + json.dumps({
    "root": root.code, "root_name": root.name,
    "banner": banner.code, "banner_name": banner.name,
    "banner_branches": Organization.objects.filter(subtree_q(banner.path), kind=OrgKind.BRANCH).count(),
    "branches": Organization.objects.filter(kind=OrgKind.BRANCH).count(),
    "branch": branch.code, "branch_name": branch.name,
    "banner_leader": banner_leader.code, "root_leader": root_leader.code,
    "q": township.name[:2],
}, ensure_ascii=False))
'''


def create_users(env):
    code = f"AS_OF = {AS_OF!r}\nPASSWORD = {PASSWORD!r}\n" + SETUP
    result = subprocess.run([DANGJIAN, "shell", "-c", code], env=env, capture_output=True, text=True, cwd=OUT,
                            timeout=300)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH-SETUP "):
            return json.loads(line[len("BENCH-SETUP "):])
    raise SystemExit(f"创建用户失败：\n{result.stdout}\n{result.stderr}")


def page_urls(info):
    """{scope: [(label, url)]}: the banner user's codes all lie inside the banner."""
    codes = {
        "banner": {"banner": info["banner"], "branch": info["branch"], "leader": info["banner_leader"]},
        "province": {"banner": info["banner"], "branch": info["branch"], "leader": info["root_leader"]},
    }
    quoted_q = urlencode({"q": info["q"]})[2:]
    return {scope: [(label, url.format(q=quoted_q, **codes[scope])) for label, url in PAGES] for scope in SCOPES}


# ----- the server --------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn in its own process group, ended (TERM, then KILL) however the bench ends."""

    def __init__(self, env, db, port, workers):
        self.env, self.db, self.port, self.workers = env, db, port, workers
        self.proc = None

    def start(self):
        logfile = OUT / "logs" / f"pages-{self.db}-gunicorn.log"
        self.log = open(logfile, "ab")
        cmd = [GUNICORN, "pages:application", "--pythonpath", str(ROOT / "bench"), "-w", str(self.workers),
               "--threads", "1", "-b", f"127.0.0.1:{self.port}", "--timeout", "120", "--graceful-timeout", "5"]
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=OUT, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn 退出（{self.proc.returncode}），见 {logfile.relative_to(ROOT)}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/login/")
                if conn.getresponse().status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit("gunicorn 未能在 90 秒内就绪")

    def worker_pids(self):
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                pids.add(int(stat.parent.name))
        return pids

    def stop(self):
        """TERM, then KILL, to the process group this bench created for gunicorn (its master and workers)."""
        if self.proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break  # the whole group is gone
            try:
                self.proc.wait(timeout=wait)
                time.sleep(0.5)
                os.killpg(self.proc.pid, 0)  # anything of the group left (an orphaned worker)?
            except (subprocess.TimeoutExpired, PermissionError):
                continue
            except ProcessLookupError:
                break
        self.log.close()


# ----- the client --------------------------------------------------------------------------

SERVER_TIMING = re.compile(r"(?:^|,)\s*app;dur=([0-9.]+)")


class Client:
    """One browser: its own cookies (session, CSRF), one connection per request (gunicorn's sync
    workers close the connection after each response)."""

    def __init__(self, port, username, scope):
        self.port, self.username, self.scope = port, username, scope
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=180)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        wall = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        return response, content, wall

    def login(self):
        _, page, _ = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        form = urlencode({"username": self.username, "password": PASSWORD, "next": "/",
                          "csrfmiddlewaretoken": html.unescape(token.group(1).decode())})
        response, _, _ = self.request("POST", "/login/", form, {"Content-Type": "application/x-www-form-urlencoded"})
        if response.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"{self.username} 登录失败（{response.status}）")

    def get(self, label, url, phase):
        at = time.time()
        try:
            response, content, wall = self.request("GET", url)
        except (OSError, http.client.HTTPException) as exc:  # counted as an error (status 0), the loop goes on
            return {"scope": self.scope, "page": label, "url": url, "phase": phase, "status": 0,
                    "error": repr(exc), "server_ms": None, "client_ms": (time.time() - at) * 1000, "bytes": 0,
                    "worker": 0, "at": at}
        timing = SERVER_TIMING.search(response.headers.get("Server-Timing", ""))
        return {"scope": self.scope, "page": label, "url": url, "phase": phase, "status": response.status,
                "server_ms": float(timing.group(1)) if timing else None, "client_ms": wall,
                "bytes": len(content), "worker": int(response.headers.get("X-Bench-Worker", "0")), "at": at}


# ----- the phases ------------------------------------------------------------------------------

def cold_pass(clients, urls):
    """Every page once, one at a time, on the fresh server: the first request pays every cold cost."""
    samples = []
    for scope in SCOPES:
        for label, url in urls[scope]:
            samples.append(clients[scope][0].get(label, url, "cold"))
    return samples


def warm_up(clients, urls, server, seen):
    """Every page, ``workers`` requests at a time, until each worker has served it (each has its own cache)."""
    pids = server.worker_pids()
    samples = []
    for scope in SCOPES:
        pool = clients[scope][:server.workers]
        for label, url in urls[scope]:
            for _ in range(10):
                if pids <= seen.setdefault((scope, label), set()):
                    break
                batch = [None] * len(pool)

                def fetch(i, c):
                    batch[i] = c.get(label, url, "warm-up")

                threads = [threading.Thread(target=fetch, args=(i, c), daemon=True) for i, c in enumerate(pool)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
                for s in batch:
                    seen[(scope, label)].add(s["worker"])
                samples.extend(batch)
    return samples


def load(clients, urls, seconds):
    """Every client loops over its pages for ``seconds``, each starting at a different page."""
    samples, lock = [], threading.Lock()
    everyone = [c for scope in SCOPES for c in clients[scope]]
    barrier = threading.Barrier(len(everyone) + 1)
    deadline = [0.0]

    def user(i, client):
        pages = urls[client.scope]
        mine = []
        barrier.wait()
        k = i * 3
        while time.monotonic() < deadline[0]:
            label, url = pages[k % len(pages)]
            mine.append(client.get(label, url, "load"))
            k += 1
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=user, args=(i, c), daemon=True) for i, c in enumerate(everyone)]
    for t in threads:
        t.start()
    deadline[0] = time.monotonic() + seconds
    barrier.wait()
    for t in threads:
        t.join()
    return samples


def bench_db(db, args, folder):
    env, import_s = prepare_database(db, args.scale, folder, args.reuse, args.timeout)
    info = create_users(env)
    urls = page_urls(info)
    server = Server(env, db, args.port or free_port(), args.workers)
    log(f"[{db}] gunicorn -w {args.workers} on 127.0.0.1:{server.port} …")
    try:
        server.start()
        n_banner = args.users // 2
        counts = {"banner": n_banner, "province": args.users - n_banner}
        clients = {scope: [Client(server.port, f"bench_{scope}", scope)
                           for _ in range(max(counts[scope], args.workers))] for scope in SCOPES}
        for scope in SCOPES:
            for c in clients[scope]:
                c.login()
        log(f"[{db}] 冷启动：每页一次 …")
        cold = cold_pass(clients, urls)
        seen = {}
        for s in cold:
            seen.setdefault((s["scope"], s["page"]), set()).add(s["worker"])
        log(f"[{db}] 预热：每个 worker 每页至少一次 …")
        warm = warm_up(clients, urls, server, seen)
        log(f"[{db}] 负载：{args.users} 个用户并发 {args.seconds} 秒 …")
        for scope in SCOPES:
            clients[scope] = clients[scope][:counts[scope]]
        load_before = os.getloadavg()
        started, cpu = time.monotonic(), time.process_time()
        samples = load(clients, urls, args.seconds)
        elapsed, client_cpu = time.monotonic() - started, time.process_time() - cpu
        load_after = os.getloadavg()
    finally:
        server.stop()
    # A request in the load that was the first of its page on its worker would be a cold one: count them.
    cold_in_load = []
    for s in sorted((s for s in samples if s["status"] == 200), key=lambda s: s["at"]):
        key = (s["scope"], s["page"])
        if s["worker"] not in seen.setdefault(key, set()):
            seen[key].add(s["worker"])
            cold_in_load.append(s)
    return {"db": db, "import_s": import_s, "info": info, "urls": urls, "cold": cold, "warm": warm,
            "samples": samples, "elapsed": elapsed, "client_cpu": client_cpu, "cold_in_load": cold_in_load,
            "load_before": load_before, "load_after": load_after}


# ----- the report ------------------------------------------------------------------------------

def pct(values, p):
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summarize(result):
    rows = []
    for scope in SCOPES:
        target = TARGET_MS[scope]
        scoped = [s for s in result["samples"] if s["scope"] == scope]
        for label, _ in PAGES:
            mine = [s for s in scoped if s["page"] == label]
            ok = [s for s in mine if s["status"] == 200]
            server = [s["server_ms"] for s in ok if s["server_ms"] is not None]
            cold = [s for s in result["cold"] if s["scope"] == scope and s["page"] == label]
            first_worker = cold[0]["worker"] if cold else None
            others = {}
            for s in result["warm"]:
                if s["scope"] == scope and s["page"] == label and s["worker"] != first_worker \
                        and s["worker"] not in others:
                    others[s["worker"]] = s["server_ms"]
            rows.append({
                "db": result["db"], "scope": scope, "page": label, "n": len(mine), "errors": len(mine) - len(ok),
                "p50": pct(server, 50), "p95": pct(server, 95), "max": max(server) if server else None,
                "client_p95": pct([s["client_ms"] for s in ok], 95),
                "cold": cold[0]["server_ms"] if cold else None,
                "cold_status": cold[0]["status"] if cold else None,
                "cold_other_workers": max(others.values()) if others else None,
                "target": target,
            })
        server = [s["server_ms"] for s in scoped if s["status"] == 200 and s["server_ms"] is not None]
        rows.append({"db": result["db"], "scope": scope, "page": "all pages", "n": len(scoped),
                     "errors": sum(1 for s in scoped if s["status"] != 200),
                     "p50": pct(server, 50), "p95": pct(server, 95), "max": max(server) if server else None,
                     "client_p95": pct([s["client_ms"] for s in scoped if s["status"] == 200], 95),
                     "cold": None, "cold_status": None, "cold_other_workers": None, "target": target})
    for r in rows:
        r["pass"] = r["p95"] is not None and r["p95"] <= r["target"] and r["errors"] == 0
    return rows


def ms(x):
    return "—" if x is None else f"{x:,.0f}"


def table(rows):
    head = ["db", "user", "page", "n", "p50 ms", "p95 ms", "max ms", "client p95 ms", "cold (first) ms",
            "cold, other workers ms", "target p95", "ok"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        total = r["page"] == "all pages"
        n = f"{r['n']}" + (f" ({r['errors']} errors)" if r["errors"] else "")
        cold = ms(r["cold"]) + (f" ({r['cold_status']})" if r["cold_status"] not in (None, 200) else "")
        verdict = "" if total else ("✅" if r["pass"] else "❌")
        cells = [r["db"], r["scope"], f"**{r['page']}**" if total else f"`{r['page']}`", n, ms(r["p50"]),
                 f"**{ms(r['p95'])}**" if total else ms(r["p95"]), ms(r["max"]), ms(r["client_p95"]), cold,
                 ms(r["cold_other_workers"]), f"≤ {r['target']:,}", verdict]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def revision():
    """The commit measured, with "+changes" when the work tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "src"], capture_output=True,
                               text=True, cwd=ROOT).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return head + ("+changes" if dirty else "")


def report(results, rows, args):
    lines = [f"# 页面响应时间（{date.today().isoformat()}）", "",
             f"`bench/pages.py --scale {args.scale} --users {args.users} --seconds {args.seconds}`；"
             f"代码 {revision()}；机器 {os.cpu_count()} 核，Python {platform.python_version()}；gunicorn -w {args.workers} "
             f"--threads 1，客户端与服务器同在本机（loopback）。",
             "时间为服务器时间（`Server-Timing: app;dur=`，Django 内全部用时）。n/p50/p95/max 取负载阶段"
             "（各 worker 均已预热）；client p95 为客户端墙钟时间；cold (first) 为新起的服务器上该页的第一次请求"
             "（无并发）；cold, other workers 为预热时其余 worker 第一次处理该页的最长用时（首页和检查的结果按"
             "进程缓存，每个 worker 各算一次）。目标：旗级用户每页 p95 ≤ 300 ms，自治区级用户 ≤ 1 s。", ""]
    for r in results:
        i = r["info"]
        per_s = len(r["samples"]) / r["elapsed"] if r["elapsed"] else 0
        lines.append(f"- **{r['db']}**：" + (f"导入 {r['import_s']:.1f} 秒；" if r["import_s"] else "复用已导入的库；")
                     + f"负载 {r['elapsed']:.0f} 秒共 {len(r['samples'])} 次请求（{per_s:.1f} 次/秒），"
                     f"客户端自身占用 CPU {r['client_cpu']:.1f} 秒；"
                     f"负载阶段机器负载 {r['load_before'][0]:.1f} → {r['load_after'][0]:.1f}"
                     + (f"；负载中仍有 {len(r['cold_in_load'])} 次是该 worker 第一次处理该页" if r["cold_in_load"]
                        else ""))
    i = results[0]["info"]
    lines += [f"- 旗级用户 `bench_banner`：{i['banner_name']}（{i['banner']}，{i['banner_branches']} 个党支部）的"
              f"书记/班子成员，对应人员 {i['banner_leader']}；自治区级用户 `bench_province`：{i['root_name']}"
              f"（{i['root']}，{i['branches']} 个党支部）的组织部管理员。",
              f"- 页面中的编码：`<banner>` = {i['banner']}，`<branch>` = {i['branch']}（{i['branch_name']}），"
              f"`<leader>` = {i['banner_leader']}（旗级用户）/ {i['root_leader']}（自治区级用户），"
              f"`q` = {i['q']}。", "", table(rows), ""]
    misses = [r for r in rows if r["page"] != "all pages" and not r["pass"]]
    if misses:
        lines.append("未达标：" + "；".join(f"{r['db']} {r['scope']} `{r['page']}` p95 {ms(r['p95'])} ms"
                                         + (f"（{r['errors']} 次错误）" if r["errors"] else "") for r in misses))
    else:
        lines.append("全部页面达标。")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description="各页面在并发用户下的服务器响应时间")
    parser.add_argument("--dbs", default="sqlite,postgres", help="逗号分隔：sqlite,postgres")
    parser.add_argument("--scale", default="province", help="banner、league 或 province")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=10, help="并发用户数，一半旗级、一半自治区级")
    parser.add_argument("--seconds", type=float, default=30, help="负载阶段的秒数")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker 数")
    parser.add_argument("--port", type=int, default=0, help="gunicorn 端口（默认取一个空闲端口）")
    parser.add_argument("--timeout", type=int, default=1800, help="一次导入最多等待的秒数")
    parser.add_argument("--reuse", action="store_true", help="数据库已导入过时直接复用（不重建、不导入）")
    args = parser.parse_args()
    if args.users < 2:
        parser.error("--users 至少为 2")
    OUT.mkdir(parents=True, exist_ok=True)
    # A TERM (or Ctrl-C) ends the bench through the finally clauses, which stop gunicorn.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    folder = data_dir(args.scale, args.seed)
    results = [bench_db(db, args, folder) for db in args.dbs.split(",")]
    rows = [row for r in results for row in summarize(r)]
    text = report(results, rows, args)
    print(text)
    (OUT / "pages.md").write_text(text, encoding="utf-8")
    (OUT / "pages.json").write_text(json.dumps({"args": vars(args), "rows": rows, "runs": results},
                                               ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if all(r["pass"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
