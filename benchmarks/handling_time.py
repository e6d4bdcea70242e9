"""Accuracy of completion-only handling-time estimation, and its speed on ~1M events.

    python benchmarks/handling_time.py [--no-ste] [--no-speed] [--speed-cases 124000]
                                       [--ste-python PATH]

For logs that record both start and complete events, the start events are hidden (only
``complete`` rows are kept), handling time is estimated from the completions alone and
each manual activity's mean is compared with the truth, the measured start → complete
mean:

- BPIC 2012 (``../shared/eventlogs/bpic2012``): the six ``W_`` work items; truth is the
  mean of complete − start over all their paired instances in the full log;
- the synthetic samples ``eventlogs/ostolaskut.csv.gz``, ``rakennuslupa.xes.gz`` and
  ``varhaiskasvatus.csv.gz``: the activities the truth JSON marks ``manual``; truth is
  ``recorded_mean_handling_minutes``.

Three estimators, scored by the median absolute percentage error (APE) of activity means:

1. rpa_scout: :func:`rpa_scout.estimate_handling_time` (default settings);
2. naive: time since the previous event in the case (0 for a case's first event);
3. ``start-time-estimator`` (Chapela-Campa & Dumas 2022, PyPI), default configuration
   (heuristics concurrency oracle, simple resource availability, median re-estimation).
   It needs pandas < 3 and Python < 3.12, so it runs in its own virtual environment
   (the project's pandas 3 would be downgraded); make it once with::

       python -m venv benchmarks/.cache/ste-venv
       benchmarks/.cache/ste-venv/bin/pip install start-time-estimator==1.10.11 \\
           pix-framework==0.10.0

   (pix-framework 0.10.0: later 0.10.x releases lack the ``pix_framework.log_ids``
   module that start-time-estimator 1.10.11 imports.)

The speed part times ``estimate_handling_time`` on a complete-only synthetic log of
about one million events (generated once, cached in ``benchmarks/.cache/``).
The tables go to ``benchmarks/results/handling_time.md``.
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
STE_PYTHON = CACHE / "ste-venv" / "bin" / "python"
SAMPLES = ("ostolaskut.csv.gz", "rakennuslupa.xes.gz", "varhaiskasvatus.csv.gz")
CASE, ACT, TS, RES, LIFE = ("case:concept:name", "concept:name", "time:timestamp",
                            "org:resource", "lifecycle:transition")

# Runs inside the start-time-estimator venv: CSV in (case, activity, resource, end), CSV out.
STE_WORKER = r"""
import sys, time
import pandas as pd
from start_time_estimator.config import Configuration
from start_time_estimator.estimator import StartTimeEstimator
from pix_framework.log_ids import DEFAULT_CSV_IDS as ids
log = pd.read_csv(sys.argv[1], dtype={"case_id": str, "Activity": str, "Resource": str})
log["end_time"] = pd.to_datetime(log["end_time"], utc=True, format="ISO8601")
log["Resource"] = log["Resource"].fillna("NOT_SET")
started = time.perf_counter()
out = StartTimeEstimator(log, Configuration(log_ids=ids)).estimate()
took = time.perf_counter() - started
out["duration_s"] = (out["end_time"] - out["estimated_start_time"]).dt.total_seconds()
out[["row", "duration_s"]].to_csv(sys.argv[2], index=False)
print(took)
"""


def main() -> None:
    """Run the benchmark, print the tables and write them to benchmarks/results/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-ste", action="store_true", help="skip start-time-estimator")
    parser.add_argument("--no-speed", action="store_true", help="skip the ~1M-event timing")
    parser.add_argument("--speed-cases", type=int, default=124_000,
                        help="complete-only ostolaskut cases of the timing log (124,000 ≈ 1M events)")
    parser.add_argument("--ste-python", type=Path, default=STE_PYTHON,
                        help="python of the start-time-estimator venv")
    parser.add_argument("--out", type=Path, default=RESULTS / "handling_time.md")
    args = parser.parse_args()

    import numpy as np
    import pandas as pd

    ste = None if args.no_ste else args.ste_python
    if ste is not None and not Path(ste).exists():
        print(f"start-time-estimator venv not found at {ste}; see the docstring. Skipping it.")
        ste = None
    rows, timings = [], []
    for name, log, truth, timezone in _datasets():
        hidden = log[log[LIFE].astype("string").str.lower() == "complete"].reset_index(drop=True)
        result = _score(name, hidden, truth, ste, timings, timezone)
        rows.append(result)
        print(result.round(3).to_string(), flush=True)
    table = pd.concat(rows, ignore_index=True)
    summary = _summary(table)
    print(summary.to_string(index=False))
    speed = None if args.no_speed else _speed(args.speed_cases)
    _write(args.out, table, summary, timings, speed, ste)
    print(f"written to {args.out}")


def _datasets():
    """(name, log with starts, truth Series activity → minutes) for each log."""
    import pandas as pd

    from rpa_scout import pair_lifecycle, read_log

    bpic = SHARED / "bpic2012" / "bpic2012.xes.gz"
    if bpic.exists():
        log, _ = read_log(bpic)
        inst = pair_lifecycle(log).instances
        inst = inst[inst[ACT].astype("string").str.startswith("W_") & inst["start_timestamp"].notna()]
        minutes = (inst[TS] - inst["start_timestamp"]).dt.total_seconds() / 60.0
        truth = minutes.groupby(inst[ACT].astype("string").to_numpy()).mean()
        yield "BPIC 2012 (W_)", log, truth, "Europe/Amsterdam"  # a Dutch bank: its own zone
    else:
        print(f"{bpic} not found: BPIC 2012 left out")
    for sample in SAMPLES:
        path = ROOT / "eventlogs" / sample
        stem = sample.split(".")[0]
        doc = json.loads((ROOT / "eventlogs" / f"{stem}.truth.json").read_text(encoding="utf-8"))
        truth = pd.Series({a: v["recorded_mean_handling_minutes"]
                           for a, v in doc["activities"].items() if v["manual"]}, dtype=float)
        log, _ = read_log(path)
        yield stem, log, truth, "Europe/Helsinki"


def _score(name, hidden, truth, ste, timings, timezone):
    """Per activity: truth and the three estimates (minutes) with their APE."""
    import numpy as np
    import pandas as pd

    from rpa_scout import estimate_handling_time

    started = time.perf_counter()
    ours = estimate_handling_time(hidden, timezone=timezone).activities.set_index("activity")["mean_min"]
    took = time.perf_counter() - started
    act = hidden[ACT].astype("string").to_numpy()
    order = np.lexsort((np.arange(len(hidden)), hidden[TS].to_numpy(), hidden[CASE].astype("string").to_numpy()))
    sec = (hidden[TS] - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()[order]
    case = hidden[CASE].astype("string").to_numpy()[order]
    gap = np.r_[0.0, np.diff(sec)]
    gap[np.r_[True, case[1:] != case[:-1]]] = 0.0
    naive = pd.Series(gap / 60.0).groupby(act[order]).mean()
    frame = pd.DataFrame({"log": name, "activity": truth.index, "truth_min": truth.to_numpy()})
    frame["rpa_scout_min"] = frame["activity"].map(ours)
    frame["naive_min"] = frame["activity"].map(naive)
    timing = {"log": name, "events": len(hidden), "rpa_scout_s": took}
    if ste is not None:
        per_act, timing["ste_s"] = _ste(hidden, ste)
        frame["ste_min"] = frame["activity"].map(per_act)
    timings.append(timing)
    for col in ("rpa_scout", "naive", "ste"):
        if f"{col}_min" in frame:
            frame[f"{col}_ape"] = (frame[f"{col}_min"] - frame["truth_min"]).abs() / frame["truth_min"]
    return frame


def _ste(hidden, python):
    """Mean estimated duration per activity from start-time-estimator (run in its venv)."""
    import pandas as pd

    with tempfile.TemporaryDirectory() as folder:
        src, dst = Path(folder) / "in.csv", Path(folder) / "out.csv"
        pd.DataFrame({"row": range(len(hidden)), "case_id": hidden[CASE].astype("string"),
                      "Activity": hidden[ACT].astype("string"),
                      "Resource": hidden[RES].astype("string") if RES in hidden else pd.NA,
                      "end_time": hidden[TS].dt.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")}
                     ).to_csv(src, index=False)
        done = subprocess.run([str(python), "-c", STE_WORKER, str(src), str(dst)],
                              capture_output=True, text=True, check=True)
        out = pd.read_csv(dst).sort_values("row")
    minutes = out["duration_s"].to_numpy() / 60.0
    per_act = pd.Series(minutes).groupby(hidden[ACT].astype("string").to_numpy()).mean()
    return per_act, float(done.stdout.strip().splitlines()[-1])


def _summary(table):
    import pandas as pd

    methods = [c[:-4] for c in table.columns if c.endswith("_ape")]
    out = []
    for name, group in list(table.groupby("log", sort=False)) + [("all logs", table)]:
        row = {"log": name, "activities": len(group)}
        for m in methods:
            row[m] = group[f"{m}_ape"].median()
        out.append(row)
    return pd.DataFrame(out)


def _speed(cases: int) -> dict:
    """Time estimate_handling_time on a cached complete-only ostolaskut log (~1M events)."""
    from rpa_scout import estimate_handling_time, read_log
    from rpa_scout.io.write_log import write_log
    from rpa_scout.synth import generate

    path = CACHE / f"ostolaskut_{cases}_seed7_complete.parquet"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"generating {path.name} (once; about a minute per 500k events)", flush=True)
        write_log(generate("ostolaskut", cases, 7, complete_only=True).log, path)
    log, _ = read_log(path)
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        estimate_handling_time(log)
        runs.append(time.perf_counter() - started)
    return {"file": path.name, "events": len(log), "cases": cases, "runs": runs}


def _machine() -> str:
    import numpy
    import pandas

    import rpa_scout

    return (f"{platform.node() or 'host'}: {platform.machine()}, {os.cpu_count()} cores, "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
            f"rpa_scout {rpa_scout.__version__}, pandas {pandas.__version__}, numpy {numpy.__version__}")


def _write(out: Path, table, summary, timings, speed, ste) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    pct = lambda v: "–" if v != v else f"{v:.1%}"  # noqa: E731
    lines = [
        "# Completion-only handling-time estimation: accuracy and speed", "",
        f"Run {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} with "
        "`python benchmarks/handling_time.py`.", "",
        f"Machine: {_machine()}.", "",
        "Start events hidden (only `complete` rows kept), handling time estimated, each "
        "manual activity's mean compared with the measured start → complete mean. "
        "Cells: median absolute percentage error (APE) of the activity means.", "",
    ]
    if ste is not None:
        lines += ["start-time-estimator 1.10.11 (pix-framework 0.10.0, pandas 2.3.3, own venv), "
                  "default configuration.", ""]
    names = {"rpa_scout": "rpa_scout", "naive": "naive (since previous event)",
             "ste": "start-time-estimator"}
    methods = [c for c in summary.columns if c in names]
    lines.append("| log | activities | " + " | ".join(names[m] for m in methods) + " |")
    lines.append("|---|---:|" + "---:|" * len(methods))
    for r in summary.itertuples(index=False):
        cells = [pct(getattr(r, m)) for m in methods]
        label = f"**{r.log}**" if r.log == "all logs" else r.log
        lines.append(f"| {label} | {r.activities} | " + " | ".join(cells) + " |")
    lines += ["", "Per activity (minutes):", "",
              "| log | activity | truth | " + " | ".join(names[m] for m in methods) + " |",
              "|---|---|---:|" + "---:|" * len(methods)]
    for r in table.itertuples(index=False):
        cells = [f"{getattr(r, m + '_min'):.1f} ({pct(getattr(r, m + '_ape'))})" for m in methods]
        lines.append(f"| {r.log} | {r.activity} | {r.truth_min:.1f} | " + " | ".join(cells) + " |")
    lines += ["", "Run time of the estimators on these logs (seconds):", "",
              "| log | complete events | rpa_scout | start-time-estimator |", "|---|---:|---:|---:|"]
    for t in timings:
        ste_s = f"{t['ste_s']:.1f}" if "ste_s" in t else "–"
        lines.append(f"| {t['log']} | {t['events']:,} | {t['rpa_scout_s']:.2f} | {ste_s} |")
    if speed is not None:
        runs = speed["runs"]
        lines += ["", f"Speed: `estimate_handling_time` on `{speed['file']}` (synthetic ostolaskut, "
                  f"{speed['cases']:,} cases, complete events only): {speed['events']:,} events, "
                  f"best {min(runs):.1f} s, median {sorted(runs)[1]:.1f} s of 3 runs "
                  f"({speed['events'] / min(runs):,.0f} events/s)."]
        print(lines[-1])
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
