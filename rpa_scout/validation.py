"""Check completion-only handling times against logs that also record starts.

The protocol (``benchmarks/handling_validation.py`` runs it on real logs, and anyone can
run it on their own two-timestamp export):

1. :func:`paired_truth`: pair start and complete first-in-first-out per case and
   activity; the truth of an instance is complete − start (pauses subtracted);
2. :func:`hide_starts`: drop the start (and suspend/resume) events;
3. estimate from the completions alone, then :func:`compare` instance by instance and
   :func:`score` per activity and per log.

Instances are matched through the completing event: both tables carry the column
:data:`EVENT_ID` added by :func:`tag_events`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Collection

import numpy as np
import pandas as pd

from rpa_scout.columns import HANDLING, PERFORMER, XES, LogColumns
from rpa_scout.lifecycle import RESUME, START, SUSPEND, normalise_transition, pair_lifecycle

EVENT_ID = "_event_id"
#: Activities scored: at least this many paired instances ...
MIN_INSTANCES = 10
#: ... and a true mean of at least this many minutes (a mean of zero has no relative error).
MIN_TRUE_MINUTES = 0.5


def tag_events(log: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``log`` with a row number in :data:`EVENT_ID` (to match instances later)."""
    return log.assign(**{EVENT_ID: np.arange(len(log))})


def hide_starts(log: pd.DataFrame, *, columns: LogColumns = XES) -> pd.DataFrame:
    """The log without its start, suspend and resume events (completions only)."""
    if columns.lifecycle not in log.columns:
        return log.copy()
    trans = normalise_transition(log[columns.lifecycle])
    return log[~trans.isin([START, SUSPEND, RESUME]).to_numpy()].reset_index(drop=True)


def paired_truth(log: pd.DataFrame, *, timezone: str = "UTC", columns: LogColumns = XES) -> pd.DataFrame:
    """Measured instances of a tagged two-timestamp log: one row per paired instance with
    :data:`EVENT_ID` (of its completion), ``activity``, ``truth_s`` and ``same_day``
    (started and completed on the same local date in ``timezone``)."""
    inst = pair_lifecycle(log, columns=columns).instances
    inst = inst[inst[columns.start_timestamp].notna()]
    seconds = (inst[columns.timestamp] - inst[columns.start_timestamp]).dt.total_seconds()
    truth = seconds - inst["paused_seconds"]
    end = inst[columns.timestamp].dt.tz_convert(timezone).dt.normalize()
    start = inst[columns.start_timestamp].dt.tz_convert(timezone).dt.normalize()
    return pd.DataFrame({EVENT_ID: inst[EVENT_ID].to_numpy(),
                         "activity": inst[columns.activity].astype("string").to_numpy(),
                         "truth_s": truth.to_numpy(dtype=float),
                         "same_day": (start == end).to_numpy()})


def compare(truth: pd.DataFrame, instances: pd.DataFrame, values: pd.Series | np.ndarray,
            *, low: pd.Series | None = None, high: pd.Series | None = None) -> pd.DataFrame:
    """Truth beside an estimate, per instance (joined on :data:`EVENT_ID`).

    Args:
        truth: :func:`paired_truth` of the full log.
        instances: the instance table the estimate was made on (with :data:`EVENT_ID`).
        values: the estimate in seconds, one per row of ``instances`` (NaN = no estimate).
        low, high: optional per-activity interval of the mean, in seconds.
    """
    est = pd.DataFrame({EVENT_ID: instances[EVENT_ID].to_numpy(), "estimate_s": np.asarray(values, dtype=float)})
    out = truth.merge(est, on=EVENT_ID, how="left")
    if low is not None and high is not None:
        out["low_s"] = out["activity"].map(low)
        out["high_s"] = out["activity"].map(high)
    return out


@dataclass(frozen=True)
class Score:
    """How close an estimate came to the truth on one log."""

    activities: int
    median_ape: float
    mean_ape: float
    instance_median_abs_min: float
    instance_median_ape: float
    total_ratio: float
    coverage: float
    median_width: float
    per_activity: pd.DataFrame

    def row(self) -> dict[str, float]:
        """The figures without the per-activity table."""
        return {k: getattr(self, k) for k in ("activities", "median_ape", "mean_ape",
                                               "instance_median_abs_min", "instance_median_ape",
                                               "total_ratio", "coverage", "median_width")}


def score(compared: pd.DataFrame, *, same_day: bool = False) -> Score:
    """Per-activity and per-log accuracy of a :func:`compare` table.

    Activities with at least :data:`MIN_INSTANCES` paired instances and a true mean of at
    least :data:`MIN_TRUE_MINUTES` are scored. Per activity: the mean of the estimates
    (over the instances that have one) against the mean of the truth; its absolute
    percentage error (APE); whether the interval holds the true mean, and its width
    relative to the estimate. Per log: median and mean APE, the median instance error,
    total estimated person hours ÷ true ones (over the same instances), the share of
    activities whose interval holds the truth and the median width. With ``same_day``,
    only instances started and completed on the same day are scored (work items left
    open overnight are set aside).
    """
    if same_day:
        compared = compared[compared["same_day"]]
    grouped = compared.groupby("activity")
    table = pd.DataFrame({"instances": grouped.size(),
                          "truth_min": grouped["truth_s"].mean() / 60.0,
                          "estimate_min": grouped["estimate_s"].mean() / 60.0})
    if "low_s" in compared:
        table["low_min"] = grouped["low_s"].first() / 60.0
        table["high_min"] = grouped["high_s"].first() / 60.0
    table = table[(table["instances"] >= MIN_INSTANCES) & (table["truth_min"] >= MIN_TRUE_MINUTES)]
    table["ape"] = (table["estimate_min"].fillna(0.0) - table["truth_min"]).abs() / table["truth_min"]
    scored = compared[compared["activity"].isin(table.index)]
    has = scored["estimate_s"].notna()
    error = (scored["estimate_s"] - scored["truth_s"]).abs()[has]
    timed = has & (scored["truth_s"] >= 60.0)
    instance_ape = ((scored["estimate_s"] - scored["truth_s"]).abs() / scored["truth_s"])[timed]
    coverage = width = float("nan")
    if "low_min" in table:
        table["covered"] = (table["low_min"] <= table["truth_min"]) & (table["truth_min"] <= table["high_min"])
        table["width"] = (table["high_min"] - table["low_min"]) / table["estimate_min"]
        coverage, width = float(table["covered"].mean()), float(table["width"].median())
    total = scored["estimate_s"].fillna(0.0).sum() / scored["truth_s"].sum()
    return Score(activities=len(table), median_ape=float(table["ape"].median()),
                 mean_ape=float(table["ape"].mean()),
                 instance_median_abs_min=float(error.median() / 60.0) if len(error) else float("nan"),
                 instance_median_ape=float(instance_ape.median()) if len(instance_ape) else float("nan"),
                 total_ratio=float(total), coverage=coverage, median_width=width,
                 per_activity=table.reset_index())


# --- leave one log out -------------------------------------------------------------

@dataclass(frozen=True)
class DevLog:
    """One development log: the full log's truth and the completions-only view."""

    name: str
    truth: pd.DataFrame
    hidden: pd.DataFrame
    manual: object    # rpa_scout.manual.ManualResult of ``hidden``
    settings: object  # rpa_scout.settings.Settings (the log's zone)


#: The account name that stands in for all people in the shared-account variant.
SHARED_NAME = "STAFF MEMBER"


def prepare(name: str, log: pd.DataFrame, *, timezone: str, shared_account: bool = False,
            columns: LogColumns = XES) -> DevLog:
    """Tag, pair and hide the starts of a two-timestamp log. With ``shared_account``,
    every named account becomes one shared login (:data:`SHARED_NAME`), as in logs where
    all staff work under one account: this measures the estimator without person bounds."""
    from rpa_scout.manual import detect_manual
    from rpa_scout.settings import Settings

    tagged = tag_events(log)
    truth = paired_truth(tagged, timezone=timezone, columns=columns)
    hidden = hide_starts(tagged, columns=columns)
    if shared_account and columns.resource in hidden:
        named = hidden[columns.resource].notna()
        hidden[columns.resource] = hidden[columns.resource].astype("string").where(~named, SHARED_NAME)
    settings = Settings.of(timezone=timezone)
    return DevLog(name, truth, hidden, detect_manual(hidden, rules=settings.manual, columns=columns),
                  settings)


def evaluate(dev: DevLog, calibration, columns: LogColumns = XES, *,
             same_day: bool = False, leave_out: Collection[str] = ()) -> tuple[Score, pd.DataFrame]:
    """Estimate ``dev`` from its completions with ``calibration`` and score it (on
    same-day instances only with ``same_day``; without the activities in ``leave_out``,
    e.g. those a log's publisher names as automatic); also returns the per-activity
    (source, bound) of the estimate."""
    from rpa_scout.handling import estimate_handling_time

    settings = replace(dev.settings, handling=replace(dev.settings.handling, calibration=calibration))
    result = estimate_handling_time(dev.hidden, settings=settings, manual=dev.manual, columns=columns)
    acts = result.activities.set_index("activity")
    compared = compare(dev.truth, result.instances, result.instances[HANDLING],
                       low=acts["low_min"] * 60.0, high=acts["high_min"] * 60.0)
    compared = compared[~compared["activity"].isin(list(leave_out))]
    return score(compared, same_day=same_day), acts[["source", "bound", "mean_min", "gap_low_min", "gap_high_min"]]


def log_errors(dev: DevLog, calibration, columns: LogColumns = XES) -> pd.DataFrame:
    """Per scored activity: log(estimate / truth) with the estimate's source and bound,
    and what its interval is built from: the true mean, the activity's mean estimate and
    its gap range (:func:`rpa_scout.handling.gap_range`), in minutes."""
    result, kinds = evaluate(dev, calibration, columns)
    table = result.per_activity.set_index("activity").join(kinds)
    table = table[table["estimate_min"] > 0]
    return pd.DataFrame({"log": dev.name, "activity": table.index,
                         "error": np.log(table["estimate_min"] / table["truth_min"]).to_numpy(),
                         "source": table["source"].to_numpy(), "bound": table["bound"].fillna("").to_numpy(),
                         "truth_min": table["truth_min"].to_numpy(), "mean_min": table["mean_min"].to_numpy(),
                         "gap_low_min": table["gap_low_min"].to_numpy(),
                         "gap_high_min": table["gap_high_min"].to_numpy()})


def fit_work_share(devs: list[DevLog], columns: LogColumns = XES) -> float:
    """The work share that minimises the mean over logs of the median absolute log
    error of activity means (each log weighs the same)."""
    from rpa_scout.calibration import Calibration

    errors = [log_errors(dev, Calibration(work_share=1.0), columns)["error"].to_numpy() for dev in devs]
    grid = np.round(np.arange(-1.5, 1.5001, 0.01), 2)
    loss = [np.mean([np.median(np.abs(e + g)) for e in errors if len(e)]) for g in grid]
    return float(np.round(np.exp(grid[int(np.argmin(loss))]), 2))


def error_model(errors: pd.DataFrame, min_activities: int = 8) -> dict[tuple[str, str], tuple[float, float]]:
    """Per (source, bound), per source and pooled (``("*", "*")``): the (down, up) log
    factors by which intervals must reach below and above the estimate, beyond each
    activity's own gap range, for at most 10 % of the held-out true means to fall below
    and at most 10 % above (each log weighing the same; the smallest such factors).
    Groups with fewer than ``min_activities`` activities are left to the coarser ones.

    Args:
        errors: :func:`log_errors` rows (``log``, ``source``, ``bound``, ``truth_min``,
            ``mean_min``, ``gap_low_min``, ``gap_high_min``).
    """
    model: dict[tuple[str, str], tuple[float, float]] = {}
    groups = [(("*", "*"), errors)]
    groups += [((s, "*"), g) for s, g in errors.groupby("source")]
    groups += [((s, b), g) for (s, b), g in errors.groupby(["source", "bound"]) if b]
    for key, group in groups:
        if len(group) < min_activities:
            continue
        weight = 1.0 / group.groupby("log")["mean_min"].transform("size").to_numpy()
        truth, mean = group["truth_min"].to_numpy(), group["mean_min"].to_numpy()
        gap_low = group["gap_low_min"].fillna(np.inf).to_numpy()
        gap_high = group["gap_high_min"].fillna(-np.inf).to_numpy()
        with np.errstate(divide="ignore"):
            down = _reach(np.log(mean / truth), truth < gap_low, weight)
            up = _reach(np.log(truth / mean), truth > gap_high, weight)
        model[key] = (round(down, 3), round(up, 3))
    return model


def _reach(beyond: np.ndarray, outside_gaps: np.ndarray, weight: np.ndarray, miss: float = 0.1) -> float:
    """The smallest factor c >= 0 (log scale) such that the weight of activities outside
    their gap range with ``beyond`` > c is at most ``miss`` of the total weight."""
    allowed = miss * weight.sum() + 1e-12
    candidates = np.unique(np.concatenate([[0.0], beyond[outside_gaps & (beyond > 0)]]))
    # the largest candidate leaves nothing beyond it, so there always is one
    return float(next(c for c in candidates if weight[outside_gaps & (beyond > c)].sum() <= allowed))


def leave_one_out(devs: list[DevLog], extra: list[DevLog] = (), columns: LogColumns = XES) -> dict:
    """Leave-one-log-out figures: for each log, the work share and error model are learned
    from the other logs only (the error model from their own held-out errors), then the
    log is scored.

    Args:
        devs: development logs with resources (fit the work share, give error data).
        extra: variants (e.g. without resources) that only give error data for their
            source; each belongs to the development log of the same ``name``.

    Returns:
        ``{name: {"score": Score, "calibration": Calibration, "errors": DataFrame}}``
        and, under ``"shipped"``, the calibration fitted on all logs with the error
        model of all held-out errors.
    """
    from rpa_scout.calibration import Calibration

    out: dict = {}
    held_out_errors = []
    for test in devs:
        train = [d for d in devs if d.name != test.name]
        share = fit_work_share(train, columns)
        inner = []
        for d in train + [e for e in extra if e.name != test.name]:
            others = [t for t in train if t.name != d.name]
            inner_share = fit_work_share(others, columns) if others else share
            inner.append(log_errors(d, Calibration(work_share=inner_share), columns))
        cal = Calibration(share, error_model(pd.concat(inner, ignore_index=True)),
                          f"leave-one-log-out: fitted without {test.name}")
        result, _ = evaluate(test, cal, columns)
        errors = log_errors(test, Calibration(work_share=share), columns)
        for e in extra:
            if e.name == test.name:
                errors = pd.concat([errors, log_errors(e, Calibration(work_share=share), columns)])
        held_out_errors.append(errors)
        out[test.name] = {"score": result, "calibration": cal, "errors": errors}
    everything = pd.concat(held_out_errors, ignore_index=True)
    out["shipped"] = {"calibration": Calibration(fit_work_share(devs, columns), error_model(everything),
                                                 "fitted on all development logs; error model from "
                                                 "their leave-one-log-out errors"),
                      "errors": everything}
    return out


def capacity_shares(instances: pd.DataFrame, timezone: str, columns: LogColumns = XES) -> pd.Series:
    """Per one-person account: person time credited ÷ what it could work (its active days
    × its working day). At most 1 when capacity holds."""
    from rpa_scout.manual import PERSON

    work = instances[(instances[PERFORMER] == PERSON) & instances[HANDLING].notna()
                     & instances["day_hours"].notna()]
    if work.empty:
        return pd.Series(dtype=float)
    day = work[columns.timestamp].dt.tz_convert(timezone).dt.date
    grouped = work.groupby(columns.resource)
    could = day.groupby(work[columns.resource]).nunique() * grouped["day_hours"].first() * 3600.0
    return (grouped[HANDLING].sum() / could).sort_values(ascending=False)


# --- baselines ------------------------------------------------------------------------

def completions(log: pd.DataFrame, columns: LogColumns = XES) -> pd.DataFrame:
    """The complete events of a log (all events when it has no lifecycle column)."""
    from rpa_scout.lifecycle import COMPLETE

    if columns.lifecycle not in log.columns:
        return log
    return log[(normalise_transition(log[columns.lifecycle]) == COMPLETE).to_numpy()]


def naive_seconds(done: pd.DataFrame, columns: LogColumns = XES) -> np.ndarray:
    """Baseline 1: time since the case's previous event (0 for a case's first)."""
    from rpa_scout.handling import previous_end
    from rpa_scout.timestamps import epoch_seconds

    end = epoch_seconds(done[columns.timestamp])
    return np.nan_to_num(end - previous_end(pd.factorize(done[columns.case])[0], end), nan=0.0)


def resource_gap_seconds(done: pd.DataFrame, max_hours: float = 8.0,
                         columns: LogColumns = XES) -> np.ndarray:
    """Baseline 2: time since the same resource's previous completion, not before the
    case's previous event; gaps over ``max_hours`` dropped (NaN)."""
    from rpa_scout.handling import previous_end
    from rpa_scout.timestamps import epoch_seconds

    end = epoch_seconds(done[columns.timestamp])
    res = (pd.factorize(done[columns.resource])[0] if columns.resource in done
           else np.full(len(done), -1))
    gap = end - np.fmax(previous_end(res, end), previous_end(pd.factorize(done[columns.case])[0], end))
    gap[(gap > max_hours * 3600) | (res < 0)] = np.nan
    return gap
