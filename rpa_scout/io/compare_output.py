"""Write a comparison of organisations as CSV, JSON, Markdown, HTML or Excel, and its heatmap.

Markdown, HTML and Excel are for people, in the chosen language; CSV and JSON keep
English keys and plain numbers. Spreadsheet-bound formats (CSV, Excel) pass every text cell through
:func:`rpa_scout.safety.spreadsheet_table`; files appear whole or not at all
(:mod:`rpa_scout.io.files`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import pandas as pd

from rpa_scout.compare import Comparison, grand_total
from rpa_scout.compare_report import compare_html, compare_markdown, export_tables, people_tables
from rpa_scout.compare_tables import ShownTable
from rpa_scout.errors import ConfigError
from rpa_scout.inspect_log import load_lines
from rpa_scout.io.files import atomic_path, atomic_text, atomic_write, check_output
from rpa_scout.io.formats import COMPARE_WRITE, names
from rpa_scout.lang import Lang, english
from rpa_scout.load_report import LoadReport
from rpa_scout.safety import json_printable, spreadsheet_table

FORMATS = names(COMPARE_WRITE)


def write_comparison(comparison: Comparison, path: Path, fmt: str, *, title: str,
                     reports: list[LoadReport], heatmap_svg: str | None = None,
                     heatmap_name: str | None = None, lang: Lang | None = None) -> Path:
    """Write ``comparison`` to ``path`` in ``fmt``; return the path.

    CSV holds the full table (one row per activity and organisation, with its
    best-practice saving); Excel one sheet per table and the notes; JSON every table, the
    ``total`` of all organisations (:func:`rpa_scout.compare.grand_total`), the notes and
    the load reports; Markdown and HTML the findings and every table (HTML with the
    heatmap inline). Markdown, HTML and Excel are in ``lang`` (English by default); CSV
    and JSON keep English keys and plain numbers.

    Raises:
        ConfigError: unknown format.
        OutputError: the file cannot be written.

    Example:
        >>> import csv, tempfile
        >>> from pathlib import Path
        >>> from rpa_scout import compare_logs, read_log, split_by
        >>> log, report = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> found = compare_logs(split_by(log, "case:channel"))    # invoices by channel
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = write_comparison(found, Path(folder) / "kanavat.csv", "csv", title="Invoices",
        ...                             reports=[report])
        ...     with path.open(encoding="utf-8", newline="") as fh:
        ...         rows = list(csv.DictReader(fh))
        >>> len(rows) == len(found.table), rows[0]["activity"], rows[0]["organisation"]
        (True, 'Asiatarkastus', 'paperi')
        >>> write_comparison(found, Path("kanavat.pdf"), "pdf", title="Invoices", reports=[report])
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: unknown output format 'pdf'; choose one of csv, json, md, html, xlsx
    """
    if fmt not in FORMATS:
        raise ConfigError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    check_output(path)
    lang = lang or english()
    tables = export_tables(comparison)
    if fmt == "csv":
        data = spreadsheet_table(tables["comparison"]).to_csv(index=False).encode("utf-8")
        return atomic_write(path, lambda fh: fh.write(data))
    if fmt == "xlsx":
        return _workbook(people_tables(comparison, lang), comparison.notes, path, lang)
    if fmt == "json":
        payload = {"organisations": list(comparison.organisations),
                   **{name: json.loads(table.to_json(orient="records", force_ascii=False))
                      for name, table in tables.items()},
                   "total": grand_total(comparison.totals),
                   "notes": [str(note) for note in comparison.notes],
                   "load_reports": [r.to_dict() for r in reports]}
        return atomic_text(path, json_printable(json.dumps(payload, indent=1, ensure_ascii=False)) + "\n")
    if fmt == "md":
        return atomic_text(path, compare_markdown(comparison, title=title, heatmap=heatmap_name, lang=lang))
    lines = [line for r in reports for line in (f"{r.source}:", *load_lines(r, lang))]
    return atomic_text(path, compare_html(comparison, title=title, heatmap_svg=heatmap_svg,
                                          load_lines=lines, lang=lang))


def _workbook(tables: list[ShownTable], notes: Sequence[object], path: Path, lang: Lang) -> Path:
    """One sheet per table, named and headed in the language, with number formats; the
    notes last, in the language."""
    from rpa_scout.io.spreadsheet import format_sheet, notes_sheet

    frame, kinds = notes_sheet(notes, lang)
    sheets = [*tables, ShownTable(lang.t("compare.table.notes"), frame, kinds)]
    with atomic_path(path) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as book:
            for shown in sheets:
                name = shown.title[:31]
                spreadsheet_table(shown.table).to_excel(book, index=False, sheet_name=name)
                format_sheet(book.sheets[name], shown.table, shown.kinds)
    return path


__all__ = ["FORMATS", "write_comparison"]
