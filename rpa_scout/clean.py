"""Turn a raw table (source column names) into a clean XES-named log and its report.

Pure computation: readers in :mod:`rpa_scout.io` hand over a DataFrame and the mapping;
this module decides, row by row, what is kept, repaired or rejected and why.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from rpa_scout.columns import XES, LogColumns
from rpa_scout.errors import InputError
from rpa_scout.lifecycle import (COMPLETE, START, WORK_TRANSITIONS, normalise_transition,
                                 pair_lifecycle)
from rpa_scout.report import SAMPLE_ROWS, LoadReport
from rpa_scout.timestamps import DEFAULT_TIMEZONE, ParsedTimestamps, parse_timestamps

REASONS = (
    "missing case id",
    "missing activity",
    "missing timestamp",
    "unparseable timestamp",
    "exact duplicate",
)
MALFORMED = "wrong number of fields"


def standardise(
    raw: pd.DataFrame,
    mapping: LogColumns,
    *,
    source: str,
    fmt: str,
    timestamp_format: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    notes: tuple[str, ...] = (),
    row_numbers: np.ndarray | None = None,
    malformed: Mapping[int, str] | None = None,
) -> tuple[pd.DataFrame, LoadReport]:
    """Rename mapped columns to XES names, parse timestamps, reject bad rows.

    Args:
        raw: the table as read, one row per source row, in file order.
        mapping: concrete mapping (``LogColumns.resolve`` result) of ``raw``'s columns.
        source: file name for messages.
        fmt: format name for the report.
        timestamp_format: explicit strftime format for timestamp columns.
        timezone: zone for naive timestamps.
        notes: facts the reader wants in the report.
        row_numbers: source row number of each row of ``raw`` (default 1..n).
        malformed: records the reader could not split, by row number; rejected.

    Returns:
        The clean log (sorted by case, then time, file order kept for ties) and the report.
    """
    missing = mapping.missing()
    if missing:
        raise InputError(f"{source}: no {missing[0]} column; name it with --{missing[0]}")
    malformed = dict(malformed or {})
    n = len(raw) + len(malformed)
    row_no = np.arange(1, len(raw) + 1) if row_numbers is None else np.asarray(row_numbers)
    rename = {}
    for role in ("case", "activity", "timestamp", "resource", "lifecycle", "start_timestamp"):
        col = getattr(mapping, role)
        if col is not None:
            rename[col] = getattr(XES, role)
    clash = [c for c in raw.columns if c in rename.values() and c not in rename]
    frame = raw.drop(columns=clash).rename(columns=rename)
    repaired: dict[str, int] = {}
    notes_out = list(notes)
    if clash:
        notes_out.append(f"columns {', '.join(clash)} dropped: their XES name is taken by the mapping")

    numeric = _numeric_attributes(frame, set(rename.values()))
    if numeric:
        notes_out.append("numbers read in " + ", ".join(numeric))
    case = _clean_text(frame[XES.case], "case id", repaired)
    activity = _clean_text(frame[XES.activity], "activity", repaired)
    frame[XES.case] = case
    frame[XES.activity] = activity
    raw_ts = frame[XES.timestamp]
    parsed = parse_timestamps(raw_ts, timestamp_format=timestamp_format, timezone=timezone)
    frame[XES.timestamp] = _positional(parsed.values)
    if parsed.dst_shifted:
        repaired["timestamp in the spring-forward DST gap moved to the next valid time"] = parsed.dst_shifted
    method = parsed.method
    if XES.start_timestamp in frame.columns:
        start = parse_timestamps(frame[XES.start_timestamp], timestamp_format=timestamp_format,
                                 timezone=timezone)
        frame[XES.start_timestamp] = _positional(start.values)
        _count_start_problems(frame, start, repaired)
    if XES.resource in frame.columns:
        frame[XES.resource] = _clean_text(frame[XES.resource], "resource", repaired)
    if XES.lifecycle in frame.columns:
        frame[XES.lifecycle] = normalise_transition(frame[XES.lifecycle])

    raw_blank = _is_blank(raw_ts)
    reasons = pd.Series(pd.NA, index=frame.index, dtype="object")
    checks = [
        ("missing case id", case.isna()),
        ("missing activity", activity.isna()),
        ("missing timestamp", pd.Series(raw_blank, index=frame.index)),
        ("unparseable timestamp", frame[XES.timestamp].isna()),
    ]
    for reason, mask in checks:
        reasons = reasons.mask(reasons.isna() & mask.to_numpy(), reason)
    ok = reasons.isna()
    if ok.all():  # the same as below, without copying every row first
        dup = pd.Series(_duplicated(frame), index=frame.index)
    else:
        dup = pd.Series(False, index=frame.index)
        dup[ok] = _duplicated(frame.loc[ok])
    reasons = reasons.mask(dup, "exact duplicate")

    rejected: dict[str, int] = {}
    samples: dict[str, tuple[int, ...]] = {}
    rejected_mask = reasons.notna().to_numpy()
    for reason in REASONS:
        hit = (reasons == reason).to_numpy()
        count = int(hit.sum())
        if count:
            rejected[reason] = count
            samples[reason] = tuple(int(r) for r in row_no[hit][:SAMPLE_ROWS])
    if malformed:
        rejected[MALFORMED] = len(malformed)
        samples[MALFORMED] = tuple(sorted(malformed)[:SAMPLE_ROWS])
    rejected_rows = None
    if rejected_mask.any() or malformed:
        rejected_rows = raw.loc[rejected_mask].copy()
        rejected_rows.insert(0, "row", row_no[rejected_mask])
        rejected_rows.insert(1, "reason", reasons[rejected_mask].to_numpy())
        if malformed:
            extra = pd.DataFrame({"row": list(malformed), "reason": MALFORMED,
                                  "raw_record": list(malformed.values())})
            rejected_rows = pd.concat([rejected_rows, extra], ignore_index=True)
            rejected_rows = rejected_rows.sort_values("row", kind="stable")
    log = frame.loc[~rejected_mask]
    if log.empty and n == 0:
        raise InputError(f"{source}: the log has a header but no rows; export the log again")
    if log.empty:
        first = next(iter(rejected), "no rows")
        raise InputError(
            f"{source}: all {n:,} rows were rejected (first reason: {first}, e.g. row "
            f"{samples.get(first, (0,))[0]}); check the column mapping with --case/--activity/"
            "--timestamp and the --timestamp-format"
        )
    if _sorted_by_case_and_time(log):  # a stable sort would keep every row where it is
        log = log.reset_index(drop=True)
    else:
        log = log.sort_values([XES.case, XES.timestamp], kind="stable").reset_index(drop=True)
    lifecycle_counts: dict[str, int] = {}
    if XES.lifecycle in log.columns:
        lifecycle_counts = _lifecycle_counts(log)
    report = LoadReport(
        source=source,
        format=fmt,
        mapping={role: getattr(mapping, role) for role in rename_roles(mapping)},
        mapping_name=mapping.name,
        timestamp_method=method,
        rows_read=n,
        rows_kept=len(log),
        repaired=repaired,
        rejected=rejected,
        samples=samples,
        lifecycle=lifecycle_counts,
        notes=tuple(notes_out),
        rejected_rows=rejected_rows,
    )
    assert report.rows_kept + report.rows_rejected == report.rows_read
    return log, report


def rename_roles(mapping: LogColumns) -> list[str]:
    """Roles that the mapping fills."""
    roles = ("case", "activity", "timestamp", "resource", "lifecycle", "start_timestamp")
    return [r for r in roles if getattr(mapping, r) is not None]


_PROBE = 200
_NUMBER = r"\s*-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?\s*"


def _numeric_attributes(frame: pd.DataFrame, roles: set[str]) -> list[str]:
    """Turn text attribute columns whose every filled value is a plain number into numbers.

    CSV cells arrive as text; amounts and counts are numbers to the analysis (the
    decision trees of the ranking split on them). Values with a leading zero (postal
    codes, identifiers) keep the column as text; role columns are never touched.
    Changes ``frame`` in place and returns the converted column names.
    """
    from rpa_scout.timestamps import str_fullmatch_all

    converted = []
    for col in frame.columns:
        values = frame[col]
        # Text columns only (an object column of mixed Python values is left as it is).
        if col in roles or pd.api.types.infer_dtype(values, skipna=True) != "string":
            continue
        text = values.astype("string")
        filled = text[text.notna() & (text.str.strip() != "")]
        if filled.empty or not filled.head(_PROBE).str.fullmatch(_NUMBER).all():
            continue  # most text columns fail on their first values: no full scan
        if not str_fullmatch_all(filled, _NUMBER):
            continue
        number = pd.to_numeric(text.mask(text.str.strip() == ""), errors="coerce")
        whole = number.notna().all() and bool((number.dropna() % 1 == 0).all())
        frame[col] = number.to_numpy(dtype="int64" if whole else float,
                                     na_value=0 if whole else np.nan)
        converted.append(str(col))
    return converted


def _positional(values: pd.Series):
    """``values.to_numpy()`` for assigning a column by position.

    A tz-aware column's ``to_numpy()`` boxes every value as a Timestamp object only for
    pandas to parse them back into the same dtype; its ``array`` is that column as is.
    All-missing columns keep ``to_numpy()``, whose inferred dtype differs there.
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype) and values.notna().any():
        return values.array
    return values.to_numpy()


def _sorted_by_case_and_time(log: pd.DataFrame) -> bool:
    """Whether ``log`` is already in (case, timestamp) order, ties in any order.

    Both columns are free of missing values here (such rows are rejected before).
    """
    if len(log) < 2:
        return True
    case, ts = log[XES.case], log[XES.timestamp]
    if case.isna().any() or ts.isna().any():
        return False
    if not isinstance(case.dtype, pd.StringDtype) or ts.dtype.kind != "M":
        return False
    before, after = case.iloc[:-1].reset_index(drop=True), case.iloc[1:].reset_index(drop=True)
    later = (after > before).to_numpy(dtype=bool)
    if not (later | (after == before).to_numpy(dtype=bool)).all():
        return False
    stamps = getattr(ts.array, "asi8", None)  # int64 instants, one unit for the column
    if stamps is None:
        return False
    return bool((later | (stamps[1:] >= stamps[:-1])).all())


def _lifecycle_counts(log: pd.DataFrame) -> dict[str, int]:
    """``pair_lifecycle(log).counts``, without pairing when the log has no start events.

    With no ``start``, every ``complete`` is an unmatched instance of its own and
    nothing is paired, so the counts follow from counting transitions.
    """
    trans = normalise_transition(log[XES.lifecycle])
    if (trans == START).any():
        return pair_lifecycle(log).counts
    completes = int((trans == COMPLETE).sum())
    return {
        "instances": completes,
        "paired start+complete": 0,
        "unmatched complete (no start)": completes,
        "unmatched start (never completed)": 0,
        "non-work events (schedule, assign, ...)": int((~trans.isin(list(WORK_TRANSITIONS))).sum()),
    }


def _duplicated(frame: pd.DataFrame) -> np.ndarray:
    """``frame.duplicated(keep="first").to_numpy()``, comparing every column only where needed.

    Exact duplicates agree on case, activity and timestamp, so only the rows whose
    (case, activity, timestamp) occurs more than once are compared on all columns; file
    order is kept, so the first of each group is still the one kept.
    """
    keys = [c for c in (XES.case, XES.activity, XES.timestamp) if c in frame.columns]
    if len(frame) < 2 or not keys or len(keys) == len(frame.columns):
        return frame.duplicated(keep="first").to_numpy(dtype=bool)
    candidates = frame.duplicated(subset=keys, keep=False).to_numpy(dtype=bool)
    dup = np.zeros(len(frame), dtype=bool)
    if candidates.any():
        dup[candidates] = frame.loc[candidates].duplicated(keep="first").to_numpy(dtype=bool)
    return dup


def _is_blank(values: pd.Series) -> np.ndarray:
    if values.dtype.kind in "Mmfiu" or isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.isna().to_numpy()
    text = values.astype("string").str.strip()
    return (text.isna() | (text == "")).to_numpy()


def _clean_text(values: pd.Series, what: str, repaired: dict[str, int]) -> pd.Series:
    """Strings with surrounding whitespace removed; blank becomes missing."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype("string")
    if values.dtype.kind in "fiu":
        as_int = values.dropna()
        if len(as_int) and (as_int == as_int.round()).all():
            values = values.astype("Int64")
    text = values.astype("string")
    stripped = text.str.strip()
    changed = int(((stripped != text) & stripped.notna() & (stripped != "")).sum())
    if changed:
        repaired[f"{what}: surrounding whitespace removed"] = changed
    return stripped.mask(stripped == "")


def _count_start_problems(frame: pd.DataFrame, start: ParsedTimestamps,
                          repaired: dict[str, int]) -> None:
    after = (frame[XES.start_timestamp] > frame[XES.timestamp]).fillna(False)
    swapped = int(after.sum())
    if swapped:
        s = frame.loc[after, XES.start_timestamp].copy()
        frame.loc[after, XES.start_timestamp] = frame.loc[after, XES.timestamp]
        frame.loc[after, XES.timestamp] = s
        repaired["start after end: start and end swapped"] = swapped
