"""Read speed of rpa_scout.read_log against pm4py, side by side in one run (not a test).

    /work/venv/bin/python benchmarks/read_speed.py                 # everything
    python benchmarks/read_speed.py --only xes --xes-repeat 2      # one format
    python benchmarks/read_speed.py --events 200000 --repeat 5     # smaller synthetic log

Cases measured:

(a) XES: the road-fines log (561,470 events, ../shared/eventlogs), rpa_scout.read_log
    against ``pm4py.read_xes(path, variant="iterparse")`` (pm4py's default parser when
    no Rust backend is installed; with r4pm installed pm4py would itself use r4pm).
(b) CSV: a synthetic log generated here with numpy (seeded): ``;``-delimited, Finnish
    headers, Finnish ``d.m.yyyy h.mm`` timestamps, decimal-comma amounts, some blank
    resources and 0.1 % exact duplicate rows. Baseline: ``pandas.read_csv`` +
    ``pm4py.format_dataframe``.
(c) Parquet: the same events with typed columns (naive local datetimes, float amount).
    Baseline: ``pandas.read_parquet`` + ``pm4py.format_dataframe``.

Every reader runs in its own fresh subprocess, so imports and caches of one reader do
not help another and the peak resident set size (``ru_maxrss`` from ``os.wait4``,
which counts Rust and Arrow allocations that tracemalloc misses) belongs to that reader
alone. Imports happen before timing; "seconds" is the best of N reads in that process.
The machine may be shared and noisy: compare the ratios, not the absolute numbers.

The table is printed and written to ``benchmarks/results/read_speed.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _common  # noqa: E402 - the benchmarks' shared helpers, beside this script

ROOT = HERE.parent
ROAD_FINES = ROOT.parent / "shared" / "eventlogs" / "road_traffic_fines" / \
    "Road_Traffic_Fine_Management_Process.xes.gz"
RESULTS = HERE / "results" / "read_speed.md"

# Synthetic log: Finnish export as a municipal case system writes it.
CSV_COLUMNS = ("asianumero", "toimenpide", "aikaleima", "käsittelijä", "summa", "yksikkö",
               "kanava")
CSV_FORMAT = "%d.%m.%Y %H.%M"
ACTIVITIES = (
    ("Hakemus vastaanotettu", 10), ("Kirjaus", 10), ("Vireilletulo", 8),
    ("Lisäselvityspyyntö", 3), ("Lisäselvitys saapunut", 3), ("Käsittely", 12),
    ("Lausuntopyyntö", 2), ("Lausunto saapunut", 2), ("Esittely", 6), ("Päätös", 9),
    ("Päätöksen tiedoksianto", 8), ("Laskutus", 7), ("Maksu kirjattu", 6),
    ("Oikaisuvaatimus", 1), ("Arkistointi", 8),
)
UNITS = ("Rakennusvalvonta", "Ympäristöpalvelut", "Ruokavirasto", "Kaupunkiympäristö",
         "Sosiaalipalvelut", "Tilapalvelut", "Liikuntapalvelut", "Kirjaamo")
CHANNELS = ("sähköinen", "paperi", "puhelin", "sähköposti")


# --------------------------------------------------------------------------- data


def make_synthetic(folder: Path, events: int, seed: int = 20240611) -> tuple[Path, Path]:
    """Write ``events`` synthetic events as ``loki.csv`` and ``loki.parquet`` in ``folder``."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    dups = events // 1000
    base = events - dups
    # Cases of 2..14 events until ``base`` events are used.
    lengths = rng.integers(2, 15, size=base // 2 + 2)
    ends = np.cumsum(lengths)
    n_cases = int(np.searchsorted(ends, base)) + 1
    lengths = lengths[:n_cases].copy()
    lengths[-1] -= int(ends[n_cases - 1] - base)
    starts = np.cumsum(lengths) - lengths
    case_idx = np.repeat(np.arange(n_cases), lengths)
    pos_in_case = np.arange(base) - np.repeat(starts, lengths)

    years = rng.integers(2021, 2025, size=n_cases)
    case_ids = pd.Series(years.astype(str)).str.cat(
        pd.Series(np.arange(n_cases) % 100000 + 1).astype(str).str.zfill(6), sep="-")
    case_col = ("HEL " + case_ids).to_numpy()[case_idx]

    names = np.array([a for a, _ in ACTIVITIES], dtype=object)
    weights = np.array([w for _, w in ACTIVITIES], dtype=float)
    activity = names[rng.choice(len(names), size=base, p=weights / weights.sum())]
    first = pos_in_case == 0
    activity[first] = "Hakemus vastaanotettu"

    # Office hours, one to several days between the steps of a case.
    start_day = (pd.to_datetime(years.astype(str) + "-01-01").to_numpy()
                 + rng.integers(0, 360, size=n_cases).astype("timedelta64[D]"))
    gaps = rng.exponential(3.0, size=base).astype(int)
    gaps[first] = 0
    group_start = np.flatnonzero(first)
    day_offset = np.cumsum(gaps)
    day_offset -= np.repeat(day_offset[group_start], lengths)
    minute = rng.integers(8 * 60, 16 * 60 + 30, size=base)
    stamp = (start_day[case_idx] + day_offset.astype("timedelta64[D]")
             + minute.astype("timedelta64[m]"))
    ts = pd.DatetimeIndex(stamp)
    text_ts = [f"{d}.{m}.{y} {h}.{mi:02d}" for d, m, y, h, mi in
               zip(ts.day, ts.month, ts.year, ts.hour, ts.minute)]

    people = np.array([f"k{n:03d}" for n in range(80)], dtype=object)
    who = people[rng.integers(0, len(people), size=base)]
    who[rng.random(base) < 0.1] = ""
    cents = rng.integers(0, 500000, size=base)
    amount = cents / 100.0
    has_amount = rng.random(base) < 0.4
    amount_text = np.where(has_amount,
                           [f"{c // 100},{c % 100:02d}" for c in cents], "")
    unit = np.array(UNITS, dtype=object)[rng.integers(0, len(UNITS), size=n_cases)][case_idx]
    channel = np.array(CHANNELS, dtype=object)[rng.integers(0, len(CHANNELS), size=base)]

    text = pd.DataFrame({
        "asianumero": case_col, "toimenpide": activity, "aikaleima": text_ts,
        "käsittelijä": who, "summa": amount_text, "yksikkö": unit, "kanava": channel,
    })
    typed = pd.DataFrame({
        "asianumero": case_col, "toimenpide": activity, "aikaleima": stamp.astype("datetime64[us]"),
        "käsittelijä": np.where(who == "", None, who), "summa": np.where(has_amount, amount, np.nan),
        "yksikkö": unit, "kanava": channel,
    })
    # Exact duplicates (an export that repeats rows), right after their original.
    picks = np.sort(rng.choice(base, size=dups, replace=False))
    order = np.sort(np.concatenate([np.arange(base), picks]), kind="stable")
    text, typed = text.iloc[order], typed.iloc[order]
    csv_path = folder / "loki.csv"
    pq_path = folder / "loki.parquet"
    text.to_csv(csv_path, sep=";", index=False, encoding="utf-8")
    typed.to_parquet(pq_path, index=False)
    return csv_path, pq_path


# --------------------------------------------------------------------------- readers


def _prepare(reader: str) -> None:
    """Imports a reader needs, done before timing (startup cost is not read speed)."""
    if reader.startswith("pm4py"):
        from rpa_scout._quiet import pm4py

        pm4py()
    else:
        import rpa_scout  # noqa: F401

        try:
            import polars  # noqa: F401
            import r4pm  # noqa: F401
        except ImportError:
            pass
        import pyarrow.parquet  # noqa: F401


def _read(reader: str, path: str) -> int:
    """Read ``path`` once with ``reader``; return the number of events read."""
    if reader == "rpa_scout":
        from rpa_scout import read_log

        _log, report = read_log(path)
        return report.rows_read
    import pandas as pd

    from rpa_scout._quiet import pm4py, quiet

    pm = pm4py()
    with quiet():
        if reader == "pm4py-xes":
            frame = pm.read_xes(path, variant="iterparse")
        elif reader == "pm4py-csv":
            frame = pm.format_dataframe(pd.read_csv(path, sep=";"), case_id="asianumero",
                                        activity_key="toimenpide", timestamp_key="aikaleima",
                                        timest_format=CSV_FORMAT)
        elif reader == "pm4py-parquet":
            frame = pm.format_dataframe(pd.read_parquet(path), case_id="asianumero",
                                        activity_key="toimenpide", timestamp_key="aikaleima")
        else:
            raise SystemExit(f"unknown reader {reader}")
    return len(frame)


def child(reader: str, path: str, repeat: int) -> None:
    """Run in the subprocess: prepare, read ``repeat`` times, print JSON."""
    _prepare(reader)
    base_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds = []
    events = 0
    for _ in range(repeat):
        start = time.perf_counter()
        events = _read(reader, path)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"seconds": seconds, "events": events, "base_kib": base_kib}))


def measure(reader: str, path: Path, repeat: int) -> dict:
    """Run one reader in a fresh subprocess; its own peak RSS comes from ``os.wait4``."""
    env = dict(os.environ, PM4PY_SHOW_PROGRESS_BAR="False")
    proc = subprocess.Popen([sys.executable, __file__, "--child", reader, str(path), str(repeat)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{reader} on {path.name} failed ({proc.returncode}):\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_mib"] = usage.ru_maxrss / 1024  # Linux: KiB
    result["base_mib"] = result.pop("base_kib") / 1024
    result["best"] = min(result["seconds"])
    return result


# --------------------------------------------------------------------------- table


def table(rows: list[dict]) -> str:
    head = ("| log | reader | events | seconds (best) | events/s | peak MiB | "
            "MiB after imports | ratio vs pm4py |")
    out = [head, "|---|---|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        rate = row["events"] / row["best"]
        out.append(
            f"| {row['log']} | {row['reader']} | {row['events']:,} | {row['best']:.2f} "
            f"(n={len(row['seconds'])}) | {rate:,.0f} | {row['peak_mib']:,.0f} | "
            f"{row['base_mib']:,.0f} | {row['ratio']} |"
        )
    return "\n".join(out)


def versions() -> str:
    return _common.versions("pandas", "pyarrow", "numpy", "pm4py", "r4pm", "polars", "lxml")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", nargs=3, metavar=("READER", "PATH", "REPEAT"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--make", nargs=2, metavar=("EVENTS", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--only", default="xes,csv,parquet",
                        help="comma-separated subset of xes,csv,parquet")
    parser.add_argument("--repeat", type=int, default=3, help="reads per reader, CSV/Parquet (3)")
    parser.add_argument("--xes-repeat", type=int, default=1, help="reads per reader, XES (1)")
    parser.add_argument("--events", type=int, default=1_000_000, help="synthetic events (1M)")
    parser.add_argument("--xes", type=Path, default=ROAD_FINES, help="XES log (road fines)")
    parser.add_argument("--data-dir", type=Path,
                        help="keep the synthetic CSV/Parquet here (default: a temp dir)")
    parser.add_argument("--no-pm4py", action="store_true", help="skip the pm4py baselines")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Markdown output file")
    args = parser.parse_args(argv)
    if args.child:
        reader, path, repeat = args.child
        child(reader, path, int(repeat))
        return 0
    if args.make:
        make_synthetic(Path(args.make[1]), int(args.make[0]))
        return 0

    only = {s.strip() for s in args.only.split(",") if s.strip()}
    with tempfile.TemporaryDirectory(prefix="read_speed_") as tmp:
        folder = args.data_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        cases: list[tuple[str, Path, int, str]] = []
        if "xes" in only:
            if not args.xes.exists():
                print(f"skipping XES: {args.xes} not found", file=sys.stderr)
            else:
                cases.append((args.xes.name, args.xes, args.xes_repeat, "pm4py-xes"))
        if only & {"csv", "parquet"}:
            csv_path, pq_path = folder / "loki.csv", folder / "loki.parquet"
            if not (csv_path.exists() and pq_path.exists() and args.data_dir):
                start = time.perf_counter()
                # In a subprocess: Linux hands the parent's peak RSS down to every child
                # (ru_maxrss survives fork and exec), so the parent must stay small.
                subprocess.run([sys.executable, __file__, "--make", str(args.events),
                                str(folder)], check=True)
                print(f"generated {args.events:,} events in {time.perf_counter() - start:.1f} s "
                      f"({csv_path.stat().st_size / 2**20:.0f} MiB CSV, "
                      f"{pq_path.stat().st_size / 2**20:.0f} MiB Parquet)", file=sys.stderr)
            if "csv" in only:
                cases.append((f"synthetic {args.events:,} (CSV)", csv_path, args.repeat, "pm4py-csv"))
            if "parquet" in only:
                cases.append((f"synthetic {args.events:,} (Parquet)", pq_path, args.repeat,
                              "pm4py-parquet"))
        rows: list[dict] = []
        for label, path, repeat, baseline in cases:
            readers = ["rpa_scout"] + ([] if args.no_pm4py else [baseline])
            got = {}
            for reader in readers:
                print(f"{label}: {reader} x{repeat} ...", file=sys.stderr, flush=True)
                got[reader] = measure(reader, path, repeat)
                print(f"  {got[reader]['best']:.2f} s, peak {got[reader]['peak_mib']:.0f} MiB",
                      file=sys.stderr, flush=True)
            for reader, result in got.items():
                name = {"rpa_scout": "rpa_scout.read_log", "pm4py-xes":
                        'pm4py.read_xes(variant="iterparse")', "pm4py-csv":
                        "pandas.read_csv + pm4py.format_dataframe", "pm4py-parquet":
                        "pandas.read_parquet + pm4py.format_dataframe"}[reader]
                if baseline in got:
                    ratio = f"{got[baseline]['best'] / result['best']:.2f}x"
                else:
                    ratio = "n/a"
                rows.append(dict(result, log=label, reader=name, ratio=ratio))
    text = table(rows)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        _common.run_header("Read speed: rpa_scout.read_log vs pm4py", "read_speed.py",
                           versions(), sys.argv[1:]) + "\n\n"
        "Each reader runs in its own subprocess; seconds are the best of n reads after "
        "imports; peak MiB is the subprocess's maximum resident set size (imports "
        "included, see the column after it). Ratio = pm4py seconds / this reader's "
        "seconds (above 1: faster than pm4py). The machine is shared: compare ratios.\n\n"
        + text + "\n", encoding="utf-8")
    print(f"written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
