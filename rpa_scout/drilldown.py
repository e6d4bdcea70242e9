"""Drill down into one candidate: the cases behind it, and everything behind its figure.

- :func:`cases_behind` lists the cases in which a step was done: case id, when the case
  started, its variant (by rank of frequency), and that step's executions, handling
  time and where the handling time comes from (``rpa-scout cases``).
- :func:`explain_candidate` prints what one candidate's hours rest on: volumes per month,
  the distribution of its handling times as a text histogram, its criteria raw and
  0–1, the knock-outs and the assumptions (``rpa-scout rank --explain``).

Pure: the log and the results of the stages in, tables and lines out. Resources are
never listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from rpa_scout.assumptions import Assumption
from rpa_scout.columns import HANDLING, PERFORMER, SOURCE, XES, LogColumns, require_columns
from rpa_scout.explain import knock_out_text
from rpa_scout.graph import encode
from rpa_scout.handling import HandlingResult, estimate_handling_time
from rpa_scout.labels import SEPARATOR, find_activity, show
from rpa_scout.lifecycle import pair_lifecycle
from rpa_scout.manual import PERSON
from rpa_scout.rank import Ranking
from rpa_scout.settings import CRITERIA, Settings

#: Histogram bins of handling minutes: a step takes seconds, minutes or hours.
BINS = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 240.0, 480.0, np.inf)
BAR = 40
RAW = {"rule_basedness": ("rule_accuracy_raw", "decision-tree accuracy"),
       "standardisation": ("top_successor_share_raw", "share of its most common successor"),
       "variability": ("handling_spread_raw", "spread of log handling time"),
       "stability": ("stability_cv_raw", "month-to-month CV"),
       "rework": ("rework_share_raw", "share of executions repeating the step in a case")}


@dataclass(frozen=True)
class CaseTable:
    """The cases behind one step."""

    activity: str
    table: pd.DataFrame
    cases: int
    executions: int

    def lines(self, labels: Mapping[str, str] | None = None, timezone: str = "UTC") -> list[str]:
        """A header, then one line per case."""
        head = (f"{show(self.activity, labels)}: {self.executions:,} executions in {self.cases:,} cases; "
                f"the {len(self.table):,} with the most handling time (times in {timezone})")
        out = [head, f"{'case':<18}{'started':<18}{'variant':>9}{'steps':>7}{'times':>6}"
               f"{'minutes':>10}  source"]
        for r in self.table.itertuples(index=False):
            started = r.started.tz_convert(timezone).strftime("%Y-%m-%d %H:%M")
            minutes = "-" if pd.isna(r.handling_min) else f"{r.handling_min:,.1f}"
            out.append(f"{str(r.case)[:17]:<18}{started:<18}{'#' + str(r.variant):>9}{r.steps:>7}"
                       f"{r.executions:>6}{minutes:>10}  {r.source}")
        return out


def cases_behind(log: pd.DataFrame, activity: str, *, settings: Settings | None = None,
                 handling: HandlingResult | None = None, top: int | None = 10,
                 labels: Mapping[str, str] | None = None, columns: LogColumns = XES) -> CaseTable:
    """The cases in which ``activity`` was done, those with the most handling time first.

    Args:
        log: event log with XES column names.
        activity: the activity's name (its code, or its display name with ``labels``).
        settings: the run's settings (for the handling-time estimate).
        handling: a precomputed :func:`rpa_scout.estimate_handling_time` result.
        top: how many cases to list (all when ``None``).
        labels: activity → display name, to find ``activity`` by its label.
        columns: column mapping.

    Returns:
        A :class:`CaseTable`: per case ``case``, ``started`` (UTC), ``variant`` (its rank
        by frequency, 1 = most common), ``variant_cases``, ``steps``, ``executions`` of the
        step, ``by_people``, ``handling_min`` (the step's person minutes in the case) and
        ``source``.

    Raises:
        ColumnError: no such activity.

    Example:
        >>> from rpa_scout import read_log
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> behind = cases_behind(log, "Kustannuspaikan tiliöinti", top=3)
        >>> len(behind.table), behind.table["source"].iloc[0]
        (3, 'measured')
    """
    require_columns(log, columns)
    activity = find_activity(activity, log[columns.activity].astype("string").dropna().unique(), labels)
    handling = handling or estimate_handling_time(log, settings=settings or Settings(), columns=columns)
    inst = handling.instances
    mine = inst[(inst[columns.activity].astype("string") == activity).to_numpy()]
    person = (mine[PERFORMER] == PERSON).to_numpy()
    frame = pd.DataFrame({"case": mine[columns.case].to_numpy(), "person": person,
                          "seconds": np.where(person, mine[HANDLING].to_numpy(dtype=float), np.nan),
                          "source": mine[SOURCE].to_numpy()})
    grouped = frame.groupby("case", sort=False)
    table = pd.DataFrame({"executions": grouped.size(), "by_people": grouped["person"].sum(),
                          "handling_min": grouped["seconds"].sum(min_count=1) / 60.0,
                          "source": grouped["source"].agg(lambda s: s.value_counts().index[0])})
    table = table.join(case_variants(log, columns=columns), how="left").reset_index(names="case")
    table = table.sort_values(["handling_min", "started", "case"], ascending=[False, True, True],
                              na_position="last", kind="stable")
    order = ["case", "started", "variant", "variant_cases", "steps", "executions", "by_people",
             "handling_min", "source"]
    shown = table[order].reset_index(drop=True)
    return CaseTable(activity, shown if top is None else shown.head(top), len(table), len(mine))


def case_variants(log: pd.DataFrame, *, columns: LogColumns = XES) -> pd.DataFrame:
    """Per case: when it started, its variant's rank (1 = most common; the ranks of
    :func:`rpa_scout.variants`), how many cases share the variant, and its steps.

    Example:
        >>> from rpa_scout import read_log
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> int(case_variants(log)["variant"].min())
        1
    """
    frame = pair_lifecycle(log, columns=columns).instances if columns.lifecycle in log.columns else log
    ids = pd.factorize(frame[columns.case], sort=False)[1]
    trace = encode(frame.drop(columns=[columns.lifecycle], errors="ignore"), columns=columns)
    bounds = np.flatnonzero(np.r_[True, trace.case[1:] != trace.case[:-1], True])
    names = np.asarray(trace.names, dtype=object)
    sequences = pd.Series([SEPARATOR.join(names[trace.activity[a:b]]) for a, b in zip(bounds[:-1], bounds[1:])],
                          index=pd.Index(ids[trace.case[bounds[:-1]]]))
    steps = pd.Series(np.diff(bounds), index=sequences.index)
    counts = sequences.value_counts()
    ranked = pd.Series(np.arange(1, len(counts) + 1),
                       index=counts.sort_index().sort_values(ascending=False, kind="stable").index)
    started = log.groupby(log[columns.case].to_numpy())[columns.timestamp].min()
    return pd.DataFrame({"started": started.reindex(sequences.index),
                         "variant": sequences.map(ranked).astype(int),
                         "variant_cases": sequences.map(counts).astype(int), "steps": steps})


def explain_candidate(log: pd.DataFrame, ranking: Ranking, name: str, *,
                      settings: Settings | None = None, labels: Mapping[str, str] | None = None,
                      columns: LogColumns = XES) -> list[str]:
    """Everything behind one candidate's figure, as lines of text.

    Args:
        log: the event log the ranking was made from.
        ranking: the result of :func:`rpa_scout.rank_candidates` (with codes, not labels).
        name: the candidate (an activity or a routine ``A → B``), by code or display name.
        settings: the settings the ranking was made with (zone, fit threshold).
        labels: activity → display name.
        columns: column mapping.

    Returns:
        Lines: the figure and how it multiplies, volumes per month, the handling-time
        histogram, the criteria, the knock-outs and the assumptions. For an activity that
        is no candidate, why not.

    Raises:
        ColumnError: no activity or candidate of that name.

    Example:
        >>> from rpa_scout import read_log, rank_candidates
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> ranking = rank_candidates(log)
        >>> explain_candidate(log, ranking, "Kustannuspaikan tiliöinti")[0].startswith("Kustannuspaikan")
        True
    """
    settings = settings or Settings()
    cand = ranking.candidates
    names = list(cand["candidate"]) if not cand.empty else []
    known = names + [str(a) for a in log[columns.activity].astype("string").dropna().unique()]
    found = find_activity(name, known, labels, what="candidate or activity")
    if found not in names:
        return _not_a_candidate(ranking, found, labels)
    row = cand[cand["candidate"] == found].iloc[0]
    steps = found.split(SEPARATOR) if row["kind"] == "routine" else [found]
    inst = ranking.handling.instances
    mine = inst[inst[columns.activity].astype("string").isin(steps).to_numpy()
                & (inst[PERFORMER] == PERSON).to_numpy()]
    return [*_figure(row, found, labels, settings), "",
            *_monthly(mine, settings.read.timezone, columns), "",
            *_histogram(mine, row), "", *_criteria(row, settings), "", *_knock_out(row), "",
            "Assumptions", *(f"  - {_assumption(a)}" for a in ranking.assumptions),
            *(f"  - {n}" for n in ranking.notes)]


def _not_a_candidate(ranking: Ranking, activity: str, labels: Mapping[str, str] | None) -> list[str]:
    excluded = ranking.excluded
    why = "it has no person work with a handling time"
    if not excluded.empty and activity in set(excluded["activity"]):
        why = str(excluded.loc[excluded["activity"] == activity, "why"].iloc[0])
    return [f"{show(activity, labels)} is not a candidate: {why}"]


def _figure(row: pd.Series, name: str, labels: Mapping[str, str] | None, settings: Settings) -> list[str]:
    status = "recommended" if row["recommended"] else "not recommended"
    rank = f"rank {int(row['rank'])}, " if pd.notna(row.get("rank")) and row.get("rank") else ""
    return [f"{show(name, labels)} ({row['kind']}; {rank}{status})",
            f"  {row['hours_per_year']:,.0f} h/yr (80 % interval {row['hours_low']:,.0f}–"
            f"{row['hours_high']:,.0f}) = {row['annual_timed']:,.0f} timed executions a year × "
            f"{row['handling_min']:.1f} min ({row['handling_source']}) × {row['automatable_share']:.0%} "
            "rule-predictable",
            f"  {row['annual_executions']:,.0f} executions by people a year, {row['timed_share']:.0%} with a "
            f"clock time; {row['fte']:.2f} FTE, {row['euros_per_year']:,.0f} € a year",
            f"  reason: {row['reason']}"]


def _monthly(mine: pd.DataFrame, timezone: str, columns: LogColumns) -> list[str]:
    out = [f"Executions by people per month ({timezone})"]
    if mine.empty:
        return out + ["  none"]
    months = mine[columns.timestamp].dt.tz_convert(timezone).dt.strftime("%Y-%m")
    counts = months.value_counts().sort_index()
    full = pd.period_range(counts.index[0], counts.index[-1], freq="M").strftime("%Y-%m")
    counts = counts.reindex(full, fill_value=0)
    top = max(int(counts.max()), 1)
    out += [f"  {month}  {'█' * round(BAR * n / top):<{BAR}} {n:,}" for month, n in counts.items()]
    return out


def _histogram(mine: pd.DataFrame, row: pd.Series) -> list[str]:
    minutes = (mine[HANDLING].to_numpy(dtype=float) / 60.0)
    minutes = minutes[np.isfinite(minutes)]
    out = [f"Handling time per execution, minutes ({row['handling_source']}; the mean's 80 % interval "
           f"{_interval(row)})"]
    if not len(minutes):
        return out + ["  no execution has a handling time"]
    counts, _ = np.histogram(minutes, bins=np.asarray(BINS))
    top = max(int(counts.max()), 1)
    for low, high, n in zip(BINS[:-1], BINS[1:], counts):
        span = f"{low:g}–{high:g}" if np.isfinite(high) else f"{low:g}+"
        out.append(f"  {span:>9}  {'█' * round(BAR * n / top):<{BAR}} {n:,}")
    out.append(f"  mean {minutes.mean():.1f}, median {np.median(minutes):.1f}, {len(minutes):,} timed "
               "executions")
    return out


def _interval(row: pd.Series) -> str:
    low, high = row.get("handling_low_min"), row.get("handling_high_min")
    return "not computed for a routine" if pd.isna(low) else f"{low:.1f}–{high:.1f}"


def _criteria(row: pd.Series, settings: Settings) -> list[str]:
    weights = settings.rank.weights
    out = ["Criteria (0–1, 1 = fits a robot; weight in the fit; the raw measure)"]
    for name in (*CRITERIA, "volume", "handling"):
        value = row.get(name)
        shown = "unknown" if pd.isna(value) else f"{value:.2f}"
        raw, what = RAW.get(name, (None, ""))
        raw_text = f"; {what} {row[raw]:.2f}" if raw and pd.notna(row.get(raw)) else ""
        out.append(f"  {name:<16}{shown:>8}   weight {weights.get(name, 0.0):.2f}{raw_text}")
    out.append(f"  {'fit':<16}{row['fit']:>8.2f}   threshold {settings.rank.fit_threshold:.2f}")
    return out


def _knock_out(row: pd.Series) -> list[str]:
    code = row.get("knock_out") or ""
    if not code:
        return ["Knock-outs: none"]
    return ["Knock-outs", "  " + knock_out_text(code, float(row["knock_out_value"]),
                                                float(row["knock_out_limit"]))]


def _assumption(a: Assumption) -> str:
    return a.line() if not pd.isna(a.value) else f"{a.name}: {a.source} ({a.kind})"


__all__ = ["CaseTable", "case_variants", "cases_behind", "explain_candidate"]
