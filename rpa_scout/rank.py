"""Rank automation candidates by hours saved per year, with the reasons behind each rank.

Candidates are single manual activities and multi-step routines. Each gets the criteria
of :mod:`rpa_scout.criteria` (raw and 0–1), a *fit score* (their weighted mean), and
hours saved per year with an 80 % interval (:mod:`rpa_scout.value`). By default those
whose fit passes the threshold and that no knock-out stops are ranked by expected
hours; the rest are listed after them as not recommended, with the reason.

A routine's hours are part of the hours of the steps it chains (it is nested under
them): summing the single steps never counts an hour twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import networkx as nx
import numpy as np
import pandas as pd

from rpa_scout.arguments import plain_index, require_events, require_type
from rpa_scout.assumptions import Assumption, Economics
from rpa_scout.calibration import DEFAULT_CALIBRATION
from rpa_scout.codes import Coded
from rpa_scout.accounts import PERSON_ACCOUNT
from rpa_scout.columns import ACCOUNT, HANDLING, PERFORMER, XES, LogColumns, require_columns
from rpa_scout.criteria import activity_criteria, normalise
from rpa_scout.errors import ConfigError, PeriodError
from rpa_scout.explain import (CAPACITY, MIN_EXECUTIONS, MIN_HOURS, NOTHING_TO_SAVE, LOOSE_KNOCKOUT, LOOSE_SHARE,
                               MIN_PEOPLE_SHOWN, TOO_FEW, UNKNOWN_HANDLING, reason, weakest, why_excluded)
from rpa_scout.lang import Message
from rpa_scout.handling import HandlingResult, estimate_handling_time, handling_for, standard_name_key
from rpa_scout.lifecycle import start_copy_notes
from rpa_scout.manual import PERSON
from rpa_scout.repeats import repeated_event_share, repeated_rows
from rpa_scout.routines import SEPARATOR, find_routines
from rpa_scout.settings import CRITERIA, SORT_KEYS, RankConfig, Settings, given_settings
from rpa_scout.value import (CaseCells, annual_factor, bootstrap_totals, break_even, exact_units, interval,
                             months_covered, payback_months, total_interval, volume_period)

#: Shortest period (days of case starts, or of events) to annualise volumes from: a
#: month, so that one busy day or week is not multiplied into a year.
MIN_PERIOD_DAYS = 28
#: Instances summed per batch (a few arrays of this length, not of the log's).
BATCH_ROWS = 1 << 20
#: The raw criteria behind the 0–1 ones, and how a routine takes its steps' (the weakest
#: step's value; None: a routine has none of its own).
RAW_CRITERIA = {"rule_accuracy": min, "rework_share": max, "top_successor_share": min,
                "handling_cv": None, "handling_spread": max, "stability_cv": None}
__all__ = ["RankConfig", "Ranking", "rank_candidates", "annotate_graph", "CRITERIA", "SORT_KEYS",
           "LOOSE_SHARE", "LOOSE_KNOCKOUT", "MIN_PEOPLE_SHOWN"]


@dataclass(frozen=True)
class Ranking:
    """The ranked candidates, the assumptions behind them and what was left out.

    Attributes:
        candidates: one row per candidate (see :func:`rank_candidates`).
        assumptions: every number the hours rest on, with its source.
        handling: the handling-time estimates the ranking used.
        excluded: activities that are not candidates, with ``why``.
        notes: what the reader should know (English :class:`rpa_scout.lang.Message`
            text, shown in any language by the reports).
        fit_threshold: the fit a candidate needed.
        economics: the economic assumptions (licence, build, payback horizon).
        bootstrap: the bootstrap rounds of each candidate's hours a year (rounds ×
            candidates, columns named by candidate), for intervals of totals.
        method_error: per candidate, how far the handling-time estimator's range
            reaches below and above its estimate on the log scale (``low``, ``high``;
            0 where handling is measured or supplied).
        evidence: per activity (by the name ``excluded`` shows), the person/system
            evidence of its ``evidence`` column as a :class:`rpa_scout.lang.Message`,
            shown in any language by the reports.

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> ranking = rank_candidates(log)
        >>> ranking.candidates[["rank", "candidate", "recommended"]].head(2).values.tolist()
        [[1, 'Kustannuspaikan tiliöinti', True], [2, 'Tilausvastaavuuden tarkistus', True]]
        >>> ranking.candidates.loc[0, "reason"]
        '97 h/yr: 2,519 a year × 2.6 min (estimated) × 90% rule-predictable; ...'
        >>> ranking.assumptions[0].name, ranking.excluded["activity"].tolist()[:2]
        ('annualisation factor', ['Arkistointi', 'Lasku vastaanotettu'])
    """

    candidates: pd.DataFrame
    assumptions: tuple[Assumption, ...]
    handling: HandlingResult
    excluded: pd.DataFrame
    notes: tuple[str, ...]
    fit_threshold: float = 0.6
    economics: Economics = Economics()
    bootstrap: pd.DataFrame | None = None
    method_error: pd.DataFrame | None = None
    evidence: Mapping[str, Message] = field(default_factory=dict)


@dataclass(frozen=True)
class _Period:
    """The period whose work the log holds, and the factor to a year."""

    first: pd.Timestamp
    last: pd.Timestamp
    basis: str
    factor: float
    months: float
    event_first: pd.Timestamp
    event_last: pd.Timestamp
    outside: int = 0  # cases dated far outside the others' period (counted, not spanned)


def rank_candidates(
    log: pd.DataFrame,
    *,
    settings: Settings | None = None,
    handling: HandlingResult | None = None,
    columns: LogColumns = XES,
) -> Ranking:
    """Rank the repetitive manual steps and routines of ``log`` as automation candidates.

    Args:
        log: event log with XES column names.
        settings: all settings (:class:`rpa_scout.settings.Settings`): the manual rules
            and the log's zone, standard times and calibration, the ranking's weights,
            threshold and sort order, the economics. Defaults when ``None``.
        handling: a precomputed :func:`estimate_handling_time` result (made with the
            same settings).
        columns: column mapping.

    Returns:
        A :class:`Ranking`; ``candidates`` has one row per candidate with ``rank``,
        ``kind``, ``candidate``, volumes, handling time, hours/FTE/euros with intervals,
        criteria (raw and 0–1), ``fit``, ``recommended``, the knock-out (``knock_out``
        code with ``knock_out_value`` and ``knock_out_limit``) and a one-line ``reason``.

    Example:
        >>> from rpa_scout import read_log, rank_candidates
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> top = rank_candidates(log).candidates.iloc[0]
        >>> top["candidate"], bool(top["recommended"]), round(top["hours_per_year"])
        ('Kustannuspaikan tiliöinti', True, 156)
    """
    columns = require_columns(log, columns)
    log = plain_index(log)
    require_events(log)
    settings = given_settings(settings)
    economics, config = settings.economics, settings.rank
    handling = handling_for(log, require_type(handling, HandlingResult, "handling", "a HandlingResult (from estimate_handling_time)"),
                            settings=settings, columns=columns)
    period = _period(log, columns)
    acts = handling.activities.set_index("activity")
    eligible = acts[(acts["manual_instances"] > 0) & acts["mean_min"].notna()
                    & acts["verdict"].isin(["manual", "mixed"])]
    rows, values = _candidates(handling, acts, eligible, config, columns)
    excluded = _excluded(acts, eligible)
    if not rows:
        notes = (Message("note.nothing_to_rank"), *start_copy_notes(log, columns))
        return Ranking(_empty_table(), tuple(economics.assumptions()), handling, excluded,
                       notes, config.fit_threshold, economics,
                       evidence=handling.evidence)
    repeated = repeated_rows(log, columns=columns)
    _repeated_share(rows, repeated_event_share(log, columns=columns, repeated=repeated))
    table, boot, error = _hours(pd.DataFrame(rows), values, period, handling, economics, config)
    table = _fit(table, config)
    credited = _credited(handling, period.factor, columns)
    table = _knock_outs(table, _busiest_account_hours(table, credited), config)
    table["recommended"] = (table["fit"] >= config.fit_threshold) & (table["knock_out"] == "")
    # a step done mostly under a team's shared login: how many people is unknown
    table["people_shown"] = np.where(table.pop("shared_share") >= 0.5, "shared login",
                                     np.where(table["people"] >= MIN_PEOPLE_SHOWN, "5 or more",
                                              np.where(table["people"] > 0, "fewer than 5", "unknown")))
    table["reason"] = [reason(r, config.fit_threshold, weakest(r)) for r in table.itertuples(index=False)]
    table = _sort(table, config.sort_by)
    assumptions = _assumptions(period, handling, economics, config)
    assumptions.insert(1, _repeats_assumption(repeated))
    notes = (_notes(period, handling, table, recommended_total(table, boot, error), economics) + _over_capacity(table, credited, config.capacity_hours)
             + _unknown_standard_times(settings, acts.index) + tuple(start_copy_notes(log, columns)))
    return Ranking(table, tuple(assumptions), handling, excluded, notes,
                   config.fit_threshold, economics, boot, error, handling.evidence)


def _repeats_assumption(repeated: np.ndarray) -> Assumption:
    """How repeated identical events were treated: what the log holds is counted as work."""
    rows = int(repeated.sum())
    share = rows / max(len(repeated), 1)
    return Assumption(Message("assumption.repeats.name"), rows, Message("assumption.repeats.unit"),
                      "assumed", Message("assumption.repeats.source", share=share))


def _candidates(handling: HandlingResult, acts: pd.DataFrame, eligible: pd.DataFrame,
                config: RankConfig, columns: LogColumns) -> tuple[list[dict], CaseCells | None]:
    """The candidate rows (single steps, then routines) and their per-case seconds (a
    cases × candidates matrix, by its cells)."""
    if eligible.empty:
        return [], None
    raw = activity_criteria(handling.instances, columns=columns, seed=config.seed,
                            scored=set(eligible.index)).set_index("activity")
    norm = normalise(raw.reset_index(), reference=list(eligible.index)).set_index("activity")
    case_idx = pd.factorize(handling.instances[columns.case])[0]
    rows, values = _activity_rows(handling, eligible, raw, norm, case_idx, columns)
    if config.routines:
        more_rows, more_values = _routine_rows(handling, eligible, raw, norm, acts, columns)
        rows, values = rows + more_rows, _with_columns(values, more_values)
    return rows, values


def _with_columns(cells: CaseCells, more: list[tuple[np.ndarray, np.ndarray]]) -> CaseCells:
    """``cells`` with one more column per (cases, values) of ``more``, in order."""
    cases, steps = cells.shape
    column = [np.full(len(case), steps + i, dtype=np.int64) for i, (case, _) in enumerate(more)]
    return CaseCells(np.concatenate([cells.case, *(case for case, _ in more)]),
                     np.concatenate([cells.column, *column]),
                     np.concatenate([cells.value, *(value for _, value in more)]), (cases, steps + len(more)))


def _repeated_share(rows: list[dict], repeated: pd.Series) -> None:
    """Each candidate's share of repeated identical events (a routine: its steps' highest)."""
    for row in rows:
        row["repeated_share"] = float(repeated.reindex(row["candidate"].split(SEPARATOR)).max()) \
            if row["kind"] == "routine" else float(repeated.get(row["candidate"], 0.0))


def _period(log: pd.DataFrame, columns: LogColumns) -> _Period:
    """The span of case starts (or of events) to annualise over; refuse too short ones."""
    event_first, event_last = log[columns.timestamp].min(), log[columns.timestamp].max()
    case_starts = log.groupby(columns.case, sort=False, observed=True)[columns.timestamp].min()
    first, last, basis, outside = volume_period(case_starts, event_first, event_last)
    factor = annual_factor(first, last)
    if not np.isfinite(factor):
        raise PeriodError(f"the log spans no time (all its events at one instant); yearly figures need at "
                          f"least {MIN_PERIOD_DAYS} days of cases: export a longer period")
    if (last - first) < pd.Timedelta(days=MIN_PERIOD_DAYS):
        raise PeriodError(
            f"the log covers {(last - first) / pd.Timedelta(days=1):.1f} days ({basis}); yearly "
            f"figures need at least {MIN_PERIOD_DAYS} days of cases: export a longer period")
    return _Period(first, last, basis, factor, months_covered(first, last), event_first, event_last, outside)


def _activity_rows(handling: HandlingResult, eligible: pd.DataFrame, raw: pd.DataFrame,
                   norm: pd.DataFrame, case_idx: np.ndarray,
                   columns: LogColumns) -> tuple[list[dict], CaseCells]:
    """One candidate per eligible activity, with its per-case person seconds."""
    inst = handling.instances
    seconds = inst[HANDLING].to_numpy(dtype=float)
    person = (inst[PERFORMER] == PERSON).to_numpy() & np.isfinite(seconds)
    activity = Coded.text(inst[columns.activity])
    code_of = {str(name): code for name, code in activity.code_of().items()}
    names = list(eligible.index)
    position = np.full(len(activity.values) + 1, -1, dtype=np.int32)  # [-1]: no activity
    for i, name in enumerate(names):
        code = code_of.get(str(name))
        if code is not None:
            position[code] = i
    timed, per_case = _person_seconds(position, activity.codes, person, case_idx, seconds, len(names))
    crit = {c: norm[c].reindex(names).to_numpy(dtype=float) for c in CRITERIA if c != "manual_share"}
    single = _single_criteria(raw.reindex(names))
    people = raw["people"].reindex(names).fillna(0).to_numpy(dtype=np.int64)
    shared = raw["shared_share"].reindex(names).fillna(0.0).to_numpy(dtype=float)
    rows = []
    for i, (name, a) in enumerate(zip(names, eligible.to_dict("records"))):
        rows.append(dict(
            kind="activity", candidate=name, steps=1, executions=int(a["manual_instances"]),
            timed_executions=int(timed[i]),
            handling_min=float(a["mean_min"]), handling_low_min=float(a["low_min"]),
            handling_high_min=float(a["high_min"]), handling_source=str(a["source"]),
            handling_bound=str(a["bound"]) if pd.notna(a["bound"]) else "",
            loose_share=float(a["loose_share"]) if pd.notna(a["loose_share"]) else 0.0,
            people=int(people[i]), shared_share=float(shared[i]), **{c: float(v[i]) for c, v in crit.items()},
            manual_share=float(a["manual_share"]), **{c: float(v[i]) for c, v in single.items()}))
    return rows, per_case


def _person_seconds(position: np.ndarray, codes: np.ndarray, person: np.ndarray, case_idx: np.ndarray,
                    seconds: np.ndarray, steps: int) -> tuple[np.ndarray, CaseCells]:
    """Per step (``position`` of each activity code; -1: none) its person instances with a
    time, and its person seconds per case (a case × step matrix, by the cells that hold
    person instances: a log of thousands of steps would not fit in memory whole).

    The seconds of a cell are added in the instances' order, exactly as one ``bincount``
    per step would add them; the steps are found in batches of :data:`BATCH_ROWS`
    instances (one pass, not one per step).
    """
    cases = int(case_idx.max()) + 1 if len(case_idx) else 0
    timed = np.zeros(steps, dtype=np.int64)
    keys, values = [], []
    for start in range(0, len(codes), BATCH_ROWS):
        part = slice(start, start + BATCH_ROWS)
        step = np.where(person[part], position[codes[part]], -1)
        mine = np.flatnonzero(step >= 0)
        step = step[mine].astype(np.int64)
        timed += np.bincount(step, minlength=steps)
        keys.append(step * cases + case_idx[part][mine])
        values.append(seconds[part][mine])
    cells, at = np.unique(np.concatenate(keys or [np.zeros(0, dtype=np.int64)]), return_inverse=True)
    sums = np.bincount(at, weights=np.concatenate(values or [np.zeros(0)]), minlength=len(cells))
    return timed, CaseCells(cells % max(cases, 1), cells // max(cases, 1), sums, (cases, steps))


def _routine_rows(handling: HandlingResult, eligible: pd.DataFrame, raw: pd.DataFrame,
                  norm: pd.DataFrame, acts: pd.DataFrame,
                  columns: LogColumns) -> tuple[list[dict], list[tuple[np.ndarray, np.ndarray]]]:
    """One candidate per routine whose steps are all eligible, with its per-case seconds
    (the cases it occurs in, ascending, and their seconds)."""
    routines, occ = find_routines(handling.instances, columns=columns)
    of_routine = occ.groupby("routine", sort=False).indices  # each routine's rows, in order
    cases, seconds = occ["case_index"].to_numpy(dtype=np.int64), occ[HANDLING].to_numpy(dtype=float)
    scores = _by_step(norm, [c for c in CRITERIA if c != "manual_share"])
    step = _by_step(acts, ["manual_share", "source", "bound", "loose_share"])
    raws = _by_step(raw, ["people", "shared_share", *RAW_CRITERIA])
    rows, values = [], []
    for r in routines.itertuples(index=False):
        steps = list(r.activities)
        if any(s not in eligible.index or s not in norm.index for s in steps):
            continue
        crit = {c: _weakest([of[s] for s in steps], min) for c, of in scores.items()}
        crit["manual_share"] = _weakest([step["manual_share"][s] for s in steps], min)
        sources = {step["source"][s] for s in steps}
        bounds = pd.Series([step["bound"][s] for s in steps], dtype=object).dropna()
        rows.append(dict(
            kind="routine", candidate=r.routine, steps=int(r.steps), executions=int(r.occurrences),
            timed_executions=int(r.occurrences), handling_min=r.handling_mean_s / 60.0,
            handling_low_min=np.nan, handling_high_min=np.nan,
            handling_source=sources.pop() if len(sources) == 1 else "mixed",
            handling_bound=str(bounds.mode().iloc[0]) if len(bounds) else "",
            loose_share=max(0.0 if pd.isna(step["loose_share"][s]) else float(step["loose_share"][s]) for s in steps),
            people=int(min(raws["people"][s] for s in steps)),
            shared_share=float(max(raws["shared_share"][s] for s in steps)), **crit,
            **{f"{c}_raw": _weakest([raws[c][s] for s in steps], how) if how else np.nan
               for c, how in RAW_CRITERIA.items()}))
        mine = of_routine[r.routine]
        found, at = np.unique(cases[mine], return_inverse=True)  # added in order, as one bincount would
        values.append((found, np.bincount(at, weights=seconds[mine], minlength=len(found))))
    return rows, values


def _single_criteria(raw: pd.DataFrame) -> dict[str, np.ndarray]:
    """The raw criteria of each single step (one row of ``raw`` per step)."""
    return {f"{col}_raw": raw[col].to_numpy(dtype=float) for col in RAW_CRITERIA}


def _by_step(frame: pd.DataFrame, cols: list[str]) -> dict[str, dict]:
    """Per column, step name → its value (``frame`` indexed by step)."""
    return {col: dict(zip(frame.index, frame[col].tolist())) for col in cols}


def _weakest(values: list[float], how) -> float:
    """``how`` (min or max) of ``values`` without the missing ones (as pandas skips
    them); NaN when all are missing."""
    known = [float(v) for v in values if not pd.isna(v)]
    return float(how(known)) if known else np.nan


def _hours(table: pd.DataFrame, per_case: CaseCells, period: _Period, handling: HandlingResult,
           economics: Economics, config: RankConfig) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Hours a year (from the timed executions), their interval, FTE, euros, payback; the
    bootstrap rounds and the method error per candidate (for intervals of totals)."""
    # Whole units (microseconds, coarser only for sums beyond 2**52 of them): every
    # weighted sum is then an exact integer in float64, so the totals are the same to the
    # last bit whichever BLAS kernel, thread count and chunk size sum them (in float32
    # hours they moved in the seventh digit between processors)
    per_hour = exact_units(per_case)
    units = per_case.with_values(np.round(per_case.value * (per_hour / 3600.0)))
    share = table["rule_basedness"].to_numpy()
    samples = bootstrap_totals(units, rounds=config.bootstrap_rounds, seed=config.seed) / per_hour
    err = _method_factors(table, handling.activities)
    hours = units.column_sums() / per_hour * period.factor * share
    low, high = interval(samples * period.factor * share, hours, err[:, 0], err[:, 1])
    table["annual_executions"] = table["executions"] * period.factor
    table["annual_timed"] = table["timed_executions"] * period.factor
    table["timed_share"] = table["timed_executions"] / table["executions"].clip(lower=1)
    table["automatable_share"] = share
    table["hours_per_year"] = hours
    table["hours_low"], table["hours_high"] = low, high
    table["nested_in_steps"] = table["kind"] == "routine"
    table["fte"] = hours / economics.fte_hours
    table["euros_per_year"] = hours * economics.hourly_cost
    _economics(table, economics)
    names = table["candidate"].astype(str)
    boot = pd.DataFrame(samples * period.factor * share, columns=names)
    error = pd.DataFrame({"low": err[:, 0], "high": err[:, 1]}, index=names)
    return table, boot, error


def _economics(table: pd.DataFrame, economics: Economics) -> None:
    """Payback months (NaN: not within the horizon) and what would break even, in place."""
    build = economics.build_days * economics.day_rate
    table["payback_months"] = payback_months(build, table["euros_per_year"].to_numpy(),
                                             economics.licence_per_year, economics.payback_horizon_months)
    even = break_even(build, economics.licence_per_year, economics.hourly_cost,
                      table["hours_per_year"].to_numpy(), table["annual_timed"].to_numpy(),
                      table["euros_per_year"].to_numpy(), economics.payback_horizon_months)
    for name, values in even.items():
        table[name] = values


def _fit(table: pd.DataFrame, config: RankConfig) -> pd.DataFrame:
    """Size criteria (0–1, log scale) and the weighted fit score."""
    for name, values in (("volume", table["annual_executions"]), ("handling", table["handling_min"])):
        scaled = np.log1p(values.astype(float).clip(lower=0))
        top = scaled.max()
        table[name] = (scaled / top).fillna(0.0) if top > 0 else 0.0
    weights = pd.Series(config.weights, dtype=float)
    # An unknown criterion (too few instances to tell) counts as neutral in the fit and
    # never knocks a candidate out.
    table["fit"] = (table[list(weights.index)].fillna(0.5) * weights).sum(axis=1) / weights.sum()
    return table


def _credited(handling: HandlingResult, factor: float, columns: LogColumns) -> pd.DataFrame:
    """Person hours a year credited to each person account on each step (``step`` as
    text, ``account`` as a code, ``hours``); shared and system accounts, and work without
    an account, are no one person's."""
    inst = handling.instances
    if columns.resource not in inst or ACCOUNT not in inst:
        return pd.DataFrame({"step": pd.Series(dtype=object), "account": pd.Series(dtype=np.int64),
                             "hours": pd.Series(dtype=float)})
    seconds = inst[HANDLING].to_numpy(dtype=float)
    act, account = Coded.text(inst[columns.activity]), Coded.of(inst[columns.resource])
    mine = ((inst[PERFORMER] == PERSON) & (inst[ACCOUNT] == PERSON_ACCOUNT)).to_numpy() & np.isfinite(seconds)
    mine &= act.known & account.known
    accounts = max(len(account.values), 1)
    # seconds per (step, account), on one integer key: no group-by of text
    pairs, at = np.unique(act.codes[mine].astype(np.int64) * accounts + account.codes[mine], return_inverse=True)
    sums = np.bincount(at, weights=seconds[mine], minlength=len(pairs))
    steps = np.array([str(v) for v in act.values], dtype=object)
    return pd.DataFrame({"step": steps[pairs // accounts], "account": pairs % accounts,
                         "hours": sums * factor / 3600.0})


def _busiest_account_hours(table: pd.DataFrame, credited: pd.DataFrame) -> pd.Series:
    """Per candidate, the person hours a year that its busiest person account is credited
    with on it (a routine: on the busiest of its steps; ``credited``: :func:`_credited`)."""
    top = credited.groupby("step", sort=False)["hours"].max()
    return pd.Series([max(float(top.get(step, 0.0)) for step in str(name).split(SEPARATOR))
                      if kind == "routine" else float(top.get(str(name), 0.0))
                      for kind, name in zip(table["kind"], table["candidate"])], index=table.index)


def _over_capacity(table: pd.DataFrame, credited: pd.DataFrame, capacity: float) -> tuple[Message, ...]:
    """A note when person accounts would be credited with more than a person's year on
    the recommended steps together (each step alone passed the capacity knock-out)."""
    chosen = set(table.loc[table["recommended"] & (table["kind"] == "activity"), "candidate"].astype(str))
    mine = credited[credited["step"].isin(chosen)]
    per_account = mine.groupby("account")["hours"].sum()
    over = per_account[per_account > capacity]
    if over.empty:
        return ()
    steps = mine[mine["account"].isin(over.index)].groupby("step", sort=False)["hours"].sum()
    order = table.loc[table["candidate"].astype(str).isin(steps.index), "candidate"].astype(str).tolist()
    return (Message("note.over_capacity", count=len(over), hours=float(over.max()), limit=capacity,
                    steps=order),)


def _knock_outs(table: pd.DataFrame, busiest: pd.Series, config: RankConfig) -> pd.DataFrame:
    """The first knock-out that stops each candidate, as a code and its numbers
    (``busiest``: :func:`_busiest_account_hours`)."""
    code = pd.Series("", index=table.index, dtype=object)
    value = pd.Series(np.nan, index=table.index)
    limit = pd.Series(np.nan, index=table.index)

    def stop(mask: pd.Series, name: str, values: pd.Series, floor: float) -> None:
        free = mask & (code == "")
        code[free], value[free], limit[free] = name, values[free], floor

    # too few to judge: its figures rest on a handful of executions
    stop(table["executions"] < MIN_EXECUTIONS, TOO_FEW, table["executions"].astype(float), MIN_EXECUTIONS)
    # nothing to save: a step of near-zero time (a record a person's account makes)
    stop(table["hours_per_year"] < MIN_HOURS, NOTHING_TO_SAVE, table["hours_per_year"], MIN_HOURS)
    for criterion, floor in sorted(config.minimums.items()):
        stop(table[criterion] < floor, criterion, table[criterion], floor)
    # Capacity: one account cannot log more work on one step than a person works in a
    # year. Where its busiest account would, the "person" is a system or shared account,
    # or the estimate is loose; either way the hours are not to be trusted.
    stop(busiest > config.capacity_hours, CAPACITY, busiest, config.capacity_hours)
    stop(table["loose_share"] >= LOOSE_KNOCKOUT, UNKNOWN_HANDLING, table["loose_share"], LOOSE_KNOCKOUT)
    table["knock_out"], table["knock_out_value"], table["knock_out_limit"] = code, value, limit
    return table


def _excluded(acts: pd.DataFrame, eligible: pd.DataFrame) -> pd.DataFrame:
    excluded = acts.drop(index=eligible.index)[["verdict", "instances", "source", "evidence",
                                                "system_share"]].reset_index()
    excluded["why"] = [why_excluded(str(v), str(e), str(s), system_share=float(p)) for v, e, s, p in
                       zip(excluded["verdict"], excluded["evidence"], excluded["source"], excluded["system_share"])]
    return excluded


def _sort(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """Recommended first, each part by ``key``, ties by name; by payback, the candidates
    that do not pay back (NaN) after those that do, and those and ties most hours first."""
    column, ascending = {"hours": ("hours_per_year", False), "fit": ("fit", False),
                         "volume": ("annual_executions", False), "handling": ("handling_min", False),
                         "euros": ("euros_per_year", False), "payback": ("payback_months", True)}[key]
    by, up = ["recommended", column, "candidate"], [False, ascending, True]
    if key == "payback":
        by, up = ["recommended", column, "hours_per_year", "candidate"], [False, True, False, True]
    table = table.sort_values(by, ascending=up, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.where(table["recommended"], np.arange(1, len(table) + 1), 0))
    return table


def _method_factors(table: pd.DataFrame, activities: pd.DataFrame) -> np.ndarray:
    """Per candidate, (down, up) on the log scale: how far the estimator's range of its
    handling time (:func:`rpa_scout.handling.summarise_handling`'s ``method_low_min`` ..
    ``method_high_min``) reaches below and above the mean; a routine sums its steps'
    ranges (one estimator's error does not cancel across steps). 0 for measured times."""
    ranges = activities[["mean_min", "method_low_min", "method_high_min"]].to_numpy(dtype=float)
    # A step without all three figures adds nothing (as a row dropped for a missing value).
    figures = dict(zip(activities["activity"], np.where(np.isnan(ranges).any(axis=1)[:, None], 0.0, ranges)))
    out = np.zeros((len(table), 2))
    for i, (kind, name) in enumerate(zip(table["kind"], table["candidate"])):
        steps = str(name).split(SEPARATOR) if kind == "routine" else [name]
        mean, low, high = sum((figures[s] for s in steps if s in figures), np.zeros(3))
        if mean > 0:
            out[i] = (np.log(mean / low) if low > 0 else np.inf, np.log(high / mean))
    return np.clip(out, 0.0, None)


def _assumptions(period: _Period, handling: HandlingResult, economics: Economics,
                 config: RankConfig) -> list[Assumption]:
    down, up = handling.calibration.interval_factors("estimated", "*")
    floors = [Message("assumption.floor", criterion=Message(f"criterion.{c}"), value=v)
              for c, v in sorted(config.minimums.items())]
    variability = config.minimums.get("variability")
    origin = (Message("calibration.default_origin") if handling.calibration.origin == DEFAULT_CALIBRATION.origin
              else handling.calibration.origin)
    return [
        Assumption(Message("assumption.annualisation.name"), period.factor, Message("unit.times_counts"),
                   "measured", Message("assumption.annualisation.source", months=period.months,
                                       basis=Message(f"basis.{_basis_key(period.basis)}"))),
        Assumption(Message("assumption.work_share.name"), handling.calibration.work_share, "", "measured",
                   Message("assumption.work_share.source", origin=origin)),
        *_supplied_times(handling),
        Assumption(Message("assumption.error.name"), float(np.exp(-down)),
                   Message("assumption.error.unit", high=float(np.exp(up))), "measured",
                   Message("assumption.error.source", origin=origin))
        if down or up else
        Assumption(Message("assumption.error.gaps_name"), float("nan"), "", "measured",
                   Message("assumption.error.gaps_source", origin=origin)),
        Assumption(Message("assumption.automatable.name"), float("nan"), "", "estimated",
                   Message("assumption.automatable.source")),
        Assumption(Message("assumption.floors.name"), float("nan"), "", "assumed",
                   Message("assumption.floors.source", floors=floors or "–")
                   if not variability else Message("assumption.floors.variability", floors=floors,
                                                   spread=1 / max(variability, 1e-9))),
        Assumption(Message("assumption.bootstrap.name"), config.bootstrap_rounds,
                   Message("assumption.bootstrap.unit"), "measured",
                   Message("assumption.bootstrap.source", seed=config.seed)),
        *economics.assumptions(),
    ]


def _supplied_times(handling: HandlingResult) -> list[Assumption]:
    """The standard times the estimate used, step by step (a time study overrides the
    log's own figure: the reader must see that it did)."""
    acts = handling.activities
    used = acts[acts["source"].astype(str) == "supplied"] if "source" in acts.columns else acts.iloc[:0]
    if used.empty:
        return []
    steps = [Message("assumption.standard.step", step=str(r.activity), minutes=float(r.mean_min))
             for r in used.sort_values("activity").itertuples(index=False)]
    return [Assumption(Message("assumption.standard.name"), float(len(used)),
                       Message("assumption.standard.unit", count=len(used)),
                       "supplied", Message("assumption.standard.source", steps=steps))]


def _total_note(total: tuple[float, float, float], economics: Economics) -> Message:
    """The total line: hours with their interval, FTE and the staff time's euros (before
    any bot's costs), and a warning when the interval is wider than the total."""
    hours, low, high = total
    wide = Message("note.total_wide") if hours > 0 and high - low > hours else ""
    return Message("note.total", hours=hours, low=low, high=high, fte=hours / economics.fte_hours,
                   euros=hours * economics.hourly_cost, wide=wide)


def _basis_key(basis: str) -> str:
    return "case_starts" if "case" in basis else "events"


def recommended_total(table: pd.DataFrame, bootstrap: pd.DataFrame | None,
                      method_error: pd.DataFrame | None) -> tuple[float, float, float]:
    """The hours a year of the recommended single steps (routines regroup hours their
    steps hold: never added) and the 80 % interval of that total
    (:func:`rpa_scout.value.total_interval`: the bootstrap rounds summed per round, the
    method's ranges added up); without the rounds, the candidates' ends summed.

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> ranking = rank_candidates(read_log("eventlogs/ostolaskut_complete_only.csv.gz")[0])
        >>> total, low, high = recommended_total(ranking.candidates, ranking.bootstrap, ranking.method_error)
        >>> low <= total <= high, round(total)
        (True, 184)
    """
    if table.empty:
        return 0.0, 0.0, 0.0
    return steps_total(table[(table["kind"] == "activity") & table["recommended"]], bootstrap, method_error)


def steps_total(chosen: pd.DataFrame, bootstrap: pd.DataFrame | None,
                method_error: pd.DataFrame | None) -> tuple[float, float, float]:
    """The hours a year of the candidates ``chosen`` (rows of a ranking's table) and the
    80 % interval of their sum, as :func:`recommended_total` gives it (a bot's steps).

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> ranking = rank_candidates(read_log("eventlogs/ostolaskut_complete_only.csv.gz")[0])
        >>> first = ranking.candidates.head(1)
        >>> bool(steps_total(first, ranking.bootstrap, ranking.method_error)[0] == first["hours_per_year"].iloc[0])
        True
    """
    names = chosen["candidate"].astype(str).tolist()
    hours = chosen["hours_per_year"].to_numpy(dtype=float)
    if bootstrap is None or method_error is None or not names:
        return float(hours.sum()), float(chosen["hours_low"].sum()), float(chosen["hours_high"].sum())
    return total_interval(bootstrap[names].to_numpy(), hours, method_error.loc[names, "low"].to_numpy(),
                          method_error.loc[names, "high"].to_numpy())


def _notes(period: _Period, handling: HandlingResult, table: pd.DataFrame, total: tuple[float, float, float],
           economics: Economics) -> tuple[str, ...]:
    hours = handling.working_hours
    local = {key: getattr(period, key).tz_convert(hours.timezone)  # the log's dates, not UTC's
             for key in ("first", "last", "event_first", "event_last")}
    notes = [Message("note.annualised", basis=Message(f"basis.{_basis_key(period.basis)}"),
                     months=period.months, **local, factor=period.factor),
             Message("note.working_day", start=hours.start_hour, end=hours.end_hour,
                     zone=hours.timezone) if hours.start_hour is not None else Message("note.working_day_unknown"),
             _total_note(total, economics)]
    if period.outside:
        notes.insert(1, Message("note.stragglers", count=period.outside, months=period.months))
    capped = handling.instances["capacity"].mean() if len(handling.instances) else 0.0
    if capped > 0:
        notes.append(Message("note.capacity", share=float(capped)))
    return tuple(notes)


def _unknown_standard_times(settings: Settings, activities: pd.Index) -> tuple[Message, ...]:
    """A note naming the standard times for steps this log does not hold (a typo, or a
    config made for another log), with the nearest step names; none when all are known."""
    import difflib

    known = [str(a) for a in activities]
    folded = {standard_name_key(name) for name in known}  # matched as the estimator matches them
    missing = [name for name in settings.handling.standard_times if standard_name_key(name) not in folded]
    if not missing:
        return ()
    shown = [Message("note.standard_unknown_name", name=name,
                     near=", ".join(repr(n) for n in difflib.get_close_matches(name, known, n=2)) or "–")
             for name in missing[:10]]
    return (Message("note.standard_unknown", names=shown),)


_TEXT, _INT, _FLOAT = "string", "int64", "float64"
#: The columns of :attr:`Ranking.candidates` and their types, in order (a test holds a
#: ranking to them), so that a ranking with nothing to rank has them too.
CANDIDATE_COLUMNS = {
    "rank": _INT, "kind": _TEXT, "candidate": _TEXT, "steps": _INT, "executions": _INT,
    "timed_executions": _INT, "handling_min": _FLOAT, "handling_low_min": _FLOAT,
    "handling_high_min": _FLOAT, "handling_source": _TEXT, "handling_bound": _TEXT,
    "loose_share": _FLOAT, "people": _INT, **{c: _FLOAT for c in CRITERIA},
    "rule_accuracy_raw": _FLOAT, "rework_share_raw": _FLOAT,
    "top_successor_share_raw": _FLOAT, "handling_cv_raw": _FLOAT, "handling_spread_raw": _FLOAT,
    "stability_cv_raw": _FLOAT, "repeated_share": _FLOAT, "annual_executions": _FLOAT,
    "annual_timed": _FLOAT, "timed_share": _FLOAT, "automatable_share": _FLOAT,
    "hours_per_year": _FLOAT, "hours_low": _FLOAT, "hours_high": _FLOAT, "nested_in_steps": "bool",
    "fte": _FLOAT, "euros_per_year": _FLOAT, "payback_months": _FLOAT, "break_even_hours": _FLOAT,
    "break_even_executions": _FLOAT, "break_even_licence": _FLOAT, "volume": _FLOAT, "handling": _FLOAT,
    "fit": _FLOAT, "knock_out": "object", "knock_out_value": _FLOAT, "knock_out_limit": _FLOAT,
    "recommended": "bool", "people_shown": _TEXT, "reason": _TEXT,
}


def _empty_table() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in CANDIDATE_COLUMNS.items()})


def annotate_graph(graph: nx.DiGraph, ranking: Ranking) -> nx.DiGraph:
    """Copy of a process graph with ``score`` (fit, 0–1) and ``hours_per_year`` on candidate nodes.

    Example:
        >>> from rpa_scout import annotate_graph, discover_graph, rank_candidates, read_log, to_dot
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> graph = annotate_graph(discover_graph(log), rank_candidates(log))
        >>> node = graph.nodes["Kustannuspaikan tiliöinti"]
        >>> round(node["score"], 2), round(node["hours_per_year"])
        (0.9, 97)
        >>> "score 0.90" in to_dot(graph)     # the map colours candidates by fit
        True
    """
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
