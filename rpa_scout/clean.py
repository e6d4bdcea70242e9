"""Turn a raw table (source column names) into a clean XES-named log and its report.

Pure computation: readers in :mod:`rpa_scout.io` hand over a DataFrame and the mapping;
this module decides, row by row, what is kept, repaired or rejected and why.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Mapping

import numpy as np
import pandas as pd

from rpa_scout.codes import as_text, from_text, labels
from rpa_scout.columns import ROLES, XES, LogColumns, header_key
from rpa_scout.errors import InputError
from rpa_scout.lang import Message
from rpa_scout.lifecycle import (COMPLETE, COUNT_NAMES, START, WORK_TRANSITIONS, in_case_time_order,
                                 lifecycle_counts, start_copy_notes, transition_codes, transition_words)
from rpa_scout.repeats import export_duplicates, repeated_rows
from rpa_scout.privacy import masked, people_of
from rpa_scout.load_report import SAMPLE_ROWS, LoadReport, RepeatedEvents
from rpa_scout.stray import STRAY, stray_events
if TYPE_CHECKING:
    from rpa_scout.handling import HandlingResult
from rpa_scout.timestamps import (AMBIGUOUS, DEFAULT_TIMEZONE, TIMESTAMP_REASONS, UNPARSEABLE,
                                  ParsedTimestamps, epoch_seconds, parse_timestamps)

# The reasons are messages: English text (the report's keys, the rejected rows' CSV) that
# the load report shows in any language.
EXPORT_DUPLICATE = Message("load.reason.export_duplicate")
EXACT_DUPLICATE = Message("load.reason.exact_duplicate")
MISSING_CASE = Message("load.reason.missing_case")
MISSING_ACTIVITY = Message("load.reason.missing_activity")
MISSING_TIMESTAMP = Message("load.reason.missing_timestamp")
EMPTY_RECORD = Message("load.reason.empty_record")
SHORT_RECORD = Message("load.reason.short_record")
REASONS = (
    EMPTY_RECORD,
    SHORT_RECORD,
    MISSING_CASE,
    MISSING_ACTIVITY,
    MISSING_TIMESTAMP,
    *TIMESTAMP_REASONS,
    STRAY,
    EXPORT_DUPLICATE,
    EXACT_DUPLICATE,
)
MALFORMED = Message("load.reason.malformed")
_ROLES = ROLES
#: The attribute name of a column that bears a role's XES name but does not fill the role
#: (BPIC 2013's ``lifecycle:transition`` holds an incident's sub-status, no transition).
ATTRIBUTE_NAMES = {XES.lifecycle: "lifecycle:status"}
#: What exports write in the resource column where no account is recorded (BPI Challenge
#: 2019's ``NONE``): read as missing, so that it is nobody, not one busy person. Matched
#: whole, in lower, upper or title case.
NO_ACCOUNT = frozenset({"none", "null", "nil", "nan", "n/a", "n.a.", "-", "--", "?", "unknown", "undefined",
                        "(none)", "(null)", "(blank)", "<none>", "tuntematon", "ei tiedossa", "okänd", "ingen"})
_NO_ACCOUNT_WRITTEN = sorted({f(v) for v in NO_ACCOUNT for f in (str.lower, str.upper, str.title)})


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
    short: np.ndarray | None = None,
    drop_duplicates: bool = False,
    event_id: str | None = None,
    epoch_clock: str = "auto",
    categorical_roles: bool = False,
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
        short: which rows of ``raw`` had fewer fields than the header (the missing ones
            read as empty): rejected as such when that leaves no case id, step or time,
            else kept and counted as repaired.
        drop_duplicates: reject rows that repeat an identical earlier row (kept by default).
        event_id: source column identifying events; rows repeating an earlier row's event
            id, case, activity, timestamp and transition are rejected (export duplicates).
        epoch_clock: how epoch numbers are read (:func:`rpa_scout.timestamps.parse_timestamps`).
        categorical_roles: give the case, activity and resource columns as categories of
            their text instead of strings.

    Returns:
        The clean log (sorted by case, then time, file order kept for ties) and the report,
        without the lifecycle counts: :func:`with_lifecycle_counts` adds them once the
        caller has let go of ``raw`` (the matching takes as much memory again as a copy).
    """
    missing = mapping.missing()
    if missing:
        raise InputError(f"{source}: no {missing[0]} column; name it with --{missing[0]}")
    malformed = dict(malformed or {})
    n = len(raw) + len(malformed)
    row_no = np.arange(1, len(raw) + 1) if row_numbers is None else np.asarray(row_numbers)
    raw, notes = with_clock_column(raw, mapping, list(notes))
    frame, rename, notes_out = _renamed(raw, mapping, notes)
    repaired: dict[str, int] = {}
    raw_ts = frame[XES.timestamp]
    raw_lifecycle = frame[XES.lifecycle] if XES.lifecycle in frame.columns else None
    parsed = _clean_columns(frame, timestamp_format, timezone, repaired, notes_out, epoch_clock,
                            categorical_roles)
    reasons = _row_reasons(frame, raw_ts, parsed)
    _incomplete_records(raw, reasons, short, repaired)
    _stray(frame, reasons)
    repeated = _repeats(frame, reasons, row_no, drop_duplicates=drop_duplicates,
                        event_id=None if event_id is None else rename.get(event_id, event_id))
    people = (lambda: people_of(frame[XES.resource])) if XES.resource in frame.columns else list
    if raw_lifecycle is not None:  # what the rows kept hold, not the rejected ones
        kept = reasons.isna().to_numpy()
        notes_out.extend(_lifecycle_notes(raw_lifecycle if kept.all() else raw_lifecycle[kept], people))
    rejected, samples, rejected_rows = _tally(raw, reasons, row_no, malformed)
    notes_out.extend(_timestamp_notes(raw_ts, reasons, row_no, people))
    log = _kept(frame, reasons, n, source, rejected, samples)
    return log, LoadReport(
        source=source, format=fmt,
        mapping={role: getattr(mapping, role) for role in rename_roles(mapping)},
        mapping_name=mapping.name, timestamp_method=parsed.method,
        rows_read=n, rows_kept=len(log), repaired=repaired, rejected=rejected,
        samples=samples,
        notes=tuple(notes_out), rejected_rows=rejected_rows, repeated=repeated,
    )


#: Headers of a time-of-day column beside a date column (Finnish, Swedish, English;
#: matched ignoring case, "_", "-", "." and spaces).
CLOCK_NAMES = ("kellonaika", "klo", "kello", "aika", "klockslag", "kl", "tid", "time", "time_of_day", "clock")
_CLOCK = r"^\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d{1,9})?)?(?:\s*[AaPp]\.?[Mm]\.?)?\s*$"
_DATE_ONLY = r"^\s*\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\s*$"


def with_clock_column(raw: pd.DataFrame, mapping: LogColumns,
                      notes: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """``raw`` with the clock time of a separate time-of-day column (``Kellonaika``,
    ``Klo``, ``Time``, ...) joined to the dates of the timestamp column, when that holds
    dates only (and noted); else ``raw`` as it is. Exports from case systems' reports
    often write the date and the time in columns of their own.

    Example:
        >>> import pandas as pd
        >>> from rpa_scout import PRESETS
        >>> raw = pd.DataFrame({"Asia": ["A1"], "Vaihe": ["V"], "Pvm": ["2.1.2024"], "Klo": ["9.05"]})
        >>> joined, _ = with_clock_column(raw, PRESETS["fi"].resolve(raw.columns), [])
        >>> joined["Pvm"].tolist()
        ['2.1.2024 9.05']
    """
    from rpa_scout.timestamps import str_fullmatch_all

    column = mapping.timestamp
    if column is None or column not in raw.columns:
        return raw, notes
    roles = {getattr(mapping, role) for role in _ROLES}
    keys = {header_key(name) for name in CLOCK_NAMES}
    clocks = [c for c in raw.columns
              if c not in roles and header_key(c) in keys and _clock_like(raw[c].head(1000))]
    if not clocks:  # checked on a sample first: ten million values are not turned into text for nothing
        return raw, notes
    dates = raw[column]
    typed = pd.api.types.is_datetime64_dtype(dates.dtype)  # typed dates (Excel): at midnight only
    if typed:
        if (dates.dropna() != dates.dropna().dt.normalize()).any():
            return raw, notes
        text = dates.dt.strftime("%Y-%m-%d").astype("string")
    else:
        text = dates.astype("string").str.strip()
        if not str_fullmatch_all(text.dropna(), _DATE_ONLY):
            return raw, notes
    for clock in clocks:
        times = raw[clock].astype("string").str.strip()
        times = times.mask(times == "")
        if not _clock_like(times):
            continue
        if typed:  # 9.05 → 9:05, as ISO writes it
            times = times.str.replace(r"^(\d{1,2})[.:](\d{2})(?:[.:](\d{2}))?",
                                      lambda m: ":".join(g for g in m.groups() if g), regex=True)
        notes.append(Message("load.note.clock_column", clock=repr(str(clock)), column=repr(str(column))))
        return raw.assign(**{column: (text + " " + times).fillna(text)}), notes
    return raw, notes


def _clock_like(values: pd.Series) -> bool:
    """Whether ``values`` hold times of day, at least one, and nothing else (blanks aside)."""
    from rpa_scout.timestamps import str_fullmatch_all

    text = values.astype("string").str.strip()
    text = text[text.notna() & (text != "")]
    return bool(len(text)) and str_fullmatch_all(text, _CLOCK)


def _renamed(raw: pd.DataFrame, mapping: LogColumns,
             notes: list[str]) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """``raw`` with the mapped columns under their XES names (a source column whose name
    an XES name takes is dropped, and noted; one that bears the XES name of a role nobody
    fills, such as a ``lifecycle:transition`` of case statuses, becomes an attribute under
    another name, and noted); plain-number attributes become numbers."""
    rename = {getattr(mapping, role): getattr(XES, role) for role in _ROLES
              if getattr(mapping, role) is not None}
    clash = [c for c in raw.columns if c in rename.values() and c not in rename]
    roles = {getattr(XES, role) for role in _ROLES}
    for column in [c for c in raw.columns if c in roles and c not in rename and c not in rename.values()]:
        rename[column] = _free(ATTRIBUTE_NAMES.get(column, f"{column} (attribute)"), raw.columns)
        notes.append(Message("load.note.role_name_kept", column=repr(column), name=repr(rename[column])))
    frame = raw.drop(columns=clash).rename(columns=rename)
    if clash:
        notes.append(Message("load.note.columns_dropped", columns=", ".join(clash)))
    numeric = _numeric_attributes(frame, set(rename.values()))
    if numeric:
        notes.append(Message("load.note.numbers", columns=", ".join(numeric)))
    _categorical_attributes(frame, set(rename.values()))
    for col in (XES.timestamp, XES.start_timestamp):  # parsed as the text they are
        if col in frame.columns and text_categories(frame[col]):
            frame[col] = as_plain_text(frame[col])
    return frame, rename, notes


def _free(name: str, taken: pd.Index) -> str:
    """``name``, or with a number after it where the table has a column of that name."""
    return next(n for n in [name] + [f"{name} {i}" for i in range(2, len(taken) + 3)] if n not in taken)


def _clean_columns(frame: pd.DataFrame, timestamp_format: str | None, timezone: str,
                   repaired: dict[str, int], notes: list[str],
                   epoch_clock: str = "auto", categorical_roles: bool = False) -> ParsedTimestamps:
    """Clean the text roles (as categories with ``categorical_roles``), parse the
    timestamps and normalise the lifecycle, in place."""
    for col, what in ((XES.case, "case_id"), (XES.activity, "activity"), (XES.resource, "resource")):
        if col in frame.columns:
            frame[col] = _clean_text(frame[col], Message(f"load.what.{what}"), repaired, categorical_roles)
    if XES.resource in frame.columns:
        frame[XES.resource] = _no_account_missing(frame[XES.resource], repaired)
    parsed = _parse_times(frame, timestamp_format, timezone, repaired, epoch_clock)
    notes.extend(start_copy_notes(frame, XES))
    if XES.lifecycle in frame.columns:  # its notes: of the rows kept (standardise)
        codes, names = transition_codes(frame[XES.lifecycle])  # a few distinct values
        frame[XES.lifecycle] = pd.Series(labels(codes, names), index=frame.index)
    return parsed


def _no_account_missing(values: pd.Series, repaired: dict[str, int]) -> pd.Series:
    """The resource column with :data:`NO_ACCOUNT` values missing (counted as a repair)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        gone = values.cat.categories[values.cat.categories.isin(_NO_ACCOUNT_WRITTEN)]
        if not len(gone):
            return values
        hits = values.isin(gone).to_numpy()
        values = values.cat.remove_categories(gone)
    else:
        hits = values.isin(_NO_ACCOUNT_WRITTEN).to_numpy(dtype=bool)
        if not hits.any():
            return values
        gone = pd.unique(values[hits])
        values = values.mask(hits)
    shown = ", ".join(repr(str(v)) for v in sorted(map(str, gone)))
    repaired[Message("load.repair.no_account", values=shown)] = int(hits.sum())
    return values


def _parse_times(frame: pd.DataFrame, timestamp_format: str | None, timezone: str,
                 repaired: dict[str, int], epoch_clock: str = "auto") -> ParsedTimestamps:
    """Parse the timestamp (and start) columns of ``frame`` in place; return the first."""
    parsed = parse_timestamps(frame[XES.timestamp], timestamp_format=timestamp_format,
                              timezone=timezone, epoch_clock=epoch_clock)
    frame[XES.timestamp] = _positional(parsed.values)
    if parsed.dst_gap:
        repaired[Message("load.repair.dst_gap")] = parsed.dst_gap
    if parsed.dst_overlap:
        repaired[Message("load.repair.dst_overlap")] = parsed.dst_overlap
    if XES.start_timestamp in frame.columns:
        raw_start = frame[XES.start_timestamp]
        start = parse_timestamps(raw_start, timestamp_format=timestamp_format, timezone=timezone,
                                 epoch_clock=epoch_clock)
        frame[XES.start_timestamp] = _positional(start.values)
        unread = int((start.values.isna().to_numpy() & ~_is_blank(raw_start)).sum())
        if unread:
            repaired[Message("load.repair.start_unread")] = unread
        _count_start_problems(frame, start, repaired)
    return parsed


def _row_reasons(frame: pd.DataFrame, raw_ts: pd.Series, parsed: ParsedTimestamps) -> pd.Series:
    """The first reason each row is rejected for (NA for rows that are kept so far)."""
    reasons = pd.Series(pd.NA, index=frame.index, dtype="object")
    blank = _is_blank(raw_ts)
    unread = frame[XES.timestamp].isna().to_numpy() & ~blank
    checks = [
        (frame[XES.case].isna().to_numpy(), MISSING_CASE),
        (frame[XES.activity].isna().to_numpy(), MISSING_ACTIVITY),
        (blank, MISSING_TIMESTAMP),
    ]
    for mask, reason in checks:
        if mask.any():  # a clean log has none: no pass over its rows
            reasons = reasons.mask(reasons.isna().to_numpy() & mask, reason)
    open_ = reasons.isna().to_numpy() & unread
    if open_.any():
        why = np.full(int(open_.sum()), UNPARSEABLE, dtype=object)
        if parsed.problems is not None:
            given = parsed.problems.to_numpy(dtype=object)[open_]
            why = np.where(pd.notna(given), given, why)
        reasons[open_] = why
    return reasons


def _incomplete_records(raw: pd.DataFrame, reasons: pd.Series, short: np.ndarray | None,
                        repaired: dict[str, int]) -> None:
    """Say why a row lacks its case id, step or time where the record itself tells: every
    field is blank (an empty spreadsheet row saved as ``;;;``), or the record ended early.
    A short record that still has them is kept, and counted as repaired."""
    given = np.flatnonzero(reasons.notna().to_numpy())  # compared among the rejected rows only
    values = reasons.to_numpy(dtype=object)[given]
    missing = np.zeros(len(reasons), dtype=bool)
    missing[given] = [v in (MISSING_CASE, MISSING_ACTIVITY, MISSING_TIMESTAMP) for v in values]
    if short is not None:
        reasons[short & missing] = SHORT_RECORD
        kept = int((short & reasons.isna().to_numpy()).sum())
        if kept:
            repaired[Message("load.repair.short_record")] = kept
    at = given[[v == MISSING_CASE for v in values]]  # a blank row lacks its case id first
    if len(at):
        rows = raw.iloc[at]
        blank = np.ones(len(at), dtype=bool)
        for column in rows.columns:
            blank &= rows[column].astype("string").str.strip().fillna("").eq("").to_numpy()
        reasons.iloc[at[blank]] = EMPTY_RECORD


def _stray(frame: pd.DataFrame, reasons: pd.Series) -> None:
    """Mark the kept rows dated far from the rest of the log (:mod:`rpa_scout.stray`)."""
    ok = reasons.isna().to_numpy()
    stray = stray_events(np.where(ok, epoch_seconds(frame[XES.timestamp]), np.nan))
    if stray.any():
        reasons[stray] = STRAY


def _repeats(frame: pd.DataFrame, reasons: pd.Series, row_no: np.ndarray, *,
             drop_duplicates: bool, event_id: str | None) -> RepeatedEvents:
    """Mark export duplicates (and, if asked, repeated rows) in ``reasons``; count repeats."""
    ok = reasons.isna().to_numpy()
    repeated = np.zeros(len(frame), dtype=bool)
    export = np.zeros(len(frame), dtype=bool)
    if ok.all():  # the same as below, without copying every row first
        repeated = repeated_rows(frame)
        if event_id is not None:
            export = export_duplicates(frame, event_id)
    else:
        kept = frame.loc[ok]
        repeated[ok] = repeated_rows(kept)
        if event_id is not None:
            export[ok] = export_duplicates(kept, event_id)
    if export.any():
        reasons[export] = EXPORT_DUPLICATE
    repeated = repeated & ~export
    if drop_duplicates and repeated.any():
        reasons[repeated] = EXACT_DUPLICATE
    cases = int(frame[XES.case][repeated].nunique()) if repeated.any() else 0
    return RepeatedEvents(rows=int(repeated.sum()), cases=cases, dropped=drop_duplicates,
                          samples=tuple(int(r) for r in row_no[repeated][:SAMPLE_ROWS]),
                          event_id=event_id, export_duplicates=int(export.sum()))


def _tally(raw: pd.DataFrame, reasons: pd.Series, row_no: np.ndarray,
           malformed: dict[int, str]) -> tuple[dict[str, int], dict[str, tuple[int, ...]],
                                               pd.DataFrame | None]:
    """Counts and sample row numbers per reason, and the rejected rows themselves."""
    rejected: dict[str, int] = {}
    samples: dict[str, tuple[int, ...]] = {}
    rejected_mask = reasons.notna().to_numpy()
    values = reasons.to_numpy(dtype=object)
    at = np.flatnonzero(rejected_mask)  # compared among the rejected rows only
    for reason in REASONS:
        hit = at[values[at] == reason]
        if len(hit):
            rejected[reason] = len(hit)
            samples[reason] = tuple(int(r) for r in row_no[hit][:SAMPLE_ROWS])
    if malformed:
        rejected[MALFORMED] = len(malformed)
        samples[MALFORMED] = tuple(sorted(malformed)[:SAMPLE_ROWS])
    if not (rejected_mask.any() or malformed):
        return rejected, samples, None
    rows = raw.loc[rejected_mask].copy()
    for col in rows.columns:  # the rejected rows as the text they were
        if text_categories(rows[col]):
            rows[col] = as_plain_text(rows[col])
    rows.insert(0, "row", row_no[rejected_mask])
    rows.insert(1, "reason", values[rejected_mask])
    if malformed:
        extra = pd.DataFrame({"row": list(malformed), "reason": MALFORMED,
                              "raw_record": list(malformed.values())})
        rows = pd.concat([rows, extra], ignore_index=True).sort_values("row", kind="stable")
    return rejected, samples, rows


def _kept(frame: pd.DataFrame, reasons: pd.Series, n: int, source: str,
          rejected: dict[str, int], samples: dict[str, tuple[int, ...]]) -> pd.DataFrame:
    """The rows without a reason, sorted by case and time; an error if there are none."""
    keep = reasons.isna().to_numpy()
    log = frame if keep.all() else frame.loc[keep]  # taking every row would copy them all
    if not keep.all():  # role categories only of the rows kept
        for col in (XES.case, XES.activity, XES.resource):
            if col in log.columns and isinstance(log[col].dtype, pd.CategoricalDtype):
                log[col] = log[col].cat.remove_unused_categories()
    if log.empty and n == 0:
        raise InputError(f"{source}: the log has a header but no rows; export the log again")
    if log.empty:
        first = next(iter(rejected), "no rows")
        raise InputError(
            f"{source}: all {n:,} rows were rejected (first reason: {first}, e.g. row "
            f"{samples.get(first, (0,))[0]}); check the column mapping with --case/--activity/"
            "--timestamp and the --timestamp-format"
        )
    if in_case_time_order(log):  # a stable sort would keep every row where it is
        return log.reset_index(drop=True)
    return log.sort_values([XES.case, XES.timestamp], kind="stable").reset_index(drop=True)


def _timestamp_notes(raw_ts: pd.Series, reasons: pd.Series, row_no: np.ndarray,
                     people: Callable[[], list[str]] = list) -> list[str]:
    """Examples of timestamps not read, so the user can name their layout (a person's
    name in them by its shape: ``people`` gives the log's people when one is quoted)."""
    notes = []
    at = np.flatnonzero(reasons.notna().to_numpy())
    values = reasons.to_numpy(dtype=object)[at]
    for reason, key in ((UNPARSEABLE, "load.note.unparseable_example"),
                        (AMBIGUOUS, "load.note.ambiguous_example")):
        hit = at[values == reason]
        if len(hit):
            value = masked(str(raw_ts.iloc[hit[0]]).strip(), people())
            notes.append(Message(key, value=repr(value[:40]), row=int(row_no[hit[0]])))
    return notes


def _lifecycle_notes(values: pd.Series, people: Callable[[], list[str]] = list) -> list[str]:
    """Which lifecycle words were translated and which values are no known transition
    (a person's name in them by its shape)."""
    translated, unknown = transition_words(values)
    notes = []
    if translated:
        notes.append(Message("load.note.lifecycle_words", words=[
            Message("load.note.word_count", word=word, count=count) for word, count in translated.items()]))
    if unknown:
        names = people()
        shown = [Message("load.note.word_count", word=repr(masked(str(value), names)), count=count)
                 for value, count in list(unknown.items())[:10]]
        more = Message("load.note.more", count=len(unknown) - 10) if len(unknown) > 10 else ""
        notes.append(Message("load.note.lifecycle_unknown", values=shown, more=more))
    codes, texts = as_text(values)  # a few distinct values: a categorical column is not rewritten
    blank = int((codes < 0).sum() + np.isin(codes, np.flatnonzero((texts.str.strip() == "").to_numpy())).sum())
    if blank and blank < len(values):  # a column with no value at all says nothing to note
        notes.append(Message("load.note.lifecycle_blank", count=blank))
    return notes


def rename_roles(mapping: LogColumns) -> list[str]:
    """Roles that the mapping fills."""
    return [r for r in _ROLES if getattr(mapping, r) is not None]


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
        if col in roles:
            continue
        if text_categories(values):
            number = _category_numbers(values)
            if number is not None:
                frame[col] = number
                converted.append(str(col))
            continue
        # Text columns only (an object column of mixed Python values is left as it is).
        if pd.api.types.infer_dtype(values, skipna=True) != "string":
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


#: What a blank attribute value holds at most: spaces and tabs.
_BLANK = " \t"


def _categorical_attributes(frame: pd.DataFrame, roles: set[str]) -> None:
    """Store text attribute columns that repeat their values as categories, in place;
    a blank value of a text attribute (empty, or spaces and tabs) is a missing one: an
    empty CSV field or Excel cell and an XES attribute that is not there read alike.

    An attribute of a case (municipality, channel, type) repeats on every event of the
    case: as categories it takes one small integer per row instead of one string. On
    BPIC 2020's PermitLog (169 columns) the log takes 27 MiB instead of 197 MiB. A column
    is converted when it has at most half as many distinct values as rows (``pandas``
    does the same for Parquet's dictionary-encoded columns); the values are unchanged.
    Role columns are never touched.
    """
    for col in frame.columns:
        values = frame[col]
        if col in roles:
            continue
        if text_categories(values):
            frame[col] = _recategorised(values)
            continue
        if isinstance(values.dtype, pd.CategoricalDtype):
            continue
        if not (isinstance(values.dtype, pd.StringDtype)
                or (values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) == "string")):
            continue
        codes, uniques = pd.factorize(values)  # each distinct value once (missing: -1)
        if 2 * len(uniques) <= len(values):
            values = _as_categories(values, codes, uniques)
            blank = values.cat.categories[values.cat.categories.str.strip(_BLANK) == ""]
            frame[col] = values.cat.remove_categories(blank) if len(blank) else values
        else:
            blank_value = np.r_[pd.Series(uniques, dtype="string").str.strip(_BLANK).eq("").to_numpy(bool), False]
            blank = blank_value[codes]
            if blank.any():
                frame[col] = values.mask(blank)


def text_categories(values: pd.Series) -> bool:
    """Whether ``values`` is text stored as categories (unordered, of strings), as a
    reader gives a text column that repeats its values (:mod:`rpa_scout.io.parquet`):
    such a column is read as the same text would be."""
    dtype = values.dtype
    return (isinstance(dtype, pd.CategoricalDtype) and not dtype.ordered
            and pd.api.types.infer_dtype(dtype.categories, skipna=True) == "string")


def as_plain_text(values: pd.Series) -> pd.Series:
    """A column of :func:`text_categories` as the text column of its categories' type."""
    return values.astype(values.dtype.categories.dtype)


def _used(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The codes of a categorical column (as pandas holds them: a byte a row where the
    categories are few) and whether each category is used by a row, counted a few
    million rows at a time (``np.bincount`` widens its input to 64 bits)."""
    codes = values.cat.codes.to_numpy()
    used = np.zeros(len(values.cat.categories), dtype=bool)
    for begin in range(0, len(codes), _COUNT_ROWS):
        part = codes[begin:begin + _COUNT_ROWS]
        used |= np.bincount(part[part >= 0], minlength=len(used)) > 0
    return codes, used


#: Rows whose codes :func:`_used` counts at once (32 MiB of 64-bit integers).
_COUNT_ROWS = 1 << 22


def _category_numbers(values: pd.Series) -> np.ndarray | None:
    """:func:`_numeric_attributes`' numbers of a column of :func:`text_categories`, each
    distinct value converted once (``None`` when it is not a column of plain numbers)."""
    from rpa_scout.timestamps import str_fullmatch_all

    codes, used = _used(values)
    text = pd.Series(values.cat.categories, dtype="string").mask(~used)
    blank = (text.str.strip() == "").fillna(True).to_numpy(dtype=bool)
    filled = text[~blank]
    if filled.empty or not str_fullmatch_all(filled, _NUMBER):
        return None
    number = pd.to_numeric(text.mask(blank), errors="coerce")  # per category, as exact as the text's
    whole = (bool(np.r_[number.notna().to_numpy(dtype=bool), False][codes].all())
             and bool((number.dropna() % 1 == 0).all()))
    if whole:  # every row a whole number: int64, digit for digit
        return number.to_numpy(dtype="int64", na_value=0)[codes]
    return np.r_[number.to_numpy(dtype=float, na_value=np.nan), np.nan][codes]


def _recategorised(values: pd.Series) -> pd.Series:
    """:func:`_categorical_attributes` of a column of :func:`text_categories`: the
    categories in use, sorted, without blank ones; as text when fewer than two rows
    share a value on average."""
    codes, used = _used(values)
    if 2 * int(used.sum()) > len(values):
        text = as_plain_text(values)
        return text.mask(text.str.strip(_BLANK) == "")
    names = values.cat.categories.to_numpy(dtype=object)
    keep = used & ~pd.Series(names, dtype="string").str.strip(_BLANK).eq("").to_numpy(dtype=bool)
    kept = pd.Series(names[keep], dtype=values.dtype.categories.dtype)
    categories = kept.astype("category").cat.categories  # sorted, as the text's would be
    # the last entry is for code -1, missing; of the type pandas keeps the codes in
    table = np.full(len(names) + 1, -1, dtype=pd.Categorical.from_codes([], categories=categories).codes.dtype)
    table[np.flatnonzero(keep)] = categories.get_indexer(kept)
    return pd.Series(pd.Categorical.from_codes(table[codes], dtype=pd.CategoricalDtype(categories)),
                     index=values.index, name=values.name)


def _as_categories(values: pd.Series, codes: np.ndarray, uniques) -> pd.Series:
    """``values.astype("category")`` from its factorisation (``codes``, ``uniques``):
    pandas makes the categories from the distinct values alone, and each row's code is
    looked up instead of hashing its string again (3-4× faster on ten million rows)."""
    categories = pd.Series(uniques, dtype=values.dtype).astype("category").cat.categories
    table = np.r_[categories.get_indexer(uniques), -1]  # a code of -1 (missing) stays -1
    return pd.Series(pd.Categorical.from_codes(table[codes], dtype=pd.CategoricalDtype(categories)),
                     index=values.index, name=values.name)


def _positional(values: pd.Series):
    """``values.to_numpy()`` for assigning a column by position.

    A tz-aware column's ``to_numpy()`` boxes every value as a Timestamp object only for
    pandas to parse them back into the same dtype; its ``array`` is that column as is.
    An all-missing one keeps its zone too (``to_numpy()`` would give naive ``NaT``s,
    which no tz-aware time can be compared with: a start column of blanks).

    Example:
        >>> _positional(pd.Series([pd.NaT], dtype="datetime64[ns, UTC]")).dtype
        datetime64[ns, UTC]
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.array
    return values.to_numpy()


def with_lifecycle_counts(log: pd.DataFrame, report: LoadReport, *, pair: bool = True) -> LoadReport:
    """``report`` with the lifecycle counts of ``log`` (:func:`standardise`'s clean log).

    Counting a log with start events pairs them (:func:`rpa_scout.pair_lifecycle`). With
    ``pair=False`` such a log's counts are left ``None``, for a caller that pairs the log
    anyway to fill in with :func:`with_pairing`: the log is paired once, not twice.
    """
    return replace(report, lifecycle=_lifecycle_counts(log, pair) if XES.lifecycle in log.columns else {})


def with_pairing(report: LoadReport, handling: "HandlingResult") -> LoadReport:
    """``report`` with the lifecycle counts it left to the pairing of ``handling``
    (:func:`rpa_scout.estimate_handling_time` of the same rows: the same counts).

    Example:
        >>> from rpa_scout import estimate_handling_time, read_log
        >>> log, report = read_log("eventlogs/rakennuslupa.xes.gz", count_lifecycle=False)
        >>> report.lifecycle is None
        True
        >>> filled = with_pairing(report, estimate_handling_time(log))
        >>> filled.lifecycle == read_log("eventlogs/rakennuslupa.xes.gz")[1].lifecycle
        True
        >>> filled.lifecycle["paired start+complete"]
        20250
    """
    return report if report.lifecycle is not None else replace(report, lifecycle=dict(handling.pairing))


def _lifecycle_counts(log: pd.DataFrame, pair: bool = True) -> dict[str, int] | None:
    """``pair_lifecycle(log).counts``, without matching when the log has no start events
    (``None`` when it has and ``pair`` is false).

    With no ``start``, every ``complete`` is an unmatched instance of its own and
    nothing is paired, so the counts follow from counting transitions.
    """
    codes, names = transition_codes(log[XES.lifecycle])
    count = np.bincount(codes, minlength=len(names))
    own_starts = XES.start_timestamp in log.columns and log[XES.start_timestamp].notna().any()
    if count[names == START].sum() or own_starts:
        return lifecycle_counts(log) if pair else None
    completes = int(count[names == COMPLETE].sum())
    return {
        COUNT_NAMES["instances"]: completes,
        COUNT_NAMES["paired"]: 0,
        COUNT_NAMES["unmatched_complete"]: completes,
        COUNT_NAMES["unmatched_start"]: 0,
        COUNT_NAMES["non_work"]: int(count[~np.isin(names, list(WORK_TRANSITIONS))].sum()),
    }


def _is_blank(values: pd.Series) -> np.ndarray:
    if values.dtype.kind in "Mmfiu" or isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.isna().to_numpy()
    text = values.astype("string").str.strip()
    return (text.isna() | (text == "")).to_numpy()


def _clean_text(values: pd.Series, what: Message, repaired: dict[str, int],
                categories: bool = False) -> pd.Series:
    """Strings with surrounding whitespace and NUL characters removed (each counted as a
    repair); blank becomes missing.

    A categorical column is cleaned category by category. With ``categories`` the result
    is categories of the cleaned text (those in use, sorted, as ``astype("category")``
    gives them: it sorts and groups as the text does), each distinct value cleaned once.
    """
    codes = None
    if values.dtype.kind in "fiu":
        as_int = values.dropna()
        if len(as_int) and (as_int == as_int.round()).all():
            values = values.astype("Int64")
    if categories or isinstance(values.dtype, pd.CategoricalDtype):  # clean each value once
        codes, text = as_text(values)
    else:
        text = values.astype("string")
    nul = text.str.contains("\x00", regex=False).fillna(False).to_numpy(dtype=bool)
    if nul.any():  # NUL bytes of a damaged export: a name with them is the same name
        rows = np.bincount(codes[codes >= 0], minlength=len(text)) * nul if codes is not None else nul
        repaired[Message("load.repair.nul", what=what)] = int(rows.sum())
        text = text.str.replace("\x00", "", regex=False)
    stripped = text.str.strip()
    changed = ((stripped != text) & stripped.notna() & (stripped != "")).fillna(False).to_numpy(dtype=bool)
    if codes is not None:  # rows per distinct value
        changed = np.bincount(codes[codes >= 0], minlength=len(text)) * changed
    if changed.sum():
        repaired[Message("load.repair.whitespace", what=what)] = int(changed.sum())
    cleaned = stripped.mask(stripped == "")
    if codes is None:
        return cleaned
    if not categories:
        return from_text(codes, cleaned, pd.NA, values)
    blank = cleaned.isna().to_numpy(dtype=bool)
    if blank.any():  # a blank value is a missing one (a code of -1 stays -1)
        codes = np.r_[np.where(blank, -1, np.arange(len(text))), -1][codes]
    names = cleaned.to_numpy(dtype=object, na_value="")
    return pd.Series(labels(codes, names), index=values.index, name=values.name)


def _count_start_problems(frame: pd.DataFrame, start: ParsedTimestamps,
                          repaired: dict[str, int]) -> None:
    after = (frame[XES.start_timestamp] > frame[XES.timestamp]).fillna(False)
    swapped = int(after.sum())
    if swapped:
        s = frame.loc[after, XES.start_timestamp].copy()
        frame.loc[after, XES.start_timestamp] = frame.loc[after, XES.timestamp]
        frame.loc[after, XES.timestamp] = s
        repaired[Message("load.repair.swapped")] = swapped
