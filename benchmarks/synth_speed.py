"""How fast the SimPy generator makes a large synthetic log (about one million events).

    /work/venv/bin/python benchmarks/synth_speed.py                # ~1M events, ostolaskut
    python benchmarks/synth_speed.py --events 2e6 --process rakennuslupa
    python benchmarks/synth_speed.py --cases 62000 --seed 7 --write

Times ``rpa_scout.synth.generate`` (simulation, event table and ground truth) and
prints wall seconds, events per second and peak resident memory. With ``--events`` (the
default, 1,000,000) the number of cases is chosen from a small untimed pilot run so the
log has about that many events whatever the process model currently produces per case;
``--cases`` fixes it instead. ``--write`` also times writing the log as .csv.gz,
.xes.gz and .parquet (to a temporary folder that is removed afterwards).

Target: 1M events in under 60 s on a 2-core machine. pm4py has no comparable
simulator (calendars, queues, staff), so there is no pm4py baseline here.

The table is printed and written to ``benchmarks/results/synth_speed.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common  # noqa: E402 - the benchmarks' shared helpers, beside this script

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "synth_speed.md"
TARGET_S = 60.0
PILOT_CASES = 2_000


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def _versions() -> str:
    return _common.versions("simpy", "numpy", "pandas", "pyarrow")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table and write it to ``--out``."""
    from rpa_scout.io.write_log import write_log
    from rpa_scout.synth import PROCESSES, generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--process", default="ostolaskut", choices=PROCESSES)
    parser.add_argument("--events", type=float, default=1e6,
                        help="aim for about this many events (default 1e6)")
    parser.add_argument("--cases", type=int,
                        help="cases to simulate (overrides --events; 62,000 invoices made "
                             "about 1M events with the original model)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="also time the writers")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Markdown output file")
    args = parser.parse_args(argv)
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}",
          file=sys.stderr)

    cases = args.cases
    if cases is None:
        pilot = generate(args.process, PILOT_CASES, args.seed)
        per_case = len(pilot.log) / PILOT_CASES
        cases = max(1, round(args.events / per_case))
        del pilot
        print(f"pilot: {per_case:.2f} events per case -> {cases:,} cases", file=sys.stderr)
    base_mib = _peak_mib()

    started = time.perf_counter()
    synthetic = generate(args.process, cases, args.seed)
    wall = time.perf_counter() - started
    events = len(synthetic.log)
    peak = _peak_mib()
    rate = events / wall
    verdict = "yes" if wall * 1e6 / events < TARGET_S else "no"
    print(f"generate {args.process}: {cases:,} cases, {events:,} events in {wall:.1f} s "
          f"= {rate:,.0f} events/s, peak {peak:,.0f} MiB", file=sys.stderr)
    rows = [
        "| step | process | cases | events | seconds | events/s | peak RSS MiB | "
        f"1M events in < {TARGET_S:.0f} s | ratio vs pm4py |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
        f"| `synth.generate` | {args.process} | {cases:,} | {events:,} | {wall:.1f} | "
        f"{rate:,.0f} | {peak:,.0f} | {verdict} ({wall * 1e6 / events:.1f} s per 1M) | "
        "n/a (no pm4py equivalent) |",
    ]

    if args.write:
        with tempfile.TemporaryDirectory() as folder:
            for suffix in (".csv.gz", ".xes.gz", ".parquet"):
                path = Path(folder) / f"bench{suffix}"
                started = time.perf_counter()
                write_log(synthetic.log, path)
                took = time.perf_counter() - started
                size = path.stat().st_size / 2**20
                print(f"write {suffix:<8} {took:5.1f} s  {size:6.1f} MiB", file=sys.stderr)
                rows.append(f"| `write_log` {suffix} ({size:,.0f} MiB) | {args.process} | "
                            f"{cases:,} | {events:,} | {took:.1f} | {events / took:,.0f} | "
                            f"{_peak_mib():,.0f} | | n/a |")

    text = "\n".join(rows)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        _common.run_header("Synthetic log generation speed (rpa_scout.synth)", "synth_speed.py",
                           _versions(), sys.argv[1:]) + f" (seed {args.seed}).\n\n"
        "Seconds are one wall-clock run of `generate` (SimPy simulation, event table and "
        "ground truth) after imports and an untimed pilot run that sizes the case count; "
        f"peak RSS is the process maximum ({base_mib:,.0f} MiB before the timed run: "
        "imports and pilot). "
        "pm4py has no comparable simulator, so there is no baseline ratio. "
        "The machine is shared: the time is indicative.\n\n" + text + "\n",
        encoding="utf-8")
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
