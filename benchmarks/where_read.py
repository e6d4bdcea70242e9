"""``rank --where kunta=…`` on a pooled Parquet log: rows chosen while reading, against
reading the whole file first.

    python benchmarks/where_read.py [--towns 20] [--cases 25000] [--rounds 2]

The pooled log is the one ``spark_compare.py`` makes (``--towns`` synthetic municipalities,
``--cases`` cases each, the municipality in ``kunta``; made once in ``benchmarks/.cache/``).
Both ways run ``python -m rpa_scout rank POOLED --where kunta=kunta-01`` in fresh processes,
alternating; the whole-file way adds ``--from 2000-01-01``, a period by case start that
every case passes: conditions may not choose rows before such a period, so the file is
read whole and filtered after, as every ``--where`` was before. Wall time includes
imports; memory is the peak resident memory of the process (``os.wait4``). The rankings
printed are checked equal. Results go to ``benchmarks/results/where_read.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare_speed  # noqa: E402  (a command in a fresh process)
import spark_compare  # noqa: E402  (the pooled log and its cache)
from _common import run_header, versions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
WAYS = {"rows chosen while reading": [], "whole file, then filtered": ["--from", "2000-01-01"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=20)
    parser.add_argument("--cases", type=int, default=25_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "where_read.md")
    args = parser.parse_args()
    path, zone = spark_compare.pooled(args.towns, args.cases)
    runs: dict[str, list[dict]] = {name: [] for name in WAYS}
    for _ in range(args.rounds):
        for name, extra in WAYS.items():
            runs[name].append(run([str(path), "--where", "kunta=kunta-01", "--timezone", zone, *extra]))
            print(f"{name}: {runs[name][-1]['wall_s']:.1f} s, {runs[name][-1]['peak_mb']:,.0f} MiB", flush=True)
    same = len({r["ranking"] for rs in runs.values() for r in rs}) == 1
    text = table(runs, args, path, same)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    if not same:
        sys.exit("the two ways' rankings differ")


def run(args: list[str]) -> dict:
    """``python -m rpa_scout rank ARGS`` in a fresh process: wall time, peak RSS, and the
    ranking it printed apart from the lines on what was read."""
    found = compare_speed.run_fresh(["rank", *args])
    lines = found["output"].splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("#") or "No candidate" in line)
    return {"wall_s": found["wall_s"], "peak_mb": found["peak_rss_mb"], "ranking": "\n".join(lines[start:]),
            "header": " ".join(lines[:start])}


def table(runs: dict[str, list[dict]], args: argparse.Namespace, path: Path, same: bool) -> str:
    import pyarrow.parquet as pq

    events = pq.ParquetFile(path).metadata.num_rows
    best = {n: min(r["wall_s"] for r in rs) for n, rs in runs.items()}
    peak = {n: max(r["peak_mb"] for r in rs) for n, rs in runs.items()}
    chosen, whole = WAYS
    lines = [run_header("rank --where on a pooled log: rows chosen while reading vs the whole file",
                        "where_read.py", versions("pandas", "numpy", "pyarrow"),
                        [f"--towns {args.towns} --cases {args.cases} --rounds {args.rounds}"]), "",
             f"Pooled log: `{path.name}`, {args.towns} municipalities, {events:,} events; "
             "`rank --where kunta=kunta-01`, fresh processes, alternating.", "",
             "| way | wall (best) | peak RSS | runs |", "|---|---:|---:|---:|"]
    for name in runs:
        lines.append(f"| {name} | {best[name]:.1f} s | {peak[name]:,.0f} MiB | {len(runs[name])} |")
    lines += ["", f"chosen ÷ whole: wall **{best[chosen] / best[whole]:.2f}×**, peak memory "
              f"**{peak[chosen] / peak[whole]:.2f}×**. Rankings: {'equal' if same else '**differ**'}.", "",
              f"What the first run said it read: {runs[chosen][0]['header']}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
