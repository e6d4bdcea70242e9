"""Parse timestamp columns as municipal exports write them, into tz-aware UTC.

Every value is read in the layout it is written in (one column may mix layouts) and is
never relabelled or day/month-swapped:

- ISO 8601 ``yyyy-mm-dd[Thh:mm[:ss[.f]]][Z|UTC|GMT|+hh[:mm]]``: offsets converted to UTC;
- ``yyyy/mm/dd``, ``yyyy.mm.dd`` or ``yyyy-m-d`` with an optional time (also AM/PM):
  always year, month, day;
- ``dd.mm.yyyy``, Finnish ``d.m.yyyy [klo] h.mm``, ``dd/mm/yyyy`` or ``mm/dd/yyyy``,
  ``dd-mm-yyyy``: the order is decided for the values of one separator style (dots,
  slashes, dashes each on their own) from those that show it (a number above 12); with
  no such value day first is assumed, or month first where every time carries AM/PM
  and the dates are not dotted (the method says so); where the values show both
  orders, those that fit both are rejected;
- English month names (``1 Feb 2024 10:00``);
- numbers: epoch seconds, milliseconds, microseconds or nanoseconds from 1973 on (the
  unit decided by each value's size), Excel serial dates of 1950-2099 (wall-clock
  time) and ``yyyymmdd[hhmm[ss]]`` digits. Epoch numbers are UTC, unless the column
  shows that they were made from wall-clock time as if it were UTC (see
  :func:`wall_clock_epoch`); then they are read in ``timezone``.

Fractional seconds (``.000``, ``,5``, up to nanoseconds) are read in every layout that
has seconds. Rejected, with the reason per row in :attr:`ParsedTimestamps.problems`:
values in no layout above, years outside 1678-2261 (pandas' nanosecond range; a
``9999-12-31`` is usually a "no date" placeholder), day/month orders the column
contradicts, numbers that are no timestamp. An explicit ``timestamp_format`` (strftime
syntax) wins over detection. Naive values are read in ``timezone``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rpa_scout.errors import ConfigError
from rpa_scout.lang import Message
from rpa_scout.settings import DEFAULT_TIMEZONE, EPOCH_CLOCKS


FIRST_YEAR, LAST_YEAR = 1678, 2261
# Reasons and methods are messages: English text that the load report shows in any language.
UNPARSEABLE = Message("load.reason.unparseable")
OUT_OF_RANGE = Message("load.reason.out_of_range", first=FIRST_YEAR, last=LAST_YEAR)
AMBIGUOUS = Message("load.reason.ambiguous")
NOT_A_TIME = Message("load.reason.not_a_time")
#: Why a timestamp value was not read, in the order the load report lists them.
TIMESTAMP_REASONS = (UNPARSEABLE, OUT_OF_RANGE, AMBIGUOUS, NOT_A_TIME)

_TIME = (r"(?:[ T]+(?:klo\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})"
         r"(?:[:.](?P<second>\d{2})(?:[.,](?P<frac>\d{1,9}))?)?(?:\s*[AaPp]\.?[Mm]\.?)?)?")
#: a 12-hour clock's AM or PM at the end of a value ("10/1/2011 12:38 AM")
_MERIDIEM, _PM = r"\d\s*[AaPp]\.?[Mm]\.?\s*$", r"\d\s*[Pp]\.?[Mm]\.?\s*$"
#: two-digit years (``1.10.11``) as POSIX reads them: 69-99 are 1969-1999, 00-68 2000-2068
_CENTURY_PIVOT = 69
_HEAD_ROWS = 2000  # the first values that order the layouts
_ISO = (r"^\s*\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?\s*"
        r"(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?\s*$")
_YMD = r"^\s*(?P<year>\d{4})[/.](?P<a>\d{1,2})[/.](?P<b>\d{1,2})" + _TIME + r"\s*$"
#: ``yyyy-m-d`` that ISO 8601 does not read: no zero padding, a 12-hour clock, ``klo 9.05``
_YMD_DASH = r"^\s*(?P<year>\d{4})-(?P<a>\d{1,2})-(?P<b>\d{1,2})" + _TIME + r"\s*$"
_DMY_REST = r"(?P<b>\d{1,2})[/.\-](?P<year>\d{4}|\d{2})" + _TIME + r"\s*$"
#: Day and month, by the separator after the first number: each style's order is its own
#: (dotted dates are day first in Finland, Sweden and Germany; a US export's slashes are
#: month first), so a column mixing them never reads one style in another's order.
_DMY_DOT, _DMY_SLASH, _DMY_DASH = (r"^\s*(?P<a>\d{1,2})" + sep + _DMY_REST for sep in (r"\.", "/", "-"))
_NUMBER = r"^\s*\d+(?:[.,]\d+)?\s*$"
_MONTH_NAME = r"(?i)(?:^|[^a-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
# an offset after a time (a date alone ends in "-01", which is no offset)
_ZONE = r"(?:Z|UTC|GMT|:\d{2}(?:[.,]\d+)?\s*[+-]\d{2}(?::?\d{2})?)\s*$"
# Values made only of these characters are matched the same by RE2 (pyarrow) and by
# Python's re for the patterns in rpa_scout: there RE2's \d, \s and $ equal Python's.
# Python's \s also takes \v, \x1c-\x1f and non-ASCII spaces, its \d non-ASCII digits,
# and its $ matches before a final newline, so any other value is matched with re.
_RE2_SAFE_CHARS = r"[^\t\r\f\x20-\x7e]"

_EXCEL_FIRST, _EXCEL_END = 18264, 73051  # Excel serials of 1950-01-01 and 2100-01-01
_EXCEL_ORIGIN = pd.Timestamp("1899-12-30")  # day 0 of Excel's 1900 date system
_EPOCH_FLOOR = 1e8  # 1973-03-03 in seconds; smaller numbers are no epoch time
# (unit, values below this are in it, word): a value's size tells its unit from 1973 on
_EPOCH_UNITS = (("s", 1e11, Message("load.ts.seconds")), ("ms", 1e14, Message("load.ts.milliseconds")),
                ("us", 1e17, Message("load.ts.microseconds")), ("ns", np.inf, Message("load.ts.nanoseconds")))
_EPOCH_END_S = pd.Timestamp(f"{LAST_YEAR + 1}-01-01", tz="UTC").timestamp()
#: A column whose epoch values put at least this share at exactly 00:00 UTC holds dates
#: written from wall-clock time (the share at which :func:`rpa_scout.manual.date_stamped_events`
#: calls a column's midnights dates, too).
WALL_CLOCK_DATE_SHARE = 0.1


@dataclass(frozen=True)
class Dst:
    """Naive wall-clock values that daylight saving made no single instant: in the spring
    ``gap`` (moved to the next valid time) and in the autumn ``overlap`` (read as the
    later, standard-time one)."""

    gap: int = 0
    overlap: int = 0


@dataclass(frozen=True)
class ParsedTimestamps:
    """Result of parsing one column: UTC values (NaT where not read), how, and why not.

    ``problems`` holds, per row, the reason a filled value was not read (one of
    :data:`TIMESTAMP_REASONS`; NA where it was read or was blank), or is ``None`` when
    every filled value was read.
    """

    values: pd.Series
    method: str
    dst_shifted: Dst = Dst()
    problems: pd.Series | None = None

    @property
    def dst_overlap(self) -> int:
        """Wall-clock values in the autumn hour that happens twice, read as standard time."""
        return self.dst_shifted.overlap

    @property
    def dst_gap(self) -> int:
        """Wall-clock values in the spring hour that never happens, moved past it."""
        return self.dst_shifted.gap


@dataclass(frozen=True)
class _Part:
    """Some rows of a column, read in one layout: UTC values, method, reasons (or None),
    and per row whether daylight saving moved it (:data:`_GAP`, :data:`_OVERLAP`, else 0;
    ``None`` when none was)."""

    values: pd.Series
    method: str
    problems: np.ndarray
    moved: np.ndarray | None = None


#: A naive value in the spring-forward gap (moved on), or in the autumn hour that
#: happens twice (read as standard time): :attr:`_Part.moved`.
_GAP, _OVERLAP = 1, 2
#: Columns of this many values or more are read value by value when at most half of
#: them are distinct (a log written to the minute repeats each time many times).
DISTINCT_FROM = 50_000


def parse_timestamps(
    raw: pd.Series,
    *,
    timestamp_format: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    epoch_clock: str = "auto",
) -> ParsedTimestamps:
    """Parse a column of timestamps into tz-aware UTC.

    Args:
        raw: the column as read (strings, datetimes or numbers).
        timestamp_format: explicit strftime format; wins over detection.
        timezone: zone for naive values (default Europe/Helsinki).
        epoch_clock: how epoch numbers are read (:data:`EPOCH_CLOCKS`): ``auto`` reads
            them as UTC unless :func:`wall_clock_epoch` finds them written from wall-clock
            time, ``utc`` always as UTC, ``local`` always as wall-clock time in ``timezone``.

    Returns:
        The parsed values (``NaT`` where a value is not read), the method used and,
        per row, why a value was not read (see the module docstring).

    Raises:
        ConfigError: unknown time zone, invalid ``timestamp_format`` or ``epoch_clock``.

    Example:
        >>> parse_timestamps(pd.Series(["2016-02-01 13:23"]), timezone="UTC").values[0]
        Timestamp('2016-02-01 13:23:00+0000', tz='UTC')
    """
    check_timezone(timezone)
    if epoch_clock not in EPOCH_CLOCKS:
        raise ConfigError(f"epoch clock must be one of {', '.join(EPOCH_CLOCKS)}, got {epoch_clock!r}")
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        return _whole(_from_datetimes(pd.Series(raw), timezone))
    if pd.api.types.is_numeric_dtype(raw.dtype) and not pd.api.types.is_bool_dtype(raw.dtype):
        return _whole(_from_numbers(pd.Series(raw), timezone, epoch_clock))
    distinct = _distinct(raw)
    if distinct is not None:
        return _by_value(raw, *distinct, timestamp_format=timestamp_format, timezone=timezone,
                         epoch_clock=epoch_clock)
    text = raw.astype("string").str.strip()
    text = text.mask(text == "")
    if timestamp_format:
        return _whole(_with_format(text, timestamp_format, timezone))
    return _by_layout(text, timezone, epoch_clock)


def _distinct(raw: pd.Series) -> tuple[np.ndarray, pd.Index] | None:
    """``raw``'s codes and distinct values when the column is long (:data:`DISTINCT_FROM`)
    and holds text: a text column's (:func:`pandas.factorize`) when at most half its
    values are distinct, text categories' (those in use) always; else ``None``."""
    if len(raw) < DISTINCT_FROM:
        return None
    if isinstance(raw.dtype, pd.CategoricalDtype):
        if raw.dtype.ordered or pd.api.types.infer_dtype(raw.dtype.categories, skipna=True) != "string":
            return None
        used = raw.cat.remove_unused_categories()
        return used.cat.codes.to_numpy(), used.cat.categories
    if not isinstance(raw.dtype, pd.StringDtype):
        return None  # values of several types that factorize may take for one
    codes, uniques = pd.factorize(raw)
    return (codes, uniques) if len(uniques) <= len(raw) // 2 else None


def _by_value(raw: pd.Series, codes: np.ndarray, uniques: pd.Index, *, timestamp_format: str | None,
              timezone: str, epoch_clock: str) -> ParsedTimestamps:
    """The column read once per distinct value, then spread to its rows: the same result
    as reading every row, the counts of the method and the daylight-saving repairs
    weighed by rows, the layouts ordered by the first rows as :func:`_by_layout` does.
    A column with numbers is read row by row: its epoch reading weighs rows by their
    times (:func:`wall_clock_epoch`)."""
    text = pd.Series(uniques).astype("string").str.strip()
    text = text.mask(text == "")
    weights = np.bincount(codes[codes >= 0], minlength=len(uniques))
    if timestamp_format:
        parsed = _whole(_with_format(text, timestamp_format, timezone), weights)
    elif str_contains(text.dropna(), _NUMBER).any():
        text = raw.astype("string").str.strip()
        return _by_layout(text.mask(text == ""), timezone, epoch_clock)
    else:
        filled = np.append(text.notna().to_numpy(dtype=bool), False)[codes]
        head = text.iloc[codes[np.flatnonzero(filled)[:_HEAD_ROWS]]]
        parsed = _by_layout(text, timezone, epoch_clock, head=head, weights=weights)
    return _spread(parsed, codes, raw.index)


def _spread(parsed: ParsedTimestamps, codes: np.ndarray, index: pd.Index) -> ParsedTimestamps:
    """``parsed`` (one row per distinct value) given to each row by its ``codes`` (-1: blank)."""
    stamps = np.append(parsed.values.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]"),
                       np.datetime64("NaT", "ns"))[codes]
    values = pd.Series(stamps, index=index).dt.tz_localize("UTC")
    problems = None
    if parsed.problems is not None:
        problems = pd.Series(np.append(parsed.problems.to_numpy(dtype=object), None)[codes],
                             index=index, dtype=object)
    return ParsedTimestamps(values, parsed.method, parsed.dst_shifted, problems)


#: What to write instead of a zone name pandas does not know.
ZONE_HINT = "write a zone name such as Europe/Helsinki, Europe/Stockholm or UTC"


def check_timezone(timezone: str) -> None:
    """Raise :class:`ConfigError` unless ``timezone`` is a zone name pandas knows."""
    try:
        pd.Timestamp("2000-01-01").tz_localize(timezone)
    except Exception:  # noqa: BLE001 - unknown zone name, whatever the library raises
        raise ConfigError(f"unknown time zone {timezone!r}; {ZONE_HINT}") from None


def _whole(part: _Part, weights: np.ndarray | None = None) -> ParsedTimestamps:
    problems = part.problems
    has = problems is not None and pd.notna(problems).any()
    return ParsedTimestamps(part.values, part.method, _dst(part.moved, weights),
                            pd.Series(problems, index=part.values.index, dtype=object) if has else None)


def _dst(moved: np.ndarray | None, weights: np.ndarray | None = None) -> Dst:
    """The daylight-saving repairs of the rows ``moved`` marks, each row counted
    ``weights`` times (once without)."""
    if moved is None:
        return Dst()
    if weights is None:
        return Dst(int(np.count_nonzero(moved == _GAP)), int(np.count_nonzero(moved == _OVERLAP)))
    return Dst(int(weights[moved == _GAP].sum()), int(weights[moved == _OVERLAP].sum()))


def _none(n: int) -> np.ndarray:
    return np.full(n, None, dtype=object)


def combined_method(methods: list[tuple[str, int]]) -> str:
    """One method text for values read in several ways: ``(method, values)`` pairs, the
    values of equal methods added up.

    Example:
        >>> combined_method([("ISO 8601", 3), ("ISO 8601", 2)])
        'ISO 8601'
        >>> from rpa_scout.lang import english, render
        >>> render(combined_method([("ISO 8601", 3), ("epoch seconds", 2)]), english())
        'mixed layouts, each value read in its own: ISO 8601 (3 values); epoch seconds (2 values)'
    """
    counts: dict[str, int] = {}
    for method, count in methods:
        counts[method] = counts.get(method, 0) + count
    if len(counts) == 1:
        return next(iter(counts))
    return Message("load.ts.mixed", parts=_joined(
        [Message("load.ts.part", method=m, count=count) for m, count in counts.items()]))


def _joined(parts: list[str]) -> str:
    """``parts`` joined with ``"; "``, each shown in the language it is shown in (a
    :class:`~rpa_scout.lang.Message` when there are several).

    Example:
        >>> from rpa_scout.lang import Lang, render
        >>> render(_joined([Message("load.ts.month_names"), "ISO 8601"]), Lang("fi"))
        'kuukausien nimet; ISO 8601'
    """
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return Message("load.ts.joined", first=parts[0], rest=_joined(parts[1:]))


def _by_layout(text: pd.Series, timezone: str, epoch_clock: str = "auto", *,
               head: pd.Series | None = None, weights: np.ndarray | None = None) -> ParsedTimestamps:
    """Read each filled value in the layout it is written in; the rest are unparseable.

    The layouts are tried in the order of how many of the first values (``head``: the
    column's first filled ones unless given) they match, so a column in one layout is
    read in one pass. ``weights``: rows each value stands for (one without).
    """
    left = text.notna().to_numpy(dtype=bool, copy=True)
    if not left.any():
        return ParsedTimestamps(pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]"),
                                Message("load.ts.empty"))
    head = text.iloc[np.flatnonzero(left)[:_HEAD_ROWS]] if head is None else head
    layouts = sorted(_LAYOUTS, key=lambda layout: -int(head.str.match(layout[0]).sum()))
    parts: list[tuple[np.ndarray, _Part]] = []
    for pattern, parse, tells_match in layouts:
        if not left.any():
            break
        rows = np.flatnonzero(left)
        if parse is _parse_number_text:
            parse = functools.partial(_parse_number_text, epoch_clock=epoch_clock)
        if tells_match:  # the parser's own regular expression tells which values it reads
            part, hit = parse(text.iloc[rows], timezone)
            part = _Part(part.values[hit], part.method, part.problems[hit],
                         None if part.moved is None else part.moved[hit])
        else:
            hit = str_contains(text.iloc[rows], pattern).to_numpy(dtype=bool)
            part = parse(text.iloc[rows[hit]], timezone) if hit.any() else None
        if hit.any():
            parts.append((rows[hit], part))
            left[rows[hit]] = False
    if left.any():
        rows = np.flatnonzero(left)
        nat = pd.Series(pd.NaT, index=text.index[rows], dtype="datetime64[ns, UTC]")
        parts.append((rows, _Part(nat, "", np.full(len(rows), UNPARSEABLE, dtype=object))))
    return _combine(text.index, parts, weights)


def _combine(index: pd.Index, parts: list[tuple[np.ndarray, _Part]],
             weights: np.ndarray | None = None) -> ParsedTimestamps:
    """One UTC column (nanoseconds) from the parts read in different layouts; ``weights``:
    rows each value stands for, in the method's counts and the repairs (one without)."""
    stamps = np.full(len(index), np.datetime64("NaT", "ns"))
    problems = _none(len(index))
    moved = np.zeros(len(index), dtype=np.int8)
    for rows, part in parts:
        naive_utc = part.values.dt.tz_convert("UTC").dt.tz_localize(None)
        stamps[rows] = naive_utc.to_numpy(dtype="datetime64[ns]")
        problems[rows] = part.problems
        if part.moved is not None:
            moved[rows] = part.moved
    values = pd.Series(stamps, index=index).dt.tz_localize("UTC")
    method = combined_method([(part.method, len(rows) if weights is None else int(weights[rows].sum()))
                              for rows, part in parts if part.method])
    has = pd.notna(problems).any()
    return ParsedTimestamps(values, method, _dst(moved, weights),
                            pd.Series(problems, index=index, dtype=object) if has else None)


def _out_of_range(years: np.ndarray) -> np.ndarray:
    """Years pandas cannot hold in nanoseconds (NaN years are not out of range)."""
    with np.errstate(invalid="ignore"):
        return (years < FIRST_YEAR) | (years > LAST_YEAR)


def _from_datetimes(values: pd.Series, timezone: str) -> _Part:
    """A datetime column (Parquet, XES, Excel): naive values read in ``timezone``."""
    values, bad = _in_range(values)
    problems = np.where(bad, OUT_OF_RANGE, None).astype(object)
    if getattr(values.dt, "tz", None) is None:
        local, moved = _localize(values, timezone)
        return _Part(local, Message("load.ts.datetime_naive", zone=timezone), problems, moved)
    return _Part(values.dt.tz_convert("UTC"), Message("load.ts.datetime_zone"), problems)


def _with_format(text: pd.Series, fmt: str, timezone: str) -> _Part:
    try:
        values = pd.to_datetime(text, format=fmt, errors="coerce")
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"invalid --timestamp-format {fmt!r}: {exc}") from None
    return _finish(text, values, timezone, Message("load.ts.format", format=fmt))


def _finish(text: pd.Series, values: pd.Series, timezone: str, method: str) -> _Part:
    """Range-check parsed values, read naive ones in ``timezone``, say why rows failed."""
    values, bad = _in_range(values)
    moved = None
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("UTC")
    else:
        values, moved = _localize(values, timezone)
        method = Message("load.ts.read_in", method=method, zone=timezone)
    problems = _none(len(values))
    problems[values.isna().to_numpy() & text.notna().to_numpy()] = UNPARSEABLE
    problems[bad] = OUT_OF_RANGE
    return _Part(values, method, problems, moved)


def _parse_iso(text: pd.Series, timezone: str) -> _Part:
    has_zone = str_contains(text, _ZONE)
    text = text.str.replace(",", ".", regex=False)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    bad = np.zeros(len(text), dtype=bool)
    moved = None
    if has_zone.any():
        zoned = _utc_as_z(text[has_zone])
        zoned = pd.to_datetime(zoned, utc=True, errors="coerce", format="ISO8601")
        zoned, off = _in_range(zoned)
        out.loc[has_zone] = zoned.astype("datetime64[ns, UTC]")
        bad[has_zone.to_numpy()] = off
    naive_mask = ~has_zone & text.notna()
    if naive_mask.any():
        naive, off = _in_range(pd.to_datetime(text[naive_mask], errors="coerce", format="ISO8601"))
        local, moved_naive = _localize(naive, timezone)
        out.loc[naive_mask] = local.astype("datetime64[ns, UTC]")
        moved = _placed(moved_naive, naive_mask.to_numpy(), len(text))
        bad[naive_mask.to_numpy()] = off
    method = Message("load.ts.iso_offsets") if has_zone.any() else "ISO 8601"
    if naive_mask.any():
        method = Message("load.ts.iso_naive", method=method, zone=timezone)
    problems = np.where(out.isna().to_numpy(), UNPARSEABLE, None).astype(object)
    problems[bad] = OUT_OF_RANGE
    return _Part(out, method, problems, moved)


def _utc_as_z(text: pd.Series) -> pd.Series:
    """ISO values with the zone written ``UTC`` or ``GMT`` (``2016-02-01 13:23:52 UTC``)
    as ``…Z``, which pandas reads.

    Example:
        >>> _utc_as_z(pd.Series(["2016-02-01 13:23 UTC", "2016-02-01T13:23+02:00"])).tolist()
        ['2016-02-01 13:23Z', '2016-02-01T13:23+02:00']
    """
    named = str_contains(text, r"(?:UTC|GMT)\s*$")
    if not named.any():
        return text
    return text.mask(named, text[named].str.replace(r"\s*(?:UTC|GMT)\s*$", "Z", regex=True))


def _in_range(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """``values`` with years outside 1678-2261 set to NaT, and where they were."""
    bad = _out_of_range(values.dt.year.to_numpy(dtype=float, na_value=np.nan))
    return (values.mask(bad) if bad.any() else values), bad


def _parse_ymd(text: pd.Series, timezone: str) -> tuple[_Part, np.ndarray]:
    return _parse_parts(text, _YMD, timezone, order="yyyy/mm/dd")


def _parse_ymd_dash(text: pd.Series, timezone: str) -> tuple[_Part, np.ndarray]:
    """``yyyy-m-d`` values that ISO 8601 does not read (``2016-2-1 9:05``, ``2016-02-01
    01:23 PM``); those it reads are left to it."""
    part, matched = _parse_parts(text, _YMD_DASH, timezone, order="yyyy-mm-dd")
    if matched.any():
        matched = matched & ~str_contains(text, _ISO).to_numpy(dtype=bool)
    return part, matched


def _parse_dmy(text: pd.Series, timezone: str, *, sep: str) -> tuple[_Part, np.ndarray]:
    pattern = {".": _DMY_DOT, "/": _DMY_SLASH, "-": _DMY_DASH}[sep]
    return _parse_parts(text, pattern, timezone, sep=sep)


def _parse_parts(text: pd.Series, pattern: str, timezone: str, *, order: str | None = None,
                 sep: str = ".") -> tuple[_Part, np.ndarray]:
    """Values in ``pattern`` (year, a, b, optional time); and which values match it.

    With ``order`` (a year-first layout's name) ``a`` is the month; without, the order
    of day and month is decided for the values written with ``sep``.
    """
    parts = extract_numbers(text, pattern)
    matched = parts["year"].notna().to_numpy(dtype=bool)
    if not matched.any():  # values of other layouts (or none): nothing to read here
        nat = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
        return _Part(nat, order or "", _none(len(text))), matched
    a, b = parts["a"], parts["b"]
    marked = str_contains(text, _MERIDIEM).to_numpy(dtype=bool)
    ambiguous = np.zeros(len(text), dtype=bool)
    year = parts["year"]
    if order:
        month, day = a, b
    else:
        timed = matched & parts["hour"].notna().to_numpy(dtype=bool)
        twelve_hour = bool(timed.any() and marked[timed].all())
        month, day, order, ambiguous = _day_month_order(a, b, sep, twelve_hour=twelve_hour)
        year = year.where(year >= 100, year + np.where(year >= _CENTURY_PIVOT, 1900, 2000))  # two digits
    hour, twelve = _twelve_hour_clock(text, parts["hour"].fillna(0), marked)
    frame = pd.DataFrame({
        "year": year, "month": month, "day": day,
        "hour": hour, "minute": parts["minute"].fillna(0),
        "second": parts["second"].fillna(0), "ns": parts["frac"].fillna(0),
    })
    out_of_range = _out_of_range(frame["year"].to_numpy(dtype=float))
    clock_ok = (frame["hour"] < 24) & (frame["minute"] < 60) & (frame["second"] < 60) & twelve
    bad = (frame[["year", "month", "day"]].isna().any(axis=1).to_numpy() | out_of_range
           | ambiguous | ~clock_ok.to_numpy())
    frame.loc[bad, ["year", "month", "day", "hour", "minute", "second", "ns"]] = [1970, 1, 1, 0, 0, 0, 0]
    values = pd.to_datetime(frame.astype("int64"), errors="coerce")  # 31.2. and the like: NaT
    values[bad] = pd.NaT
    problems = np.where(values.isna().to_numpy() & matched, UNPARSEABLE, None).astype(object)
    problems[out_of_range] = OUT_OF_RANGE
    problems[ambiguous] = AMBIGUOUS
    local, moved = _localize(values, timezone)
    return _Part(local, Message("load.ts.read_in", method=order, zone=timezone), problems, moved), matched


def _twelve_hour_clock(text: pd.Series, hour: pd.Series, marked: np.ndarray) -> tuple[pd.Series, np.ndarray]:
    """Hours of values with AM or PM (``marked``) on the 24-hour clock (12 AM is 0, 12 PM
    12), and whether each row's hour fits its clock (1-12 with AM or PM)."""
    fits = np.ones(len(text), dtype=bool)
    if not marked.any():
        return hour, fits
    rows = np.flatnonzero(marked)
    pm = str_contains(text.iloc[rows], _PM).to_numpy(dtype=bool)
    h = hour.to_numpy(dtype=float, copy=True)
    fits[rows] = (h[rows] >= 1) & (h[rows] <= 12)
    h[rows] = h[rows] % 12 + np.where(pm, 12, 0)
    return pd.Series(h, index=hour.index), fits


def _day_month_order(a: pd.Series, b: pd.Series, sep: str = ".", *,
                     twelve_hour: bool = False) -> tuple[pd.Series, pd.Series, Message, np.ndarray]:
    """(month, day, order, ambiguous rows) of ``a{sep}b{sep}yyyy`` values, decided for the
    values written with ``sep`` (the other separators' values are decided apart).

    A value shows its order when exactly one of its numbers is above 12 (both above 12 is
    no date in either order). With no such value, day first is assumed, but month first
    where every time is on a 12-hour clock (``2/1/2016 1:23 PM``: AM/PM goes with US
    month-first dates) and the dates are not dotted (those are day first).

    Example:
        >>> from rpa_scout.lang import english, render
        >>> a, b = pd.Series([1.0, 2.0]), pd.Series([2.0, 25.0])
        >>> month, day, order, _ = _day_month_order(a, b, "/")
        >>> month.tolist(), day.tolist(), render(order, english())
        ([1.0, 2.0], [2.0, 25.0], 'mm/dd/yyyy (decided for the values written this way)')
        >>> render(_day_month_order(a[:1], b[:1], "/", twelve_hour=True)[2], english())
        'mm/dd/yyyy (assumed from the AM/PM clock: no day above 12 in the column)'
    """
    day_first, month_first = (f"dd{sep}mm{sep}yyyy", f"mm{sep}dd{sep}yyyy")
    a_big, b_big = (a > 12).to_numpy(dtype=bool), (b > 12).to_numpy(dtype=bool)
    a_over, b_over = a_big & ~b_big, b_big & ~a_big
    none = np.zeros(len(a), dtype=bool)
    if b_over.any() and not a_over.any():
        return a, b, Message("load.ts.order_decided", order=month_first), none
    if a_over.any() and b_over.any():
        # Both orders occur: each value whose numbers tell its order is read in it; the
        # values that fit both cannot be told and are rejected.
        month = pd.Series(np.where(b_over, a, b), index=a.index)
        day = pd.Series(np.where(b_over, b, a), index=a.index)
        ambiguous = ~a_big & ~b_big & a.notna().to_numpy() & b.notna().to_numpy()
        return month, day, Message("load.ts.order_both", first=day_first, second=month_first), ambiguous
    if a_over.any():
        return b, a, Message("load.ts.order_decided", order=day_first), none
    if twelve_hour and sep != ".":
        return a, b, Message("load.ts.order_assumed_clock", order=month_first), none
    return b, a, Message("load.ts.order_assumed", order=day_first), none


def _parse_month_names(text: pd.Series, timezone: str) -> _Part:
    """Values with English month names (``1 Feb 2024 10:00``), each parsed on its own."""
    try:
        values = pd.to_datetime(text, format="mixed", dayfirst=True, errors="coerce", utc=False)
    except (ValueError, TypeError):  # offsets on some values only: read them all in UTC
        values = pd.to_datetime(text, format="mixed", dayfirst=True, errors="coerce", utc=True)
    return _finish(text, values, timezone, Message("load.ts.month_names"))


def _parse_number_text(text: pd.Series, timezone: str, epoch_clock: str = "auto") -> _Part:
    numbers = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    return _from_numbers(numbers, timezone, epoch_clock)


def _from_numbers(numbers: pd.Series, timezone: str, epoch_clock: str = "auto") -> _Part:
    """Epoch times (unit by size), Excel serial dates and ``yyyymmdd[hhmm[ss]]`` digits."""
    v = numbers.to_numpy(dtype=float, na_value=np.nan)
    stamps = np.full(len(v), np.datetime64("NaT", "ns"))
    problems = _none(len(v))
    finite = np.isfinite(v)
    compact, compact_naive = _compact_digits(v)
    excel = finite & ~compact & (v >= _EXCEL_FIRST) & (v < _EXCEL_END)
    epoch = finite & ~compact & ~excel & (v >= _EPOCH_FLOOR)
    problems[finite & ~compact & ~excel & ~epoch] = NOT_A_TIME
    kinds = _read_epoch(numbers, epoch, stamps, problems)
    wall = np.full(len(v), np.datetime64("NaT", "ns"))
    read = epoch & ~np.isnat(stamps)
    if kinds and (epoch_clock == "local"
                  or (epoch_clock == "auto" and wall_clock_epoch(stamps[read], timezone))):
        wall[read], stamps[read] = stamps[read], np.datetime64("NaT", "ns")
        kinds = [_wall_clock_method(kinds[0], wall[read], timezone, epoch_clock)]
    if excel.any():
        millis = serial_milliseconds(v[excel])
        wall[excel] = (_EXCEL_ORIGIN + pd.to_timedelta(millis, unit="ms")).to_numpy(
            dtype="datetime64[ns]")
        kinds.append(Message("load.ts.excel", zone=timezone))
    if compact.any():
        wall[compact] = compact_naive[compact]
        problems[compact & np.isnat(compact_naive)] = UNPARSEABLE
        kinds.append(Message("load.ts.compact", digits="yyyymmdd[hhmm[ss]]", zone=timezone))
    moved = None
    local = ~np.isnat(wall)
    if local.any():
        utc, moved_local = _localize(pd.Series(wall[local]), timezone)
        stamps[local] = utc.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
        moved = _placed(moved_local, local, len(v))
    values = pd.Series(stamps, index=numbers.index).dt.tz_localize("UTC")
    return _Part(values, _joined(kinds) if kinds else Message("load.ts.numbers"), problems, moved)


def serial_milliseconds(days: np.ndarray) -> np.ndarray:
    """Excel serial dates as whole milliseconds from day 0, rounded to what their
    decimals carry.

    A day written with ``d`` decimals is exact to 86,400 s / 10**d, so its time is
    rounded to the power of ten of seconds at that resolution: to the second with up
    to 5 decimals, to 0.1 s with 6 (86.4 ms), 0.01 s with 7, and to the millisecond
    with 8 or more (as Excel shows them). Whole seconds written to 6 decimals thus read
    as those seconds, not 40 ms off. The decimals are the fewest that write the number
    exactly (``45693.348611`` has 6).

    Example:
        >>> serial_milliseconds(np.array([45693.348611, 45693.3486111, 45693.34861111111]))
        array([3947905320000, 3947905320000, 3947905320000])
        >>> serial_milliseconds(np.array([45693.348612]))  # 86.4 ms later, to the 0.1 s
        array([3947905320100])
    """
    step = np.ones(len(days), dtype=np.int64)  # milliseconds, for 8 decimals or more
    left = np.isfinite(days)
    for decimals, milliseconds in enumerate(_SERIAL_STEP_MS):
        exact = left & (np.round(days * 10.0 ** decimals) / 10.0 ** decimals == days)
        step[exact], left = milliseconds, left & ~exact
    return np.round(days * 86_400_000 / step).astype(np.int64) * step


#: Rounding (ms) of an Excel serial's time by its decimals: 0-5 → 1 s, 6 → 0.1 s, 7 → 0.01 s.
_SERIAL_STEP_MS = (1000, 1000, 1000, 1000, 1000, 1000, 100, 10)


def _read_epoch(numbers: pd.Series, epoch: np.ndarray, stamps: np.ndarray,
                problems: np.ndarray) -> list[Message]:
    """Fill ``stamps`` (naive UTC) where ``epoch``, each value in the unit its size tells.

    Values after 2261 get :data:`OUT_OF_RANGE` in ``problems``. Returns the method text.
    """
    v = numbers.to_numpy(dtype=float, na_value=np.nan)
    units: list[Message] = []
    below = _EPOCH_FLOOR
    for unit, limit, word in _EPOCH_UNITS:
        rows = epoch & (v >= below) & (v < limit)
        below = limit
        if not rows.any():
            continue
        per_second = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
        late = rows & (v / per_second >= _EPOCH_END_S)
        problems[late] = OUT_OF_RANGE
        read = rows & ~late
        if read.any():
            stamps[read] = pd.to_datetime(numbers[read], unit=unit).to_numpy(dtype="datetime64[ns]")
            units.append(word)
    if not units:
        return []
    if len(units) == 1:
        return [Message("load.ts.epoch", unit=units[0])]
    return [Message("load.ts.epoch_units", units=units[:-1], last=units[-1])]


def wall_clock_epoch(stamps: np.ndarray, timezone: str) -> bool:
    """Whether epoch values (as naive UTC ``datetime64``) were written from wall-clock time.

    A date without a time is midnight of its day. An exporter that turns local times
    into epoch numbers correctly puts a date from a system in Amsterdam at 22:00 or
    23:00 UTC; one that treats the local time as if it were UTC (``naive.timestamp()``
    in a UTC process, pandas' ``astype(int)`` on naive datetimes) puts it at exactly
    00:00 UTC. So the column is wall-clock time when at least
    :data:`WALL_CLOCK_DATE_SHARE` of its values fall at 00:00:00 UTC, the zone is not
    UTC there, and, where the values span standard and summer time, those midnights do
    too (a nightly job at 02:00 Helsinki time also falls at 00:00 UTC, but in winter only).

    Example:
        >>> import numpy as np
        >>> days = np.array(["2014-01-10", "2014-07-10"], dtype="datetime64[ns]")
        >>> wall_clock_epoch(days, "Europe/Amsterdam"), wall_clock_epoch(days, "UTC")
        (True, False)
    """
    if len(stamps) == 0:
        return False
    midnight = (stamps.astype("datetime64[D]") == stamps)
    if midnight.mean() < WALL_CLOCK_DATE_SHARE:
        return False
    offsets = _utc_offsets(stamps, timezone)
    at_midnight = set(np.unique(offsets[midnight]).tolist())
    if at_midnight == {0}:
        return False
    return len(at_midnight) >= min(2, len(np.unique(offsets)))


def _utc_offsets(stamps: np.ndarray, timezone: str) -> np.ndarray:
    """The zone's UTC offset (seconds) at each instant (naive UTC ``datetime64``)."""
    utc = pd.DatetimeIndex(stamps).tz_localize("UTC")
    local = utc.tz_convert(timezone).tz_localize(None)
    return ((local - utc.tz_localize(None)) // pd.Timedelta(seconds=1)).to_numpy()


def _wall_clock_method(kind: str, wall: np.ndarray, timezone: str, epoch_clock: str) -> Message:
    """The method text for epoch numbers read as wall-clock time, and why."""
    if epoch_clock == "local":
        return Message("load.ts.wall_local", kind=kind, zone=timezone)
    share = float((wall.astype("datetime64[D]") == wall).mean())
    return Message("load.ts.wall_auto", kind=kind, zone=timezone, share=share)


def _compact_digits(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which numbers are ``yyyymmdd``, ``yyyymmddhhmm`` or ``yyyymmddhhmmss`` (years
    1900-2099), and their naive datetimes (NaT for an impossible date such as Feb 30)."""
    n = len(v)
    out = np.full(n, np.datetime64("NaT", "ns"))
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(v) & (v == np.floor(v))
        digits = np.select([(v >= 1e7) & (v < 1e8), (v >= 1e11) & (v < 1e12), (v >= 1e13) & (v < 1e14)],
                           [8, 12, 14], 0)
    digits[~whole] = 0
    if not digits.any():
        return np.zeros(n, dtype=bool), out
    number = np.where(digits > 0, v, 0).astype(np.int64)
    seconds = np.where(digits == 14, number % 100, 0)
    clock = np.where(digits == 14, number // 100, number)
    minute = np.where(digits >= 12, clock % 100, 0)
    hour = np.where(digits >= 12, clock // 100 % 100, 0)
    date = np.where(digits >= 12, clock // 10_000, clock)
    year, month, day = date // 10_000, date // 100 % 100, date % 100
    compact = ((digits > 0) & (year >= 1900) & (year <= 2099) & (month >= 1) & (month <= 12)
               & (day >= 1) & (day <= 31) & (hour < 24) & (minute < 60) & (seconds < 60))
    if compact.any():
        frame = pd.DataFrame({"year": year[compact], "month": month[compact], "day": day[compact],
                              "hour": hour[compact], "minute": minute[compact],
                              "second": seconds[compact]})
        out[compact] = pd.to_datetime(frame, errors="coerce").to_numpy(dtype="datetime64[ns]")
    return compact, out


# (pattern, parser, whether the parser tells itself which values match the pattern)
_LAYOUTS = (
    (_ISO, _parse_iso, False),
    (_NUMBER, _parse_number_text, False),
    (_YMD, _parse_ymd, True),
    (_YMD_DASH, _parse_ymd_dash, True),
    (_DMY_DOT, functools.partial(_parse_dmy, sep="."), True),
    (_DMY_SLASH, functools.partial(_parse_dmy, sep="/"), True),
    (_DMY_DASH, functools.partial(_parse_dmy, sep="-"), True),
    (_MONTH_NAME, _parse_month_names, False),
)


def _localize(values: pd.Series, timezone: str) -> tuple[pd.Series, np.ndarray | None]:
    """Naive wall-clock values read in ``timezone``, as UTC; and per value whether it fell
    in the spring-forward gap (:data:`_GAP`: moved to the next valid time) or in the
    autumn hour that happens twice (:data:`_OVERLAP`: read as standard time, the later
    one), ``None`` when no value did."""
    values = pd.Series(values).astype("datetime64[ns]")
    try:
        local = values.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
    except Exception:  # unknown zone name
        raise ConfigError(f"unknown time zone {timezone!r}; {ZONE_HINT}") from None
    unread = local.isna() & values.notna()
    if not unread.any():
        return local.dt.tz_convert("UTC"), None
    some = values[unread]
    fixed = some.dt.tz_localize(timezone, ambiguous=False, nonexistent="NaT")  # the overlap: standard time
    overlap = fixed.notna()
    if not overlap.all():  # the gap: moved to the next valid time
        fixed[~overlap] = some[~overlap].dt.tz_localize(timezone, ambiguous=False, nonexistent="shift_forward")
    local = local.copy()
    local[unread] = fixed
    moved = np.zeros(len(values), dtype=np.int8)
    moved[unread.to_numpy()] = np.where(overlap.to_numpy(), _OVERLAP, _GAP)
    return local.dt.tz_convert("UTC"), moved


def _placed(moved: np.ndarray | None, where: np.ndarray, n: int) -> np.ndarray | None:
    """The marks :func:`_localize` gave the rows ``where`` selects, in a column of ``n``."""
    if moved is None:
        return None
    placed = np.zeros(n, dtype=np.int8)
    placed[where] = moved
    return placed


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
    numbers are floats, the same values the pandas calls give. A group named ``frac``
    holds the digits after a decimal point and is returned in nanoseconds
    (``"5"`` → 500,000,000; ``"05"`` → 50,000,000).
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
                if name == "frac":
                    field = pc.utf8_slice_codeunits(pc.utf8_rpad(field, width=9, padding="0"), 0, 9)
                values = pc.cast(field, "float64").to_numpy(zero_copy_only=False)
                out[name] = np.array(values, dtype=float)
            redo = _unsafe_rows(pc, array)
            if len(redo):
                parts = _fraction_as_ns(text.iloc[redo].str.extract(pattern))
                for name in names:
                    out[name][redo] = pd.to_numeric(parts[name], errors="coerce").to_numpy(
                        dtype=float, na_value=np.nan)
            return {name: pd.Series(out[name], index=text.index) for name in names}
    parts = _fraction_as_ns(text.str.extract(pattern))
    return {name: pd.to_numeric(parts[name], errors="coerce").astype(float) for name in names}


def _fraction_as_ns(parts: pd.DataFrame) -> pd.DataFrame:
    """The ``frac`` column's decimal digits as nanosecond digits (right-padded to 9)."""
    if "frac" in parts.columns:
        parts = parts.copy()
        parts["frac"] = parts["frac"].str.ljust(9, "0").str.slice(0, 9)
    return parts


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
