"""Where ``rank``'s memory peaks: its resident set size over time, by the code running.

    python benchmarks/memory_timeline.py LOG [--max-bytes 64G] [--top 15] [--over MIB]

Runs what ``rpa-scout rank`` runs on LOG (read as the command reads it, pseudonymise,
estimate handling time, rank) in this process while a thread samples the resident set
size every 20 ms together with the innermost ``rpa_scout`` frames of the main thread.
Prints the peak (``ru_maxrss``), then for each place in the code the highest size
sampled there: the ``--top`` highest, or every place sampled above ``--over`` MiB in the
order they ran. The RSS counts what tracemalloc misses (Arrow's and numpy's buffers
alike); the sampling slows the run a little and can miss a peak shorter than 20 ms, so
``ru_maxrss`` is the figure, the places say where to look. Not a test.

The 50M-event figures of the README come from this on
``benchmarks/.cache/ostolaskut_620000_seed7_x5.parquet`` (made by ``scale.py --stack 5``)
with ``--max-bytes 64G``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import threading
import time
from pathlib import Path

INTERVAL = 0.02  # seconds between samples


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _where(main_id: int) -> str:
    """The three innermost rpa_scout frames of the main thread."""
    frame = sys._current_frames().get(main_id)
    out = []
    while frame is not None and len(out) < 3:
        name = frame.f_code.co_filename
        if "rpa_scout" in name:
            out.append(f"{name.split('rpa_scout/')[-1]}:{frame.f_lineno}:{frame.f_code.co_name}")
        frame = frame.f_back
    del frame
    return " < ".join(out) or "(outside rpa_scout)"


def _bytes(text: str) -> int:
    units = {"K": 2**10, "M": 2**20, "G": 2**30}
    text = text.strip().upper().rstrip("B")
    return int(float(text[:-1]) * units[text[-1]]) if text[-1:] in units else int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--max-bytes", default=None, help="as rank's --max-bytes (e.g. 64G)")
    parser.add_argument("--top", type=int, default=15, help="places to list, highest first")
    parser.add_argument("--over", type=float, default=None,
                        help="list every place sampled above this many MiB, in time order")
    args = parser.parse_args()

    samples: list[tuple[float, float, str]] = []
    main_id = threading.main_thread().ident
    started = time.perf_counter()
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            samples.append((time.perf_counter() - started, _rss_mib(), _where(main_id)))
            time.sleep(INTERVAL)

    threading.Thread(target=sample, daemon=True).start()
    from rpa_scout.handling import estimate_handling_time
    from rpa_scout.io.commands import load
    from rpa_scout.io.progress import SILENT
    from rpa_scout.privacy import pseudonymise
    from rpa_scout.rank import rank_candidates
    from rpa_scout.settings import ReadSettings, Settings

    settings = Settings() if args.max_bytes is None else Settings(
        read=ReadSettings(max_bytes=_bytes(args.max_bytes)))
    frame, _ = load(args.log, settings, SILENT, count_lifecycle=False)
    frame = pseudonymise(frame)
    handling = estimate_handling_time(frame, settings=settings)
    rank_candidates(frame, settings=settings, handling=handling)
    stop.set()
    took = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.log.name}: {len(frame):,} events, {took:.1f} s, peak RSS {peak:,.0f} MiB")

    highest: dict[str, tuple[float, float]] = {}  # place -> (first time, highest RSS)
    for at, rss, place in samples:
        first, top = highest.get(place, (at, 0.0))
        highest[place] = (first, max(top, rss))
    if args.over is not None:
        shown = sorted((v[0], v[1], k) for k, v in highest.items() if v[1] > args.over)
    else:
        shown = sorted(((v[0], v[1], k) for k, v in highest.items()), key=lambda r: -r[1])[:args.top]
    for first, top, place in shown:
        print(f"{first:7.1f} s {top:8,.0f} MiB  {place}")


if __name__ == "__main__":
    main()
