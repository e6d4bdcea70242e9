"""The load report: every row read is kept or rejected with a reason; repairs are listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

from rpa_scout.lang import Lang, Message, english, render
from rpa_scout.timestamps import combined_method

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class RepeatedEvents:
    """Rows that repeat an identical earlier row, and what reading did with them.

    Identical rows are normal in real exports (several invoice lines posted in one
    batch, a step a system job repeats within the same second, a log exported without
    its event-id column), so they are kept by default, as pm4py and Disco keep them;
    ``drop_duplicates`` drops them. Rows with the same event identifier, case, activity
    and timestamp are one event exported twice: they are dropped whatever the setting
    and counted in ``export_duplicates``.

    Attributes:
        rows: rows that repeat an identical earlier row (the first of each is not counted).
        cases: cases that hold such rows.
        dropped: whether they were dropped (``--drop-duplicates``) or kept.
        samples: up to five of their source row numbers.
        event_id: the event-identifier column used, if any.
        export_duplicates: rows dropped as a second export of the same event id.

    Example:
        >>> from rpa_scout import RepeatedEvents
        >>> RepeatedEvents(rows=3, cases=2, samples=(3, 4, 9)).describe()
        'repeated identical events: 3 in 2 cases, kept and counted as work; --drop-duplicates drops them'
        >>> RepeatedEvents(rows=3, cases=2, dropped=True).treatment
        'dropped'
    """

    rows: int = 0
    cases: int = 0
    dropped: bool = False
    samples: tuple[int, ...] = ()
    event_id: str | None = None
    export_duplicates: int = 0

    @property
    def treatment(self) -> str:
        """``"dropped"`` or ``"kept"``."""
        return "dropped" if self.dropped else "kept"

    def describe(self) -> Message:
        """One sentence for reports and ranking assumptions (English text; a
        :class:`~rpa_scout.lang.Message`, so ``render(sentence, lang)`` shows it in any language).

        Example:
            >>> from rpa_scout.lang import Lang, render
            >>> render(RepeatedEvents(rows=3, cases=2, dropped=True).describe(), Lang("fi"))
            'toistuvia samanlaisia tapahtumia: 3 kpl 2 asiassa, hylätty (--drop-duplicates)'
        """
        if self.rows == 0:
            text = Message("load.repeated.none")
        else:
            key = "load.repeated.dropped" if self.dropped else "load.repeated.kept"
            text = Message(key + "_one" if self.cases == 1 else key, rows=self.rows, cases=self.cases)
        if self.event_id is not None:
            text = Message("load.repeated.event_id", text=text, column=repr(self.event_id),
                           count=self.export_duplicates)
        return text

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form."""
        return {"rows": self.rows, "cases": self.cases, "treatment": self.treatment,
                "sample_rows": list(self.samples), "event_id": self.event_id,
                "export_duplicates": self.export_duplicates}


@dataclass(frozen=True)
class LoadReport:
    """What reading one log did to its rows.

    ``rows_read == rows_kept + sum(rejected.values())`` always holds. Row numbers are
    1-based positions in the source (data rows of a table, events of an XES file).
    ``repeated`` says how many kept (or, with ``--drop-duplicates``, rejected) rows repeat
    an identical earlier row, so later stages can state how repeats were treated.
    ``filters`` (a :class:`rpa_scout.filters.FilterReport`, or ``None``) says what the
    filters applied after reading kept and dropped; ``rows_kept`` counts the rows read.

    Example:
        >>> from rpa_scout import read_log
        >>> _, report = read_log("eventlogs/ostolaskut.csv.gz")
        >>> report.rows_read, report.rows_kept, report.rows_rejected
        (49766, 49766, 0)
        >>> report.lines()[3]
        'lifecycle instances: 24,883'
    """

    source: str
    format: str
    mapping: Mapping[str, str | None]
    mapping_name: str
    timestamp_method: str
    rows_read: int
    rows_kept: int
    repaired: Mapping[str, int] = field(default_factory=dict)
    rejected: Mapping[str, int] = field(default_factory=dict)
    samples: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    #: ``None`` while the counts wait for the pairing that ranking does anyway
    #: (``read_log(count_lifecycle=False)``, then :func:`rpa_scout.clean.with_pairing`).
    lifecycle: Mapping[str, int] | None = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    rejected_rows: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    repeated: RepeatedEvents = field(default_factory=RepeatedEvents)
    filters: Any = field(default=None, compare=False)
    #: Rows of the file that ``where`` conditions left out as it was read: counted, not
    #: read (``rows_read`` counts the others), so the file's rows add up.
    rows_outside: int = 0

    @property
    def rows_rejected(self) -> int:
        """Rows not kept, over all reasons."""
        return int(sum(self.rejected.values()))

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form (without the rejected rows themselves)."""
        return {
            "source": self.source,
            "format": self.format,
            "mapping": dict(self.mapping),
            "mapping_name": self.mapping_name,
            "timestamp_method": self.timestamp_method,
            "rows_outside": self.rows_outside,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_rejected": self.rows_rejected,
            "repaired": dict(self.repaired),
            "rejected": dict(self.rejected),
            "sample_rows": {k: list(v) for k, v in self.samples.items()},
            "lifecycle": dict(self.lifecycle or {}),
            "repeated_events": self.repeated.to_dict(),
            "notes": list(self.notes),
            "filters": self.filters.to_dict() if self.filters is not None else None,
        }

    def lines(self, lang: Lang | None = None) -> list[str]:
        """Human-readable summary, one fact a line, in ``lang`` (English by default): the
        row counts, then the reasons rows were rejected for, repeats, repairs, lifecycle
        counts, notes and what the filters kept.

        Example:
            >>> from rpa_scout import read_log
            >>> _, report = read_log("eventlogs/ostolaskut.csv.gz")
            >>> report.lines(Lang("sv"))[3], report.lines(Lang("fi"))[-1]
            ('livscykel, utföranden: 24\xa0883', 'huom.: luvut luettu sarakkeissa case:amount, case:payment_terms')
        """
        lang = lang or english()
        counts = (("load.rows_outside", self.rows_outside),) if self.rows_outside else ()
        heads = [(lang.t(key), count) for key, count in (*counts, ("load.rows_read", self.rows_read),
                                                         ("load.rows_kept", self.rows_kept),
                                                         ("load.rows_rejected", self.rows_rejected))]
        pad = max(15, max(len(label) for label, _ in heads) + 2)
        out = [f"{label:<{pad}}{lang.num(count):>12}" for label, count in heads]
        for reason, count in self.rejected.items():
            text = lang.t("load.rejected", reason=reason, count=count)
            out.append("  " + _with_rows(text, self.samples.get(reason, ()), lang, count))
        if self.repeated.rows or self.repeated.event_id is not None:
            out.append(_with_rows(render(self.repeated.describe(), lang), self.repeated.samples, lang,
                                  self.repeated.rows))
        out.extend(lang.t("load.repaired", repair=repair, count=count) for repair, count in self.repaired.items())
        out.extend(lang.t("load.lifecycle", what=what, count=count)
                   for what, count in (self.lifecycle or {}).items())
        out.extend(lang.t("load.note", note=note) for note in self.notes)
        if self.filters is not None:
            out.extend(self.filters.lines(lang))
        return out


def _with_rows(text: str, rows: tuple[int, ...], lang: Lang, total: int) -> str:
    """``text`` followed by the sample row numbers, if any (as the source numbers them),
    and "..." when they are not all of the ``total`` rows."""
    if not rows:
        return text
    shown = ", ".join(str(r) for r in rows)
    if total > len(rows):
        return lang.t("load.with_rows", text=text, rows=shown)
    return lang.t("load.with_rows_all_one" if len(rows) == 1 else "load.with_rows_all", text=text, rows=shown)


def added_up(reports: list[LoadReport], source: str) -> LoadReport:
    """One report for parts of one source read apart (an engine reads each
    organisation's rows by itself): counts added up, the first sample rows of each
    reason, every note once, what the filters kept added up.

    Example:
        >>> a = LoadReport("x", "parquet", {}, "xes", "typed", 3, 2, rejected={"no time": 1},
        ...                samples={"no time": (7,)}, lifecycle={"complete": 2}, notes=("n",))
        >>> b = LoadReport("x", "parquet", {}, "xes", "typed", 4, 4, samples={},
        ...                lifecycle={"complete": 4}, notes=("n",))
        >>> both = added_up([a, b], "x")
        >>> both.rows_read, both.rows_kept, dict(both.rejected), dict(both.lifecycle), both.notes
        (7, 6, {'no time': 1}, {'complete': 6}, ('n',))
    """
    first = reports[0]

    def total(field_of: Any) -> dict[str, int]:
        out: dict[str, int] = {}
        for report in reports:
            for key, count in (field_of(report) or {}).items():
                out[key] = out.get(key, 0) + count
        return out

    def first_rows(rows: Any) -> tuple[int, ...]:
        return tuple(sorted(r for part in rows for r in part)[:SAMPLE_ROWS])

    repeated = [r.repeated for r in reports]
    lifecycle = None if any(r.lifecycle is None for r in reports) else total(lambda r: r.lifecycle)
    rejected_rows = [r.rejected_rows for r in reports if r.rejected_rows is not None]
    filtered = [r.filters for r in reports if r.filters is not None]
    return LoadReport(
        source=source, format=first.format, mapping=first.mapping, mapping_name=first.mapping_name,
        timestamp_method=combined_method([(r.timestamp_method, r.rows_kept) for r in reports]),
        rows_read=sum(r.rows_read for r in reports), rows_outside=sum(r.rows_outside for r in reports),
        rows_kept=sum(r.rows_kept for r in reports), repaired=total(lambda r: r.repaired),
        rejected=total(lambda r: r.rejected),
        samples={reason: first_rows(r.samples.get(reason, ()) for r in reports)
                 for reason in dict.fromkeys(k for r in reports for k in r.samples)},
        lifecycle=lifecycle, notes=tuple(dict.fromkeys(n for r in reports for n in r.notes)),
        rejected_rows=pd.concat(rejected_rows, ignore_index=True) if rejected_rows else None,
        repeated=RepeatedEvents(
            rows=sum(r.rows for r in repeated), cases=sum(r.cases for r in repeated),
            dropped=first.repeated.dropped, samples=first_rows(r.samples for r in repeated),
            event_id=first.repeated.event_id,
            export_duplicates=sum(r.export_duplicates for r in repeated)),
        filters=type(filtered[0]).added_up(filtered) if filtered else None)
