"""Summarise a log: counts, time span, lifecycle values, attributes (no individual names)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import pandas as pd

from rpa_scout.columns import ROLES, XES, LogColumns, require_columns
from rpa_scout.lang import Lang, english, render
from rpa_scout.load_report import LoadReport


@dataclass(frozen=True)
class LogSummary:
    """What is in a log, without naming any person."""

    cases: int
    events: int
    activities: int
    resources: int
    events_with_resource: int
    first_event: pd.Timestamp | None
    last_event: pd.Timestamp | None
    lifecycle_values: dict[str, int]
    attributes: tuple[str, ...]
    case_attributes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "cases": self.cases,
            "events": self.events,
            "activities": self.activities,
            "resources": self.resources,
            "events_with_resource": self.events_with_resource,
            "first_event": None if self.first_event is None else self.first_event.isoformat(),
            "last_event": None if self.last_event is None else self.last_event.isoformat(),
            "lifecycle_values": self.lifecycle_values,
            "attributes": list(self.attributes),
            "case_attributes": list(self.case_attributes),
        }


def summarise(log: pd.DataFrame, *, columns: LogColumns = XES, timezone: str | None = None) -> LogSummary:
    """Count cases, events, activities and resources; list lifecycle values and attributes.

    ``timezone``: the first and last event in that zone (so their dates are the log's
    own: midnight in Helsinki is the evening before in UTC); as stored when ``None``.
    """
    columns = require_columns(log, columns)
    roles = {getattr(columns, role) for role in ROLES}
    has_res = columns.resource in log.columns
    lifecycle: dict[str, int] = {}
    if columns.lifecycle in log.columns:
        counts = log[columns.lifecycle].astype("string").value_counts(dropna=False)
        lifecycle = {str(k): int(v) for k, v in sorted(counts.items(), key=lambda kv: str(kv[0]))}
    # XES's "case:" and ProM's CSV export's "case " (BPI Challenge 2019's CSV) mark the case's own
    case_attrs = tuple(c for c in log.columns if str(c).startswith(("case:", "case ")) and c not in roles)
    attrs = tuple(c for c in log.columns if c not in roles and c not in case_attrs)
    ts = log[columns.timestamp]
    if timezone is not None and isinstance(ts.dtype, pd.DatetimeTZDtype):
        ts = ts.dt.tz_convert(timezone)
    return LogSummary(
        cases=int(log[columns.case].nunique()),
        events=len(log),
        activities=int(log[columns.activity].nunique()),
        resources=int(log[columns.resource].nunique()) if has_res else 0,
        events_with_resource=int(log[columns.resource].notna().sum()) if has_res else 0,
        first_event=ts.min() if len(ts) else None,
        last_event=ts.max() if len(ts) else None,
        lifecycle_values=lifecycle,
        attributes=attrs,
        case_attributes=case_attrs,
    )


def summary_lines(summary: LogSummary, report: LoadReport, lang: Lang | None = None,
                  labels: Sequence[str] = (), width: int | None = None) -> list[str]:
    """The text ``rpa-scout inspect`` prints: what is in the log (with ``labels``, the
    columns that could name its activities), then the load report; with ``width``, a
    line longer than that goes on under its own value column.

    Example:
        >>> from rpa_scout import read_log
        >>> log, report = read_log("eventlogs/ostolaskut.csv.gz")
        >>> summary_lines(summarise(log), report, Lang("fi"))[1].split()[0]
        'asioita'
    """
    lang = lang or english()
    s = summary
    span = f"{lang.date(s.first_event)} – {lang.date(s.last_event)}" if s.first_event else "-"
    rows = [("inspect.log", f"{report.source} ({report.format})"),
            ("inspect.cases", f"{lang.num(s.cases):>12}"), ("inspect.events", f"{lang.num(s.events):>12}"),
            ("inspect.activities", f"{lang.num(s.activities):>12}"),
            ("inspect.resources", f"{lang.num(s.resources):>12}  "
             + lang.t("inspect.with_resource", count=s.events_with_resource)),
            ("inspect.span", span), ("inspect.timestamps", render(report.timestamp_method, lang)),
            ("inspect.mapping", f"{report.mapping_name}: " + ", ".join(f"{k}={v}" for k, v in report.mapping.items()))]
    if s.lifecycle_values:
        rows.append(("inspect.lifecycle", ", ".join(f"{k} {lang.num(v)}" for k, v in s.lifecycle_values.items())))
    if s.case_attributes:
        rows.append(("inspect.case_attrs", ", ".join(s.case_attributes)))
    if s.attributes:
        rows.append(("inspect.event_attrs", ", ".join(s.attributes)))
    rows += [("inspect.labels", line) for line in labels]
    pad = max(15, max(len(lang.t(key)) for key, _ in rows) + 2)
    lines = [part for key, value in rows for part in _hanging(f"{lang.t(key):<{pad}}", value, width)]
    return [*lines, "", lang.t("inspect.load_report"),
            *(part for line in load_lines(report, lang) for part in _hanging("  ", line, width))]


def _hanging(head: str, value: str, width: int | None) -> list[str]:
    """``head`` + ``value`` as one line, or, longer than ``width``, wrapped under the value."""
    line = head + value
    if width is None or len(line) <= width:
        return [line]
    from rpa_scout.present import wrap

    column = len(head) if len(head) < width - 20 else 2
    return wrap(value, width, indent=" " * column, first=head)


def load_lines(report: LoadReport, lang: Lang | None = None) -> list[str]:
    """The load report's lines in ``lang`` (:meth:`LoadReport.lines`).

    Example:
        >>> from rpa_scout import read_log
        >>> _, report = read_log("eventlogs/ostolaskut.csv.gz")
        >>> load_lines(report, Lang("fi"))[0]
        'rivejä luettu            49\xa0766'
    """
    return report.lines(lang or english())
