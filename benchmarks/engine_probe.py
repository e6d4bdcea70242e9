"""Would an embedded relational engine pay? The per-event stages in DuckDB beside rpa_scout's own.

    pip install duckdb     # not a dependency of rpa_scout: only this benchmark uses it
    python benchmarks/engine_probe.py [--cases 62000 620000] [--rounds 2] [--threads 2]

Issue 15 asks for the per-event work of ``rank`` as relational expressions on DuckDB.
Before porting, this measures what that would buy on this machine: the stages the issue
names, written once as DuckDB SQL over the Parquet file and once with rpa_scout's own
functions, each side in a fresh subprocess (alternating, ``--rounds`` times; best time
per stage, peak RSS of each process), on the synthetic ostolaskut logs that
``benchmarks/rank_speed.py`` caches (start and complete events):

- **read**: DuckDB loads the columns; rpa_scout's ``read_log`` also checks and cleans
  every row (whitespace, timestamps, repeated rows, lifecycle counts, the load report);
- **pairing**: start and complete paired first-in-first-out per case and activity;
- **graph**: the directly-follows graph with counts and mean and median waits
  (rpa_scout: ``discover_graph``, which pairs again inside);
- **activity stats**: per activity the count, mean, median and deviation of durations;
- **bounds**: per instance the case's and the account's previous completion, and per
  activity the mean time since the later of the two;
- **capacity**: measured time per account and local day.

Both sides' results are compared (instances, graph edges and their counts, per-activity
counts); a mismatch stops the run. The stages that stay in Python whatever the engine
(manual detection's rules, exclusive working time, criteria and their decision trees,
the bootstrap) are not here: ``benchmarks/results/engine_probe.md`` sets the measured
stages against the whole of ``rank`` from ``benchmarks/results/scale.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rank_speed  # noqa: E402  (the cached synthetic logs)
from _common import run_header, versions  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
STAGES = ("read", "pairing", "graph", "activity stats", "bounds", "capacity")


def duckdb_worker(path: str, zone: str, threads: int) -> dict:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads={threads}")
    con.execute(f"SET TimeZone='{zone}'")
    times: dict[str, float] = {}

    def stage(name: str, sql: str):
        t = time.perf_counter()
        rows = con.execute(sql).fetchall()
        times[name] = times.get(name, 0.0) + time.perf_counter() - t
        return rows

    stage("read", f"""CREATE TEMP TABLE ev AS SELECT "case:concept:name" AS c,
        "concept:name"::VARCHAR AS a, "org:resource"::VARCHAR AS r, "time:timestamp" AS t,
        "lifecycle:transition"::VARCHAR AS lc, row_number() OVER () AS rid FROM read_parquet('{path}')""")
    stage("pairing", """CREATE TEMP TABLE inst AS
        WITH s AS (SELECT c, a, t, row_number() OVER (PARTITION BY c, a ORDER BY t, rid) AS k
                   FROM ev WHERE lc = 'start'),
             e AS (SELECT c, a, r, t, rid, row_number() OVER (PARTITION BY c, a ORDER BY t, rid) AS k
                   FROM ev WHERE lc = 'complete')
        SELECT e.c, e.a, e.r, s.t AS st, e.t AS et, e.rid FROM e LEFT JOIN s USING (c, a, k)""")
    edges = stage("graph", """SELECT a, b, count(*), avg(gap), median(gap) FROM (
        SELECT a, lead(a) OVER w AS b, epoch(lead(coalesce(st, et)) OVER w) - epoch(et) AS gap FROM inst
        WINDOW w AS (PARTITION BY c ORDER BY et, rid)) WHERE b IS NOT NULL GROUP BY ALL""")
    acts = stage("activity stats", """SELECT a, count(*), avg(d), median(d), stddev(d) FROM (
        SELECT a, epoch(et) - epoch(st) AS d FROM inst) GROUP BY a""")
    stage("bounds", """SELECT a, avg(up) FROM (SELECT a, epoch(et) - greatest(
        lag(epoch(et)) OVER (PARTITION BY c ORDER BY et, rid),
        lag(epoch(et)) OVER (PARTITION BY r ORDER BY et, rid)) AS up FROM inst) GROUP BY a""")
    stage("capacity", """SELECT r, CAST(et AS DATE), sum(epoch(et) - epoch(st)) FROM inst
        WHERE st IS NOT NULL GROUP BY ALL""")
    instances = con.execute("SELECT count(*) FROM inst").fetchone()[0]
    return {"times": times, "instances": int(instances),
            "edges": sorted((str(a), str(b), int(n)) for a, b, n, *_ in edges),
            "activities": sorted((str(a), int(n)) for a, n, *_ in acts)}


def rpa_worker(path: str, zone: str, threads: int) -> dict:
    import numpy as np
    import pandas as pd

    from rpa_scout import discover_graph, pair_lifecycle, read_log
    from rpa_scout.codes import Coded
    from rpa_scout.graph import END, START
    from rpa_scout.handling import _local_days, previous_end
    from rpa_scout.timestamps import epoch_seconds

    times: dict[str, float] = {}
    t = time.perf_counter()
    log, _ = read_log(path, timezone=zone, categorical_roles=True)
    times["read"] = time.perf_counter() - t
    t = time.perf_counter()
    inst = pair_lifecycle(log).instances
    times["pairing"] = time.perf_counter() - t
    t = time.perf_counter()
    graph = discover_graph(log)
    times["graph"] = time.perf_counter() - t
    t = time.perf_counter()
    act = Coded.text(inst["concept:name"])
    duration = (inst["time:timestamp"] - inst["start_timestamp"]).dt.total_seconds().to_numpy()
    stats = pd.Series(duration).groupby(act.codes).agg(["size", "mean", "median", "std"])
    times["activity stats"] = time.perf_counter() - t
    t = time.perf_counter()
    end = epoch_seconds(inst["time:timestamp"])
    case, account = Coded.text(inst["case:concept:name"]).codes, Coded.text(inst["org:resource"]).codes
    up = end - np.fmax(previous_end(case, end), previous_end(account, end))
    pd.Series(up).groupby(act.codes).mean()
    times["bounds"] = time.perf_counter() - t
    t = time.perf_counter()
    day = _local_days(end, zone)
    measured = np.isfinite(duration) & (account >= 0)
    key = account[measured].astype(np.int64) * (int(day.max()) + 1) + day[measured]
    pd.Series(duration[measured]).groupby(key).sum()
    times["capacity"] = time.perf_counter() - t
    edges = [(str(a), str(b), int(n)) for a, b, n in graph.edges(data="count") if a != START and b != END]
    counts = stats["size"]
    return {"times": times, "instances": len(inst), "edges": sorted(edges),
            "activities": sorted((str(act.values[i]), int(n)) for i, n in counts.items())}


def measure(side: str, path: Path, zone: str, threads: int) -> dict:
    """One side in a fresh subprocess: its stage times, results and peak RSS."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[1]),
                                                       os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen([sys.executable, __file__, "--worker", side, str(path), zone, str(threads)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"Error: the {side} worker failed on {path.name}: {err.strip().splitlines()[-1:]}")
    return json.loads(out.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[62_000, 620_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2, help="DuckDB's threads (the machine's cores)")
    parser.add_argument("--out", type=Path, default=RESULTS / "engine_probe.md")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        side, path, zone, threads = args.worker
        result = (duckdb_worker if side == "duckdb" else rpa_worker)(path, zone, int(threads))
        import resource

        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return
    try:
        import duckdb  # noqa: F401
    except ImportError:
        raise SystemExit("Error: this benchmark needs DuckDB: pip install duckdb")
    rows = []
    for cases in args.cases:
        path, zone = rank_speed.log_file("synthetic", cases, args.seed)
        best: dict[str, dict] = {}
        for _ in range(args.rounds):
            for side in ("duckdb", "rpa_scout"):
                r = measure(side, path, zone, args.threads)
                if side in best:
                    r["times"] = {k: min(v, best[side]["times"][k]) for k, v in r["times"].items()}
                    r["peak_mib"] = min(r["peak_mib"], best[side]["peak_mib"])
                best[side] = r
        d, p = best["duckdb"], best["rpa_scout"]
        for what in ("instances", "edges", "activities"):
            if d[what] != p[what]:
                raise SystemExit(f"Error: DuckDB and rpa_scout disagree on {what} for {path.name}")
        rows.append((cases, path, d, p))
        print(cases, {s: (round(d["times"][s], 2), round(p["times"][s], 2)) for s in STAGES}, flush=True)
    text = _table(rows, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


def _table(rows, args) -> str:
    import pyarrow.parquet as pq

    lines = [run_header("Per-event stages: DuckDB beside rpa_scout", "engine_probe.py",
                        versions("duckdb", "pandas", "numpy", "pyarrow"), sys.argv[1:]), "",
             f"Best of {args.rounds} fresh processes per side, alternating; DuckDB on {args.threads} threads. "
             "Both sides agreed on the instances, the graph's edges and counts and the per-activity counts.", "",
             "| events | stage | DuckDB s | rpa_scout s | rpa_scout ÷ DuckDB |", "|---:|---|---:|---:|---:|"]
    for cases, path, d, p in rows:
        events = pq.ParquetFile(path).metadata.num_rows
        for stage in STAGES + ("all",):
            dt_ = sum(d["times"].values()) if stage == "all" else d["times"][stage]
            pt = sum(p["times"].values()) if stage == "all" else p["times"][stage]
            name = f"**{stage}**" if stage == "all" else stage
            lines.append(f"| {events:,} | {name} | {dt_:.2f} | {pt:.2f} | {pt / dt_:.2f}× |")
        lines.append(f"| {events:,} | peak RSS MiB | {d['peak_mib']:,.0f} | {p['peak_mib']:,.0f} | "
                     f"{p['peak_mib'] / d['peak_mib']:.2f}× |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
