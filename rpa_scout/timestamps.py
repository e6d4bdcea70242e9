"""Parse timestamp columns as municipal exports write them, into tz-aware UTC.

Supported without options: ISO 8601 with or without offset (offsets are converted to
UTC, never relabelled), ``dd.mm.yyyy hh:mm[:ss]``, Finnish ``d.m.yyyy h.mm``,
``dd/mm/yyyy`` or ``mm/dd/yyyy`` (order decided for the whole column),
``yyyy/mm/dd hh:mm:ss`` and epoch seconds (or milliseconds). An explicit
``timestamp_format`` (strftime syntax) wins. Naive values are read in ``timezone``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rpa_scout.errors import ConfigError

DEFAULT_TIMEZONE = "Europe/Helsinki"

_ISO = r"^\s*\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$"
_YMD = (r"^\s*(?P<year>\d{4})[/.](?P<a>\d{1,2})[/.](?P<b>\d{1,2})"
        r"(?:[ T]+(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?)?\s*$")
_DMY = (r"^\s*(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<year>\d{4})"
        r"(?:[ T]+(?:klo\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?)?\s*$")
_EPOCH = r"^\s*\d{9,13}(?:\.\d+)?\s*$"
_ZONE = r"(?:Z|[+-]\d{2}:?\d{2})\s*$"
# Values made only of these characters are matched the same by RE2 (pyarrow) and by
# Python's re for the patterns in rpa_scout: there RE2's \d, \s and $ equal Python's.
# Python's \s also takes \v, \x1c-\x1f and non-ASCII spaces, its \d non-ASCII digits,
# and its $ matches before a final newline, so any other value is matched with re.
_RE2_SAFE_CHARS = r"[^\t\r\f\x20-\x7e]"


@dataclass(frozen=True)
class ParsedTimestamps:
    """Result of parsing one column: UTC values (NaT where unparseable) and how."""

    values: pd.Series
    method: str
    dst_shifted: int = 0


def parse_timestamps(
    raw: pd.Series,
    *,
    timestamp_format: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> ParsedTimestamps:
    """Parse a column of timestamps into tz-aware UTC.

    Args:
        raw: the column as read (strings, datetimes or numbers).
        timestamp_format: explicit strftime format; wins over detection.
        timezone: zone for naive values (default Europe/Helsinki).

    Returns:
        The parsed values (``NaT`` where a value cannot be parsed) and the method used.
    """
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        values = pd.Series(raw)
        if getattr(values.dt, "tz", None) is None:
            return _localize(values, timezone, "datetime (naive, read in " + timezone + ")")
        return ParsedTimestamps(values.dt.tz_convert("UTC"), "datetime with zone")
    if pd.api.types.is_numeric_dtype(raw.dtype):
        return ParsedTimestamps(_from_epoch(pd.to_numeric(raw, errors="coerce")), "epoch")
    text = raw.astype("string").str.strip()
    text = text.mask(text == "")
    sample = text.dropna()
    if timestamp_format:
        try:
            values = pd.to_datetime(text, format=timestamp_format, errors="coerce")
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"invalid --timestamp-format {timestamp_format!r}: {exc}") from None
        return _finish(values, timezone, f"format {timestamp_format}")
    if sample.empty:
        return ParsedTimestamps(pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns, UTC]"),
                                "empty")
    head = sample.iloc[: min(len(sample), 2000)]
    if head.str.match(_EPOCH).mean() > 0.9:
        numbers = pd.to_numeric(text, errors="coerce")
        return ParsedTimestamps(_from_epoch(numbers), "epoch")
    if head.str.match(_ISO).mean() > 0.5:
        return _parse_iso(text, timezone)
    if head.str.match(_DMY).mean() > 0.5:
        return _parse_parts(text, _DMY, timezone, year_first=False)
    if head.str.match(_YMD).mean() > 0.5:
        return _parse_parts(text, _YMD, timezone, year_first=True)
    values = pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=True)
    return _finish(values, timezone, "free-form (day first)")


def _from_epoch(numbers: pd.Series) -> pd.Series:
    unit = "ms" if numbers.abs().max() > 1e11 else "s"
    return pd.to_datetime(numbers, unit=unit, utc=True, errors="coerce")


def _parse_iso(text: pd.Series, timezone: str) -> ParsedTimestamps:
    has_zone = str_contains(text, _ZONE)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    shifted = 0
    if has_zone.any():
        zoned = pd.to_datetime(text[has_zone].str.replace(",", ".", regex=False),
                               utc=True, errors="coerce", format="ISO8601")
        out.loc[has_zone] = zoned.astype("datetime64[ns, UTC]")
    naive_mask = ~has_zone & text.notna()
    if naive_mask.any():
        naive = pd.to_datetime(text[naive_mask].str.replace(",", ".", regex=False),
                               errors="coerce", format="ISO8601")
        local = _localize(naive, timezone, "")
        out.loc[naive_mask] = local.values.astype("datetime64[ns, UTC]")
        shifted = local.dst_shifted
    method = "ISO 8601" + (" with offsets" if has_zone.any() else "")
    if naive_mask.any():
        method += f" (naive values read in {timezone})"
    return ParsedTimestamps(out, method, shifted)


def _parse_parts(text: pd.Series, pattern: str, timezone: str, *, year_first: bool) -> ParsedTimestamps:
    parts = extract_numbers(text, pattern)
    a, b = parts["a"], parts["b"]
    if year_first:
        month, day, order = a, b, "yyyy/mm/dd"
    else:
        a_over, b_over = bool((a > 12).any()), bool((b > 12).any())
        if b_over and not a_over:
            month, day, order = a, b, "mm/dd/yyyy (decided for the whole column)"
        else:
            month, day = b, a
            order = "dd.mm.yyyy (decided for the whole column)"
            if not a_over:
                order = "dd.mm.yyyy (assumed: no day above 12 in the column)"
    frame = pd.DataFrame({
        "year": parts["year"],
        "month": month,
        "day": day,
        "hour": parts["hour"].fillna(0),
        "minute": parts["minute"].fillna(0),
        "second": parts["second"].fillna(0),
    })
    bad = frame[["year", "month", "day"]].isna().any(axis=1)
    frame.loc[bad, ["year", "month", "day"]] = [1970, 1, 1]
    values = pd.to_datetime(frame.astype("int64"), errors="coerce")
    values[bad] = pd.NaT
    return _finish(values, timezone, order)


def _finish(values: pd.Series, timezone: str, method: str) -> ParsedTimestamps:
    if getattr(values.dt, "tz", None) is not None:
        return ParsedTimestamps(values.dt.tz_convert("UTC"), method)
    return _localize(values, timezone, f"{method}, read in {timezone}")


def _localize(values: pd.Series, timezone: str, method: str) -> ParsedTimestamps:
    values = pd.Series(values).astype("datetime64[ns]")
    try:
        local = values.dt.tz_localize(timezone, ambiguous=np.zeros(len(values), dtype=bool),
                                      nonexistent="NaT")
    except Exception as exc:  # unknown zone name
        raise ConfigError(f"unknown time zone {timezone!r}: {exc}") from None
    gap = local.isna() & values.notna()
    shifted = int(gap.sum())
    if shifted:
        fixed = values[gap].dt.tz_localize(timezone, ambiguous=False, nonexistent="shift_forward")
        local = local.copy()
        local[gap] = fixed
    return ParsedTimestamps(local.dt.tz_convert("UTC"), method, shifted)


def epoch_seconds(values: pd.Series) -> np.ndarray:
    """Seconds since 1970-01-01 UTC as floats (NaN for NaT), for vectorised arithmetic."""
    as_utc = pd.to_datetime(values, utc=True)
    out = (as_utc - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)
    return np.asarray(out, dtype=float)


# --- regular expressions over whole columns --------------------------------------------
# pandas runs patterns with \d, \s or $ through Python's re one value at a time (RE2
# differs from re on some characters). These helpers run RE2 through pyarrow on the
# whole column and hand only the values where the two engines could differ to re, so
# the results are exactly those of the pandas calls they replace.


def _arrow(values: pd.Series):
    """(pyarrow.compute, the values as an Arrow string array), or ``None``."""
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:  # pragma: no cover - pandas 3 needs pyarrow for strings anyway
        return None
    try:
        array = pa.array(values.astype("string").array)
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            return None
    except (pa.ArrowException, TypeError, ValueError):
        return None
    return pc, array


def _unsafe_rows(pc, array) -> np.ndarray:
    """Positions of values that RE2 and Python's re might match differently."""
    unsafe = pc.fill_null(pc.match_substring_regex(array, _RE2_SAFE_CHARS), False)
    return np.flatnonzero(unsafe.to_numpy(zero_copy_only=False))


def _re2(pattern: str) -> str:
    """The pattern in RE2 syntax (RE2 spells a Unicode escape \\x{...})."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", r"\\x{\1}", pattern)


def extract_numbers(text: pd.Series, pattern: str) -> dict[str, pd.Series]:
    """``pd.to_numeric(text.str.extract(pattern)[g], errors="coerce")`` for each named group.

    Missing values (no match, group not taking part, missing input) are ``NaN``; the
    numbers are floats, the same values the pandas calls give.
    """
    names = list(re.compile(pattern).groupindex)
    fast = _arrow(text)
    if fast is not None:
        pc, array = fast
        try:
            found = pc.extract_regex(array, _re2(pattern))
        except Exception:  # noqa: BLE001 - pattern RE2 cannot compile: use re
            found = None
        if found is not None:
            out = {}
            for name in names:
                field = pc.struct_field(found, name)
                field = pc.if_else(pc.equal(field, ""), None, field)
                values = pc.cast(field, "float64").to_numpy(zero_copy_only=False)
                out[name] = np.array(values, dtype=float)
            redo = _unsafe_rows(pc, array)
            if len(redo):
                parts = text.iloc[redo].str.extract(pattern)
                for name in names:
                    out[name][redo] = pd.to_numeric(parts[name], errors="coerce").to_numpy(
                        dtype=float, na_value=np.nan)
            return {name: pd.Series(out[name], index=text.index) for name in names}
    parts = text.str.extract(pattern)
    return {name: pd.to_numeric(parts[name], errors="coerce").astype(float) for name in names}


def str_contains(text: pd.Series, pattern: str) -> pd.Series:
    """``text.str.contains(pattern, regex=True, na=False)`` as a bool Series."""
    fast = _arrow(text)
    if fast is not None:
        pc, array = fast
        try:
            hit = pc.match_substring_regex(array, _re2(pattern))
        except Exception:  # noqa: BLE001
            hit = None
        if hit is not None:
            out = np.array(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)
            redo = _unsafe_rows(pc, array)
            if len(redo):
                out[redo] = text.iloc[redo].str.contains(pattern, regex=True, na=False).to_numpy(
                    dtype=bool)
            return pd.Series(out, index=text.index)
    return text.str.contains(pattern, regex=True, na=False).astype(bool)


def str_fullmatch_all(text: pd.Series, pattern: str) -> bool:
    """``bool(text.str.fullmatch(pattern).all())`` for a column without missing values."""
    fast = _arrow(text) if not text.isna().any() else None
    if fast is not None:
        pc, array = fast
        try:
            hit = pc.match_substring_regex(array, "^(?:" + _re2(pattern) + ")$")
        except Exception:  # noqa: BLE001
            hit = None
        if hit is not None:
            miss = np.flatnonzero(~np.array(hit.to_numpy(zero_copy_only=False), dtype=bool))
            if not len(miss):
                return True
            # RE2 matches a subset of what re matches here: re decides the rest.
            return bool(text.iloc[miss].str.fullmatch(pattern).all())
    return bool(text.str.fullmatch(pattern).all())
