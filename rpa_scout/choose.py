"""Choosing a file's rows by the filters' ``where`` conditions while it is read.

A national file may hold hundreds of municipalities and not fit in memory; one of them
does. The rows an ``=`` or ``in`` condition may keep once read are chosen batch by batch
as the file is read (:func:`rpa_scout.io.parquet.read_parquet_rows`; on Spark, by the
values of each condition's column that may meet it), the others are counted and never held. Choosing keeps every row the filter keeps
after reading (:func:`may_meet`), and :func:`rpa_scout.filter_log` still runs, so the
log is the one the filter gives a file read whole, read as a file of its own would be.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

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

    def __post_init__(self) -> None:
        self.reached = self.reached or [0] * len(self.conditions)

    @property
    def columns(self) -> list[str]:
        """The file's columns the conditions are on, each once."""
        return list(dict.fromkeys(column for _, column in self.conditions))

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows of ``frame`` (a batch with at least :attr:`columns`) to read."""
        keep = np.ones(len(frame), dtype=bool)
        for i, (condition, column) in enumerate(self.conditions):
            self.reached[i] += int(keep.sum())
            keep &= judged_by_value(frame[column], lambda values: may_meet(values, condition))
        return keep

    def nothing_kept(self, source: str, values: Callable[[str], pd.Series]) -> NothingKeptError:
        """The error when no row was chosen: the first condition that leaves none, as the
        filter names it, with the values its column has (``values``: a column's distinct
        values in the file)."""
        n = len(self.conditions)
        first = next(i for i in range(n) if i + 1 == n or not self.reached[i + 1])
        condition, column = self.conditions[first]
        found = sorted(map(str, values(column).dropna()))
        more = f" and {len(found) - SHOWN_VALUES:,} more" if len(found) > SHOWN_VALUES else ""
        kept = " that the conditions before it keep" if first else ""
        return NothingKeptError(f"the filters keep no events: {self.name} {condition.text()} matches none of the "
                                f"{self.reached[first]:,} rows of {source}{kept} ({condition.column} has "
                                f"{', '.join(found[:SHOWN_VALUES]) or 'no values'}{more})")


def row_chooser(filters: FilterSettings, header: list[str], mapping: LogColumns) -> RowChooser | None:
    """The :class:`RowChooser` of ``filters`` for a file of these columns (``mapping``: its
    roles), or ``None`` when no condition can choose rows as the file is read: only ``=``
    and ``in`` on a column of the file (as named there, or a case attribute without its
    ``case:``) that is no time, lifecycle, resource or column of people, and none at all
    when a period chooses cases by their first event (conditions first would move it).

    Example:
        >>> from rpa_scout.columns import XES
        >>> chosen = FilterSettings(where=("kunta=Espoo", "tila!=auki", "org:resource=Aino"))
        >>> [c for c, _ in row_chooser(chosen, ["case:kunta", "tila", "org:resource"], XES).conditions]
        [Condition(column='kunta', operator='=', values=('Espoo',))]
    """
    from rpa_scout.privacy import person_header

    if (filters.date_from or filters.date_to) and filters.period_basis == "cases":
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
    return RowChooser(tuple(chosen), filters.where_name) if chosen else None


__all__ = ["NOT_CHOSEN_BY", "RowChooser", "may_meet", "row_chooser"]
