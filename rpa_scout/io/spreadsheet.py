"""The ranking as a formatted Excel workbook, for people, in the chosen language.

Sheets: the candidates (every recommended one; with ``--all`` also those not
recommended), the bots, the steps not recommended (with ``--all``) and not examined with
the reasons, the assumptions with their sources, and the notes (what the figures rest on,
as the terminal, Markdown, HTML and JSON give them; :func:`notes_sheet`, which the
comparison's workbook ends with too).
Each has a bold frozen header, an autofilter, column widths that fit and number
formats (hours whole, FTE with two decimals, shares as percentages); values are rounded
as shown, and payback is a number of months or empty (see the reason), a break-even
licence a price or empty where no price would pay back (as the reason says). Every text cell
passes :func:`rpa_scout.safety.spreadsheet_table`, so no cell is a live formula.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from rpa_scout.explain import source_name
from rpa_scout.io.files import atomic_path
from rpa_scout.lang import Lang, render
from rpa_scout.present import _bot_payback, _why, not_recommended, reason_in
from rpa_scout.rank import Ranking
from rpa_scout.safety import spreadsheet_table
from rpa_scout.summary import group_bots

#: Excel number format per kind of column.
FORMATS = {"int": "#,##0", "hours": "#,##0", "eur": "#,##0", "fte": "0.00", "share": "0%",
           "fit": "0.00", "min": "0.0", "months": "0.0", "text": "@", "g": "General"}
_MAX_WIDTH = 60


def _candidates(table: pd.DataFrame, ranking: Ranking, lang: Lang) -> tuple[pd.DataFrame, list[str]]:
    t = lang.t
    cols = [("col.rank", "int", table["rank"]),
            ("col.kind", "text", table["kind"].map(lambda k: t(f"kind.{k}"))),
            ("col.candidate", "text", table["candidate"].astype(str)),
            ("col.recommended", "text", table["recommended"].map(lambda v: t("word.yes" if v else "word.no"))),
            ("col.hours", "hours", table["hours_per_year"].round(0)),
            ("col.hours_low", "hours", table["hours_low"].round(0)),
            ("col.hours_high", "hours", table["hours_high"].round(0)),
            ("col.fte", "fte", table["fte"].round(2)), ("col.euros", "eur", table["euros_per_year"].round(0)),
            ("col.payback", "months", table["payback_months"].round(1)),
            ("col.break_even_hours", "hours", table["break_even_hours"].round(0)),
            ("col.break_even_licence", "eur", table["break_even_licence"].round(0)),
            ("col.executions", "int", table["annual_executions"].round(0)),
            ("col.handling", "min", table["handling_min"].round(1)),
            ("col.source", "text", table["handling_source"].map(lambda s: source_name(s, lang))),
            ("col.automatable", "share", table["automatable_share"].round(3)),
            ("col.fit", "fit", table["fit"].round(2)),
            ("col.reason", "text", pd.Series([reason_in(r, ranking, lang) for r in table.itertuples(index=False)],
                                             index=table.index, dtype=object))]
    return _frame(cols, lang)


def _frame(cols: list[tuple[str, str, pd.Series]], lang: Lang) -> tuple[pd.DataFrame, list[str]]:
    """A frame with translated headers and the number format of each column."""
    heads = [lang.t(key) for key, _, _ in cols]
    frame = pd.DataFrame({h: s.to_numpy() for h, (_, _, s) in zip(heads, cols)})
    return frame, [kind for _, kind, _ in cols]


def _bots(ranking: Ranking, lang: Lang) -> tuple[pd.DataFrame, list[str]]:
    bots = group_bots(ranking)
    licence = bots["break_even_licence"].astype(float)
    cols = [("col.bot", "int", bots["bot"]), ("col.steps", "text", bots["steps"].astype(str)),
            ("col.hours", "hours", bots["hours_per_year"].round(0)),
            ("col.hours_low", "hours", bots["hours_low"].astype(float).round(0)),
            ("col.hours_high", "hours", bots["hours_high"].astype(float).round(0)),
            ("col.fte", "fte", bots["fte"].round(2)),
            ("col.euros", "eur", bots["euros_per_year"].round(0)),
            ("col.payback", "months", bots["payback_months"].astype(float).round(1)),
            ("col.break_even_hours", "hours", bots["break_even_hours"].round(0)),
            ("col.break_even_licence", "eur", licence.where(licence > 0).round(0)),
            ("col.why", "text", pd.Series([_bot_payback(b, ranking, lang) for b in bots.itertuples(index=False)],
                                          index=bots.index, dtype=object))]
    return _frame(cols, lang)


def _rejected(ranking: Ranking, lang: Lang) -> tuple[pd.DataFrame, list[str]]:
    rest = not_recommended(ranking, lang)
    cols = [("col.candidate", "text", rest["candidate"].astype(str)),
            ("col.kind", "text", rest["kind"].map(lambda k: lang.t(f"kind.{k}"))),
            ("col.hours", "hours", rest["hours_per_year"].round(0)),
            ("col.hours_low", "hours", rest["hours_low"].round(0)),
            ("col.hours_high", "hours", rest["hours_high"].round(0)),
            ("col.fte", "fte", rest["fte"].round(2)), ("col.euros", "eur", rest["euros_per_year"].round(0)),
            ("col.why", "text", rest["why"].astype(str)), ("col.reason", "text", rest["reason_text"].astype(str))]
    return _frame(cols, lang)


def _excluded(ranking: Ranking, lang: Lang) -> tuple[pd.DataFrame, list[str]]:
    ex = ranking.excluded
    why = pd.Series([_why(r, ranking, lang) for r in ex.itertuples(index=False)], index=ex.index, dtype=object)
    return _frame([("col.activity", "text", ex["activity"].astype(str)), ("col.why", "text", why)], lang)


def _assumptions(ranking: Ranking, lang: Lang) -> tuple[pd.DataFrame, list[str]]:
    a = ranking.assumptions
    s = lambda values: pd.Series(values, dtype=object)  # noqa: E731
    cols = [("col.name", "text", s([render(x.name, lang) for x in a])),
            ("col.value", "g", pd.Series([None if math.isnan(x.value) else round(x.value, 4) for x in a],
                                         dtype=object)),
            ("col.unit", "text", s([render(x.unit, lang) for x in a])),
            ("col.assumption_kind", "text", s([lang.t(f"kind.{x.kind}") for x in a])),
            ("col.assumption_source", "text", s([render(x.source, lang) for x in a]))]
    return _frame(cols, lang)


def notes_sheet(notes: Sequence[object], lang: Lang) -> tuple[pd.DataFrame, list[str]]:
    """The notes sheet of a workbook: one note a row (a :class:`rpa_scout.lang.Message`
    in ``lang``, other text as it is) under a header in ``lang``, and its column's kind.

    Example:
        >>> from rpa_scout.lang import Message
        >>> frame, kinds = notes_sheet([Message("compare.note.separate"), "08:00–16:00"], Lang("fi"))
        >>> list(frame.columns), frame.iloc[1, 0], kinds
        (['huomio'], '08:00–16:00', ['text'])
    """
    texts = pd.Series([render(note, lang) for note in notes], dtype=object)
    return _frame([("col.note", "text", texts)], lang)


def write_workbook(ranking: Ranking, path: Path, table: pd.DataFrame, lang: Lang, *,
                   include_all: bool = False) -> Path:
    """Write the workbook to ``path`` (whole or not at all); return the path.

    ``table`` is :func:`rpa_scout.present.export_table`'s; with ``include_all`` a sheet
    lists the candidates not recommended with the reasons (they are rows of ``table`` too).
    The last sheet holds the ranking's notes (:func:`notes_sheet`).

    Raises:
        OutputError: the file cannot be written.
    """
    sheets = [("sheet.candidates", _candidates(table, ranking, lang) if not table.empty else (pd.DataFrame(), [])),
              ("sheet.bots", _bots(ranking, lang)),
              *([("sheet.not_recommended", _rejected(ranking, lang))] if include_all else []),
              ("sheet.not_examined", _excluded(ranking, lang)), ("sheet.assumptions", _assumptions(ranking, lang)),
              ("section.notes", notes_sheet(ranking.notes, lang))]
    with atomic_path(path) as tmp:
        writer = pd.ExcelWriter(tmp, engine="openpyxl")  # saved on close, only when all went well
        for key, (frame, kinds) in sheets:
            name = lang.t(key)[:31]
            spreadsheet_table(frame).to_excel(writer, index=False, sheet_name=name)
            format_sheet(writer.sheets[name], frame, kinds)
        writer.close()
    return path


def format_sheet(sheet: Any, frame: pd.DataFrame, kinds: list[str]) -> None:
    """Bold frozen header, autofilter, widths and the number format of each column's
    kind (:data:`FORMATS`) on an openpyxl ``sheet`` that ``frame`` was written to."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "A2"
    if frame.empty and not len(frame.columns):
        return
    sheet.auto_filter.ref = sheet.dimensions
    for index, (column, kind) in enumerate(zip(frame.columns, kinds), start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="top")
        values = [str(v) for v in frame[column].head(200) if v is not None and v == v]
        width = max([len(str(column))] + [len(v) for v in values])
        sheet.column_dimensions[letter].width = min(_MAX_WIDTH, max(8, width + 2))
        for cell in sheet[letter][1:]:
            cell.number_format = FORMATS[kind]
            if kind == "text" and width > _MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
