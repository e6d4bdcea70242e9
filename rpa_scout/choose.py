"""Choosing a file's rows by the filters' ``where`` conditions (and period:
:mod:`rpa_scout.choose_period`) while it is read.

A national file may hold hundreds of municipalities and not fit in memory; one of them
does. The rows an ``=`` or ``in`` condition may keep once read are chosen batch by batch
as the file is read (:func:`rpa_scout.io.parquet.read_parquet_rows`; on Spark, by the
values of each condition's column that may meet it), the others are counted and never
held. Choosing keeps every row the filter keeps after reading (:func:`may_meet`), and
:func:`rpa_scout.filter_log` still runs, so the log is the one the filter gives a file
read whole, read as a file of its own would be.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np
import pandas as pd

from rpa_scout.choose_period import CaseSpans, Period, case_keys
from rpa_scout.columns import LogColumns
from rpa_scout.errors import NothingKeptError
from rpa_scout.filters import SHOWN_VALUES, judged_by_value, meets
from rpa_scout.settings import Condition, FilterSettings

#: Roles whose values reading changes beyond trimming (times parsed, transitions named,
#: accounts of people): a condition on their column is left to the filter.
NOT_CHOSEN_BY = ("timestamp", "start_timestamp", "lifecycle", "resource")


def may_meet(values: pd.Series, condition: Condition) -> np.ndarray:
    """Where ``values`` as a file holds them (before reading trims them, takes NUL bytes
    out of ids and turns a text column of plain numbers into numbers) may meet
    ``condition`` once read: every row that :func:`rpa_scout.filters.meets` it after
    reading, and perhaps others. Only for ``=`` and ``in``: what ``!=`` keeps depends on
    the reading exactly.

    Example:
        >>> may_meet(pd.Series([" 10", "10.0", " Espoo", "x"]), Condition.parse("kunta in 10, Espoo")).tolist()
        [True, True, True, False]
    """
    if condition.operator not in ("=", "in"):
        raise ValueError(f"may_meet decides = and in, not {condition.operator}")
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return meets(values, condition)   # numbers are read as they are
    wanted = [unicodedata.normalize("NFC", w).strip() for w in condition.values]
    text = values.astype("string").str.replace("\x00", "", regex=False).str.strip().str.normalize("NFC")
    hit = text.isin(wanted).fillna(False).to_numpy(dtype=bool)
    numbers = pd.to_numeric(pd.Series(wanted, dtype=object), errors="coerce").dropna()
    if len(numbers):  # a column of plain numbers is read as numbers: 10.0 is then 10
        hit = hit | pd.to_numeric(text, errors="coerce").isin(numbers.tolist()).fillna(False).to_numpy(dtype=bool)
    return hit


@dataclass
class RowChooser:
    """Which rows of a file's batches may meet the conditions (``where`` conditions with
    the file's column each is on), counting as it goes how many rows meet the conditions
    before each one: what :meth:`nothing_kept` names when none is chosen.

    Example:
        >>> chooser = RowChooser(((Condition.parse("kunta=Espoo"), "kunta"),), "--where")
        >>> chooser(pd.DataFrame({"kunta": ["Espoo", "Vantaa"]})).tolist(), chooser.reached
        ([True, False], [2])
    """

    conditions: tuple[tuple[Condition, str], ...]
    name: str
    reached: list[int] = field(default_factory=list)
    #: The period (:mod:`rpa_scout.choose_period`), where the file holds its times as
    #: times; by event time it chooses rows before the conditions do (the filter applies
    #: it first), by case start it chooses cases, with the conditions, in a first pass.
    period: Period | None = None
    #: The case column, when the period chooses cases.
    case_column: str | None = None
    #: The cases chosen (:func:`rpa_scout.choose_period.case_keys`), once the first pass
    #: has found them.
    cases: frozenset[str] | None = None
    #: Rows whose time may fall in the period, and the earliest and latest time seen.
    in_period: int = 0
    span: tuple[np.datetime64, np.datetime64] | None = None

    def __post_init__(self) -> None:
        self.reached = self.reached or [0] * len(self.conditions)

    @property
    def columns(self) -> list[str]:
        """The file's columns the conditions (and the period) are on, each once: once
        the cases are chosen, the case column."""
        if self.cases is not None:
            return [str(self.case_column)]
        period = () if self.period is None else self.period.columns
        return list(dict.fromkeys([*(column for _, column in self.conditions), *period,
                                   *([self.case_column] if self.case_column else [])]))

    @property
    def needs_cases(self) -> bool:
        """Whether the cases must be found first (:meth:`first_pass`)."""
        return self.case_column is not None and self.cases is None

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of ``frame`` (a batch with at least :attr:`columns`) to read."""
        if self.case_column is not None:
            if self.cases is None:
                raise ValueError("the cases are chosen in a first pass (first_pass, with_cases)")
            cases = self.cases
            return judged_by_value(frame[self.case_column], lambda ids: np.fromiter(
                (key in cases for key in case_keys(ids).tolist()), dtype=bool, count=len(ids)))
        keep = np.ones(len(frame), dtype=bool)
        if self.period is not None:
            first, last = self.period.times(frame)
            self._seen(first, last)
            keep &= self.period.may_hold(first, last)
            self.in_period += int(keep.sum())
        return keep & self._meeting(frame, keep)

    def _meeting(self, frame: pd.DataFrame, keep: np.ndarray | None = None, *,
                 levels: list[np.ndarray] | None = None) -> np.ndarray:
        """Where ``frame``'s rows may meet the conditions, counting the rows (of ``keep``)
        that reach each; ``levels`` gets where each condition may be met."""
        keep = np.ones(len(frame), dtype=bool) if keep is None else keep.copy()
        for i, (condition, column) in enumerate(self.conditions):
            self.reached[i] += int(keep.sum())
            hit = judged_by_value(frame[column], lambda values: may_meet(values, condition))
            keep &= hit
            if levels is not None:
                levels.append(hit)
        return keep

    def _seen(self, first: np.ndarray, last: np.ndarray) -> None:
        low, high = first[~np.isnat(first)], last[~np.isnat(last)]
        if len(low):
            seen = (low.min(), high.max()) if self.span is None else \
                (min(self.span[0], low.min()), max(self.span[1], high.max()))
            self.span = seen

    def first_pass(self) -> CaseSpans:
        """The first pass's tally, when the period chooses cases: feed it each batch of
        :attr:`columns` with :meth:`tally`, then :meth:`with_cases`."""
        return CaseSpans(self.period, self.case_column, len(self.conditions))

    def tally(self, spans: CaseSpans, frame: pd.DataFrame) -> None:
        """Add one batch to the first pass: its cases' times and where the conditions may hold."""
        levels: list[np.ndarray] = []
        self._meeting(frame, levels=levels)
        spans.add(frame, levels)

    def with_cases(self, spans: CaseSpans, source: str, values: Callable[[str], pd.Series]) -> "RowChooser":
        """This chooser with the cases the first pass chose.

        Raises:
            NothingKeptError: no case may start in the period, or none has a row that
                may meet the conditions (worded as the filter words it).
        """
        chosen = spans.chosen()
        if chosen:
            return replace(self, cases=frozenset(chosen), reached=[])
        error, reached = spans.nothing_kept()
        if error is not None:
            raise error
        raise replace(self, reached=reached, case_column=None, period=None).nothing_kept(
            f"{source} whose cases may start in the period", values)

    def nothing_kept(self, source: str, values: Callable[[str], pd.Series]) -> NothingKeptError:
        """The error when no row was chosen: the first condition that leaves none, as the
        filter names it, with the values its column has (``values``: a column's distinct
        values in the file)."""
        if self.period is not None and not self.in_period:
            span = self.span or (np.datetime64("NaT"), np.datetime64("NaT"))
            return self.period.nothing_falls(*span)
        if self.period is not None:
            source = f"{source} that may fall in the period"
        n = len(self.conditions)
        first = next(i for i in range(n) if i + 1 == n or not self.reached[i + 1])
        condition, column = self.conditions[first]
        found = sorted(map(str, values(column).dropna()))
        more = f" and {len(found) - SHOWN_VALUES:,} more" if len(found) > SHOWN_VALUES else ""
        kept = " that the conditions before it keep" if first else ""
        return NothingKeptError(f"the filters keep no events: {self.name} {condition.text()} matches none of the "
                                f"{self.reached[first]:,} rows of {source}{kept} ({condition.column} has "
                                f"{', '.join(found[:SHOWN_VALUES]) or 'no values'}{more})")


def row_chooser(filters: FilterSettings, header: list[str], mapping: LogColumns,
                timed: Callable[[str], bool] | None = None, zone: str = "UTC") -> RowChooser | None:
    """The :class:`RowChooser` of ``filters`` for a file of these columns (``mapping``: its
    roles), or ``None`` when nothing can choose rows as the file is read: only ``=`` and
    ``in`` on a column of the file (as named there, or a case attribute without its
    ``case:``) that is no time, lifecycle, resource or column of people; and a period
    where the file holds its time columns as times (``timed``; ``zone``: the days' zone).
    A period by case start chooses cases, the conditions with it; where the file's times
    are text, it leaves everything to the filter (conditions applied first would move a
    case's start).

    Example:
        >>> from rpa_scout.columns import XES
        >>> chosen = FilterSettings(where=("kunta=Espoo", "tila!=auki", "org:resource=Aino"))
        >>> [c for c, _ in row_chooser(chosen, ["case:kunta", "tila", "org:resource"], XES).conditions]
        [Condition(column='kunta', operator='=', values=('Espoo',))]
    """
    from rpa_scout.privacy import person_header

    period = _period(filters, header, mapping, timed, zone)
    if (filters.date_from or filters.date_to) and filters.period_basis == "cases" and period is None:
        return None
    taken = {getattr(mapping, role) for role in NOT_CHOSEN_BY}
    nfc = {unicodedata.normalize("NFC", c): c for c in header}
    chosen = []
    for condition in filters.conditions:
        name = unicodedata.normalize("NFC", condition.column)
        column = nfc.get(name, nfc.get(f"case:{name}"))
        if column is not None and column not in taken and not person_header(column) \
                and condition.operator in ("=", "in"):
            chosen.append((condition, column))
    if not chosen and period is None:
        return None
    return RowChooser(tuple(chosen), filters.where_name, period=period,
                      case_column=mapping.case if period is not None and period.cases else None)


def _period(filters: FilterSettings, header: list[str], mapping: LogColumns,
            timed: Callable[[str], bool] | None, zone: str) -> Period | None:
    """The period that can choose rows as the file is read: set, and every time column of
    the file (completion, start) held as times."""
    if not (filters.date_from or filters.date_to) or timed is None:
        return None
    columns = [mapping.timestamp, *([mapping.start_timestamp] if mapping.start_timestamp in header else [])]
    if not all(column in header and timed(column) for column in columns) or mapping.case not in header:
        return None
    return Period(tuple(columns), filters.date_from, filters.date_to, zone, filters.period_basis == "cases")


__all__ = ["NOT_CHOSEN_BY", "RowChooser", "may_meet", "row_chooser"]
