"""Disco's filters for every command: a period, attribute conditions, rare activities.

:func:`filter_log` is a pure function applied after reading (``rpa_scout.io.commands``
applies it for every command; call it yourself in Python). The filters of
:class:`rpa_scout.settings.FilterSettings` run in a fixed order, each on what the one
before kept, and the :class:`FilterReport` says what each kept and what was dropped:

1. **period** (``--from``/``--to``, local days in the log's zone, both included):
   ``--period-basis cases`` keeps the cases that *started* in it with all their events
   (Disco's "started in timeframe"), ``events`` keeps the events *in* it (Disco's "trim
   to timeframe");
2. **attributes** (``--where``, repeatable): events whose column matches; a case
   attribute is the same on every event of a case, so it keeps whole cases;
3. **activities** (``--min-cases N``): activities performed in fewer than N cases are
   dropped, their events removed.

The resource column is never a filter: selecting one account's work would single out a
person.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from rpa_scout.columns import XES, LogColumns, require_columns
from rpa_scout.errors import ColumnError, ConfigError, NothingKeptError
from rpa_scout.lifecycle import start_times
from rpa_scout.lang import Lang, Message, english
from rpa_scout.settings import Condition, FilterSettings, Settings, given_settings

#: Values of a column named in an error when a condition matches nothing.
SHOWN_VALUES = 10


@dataclass(frozen=True)
class FilterStep:
    """One filter as applied: what it did (English text that shows in any language: a
    :class:`rpa_scout.lang.Message`), and the cases and events left after it."""

    what: str
    cases: int
    events: int


@dataclass(frozen=True)
class FilterReport:
    """What the filters kept and dropped, step by step (empty when none is set).

    Example:
        >>> from rpa_scout import filter_log, read_log
        >>> from rpa_scout.settings import FilterSettings, Settings
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> paper = Settings(filter=FilterSettings(where=("case:channel=paperi",)))
        >>> _, kept = filter_log(log, settings=paper)
        >>> kept.cases_before, kept.cases_kept
        (3000, 360)
        >>> print("\\n".join(kept.lines()))
        filters kept 360 of 3,000 cases and 3,369 of 24,883 events (dropped 2,640 cases, 21,514 events),
        in this order:
          1. ...: 360 cases, 3,369 events left
    """

    cases_before: int
    events_before: int
    steps: tuple[FilterStep, ...] = ()

    @classmethod
    def added_up(cls, parts: "list[FilterReport]") -> "FilterReport":
        """One report for logs filtered apart (the organisations of a pooled log, each
        filtered by itself): counts before added up, each step's counts added up over
        the parts that reached it (a part whose filters kept nothing has no steps and
        keeps nothing).

        Example:
            >>> a = FilterReport(10, 50, (FilterStep("from 2025-01-01", 4, 20),))
            >>> b = FilterReport(6, 30, ())                       # kept nothing
            >>> both = FilterReport.added_up([a, b])
            >>> both.cases_before, both.events_before, both.cases_kept, both.events_kept
            (16, 80, 4, 20)
        """
        stepped = [part.steps for part in parts if part.steps]
        whats = [step.what for step in stepped[0]] if stepped else []
        steps = tuple(FilterStep(what, sum(s[i].cases for s in stepped if len(s) > i),
                                 sum(s[i].events for s in stepped if len(s) > i))
                      for i, what in enumerate(whats))
        return cls(sum(p.cases_before for p in parts), sum(p.events_before for p in parts), steps)

    @property
    def cases_kept(self) -> int:
        """Cases left after every filter."""
        return self.steps[-1].cases if self.steps else self.cases_before

    @property
    def events_kept(self) -> int:
        """Events left after every filter."""
        return self.steps[-1].events if self.steps else self.events_before

    def lines(self, lang: Lang | None = None) -> list[str]:
        """One line for the whole, then one per filter (nothing when no filter is set), in
        ``lang`` (English by default)."""
        if not self.steps:
            return []
        lang = lang or english()
        head = lang.t("filter.kept", cases=self.cases_kept, cases_before=self.cases_before,
                      events=self.events_kept, events_before=self.events_before,
                      cases_dropped=self.cases_before - self.cases_kept,
                      events_dropped=self.events_before - self.events_kept)
        return [head, *("  " + lang.t("filter.step", number=i, what=s.what, cases=lang.tn("filter.cases", s.cases),
                                      events=lang.tn("filter.events", s.events))
                        for i, s in enumerate(self.steps, start=1))]

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form."""
        return {"cases_before": self.cases_before, "events_before": self.events_before,
                "cases_kept": self.cases_kept, "events_kept": self.events_kept,
                "steps": [{"filter": s.what, "cases": s.cases, "events": s.events}
                          for s in self.steps]}


def filter_log(log: pd.DataFrame, *, settings: Settings | None = None, columns: LogColumns = XES,
               aliases: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, FilterReport]:
    """Keep the part of ``log`` that ``settings.filter`` chooses, and say what was kept.

    Args:
        log: event log with XES column names.
        settings: the run's settings (the ``filter`` section; days are local days in
            ``read.timezone``). Defaults: no filter.
        columns: column mapping.
        aliases: source column name → log column (the load report's mapping), so that
            ``--where tid=5`` finds the case column that ``tid`` became.

    Returns:
        The filtered log (``log`` itself when no filter is set) and the report.

    Raises:
        ColumnError: a ``--where`` column the log does not have, or the resource column.
        NothingKeptError: a filter that keeps no events, naming it (a ConfigError).

    Example:
        >>> from rpa_scout import read_log
        >>> from rpa_scout.settings import FilterSettings
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> chosen = Settings(filter=FilterSettings(date_from="2025-03-01", date_to="2025-03-31"))
        >>> march, report = filter_log(log, settings=chosen)
        >>> report.cases_kept < report.cases_before
        True
    """
    columns = require_columns(log, columns)
    settings = given_settings(settings)
    chosen = settings.filter
    report = FilterReport(_cases(log, columns), len(log))
    steps: list[FilterStep] = []
    if chosen.date_from or chosen.date_to:
        log = _step(log, *_period(log, chosen, settings.read.timezone, columns), steps, columns)
    for condition in chosen.conditions:
        column = resolve_column(log, condition.column, aliases, chosen.where_name, columns)
        log = _step(log, *_condition(log, condition, column, chosen.where_name), steps, columns)
    if chosen.min_cases > 1:
        log = _step(log, *_rare(log, chosen.min_cases, columns), steps, columns)
    return log, FilterReport(report.cases_before, report.events_before, tuple(steps))


def _cases(log: pd.DataFrame, columns: LogColumns) -> int:
    return int(log[columns.case].nunique())


def _step(log: pd.DataFrame, keep: np.ndarray, what: str, empty: str, steps: list[FilterStep],
          columns: LogColumns) -> pd.DataFrame:
    """Apply one filter's mask; record it; refuse a filter that leaves nothing."""
    if not keep.any():
        raise NothingKeptError(f"the filters keep no events: {empty}")
    kept = log if keep.all() else log.loc[keep].reset_index(drop=True)
    steps.append(FilterStep(what, _cases(kept, columns), len(kept)))
    return kept


def resolve_column(log: pd.DataFrame, name: str, aliases: Mapping[str, str] | None, option: str,
                   columns: LogColumns = XES) -> str:
    """The log column that ``name`` (as the user wrote it) means, for ``option``.

    ``name`` may be a column of the log, a source column the reading renamed (the
    load report's mapping, e.g. ``tid`` for the case column), or a case attribute
    without its ``case:`` prefix.

    Raises:
        ColumnError: no such column (the columns are listed), or the resource column or
            another column that names its people (:func:`rpa_scout.privacy.people_columns`),
            which would single out people.

    Example:
        >>> import pandas as pd
        >>> resolve_column(pd.DataFrame(columns=["case:channel"]), "channel", None, "--where")
        'case:channel'
    """
    found = name if name in log.columns else (aliases or {}).get(name)
    if found is None and f"case:{name}" in log.columns:
        found = f"case:{name}"
    if found is None:  # the same name in another Unicode form (macOS writes ä as a + ¨)
        nfc = {unicodedata.normalize("NFC", str(c)): c for c in log.columns}
        wanted = unicodedata.normalize("NFC", name)
        found = nfc.get(wanted, nfc.get(f"case:{wanted}"))
    if found is None or found not in log.columns:
        # the columns as the file names them (dateFinished, not time:timestamp)
        source = {log_name: name for name, log_name in (aliases or {}).items()}
        shown = ", ".join(repr(str(source.get(c, c))) for c in log.columns[:20])
        more = f" and {len(log.columns) - 20} more" if len(log.columns) > 20 else ""
        raise ColumnError(f"{option} column {name!r} not found; the columns are {shown}{more}")
    if found == columns.resource:
        raise ColumnError(f"{option} column {name!r} is the resource column: rpa_scout never singles "
                          f"out people; {people_advice(option)}")
    refuse_people(log, found, name, option, columns)
    return found


def refuse_people(log: pd.DataFrame, column: str, name: str, option: str, columns: LogColumns = XES) -> None:
    """Raise :class:`ColumnError` when ``column`` (``name`` as the user wrote it) names
    people: its header says so, or it holds the resource column's people
    (:func:`rpa_scout.privacy.people_columns`). The Spark engine checks each
    organisation's rows with it, where the driver has seen only the header.

    Example:
        >>> log = pd.DataFrame({"org:resource": ["Aino", "Eero"], "valvoja": ["Eero", "Aino"]})
        >>> refuse_people(log, "valvoja", "valvoja", "--by")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ColumnError: --by column 'valvoja' names the same people as the resource column: rpa_scout never singles out people; use a group, department or office column
    """
    from rpa_scout.identity import holds_identity_codes
    from rpa_scout.privacy import people_columns, person_header

    same = column in people_columns(log, columns=columns, by_header=False)
    if same or person_header(column):
        whose = ("holds personal identity codes" if same and holds_identity_codes(log[column]) else
                 "names the same people as the resource column" if same else "names people")
        raise ColumnError(f"{option} column {name!r} {whose}: "
                          f"rpa_scout never singles out people; {people_advice(option)}")


#: What ``--label`` asks for instead of a column of people.
LABEL_ADVICE = ("name a column of readable step names, as BPIC15's activityNameEN "
                "(inspect names the columns that can serve)")


def people_advice(option: str) -> str:
    """What to give ``option`` instead of a column of people: ``--label`` names steps,
    ``--by`` and ``--where`` take a group.

    Example:
        >>> people_advice("--by")
        'use a group, department or office column'
    """
    return LABEL_ADVICE if option == "--label" else "use a group, department or office column"


def _period(log: pd.DataFrame, chosen: FilterSettings, timezone: str,
            columns: LogColumns) -> tuple[np.ndarray, str, str]:
    """Rows in the period (by case start or by event time), what it is, and why empty."""
    start = _local_day(chosen.date_from, timezone, 0)
    end = _local_day(chosen.date_to, timezone, 1)
    times = log[columns.timestamp]
    starts = start_times(log, columns)
    if starts is not None:
        times = times.where(starts.isna(), starts)
    if chosen.period_basis == "cases":
        times = times.groupby(log[columns.case].to_numpy()).transform("min")
    keep = np.ones(len(log), dtype=bool)
    if start is not None:
        keep &= (times >= start).to_numpy(dtype=bool)
    if end is not None:
        keep &= (times < end).to_numpy(dtype=bool)
    span = Message("filter.span", start=chosen.date_from or "…", end=chosen.date_to or "…", zone=timezone)
    what = Message("filter.period_cases" if chosen.period_basis == "cases" else "filter.period_events",
                   span=span)
    first, last = times.min(), times.max()
    local = lambda t: t.tz_convert(timezone).strftime("%Y-%m-%d")  # noqa: E731
    basis = "cases start" if chosen.period_basis == "cases" else "events fall"
    empty = f"nothing falls in {span}: the log's {basis} {local(first)} .. {local(last)}"
    return keep, what, empty


def _local_day(day: str | None, timezone: str, plus: int) -> pd.Timestamp | None:
    """Midnight starting ``day`` (+ ``plus`` days) in ``timezone``, as UTC."""
    if day is None:
        return None
    midnight = pd.Timestamp(day) + pd.Timedelta(days=plus)
    return midnight.tz_localize(timezone, ambiguous=False, nonexistent="shift_forward").tz_convert("UTC")


def _condition(log: pd.DataFrame, condition: Condition, column: str,
               name: str = "--where") -> tuple[np.ndarray, str, str]:
    """Rows where ``condition`` holds, what it is, and why it kept nothing (naming the
    condition by ``name``: the option, or the file and key it came from)."""
    values = log[column]
    keep = meets(values, condition)
    # the report names the condition as the user wrote it: the option, or the file's key
    where: str = f"{'filter.where' if name.endswith('filter.where') else '--where'} {condition.text()}"
    if column != condition.column:
        where = Message("filter.where_column", condition=condition.text(), column=column)
    seen = pd.Series(values.dropna().unique())
    shown = ", ".join(sorted(map(str, seen.head(SHOWN_VALUES * 10)))[:SHOWN_VALUES])
    more = f" and {len(seen) - SHOWN_VALUES:,} more" if len(seen) > SHOWN_VALUES else ""
    empty = (f"{name} {condition.text()} matches none of the {len(log):,} events "
             f"({condition.column} has {shown}{more})")
    return keep, where, empty


def meets(values: pd.Series, condition: Condition) -> np.ndarray:
    """Where ``values`` (the condition's column) meets ``condition``: equal to one of its
    values (``=``, ``in``) or to none (``!=``, ``not in``), as numbers in a numeric column,
    else as text without surrounding spaces.

    Example:
        >>> meets(pd.Series(["Espoo ", "Vantaa", None]), Condition.parse("kunta != Vantaa")).tolist()
        [True, False, True]
    """
    hit = judged_by_value(values, lambda distinct: _matches(distinct, condition.values))
    return ~hit if condition.operator in ("!=", "not in") else hit


def judged_by_value(values: pd.Series, judge: Callable[[pd.Series], np.ndarray]) -> np.ndarray:
    """``judge(values)`` for a ``judge`` that decides value by value, asked once per
    distinct value (text is trimmed and normalised per value: ten million rows of a few
    municipalities' names took seconds row by row); numbers are judged as they are.

    Example:
        >>> judged_by_value(pd.Series(["a", "b", "a", None]), lambda v: (v == "a").to_numpy()).tolist()
        [True, False, True, False]
    """
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return judge(values)
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(judge(pd.Series(distinct, dtype=values.dtype)), dtype=bool)[codes]


def _matches(values: pd.Series, wanted: tuple[str, ...]) -> np.ndarray:
    """Where ``values`` equals one of ``wanted``: as numbers in a numeric column, else as text."""
    wanted = tuple(unicodedata.normalize("NFC", w).strip() for w in wanted)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        numbers = pd.to_numeric(pd.Series(wanted, dtype=object), errors="coerce")
        hit = values.isin(numbers.dropna().tolist()).to_numpy(dtype=bool)
        words = [w for w, n in zip(wanted, numbers) if pd.isna(n)]  # 91 as a number, x as text
        if not words:
            return hit
        return hit | values.astype("string").str.strip().isin(words).fillna(False).to_numpy(dtype=bool)
    text = values.astype("string").str.strip().str.normalize("NFC")
    return text.isin(list(wanted)).fillna(False).to_numpy(dtype=bool)


def _rare(log: pd.DataFrame, min_cases: int, columns: LogColumns) -> tuple[np.ndarray, str, str]:
    """Rows of activities performed in at least ``min_cases`` cases."""
    act = log[columns.activity].astype("string")
    cases = log.groupby(act.to_numpy(), sort=False)[columns.case].nunique()
    common = cases.index[cases >= min_cases]
    keep = act.isin(list(common)).to_numpy(dtype=bool)
    dropped = len(cases) - len(common)
    what = Message("filter.rare", min=min_cases, dropped=dropped, total=len(cases))
    empty = (f"--min-cases {min_cases:,} drops every activity (the most common is in "
             f"{int(cases.max()):,} cases)")
    return keep, what, empty


__all__ = ["FilterReport", "FilterStep", "filter_log", "meets", "resolve_column"]
