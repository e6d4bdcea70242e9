"""Choosing a file's rows by the filters' period while it is read.

``rank --from 2024-01-01 --to 2024-12-31`` on a log of many years, or on a national file,
needs the year's rows only. Where the file holds its times as times (a Parquet timestamp
or date column, not text to be parsed), the rows a period may keep once read are chosen
as the file is read, as :mod:`rpa_scout.choose` chooses by ``--where``:

- by event time (``--period-basis events``), a row whose time (or start time) may fall
  in the period;
- by case start (``--period-basis cases``, the default), every row of a case that may
  start in the period: a first pass over the case and time columns finds each case's
  first and last time (and whether a row of it may meet the ``--where`` conditions,
  which then choose cases, not rows: a case's start is that of all its events), and the
  second reads the rows of the cases chosen.

The period is widened by :data:`MARGIN` on each side (a time the file holds without a
zone is read as a local time), and cases are told apart by their ids as reading cleans
them (:func:`case_keys`), so the rows read hold every row the filter keeps after reading
the whole file; :func:`rpa_scout.filter_log` then applies the period exactly.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rpa_scout.errors import NothingKeptError
from rpa_scout.lang import Message

#: How much wider than the period the rows chosen are: a day covers any zone's offset.
MARGIN = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A period of local days as the file's time columns may hold it.

    Attributes:
        columns: the file's time columns (the completion time, and the start time
            where the log has one).
        first_day, last_day: the period's first and last day (``YYYY-MM-DD``), or
            ``None`` where it is open.
        zone: the zone the days are local days of, and times without a zone are in.
        cases: by case start (else by event time).

    Example:
        >>> period = Period(("t",), "2024-03-01", "2024-03-31", "Europe/Helsinki", cases=False)
        >>> period.may_hold(*period.times(pd.DataFrame({"t": pd.to_datetime(["2024-02-15 12:00", "2024-03-31 23:00"])})))
        array([False,  True])
    """

    columns: tuple[str, ...]
    first_day: str | None
    last_day: str | None
    zone: str
    cases: bool

    def times(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Each row's earliest and latest time in the time columns, as local wall times
        (``NaT`` where it has none)."""
        walls = [_wall(frame[column], self.zone) for column in self.columns]
        return functools.reduce(np.fmin, walls), functools.reduce(np.fmax, walls)   # NaT where none

    @property
    def low(self) -> pd.Timestamp | None:
        """The earliest local wall time a row chosen may hold: :data:`MARGIN` before the
        first day (``None`` when the period is open there)."""
        return None if self.first_day is None else pd.Timestamp(self.first_day) - MARGIN

    @property
    def high(self) -> pd.Timestamp | None:
        """The local wall time every row chosen is before: :data:`MARGIN` after the last day."""
        return None if self.last_day is None else pd.Timestamp(self.last_day) + pd.Timedelta(days=1) + MARGIN

    def may_hold(self, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Where a time between ``first`` and ``last`` may fall in the period once read."""
        keep = ~(np.isnat(first) | np.isnat(last))
        if self.low is not None:
            keep &= last >= self.low.to_datetime64()
        if self.high is not None:
            keep &= first < self.high.to_datetime64()
        return keep

    def nothing_falls(self, first: np.datetime64, last: np.datetime64) -> NothingKeptError:
        """The filter's error when no row may fall in the period (``first``, ``last``: the
        file's first and last time, or case start)."""
        span = Message("filter.span", start=self.first_day or "…", end=self.last_day or "…", zone=self.zone)
        basis = "cases start" if self.cases else "events fall"
        day = lambda t: str(np.datetime_as_string(t, unit="D")) if not np.isnat(t) else "…"  # noqa: E731
        return NothingKeptError(f"the filters keep no events: nothing falls in {span}: the log's {basis} "
                                f"{day(first)} .. {day(last)}")


def _wall(values: pd.Series, zone: str) -> np.ndarray:
    """Times as local wall times in ``zone`` (a time without a zone is one already)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(zone).dt.tz_localize(None)
    elif not pd.api.types.is_datetime64_dtype(values.dtype):  # dates
        values = pd.to_datetime(values, errors="coerce")
    return values.to_numpy(dtype="datetime64[ns]")


def case_keys(values: pd.Series) -> pd.Series:
    """Each row's case id as reading cleans it (NUL bytes out, trimmed; missing where
    blank), judged once per distinct id: what tells a file's cases apart.

    Example:
        >>> case_keys(pd.Series(["10", " 10", "A ", None, " "])).tolist()
        ['10', '10', 'A', <NA>, <NA>]
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    text = pd.Series(distinct).astype("string").str.replace("\x00", "", regex=False).str.strip()
    keys = text.mask(text == "").to_numpy(dtype=object, na_value=pd.NA)
    return pd.Series(keys[codes], index=values.index, dtype=object)


@dataclass
class CaseSpans:
    """The first pass of choosing by case start: per case (:func:`case_keys`), its first
    and last time and, per ``--where`` condition, how many of its rows meet the
    conditions up to it (what :meth:`nothing_kept` names), batch by batch.

    Example:
        >>> period = Period(("t",), "2024-03-01", None, "UTC", cases=True)
        >>> spans = CaseSpans(period, "case")
        >>> spans.add(pd.DataFrame({"case": ["a", "a", "b"],
        ...                         "t": pd.to_datetime(["2024-01-01", "2024-05-01", "2024-01-01"])}), [])
        >>> sorted(spans.chosen())   # a runs into the period (its start may move); b does not
        ['a']
    """

    period: Period
    case_column: str
    conditions: int = 0
    parts: list[pd.DataFrame] | None = None

    def add(self, frame: pd.DataFrame, meets: list[np.ndarray]) -> None:
        """One batch: its case, time columns, and per condition where its rows may meet it."""
        first, last = self.period.times(frame)
        passed = np.ones(len(frame), dtype=bool)
        levels = {}
        for i, hit in enumerate(meets):
            passed = passed & hit
            levels[f"n{i + 1}"] = passed.astype(np.int64)
        codes, ids = pd.factorize(frame[self.case_column], use_na_sentinel=False)
        part = pd.DataFrame({"id": codes, "first": first, "last": last,
                             "n0": np.ones(len(frame), dtype=np.int64), **levels})
        aggregate = {"first": "min", "last": "max", **{c: "sum" for c in part.columns if c.startswith("n")}}
        part = part.groupby("id", sort=False).agg(aggregate)   # by the batch's ids' codes: fast
        part.index = case_keys(pd.Series(ids)).to_numpy(dtype=object)[part.index.to_numpy()]
        self.parts = [*(self.parts or []), part.loc[part.index.notna()]]
        if len(self.parts) > 16:
            self.parts = [self._merged()]

    def _merged(self) -> pd.DataFrame:
        parts = self.parts or []
        if not parts:
            return pd.DataFrame(columns=["first", "last", "n0"])
        whole = pd.concat(parts)
        aggregate = {"first": "min", "last": "max", **{c: "sum" for c in whole.columns if c.startswith("n")}}
        return whole.groupby(level=0, sort=False).agg(aggregate)

    def _in_period(self) -> pd.DataFrame:
        whole = self._merged()
        self.parts = [whole]
        first = whole["first"].to_numpy(dtype="datetime64[ns]")
        last = whole["last"].to_numpy(dtype="datetime64[ns]")
        return whole.loc[self.period.may_hold(first, last)]

    def chosen(self) -> set[str]:
        """The cases whose rows to read: those that may start in the period and have a
        row that may meet every condition."""
        held = self._in_period()
        last = f"n{self.conditions}"
        return set(held.index[held[last].to_numpy() > 0])

    def nothing_kept(self) -> tuple[NothingKeptError | None, list[int]]:
        """When :meth:`chosen` is empty: the period's error when no case may start in it,
        else ``None`` and the rows of the cases that may, per condition, that meet the
        conditions before it."""
        whole = self._merged()
        held = self._in_period()
        if held.empty:
            starts = whole["first"].to_numpy(dtype="datetime64[ns]")
            starts = starts[~np.isnat(starts)]
            first, last = (starts.min(), starts.max()) if len(starts) else (np.datetime64("NaT"),) * 2
            return self.period.nothing_falls(first, last), []
        return None, [int(held[f"n{i}"].sum()) for i in range(self.conditions)]


__all__ = ["MARGIN", "CaseSpans", "Period", "case_keys"]
