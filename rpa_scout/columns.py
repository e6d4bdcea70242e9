"""One column-mapping object, :class:`LogColumns`, with presets for the exports we meet.

A mapping names, for each role (case, activity, timestamp, ...), the column of the
source file that plays it. A *preset* gives several candidate headers per role and is
resolved against the header of a file; explicit names always win.

After :func:`rpa_scout.read_log` every log uses the XES names in :data:`XES`, so
analysis functions take ``columns: LogColumns = XES`` only for logs built by hand.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, fields, replace
from typing import Iterable, Mapping

from rpa_scout.arguments import require_frame
from rpa_scout.errors import ColumnError

Names = str | tuple[str, ...] | None

#: Columns the stages add to the instance table (one row per activity instance), named once:
#: who did it and why we say so (:mod:`rpa_scout.manual`), and how long a person worked on
#: it (:mod:`rpa_scout.handling`).
PERFORMER, EVIDENCE, ACCOUNT, RECORDED = "performer", "evidence", "account", "recorded"
HANDLING, SOURCE, BOUND, UPPER = "handling_s", "source", "bound", "upper_s"
LOOSE, CAPACITY, NAIVE, DAY_HOURS = "loose", "capacity", "naive_s", "day_hours"
#: What the log showed of an instance whose time a standard time replaced (its measured
#: time, or its estimate's upper bound): how much the step varies is still the log's.
REPLACED = "replaced_s"

#: Every role, in the order the load report names them. ``instance`` is the activity
#: instance id that ties a start to its complete (XES ``concept:instance``, bupaR's
#: ``activity_instance_id``); without it, lifecycle events pair first in, first out.
ROLES = ("case", "activity", "timestamp", "resource", "lifecycle", "start_timestamp", "instance")
REQUIRED = ("case", "activity", "timestamp")


@dataclass(frozen=True)
class LogColumns:
    """Which column plays which role.

    Each field is one column name, a tuple of candidate names (a preset) or ``None``.
    The defaults are the XES names that every function in rpa_scout works with.

    Example:
        >>> from rpa_scout import PRESETS, XES
        >>> XES.activity
        'concept:name'
        >>> found = PRESETS["fi"].resolve(["Asianumero", "Toimenpide", "Aikaleima", "Summa"])
        >>> found.case, found.activity, found.resource, found.missing()
        ('Asianumero', 'Toimenpide', None, [])
    """

    case: Names = "case:concept:name"
    activity: Names = "concept:name"
    timestamp: Names = "time:timestamp"
    resource: Names = "org:resource"
    lifecycle: Names = "lifecycle:transition"
    start_timestamp: Names = "start_timestamp"
    instance: Names = "concept:instance"
    name: str = "xes"

    def resolve(self, header: Iterable[str]) -> "LogColumns":
        """Return a mapping with concrete column names that exist in ``header``.

        Matching ignores letter case, surrounding spaces, accents' composition form and
        ``_``/``-``/space differences. Roles that do not match become ``None``.
        """
        by_key: dict[str, str] = {}
        for column in header:
            by_key.setdefault(header_key(column), column)
        found: dict[str, str | None] = {}
        for role in ROLES:
            found[role] = None
            for candidate in _as_tuple(getattr(self, role)):
                hit = by_key.get(header_key(candidate))
                if hit is not None:
                    found[role] = hit
                    break
        return replace(self, **found)

    def missing(self) -> list[str]:
        """Required roles that have no column."""
        return [role for role in REQUIRED if getattr(self, role) is None]

    def as_dict(self) -> dict[str, str | None]:
        """Role → source column (concrete mappings only)."""
        return {f.name: _show(getattr(self, f.name)) for f in fields(self) if f.name != "name"}

    def override(self, **explicit: str | None) -> "LogColumns":
        """Return a copy where the given roles are set explicitly (``None`` values ignored)."""
        chosen = {role: value for role, value in explicit.items() if value is not None}
        unknown = set(chosen) - set(ROLES)
        if unknown:
            raise ColumnError(f"unknown column role(s): {', '.join(sorted(unknown))}")
        if not chosen:
            return self
        # a preset none of whose columns is left is not named (BPIC15_all5 read 'sv+explicit')
        from_preset = [r for r in ROLES if r not in chosen and getattr(self, r) is not None]
        return replace(self, name=f"{self.name}+explicit" if from_preset else "explicit", **chosen)


def _as_tuple(names: Names) -> tuple[str, ...]:
    if names is None:
        return ()
    if isinstance(names, str):
        return (names,)
    return tuple(names)


def _show(names: Names) -> str | None:
    if names is None or isinstance(names, str):
        return names
    return " | ".join(names)


def header_key(name: str) -> str:
    """A header as presets match it: NFC, stripped, lower case, without ``_ - .`` and spaces.

    Example:
        >>> header_key(" Case_ID "), header_key("Complete Timestamp")
        ('caseid', 'completetimestamp')
    """
    text = unicodedata.normalize("NFC", str(name)).strip().lower()
    for ch in "_- .":
        text = text.replace(ch, "")
    return text


XES = LogColumns()

PRESETS: Mapping[str, LogColumns] = {
    "xes": XES,
    "disco": LogColumns(
        case=("Case ID",),
        activity=("Activity",),
        timestamp=("Complete Timestamp", "Completed Timestamp", "End Timestamp"),
        resource=("Resource",),
        lifecycle=("Lifecycle", "Event Type"),
        start_timestamp=("Start Timestamp",),
        name="disco",
    ),
    "fi": LogColumns(
        case=("asianumero", "diaarinumero", "dnro", "asia", "asiatunnus", "hakemusnumero",
              "tapausnumero", "tapaus", "asian numero", "asian tunnus"),
        activity=("toimenpide", "tapahtuma", "vaihe", "tehtävä", "käsittelyvaihe"),
        timestamp=("aikaleima", "päättynyt", "valmistunut", "pvm", "päivämäärä", "aika",
                   "ajankohta", "tapahtuma-aika", "kirjausaika", "valmistumisaika"),
        resource=("käsittelijä", "henkilö", "kirjaaja", "esittelijä", "vastuuhenkilö", "käsittelijän nimi",
                  "käsittelijän tunnus"),
        lifecycle=("tila", "elinkaari"),
        start_timestamp=("aloitettu", "alkanut", "alkuaika"),
        name="fi",
    ),
    "sv": LogColumns(
        case=("ärendenummer", "diarienummer", "ärende", "dnr", "ärendeid"),
        activity=("åtgärd", "händelse", "aktivitet", "steg"),
        timestamp=("tidpunkt", "datum", "tid", "avslutad", "klar"),
        resource=("handläggare", "person", "registrator", "användare"),
        lifecycle=("status", "livscykel"),
        start_timestamp=("påbörjad", "starttid", "start"),
        name="sv",
    ),
    # English headers as exporters write them (matched ignoring case, "_", "-", "." and
    # spaces): ProM's startTime/completeTime, Celonis' _CASE_KEY/ACTIVITY_EN/EVENTTIME,
    # bupaR's activity_id/resource_id/lifecycle_id/activity_instance_id, Fluxicon's
    # Start/Complete, SAP-style End_Date; ProM's CSV export (BPI Challenge 2019's CSV),
    # which writes the XES keys after "case " and "event ".
    "csv": LogColumns(
        case=("case_id", "caseid", "case", "case id", "case_key", "trace", "trace_id", "case_number",
              "ticket_id", "ticket", "incident_id", "request_id", "application_id", "order_id",
              "case concept:name"),
        activity=("activity", "activity_name", "event", "task", "step", "action", "activity_en",
                  "activity_id", "event_name", "task_name", "activity_type", "operation",
                  "event concept:name"),
        timestamp=("timestamp", "end_timestamp", "complete_timestamp", "end", "end_time",
                   "completed", "time", "datetime", "complete_time", "completion_time", "complete",
                   "end_date", "event_time", "finish_time", "finished", "event_timestamp", "date_time",
                   "datestamp", "date", "event time:timestamp"),
        resource=("resource", "user", "performer", "handler", "employee", "agent", "resource_id",
                  "user_name", "resource_name", "user_id", "event org:resource"),
        lifecycle=("lifecycle", "transition", "event_type", "status", "lifecycle_id",
                   "event lifecycle:transition"),
        start_timestamp=("start_timestamp", "start", "start_time", "started", "start_date"),
        instance=("activity_instance_id", "activity_instance", "act_inst_id", "concept:instance",
                  "event concept:instance"),
        name="csv",
    ),
}


def with_resource(mapping: LogColumns, header: list[str]) -> LogColumns:
    """Fill a missing resource role from the other presets' names, when exactly one fits.

    XES files converted from other formats often carry the resource as ``Resource``
    instead of ``org:resource`` (BPIC 2020's international declarations); manual work
    cannot be told without it. Only the resource is filled this way: a stray ``status``
    column taken for the lifecycle would turn work into non-work.

    Example:
        >>> from rpa_scout.columns import XES, with_resource
        >>> header = ["case:concept:name", "concept:name", "time:timestamp", "Resource"]
        >>> with_resource(XES.resolve(header), header).resource
        'Resource'
    """
    if mapping.resource is not None:
        return mapping
    hits = {found.resource for found in (p.resolve(header) for p in PRESETS.values())
            if found.resource is not None}
    if len(hits) != 1:
        return mapping
    return replace(mapping, resource=hits.pop(), name=f"{mapping.name}+resource")


class AmbiguousColumns(ColumnError):
    """Two presets map the header to different columns."""


def preset(name: str) -> LogColumns:
    """Return the preset called ``name`` (``xes``, ``csv``, ``disco``, ``fi``, ``sv``).

    Example:
        >>> from rpa_scout.columns import preset
        >>> preset("SV").case[:2]
        ('ärendenummer', 'diarienummer')
        >>> preset("en")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ColumnError: unknown column preset 'en'; choose one of xes, disco, fi, sv, csv
    """
    try:
        return PRESETS[name.lower()]
    except KeyError:
        raise ColumnError(
            f"unknown column preset {name!r}; choose one of {', '.join(PRESETS)}"
        ) from None


def detect(header: list[str], source: str = "the file") -> LogColumns:
    """Pick the preset that maps the required roles of ``header`` unambiguously.

    Raises:
        ColumnError: no preset finds case, activity and timestamp, or two presets
            find different columns.

    Example:
        >>> from rpa_scout.columns import detect
        >>> found = detect(["Asianumero", "Toimenpide", "Pvm", "Käsittelijä"])
        >>> found.name, found.case, found.timestamp, found.resource
        ('fi', 'Asianumero', 'Pvm', 'Käsittelijä')
        >>> mixed = detect(["Case ID", "Activity", "time:timestamp", "org:group"])
        >>> mixed.name, mixed.case, mixed.timestamp
        ('disco+xes', 'Case ID', 'time:timestamp')
    """
    complete: dict[str, LogColumns] = {}
    best_partial: tuple[int, LogColumns] | None = None
    for name, candidate in PRESETS.items():
        resolved = candidate.resolve(header)
        found = len(REQUIRED) - len(resolved.missing())
        if not resolved.missing():
            complete[name] = resolved
        elif best_partial is None or found > best_partial[0]:
            best_partial = (found, resolved)
    distinct = {tuple(m.as_dict().values()) for m in complete.values()}
    if len(distinct) == 1:
        # Several presets may agree; the most specific one (listed first) names it.
        return with_resource(next(iter(complete.values())), header)
    if len(distinct) > 1:
        names = ", ".join(complete)
        raise AmbiguousColumns(
            f"{source}: the header fits several column presets ({names}); "
            "choose one with --preset or name the columns with --case/--activity/--timestamp"
        )
    mixed = _mixed(header)
    if mixed is not None:
        return mixed
    missing = best_partial[1].missing() if best_partial else list(REQUIRED)
    no_header(header, source)
    shown = shown_header(header, 12)
    raise ColumnError(
        f"{source}: no {'/'.join(missing)} column found among {shown}; "
        "name it with --" + missing[0].replace("_", "-") + " COLUMN or choose --preset"
    )


#: A date as exports write one (2025-01-02, 2.1.2025, 01/02/2025, 20250102), in a cell of a
#: header; a compact one only of the years 1900–2099 with a valid month and day
#: (:func:`_compact_date`).
_DATE_CELL = re.compile(r"\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}"
                        r"|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))([ T].*)?")
#: A cell of data, not a column's name: a number, a date or a time (digits and ``.,:/+-``).
_DATA_CELL = re.compile(r"[\d\s.,:/+\-]*\d[\d\s.,:/+\-]*")


def _dated(cell: object) -> bool:
    """Whether a header cell holds a date (a compact ``20250231`` is no date)."""
    found = _DATE_CELL.fullmatch(str(cell))
    return found is not None and _compact_date(found.group(1))


def _compact_date(text: str) -> bool:
    """True unless ``text`` is a compact yyyymmdd whose day its month has not."""
    if not re.fullmatch(r"\d{8}", text):
        return True
    try:
        datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return True


def shown_header(header: list[str], count: int) -> str:
    """The first ``count`` cells of ``header`` quoted, for an error naming the columns; when
    a cell is a number, date or time the row is data rather than column names (an export
    without a header row), and none of its values (a person's name among them) is quoted.

    Example:
        >>> shown_header(["Asia", "Vaihe", "Aika"], 12)
        "'Asia', 'Vaihe', 'Aika'"
        >>> shown_header(["H-1", "Hyväksyntä", "1.2.2025 klo 8", "Maija Meikäläinen"], 12)
        "the first row's 4 cells (not quoted: column 3 holds a number, date or time, so the row is data, not column names; add a header row to the file)"
    """
    data = next((i for i, h in enumerate(header, 1) if _DATA_CELL.fullmatch(str(h).strip())
                 or _dated(h)), None)
    if data is None:
        return ", ".join(repr(h) for h in header[:count])
    return (f"the first row's {len(header)} cells (not quoted: column {data} holds a number, date or time, "
            "so the row is data, not column names; add a header row to the file)")


def no_header(header: list[str], source: str) -> None:
    """Raise :class:`ColumnError` when the first row holds a date: the export has no header
    row, and its first row is data (whose names must not be quoted back as column names).

    Example:
        >>> no_header(["OL-1", "Hyväksyntä", "2.1.2025 8.14", "Maija Meikäläinen"], "loki.csv")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ColumnError: loki.csv: the first row is data, not column names (column 3 holds a date): add a header row to the file (for example case;activity;timestamp;resource)
    """
    dated = next((i for i, h in enumerate(header, 1) if _dated(h)), None)
    if dated is not None:
        raise ColumnError(f"{source}: the first row is data, not column names (column {dated} holds a date): "
                          "add a header row to the file (for example case;activity;timestamp;resource)")


def _mixed(header: list[str]) -> LogColumns | None:
    """A mapping whose roles come from different presets, when no one preset has them all.

    Exports mix vocabularies: a table prepared for predictive monitoring keeps Disco's
    ``Case ID`` and ``Activity`` beside pm4py's ``time:timestamp``. Each role takes the
    one column that any preset names for it; a role two presets name differently, or a
    column in two roles, gives no mapping (the caller's error then asks for the column).
    """
    resolved = [(name, candidate.resolve(header)) for name, candidate in PRESETS.items()]
    found: dict[str, str | None] = {}
    names: list[str] = []
    for role in ROLES:
        hits: dict[str, str] = {}
        for name, mapping in resolved:
            column = getattr(mapping, role)
            if column is not None:
                hits.setdefault(column, name)
        found[role] = next(iter(hits)) if len(hits) == 1 else None
        if found[role] is not None and hits[found[role]] not in names:
            names.append(hits[found[role]])
    taken = [column for column in found.values() if column is not None]
    if any(found[role] is None for role in REQUIRED) or len(set(taken)) < len(taken):
        return None
    return LogColumns(**found, name="+".join(names))


def require_columns(frame, columns: "LogColumns | str | Mapping[str, str] | None" = None,
                    roles: Iterable[str] = REQUIRED, where: str = "the log") -> "LogColumns":
    """The concrete mapping of ``frame``'s columns; :class:`ColumnError` naming the first
    role whose column ``frame`` lacks, or a timestamp column that holds no time-zone-aware
    timestamps.

    Every analysis function calls this first, so a log built by hand with other column
    names gets one clear error instead of a ``KeyError`` deep inside. ``columns`` may be a
    :class:`LogColumns`, a preset or its name (``"disco"``: resolved against ``frame``'s
    header), or a dict of role to column name; ``None`` is :data:`XES`.

    Example:

    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"case": [1]}), XES)
    Traceback (most recent call last):
    ...
    rpa_scout.errors.ColumnError: the log has no case column 'case:concept:name'; read it with read_log, or pass columns=LogColumns(case=...) naming it
    >>> frame = pd.DataFrame({"Case ID": [1], "Activity": ["A"], "Complete Timestamp": [pd.Timestamp(0, tz="UTC")]})
    >>> require_columns(frame, "disco").case
    'Case ID'
    >>> require_columns(frame.assign(**{"Complete Timestamp": "1.2.2024 10.00"}), "disco")
    Traceback (most recent call last):
    ...
    rpa_scout.errors.ColumnError: the log's timestamp column 'Complete Timestamp' holds text or mixed values, not timestamps; read the file with read_log, or convert the column with pandas.to_datetime(..., utc=True)
    """
    named = _named_roles(columns)
    columns = as_columns(columns, frame)
    for role in named:   # a column the user named that is not there: a misspelling, not "none"
        name = getattr(columns, role)
        if isinstance(name, str) and name not in frame.columns:
            raise ColumnError(f"{where} has no {role.replace('_', ' ')} column {name!r} (named in columns=); "
                              f"check its spelling among the log's columns, or leave {role} out")
    for role in roles:
        name = getattr(columns, role)
        if name is None or isinstance(name, tuple) or name not in frame.columns:
            shown = name[0] if isinstance(name, tuple) and len(name) == 1 else name
            raise ColumnError(f"{where} has no {role.replace('_', ' ')} column {shown!r}; read it with "
                              f"read_log, or pass columns=LogColumns({role}=...) naming it")
    if "timestamp" in roles:
        _require_times(frame[columns.timestamp], columns.timestamp, where)
    for role in roles:
        _require_values(frame[getattr(columns, role)], role, getattr(columns, role), where)
    return columns


def _require_values(values, role: str, name: str, where: str) -> None:
    """A clear error when a required column has empty values, which :func:`read_log`
    would have rejected and counted."""
    empty = values.isna().to_numpy()
    if empty.any():
        rows = [int(i) for i in empty.nonzero()[0][:5]]
        raise ColumnError(f"{where}'s {role.replace('_', ' ')} column {name!r} is empty in {int(empty.sum()):,} "
                          f"rows (positions {', '.join(map(str, rows))}{', ...' if empty.sum() > 5 else ''}); "
                          "drop them, or read the file with read_log, which rejects and counts them")


#: Roles a log may lack (no resource column, no lifecycle): named explicitly, they must be there.
OPTIONAL_ROLES = ("resource", "lifecycle", "start_timestamp")


def _named_roles(columns: "LogColumns | str | Mapping[str, str] | None") -> list[str]:
    """The optional roles ``columns`` names itself (a dict's keys; a LogColumns' names
    other than XES's), not a preset's candidates."""
    if isinstance(columns, Mapping):
        return [role for role in OPTIONAL_ROLES if role in columns and columns[role] is not None]
    if isinstance(columns, LogColumns):
        return [role for role in OPTIONAL_ROLES if isinstance(getattr(columns, role), str)
                and getattr(columns, role) != getattr(XES, role)]
    return []


def as_columns(columns: "LogColumns | str | Mapping[str, str] | None", frame) -> LogColumns:
    """``columns`` (a :class:`LogColumns`, a preset or its name, a dict of role to column,
    or ``None`` for :data:`XES`) as a mapping of ``frame``'s own column names, without
    requiring any of them: for functions that use the roles a frame has.

    Example:
        >>> import pandas as pd
        >>> frame = pd.DataFrame(columns=["Case ID", "Activity", "Resource"])
        >>> found = as_columns("disco", frame)
        >>> found.activity, found.resource
        ('Activity', 'Resource')
        >>> as_columns({"activity": "act"}, frame).activity
        'act'
    """
    require_frame(frame)
    if columns is None:
        return XES
    if isinstance(columns, str):
        columns = preset(columns)
    elif isinstance(columns, Mapping):
        unknown = sorted(set(columns) - set(ROLES))
        if unknown:
            raise ColumnError(f"unknown column role(s): {', '.join(unknown)}; the roles are {', '.join(ROLES)}")
        columns = XES.override(**dict(columns))
    elif not isinstance(columns, LogColumns):
        raise ColumnError(f"columns must be a LogColumns, a preset's name or a dict of role to column, "
                          f"not {type(columns).__name__}")
    if any(isinstance(getattr(columns, role), tuple) for role in ROLES):  # a preset
        resolved = columns.resolve([str(c) for c in frame.columns])
        kept = {role: getattr(resolved, role) or _first(getattr(columns, role)) for role in REQUIRED}
        columns = replace(resolved, **kept)  # a required role not found keeps its name, to be named
    return columns


def _first(names: Names) -> str | None:
    return names[0] if isinstance(names, tuple) and names else names  # type: ignore[return-value]


def _require_times(values, name: str, where: str) -> None:
    """A clear error unless ``values`` are time-zone-aware timestamps (or all missing)."""
    import pandas as pd

    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or getattr(dtype, "pyarrow_dtype", None) is not None \
            and getattr(dtype.pyarrow_dtype, "tz", None):
        return
    if pd.api.types.is_datetime64_dtype(dtype):
        raise ColumnError(f"{where}'s timestamp column {name!r} holds times without a time zone; read the file "
                          f"with read_log (naive times are local to --timezone, Europe/Helsinki by default), "
                          f"or localise it: log[{name!r}].dt.tz_localize('Europe/Helsinki')")
    if len(values) and values.notna().any():
        raise ColumnError(f"{where}'s timestamp column {name!r} holds text or mixed values, not timestamps; read the file with "
                          f"read_log, or convert the column with pandas.to_datetime(..., utc=True)")
