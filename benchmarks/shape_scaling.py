"""How ``rank`` and ``map`` grow on the shapes of large real logs: an exponent well above 1
is a cliff.

    python benchmarks/shape_scaling.py [--shapes NAME ...] [--cache DIR] [--out benchmarks/results/shape_scaling.md]

Each shape is generated at three sizes (Parquet in ``--cache``, by default
``benchmarks/.cache/shapes/``, made once) and measured in a fresh interpreter: ``rank`` as ``rank_speed.py`` runs it
(:func:`rpa_scout.read_log`, :func:`rpa_scout.pseudonymise`,
:func:`rpa_scout.rank_candidates`) or ``rpa-scout map --format dot``. The table gives time,
peak RSS and the growth exponent between sizes: b in time ∝ size^b. OpenBLAS runs on one
thread (on a loaded two-core machine its spinning threads made one bootstrap 8× slower).

- ``many_cases``: 3 events a case (BPIC 2019's 251k cases); size = cases.
- ``long_case``: one case, 5 accounts, starts on half the steps (a hospital's patient of
  thousands of events); size = events of its single case (before the starts).
- ``many_steps``: 60,000 cases of 2–8 events, step names Zipf-distributed (an ERP
  export); size = distinct steps; ``map`` the same logs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache" / "shapes"
SHAPES = {"many_cases": ("rank", (125_000, 250_000, 500_000)), "long_case": ("rank", (10_000, 20_000, 40_000)),
          "many_steps": ("rank", (1_250, 2_500, 5_000)), "many_steps_map": ("map", (1_250, 2_500, 5_000))}


def main() -> None:
    """Generate, measure and write the table; ``--worker`` measures one rank run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "shape_scaling.md")
    parser.add_argument("--cache", type=Path, default=CACHE, help="folder of the generated logs")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--command", default="rank", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_work(args.worker, args.command)))
        return
    lines = ["# Growth on the shapes of large logs", "", "| shape | size | events | s | MiB | exponent |",
             "|---|---:|---:|---:|---:|---:|"]
    for shape in args.shapes:
        command, sizes = SHAPES[shape]
        before = None
        for size in sizes:
            path = _log(shape.removesuffix("_map"), size, args.cache)
            seconds, mib = _measure(command, path)
            events = len(pd.read_parquet(path, columns=["concept:name"]))
            growth = f"{math.log(seconds / before[0]) / math.log(size / before[1]):.2f}" if before else ""
            lines.append(f"| {shape} | {size:,} | {events:,} | {seconds:.2f} | {mib:,.0f} | {growth} |")
            print(lines[-1], flush=True)
            before = (seconds, size)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {args.out}")


def _measure(command: str, path: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one fresh run: rank's own stage, or the whole map
    command (reading included)."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, __file__, "--worker", str(path), "--command", command],
                          env=env, capture_output=True, text=True, check=True)
    found = json.loads(done.stdout.splitlines()[-1])
    return found["seconds"], found["rss"]


def _work(path: Path, command: str) -> dict:
    """One measured run in this interpreter."""
    import resource
    import time

    from rpa_scout import pseudonymise, rank_candidates, read_log
    from rpa_scout.settings import Settings

    start = time.perf_counter()
    if command == "map":
        from rpa_scout.cli import main as cli

        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            cli(["map", str(path), "--format", "dot", "--out", str(Path(folder) / "map.dot"), "-q"],
                standalone_mode=False)
    else:
        frame, _ = read_log(path, timezone="Europe/Amsterdam", max_bytes=64 * 2**30, count_lifecycle=False,
                            categorical_roles=True)
        frame = pseudonymise(frame, key="benchmark")
        start = time.perf_counter()
        rank_candidates(frame, settings=Settings.of(timezone="Europe/Amsterdam"))
    return {"seconds": time.perf_counter() - start,
            "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _log(shape: str, size: int, cache: Path) -> Path:
    """The shape's Parquet file at ``size`` (written once)."""
    path = cache / f"{shape}_{size}.parquet"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(0)
        if shape == "many_cases":
            frame = _events(rng, size, np.full(size, 3))
        elif shape == "long_case":
            frame = _events(rng, 1, np.array([size]), accounts=5, starts=True)
        else:
            frame = _events(rng, 60_000, rng.integers(2, 9, 60_000), steps=size, zipf=1.3)
        frame.to_parquet(path, index=False)
    return path


def _events(rng: np.random.Generator, cases: int, lengths: np.ndarray, *, steps: int = 42,
            zipf: float | None = None, accounts: int = 600, starts: bool = False) -> pd.DataFrame:
    """Cases starting in working hours over 18 months, hours apart within a case; with
    ``starts``, a start event 30 s–15 min before the completion of every odd-numbered step."""
    n = int(lengths.sum())
    case = np.repeat(np.arange(cases), lengths)
    position = np.arange(n) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    step = ((rng.zipf(zipf, n) - 1) % steps if zipf else
            np.where(rng.random(n) < 0.8, position % steps, rng.integers(0, steps, n)))
    first = pd.Timestamp("2018-01-01", tz="UTC").value // 10**9 + rng.integers(0, 547 * 86400, cases)
    first = first - first % 86400 + 7 * 3600 + rng.integers(0, 9 * 3600, cases)
    gaps = rng.exponential(4 * 3600, n).astype(np.int64)
    gaps[position == 0] = 0
    seconds = np.repeat(first, lengths) + np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[np.cumsum(lengths) - lengths], lengths)
    frame = pd.DataFrame({"case:concept:name": np.char.add("case", case.astype(str)).astype(object),
                          "concept:name": np.array([f"Activity {i:05d}" for i in range(steps)], dtype=object)[step],
                          "time:timestamp": pd.to_datetime(seconds, unit="s", utc=True),
                          "org:resource": np.array([f"user{i:05d}" for i in range(accounts)], dtype=object)[
                              rng.integers(0, accounts, n)]})
    if not starts:
        return frame
    frame["lifecycle:transition"] = "complete"
    opened = frame[step % 2 == 1].assign(**{"lifecycle:transition": "start"})
    opened["time:timestamp"] -= pd.to_timedelta(rng.integers(30, 900, len(opened)), unit="s")
    return pd.concat([opened, frame]).sort_index(kind="stable").reset_index(drop=True)


if __name__ == "__main__":
    main()
