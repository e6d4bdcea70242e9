"""Parse timestamp columns as municipal exports write them, into tz-aware UTC.

Supported without options: ISO 8601 with or without offset (offsets are converted to
UTC, never relabelled), ``dd.mm.yyyy hh:mm[:ss]``, Finnish ``d.m.yyyy h.mm``,
``dd/mm/yyyy`` or ``mm/dd/yyyy`` (order decided for the whole column),
``yyyy/mm/dd hh:mm:ss`` and epoch seconds (or milliseconds). An explicit
``timestamp_format`` (strftime syntax) wins. Naive values are read in ``timezone``.
"""

from __future__ import annotations

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
    has_zone = text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})\s*$", regex=True, na=False)
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
    parts = text.str.extract(pattern)
    a = pd.to_numeric(parts["a"], errors="coerce")
    b = pd.to_numeric(parts["b"], errors="coerce")
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
        "year": pd.to_numeric(parts["year"], errors="coerce"),
        "month": month,
        "day": day,
        "hour": pd.to_numeric(parts["hour"], errors="coerce").fillna(0),
        "minute": pd.to_numeric(parts["minute"], errors="coerce").fillna(0),
        "second": pd.to_numeric(parts["second"], errors="coerce").fillna(0),
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
