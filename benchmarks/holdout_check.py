"""Completion-only handling time and manual detection on a two-timestamp log that was
used for nothing: the shipped calibration, as a user would get it.

    python benchmarks/holdout_check.py LOG [LOG ...] --zone ZONE [--name NAME]
                                       [--system ACTIVITY ...] [--no-ste] [--out FILE]

``handling_validation.py`` fits the estimator's work share and error model on the three
development logs (leave one log out) and reports each on the log held out. This script
answers the question every figure must: does it hold on a real log that nobody looked at
while building the estimator? It reads a log that records a start and a completion per
row (columns such as ``Start Timestamp`` and ``Complete Timestamp``; several files are
one log, e.g. a published training and testing split), takes the truth from the pairs,
drops the starts, estimates with :data:`rpa_scout.calibration.DEFAULT_CALIBRATION`
(fitted on the development logs only) and reports what ``handling_validation.py``
reports per log, beside the two baselines and start-time-estimator (in its own venv, as
``handling_validation.py`` says; ``--no-ste`` leaves it out). With ``--system``, the
activities its publisher names as automatic label every instance person or system, and
the share that rpa_scout's manual detection gets right is reported (with the starts,
and without).

The log is read from where the user keeps it; nothing is copied into the project. The
figures of ConsultaDataMining 2016–18 (a university's course-credit recognition,
published with Simod: ``inputs/ConsultaDataMining201618_training.csv`` and
``..._testing.csv`` of AutomatedProcessImprovement/Simod at 56239bb) are in
``benchmarks/results/holdout_check.md`` and the README.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import run_header, versions  # noqa: E402
from handling_validation import ACT, CASE, RES, STE_PYTHON, TS, _row, baselines  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
LIFE, START_TS = "lifecycle:transition", "start_timestamp"


def main() -> None:
    """Read, check, print and write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("logs", nargs="+", type=Path, help="the log's file(s), with start and complete columns")
    parser.add_argument("--zone", required=True, help="the zone of the log's clock times (its working day)")
    parser.add_argument("--name", help="the log's name in the tables (default: the first file's stem)")
    parser.add_argument("--system", nargs="*", default=[],
                        help="activities the log's publisher names as automatic (labels for manual detection)")
    parser.add_argument("--no-ste", action="store_true", help="skip start-time-estimator")
    parser.add_argument("--ste-python", type=Path, default=STE_PYTHON)
    parser.add_argument("--out", type=Path, default=RESULTS / "holdout_check.md")
    args = parser.parse_args()
    name = args.name or args.logs[0].stem
    log = lifecycle_events(read_rows(args.logs, args.zone))
    lines = [run_header(f"Held-out check: {name}", "holdout_check.py", versions("pandas", "numpy"),
                        [*map(str, args.logs), *sys.argv[1 + len(args.logs):]]), ""]
    ste = None if args.no_ste or not args.ste_python.exists() else args.ste_python
    lines += accuracy_lines(name, log, args.zone, ste, set(args.system))
    if args.system:
        lines += manual_lines(name, log, args.zone, set(args.system))
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


def read_rows(paths: list[Path], zone: str):
    """The files' rows as one log with a start column (``read_log``'s reading)."""
    import pandas as pd

    from rpa_scout import read_log

    frames = []
    for path in paths:
        frame, report = read_log(path, timezone=zone)
        if START_TS not in frame:
            sys.exit(f"{path.name}: no start column found ({report.mapping}); name it in the file's header")
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def lifecycle_events(rows):
    """One start and one complete event per row (a row without a start: complete only),
    in case and time order, as the development logs are written."""
    import pandas as pd

    keep = [c for c in (CASE, ACT, RES) if c in rows]
    complete = rows[keep].assign(**{TS: rows[TS], LIFE: "complete"})
    has = rows[START_TS].notna()
    start = rows.loc[has, keep].assign(**{TS: rows.loc[has, START_TS], LIFE: "start"})
    events = pd.concat([start, complete], ignore_index=True)
    events["_order"] = (events[LIFE] == "complete").astype(int)  # a start before its complete
    events = events.sort_values([CASE, TS, "_order"], kind="stable").drop(columns="_order")
    return events.reset_index(drop=True)


def accuracy_lines(name: str, log, zone: str, ste: Path | None, system: set[str]) -> list[str]:
    """The handling_validation.py row for this log: rpa_scout with the shipped
    calibration, the same with every account one shared login, and the baselines; with
    ``system``, rpa_scout again without the steps the publisher names as automatic
    (their start-to-complete time is the system's, not a person's)."""
    from rpa_scout.calibration import DEFAULT_CALIBRATION
    from rpa_scout.validation import evaluate, prepare

    dev = prepare(name, log, timezone=zone)
    result, _ = evaluate(dev, DEFAULT_CALIBRATION)
    shared, _ = evaluate(prepare(name, log, timezone=zone, shared_account=True), DEFAULT_CALIBRATION)
    lines = ["## Accuracy with the shipped calibration (fitted on the development logs only)", "",
             "Columns as in `handling_validation.md`. Targets: median APE ≤ 20 %, total 0.85–1.15, "
             "coverage 70–90 %.", "",
             "| log | method | activities | median APE | mean APE | instance median error (min) "
             "| instance median APE | total | coverage | width |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
             _row(name, f"**rpa_scout** (work share {DEFAULT_CALIBRATION.work_share})", result),
             _row(name, "rpa_scout, all staff on one shared account", shared)]
    if system:
        people, _ = evaluate(dev, DEFAULT_CALIBRATION, leave_out=system)
        lines.append(_row(name, "rpa_scout, the publisher's automatic steps left out", people))
    lines += [_row(name, label, values) for label, values in baselines(dev, ste).items()]
    lines += ["", "Per activity (minutes):", "", "| activity | instances | truth | estimate | 80 % interval | APE |",
              "|---|---:|---:|---:|---|---:|"]
    for r in result.per_activity.itertuples(index=False):
        lines.append(f"| {r.activity} | {r.instances:,} | {r.truth_min:.1f} | {r.estimate_min:.1f} | "
                     f"{r.low_min:.1f}–{r.high_min:.1f} | {r.ape:.0%} |")
    return lines + [""]


def manual_lines(name: str, log, zone: str, system: set[str]) -> list[str]:
    """Per-instance manual vs automated accuracy against the publisher's labels."""
    from rpa_scout import detect_manual
    from rpa_scout.manual import ARTIFICIAL, PERSON
    from rpa_scout.settings import Settings
    from rpa_scout.validation import hide_starts

    lines = ["## Manual vs automated, per instance", "",
             f"Label: system = {', '.join(sorted(system))} (the publisher's list); person = every "
             "other step. Events an export tool added (`Start`/`End`) are left out.", "",
             "| log | variant | instances | right | person steps right | system steps right |",
             "|---|---|---:|---:|---:|---:|"]
    rules = Settings.of(timezone=zone).manual
    for variant, frame in (("as published (start and complete)", log), ("starts dropped", hide_starts(log))):
        inst = detect_manual(frame, rules=rules).instances
        inst = inst[(inst["performer"] != ARTIFICIAL).to_numpy()]
        label = ~inst[ACT].astype(str).isin(system).to_numpy()
        said = (inst["performer"] == PERSON).to_numpy()
        right = said == label
        lines.append(f"| {name} | {variant} | {len(inst):,} | {right.mean():.1%} | "
                     f"{right[label].mean():.1%} | {right[~label].mean():.1%} |")
    return lines + [""]


if __name__ == "__main__":
    main()
