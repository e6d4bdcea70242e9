"""Benchmark: graph statistics of rpa_scout against pm4py's performance DFG.

Builds seeded synthetic Parquet logs (cached in ``benchmarks/.cache/``), then times, each
in a fresh subprocess so that its peak resident memory can be read at the end:

- rpa_scout: ``pd.read_parquet`` + ``rpa_scout.graph.discover_graph(log)``
  (edges with count, distinct cases and wait mean/median/p90, nodes with counts);
- pm4py: ``pd.read_parquet`` + ``pm4py.format_dataframe`` +
  ``pm4py.discover_performance_dfg(log)`` (mean/median/max/min/stdev/sum per edge).

Run::

    python benchmarks/graph_speed.py                 # 1M and 10M events, once each
    python benchmarks/graph_speed.py --sizes 1e6 --repeat 3

The Markdown table is printed and written to ``benchmarks/results/graph_speed.md`` (the
raw numbers to ``graph_speed.json`` beside it; ``--render`` rewrites the Markdown from
that JSON without measuring again).
Before timing, the smallest log is checked: edge counts equal ``pm4py.discover_dfg``
and mean waits equal pm4py's performance DFG (``--no-check`` skips it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results" / "graph_speed.md"
GENERATOR_VERSION = 1
CASE = "case:concept:name"
ACTIVITY = "concept:name"
TIMESTAMP = "time:timestamp"
RESOURCE = "org:resource"
TOOLS = ("rpa_scout", "pm4py")


# --------------------------------------------------------------------------- data


def log_path(n: int, order: str, cache: Path) -> Path:
    return cache / f"graph_speed_v{GENERATOR_VERSION}_{n}_{order}.parquet"


def make_log(n: int, path: Path, *, order: str = "time", seed: int = 20240601) -> None:
    """Write a synthetic log of exactly ``n`` events to ``path`` (Parquet).

    About 10 events per case (1 + Poisson(9)), 30 activities that follow one another
    with a little structure (each next step is 1-3 codes further), 200 resources, and
    completion times strictly increasing inside a case (gaps 1 s + exponential, mean
    about 4 h) over one year, tz-aware UTC in microseconds. ``order="time"`` writes the
    rows in global time order (as a system's audit table exports them, cases
    interleaved); ``order="case"`` groups them by case.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed + n)
    lengths = 1 + rng.poisson(9, size=n // 5 + 10)
    ends = np.cumsum(lengths)
    n_cases = int(np.searchsorted(ends, n) + 1)
    lengths = lengths[:n_cases]
    lengths[-1] -= int(ends[n_cases - 1] - n)
    case = np.repeat(np.arange(n_cases, dtype=np.int64), lengths)
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    first = np.zeros(n, dtype=bool)
    first[starts] = True

    def group_cumsum(values: np.ndarray) -> np.ndarray:
        total = np.cumsum(values)
        return total - np.repeat(total[starts] - values[starts], lengths)

    step = rng.integers(1, 4, size=n)
    step[first] = rng.choice(3, size=n_cases, p=[0.7, 0.2, 0.1])
    activity = group_cumsum(step) % 30
    year_s = 365 * 86400
    gap = 1 + np.floor(rng.exponential(4 * 3600, size=n)).astype(np.int64)
    gap[first] = rng.integers(0, year_s, size=n_cases)
    stamp_s = 1_704_067_200 + group_cumsum(gap)  # 2024-01-01T00:00:00Z + ...
    resource = rng.integers(0, 200, size=n)
    if order == "time":
        perm = np.argsort(stamp_s, kind="stable")
        case, activity, stamp_s, resource = case[perm], activity[perm], stamp_s[perm], resource[perm]
    elif order != "case":
        raise ValueError(f"order must be 'time' or 'case', got {order!r}")
    # Shuffle the case numbers so ids do not follow first appearance.
    case_label = rng.permutation(n_cases)[case]

    def strings(codes: np.ndarray, names: list[str]) -> pa.Array:
        dictionary = pa.array(names, type=pa.string())
        return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), dictionary).cast(pa.string())

    table = pa.table({
        CASE: strings(case_label, [f"C{i:08d}" for i in range(n_cases)]),
        ACTIVITY: strings(activity, [f"activity {i:02d}" for i in range(30)]),
        TIMESTAMP: pa.array(stamp_s * 1_000_000, type=pa.timestamp("us", tz="UTC")),
        RESOURCE: strings(resource, [f"user{i:03d}" for i in range(200)]),
    })
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


# --------------------------------------------------------------------------- child


def _rss_now() -> int:
    """Current resident set size in bytes (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _peak_rss() -> int:
    import resource

    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def child(tool: str, path: str) -> dict:
    """Run one measurement in this (fresh) process and return the numbers."""
    import pandas as pd

    if tool == "rpa_scout":
        from rpa_scout.graph import discover_graph
    elif tool == "pm4py":
        from rpa_scout._quiet import pm4py, quiet

        pm = pm4py()
    else:
        raise ValueError(tool)
    rss_import = _rss_now()
    t0 = time.perf_counter()
    log = pd.read_parquet(path)
    t1 = time.perf_counter()
    rss_load = _rss_now()
    n = len(log)
    if tool == "rpa_scout":
        graph = discover_graph(log)
        edges = graph.number_of_edges()
    else:
        with quiet():
            log = pm.format_dataframe(log, case_id=CASE, activity_key=ACTIVITY,
                                      timestamp_key=TIMESTAMP)
            dfg, _start, _end = pm.discover_performance_dfg(
                log, activity_key=ACTIVITY, timestamp_key=TIMESTAMP, case_id_key=CASE,
                perf_aggregation_key="all")
        edges = len(dfg)
    t2 = time.perf_counter()
    return {"tool": tool, "events": n, "edges": edges, "load_s": t1 - t0,
            "compute_s": t2 - t1, "total_s": t2 - t0, "rss_import": rss_import,
            "rss_load": rss_load, "peak_rss": _peak_rss()}


def check(path: str) -> dict:
    """Compare discover_graph with pm4py's DFG and performance DFG on one log."""
    import numpy as np
    import pandas as pd

    from rpa_scout._quiet import pm4py, quiet
    from rpa_scout.graph import END, START, discover_graph

    pm = pm4py()
    log = pd.read_parquet(path)
    graph = discover_graph(log)
    with quiet():
        frame = pm.format_dataframe(log, case_id=CASE, activity_key=ACTIVITY,
                                    timestamp_key=TIMESTAMP)
        dfg, starts, ends = pm.discover_dfg(frame)
        perf, _, _ = pm.discover_performance_dfg(frame, perf_aggregation_key="all")
    ours = {(a, b): d for a, b, d in graph.edges(data=True) if START not in (a, b) and END not in (a, b)}
    counts_equal = {k: d["count"] for k, d in ours.items()} == {k: int(v) for k, v in dfg.items()}
    ours_start = {b: d["count"] for a, b, d in graph.edges(data=True) if a == START}
    ours_end = {a: d["count"] for a, b, d in graph.edges(data=True) if b == END}
    start_equal = ours_start == {k: int(v) for k, v in starts.items()}
    end_equal = ours_end == {k: int(v) for k, v in ends.items()}
    same_keys = set(ours) == set(perf)

    def worst(ours_key: str, pm_key: str) -> float:
        rel = [abs(ours[k][ours_key] - perf[k][pm_key]) / max(abs(perf[k][pm_key]), 1e-12)
               for k in ours if k in perf]
        return float(np.max(rel)) if rel else float("nan")

    return {"events": len(log), "edges": len(ours), "counts_equal": counts_equal,
            "start_equal": start_equal, "end_equal": end_equal, "same_edges": same_keys,
            "mean_max_rel_diff": worst("wait_mean_s", "mean"),
            "median_max_rel_diff": worst("wait_median_s", "median")}


# --------------------------------------------------------------------------- parent


def _run_child(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"child {' '.join(args)} failed with exit code {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _sizes(text: str) -> list[int]:
    return [int(float(part)) for part in text.split(",") if part.strip()]


def _mib(value: float) -> str:
    return f"{value / 2**20:,.0f}"


def _events(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n:,}"


def table(rows: list[dict]) -> str:
    lines = [
        "| events | tool | graph s | events/s (graph) | load + graph s | RSS after load MiB "
        "| peak RSS MiB | pm4py ÷ rpa_scout time (graph / total) | rpa_scout ÷ pm4py peak RSS |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_size: dict[int, dict[str, dict]] = {}
    for row in rows:
        by_size.setdefault(row["events"], {})[row["tool"]] = row
    for n in sorted(by_size):
        pair = by_size[n]
        for tool in TOOLS:
            if tool not in pair:
                continue
            r = pair[tool]
            speed = memory = ""
            if tool == "rpa_scout" and "pm4py" in pair:
                p = pair["pm4py"]
                speed = f"{p['compute_s'] / r['compute_s']:.1f}× / {p['total_s'] / r['total_s']:.1f}×"
                memory = f"{r['peak_rss'] / p['peak_rss']:.2f}"
            lines.append(f"| {_events(n)} | {tool} | {r['compute_s']:.2f} "
                         f"| {r['events'] / r['compute_s']:,.0f} | {r['total_s']:.2f} "
                         f"| {_mib(r['rss_load'])} | {_mib(r['peak_rss'])} | {speed} | {memory} |")
    return "\n".join(lines)


def _aggregate(runs: list[dict]) -> dict:
    """Median times over repeats; the largest peak RSS (memory is nearly deterministic)."""
    out = dict(runs[0])
    for key in ("load_s", "compute_s", "total_s"):
        out[key] = statistics.median(r[key] for r in runs)
    for key in ("rss_import", "rss_load", "peak_rss"):
        out[key] = max(r[key] for r in runs)
    out["repeats"] = len(runs)
    return out


def _versions() -> str:
    return _run_child(["--versions"])["text"]


def _write(out: Path, saved: dict) -> str:
    """Write the Markdown report of one run (``saved``: rows, check and settings)."""
    text = table(saved["rows"])
    check_result = saved.get("check")
    notes = [
        "",
        f"Synthetic logs (`benchmarks/graph_speed.py`, rows in {saved['order']} order, ~10 events "
        "per case, 30 activities, string case ids, UTC timestamps in µs). Each cell: a fresh "
        f"process, median of {saved['repeat']} run(s); *graph s* excludes `pd.read_parquet`, "
        "*load + graph s* includes it; peak RSS is `ru_maxrss` of that process (imports and "
        "the loaded DataFrame included). pm4py's time includes `format_dataframe`. Ratios "
        "above 1 (time) and below 1 (memory) favour rpa_scout. The machine is shared and "
        "noisy: compare the ratios, not the absolute numbers.",
        "",
        f"Run {saved['date']}: `{saved['command'].strip()}`; {saved['versions']}.",
    ]
    if saved.get("note"):
        notes += ["", saved["note"]]
    if check_result is not None:
        ok = all(check_result[k] for k in ("counts_equal", "start_equal", "end_equal", "same_edges"))
        notes += ["", f"Check on the {_events(check_result['events'])}-event log: edge, start and end "
                  f"counts {'equal' if ok else 'DIFFER from'} pm4py's `discover_dfg` "
                  f"({check_result['edges']} edges); largest relative difference of the mean wait "
                  f"against `discover_performance_dfg`: {check_result['mean_max_rel_diff']:.1e}, "
                  f"of the median: {check_result['median_max_rel_diff']:.1e}."]
    body = "# Graph statistics: rpa_scout.discover_graph vs pm4py.discover_performance_dfg\n\n"
    body += text + "\n" + "\n".join(notes) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="event counts, comma separated")
    parser.add_argument("--repeat", type=int, default=1, help="fresh runs per tool and size")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--order", choices=["time", "case"], default="time",
                        help="row order of the synthetic Parquet file (default: global time)")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--no-check", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("TOOL", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--check-child", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=3, metavar=("N", "ORDER", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--versions", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--render", type=Path, metavar="JSON",
                        help="rewrite --out from a graph_speed.json of an earlier run")
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    if args.check_child:
        print(json.dumps(check(args.check_child)))
        return 0
    if args.make:
        make_log(int(args.make[0]), Path(args.make[2]), order=args.make[1])
        print(json.dumps({"ok": True}))
        return 0
    if args.versions:
        import numpy
        import pandas
        import pyarrow

        from rpa_scout._quiet import pm4py

        text = (f"Python {platform.python_version()}, numpy {numpy.__version__}, "
                f"pandas {pandas.__version__}, pyarrow {pyarrow.__version__}, "
                f"pm4py {pm4py().__version__}; {os.cpu_count()} CPUs, {platform.machine()}")
        print(json.dumps({"text": text}))
        return 0

    if args.render:
        saved = json.loads(args.render.read_text(encoding="utf-8"))
        _write(args.out, saved)
        return 0

    sizes = _sizes(args.sizes)
    tools = [t for t in args.tools.split(",") if t]
    paths = {}
    for n in sizes:
        path = log_path(n, args.order, args.cache)
        if not path.exists():
            t = time.perf_counter()
            _run_child(["--make", str(n), args.order, str(path)])  # keeps this process small
            print(f"built {path.name} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
        paths[n] = path

    check_result = None
    if not args.no_check:
        smallest = min(sizes)
        check_result = _run_child(["--check-child", str(paths[smallest])])
        print(f"check on {_events(smallest)} events: {json.dumps(check_result)}", file=sys.stderr)

    rows = []
    for n in sizes:
        for tool in tools:
            runs = []
            for _ in range(args.repeat):
                runs.append(_run_child(["--child", tool, str(paths[n])]))
                r = runs[-1]
                print(f"{_events(n)} {tool}: graph {r['compute_s']:.2f} s, total {r['total_s']:.2f} s, "
                      f"peak {_mib(r['peak_rss'])} MiB", file=sys.stderr)
            rows.append(_aggregate(runs))

    saved = {
        "rows": rows, "check": check_result, "order": args.order, "repeat": args.repeat,
        "versions": _versions(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python benchmarks/graph_speed.py " + " ".join(sys.argv[1:]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
    print(_write(args.out, saved))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
