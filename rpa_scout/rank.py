"""Rank automation candidates by hours saved per year, with the reasons behind each rank.

Candidates are single manual activities and multi-step routines. Each gets the criteria
of :mod:`rpa_scout.criteria` (raw and 0–1), a *fit score* (their weighted mean), and
hours saved per year with an 80 % interval (:mod:`rpa_scout.value`). By default those
whose fit passes the threshold are ranked by expected hours; the rest are listed after
them as not recommended, with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from rpa_scout.assumptions import Assumption, Economics
from rpa_scout.columns import XES, LogColumns
from rpa_scout.criteria import activity_criteria, normalise
from rpa_scout.errors import ConfigError
from rpa_scout.handling import (ESTIMATED, ESTIMATOR_RELATIVE_ERROR, NO_RESOURCE, HandlingResult,
                                estimate_handling_time)
from rpa_scout.manual import PERSON, ManualRules
from rpa_scout.routines import find_routines
from rpa_scout.value import (annual_factor, bootstrap_totals, interval, months_covered,
                             payback_months, volume_period)

CRITERIA = ("rule_basedness", "standardisation", "variability", "stability", "rework", "manual_share")
#: Size criteria, 0–1 on a log scale relative to the largest candidate of the log; shown
#: and weightable, but not in the default fit (hours already rank by size).
SIZE_CRITERIA = ("volume", "handling")
ALL_CRITERIA = CRITERIA + SIZE_CRITERIA
SORT_KEYS = ("hours", "fit", "volume", "handling", "euros", "payback")
MIN_PEOPLE_SHOWN = 5
#: Estimated handling is called loose when this share of its instances are only upper
#: bounds (see ``summarise_handling``'s ``loose_share``).
LOOSE_SHARE = 0.25
#: Shortest period (days of case starts, or of events) to annualise volumes from: a
#: month, so that one busy day or week is not multiplied into a year.
MIN_PERIOD_DAYS = 28
#: ... and is not trusted to rank at all when at least this share are (a time study,
#: passed as standard times, brings the candidate back).
LOOSE_KNOCKOUT = 0.5


@dataclass(frozen=True)
class RankConfig:
    """Weights and thresholds of the ranking (YAML keys of the same names).

    Attributes:
        weights: weight of each 0–1 criterion in the fit score (:data:`CRITERIA`; the
            size criteria ``volume`` and ``handling`` may be weighted too, 0 by default).
        fit_threshold: candidates below this fit are not recommended.
        minimums: knock-out floors per criterion (0–1): a candidate scoring below any of
            them is not recommended whatever its fit. The default keeps steps whose
            handling time varies far more than the log's most uniform steps (judgement
            work) out of the recommendations. (Two more knock-outs are fixed: a step on
            which one account would log more hours a year than a person works, and one
            whose estimates are mostly upper bounds, see ``LOOSE_KNOCKOUT``.)
        sort_by: hours | fit | volume | handling | euros | payback.
        routines: also look for multi-step routines.
        bootstrap_rounds: resamples of cases for the interval.
        seed: seed of the bootstrap and the decision trees.
    """

    weights: Mapping[str, float] = field(default_factory=lambda: {
        "rule_basedness": 0.30, "standardisation": 0.15, "variability": 0.15,
        "stability": 0.10, "rework": 0.10, "manual_share": 0.20})
    fit_threshold: float = 0.6
    minimums: Mapping[str, float] = field(default_factory=lambda: {"variability": 0.6})
    sort_by: str = "hours"
    routines: bool = True
    bootstrap_rounds: int = 200
    seed: int = 0

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(ALL_CRITERIA)
        if unknown:
            raise ConfigError(f"unknown criterion weight(s) {', '.join(sorted(unknown))}; "
                              f"known: {', '.join(ALL_CRITERIA)}")
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise ConfigError("criterion weights must be non-negative and not all zero")
        if self.sort_by not in SORT_KEYS:
            raise ConfigError(f"unknown sort key {self.sort_by!r}; choose one of {', '.join(SORT_KEYS)}")
        if not 0 <= self.fit_threshold <= 1:
            raise ConfigError(f"fit_threshold must be between 0 and 1, got {self.fit_threshold}")
        unknown = set(self.minimums) - set(ALL_CRITERIA)
        if unknown:
            raise ConfigError(f"unknown criterion minimum(s) {', '.join(sorted(unknown))}; "
                              f"known: {', '.join(ALL_CRITERIA)}")
        if any(not 0 <= v <= 1 for v in self.minimums.values()):
            raise ConfigError("criterion minimums must be between 0 and 1")


@dataclass(frozen=True)
class Ranking:
    """The ranked candidates, the assumptions behind them and what was left out."""

    candidates: pd.DataFrame
    assumptions: tuple[Assumption, ...]
    handling: HandlingResult
    excluded: pd.DataFrame
    notes: tuple[str, ...]


def rank_candidates(
    log: pd.DataFrame,
    *,
    standard_times: Mapping[str, float] | None = None,
    economics: Economics | None = None,
    config: RankConfig | None = None,
    rules: ManualRules | None = None,
    handling: HandlingResult | None = None,
    columns: LogColumns = XES,
) -> Ranking:
    """Rank the repetitive manual steps and routines of ``log`` as automation candidates.

    Args:
        log: event log with XES column names.
        standard_times: activity → minutes from a time study (overrides estimates).
        economics: FTE hours, hourly cost and bot costs (cited defaults).
        config: weights, threshold and sort order.
        rules: rules for telling person from system work.
        handling: a precomputed :func:`estimate_handling_time` result.
        columns: column mapping.

    Returns:
        A :class:`Ranking`; ``candidates`` has one row per candidate with ``rank``,
        ``kind``, ``candidate``, volumes, handling time, hours/FTE/euros with intervals,
        criteria (raw and 0–1), ``fit``, ``recommended`` and a one-line ``reason``.
    """
    economics = economics or Economics()
    config = config or RankConfig()
    rules = rules or ManualRules()
    handling = handling or estimate_handling_time(log, standard_times=standard_times, rules=rules,
                                                  timezone=rules.timezone, columns=columns)
    inst = handling.instances
    acts = handling.activities.set_index("activity")
    event_first, event_last = log[columns.timestamp].min(), log[columns.timestamp].max()
    case_starts = log.groupby(columns.case, sort=False, observed=True)[columns.timestamp].min()
    first, last, basis = volume_period(case_starts, event_first, event_last)
    factor = annual_factor(first, last)
    months = months_covered(first, last)
    if not np.isfinite(factor):
        raise ConfigError("the log spans no time (all events at one instant); cannot annualise volumes")
    if (last - first) < pd.Timedelta(days=MIN_PERIOD_DAYS):
        raise ConfigError(
            f"the log covers {(last - first) / pd.Timedelta(days=1):.1f} days ({basis}); yearly "
            f"figures need at least {MIN_PERIOD_DAYS} days of cases: export a longer period")

    raw = activity_criteria(inst, columns=columns, seed=config.seed).set_index("activity")
    eligible = acts[(acts["manual_instances"] > 0) & acts["mean_min"].notna()
                    & acts["verdict"].isin(["manual", "mixed"])]
    norm = normalise(raw.reset_index(), reference=list(eligible.index)).set_index("activity")
    excluded = acts.drop(index=eligible.index)[["verdict", "instances", "source", "evidence"]].reset_index()
    excluded["why"] = excluded.apply(_why_excluded, axis=1)

    case_idx, case_names = pd.factorize(inst[columns.case])
    person = (inst["performer"] == PERSON).to_numpy() & np.isfinite(inst["handling_s"].to_numpy(dtype=float))
    act_names = inst[columns.activity].astype("string").to_numpy(dtype=object)
    rows, values = [], []
    for name in eligible.index:
        a = acts.loc[name]
        mask = person & (act_names == name)
        per_case = np.bincount(case_idx[mask], weights=inst["handling_s"].to_numpy(dtype=float)[mask],
                               minlength=len(case_names))
        people = int(raw.loc[name, "people"]) if name in raw.index else 0
        crit = {c: float(norm.loc[name, c]) for c in CRITERIA if c != "manual_share"}
        crit["manual_share"] = float(a["manual_share"])
        rows.append(dict(kind="activity", candidate=name, steps=1,
                         executions=int(a["manual_instances"]),
                         handling_min=float(a["mean_min"]), handling_low_min=float(a["low_min"]),
                         handling_high_min=float(a["high_min"]), handling_source=str(a["source"]),
                         loose_share=float(a["loose_share"]) if pd.notna(a["loose_share"]) else 0.0,
                         people=people, **crit,
                         rule_accuracy_raw=float(raw.loc[name, "rule_accuracy"]),
                         rework_share_raw=float(raw.loc[name, "rework_share"]),
                         top_successor_share_raw=float(raw.loc[name, "top_successor_share"]),
                         handling_cv_raw=float(raw.loc[name, "handling_cv"]) if pd.notna(raw.loc[name, "handling_cv"]) else np.nan,
                         handling_spread_raw=float(raw.loc[name, "handling_spread"]) if pd.notna(raw.loc[name, "handling_spread"]) else np.nan,
                         stability_cv_raw=float(raw.loc[name, "stability_cv"]) if pd.notna(raw.loc[name, "stability_cv"]) else np.nan))
        values.append(per_case)
    if config.routines:
        routines, occ = find_routines(inst, columns=columns)
        for r in routines.itertuples(index=False):
            steps = [s for s in r.activities if s in norm.index]
            if not steps or any(s not in eligible.index for s in r.activities):
                continue
            sel = occ[occ["routine"] == r.routine]
            per_case = np.bincount(sel["case_index"].to_numpy(dtype=np.int64),
                                   weights=sel["handling_s"].to_numpy(dtype=float), minlength=len(case_names))
            crit = {c: float(norm.loc[steps, c].min()) for c in CRITERIA if c != "manual_share"}
            crit["manual_share"] = float(acts.loc[steps, "manual_share"].min())
            sources = set(acts.loc[steps, "source"])
            rows.append(dict(kind="routine", candidate=r.routine, steps=int(r.steps),
                             executions=int(r.occurrences),
                             handling_min=r.handling_mean_s / 60.0, handling_low_min=np.nan,
                             handling_high_min=np.nan,
                             loose_share=float(acts.loc[steps, "loose_share"].fillna(0.0).max()),
                             handling_source=sources.pop() if len(sources) == 1 else "mixed",
                             people=int(raw.loc[steps, "people"].min()), **crit,
                             rule_accuracy_raw=float(raw.loc[steps, "rule_accuracy"].min()),
                             rework_share_raw=float(raw.loc[steps, "rework_share"].max()),
                             top_successor_share_raw=float(raw.loc[steps, "top_successor_share"].min()),
                             handling_cv_raw=np.nan, handling_spread_raw=float(raw.loc[steps, "handling_spread"].max()),
                             stability_cv_raw=np.nan))
            values.append(per_case)
    table = pd.DataFrame(rows)
    if table.empty:
        notes = ("no activity has measurable person work: nothing to rank",)
        return Ranking(_empty_table(), tuple(economics.assumptions()), handling, excluded, notes)

    matrix = np.column_stack(values).astype(np.float32) / 3600.0
    share = table["rule_basedness"].to_numpy()
    point_hours_log = matrix.sum(axis=0).astype(float)
    samples = bootstrap_totals(matrix, rounds=config.bootstrap_rounds, seed=config.seed)
    rel_err = np.where(table["handling_source"].isin([ESTIMATED, NO_RESOURCE, "mixed"]),
                       ESTIMATOR_RELATIVE_ERROR, 0.0)
    hours = point_hours_log * factor * share
    low, high = interval(samples * factor * share, hours, rel_err)
    table["annual_executions"] = table["executions"] * factor
    table["automatable_share"] = share
    table["hours_per_year"] = hours
    table["hours_low"], table["hours_high"] = low, high
    table["fte"] = hours / economics.fte_hours
    table["euros_per_year"] = hours * economics.hourly_cost
    table["payback_months"] = payback_months(economics.build_days * economics.day_rate,
                                             table["euros_per_year"].to_numpy(), economics.licence_per_year)
    for name, raw_values in (("volume", table["annual_executions"]), ("handling", table["handling_min"])):
        scaled = np.log1p(raw_values.astype(float).clip(lower=0))
        top = scaled.max()
        table[name] = (scaled / top).fillna(0.0) if top > 0 else 0.0
    weights = pd.Series(config.weights, dtype=float)
    # An unknown criterion (too few instances to tell) counts as neutral in the fit and
    # never knocks a candidate out.
    table["fit"] = (table[list(weights.index)].fillna(0.5) * weights).sum(axis=1) / weights.sum()
    knocked = pd.Series("", index=table.index)
    for criterion, floor in sorted(config.minimums.items()):
        below = (table[criterion] < floor) & (knocked == "")
        knocked[below] = [f"{criterion.replace('_', ' ')} {math.floor(v * 100) / 100:.2f} < {floor:.2f}"
                          for v in table.loc[below, criterion]]
    # Capacity: one account cannot log more work on one step than a person works in a
    # year. Where it would, the "person" is a system or shared account, or the estimate
    # is loose; either way the hours are not to be trusted.
    load = table["annual_executions"] * table["handling_min"] / 60.0 / table["people"].clip(lower=1)
    over = (table["people"] > 0) & (table["handling_source"] != NO_RESOURCE) \
        & (load > economics.fte_hours) & (knocked == "")
    knocked[over] = [f"capacity: {v:,.0f} h a year per account > {economics.fte_hours:,.0f} h a person works"
                     for v in load[over]]
    unknown = (table["loose_share"] >= LOOSE_KNOCKOUT) & (knocked == "")
    knocked[unknown] = [f"handling time unknown: {v:.0%} of its estimates are only upper bounds"
                        for v in table.loc[unknown, "loose_share"]]
    table["knocked_out"] = knocked
    table["recommended"] = (table["fit"] >= config.fit_threshold) & (knocked == "")
    table["people_shown"] = np.where(table["people"] >= MIN_PEOPLE_SHOWN, "5 or more", "fewer than 5")
    table["reason"] = [_reason(r, config.fit_threshold) for r in table.itertuples(index=False)]
    table = _sort(table, config.sort_by)
    notes = (f"volumes annualised over the {basis}: {months:.1f} months ({first:%Y-%m-%d} .. "
             f"{last:%Y-%m-%d}; events {event_first:%Y-%m-%d} .. {event_last:%Y-%m-%d}); "
             f"counts × {factor:.3f} = a year",
             handling.working_hours.describe(),
             f"handling times capped at {handling.cap_hours:g} h per instance")
    assumptions = [
        Assumption("annualisation factor", factor, "× log counts", "measured",
                   f"12 / {months:.2f} months, the {basis} (the cases whose work the log "
                   "holds), partial months pro rata"),
        Assumption("estimator relative error", ESTIMATOR_RELATIVE_ERROR, "of handling time", "measured",
                   "median error of completion-only estimates, benchmarks/handling_time.py; widens intervals"),
        Assumption("automatable share", float("nan"), "per candidate", "estimated",
                   "share of executions whose outcome (the system step it triggers: an "
                   "exception, a return, a letter sent; or passing the case on) a depth-3 "
                   "decision tree predicts from case data (rule_basedness); unpredictable "
                   "exceptions stay with people"),
        Assumption("knock-out floors", float("nan"), "per criterion", "assumed",
                   "not recommended below: " + (", ".join(
                       f"{c.replace('_', ' ')} {v:.2f}" for c, v in sorted(config.minimums.items()))
                       or "none") + (
                       f"; variability {config.minimums['variability']:.2f} = handling time spread "
                       f"more than {1 / max(config.minimums['variability'], 1e-9):.1f}× this log's "
                       "most uniform steps (judgement work)" if config.minimums.get("variability")
                       else "") + "; set rank.minimums in the config"),
        Assumption("bootstrap", config.bootstrap_rounds, "resamples of cases", "measured",
                   f"80 % interval, Poisson weights, seed {config.seed}"),
        *economics.assumptions(),
    ]
    return Ranking(table, tuple(assumptions), handling, excluded, notes)


def _sort(table: pd.DataFrame, key: str) -> pd.DataFrame:
    column, ascending = {"hours": ("hours_per_year", False), "fit": ("fit", False),
                         "volume": ("annual_executions", False), "handling": ("handling_min", False),
                         "euros": ("euros_per_year", False), "payback": ("payback_months", True)}[key]
    table = table.sort_values(["recommended", column, "candidate"], ascending=[False, ascending, True],
                              kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.where(table["recommended"], np.arange(1, len(table) + 1), 0))
    return table


def _reason(r, threshold: float) -> str:
    people = "done by 5 or more people" if r.people >= MIN_PEOPLE_SHOWN else "done by fewer than 5 people"
    stable = "stable" if r.stability >= 0.6 else "volatile month to month"
    head = (f"{r.hours_per_year:,.0f} h/yr: {r.annual_executions:,.0f} a year × {r.handling_min:.1f} min "
            f"({r.handling_source}) × {r.automatable_share:.0%} rule-predictable")
    tail = f"{r.standardisation:.0%} standard path, {stable}, {people}"
    if r.rework < 0.9:
        tail += f", {1 - r.rework:.0%} rework"
    if LOOSE_SHARE <= r.loose_share < LOOSE_KNOCKOUT:
        tail += (f"; loose estimate: {r.loose_share:.0%} of instances are upper bounds "
                 "(capped, or bounded only by the working day): time-study it")
    if not r.recommended and r.knocked_out:
        tail += f"; not recommended: {r.knocked_out}"
        if r.knocked_out.startswith("variability"):
            tail += " (handling time varies far more than this log's most uniform steps: judgement work?)"
        elif r.knocked_out.startswith("capacity"):
            tail += " (more than its accounts could do: a system or shared account, or a loose estimate?)"
        elif r.knocked_out.startswith("handling time unknown"):
            tail += " (time-study it and pass --standard-times)"
    elif not r.recommended:
        weakest = min(CRITERIA, key=lambda c: 1.0 if pd.isna(getattr(r, c)) else getattr(r, c))
        tail += f"; not recommended: fit {r.fit:.2f} < {threshold:.2f}, weakest {weakest.replace('_', ' ')}"
    return f"{head}; {tail}"


def _why_excluded(row: pd.Series) -> str:
    if row["verdict"] == "automated":
        return "already automated: " + str(row["evidence"])
    if row["verdict"] == "unknown":
        return "no evidence of person work (" + str(row["evidence"]) + "); mark it manual in the config to rank it"
    return f"handling time not measurable ({row['source']})"


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame(columns=["rank", "kind", "candidate", "hours_per_year", "reason"])


def annotate_graph(graph, ranking: Ranking):
    """Copy of a process graph with ``score`` (fit, 0–1) and ``hours_per_year`` on candidate nodes."""
    out = graph.copy()
    table = ranking.candidates
    if table.empty:
        return out
    singles = table[table["kind"] == "activity"]
    for row in singles.itertuples(index=False):
        if row.candidate in out.nodes:
            out.nodes[row.candidate]["score"] = float(row.fit)
            out.nodes[row.candidate]["hours_per_year"] = float(row.hours_per_year)
    return out
