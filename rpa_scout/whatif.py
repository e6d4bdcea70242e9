"""What if a robot took over some steps? Hours freed and the lead time citizens wait.

The log is replayed case by case: each automated instance of a step loses its queueing
and handling time (the time since its case's previous completion) and takes the robot's
processing time instead; everything after it in the case moves earlier by the time saved.
That assumes the following steps are picked up as promptly as before, so the lead-time
gain is an upper bound. Given ranking rows, only the automatable share of a step's
instances is automated (drawn with a seeded generator; the exceptions stay with
people), and the hours freed come from the ranking (annual manual executions × handling
time × automatable share) without counting any step twice: a routine's hours count only
when none of its steps is also given as a single step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from rpa_scout.arguments import require_type, text_items
from rpa_scout.columns import XES, LogColumns, require_columns
from rpa_scout.errors import ConfigError
from rpa_scout.handling import HandlingResult, estimate_handling_time, handling_for
from rpa_scout.routines import SEPARATOR
from rpa_scout.timestamps import epoch_seconds


@dataclass(frozen=True)
class WhatIf:
    """Result of :func:`simulate_automation`.

    Example:
        >>> from rpa_scout import read_log, simulate_automation
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> what_if = simulate_automation(log, ["Kustannuspaikan tiliöinti"])   # names: every instance
        >>> what_if.steps, what_if.cases.columns.tolist()
        (('Kustannuspaikan tiliöinti',), ['case', 'lead_before_h', 'lead_after_h', 'saved_h'])
        >>> what_if.hours_freed_per_year     # no ranking rows given: unknown
        nan
    """

    cases: pd.DataFrame          # per case: lead_before_h, lead_after_h, saved_h
    steps: tuple[str, ...]       # activities automated
    hours_freed_per_year: float  # from the ranking rows given (NaN when only names were given)
    summary: pd.DataFrame        # one row: lead time before/after (mean, median, p90) in days


def simulate_automation(
    log: pd.DataFrame,
    candidates: Sequence[str] | pd.DataFrame,
    *,
    robot_seconds: float = 60.0,
    handling: HandlingResult | None = None,
    seed: int = 0,
    columns: LogColumns = XES,
) -> WhatIf:
    """Replay ``log`` as if the given candidates were automated.

    Args:
        log: event log with XES column names.
        candidates: activity or routine names (routines as "A → B"; one name alone is a
            list of one), or rows of ``Ranking.candidates`` (their ``candidate``,
            ``hours_per_year`` and ``automatable_share`` are used).
        robot_seconds: processing time of the robot per automated step.
        handling: a precomputed :func:`estimate_handling_time` result.
        seed: seed of the draw of which instances a robot takes (ranking rows only).
        columns: column mapping.

    Returns:
        A :class:`WhatIf` with per-case lead times before and after, and a summary.

    Example:
        >>> from rpa_scout import rank_candidates, read_log, simulate_automation
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> top = rank_candidates(log).candidates.head(2)      # the rows: their share and hours
        >>> what_if = simulate_automation(log, top)
        >>> what_if.steps, round(what_if.hours_freed_per_year)
        (('Kustannuspaikan tiliöinti', 'Tilausvastaavuuden tarkistus'), 162)
        >>> before, after = what_if.summary.loc[0, ["lead_mean_days_before", "lead_mean_days_after"]]
        >>> int(what_if.summary.loc[0, "cases_affected"]), f"{before:.2f} → {after:.2f} days"
        (2160, '24.37 → 24.20 days')
    """
    columns = require_columns(log, columns)
    if robot_seconds < 0:
        raise ConfigError(f"robot_seconds must not be negative, got {robot_seconds}")
    names, hours, share = _chosen(candidates)
    steps = tuple(sorted({step for name in names for step in name.split(SEPARATOR)}))
    handling = handling_for(log, require_type(handling, HandlingResult, "handling", "a HandlingResult (from estimate_handling_time)"),
                            columns=columns)
    inst = handling.instances
    known = set(inst[columns.activity].astype("string"))
    missing = [s for s in steps if s not in known]
    if missing:
        raise ConfigError(f"unknown activity {missing[0]!r}: it is not in the log")
    cases = _lead_times(inst, steps, share, robot_seconds, seed, columns)
    before, after = cases["lead_before_h"].to_numpy(), cases["lead_after_h"].to_numpy()
    summary = pd.DataFrame([{
        "automated_steps": len(steps),
        "cases_affected": int((cases["saved_h"] > 0).sum()),
        "lead_mean_days_before": before.mean() / 24, "lead_mean_days_after": after.mean() / 24,
        "lead_median_days_before": np.median(before) / 24, "lead_median_days_after": np.median(after) / 24,
        "lead_p90_days_before": np.percentile(before, 90) / 24, "lead_p90_days_after": np.percentile(after, 90) / 24,
        "hours_freed_per_year": hours,
    }])
    return WhatIf(cases, steps, hours, summary)


def _chosen(candidates: Sequence[str] | pd.DataFrame) -> tuple[list[str], float, dict[str, float]]:
    """The candidate names, their hours a year (without double counting; NaN for bare
    names) and each step's automatable share (a single step's own share wins)."""
    if not isinstance(candidates, pd.DataFrame):
        return list(text_items(candidates, "candidates")), float("nan"), {}
    names = [str(c) for c in candidates["candidate"]]
    hours = float("nan")
    if "hours_per_year" in candidates:
        hours = _hours_without_overlap(names, candidates["hours_per_year"].to_numpy(dtype=float))
    share: dict[str, float] = {}
    if "automatable_share" in candidates:
        for name, value in zip(names, candidates["automatable_share"].to_numpy(dtype=float)):
            for step in name.split(SEPARATOR):
                if SEPARATOR not in name or step not in share:
                    share[step] = float(value) if np.isfinite(value) else 1.0
    return names, hours, share


def _lead_times(inst: pd.DataFrame, steps: tuple[str, ...], share: dict[str, float],
                robot_seconds: float, seed: int, columns: LogColumns) -> pd.DataFrame:
    """Per case: lead time before and after (hours), when the robot does the automated
    steps in ``robot_seconds`` instead of the time they waited and took."""
    case_idx, case_names = pd.factorize(inst[columns.case])
    end = epoch_seconds(inst[columns.timestamp])
    order = np.lexsort((end, case_idx))
    c, t = case_idx[order], end[order]
    act = inst[columns.activity].astype("string").to_numpy(dtype=object)[order]
    prev = np.r_[np.nan, t[:-1]]
    prev[np.r_[True, c[1:] != c[:-1]]] = np.nan
    gap = np.where(np.isfinite(prev), t - prev, 0.0)
    automated = np.isin(act, steps)
    if share:  # the robot takes the automatable share; exceptions stay with people
        p = np.array([share.get(a, 1.0) for a in act], dtype=float)
        automated &= np.random.default_rng(seed).random(len(act)) < p
    saved = np.where(automated, np.clip(gap - robot_seconds, 0.0, None), 0.0)
    n = len(case_names)
    start, stop = np.full(n, np.inf), np.full(n, -np.inf)
    np.minimum.at(start, c, t)
    np.maximum.at(stop, c, t)
    before = (stop - start) / 3600.0
    after = np.maximum(before - np.bincount(c, weights=saved, minlength=n) / 3600.0, 0.0)
    return pd.DataFrame({"case": case_names.astype(str), "lead_before_h": before,
                         "lead_after_h": after, "saved_h": before - after})


def _hours_without_overlap(names: list[str], hours: np.ndarray) -> float:
    """Sum of hours, leaving out routines any of whose steps is also a single candidate."""
    singles = {n for n in names if SEPARATOR not in n}
    total = 0.0
    for name, value in zip(names, hours):
        if SEPARATOR in name and any(step in singles for step in name.split(SEPARATOR)):
            continue
        total += float(value) if np.isfinite(value) else 0.0
    return total
