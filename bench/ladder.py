"""Benchmark of the ladder (CONTRACT §5, issue 9 item 7): a sweep against a plain check of the same day.

    .venv/bin/python bench/ladder.py [--dbs sqlite,postgres] [--scale province] [--repeat 3]

Uses the data folder of ``bench/run.py`` (generated once into bench/out/data/), a fresh
database per engine (SQLite ``bench/out/ladder-<scale>.sqlite3``, PostgreSQL database
``dj_ladder_bench``, ``BENCH_LADDER_PG_URL`` to change it), imported once. Then, day
by day over a sequence of sweep days, as separate ``dangjian`` processes timed from
outside (wall and CPU time of the whole process, start-up included): ``dangjian check
--as-of D --format json`` (best of ``--repeat``) and one ``dangjian accountability sweep
--as-of D`` (each day once: a second sweep of a day changes nothing and costs less), its
ratio to the check; after the last day ``accountability report --format json`` over the
whole tree and ``--org`` of the first banner (best of ``--repeat``). The first day opens
every case; the days after it are the daily sweep; the 35th day moves every case past
its deadline. Results: bench/out/ladder.md and ladder.json.
"""

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as base  # noqa: E402  (bench/run.py: the data folder, timed processes)

DAYS = ["2026-09-01", "2026-09-02", "2026-09-03", "2026-10-06", "2026-11-25", "2026-11-26"]
PG_URL = os.environ.get("BENCH_LADDER_PG_URL", "postgres://postgres@127.0.0.1:5432/dj_ladder_bench")


def fresh(db, scale):
    env = os.environ.copy()
    if db == "sqlite":
        path = base.OUT / f"ladder-{scale}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        name = PG_URL.rsplit("/", 1)[1]
        admin = PG_URL.replace("postgres://", "postgresql://", 1).rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = PG_URL
    return env


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
    return min(walls), statistics.median(walls), min(cpus)


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
        check = timed([base.DANGJIAN, "check", "--as-of", day, "--format", "json"], env, f"{tag}-check-{day}", repeats)
        sweep = timed([base.DANGJIAN, "accountability", "sweep", "--as-of", day], env, f"{tag}-sweep-{day}", 1)
        out = (base.OUT / "logs" / f"{tag}-sweep-{day}-1.out").read_text(encoding="utf-8")
        counts = dict(line.strip().rsplit(" ", 1) for line in out.splitlines()[1:] if line.strip())
        rows.append({"day": day, "check_wall": check[0], "check_cpu": check[2], "sweep_wall": sweep[0],
                     "sweep_cpu": sweep[2], "ratio": sweep[0] / check[0], "counts": counts})
        base.log(f"[{tag}] {day}: check {check[0]:.2f} s, sweep {sweep[0]:.2f} s ({sweep[0] / check[0]:.2f}×)")
    banner = base.first_banner(folder)
    report = timed([base.DANGJIAN, "accountability", "report", "--format", "json"], env, f"{tag}-report", repeats)
    scoped = timed([base.DANGJIAN, "accountability", "report", "--format", "json", "--org", banner], env,
                   f"{tag}-report-banner", repeats)
    cases = json.loads((base.OUT / "logs" / f"{tag}-report-1.out").read_text(encoding="utf-8"))["summary"]
    return {"db": db, "scale": scale, "days": rows, "report": report, "report_banner": scoped, "banner": banner,
            "summary": cases, "load": os.getloadavg()[0]}


def markdown(results):
    lines = ["# 失责必问：巡检与检查用时", "",
             "整个 dangjian 进程的墙钟时间（含启动）/ 该进程 CPU 时间（不含 PostgreSQL 服务端），秒。"
             "检查取最好的一次；每天的巡检只跑一次（同一天再巡检不改变任何内容）。", ""]
    for r in results:
        lines += [f"## {r['scale']} · {r['db']}（测量结束时负载 {r['load']:.1f}）", "",
                  "| day | check wall / CPU | sweep wall / CPU | sweep ÷ check (wall) | opened | escalated | rectified | open after |",
                  "|---|---|---|---|---|---|---|---|"]
        for d in r["days"]:
            c = d["counts"]
            lines.append(f"| {d['day']} | {d['check_wall']:.2f} / {d['check_cpu']:.2f} | {d['sweep_wall']:.2f} / "
                         f"{d['sweep_cpu']:.2f} | {d['ratio']:.2f} | {c.get('新立事项', '')} | {c.get('逾期升级', '')} | "
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
    results = [bench(db, args.scale, folder, args.repeat) for db in args.dbs.split(",")]
    text = markdown(results)
    print(text)
    (base.OUT / "ladder.md").write_text(text + "\n", encoding="utf-8")
    (base.OUT / "ladder.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
