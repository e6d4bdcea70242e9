"""How fast the SimPy generator makes a large synthetic log (about one million events).

    python benchmarks/synth_speed.py [--process ostolaskut] [--cases 62000] [--seed 7]
                                     [--write]

Prints the wall time and events per second of ``rpa_scout.synth.generate`` and, with
``--write``, the time to write the log as .csv.gz, .xes.gz and .parquet (to a
temporary folder that is removed afterwards). Target: under 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from rpa_scout.io.write_log import write_log
from rpa_scout.synth import PROCESSES, generate


def main() -> None:
    """Run the benchmark and print one line per measurement."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--process", default="ostolaskut", choices=PROCESSES)
    parser.add_argument("--cases", type=int, default=62_000,
                        help="cases to simulate (62,000 invoices make about 1M events)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--write", action="store_true", help="also time the writers")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    started = time.perf_counter()
    synthetic = generate(args.process, args.cases, args.seed)
    wall = time.perf_counter() - started
    events = len(synthetic.log)
    print(f"generate {args.process}: {args.cases:,} cases, {events:,} events in {wall:.1f} s "
          f"= {events / wall:,.0f} events/s")
    if args.write:
        with tempfile.TemporaryDirectory() as folder:
            for suffix in (".csv.gz", ".xes.gz", ".parquet"):
                path = Path(folder) / f"bench{suffix}"
                started = time.perf_counter()
                write_log(synthetic.log, path)
                took = time.perf_counter() - started
                size = path.stat().st_size / 1e6
                print(f"write {suffix:<8} {took:5.1f} s  {size:6.1f} MB")


if __name__ == "__main__":
    main()
