"""Benchmark of the ladder (CONTRACT §5, issue 9 item 7): a sweep against a plain check of the same day.

    .venv/bin/python bench/ladder.py [--dbs sqlite,postgres] [--scale province] [--repeat 3]

Uses the data folder of ``bench/run.py`` (generated once into bench/out/data/), a fresh
database per engine (SQLite ``bench/out/ladder-<scale>.sqlite3``, PostgreSQL database
``dj_ladder_bench``, ``BENCH_LADDER_PG_URL`` to change it), imported once. Then, day
by day over a sequence of sweep days, as separate ``dangjian`` processes timed from
outside (wall and CPU time of the whole process, start-up included). A sweep changes the
data, so each of ``--repeat`` trials of a day runs on its own copy of the database as it
stood before that day (PostgreSQL ``CREATE DATABASE … TEMPLATE``, SQLite a file copy): on
the copy ``dangjian check --as-of D --format json`` twice, then ``dangjian accountability
sweep --as-of D`` once; the day's figures are the best check and the best sweep over all
trials, so both sides are a best of several on a machine whose speed moves. The last
trial's copy goes on to the next day. The first day opens every case; the days after it
are the daily sweep; 10-06 and 11-25 move thousands of cases past their deadline. After
the last day ``accountability report --format json`` over the whole tree and ``--org`` of
the first banner (best of ``--repeat``). The sources are byte-compiled first, as an
installed package is, so that start-up is not spent compiling. Results:
bench/out/ladder.md and ladder.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as base  # noqa: E402  (bench/run.py: the data folder, timed processes)

DAYS = ["2026-09-01", "2026-09-02", "2026-09-03", "2026-10-06", "2026-11-25", "2026-11-26"]
PG_URL = os.environ.get("BENCH_LADDER_PG_URL", "postgres://postgres@127.0.0.1:5432/dj_ladder_bench")


def _admin():
    import psycopg

    return psycopg.connect(PG_URL.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres",
                           autocommit=True)


def _sqlite_path(scale, trial=None):
    return base.OUT / (f"ladder-{scale}.sqlite3" if trial is None else f"ladder-{scale}-trial{trial}.sqlite3")


def _sqlite_unlink(path):
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def database(db, scale, trial=None):
    """The environment of the run's database (``trial``: a copy of it), and its name or path."""
    env = os.environ.copy()
    if db == "sqlite":
        path = _sqlite_path(scale, trial)
        env["DATABASE_URL"] = f"sqlite:///{path}"
        return env, path
    name = PG_URL.rsplit("/", 1)[1] + ("" if trial is None else f"_trial{trial}")
    env["DATABASE_URL"] = PG_URL.rsplit("/", 1)[0] + "/" + name
    return env, name


def fresh(db, scale):
    env, where = database(db, scale)
    if db == "sqlite":
        _sqlite_unlink(where)
    else:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{where}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{where}"')
    return env


def copy(db, scale, trial):
    """A copy of the run's database as it stands (the state before the day's sweep)."""
    env, where = database(db, scale, trial)
    _, source = database(db, scale)
    if db == "sqlite":
        import sqlite3

        _sqlite_unlink(where)
        with sqlite3.connect(source) as src, sqlite3.connect(where) as dst:
            src.backup(dst)  # a consistent copy, whatever the WAL holds
        dst.close()
        src.close()
    else:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{where}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{where}" TEMPLATE "{source}"')
    return env


def promote(db, scale, trial):
    """The trial's copy becomes the run's database (the state after the day's sweep)."""
    _, where = database(db, scale, trial)
    _, target = database(db, scale)
    if db == "sqlite":
        import sqlite3

        # The sweep's process may have left its last changes in the WAL file: write them back first.
        conn = sqlite3.connect(where)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        _sqlite_unlink(target)
        os.replace(where, target)
        _sqlite_unlink(where)
    else:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE "{target}" WITH (FORCE)')
            conn.execute(f'ALTER DATABASE "{where}" RENAME TO "{target}"')


def discard(db, scale, trial):
    _, where = database(db, scale, trial)
    if db == "sqlite":
        _sqlite_unlink(where)
    else:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{where}" WITH (FORCE)')


def vacuum(db, env):
    if db == "postgres":
        import psycopg

        with psycopg.connect(env["DATABASE_URL"].replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")


def timed(cmd, env, name, times):
    walls, cpus = [], []
    for i in range(times):
        status, wall, _, cpu = base.run(cmd, env, f"{name}-{i + 1}")
        if status != 0:
            raise SystemExit(f"{' '.join(cmd[1:])} 失败（退出码 {status}），见 bench/out/logs/{name}-{i + 1}.err")
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


def bench(db, scale, folder, repeats):
    tag = f"ladder-{scale}-{db}"
    env = fresh(db, scale)
    for step, cmd in (("migrate", ["migrate", "--no-input"]), ("import", ["import", str(folder)])):
        base.log(f"[{tag}] {step} …")
        status, seconds, _, _ = base.run([base.DANGJIAN, *cmd], env, f"{tag}-{step}")
        if status != 0:
            raise SystemExit(f"{step} 失败，见 bench/out/logs/{tag}-{step}.err")
    vacuum(db, env)
    rows = []
    for day in DAYS:
        checks, check_cpus, sweeps, sweep_cpus, pairs = [], [], [], [], []
        for trial in range(1, repeats + 1):
            trial_env = copy(db, scale, trial)
            walls, cpus = timed([base.DANGJIAN, "check", "--as-of", day, "--format", "json"], trial_env,
                                f"{tag}-check-{day}-t{trial}", 2)
            checks += walls
            check_cpus += cpus
            walls, cpus = timed([base.DANGJIAN, "accountability", "sweep", "--as-of", day], trial_env,
                                f"{tag}-sweep-{day}-t{trial}", 1)
            sweeps += walls
            sweep_cpus += cpus
            pairs.append(walls[0] / min(checks[-2:]))  # this trial's sweep over its own better check
            if trial < repeats:
                discard(db, scale, trial)
        promote(db, scale, repeats)
        out = (base.OUT / "logs" / f"{tag}-sweep-{day}-t{repeats}-1.out").read_text(encoding="utf-8")
        counts = dict(line.strip().rsplit(" ", 1) for line in out.splitlines()[1:] if line.strip())
        check, sweep = min(checks), min(sweeps)
        rows.append({"day": day, "check_wall": check, "check_cpu": min(check_cpus), "sweep_wall": sweep,
                     "sweep_cpu": min(sweep_cpus), "ratio": sweep / check, "median_ratio": statistics.median(pairs),
                     "checks": checks, "sweeps": sweeps, "counts": counts})
        base.log(f"[{tag}] {day}: check {check:.2f} s, sweep {sweep:.2f} s ({sweep / check:.2f}×, median of trials "
                 f"{statistics.median(pairs):.2f}×); "
                 f"checks {' '.join(f'{w:.2f}' for w in checks)}, sweeps {' '.join(f'{w:.2f}' for w in sweeps)}")
    banner = base.first_banner(folder)
    walls, cpus = timed([base.DANGJIAN, "accountability", "report", "--format", "json"], env, f"{tag}-report",
                        repeats)
    report = (min(walls), statistics.median(walls), min(cpus))
    walls, cpus = timed([base.DANGJIAN, "accountability", "report", "--format", "json", "--org", banner], env,
                        f"{tag}-report-banner", repeats)
    scoped = (min(walls), statistics.median(walls), min(cpus))
    cases = json.loads((base.OUT / "logs" / f"{tag}-report-1.out").read_text(encoding="utf-8"))["summary"]
    return {"db": db, "scale": scale, "days": rows, "report": report, "report_banner": scoped, "banner": banner,
            "summary": cases, "load": os.getloadavg()[0]}


def markdown(results):
    lines = ["# 失责必问：巡检与检查用时", "",
             "整个 dangjian 进程的墙钟时间（含启动）/ 该进程 CPU 时间（不含 PostgreSQL 服务端），秒。"
             "每天做若干次试验，每次在当天巡检前数据库的一份副本上先检查两次、再巡检一次；"
             "表中为全部试验里最好的检查与最好的巡检，以及各次试验“巡检 ÷ 本次较好的检查”的中位数。", ""]
    for r in results:
        lines += [f"## {r['scale']} · {r['db']}（测量结束时负载 {r['load']:.1f}）", "",
                  "| day | check wall / CPU | sweep wall / CPU | sweep ÷ check (wall) | median of trials | opened | escalated | rectified | open after |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for d in r["days"]:
            c = d["counts"]
            lines.append(f"| {d['day']} | {d['check_wall']:.2f} / {d['check_cpu']:.2f} | {d['sweep_wall']:.2f} / "
                         f"{d['sweep_cpu']:.2f} | {d['ratio']:.2f} | {d['median_ratio']:.2f} | {c.get('新立事项', '')} | {c.get('逾期升级', '')} | "
                         f"{c.get('已整改结案', '')} | {c.get('整改中事项', '')} |")
        lines += ["", f"report --format json: best {r['report'][0]:.2f} s (median {r['report'][1]:.2f}, CPU "
                      f"{r['report'][2]:.2f}); --org {r['banner']}: best {r['report_banner'][0]:.2f} s (CPU "
                      f"{r['report_banner'][2]:.2f}); cases {r['summary']}", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dbs", default="sqlite,postgres")
    parser.add_argument("--scale", default="province", choices=base.SCALES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder, _ = base.data_dir(args.scale, args.seed)
    # Start-up as an installed package has it: byte-compiled (PYTHONDONTWRITEBYTECODE would otherwise
    # leave every process compiling the sources again).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(base.ROOT / "src")], check=True,
                   stdout=subprocess.DEVNULL)
    results = [bench(db, args.scale, folder, args.repeat) for db in args.dbs.split(",")]
    text = markdown(results)
    print(text)
    (base.OUT / "ladder.md").write_text(text + "\n", encoding="utf-8")
    (base.OUT / "ladder.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
