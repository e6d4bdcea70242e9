"""Speed and memory of ``rank`` end to end, side by side with a pm4py groundwork pipeline.

    python benchmarks/rank_speed.py [--logs synthetic bpic2012 road_fines] [--cases 62000]
                                    [--seed 7] [--rounds 2] [--profile]

Logs (``--logs``, default all three; a real log is skipped when ``../shared/eventlogs`` is
absent):

- ``synthetic``: an ostolaskut log with start and complete events (62,000 cases ≈ 1.03M
  events), generated once with :mod:`rpa_scout.synth` and cached as Parquet in
  ``benchmarks/.cache/`` (git-ignored);
- ``bpic2012`` (262,200 events; SCHEDULE/START/COMPLETE on the ``W_`` work items) and
  ``road_fines`` (561,470 events, complete only): the real XES logs, read once with
  :func:`rpa_scout.read_log` and written as Parquet to ``benchmarks/.cache/``, so that both
  tools read the same Parquet file (parsing XML is another benchmark: ``read_speed.py``).

Each tool runs in a fresh subprocess, alternating (rpa_scout, pm4py, rpa_scout, pm4py, ...)
so that both see the same machine load; wall time includes the imports, and the peak RSS
comes from ``os.wait4``'s ``ru_maxrss``.

- **rpa_scout** does what ``rpa-scout rank LOG`` does: :func:`rpa_scout.read_log`,
  :func:`rpa_scout.pseudonymise`, :func:`rpa_scout.rank_candidates` (lifecycle pairing,
  person/system verdicts, handling times, criteria with decision trees, routines,
  bootstrap intervals) and the terminal lines, in the log's zone.
- **pm4py** does the groundwork only: ``pandas.read_parquet``; start/complete pairing in
  pandas (k-th start of a case and activity with its k-th complete: pm4py pairs
  lifecycles only on ``EventLog`` objects, which would be far slower);
  ``pm4py.format_dataframe``, ``pm4py.discover_performance_dfg``, ``pm4py.get_variants``
  and ``pm4py.get_service_time``.

``--profile`` also runs rpa_scout once per log under cProfile and prints the hotspots. The
tables go to ``benchmarks/results/rank_speed.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
RESULTS = ROOT / "benchmarks" / "results"
SHARED = ROOT.parent / "shared" / "eventlogs"
TOOLS = ("rpa_scout", "pm4py")
#: real logs: file under ../shared/eventlogs and the zone the tests read it in
REAL = {"bpic2012": ("bpic2012/bpic2012.xes.gz", "Europe/Amsterdam"),
        "road_fines": ("road_traffic_fines/Road_Traffic_Fine_Management_Process.xes.gz", "Europe/Rome")}
SYNTHETIC_ZONE = "Europe/Helsinki"


def main() -> None:
    """Parse arguments; run as the driver or, with --worker, as one measured tool."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", nargs="+", choices=("synthetic", *REAL), default=["synthetic", *REAL])
    parser.add_argument("--cases", type=int, default=62_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each tool (alternating)")
    parser.add_argument("--profile", action="store_true", help="also cProfile rpa_scout once")
    parser.add_argument("--out", type=Path, default=RESULTS / "rank_speed.md")
    parser.add_argument("--worker", choices=TOOLS, help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--zone", default=SYNTHETIC_ZONE, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.log, args.cases, args.seed)
        return
    if args.worker:
        phases = WORKERS[args.worker](args.log, args.zone)
        print(json.dumps(phases))
        return
    measured = []
    for name in args.logs:
        found = log_file(name, args.cases, args.seed)
        if found is None:
            print(f"{name}: skipped (../shared/eventlogs is absent)")
            continue
        path, zone = found
        runs = measure(name, path, zone, args.rounds)
        profile = run_profile(path, zone) if args.profile else None
        measured.append((name, path, runs, profile))
    write_table(args.out, measured, args)
    print(f"written to {args.out}")


def log_file(name: str, cases: int, seed: int) -> tuple[Path, str] | None:
    """The Parquet file both tools read, and the zone of the log (None: log absent).

    A missing file is made in a subprocess: the driver stays small, because a child's
    peak RSS (``ru_maxrss``) starts from its parent's size when it is spawned.
    """
    if name == "synthetic":
        path, zone = CACHE / f"ostolaskut_{cases}_seed{seed}.parquet", SYNTHETIC_ZONE
    else:
        relative, zone = REAL[name]
        if not (SHARED / relative).exists():
            return None
        path = CACHE / f"{name}.parquet"
    if not path.exists():
        print(f"writing {path.name} (once)", flush=True)
        subprocess.run([sys.executable, __file__, "--prepare", name, "--log", str(path),
                        "--cases", str(cases), "--seed", str(seed)], check=True)
    return path, zone


def prepare(name: str, path: Path, cases: int, seed: int) -> None:
    """Write one log as Parquet: the synthetic ostolaskut log (start + complete), or a real
    XES log as :func:`rpa_scout.read_log` reads it in its zone."""
    from rpa_scout import read_log
    from rpa_scout.io.write_log import write_log
    from rpa_scout.synth import generate

    path.parent.mkdir(parents=True, exist_ok=True)
    if name == "synthetic":
        write_log(generate("ostolaskut", cases, seed).log, path)
    else:
        relative, zone = REAL[name]
        write_log(read_log(SHARED / relative, timezone=zone)[0], path)


def measure(name: str, path: Path, zone: str, rounds: int) -> dict[str, list[dict]]:
    """``rounds`` fresh runs of each tool on one log, alternating."""
    runs: dict[str, list[dict]] = {t: [] for t in TOOLS}
    for r in range(rounds):
        for tool in TOOLS:
            result = run_fresh(tool, path, zone)
            runs[tool].append(result)
            print(f"{name} round {r + 1} {tool:<9} wall {result['wall_s']:6.1f} s  peak RSS "
                  f"{result['peak_rss_mb']:6.0f} MB  " +
                  "  ".join(f"{k} {v:.1f}" for k, v in result["phases"].items()), flush=True)
    return runs


def run_fresh(tool: str, path: Path, zone: str) -> dict:
    """Run one tool in a fresh interpreter; wall time, peak RSS and its phase times."""
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, __file__, "--worker", tool, "--log", str(path),
                                 "--zone", zone], stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    if proc.returncode != 0:
        raise RuntimeError(f"{tool} worker failed with exit code {proc.returncode}: {text[-2000:]}")
    phases = json.loads(text.strip().splitlines()[-1])
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024.0, "phases": phases}


def _rpa_scout(path: Path, zone: str) -> dict:
    t0 = time.perf_counter()
    from rpa_scout import pseudonymise, rank_candidates, read_log
    from rpa_scout.clean import with_pairing
    from rpa_scout.settings import Settings
    from rpa_scout.present import terminal_lines
    t1 = time.perf_counter()
    # a genuine log beyond the default 4 GiB limit, read as its user would (--max-bytes 64G);
    # as `rpa-scout rank` does, the load report's lifecycle counts come from ranking's pairing
    # and the case, activity and resource columns are read as categories
    frame, report = read_log(path, timezone=zone, max_bytes=64 * 2**30, count_lifecycle=False,
                             categorical_roles=True)
    t2 = time.perf_counter()
    frame = pseudonymise(frame, key="benchmark")
    t3 = time.perf_counter()
    ranking = rank_candidates(frame, settings=Settings.of(timezone=zone))
    report = with_pairing(report, ranking.handling)
    t4 = time.perf_counter()
    lines = terminal_lines(ranking, 10, False)
    t5 = time.perf_counter()
    assert lines and report.lifecycle is not None
    return {"import": t1 - t0, "read": t2 - t1, "pseudonymise": t3 - t2, "rank": t4 - t3,
            "print": t5 - t4}


def _pm4py(path: Path, zone: str) -> dict:  # noqa: ARG001 (pm4py has no zone)
    t0 = time.perf_counter()
    import pandas as pd
    import pm4py
    t1 = time.perf_counter()
    log = pd.read_parquet(path)
    t2 = time.perf_counter()
    case, act, ts = "case:concept:name", "concept:name", "time:timestamp"
    life = log["lifecycle:transition"].astype("string").str.lower()
    log = log.assign(_k=log.groupby([case, act, life], observed=True).cumcount())
    starts = log.loc[life == "start", [case, act, "_k", ts]].rename(columns={ts: "start_timestamp"})
    paired = log.loc[life == "complete"].merge(starts, on=[case, act, "_k"], how="left")
    paired["start_timestamp"] = paired["start_timestamp"].fillna(paired[ts])
    t3 = time.perf_counter()
    df = pm4py.format_dataframe(paired, case_id=case, activity_key=act, timestamp_key=ts)
    t4 = time.perf_counter()
    dfg, starts_, ends_ = pm4py.discover_performance_dfg(df)
    t5 = time.perf_counter()
    variants = pm4py.get_variants(df)
    t6 = time.perf_counter()
    service = pm4py.get_service_time(df, start_timestamp_key="start_timestamp")
    t7 = time.perf_counter()
    assert dfg and variants and service
    return {"import": t1 - t0, "read": t2 - t1, "pair": t3 - t2, "format": t4 - t3,
            "perf_dfg": t5 - t4, "variants": t6 - t5, "service_time": t7 - t6}


WORKERS = {"rpa_scout": _rpa_scout, "pm4py": _pm4py}


def run_profile(path: Path, zone: str, top: int = 25) -> str:
    """cProfile one rpa_scout run in a fresh interpreter; the top functions by own time."""
    code = ("import cProfile, pstats, sys; sys.argv=['x']; "
            f"sys.path.insert(0, {str(Path(__file__).parent)!r}); import rank_speed as r; "
            "from pathlib import Path; p=cProfile.Profile(); p.enable(); "
            f"r._rpa_scout(Path({str(path)!r}), {zone!r}); p.disable(); "
            f"s=pstats.Stats(p); s.sort_stats('tottime').print_stats({top}); "
            f"s.sort_stats('cumulative').print_stats({top})")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    print(done.stdout)
    return done.stdout


def _versions() -> str:
    import numpy
    import pandas
    import pm4py

    import rpa_scout

    return (f"Python {platform.python_version()}, rpa_scout {rpa_scout.__version__}, "
            f"pm4py {pm4py.__version__}, pandas {pandas.__version__}, numpy {numpy.__version__}")


def _summary(runs: dict) -> dict:
    """Best and median wall, peak RSS and the ratios of one log's runs."""
    best = {t: min(runs[t], key=lambda r: r["wall_s"]) for t in TOOLS}
    med = {t: sorted(r["wall_s"] for r in runs[t])[len(runs[t]) // 2] for t in TOOLS}
    rss = {t: max(r["peak_rss_mb"] for r in runs[t]) for t in TOOLS}
    return {"best": best, "med": med, "rss": rss,
            "ratio": best["rpa_scout"]["wall_s"] / best["pm4py"]["wall_s"],
            "ratio_med": med["rpa_scout"] / med["pm4py"],
            "rss_ratio": rss["rpa_scout"] / rss["pm4py"]}


def _log_section(name: str, path: Path, runs: dict, profile: str | None) -> list[str]:
    import pandas as pd

    log = pd.read_parquet(path, columns=["case:concept:name"])
    events, cases = len(log), log["case:concept:name"].nunique()
    s = _summary(runs)
    what = {"rpa_scout": "read_log + pseudonymise + rank_candidates + terminal lines",
            "pm4py": "read_parquet + pairing (pandas) + format_dataframe + discover_performance_dfg + "
                     "get_variants + get_service_time"}
    lines = [f"## {name}: `{path.name}`, {cases:,} cases, {events:,} events", "",
             "| tool | what it does | wall (best) | wall (median) | peak RSS | runs |",
             "|---|---|---:|---:|---:|---:|"]
    for t in TOOLS:
        lines.append(f"| {t} | {what[t]} | {s['best'][t]['wall_s']:.1f} s | {s['med'][t]:.1f} s | "
                     f"{s['rss'][t]:,.0f} MB | {len(runs[t])} |")
    lines += ["", f"rpa_scout ÷ pm4py wall time: **{s['ratio']:.2f}×** best against best "
              f"({s['ratio_med']:.2f}× median; below 1 means rpa_scout is faster; the issue's bar, "
              f"4× faster, is 0.25×); peak RSS rpa_scout ÷ pm4py {s['rss_ratio']:.2f}.", "",
              "Phases of the best runs (seconds):", ""]
    for t in TOOLS:
        lines.append(f"- {t}: " + ", ".join(f"{k} {v:.1f}" for k, v in s["best"][t]["phases"].items()))
    if profile:
        lines += ["", "cProfile of one rpa_scout run (top functions by own time):", "", "```"]
        first = next((b for b in profile.split("\n\n") if "tottime" in b), "")
        lines += [line.rstrip() for line in first.splitlines()[:30]] + ["```"]
    return lines + [""]


def write_table(out: Path, measured: list, args: argparse.Namespace) -> None:
    """The summary over logs, then one section per log."""
    lines = [
        "# rank end to end vs a pm4py groundwork pipeline", "",
        f"Run {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with `python benchmarks/rank_speed.py "
        f"--logs {' '.join(args.logs)} --rounds {args.rounds}`.", "",
        f"Machine: {platform.node() or 'host'}, {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.system()} {platform.release()} (shared, noisy: both tools alternate in one run). "
        f"{_versions()}.", "",
        "Each run is a fresh subprocess; wall time includes imports; peak RSS from `os.wait4`. "
        "Both tools read the same Parquet file (real logs: written once from the XES by `read_log`).", "",
        "| log | rpa_scout wall (best) | pm4py wall (best) | rpa_scout ÷ pm4py (best / median) | "
        "peak RSS rpa_scout / pm4py |", "|---|---:|---:|---:|---:|"]
    for name, _, runs, _ in measured:
        s = _summary(runs)
        lines.append(f"| {name} | {s['best']['rpa_scout']['wall_s']:.1f} s | {s['best']['pm4py']['wall_s']:.1f} s "
                     f"| **{s['ratio']:.2f}×** / {s['ratio_med']:.2f}× | "
                     f"{s['rss']['rpa_scout']:,.0f} / {s['rss']['pm4py']:,.0f} MB |")
    lines.append("")
    for name, path, runs, profile in measured:
        lines += _log_section(name, path, runs, profile)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
