"""How long a person spends on each activity instance (touch time), with its source.

Sources, per instance (column ``source``):

- ``measured``: start and complete were logged and paired (suspend→resume pauses
  subtracted);
- ``estimated``: only the completion is logged. Following the start-time estimation of
  Chapela-Campa & Dumas (2022, PyPI ``start-time-estimator``), an instance cannot start
  before its case made it available (the case's previous completion) nor before the same
  person finished their previous piece of work; we add a third bound, the start of the
  working day that person actually keeps (discovered from their own completions, so that
  one round-the-clock account cannot stretch everyone's day), and a cap. An instance
  that only the working day bounds (a case's first step, a person's first task of the
  day) gets, as in their re-estimation, the mean of its activity's instances bounded by
  the case or the person (when there are at least :data:`MIN_TIGHT`); otherwise its
  upper bound stays, counted in ``loose_share``;
- ``estimated, no resource``: as above without the person bound, so it is an upper bound
  (also for shared accounts such as ``STAFF MEMBER``, whose previous event is somebody
  else's work);
- ``supplied``: the municipality's own standard time (activity → minutes) overrides;
- ``system``: a system step takes no person's time;
- ``not estimable: dates only``: the timestamp is a date, so no duration can be read
  from it (supply standard times for such activities).

The naive "time since the previous event in the case" (``naive_s``) counts waiting and
is kept only as a comparison; it is never used as handling time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from rpa_scout.columns import XES, LogColumns
from rpa_scout.errors import ConfigError
from rpa_scout.manual import (PERSON, PERSON_NAME_PATTERN, SYSTEM, ManualResult, ManualRules,
                               contains_distinct, date_stamped_events, detect_manual)
from rpa_scout.timestamps import DEFAULT_TIMEZONE, epoch_seconds

MEASURED, ESTIMATED, NO_RESOURCE, SUPPLIED, SYSTEM_SOURCE, UNKNOWN_SOURCE, DATES_ONLY = (
    "measured", "estimated", "estimated, no resource", "supplied", "system", "unknown",
    "not estimable: dates only")

#: Relative error of the completion-only estimator: the median absolute percentage error
#: of activity means, start events hidden, over 28 manual activities (BPIC 2012's six
#: ``W_`` work items; ostolaskut, rakennuslupa and varhaiskasvatus samples in
#: ``eventlogs/``), measured by ``benchmarks/handling_time.py`` (8.1 %, rounded up to
#: 0.05; results in ``benchmarks/results/handling_time.md``). Widens the interval of
#: estimates.
ESTIMATOR_RELATIVE_ERROR = 0.10
Z80 = 1.2815515655446004  # two-sided 80 % normal quantile
MIN_TIGHT = 30  # tightly bounded instances an activity needs to re-estimate its loose ones


@dataclass(frozen=True)
class WorkingHours:
    """Local working day discovered from people's completions (hours, e.g. 7.75–16.5)."""

    start_hour: float | None
    end_hour: float | None
    timezone: str

    def describe(self) -> str:
        """One line for reports."""
        if self.start_hour is None:
            return "working hours unknown (timestamps are dates or no person work)"
        return (f"working day {_clock(self.start_hour)}–{_clock(self.end_hour)} {self.timezone} "
                "(discovered: 2nd–98th percentile of completion times, median over people; "
                "each person's own start bounds their estimates)")


@dataclass(frozen=True)
class HandlingResult:
    """Per-instance handling times and the per-activity summary."""

    instances: pd.DataFrame
    activities: pd.DataFrame
    working_hours: WorkingHours
    cap_hours: float


def estimate_handling_time(
    log: pd.DataFrame,
    *,
    manual: ManualResult | None = None,
    standard_times: Mapping[str, float] | None = None,
    cap_hours: float = 4.0,
    rules: ManualRules | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    columns: LogColumns = XES,
) -> HandlingResult:
    """Estimate each instance's handling time and summarise it per activity.

    Args:
        log: event log with XES column names.
        manual: result of :func:`rpa_scout.detect_manual` (computed when ``None``).
        standard_times: activity → minutes from a time study; overrides estimates.
        cap_hours: no single estimated instance is longer than this (default 4 h: half a
            working day; longer stretches are interruptions, not one piece of work).
        rules: rules for :func:`detect_manual` when ``manual`` is ``None``.
        timezone: zone of the working day.
        columns: column mapping.

    Returns:
        ``instances`` with ``handling_s``, ``source``, ``naive_s``, ``capped`` and
        ``bound`` (what bounded an estimated start: case, person, activity mean for a
        re-estimated one, or working day when only that did, an upper bound);
        ``activities`` with, per activity: ``instances``, ``manual_instances``,
        ``manual_share``, ``mean_min``, ``median_min``, ``low_min``/``high_min`` (80 %
        interval of the mean), ``source``, ``naive_mean_min`` and ``verdict``.
    """
    if cap_hours <= 0:
        raise ConfigError(f"--cap-hours must be positive, got {cap_hours}")
    manual = manual or detect_manual(log, rules=rules or ManualRules(timezone=timezone), columns=columns)
    inst = manual.instances.copy()
    n = len(inst)
    end = epoch_seconds(inst[columns.timestamp])
    start = epoch_seconds(inst[columns.start_timestamp]) if columns.start_timestamp in inst.columns \
        else np.full(n, np.nan)
    paused = inst["paused_seconds"].to_numpy(dtype=float) if "paused_seconds" in inst.columns \
        else np.zeros(n)
    case_codes, _ = pd.factorize(inst[columns.case])
    case_prev = _previous_end(case_codes, end)
    has_res = columns.resource in inst.columns
    res_codes = pd.factorize(inst[columns.resource])[0] if has_res else np.full(n, -1)
    if has_res:  # a shared account ("STAFF MEMBER") is many people: no one's previous work
        res_codes = np.where(contains_distinct(inst[columns.resource], PERSON_NAME_PATTERN),
                             -1, res_codes)
    res_prev = _previous_end(res_codes, end)
    res_prev[res_codes < 0] = np.nan
    person = (inst["performer"] == PERSON).to_numpy()
    dated = date_stamped_events(inst[columns.timestamp], inst[columns.activity])
    timed_work = person & ~dated
    hours = discover_working_hours(end[timed_work], timezone, groups=res_codes[timed_work])
    own_start = _own_start_hours(end, res_codes, timed_work, hours)
    day_start = _day_start(end, hours, own_start)

    handling = np.full(n, np.nan)
    source = np.full(n, UNKNOWN_SOURCE, dtype=object)
    capped = np.zeros(n, dtype=bool)
    measured = np.isfinite(start)
    handling[measured] = np.maximum(end[measured] - start[measured] - paused[measured], 0.0)
    source[measured] = MEASURED
    bound = np.fmax(np.fmax(case_prev, res_prev), day_start)
    todo = ~measured & person & ~dated & np.isfinite(bound)
    # Which bound binds: the case's or the person's previous completion tie the start to
    # something in the log; the working-day start alone only says "not before 8".
    binding = np.full(n, "", dtype=object)
    binding[todo] = np.select(
        [(case_prev >= bound)[todo], (res_prev >= bound)[todo]], ["case", "person"], "working day")
    source[~measured & person & dated] = DATES_ONLY
    raw = np.clip(end - bound, 0.0, None)
    cap = cap_hours * 3600.0
    capped[todo] = raw[todo] > cap
    handling[todo] = np.minimum(raw[todo], cap)
    source[todo] = np.where(res_codes[todo] >= 0, ESTIMATED, NO_RESOURCE)
    redone = _reestimate_loose(handling, todo & (binding == "working day"),
                               todo & (binding != "working day"), inst[columns.activity])
    binding[redone] = "activity mean"
    system = (inst["performer"] == SYSTEM).to_numpy()
    handling[system] = 0.0
    source[system] = SYSTEM_SOURCE
    if standard_times:
        minutes = inst[columns.activity].astype("string").map(dict(standard_times))
        supplied = minutes.notna().to_numpy() & ~system
        handling[supplied] = minutes[supplied].to_numpy(dtype=float) * 60.0
        source[supplied] = SUPPLIED
    inst["handling_s"] = handling
    inst["source"] = source
    inst["capped"] = capped
    inst["bound"] = binding
    inst["naive_s"] = end - case_prev
    return HandlingResult(inst, summarise_handling(inst, manual.activities, columns), hours, cap_hours)


def summarise_handling(inst: pd.DataFrame, verdicts: pd.DataFrame,
                       columns: LogColumns = XES) -> pd.DataFrame:
    """Per activity: person share, mean/median handling minutes, 80 % interval, source.

    ``loose_share`` is the share of timed person instances whose estimate is only an
    upper bound: capped, bounded by nothing but the working day and not re-estimated
    (typical of a case's first step and of people who log few events a day), or with no
    person's previous work to bound it (no resource or a shared account: then the
    estimate still contains the case's waiting).
    """
    act = inst[columns.activity].astype("string")
    person = inst["performer"] == PERSON
    frame = pd.DataFrame({"activity": act, "person": person, "h": inst["handling_s"] / 60.0,
                          "source": inst["source"], "naive": inst["naive_s"] / 60.0,
                          "capped": inst["capped"],
                          "loose": _loose(inst) & inst["source"].isin([ESTIMATED, NO_RESOURCE])})
    total = frame.groupby("activity").size()
    work = frame[frame["person"] & frame["h"].notna()]
    grouped = work.groupby("activity")["h"]
    out = pd.DataFrame({"instances": total})
    out["manual_instances"] = frame[frame["person"]].groupby("activity").size()
    out["manual_instances"] = out["manual_instances"].fillna(0).astype(int)
    out["manual_share"] = out["manual_instances"] / out["instances"]
    out["timed_instances"] = grouped.size()
    out["mean_min"] = grouped.mean()
    out["median_min"] = grouped.median()
    sd = grouped.std(ddof=1).fillna(0.0)
    person_sources = frame[frame["person"]].groupby("activity")["source"].agg(
        lambda s: s.value_counts().index[0])
    out["source"] = work.groupby("activity")["source"].agg(lambda s: s.value_counts().index[0])
    out["source"] = out["source"].fillna(person_sources)
    out["capped_share"] = work.groupby("activity")["capped"].mean()
    out["loose_share"] = work.groupby("activity")["loose"].mean()
    out["naive_mean_min"] = frame[frame["person"]].groupby("activity")["naive"].mean()
    se = sd / np.sqrt(out["timed_instances"].clip(lower=1))
    rel = np.where(out["source"].isin([ESTIMATED, NO_RESOURCE]), ESTIMATOR_RELATIVE_ERROR, 0.0)
    half = np.sqrt((Z80 * se) ** 2 + (rel * out["mean_min"]) ** 2)
    supplied = out["source"] == SUPPLIED
    half = np.where(supplied, 0.0, half)
    out["low_min"] = (out["mean_min"] - half).clip(lower=0.0)
    out["high_min"] = out["mean_min"] + half
    out = out.reset_index().rename(columns={"index": "activity"})
    out = out.merge(verdicts[["activity", "verdict", "evidence"]], on="activity", how="left")
    out["timed_instances"] = out["timed_instances"].fillna(0).astype(int)
    out["source"] = out["source"].fillna(SYSTEM_SOURCE)
    order = ["activity", "verdict", "instances", "manual_instances", "manual_share",
             "timed_instances", "mean_min", "median_min", "low_min", "high_min", "source",
             "capped_share", "loose_share", "naive_mean_min", "evidence"]
    return out[order].sort_values(["instances", "activity"], ascending=[False, True],
                                  kind="stable").reset_index(drop=True)


def _loose(inst: pd.DataFrame) -> pd.Series:
    """Instances whose estimate is only an upper bound: capped, bounded by the day alone,
    or with no person to bound it (no resource, or a shared account)."""
    loose = inst["capped"].astype(bool) | (inst["source"] == NO_RESOURCE)
    if "bound" in inst:
        loose = loose | (inst["bound"] == "working day")
    return loose


def _reestimate_loose(handling: np.ndarray, loose: np.ndarray, tight: np.ndarray,
                      activity: pd.Series) -> np.ndarray:
    """Give loose estimates the mean of their activity's tightly bounded ones, in place.

    A start bounded only by the working day says "not before 8", so its estimate is an
    upper bound. Like the re-estimation of Chapela-Campa & Dumas for instances without
    enablement information, such instances take the mean of the activity's instances
    bounded by the case's or the person's previous completion, where there are at least
    :data:`MIN_TIGHT` of them; otherwise the upper bound stays (and is reported by
    ``loose_share``). Returns the positions re-estimated.
    """
    if not loose.any():
        return np.zeros(0, dtype=np.int64)
    codes, _ = pd.factorize(activity)
    k = int(codes.max()) + 1
    ok = tight & (codes >= 0)
    count = np.bincount(codes[ok], minlength=k)
    total = np.bincount(codes[ok], weights=handling[ok], minlength=k)
    mean = np.divide(total, count, out=np.full(k, np.nan), where=count >= MIN_TIGHT)
    fill = loose & (codes >= 0)
    values = mean[codes[fill]]
    target = np.flatnonzero(fill)[np.isfinite(values)]
    handling[target] = values[np.isfinite(values)]
    return target


def discover_working_hours(end_s: np.ndarray, timezone: str,
                           groups: np.ndarray | None = None) -> WorkingHours:
    """The working day people keep: 2nd to 98th percentile of their completion clock times.

    With ``groups`` (resource codes, -1 for none), each person with at least 50 timed
    completions gets their own percentiles and the day is their median, so that one
    round-the-clock account (an e-service, a misnamed robot) cannot stretch it. Returns
    unknown hours when fewer than 50 completions are timed or the times are dates (all
    at one clock time).
    """
    finite = np.isfinite(end_s)
    values = end_s[finite]
    if len(values) < 50:
        return WorkingHours(None, None, timezone)
    clock = _clock_hours(values, timezone)
    if np.unique(np.round(clock, 3)).size <= 2:
        return WorkingHours(None, None, timezone)
    lo, hi = np.percentile(clock, [2, 98])
    if groups is not None:
        per = _group_percentiles(clock, np.asarray(groups)[finite])
        if len(per):
            lo, hi = np.median(per[:, 0]), np.median(per[:, 1])
    return WorkingHours(float(np.floor(lo * 4) / 4), float(np.ceil(hi * 4) / 4), timezone)


def _clock_hours(end_s: np.ndarray, timezone: str) -> np.ndarray:
    local = pd.to_datetime(end_s, unit="s", utc=True).tz_convert(timezone)
    return np.asarray(local.hour + local.minute / 60.0 + local.second / 3600.0, dtype=float)


def _group_percentiles(clock: np.ndarray, groups: np.ndarray, minimum: int = 50) -> np.ndarray:
    """Rows (2nd percentile, 98th percentile, group) of clock times for groups >= 0 with enough values."""
    keep = groups >= 0
    if not keep.any():
        return np.empty((0, 3))
    frame = pd.DataFrame({"g": groups[keep], "c": clock[keep]})
    grouped = frame.groupby("g")["c"]
    size = grouped.size()
    q = grouped.quantile([0.02, 0.98]).unstack()
    q = q[size >= minimum]
    return np.column_stack([q[0.02].to_numpy(), q[0.98].to_numpy(), q.index.to_numpy(dtype=float)])


def _own_start_hours(end_s: np.ndarray, res_codes: np.ndarray, timed: np.ndarray,
                     hours: WorkingHours) -> np.ndarray:
    """Per row, the working-day start of its resource (own 2nd percentile, floored to a
    quarter hour, when they have 50 timed completions), else the common one."""
    out = np.full(len(end_s), np.nan if hours.start_hour is None else hours.start_hour)
    if hours.start_hour is None:
        return out
    ok = timed & np.isfinite(end_s)
    per = _group_percentiles(_clock_hours(end_s[ok], hours.timezone), res_codes[ok])
    if len(per) == 0:
        return out
    table = np.full(int(res_codes.max()) + 1, np.nan)
    table[per[:, 2].astype(np.int64)] = np.floor(per[:, 0] * 4) / 4
    own = table[np.where(res_codes >= 0, res_codes, 0)]
    use = (res_codes >= 0) & np.isfinite(own)
    out[use] = own[use]
    return out


def _day_start(end_s: np.ndarray, hours: WorkingHours, start_hours: np.ndarray) -> np.ndarray:
    """Epoch seconds of the working-day start (``start_hours``, local) on each completion's
    local date (NaN if unknown or when the completion happened before that start)."""
    if hours.start_hour is None or len(end_s) == 0:
        return np.full(len(end_s), np.nan)
    finite = np.isfinite(end_s)
    out = np.full(len(end_s), np.nan)
    local = pd.to_datetime(end_s[finite], unit="s", utc=True).tz_convert(hours.timezone)
    midnight = local.normalize()
    start = midnight + pd.to_timedelta(start_hours[finite], unit="h")
    start_s = np.asarray((start - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1), dtype=float)
    start_s[start_s > end_s[finite]] = np.nan
    out[finite] = start_s
    return out


def _previous_end(group: np.ndarray, end: np.ndarray) -> np.ndarray:
    """For each row, the latest earlier completion in the same group (NaN for the first)."""
    order = np.lexsort((np.arange(len(end)), end, group))
    g, t = group[order], end[order]
    prev_sorted = np.r_[np.nan, t[:-1]]
    prev_sorted[np.r_[True, g[1:] != g[:-1]]] = np.nan
    out = np.empty(len(end))
    out[order] = prev_sorted
    return out


def _clock(hour: float | None) -> str:
    if hour is None:
        return "?"
    return f"{int(hour):02d}:{int(round((hour % 1) * 60)):02d}"
