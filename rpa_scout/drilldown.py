"""Drill down into one candidate: the cases behind it, and everything behind its figure.

- :func:`cases_behind` lists the cases in which a step was done: case id, when the case
  started, its variant (by rank of frequency), and that step's executions, handling
  time and where the handling time comes from (``rpa-scout cases``).
- :func:`explain_candidate` prints what one candidate's hours rest on: volumes per month,
  the distribution of its handling times as a text histogram, its criteria raw and
  0–1, the knock-outs and the assumptions (``rpa-scout rank --explain``).

Pure: the log and the results of the stages in, tables and lines out, in the chosen
language (:mod:`rpa_scout.lang`). Resources are never listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from rpa_scout.arguments import require_type, top_count
from rpa_scout.columns import HANDLING, PERFORMER, SOURCE, XES, LogColumns, require_columns
from rpa_scout.errors import ConfigError
from rpa_scout.explain import criterion_name, knock_out_text, reason, source_name
from rpa_scout.graph import encode
from rpa_scout.handling import HandlingResult, estimate_handling_time, handling_for
from rpa_scout.labels import SEPARATOR, find_activity, show
from rpa_scout.lifecycle import pair_lifecycle, start_times
from rpa_scout.lang import Lang, english
from rpa_scout.manual import PERSON
from rpa_scout.present import DEFAULT_WIDTH, _why, assumption_lines, wrap
from rpa_scout.rank import Ranking
from rpa_scout.settings import CRITERIA, Settings, given_settings
from rpa_scout.routines import find_routines

#: Histogram bins of handling minutes: a step takes seconds, minutes or hours.
BINS = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 240.0, 480.0, np.inf)
BAR = 40
#: Criterion → the column of its raw measure (named by ``explain.raw.<criterion>``).
RAW = {"rule_basedness": "rule_accuracy_raw", "standardisation": "top_successor_share_raw",
       "variability": "handling_spread_raw", "stability": "stability_cv_raw", "rework": "rework_share_raw"}


@dataclass(frozen=True)
class CaseTable:
    """The cases behind one step."""

    activity: str
    table: pd.DataFrame
    cases: int
    executions: int

    def lines(self, labels: Mapping[str, str] | None = None, timezone: str = "UTC", *,
              lang: Lang | None = None, width: int | None = None) -> list[str]:
        """A header, then one line per case, in ``lang`` (English by default). When the
        table is wider than ``width`` columns, each case takes two lines instead: its id,
        then its figures named, wrapped to ``width``.

        Example:
            >>> from rpa_scout import cases_behind, read_log
            >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
            >>> found = cases_behind(log, "Asiatarkastus", top=1)
            >>> print("\\n".join(found.lines(timezone="Europe/Helsinki", width=40)[1:]))
            OL-2025-00067
              started 9 Jan 2025 15:11 ·
              variant #59 · steps 13 · times 3 ·
              minutes 10.7 · source estimated
        """
        lang = lang or english()
        head = lang.t("cases.head", name=show(self.activity, labels), listed=len(self.table), zone=timezone,
                      executions=lang.tn("cases.executions", self.executions), cases=lang.tn("cases.in", self.cases))
        heads = [lang.t(key) for key in ("cases.col.case", "cases.col.started", "cases.col.variant",
                                         "col.steps", "cases.col.times", "cases.col.minutes", "col.source")]
        rows = []
        for r in self.table.itertuples(index=False):
            local = r.started.tz_convert(timezone)
            minutes = "-" if pd.isna(r.handling_min) else lang.num(r.handling_min, 1)
            started = lang.t("unit.date_time", date=lang.date(local), clock=lang.clock(local.hour + local.minute / 60))
            rows.append((str(r.case), started, "#" + str(r.variant), lang.num(r.steps), lang.num(r.executions),
                         minutes, source_name(r.source, lang)))
        widest = max((len(row[1]) + 1 for row in rows), default=0)   # "26.11.2025 klo 12.32"
        w = [max(least, len(h) + 1) for least, h in zip((18, max(18, widest), 9, 7, 6, 10), heads)]
        table = [f"{heads[0]:<{w[0]}}{heads[1]:<{w[1]}}{heads[2]:>{w[2]}}{heads[3]:>{w[3]}}{heads[4]:>{w[4]}}"
                 f"{heads[5]:>{w[5]}}  {heads[6]}"]
        table += [f"{case[:w[0] - 1]:<{w[0]}}{started:<{w[1]}}{variant:>{w[2]}}{steps:>{w[3]}}{times:>{w[4]}}"
                  f"{minutes:>{w[5]}}  {source}" for case, started, variant, steps, times, minutes, source in rows]
        if width is None or max(map(len, table)) <= width:
            return [head, *table]
        from rpa_scout.present import wrap

        out = [head]
        for case, *figures in rows:
            named = "\u00a0· ".join(f"{h}\u00a0{v}" for h, v in zip(heads[1:], figures))
            out += [case, *(part.replace("\u00a0", " ") for part in wrap(named, width, indent="  "))]
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
    columns = require_columns(log, columns)
    top = top_count(top)
    activity = find_activity(activity, log[columns.activity].astype("string").dropna().unique(), labels)
    handling = handling_for(log, require_type(handling, HandlingResult, "handling", "a HandlingResult (from estimate_handling_time)"),
                            settings=None if settings is None else given_settings(settings), columns=columns)
    inst = handling.instances
    mine = inst[(inst[columns.activity].astype("string") == activity).to_numpy()]
    person = (mine[PERFORMER] == PERSON).to_numpy()
    frame = pd.DataFrame({"case": mine[columns.case].to_numpy(), "person": person,
                          "seconds": np.where(person, mine[HANDLING].to_numpy(dtype=float), np.nan),
                          "source": mine[SOURCE].to_numpy()})
    grouped = frame.groupby("case", sort=False)
    # the source of the case's person minutes: its person executions' (a case with one
    # measured person execution beside two system ones said 'system' beside 0.27 min)
    people = frame[person].groupby("case", sort=False)["source"].agg(lambda s: s.value_counts().index[0])
    table = pd.DataFrame({"executions": grouped.size(), "by_people": grouped["person"].sum(),
                          "handling_min": grouped["seconds"].sum(min_count=1) / 60.0,
                          "source": grouped["source"].agg(lambda s: s.value_counts().index[0])})
    table["source"] = people.reindex(table.index).fillna(table["source"])
    table = table.join(case_variants(log, columns=columns, instances=inst), how="left").reset_index(names="case")
    table = table.sort_values(["handling_min", "started", "case"], ascending=[False, True, True],
                              na_position="last", kind="stable")
    order = ["case", "started", "variant", "variant_cases", "steps", "executions", "by_people",
             "handling_min", "source"]
    shown = table[order].reset_index(drop=True)
    return CaseTable(activity, shown if top is None else shown.head(top), len(table), len(mine))


def case_variants(log: pd.DataFrame, *, columns: LogColumns = XES,
                  instances: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per case: when it started, its variant's rank (1 = most common; the ranks of
    :func:`rpa_scout.variants`), how many cases share the variant, and its steps.

    ``instances``: the log already paired (:func:`rpa_scout.pair_lifecycle`'s or the
    handling estimate's instances), so that it is not paired again.

    Example:
        >>> from rpa_scout import read_log
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> int(case_variants(log)["variant"].min())
        1
    """
    if instances is not None:
        frame = instances
    elif columns.lifecycle in log.columns:
        frame = pair_lifecycle(log, columns=columns).instances
    else:
        frame = log
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
    times = log[columns.timestamp]
    starts = start_times(log, columns)  # a start column beside each completion (Disco's)
    if starts is not None:
        times = times.where(starts.isna(), starts)
    started = times.groupby(log[columns.case].to_numpy()).min()
    return pd.DataFrame({"started": started.reindex(sequences.index),
                         "variant": sequences.map(ranked).astype(int),
                         "variant_cases": sequences.map(counts).astype(int), "steps": steps})


def explain_candidate(log: pd.DataFrame, ranking: Ranking, name: str, *,
                      settings: Settings | None = None, labels: Mapping[str, str] | None = None,
                      columns: LogColumns = XES, lang: Lang | None = None,
                      width: int = DEFAULT_WIDTH) -> list[str]:
    """Everything behind one candidate's figure, as lines of text.

    Args:
        log: the event log the ranking was made from.
        ranking: the result of :func:`rpa_scout.rank_candidates` (with codes, not labels).
        name: the candidate (an activity or a routine ``A → B``), by code or display name.
        settings: the settings the ranking was made with (zone, fit threshold).
        labels: activity → display name.
        columns: column mapping.
        lang: the language of the words and numbers (English by default).
        width: the lines' width in columns (sentences are wrapped to it).

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
        >>> explain_candidate(log, ranking, "Kustannuspaikan tiliöinti", lang=Lang("fi"))[0]
        'Kustannuspaikan tiliöinti (vaihe; sija 1, suositellaan)'
    """
    columns = require_columns(log, columns)
    settings = given_settings(settings)
    lang = lang or english()
    cand = require_type(ranking, Ranking, "ranking", "a Ranking (from rank_candidates)").candidates
    names = list(cand["candidate"]) if not cand.empty else []
    known = names + [str(a) for a in log[columns.activity].astype("string").dropna().unique()]
    found = find_activity(name, known, labels, what="candidate or activity")
    if found not in names:
        return _not_a_candidate(ranking, found, labels, lang, width)
    chosen = cand[cand["candidate"] == found]
    row = chosen.iloc[0]
    inst = ranking.handling.instances
    missing = [c for c in (columns.case, columns.activity, columns.timestamp) if c not in inst.columns]
    if missing:   # the ranking was made from a log with other column names
        raise ConfigError(f"the ranking has no column {missing[0]!r}: it was made from a log with other column "
                          "names; pass the log and columns= that rank_candidates was given")
    if row["kind"] == "routine":
        mine = _occurrences(inst, found, columns)
    else:
        mine = inst[(inst[columns.activity].astype("string") == found).to_numpy()
                    & (inst[PERFORMER] == PERSON).to_numpy()]
    why = reason(next(chosen.itertuples(index=False)), ranking.fit_threshold, lang=lang)
    return [*_figure(row, show(found, labels), why, lang, width), "",
            *_monthly(mine, settings.read.timezone, columns, lang), "",
            *_histogram(mine, row, lang, width), *_gaps(ranking, row, lang, width), "",
            *_criteria(row, settings, lang, width), "",
            *_knock_out(row, lang, width), "", *assumption_lines(ranking, lang, width)]


def _occurrences(inst: pd.DataFrame, routine: str, columns: LogColumns) -> pd.DataFrame:
    """A routine's occurrences as the charts read them: each dated by its first step,
    with the person seconds of all its steps (found as ``rank`` finds them)."""
    _, occurrences = find_routines(inst, columns=columns)
    mine = occurrences[(occurrences["routine"] == routine).to_numpy()]
    first = mine["row"].to_numpy(dtype=np.int64)
    return pd.DataFrame({columns.timestamp: inst[columns.timestamp].take(first).to_numpy(),
                         HANDLING: mine["handling_s"].to_numpy(dtype=float)}).astype(
        {columns.timestamp: inst[columns.timestamp].dtype})


def _not_a_candidate(ranking: Ranking, activity: str, labels: Mapping[str, str] | None, lang: Lang,
                     width: int) -> list[str]:
    excluded = ranking.excluded
    why = lang.t("explain.no_person_work")
    if not excluded.empty and activity in set(excluded["activity"]):
        r = next(excluded[excluded["activity"] == activity].itertuples(index=False))
        why = _why(r, ranking, lang)
    return wrap(lang.t("explain.not_candidate", name=show(activity, labels), why=why), width)


def _figure(row: pd.Series, shown: str, why: str, lang: Lang, width: int) -> list[str]:
    """The candidate, how its hours multiply, its executions, FTE and euros, its reason."""
    status = lang.t("explain.recommended" if row["recommended"] else "explain.not_recommended")
    rank = lang.t("explain.rank", rank=int(row["rank"])) if pd.notna(row.get("rank")) and row.get("rank") else ""
    title = lang.t(f"explain.title.{row['kind']}", name=shown, rank=rank, status=status)
    hours = lang.t("explain.hours", hours=row["hours_per_year"], low=row["hours_low"], high=row["hours_high"],
                   timed=row["annual_timed"], minutes=row["handling_min"],
                   source=source_name(row["handling_source"], lang), share=row["automatable_share"])
    executions = lang.t("explain.executions", executions=row["annual_executions"], timed_share=row["timed_share"],
                        fte=row["fte"], euros=row["euros_per_year"])
    out = wrap(title, width)
    for text in (hours, executions, lang.t("explain.reason", reason=why)):
        out += wrap(text, width, indent="    ", first="  ")
    return out


def _monthly(mine: pd.DataFrame, timezone: str, columns: LogColumns, lang: Lang) -> list[str]:
    out = [lang.t("explain.monthly", zone=timezone)]
    if mine.empty:
        return out + ["  " + lang.t("explain.none")]
    months = mine[columns.timestamp].dt.tz_convert(timezone).dt.strftime("%Y-%m")
    counts = months.value_counts().sort_index()
    full = pd.period_range(counts.index[0], counts.index[-1], freq="M").strftime("%Y-%m")
    counts = counts.reindex(full, fill_value=0)
    top = max(int(counts.max()), 1)
    out += [f"  {month}  {'█' * round(BAR * n / top):<{BAR}} {lang.num(n)}" for month, n in counts.items()]
    return out


def _histogram(mine: pd.DataFrame, row: pd.Series, lang: Lang, width: int) -> list[str]:
    minutes = (mine[HANDLING].to_numpy(dtype=float) / 60.0)
    minutes = minutes[np.isfinite(minutes)]
    out = wrap(lang.t("explain.histogram", source=source_name(row["handling_source"], lang),
                      interval=_interval(row, lang)), width)
    if not len(minutes):
        return out + ["  " + lang.t("explain.no_handling")]
    counts, _ = np.histogram(minutes, bins=np.asarray(BINS))
    top = max(int(counts.max()), 1)
    for low, high, n in zip(BINS[:-1], BINS[1:], counts):
        span = f"{lang.general(low)}–{lang.general(high)}" if np.isfinite(high) else f"{lang.general(low)}+"
        out.append(f"  {span:>9}  {'█' * round(BAR * n / top):<{BAR}} {lang.num(n)}")
    out.append("  " + lang.t("explain.summary", mean=minutes.mean(), median=np.median(minutes),
                             count=len(minutes)))
    return out


def _gaps(ranking: Ranking, row: pd.Series, lang: Lang, width: int) -> list[str]:
    """Where a single step's estimated interval comes from: the range of its own gaps."""
    acts = ranking.handling.activities
    if row["kind"] == "routine" or "gap_low_min" not in acts:
        return []
    mine = acts[acts["activity"] == row["candidate"]]
    if mine.empty or pd.isna(mine["gap_low_min"].iloc[0]):
        return []
    r = mine.iloc[0]
    text = lang.t("explain.gaps", low=float(r["gap_low_min"]), high=float(r["gap_high_min"]))
    if r["method_low_min"] < r["gap_low_min"] or r["method_high_min"] > r["gap_high_min"]:
        text += "; " + lang.t("explain.gaps_reach")
    return wrap(text, width, indent="    ", first="  ")


def _interval(row: pd.Series, lang: Lang) -> str:
    low, high = row.get("handling_low_min"), row.get("handling_high_min")
    return lang.t("explain.no_interval") if pd.isna(low) else f"{lang.num(low, 1)}–{lang.num(high, 1)}"


def _criteria(row: pd.Series, settings: Settings, lang: Lang, width: int) -> list[str]:
    """Each criterion 0–1 with its weight and raw measure, then the fit and its threshold."""
    weights = settings.rank.weights
    names = {name: criterion_name(name, lang) for name in (*CRITERIA, "volume", "handling")}
    fit = lang.t("sort.fit")
    pad = max(16, max(len(n) for n in (*names.values(), fit)) + 1)
    out = [lang.t("explain.criteria")]
    for name, shown_name in names.items():
        value = row.get(name)
        shown = lang.t("explain.unknown") if pd.isna(value) else lang.num(value, 2)
        raw = RAW.get(name)
        raw_text = (f"; {lang.t(f'explain.raw.{name}')} {lang.num(row[raw], 2)}"
                    if raw and pd.notna(row.get(raw)) else "")
        first = f"  {shown_name:<{pad}}{shown:>8}   "
        out += wrap(lang.t("explain.weight", weight=weights.get(name, 0.0)) + raw_text, width,
                    indent=" " * len(first), first=first)
    threshold = lang.t("explain.threshold", threshold=settings.rank.fit_threshold)
    out.append(f"  {fit:<{pad}}{lang.num(row['fit'], 2):>8}   {threshold}")
    return out


def _knock_out(row: pd.Series, lang: Lang, width: int) -> list[str]:
    code = row.get("knock_out") or ""
    if not code:
        return [lang.t("explain.knock_outs_none")]
    text = knock_out_text(code, float(row["knock_out_value"]), float(row["knock_out_limit"]), lang)
    return [lang.t("explain.knock_outs"), *wrap(text, width, indent="    ", first="  ")]


__all__ = ["CaseTable", "case_variants", "cases_behind", "explain_candidate"]
