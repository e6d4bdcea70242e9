"""Repeated identical events: rows that repeat an earlier row exactly, and export duplicates.

Identical rows are normal in real exports: several invoice lines posted in one batch, a
step a system job repeats within the same second, a log exported without its event-id
column. pm4py and Disco keep them, and so does :func:`rpa_scout.read_log` unless asked
to drop them (``drop_duplicates``); dropping them silently would change the answer, and
keeping a true export duplicate inflates it, so the load report counts them either way.

Where the log carries an event identifier (a column named like :data:`EVENT_ID_NAMES`
or named explicitly), a row with the same identifier, case, activity, timestamp and
lifecycle transition as an earlier row is the same event exported twice: an export
duplicate, dropped by default.

Pure computation: the reader calls these on the clean table; the ranking calls
:func:`repeated_event_share` to say how much of each candidate's volume repeats.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from rpa_scout.codes import Coded
from rpa_scout.columns import XES, LogColumns, require_columns
from rpa_scout.lifecycle import in_case_time_order

#: Column names taken for an event identifier (letter case, ``_``, ``-`` and spaces ignored),
#: in order of preference.
EVENT_ID_NAMES = ("event_id", "eventid", "id", "concept:instance")


def _key(name: str) -> str:
    text = str(name).strip().lower()
    for ch in "_- ":
        text = text.replace(ch, "")
    return text


def find_event_id(header: Iterable[str], taken: Iterable[str | None] = ()) -> str | None:
    """The column of ``header`` named like an event identifier, or ``None``.

    Args:
        header: the source column names.
        taken: columns that already play a role (case, activity, ...); never chosen.

    Returns:
        The first column, in the order of :data:`EVENT_ID_NAMES`, whose name matches.

    Example:
        >>> from rpa_scout.repeats import find_event_id
        >>> find_event_id(["case_id", "Event ID", "activity"])
        'Event ID'
        >>> find_event_id(["id", "activity"], taken=["id"]) is None   # id is the case column
        True
    """
    busy = {c for c in taken if c is not None}
    by_key: dict[str, str] = {}
    for column in header:
        if column not in busy:
            by_key.setdefault(_key(column), column)
    for name in EVENT_ID_NAMES:
        if _key(name) in by_key:
            return by_key[_key(name)]
    return None


def repeated_rows(frame: pd.DataFrame, *, columns: LogColumns = XES) -> np.ndarray:
    """Which rows repeat an identical earlier row (every column equal), file order kept.

    The same as ``frame.duplicated(keep="first").to_numpy()``, comparing every column
    only where needed: identical rows agree on case, activity and timestamp, so only the
    rows whose (case, activity, timestamp) occurs more than once are compared in full.
    The first row of each group is not a repeat.

    Example:
        >>> from rpa_scout.repeats import repeated_rows
        >>> import pandas as pd
        >>> log = pd.DataFrame({"case:concept:name": ["L1", "L1", "L1", "L2"],
        ...                     "concept:name": ["Tiliöinti", "Tiliöinti", "Hyväksyntä", "Tiliöinti"],
        ...                     "time:timestamp": ["2024-02-01 09:15", "2024-02-01 09:15",
        ...                                        "2024-02-02 10:00", "2024-02-01 11:00"]})
        >>> repeated_rows(log).tolist()     # L1's second posting in the same minute
        [False, True, False, False]
    """
    keys = [c for c in (columns.case, columns.activity, columns.timestamp) if c in frame.columns]
    if len(frame) < 2 or not keys or len(keys) == len(frame.columns):
        return frame.duplicated(keep="first").to_numpy(dtype=bool)
    if {columns.case, columns.timestamp} <= set(keys) and in_case_time_order(frame, columns):
        # In case and time order (as read_log returns a log), identical rows sit in runs
        # of rows with the same case and instant: comparing neighbours finds them
        # without hashing every row's keys.
        ts = frame[columns.timestamp].array.asi8
        case = frame[columns.case]
        after, before = case.iloc[1:].reset_index(drop=True), case.iloc[:-1].reset_index(drop=True)
        same = (after == before).to_numpy(dtype=bool) & (ts[1:] == ts[:-1])
        candidates = np.r_[same, False] | np.r_[False, same]
        candidates = _narrowed(frame, candidates, np.cumsum(np.r_[True, ~same]),
                               [c for c in (columns.lifecycle, columns.activity, columns.resource)
                                if c in frame.columns])
    else:
        candidates = frame.duplicated(subset=keys, keep=False).to_numpy(dtype=bool)
    dup = np.zeros(len(frame), dtype=bool)
    if candidates.any():
        dup[candidates] = frame.loc[candidates].duplicated(keep="first").to_numpy(dtype=bool)
    return dup


def _narrowed(frame: pd.DataFrame, candidates: np.ndarray, run: np.ndarray,
              columns: list[str]) -> np.ndarray:
    """``candidates`` less the rows that no other row of their run (same case and instant)
    matches in one of ``columns``: they cannot repeat a row. Column by column, so that
    the common ties (a step's start and complete at one instant) drop out on the first."""
    for column in columns:
        rows = np.flatnonzero(candidates)
        if len(rows) == 0:
            break
        codes, uniques = pd.factorize(frame[column].array.take(rows))  # missing: -1, equal to missing
        key = run[rows].astype(np.int64) * (len(uniques) + 1) + (codes + 1)
        candidates = candidates.copy()
        candidates[rows] = _shared(key)
    return candidates


def _shared(key: np.ndarray) -> np.ndarray:
    """Which values of ``key`` occur more than once (``duplicated(keep=False)``), by
    sorting instead of hashing."""
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    same = ordered[1:] == ordered[:-1]
    shared = np.zeros(len(key), dtype=bool)
    shared[order[1:][same]] = True
    shared[order[:-1][same]] = True
    return shared


def export_duplicates(frame: pd.DataFrame, event_id: str, *,
                      columns: LogColumns = XES) -> np.ndarray:
    """Which rows repeat an earlier row's event id, case, activity, timestamp and transition.

    Rows without an event id (missing or blank) are never export duplicates.

    Args:
        frame: the log with XES column names and the event-id column.
        event_id: the event-identifier column.
        columns: column mapping, XES names by default.

    Example:
        >>> from rpa_scout.repeats import export_duplicates
        >>> import pandas as pd
        >>> log = pd.DataFrame({"case:concept:name": ["L1", "L1", "L1", "L2"],
        ...                     "concept:name": ["Tiliöinti", "Tiliöinti", "Hyväksyntä", "Tiliöinti"],
        ...                     "time:timestamp": ["2024-02-01 09:15", "2024-02-01 09:15",
        ...                                        "2024-02-02 10:00", "2024-02-01 11:00"]})
        >>> export_duplicates(log.assign(event_id=["e1", "e1", "e2", "e3"]), "event_id").tolist()
        [False, True, False, False]
        >>> export_duplicates(log.assign(event_id=["e1", "e2", "e3", "e4"]), "event_id").tolist()
        [False, False, False, False]
    """
    keys = [event_id] + [c for c in (columns.case, columns.activity, columns.timestamp,
                                     columns.lifecycle) if c in frame.columns and c != event_id]
    ids = frame[event_id]
    has_id = ids.notna().to_numpy(dtype=bool)
    if not pd.api.types.is_numeric_dtype(ids.dtype):
        has_id = has_id & (ids.astype("string").str.strip() != "").fillna(False).to_numpy(dtype=bool)
    dup = np.zeros(len(frame), dtype=bool)
    if has_id.sum() > 1:
        dup[has_id] = frame.loc[has_id, keys].duplicated(keep="first").to_numpy(dtype=bool)
    return dup


def repeated_event_share(log: pd.DataFrame, *, columns: LogColumns = XES,
                         repeated: np.ndarray | None = None) -> pd.Series:
    """Per activity, the share of its events that repeat an identical earlier row.

    Use it to state how much of a candidate's volume repeated identical events make up
    (they are kept by :func:`rpa_scout.read_log` unless ``drop_duplicates`` is set; the
    load report's ``repeated`` field says which).

    Args:
        log: event log with XES column names (every column is compared).
        columns: column mapping, XES names by default.
        repeated: :func:`repeated_rows` of ``log``, when already known.

    Returns:
        Float Series indexed by activity (sorted), named ``repeated_share``: 0.0 for an
        activity without repeats, 0.5 for one whose every event appears exactly twice.

    Example:
        >>> from rpa_scout import repeated_event_share
        >>> import pandas as pd
        >>> log = pd.DataFrame({"case:concept:name": ["L1", "L1", "L1", "L2"],
        ...                     "concept:name": ["Tiliöinti", "Tiliöinti", "Hyväksyntä", "Tiliöinti"],
        ...                     "time:timestamp": ["2024-02-01 09:15", "2024-02-01 09:15",
        ...                                        "2024-02-02 10:00", "2024-02-01 11:00"]})
        >>> repeated_event_share(log).to_dict()   # one of Tiliöinti's three events repeats
        {'Hyväksyntä': 0.0, 'Tiliöinti': 0.3333333333333333}
    """
    columns = require_columns(log, columns, roles=("activity",))
    act = columns.activity
    if log.empty:
        return pd.Series(dtype=float, name="repeated_share").rename_axis(act)
    repeated = np.asarray(repeated_rows(log, columns=columns) if repeated is None else repeated, dtype=float)
    coded = Coded.text(log[act])  # per activity, by its codes
    codes, known, n = coded.codes, coded.known, len(coded.values)
    counts = np.bincount(codes[known], minlength=n)
    share = pd.Series(np.bincount(codes[known], weights=repeated[known], minlength=n) / counts,
                      index=pd.Index(coded.values, dtype="string"))
    return share[counts > 0].sort_index().astype(float).rename("repeated_share").rename_axis(act)
