"""XES → Parquet: the streaming converter against r4pm's parser, and the cached read.

    python benchmarks/convert_speed.py [--rounds 2] [--synthetic-cases 124000]

Logs: the road-fines log (561,470 events, 185 MB of XML) and BPIC 2012 from
``../shared/eventlogs``, a synthetic ostolaskut XES of about two million events, and
the same events exported as one trace (the case id an event attribute, as some systems
export a whole log; both generated once into ``benchmarks/.cache/``). Each measurement runs in a fresh process,
alternating, so all see the same machine load; peak RSS is the worker's own
(``VmHWM``).

- **r4pm**: ``read_xes_table(path, cache=False)``: the checking pass, then r4pm's Rust
  parser on the whole file (what ``read_log`` did before);
- **streaming**: ``convert_xes``: the checking pass feeding the streaming converter,
  which writes Parquet in pieces (flat memory);
- **cached**: ``read_xes_table(path)`` when the Parquet copy exists (every run after the
  first).

The table goes to ``benchmarks/results/convert_speed.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import run_header, versions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eventlogs"
CACHE = ROOT / "benchmarks" / ".cache"
RESULTS = ROOT / "benchmarks" / "results"
TOOLS = ("r4pm", "streaming", "cached")


def main() -> None:
    """Run the benchmark, or (``--worker``) one measured tool."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--synthetic-cases", type=int, default=124_000)
    parser.add_argument("--worker", choices=TOOLS)
    parser.add_argument("--log", type=Path)
    parser.add_argument("--out", type=Path, default=RESULTS / "convert_speed.md")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_work(args.worker, args.log)))
        return
    logs = [p for p in (SHARED / "road_traffic_fines" / "Road_Traffic_Fine_Management_Process.xes.gz",
                        SHARED / "bpic2012" / "bpic2012.xes.gz") if p.exists()]
    logs += [_synthetic(args.synthetic_cases), _synthetic(args.synthetic_cases, one_trace=True)]
    rows = []
    for log in logs:
        runs: dict[str, list[dict]] = {t: [] for t in TOOLS}
        for _ in range(args.rounds):
            for tool in TOOLS:
                runs[tool].append(_measure(tool, log))
        for tool in TOOLS:
            best = min(runs[tool], key=lambda r: r["seconds"])
            rows.append({"log": log.name, "tool": tool, **best})
            print(rows[-1], flush=True)
    _write(args.out, rows, sys.argv[1:])


def _synthetic(cases: int, one_trace: bool = False) -> Path:
    path = CACHE / f"ostolaskut_{cases}_seed7{'_one_trace' if one_trace else ''}.xes.gz"
    if not path.exists():
        from rpa_scout.columns import XES
        from rpa_scout.io.write_log import write_log
        from rpa_scout.synth import generate

        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"generating {path.name} (once)", flush=True)
        log = generate("ostolaskut", cases, 7).log
        if one_trace:
            log = log.assign(**{"case": log[XES.case], XES.case: "all"})
        write_log(log, path)
    return path


def _measure(tool: str, log: Path) -> dict:
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--worker", tool, "--log", str(log)],
                            stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate()
    result = json.loads(out.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def _work(tool: str, log: Path) -> dict:
    from rpa_scout.io.xes import read_xes_table
    from rpa_scout.io.xes_stream import cache_path, content_key, convert_xes

    cached = cache_path(log, content_key(log))
    if tool == "cached" and not cached.exists():
        convert_xes(log, cached)
    started = time.perf_counter()
    if tool == "r4pm":
        events = len(read_xes_table(log, cache=False)[0])
    elif tool == "streaming":
        with tempfile.TemporaryDirectory() as folder:
            events = convert_xes(log, Path(folder) / "x.parquet").events
    else:
        events = len(read_xes_table(log)[0])
    seconds = time.perf_counter() - started
    return {"events": events, "seconds": seconds, "rss_mib": _peak_mib()}


def _peak_mib() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it starts afresh at exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _write(out: Path, rows: list[dict], argv: list[str]) -> None:
    lines = [run_header("XES to Parquet: streaming converter, r4pm and the cached read",
                        "convert_speed.py", versions("pandas", "pyarrow", "r4pm"), argv), "",
             "Best of the rounds; each run a fresh process (seconds exclude imports).", "",
             "| log | events | tool | seconds | events/s | peak RSS MiB |", "|---|---:|---|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['log']} | {r['events']:,} | {r['tool']} | {r['seconds']:.1f} | "
                     f"{r['events'] / r['seconds']:,.0f} | {r['rss_mib']:,.0f} |")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
