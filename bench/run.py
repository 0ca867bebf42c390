"""Benchmark of the import and the rule check at banner, league and province scale.

    .venv/bin/python bench/run.py [--scales banner,league,province] [--dbs sqlite,postgres] [--analyze]

For each scale the synthetic data (``dangjian gen``) is generated once into
bench/out/data/ and reused by later runs. For each database the schema is made
fresh, then each step runs as its own ``dangjian`` process, as a user would run it,
and is timed from outside: the wall time of the whole process (start-up included)
and, for the import, its peak resident memory and CPU time (from ``wait4``'s rusage
of exactly that child). The checks run three times; best and median are reported.

``--analyze`` gathers planner statistics (``ANALYZE``) between the import and the
checks, and reports the rows as ``sqlite+analyze`` / ``postgres+analyze``: it shows
what the check costs once the statistics exist (PostgreSQL's autovacuum gathers them
some time after a load, and not at all where autovacuum is off).

The Markdown table is printed and written to bench/out/results.md; the raw figures
go to bench/out/results.json. Rows of earlier runs for other scales or databases are
kept, so that the scales can be run one at a time.
"""

import argparse
import csv
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DANGJIAN = str(Path(sys.executable).parent / "dangjian")  # the console script of this venv
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/dangjian_bench")
# A fixed day, so that data generated once gives the same figures on any later day.
AS_OF = "2026-11-26"
SCALES = ("tiny", "banner", "league", "province")


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(cmd, env, log_name, timeout=None):
    """Run one process with output to a log file; return (exit status, wall s, peak RSS MB, CPU s).

    The CPU time is the process's own user + system time: on a busy machine it moves
    less than the wall time, but it leaves out the PostgreSQL server's share.
    """
    logs = OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"{log_name}.out", "wb") as out, open(logs / f"{log_name}.err", "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err, cwd=OUT)
        killer = threading.Timer(timeout, proc.kill) if timeout else None
        if killer:
            killer.start()
        # wait4 reaps exactly this child and gives its own rusage (not the max over all children).
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if killer:
            killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / 1024  # Linux reports KiB
    return proc.returncode, seconds, peak, usage.ru_utime + usage.ru_stime


def data_dir(scale, seed):
    """Generate the scale's CSV folder once; a finished folder is recognised by its summary file."""
    folder = OUT / "data" / f"{scale}-s{seed}-{AS_OF}"
    summary = folder / "summary.txt"
    if summary.exists():
        log(f"[{scale}] 复用已生成的数据 {folder.relative_to(ROOT)}")
        return folder, None
    log(f"[{scale}] 生成数据 …")
    status, seconds, _, _ = run([DANGJIAN, "gen", "--scale", scale, "--seed", str(seed), "--as-of", AS_OF,
                                 str(folder)], os.environ.copy(), f"gen-{scale}")
    if status != 0:
        raise SystemExit(f"生成 {scale} 数据失败，见 bench/out/logs/gen-{scale}.err")
    summary.write_text((OUT / "logs" / f"gen-{scale}.out").read_text(encoding="utf-8"), encoding="utf-8")
    return folder, seconds


def count_rows(folder):
    total = 0
    for path in sorted(folder.glob("*.csv")):  # one file per sheet the apps declare (dangjian gen writes them)
        with open(path, "rb") as fh:
            total += sum(1 for _ in fh) - 1  # the generator writes no line breaks inside cells
    return total


def first_banner(folder):
    """The code of the first banner (旗/县/区委) in the 组织 sheet: the subtree for the scoped check."""
    with open(folder / "组织.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["组织类型"] == "党委" and row["组织名称"].endswith(("旗委", "县委", "区委")):
                return row["组织编码"]
    raise SystemExit("数据中没有旗县委")


def pg_admin_url():
    parts = urlsplit(PG_URL)
    return urlunsplit(("postgresql", parts.netloc, "/postgres", "", "")), parts.path.lstrip("/")


def fresh_database(db, scale):
    env = os.environ.copy()
    if db == "sqlite":
        path = OUT / f"bench-{scale}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        admin, name = pg_admin_url()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = PG_URL
    return env


def analyze(db, scale):
    """Gather planner statistics, as autovacuum (PostgreSQL) or ``PRAGMA optimize`` (SQLite) would."""
    if db == "sqlite":
        with sqlite3.connect(OUT / f"bench-{scale}.sqlite3") as conn:
            conn.execute("ANALYZE")
    else:
        import psycopg

        with psycopg.connect(PG_URL.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            conn.execute("ANALYZE")


def has_command(name):
    return subprocess.run([DANGJIAN, "help", name], capture_output=True, cwd=ROOT).returncode == 0


def repeat(cmd, env, log_name, times):
    """Run a read-only command ``times`` times; (best, median, statuses) of the wall times."""
    walls, statuses = [], []
    for i in range(times):
        status, seconds, _, _ = run(cmd, env, f"{log_name}-{i + 1}")
        walls.append(seconds)
        statuses.append(status)
    return min(walls), statistics.median(walls), statuses


def bench(scale, db, folder, repeats, timeout, report, with_analyze):
    label = f"{db}+analyze" if with_analyze else db
    tag = f"{scale}-{label}"
    log(f"[{tag}] 新建数据库并迁移 …")
    env = fresh_database(db, scale)
    status, _, _, _ = run([DANGJIAN, "migrate", "--no-input"], env, f"{tag}-migrate")
    if status != 0:
        raise SystemExit(f"迁移失败，见 bench/out/logs/{tag}-migrate.err")
    log(f"[{tag}] 导入 …")
    status, seconds, peak, cpu = run([DANGJIAN, "import", str(folder)], env, f"{tag}-import", timeout)
    result = {"scale": scale, "db": label, "rows": count_rows(folder), "import_s": seconds, "import_cpu_s": cpu,
              "peak_mb": peak, "import_status": status, "load": os.getloadavg()[0]}
    if status != 0:
        log(f"[{tag}] 导入失败（退出码 {status}），见 bench/out/logs/{tag}-import.err")
        return result
    log(f"[{tag}] 导入 {seconds:.1f} 秒，峰值内存 {peak:.0f} MB；检查 …")
    if with_analyze:
        analyze(db, scale)
    # The floor: start-up, settings, one query (an unknown --org is refused right after looking it up).
    result["floor_s"], _, _ = repeat([DANGJIAN, "check", "--org", "不存在的组织", "--format", "json"], env,
                                     f"{tag}-floor", repeats)
    check = [DANGJIAN, "check", "--as-of", AS_OF, "--format", "json"]
    result["check_best"], result["check_median"], statuses = repeat(check, env, f"{tag}-check", repeats)
    banner = first_banner(folder)
    result["banner"] = banner
    result["subtree_best"], result["subtree_median"], statuses2 = repeat(check + ["--org", banner], env,
                                                                         f"{tag}-check-banner", repeats)
    result["check_status"] = max(statuses + statuses2)
    if result["check_status"] == 0:
        output = json.loads((OUT / "logs" / f"{tag}-check-1.out").read_text(encoding="utf-8"))
        result["summary"] = output["summary"]
        result["violations"] = len(output["violations"])
    if report:
        problems = [DANGJIAN, "report", "problems", "--format", "json"]
        result["report_best"], result["report_median"], _ = repeat(problems, env, f"{tag}-report", repeats)
    return result


def fmt(best, median):
    return "—" if best is None else f"{best:.2f} / {median:.2f}"


def table(results):
    report = any("report_best" in r for r in results)
    head = ["scale", "db", "rows imported", "import s", "import CPU s", "peak MB", "check s (best / median)",
            "banner-subtree check s (best / median)"]
    if report:
        head.append("report problems s (best / median)")
    head.append("start-up floor s")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        failed = r["import_status"] != 0
        cells = [r["scale"], r["db"], f"{r['rows']:,}",
                 f"{r['import_s']:.1f}" + (" (failed)" if failed else ""), f"{r['import_cpu_s']:.1f}",
                 f"{r['peak_mb']:.0f}",
                 fmt(r.get("check_best"), r.get("check_median")),
                 fmt(r.get("subtree_best"), r.get("subtree_median"))]
        if report:
            cells.append(fmt(r.get("report_best"), r.get("report_median")))
        cells.append(f"{r['floor_s']:.2f}" if "floor_s" in r else "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def merged(new):
    """Earlier results of other (scale, db) pairs, with this run's replacing their own."""
    path = OUT / "results.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    keys = {(r["scale"], r["db"]) for r in new}
    rows = [r for r in old if (r["scale"], r["db"]) not in keys] + new
    order = {s: i for i, s in enumerate(SCALES)}
    dbs = {"sqlite": 0, "sqlite+analyze": 1, "postgres": 2, "postgres+analyze": 3}
    return sorted(rows, key=lambda r: (order.get(r["scale"], 99), dbs.get(r["db"], 9)))


def main():
    parser = argparse.ArgumentParser(description="导入与规则检查的性能基准")
    parser.add_argument("--scales", default="banner,league,province", help="逗号分隔：tiny,banner,league,province")
    parser.add_argument("--dbs", default="sqlite,postgres", help="逗号分隔：sqlite,postgres")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="每项检查运行的次数")
    parser.add_argument("--timeout", type=int, default=1800, help="一次导入最多等待的秒数")
    parser.add_argument("--analyze", action="store_true", help="导入后、检查前先收集统计信息（ANALYZE）")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    report = has_command("report")
    if not report:
        log("没有 dangjian report 命令，跳过 report problems")

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())  # other work on the machine skews wall times
    results, generated = [], {}
    for scale in args.scales.split(","):
        folder, seconds = data_dir(scale, args.seed)
        if seconds is not None:
            generated[scale] = seconds
        for db in args.dbs.split(","):
            results.append(bench(scale, db, folder, args.repeat, args.timeout, report, args.analyze))

    print(table(results))
    everything = merged(results)
    notes = [f"# 性能基准结果（{date.today().isoformat()}）", "",
             f"机器：{os.cpu_count()} 核，Python {platform.python_version()}，最近一次运行开始时负载 {load}；"
             f"数据日期 {AS_OF}，种子 {args.seed}。",
             "时间是整个 dangjian 进程的墙钟时间（含启动）；导入 CPU 为该进程自身的用户+系统时间"
             "（不含 PostgreSQL 服务端）；start-up floor 是 `dangjian check --org 不存在的组织` 的用时"
             "（启动 + 一次查询），即任何一次检查都省不掉的部分。“+analyze” 行在导入后先执行了 ANALYZE。",
             "", table(everything), ""]
    if generated:
        notes.append("本次数据生成用时：" + "，".join(f"{s} {t:.1f} 秒" for s, t in generated.items()))
    (OUT / "results.md").write_text("\n".join(notes) + "\n", encoding="utf-8")
    (OUT / "results.json").write_text(json.dumps(everything, ensure_ascii=False, indent=2), encoding="utf-8")
    failed = [r for r in results if r["import_status"] != 0 or r.get("check_status")]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
