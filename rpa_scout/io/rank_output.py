"""Write a ranking as CSV, JSON, Markdown, HTML or Excel.

Spreadsheet-bound formats (CSV, Excel) pass every text cell through
:func:`rpa_scout.safety.spreadsheet_table`; files appear whole or not at all.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx

from rpa_scout.drawing import graph_seconds
from rpa_scout.errors import ConfigError, DotTimeout, RenderError
from rpa_scout.io.files import atomic_path, atomic_text, atomic_write, check_output
from rpa_scout.io.pictures import run_dot
from rpa_scout.present import export_table, html_report, markdown
from rpa_scout.rank import Ranking
from rpa_scout.render import to_dot
from rpa_scout.io.formats import RANK_WRITE, names
from rpa_scout.load_report import LoadReport
from rpa_scout.safety import json_printable, spreadsheet_table

FORMATS = names(RANK_WRITE)


def svg_of(graph: nx.DiGraph, view: str = "frequency") -> tuple[str | None, str]:
    """Inline SVG of a graph via Graphviz, or ``None`` and a note saying why not.

    ``dot`` gets :func:`rpa_scout.drawing.graph_seconds`; when it runs out of time, or is
    missing or fails, the note says so and the report goes on without the picture.
    """
    seconds = graph_seconds(graph)
    try:
        text = run_dot(to_dot(graph, view=view), "svg", seconds).decode("utf-8", "replace")
    except DotTimeout:
        return None, (f"Graphviz did not finish drawing the map within {seconds:.0f} s "
                      f"({graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges), "
                      "so this report has no map; rpa-scout map draws one with fewer "
                      "--activities and --paths")
    except RenderError as exc:
        return None, f"The map is not drawn: {exc}"
    return text[text.find("<svg"):], ""


def write_ranking(ranking: Ranking, path: Path, fmt: str, *, title: str = "Automation candidates",
                  graph: nx.DiGraph | None = None, report: LoadReport | None = None,
                  top: int | None = None, include_all: bool = False, map_note: str = "") -> Path:
    """Write ``ranking`` to ``path`` in ``fmt``; return the path.

    Args:
        ranking: the result of :func:`rpa_scout.rank_candidates`.
        path: output file.
        fmt: one of :data:`FORMATS`.
        title: the report's title (HTML).
        graph: the map to draw in the HTML report (see
            :func:`rpa_scout.drawing.neighbourhood`).
        report: the load report, for JSON and HTML.
        top, include_all: which candidates (as in the terminal).
        map_note: what the drawn map leaves out, shown under it.

    Raises:
        ConfigError: unknown format.
        OutputError: the file cannot be written.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    check_output(path)
    table = export_table(ranking, top, include_all)
    if fmt == "csv":
        data = spreadsheet_table(table).to_csv(index=False).encode("utf-8")
        return atomic_write(path, lambda fh: fh.write(data))
    if fmt == "xlsx":
        with atomic_path(path) as tmp:
            spreadsheet_table(table).to_excel(tmp, index=False, sheet_name="candidates")
        return path
    if fmt == "md":
        return atomic_text(path, markdown(ranking, top, include_all))
    if fmt == "json":
        payload = {
            "candidates": json.loads(table.to_json(orient="records", force_ascii=False)),
            "assumptions": [dict(name=a.name, value=None if math.isnan(a.value) else a.value,
                                 unit=a.unit, kind=a.kind, source=a.source)
                            for a in ranking.assumptions],
            "notes": list(ranking.notes),
            "not_ranked": json.loads(ranking.excluded.to_json(orient="records", force_ascii=False)),
            "load_report": report.to_dict() if report else None,
        }
        return atomic_text(path, json_printable(json.dumps(payload, indent=1, ensure_ascii=False)) + "\n")
    svg, note = svg_of(graph) if graph is not None else (None, "no map")
    note = " ".join(n for n in (map_note, note) if n)
    return atomic_text(path, html_report(ranking, title=title, map_svg=svg, map_note=note,
                                         report=report, top=top, include_all=include_all))
