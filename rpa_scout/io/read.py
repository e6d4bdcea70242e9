"""``read_log``: any supported export in, a clean XES-named DataFrame and a LoadReport out."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
import pandas as pd


from rpa_scout.arguments import require_type
from rpa_scout.clean import standardise, with_lifecycle_counts
from rpa_scout.columns import (PRESETS, REQUIRED, ROLES, XES, AmbiguousColumns, LogColumns, detect, no_header, preset,
                               shown_header, with_resource)
from rpa_scout.errors import ColumnError, InputError
from rpa_scout.io.stream import Limits
from rpa_scout.io.tables import RawTable, read_csv_table, read_excel_table, read_parquet_table
from rpa_scout.io.xes import read_xes_table
from rpa_scout.lang import Message
from rpa_scout.lifecycle import known_transition, transition_codes
from rpa_scout.io.files import check_input, log_format  # noqa: F401  (log_format re-exported)
from rpa_scout.repeats import find_event_id
from rpa_scout.settings import FilterSettings
from rpa_scout.load_report import LoadReport
from rpa_scout.timestamps import DEFAULT_TIMEZONE


def read_log(
    path: str | Path,
    columns: LogColumns | str | Mapping[str, str] | None = None,
    *,
    case: str | None = None,
    activity: str | None = None,
    timestamp: str | None = None,
    resource: str | None = None,
    lifecycle: str | None = None,
    start_timestamp: str | None = None,
    instance: str | None = None,
    timestamp_format: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | int | None = None,
    drop_duplicates: bool = False,
    event_id: str | None = None,
    max_bytes: int | None = None,
    cache: bool = True, epoch_clock: str = "auto", count_lifecycle: bool = True,
    categorical_roles: bool = False,
    filters: FilterSettings | None = None,
) -> tuple[pd.DataFrame, LoadReport]:
    """Read an event log export and account for every row.

    Args:
        path: ``.xes(.gz)``, ``.csv``/``.tsv``/``.txt`` (also ``.gz``), ``.parquet``, ``.xlsx``.
        columns: a :class:`LogColumns` mapping or preset name (``xes``, ``csv``,
            ``disco``, ``fi``, ``sv``); detected from the header when ``None``. A dict of
            role to column names those roles as ``case=``, ``activity=``, ... do.
        case, …, epoch_clock: as documented on :class:`rpa_scout.settings.ReadSettings`
            (``read_log(path, **settings.read.keywords())`` passes them all).
        count_lifecycle: pair start and complete events for the report's lifecycle
            counts. ``False`` leaves them ``None`` for a log with start events, for a
            caller that estimates handling times, which pairs them anyway, to fill in
            with :func:`rpa_scout.clean.with_pairing` (``rpa-scout rank`` does).
        categorical_roles: give the case, activity and resource columns as categories of
            their text (sorted, so the log sorts and groups as text) instead of strings:
            a big log takes less memory and every analysis works on their codes
            (``rpa-scout`` reads so; the values are the same). pm4py's functions want
            text columns: ``log.astype({"case:concept:name": "string", ...})`` first.
        filters: the filters the log is to get (:func:`rpa_scout.filter_log` still
            applies them all): a Parquet file's rows that fail a ``where`` condition on a
            column of the file's own are counted and never read
            (:attr:`LoadReport.rows_outside`), so that one municipality of a national
            file bigger than memory can be read. The rows read are those the filters'
            conditions keep after reading the whole file, read as a file of their own
            would be. A period (``date_from``, ``date_to``) chooses rows too where the
            file holds its times as times (:mod:`rpa_scout.choose_period`: by case
            start, whole cases, in two passes). ``!=`` and ``not in``, conditions on
            times, lifecycles and people, a period over times held as text (and with it,
            by case start, every condition) are left to ``filter_log``; other formats
            are read whole.

    Returns:
        ``(log, report)``: the log with XES column names, timestamps tz-aware UTC,
        sorted by case and time; the :class:`LoadReport`.

    Raises:
        InputError: the file is missing, empty, of unknown format, malformed or unsafe;
        LimitError: past a limit (size, compression ratio, columns, depth); ColumnError:
        no or ambiguous columns, one column in two roles, a lifecycle column without
        transitions; ConfigError: an invalid delimiter.

    Example:
        >>> log, report = read_log("eventlogs/ostolaskut.csv.gz")
        >>> report.rows_read == report.rows_kept + report.rows_rejected
        True
    """
    path = Path(require_type(path, (str, os.PathLike), "path", "a file path (str or pathlib.Path; a DataFrame is "
                             "a log already: pass it to the analysis functions)", InputError, optional=False))
    fmt = check_input(path, delimiter)
    limits = Limits.with_max_bytes(max_bytes)
    columns, explicit = _named_roles(columns, dict(
        case=case, activity=activity, timestamp=timestamp, resource=resource, lifecycle=lifecycle,
        start_timestamp=start_timestamp, instance=instance))
    filters = require_type(filters, FilterSettings, "filters", "a FilterSettings (the filters of Settings)")
    chosen = _read_chosen(path, filters, limits, columns, explicit, event_id, timezone) \
        if filters is not None and fmt == "parquet" else None
    if chosen is None:
        table = _raw_table(path, fmt, delimiter, encoding, sheet, limits, cache)
        mapping, notes, event_id = resolve_columns(
            [str(c) for c in table.frame.columns], table.frame.__getitem__, columns, fmt, path.name,
            explicit, event_id, notes=table.notes, head=lambda column: table.frame[column].head(200))
    else:
        table, mapping, notes, event_id = chosen
    log, report = standardise(
        table.frame, mapping, source=path.name, fmt=fmt, timestamp_format=timestamp_format,
        timezone=timezone, notes=notes,
        row_numbers=None if table.positions is None else table.positions.to_numpy(),
        malformed=table.bad_records, short=table.short,
        drop_duplicates=drop_duplicates, event_id=event_id, epoch_clock=epoch_clock,
        categorical_roles=categorical_roles,
    )
    repairs, outside = table.repairs, table.outside
    del table  # the source columns, before matching the lifecycle for its counts
    _release_arrow_memory()
    report = with_lifecycle_counts(log, report, pair=count_lifecycle)
    if outside:
        report = replace(report, rows_outside=outside)
    # repairs made while decoding, before standardise saw the rows, come first
    return log, replace(report, repaired={**repairs, **report.repaired}) if repairs else report


def _read_chosen(path: Path, filters: FilterSettings, limits: Limits, columns: LogColumns | str | None,
                 explicit: dict[str, str | None], event_id: str | None, timezone: str
                 ) -> tuple[RawTable, LogColumns, tuple[str, ...], str | None] | None:
    """The rows of a Parquet file that the ``where`` conditions and the period of
    ``filters`` choose (:mod:`rpa_scout.choose`, :mod:`rpa_scout.choose_period`), read by
    themselves, with the mapping of the whole file's columns; ``None`` when nothing can
    choose rows as the file is read.

    Raises:
        NothingKeptError: no row is chosen (the period, or the first condition that
            leaves none, named as the filter names it).
    """
    from rpa_scout.choose import row_chooser
    from rpa_scout.io.parquet import distinct_values, first_values, parquet_header, scan_parquet, time_columns
    from rpa_scout.io.tables import parquet_metadata

    if not filters.conditions and not (filters.date_from or filters.date_to):
        return None
    parquet_metadata(path, limits)  # a readable file of not too many columns
    header = parquet_header(path)
    mapping, notes, event_id = resolve_columns(
        header, lambda column: distinct_values(path, column), columns, "parquet", path.name, explicit,
        event_id, head=lambda column: first_values(path, column, 200))
    timed = time_columns(path)
    chooser = row_chooser(filters, header, mapping, timed.__contains__, timezone)
    if chooser is None:
        return None
    if chooser.needs_cases:  # a first pass finds the cases that may start in the period
        spans = chooser.first_pass()
        scan_parquet(path, chooser.columns, lambda batch: chooser.tally(spans, batch))
        chooser = chooser.with_cases(spans, path.name, lambda column: distinct_values(path, column))
    table = read_parquet_table(path, limits, (chooser, chooser.columns))
    if table.frame.empty:
        raise chooser.nothing_kept(path.name, lambda column: distinct_values(path, column))
    return table, mapping, notes, event_id


def _named_roles(columns: LogColumns | str | Mapping[str, str] | None, explicit: dict[str, str | None]
                 ) -> tuple[LogColumns | str | None, dict[str, str | None]]:
    """``columns`` and the roles named one by one: a dict of role to column names them as
    the keywords do (``{"activity": "act"}`` is ``activity="act"``; the other roles are
    found in the header), and is then no mapping."""
    if not isinstance(columns, Mapping):
        return columns, explicit
    unknown = sorted(set(columns) - set(ROLES))
    if unknown:
        raise ColumnError(f"unknown column role(s): {', '.join(unknown)}; the roles are {', '.join(ROLES)}")
    both = [role for role, column in columns.items() if explicit[role] not in (None, column)]
    if both:
        raise ColumnError(f"the {both[0]} column is named twice, {columns[both[0]]!r} in columns and "
                          f"{explicit[both[0]]!r} as {both[0]}=; name it once")
    return None, {role: explicit[role] or columns.get(role) for role in explicit}


def _release_arrow_memory() -> None:
    """Hand the memory Arrow freed while reading back to the system: its allocator keeps
    freed blocks for reuse, about as much again as the log itself on a big Parquet file."""
    import pyarrow as pa  # noqa: PLC0415 - loaded by now with the reader

    pa.default_memory_pool().release_unused()


def _raw_table(path: Path, fmt: str, delimiter: str | None, encoding: str | None,
               sheet: str | int | None, limits: Limits, cache: bool = True) -> RawTable:
    """The file as a table of source columns, by its format's reader."""
    if fmt == "xes":
        frame, parser, repairs = read_xes_table(path, limits, cache=cache)
        if frame.empty:
            raise InputError(f"{path.name}: the XES file holds no events")
        return RawTable(frame, notes=(Message("load.note.parser", parser=parser),), repairs=repairs)
    if fmt == "csv":
        return read_csv_table(path, delimiter=delimiter, encoding=encoding, limits=limits)
    if fmt == "parquet":
        return read_parquet_table(path, limits)
    return read_excel_table(path, sheet=sheet, limits=limits)


def resolve_columns(header: list[str], values: Callable[[str], pd.Series],
                    columns: LogColumns | str | None, fmt: str, name: str,
                    explicit: Mapping[str, str | None], event_id: str | None, *,
                    notes: tuple[str, ...] = (),
                    head: Callable[[str], pd.Series] | None = None) -> tuple[LogColumns, tuple[str, ...], str | None]:
    """The concrete column mapping of a table, the notes, and the event-id column.

    Args:
        header: the table's column names.
        values: a column's values by its name (distinct values suffice: only the
            lifecycle column's are looked at, to tell a lifecycle from a case status).
        columns: a mapping or preset name; detected from ``header`` when ``None``.
        fmt: the format (``xes`` logs map their own way).
        name: the file's name, for messages.
        explicit: role → column named by the user (``case``, ``activity``, ``timestamp``,
            ``resource``, ``lifecycle``, ``start_timestamp``, ``instance``).
        event_id: the event-id column named by the user, or ``None`` to find one.
        notes: the reader's notes, to which this adds.
        head: a column's first values, if they are at hand: a missing timestamp role's
            error then names the columns whose values read as timestamps.

    Raises:
        ColumnError: a named column is missing, no column for a role, one column in two
            roles, a named lifecycle column without transitions.

    Example:
        >>> import pandas as pd
        >>> header = ["asianumero", "toimenpide", "aikaleima", "tila"]
        >>> states = pd.Series(["avoin", "suljettu"])         # a case status, no lifecycle
        >>> mapping, notes, _ = resolve_columns(header, lambda column: states, "fi", "csv",
        ...                                     "loki.csv", {}, None)
        >>> mapping.case, mapping.activity, mapping.lifecycle
        ('asianumero', 'toimenpide', None)
    """
    explicit, off = _roles_off(explicit, name)
    mapping = _mapping(header, columns, fmt, name)
    for role, column in {**explicit, "event_id": event_id or None}.items():
        if column is not None and column not in header:
            no_header(header, name)
            shown = shown_header(header, 15)
            raise ColumnError(f"{name}: --{role.replace('_', '-')} column {column!r} "
                              f"not found; the columns are {shown}")
    mapping = mapping.override(**explicit)
    if off:
        mapping = replace(mapping, **dict.fromkeys(off))
    missing = mapping.missing()
    if missing:
        no_header(header, name)
        shown = shown_header(header, 15)
        hint = ""
        if missing[0] == "timestamp" and head is not None:
            found = _timestamp_columns(header, head, {getattr(mapping, r) for r in ("case", "activity")})
            hint = f" ({', '.join(map(repr, found))} {'holds' if len(found) == 1 else 'hold'} timestamps)" \
                if found else ""
        raise ColumnError(f"{name}: no {missing[0]} column found among {shown}; "
                          f"name it with --{missing[0]} COLUMN{hint}")
    _one_role_a_column(mapping, name)
    mapping, notes = _lifecycle_or_attribute(values, mapping, notes, name,
                                             explicit=explicit.get("lifecycle") is not None)
    if event_id is None:
        # an activity instance id may be the event id too (XES writes concept:instance on
        # completes only): one start and one complete share it, but not their instant
        event_id = find_event_id(header, (getattr(mapping, r) for r in explicit if r != "instance"))
    return mapping, notes, event_id or None


def _roles_off(explicit: Mapping[str, str | None], name: str) -> tuple[dict[str, str | None], list[str]]:
    """The roles named, and the optional roles named off with ``''`` (``--lifecycle ''``:
    the file's lifecycle column is read as an attribute, each row a completion).

    Raises:
        ColumnError: a required role (case, activity, timestamp) named ``''``.
    """
    off = [role for role, column in explicit.items() if column is not None and not str(column).strip()]
    required = [role for role in off if role in REQUIRED]
    if required:
        raise ColumnError(f"{name}: --{required[0]} names no column; the {required[0]} column is required, "
                          f"name it with --{required[0]} COLUMN")
    return {role: None if role in off else column for role, column in explicit.items()}, off


def _timestamp_columns(header: list[str], head: Callable[[str], pd.Series], taken: set) -> list[str]:
    """The columns whose first values read as timestamps (nine in ten, not all one
    instant); plain numbers are left out, as amounts may read as Excel dates."""
    from rpa_scout.timestamps import parse_timestamps

    found = []
    for column in (c for c in header if c not in taken):
        sample = head(column).dropna()
        if len(sample) < 2 or pd.api.types.is_numeric_dtype(sample.dtype):
            continue
        if not pd.api.types.is_datetime64_any_dtype(sample.dtype):
            sample = sample.astype("string").str.strip()
            if sample.str.fullmatch(r"-?\d+(?:[.,]\d+)?").fillna(False).all():
                continue
        stamps = parse_timestamps(sample.reset_index(drop=True), timezone="UTC").values
        if stamps.notna().mean() >= 0.9 and stamps.nunique() > 1:
            found.append(column)
    return found


def _one_role_a_column(mapping: LogColumns, name: str) -> None:
    """Raise :class:`ColumnError` when one column is mapped to two roles."""
    seen: dict[str, str] = {}
    for role in ROLES:
        column = getattr(mapping, role)
        if column is None:
            continue
        if column in seen:
            flag = lambda r: "--" + r.replace("_", "-")  # noqa: E731
            raise ColumnError(f"{name}: column {column!r} is mapped both as {flag(seen[column])} and "
                              f"{flag(role)}; each role needs a column of its own")
        seen[column] = role


def _lifecycle_or_attribute(values: Callable[[str], pd.Series], mapping: LogColumns,
                            notes: tuple[str, ...],
                            name: str, *, explicit: bool) -> tuple[LogColumns, tuple[str, ...]]:
    """Keep the lifecycle column only if it holds a lifecycle transition.

    A column found by its header (the ``fi`` preset's ``tila``, the ``csv`` preset's
    ``status``) may hold a case status instead ("avoin", "suljettu"): read as lifecycle,
    every event would be non-work. Such a column stays an attribute and every row is a
    completion; a column named with ``--lifecycle`` is an error instead.
    """
    column = mapping.lifecycle
    if column is None:
        return mapping, notes
    held = values(column)  # read once: on Spark each read is a job
    codes, names = transition_codes(held)  # without building ten million strings
    present = names[np.bincount(codes, minlength=len(names)) > 0]
    if any(known_transition(str(v)) for v in present):
        return mapping, notes
    written = pd.unique(held.dropna().astype(str).str.strip())  # as the file writes them
    from rpa_scout.privacy import masked, people_of

    people = people_of(values(mapping.resource)) if mapping.resource is not None else []
    shown = ", ".join(repr(masked(v, people)) for v in sorted(written)[:5])
    if explicit:
        raise ColumnError(f"{name}: --lifecycle column {column!r} holds no lifecycle transition "
                          f"(values {shown}); name the column of start/complete values, or "
                          "leave out --lifecycle")
    note = Message("load.note.not_lifecycle", column=repr(column), values=shown)
    return replace(mapping, lifecycle=None), (*notes, note)


def _mapping(header: list[str], columns: LogColumns | str | None, fmt: str,
             name: str) -> LogColumns:
    if isinstance(columns, str):
        columns = preset(columns)
    if columns is not None:
        return columns.resolve(header)
    if fmt == "xes":
        return with_resource(XES.resolve(header), header)
    try:
        return detect(header, name)
    except AmbiguousColumns:
        raise
    except ColumnError:
        # Explicit options may complete a partial mapping: start from the best guess.
        return max((p.resolve(header) for p in PRESETS.values()), key=lambda m: -len(m.missing()))
