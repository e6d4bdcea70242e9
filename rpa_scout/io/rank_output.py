"""Write a ranking as CSV, JSON, Markdown, HTML or Excel."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import networkx as nx

from rpa_scout.errors import InputError
from rpa_scout.io.pictures import INSTALL_HINT, dot_available
from rpa_scout.present import export_table, html_report, markdown
from rpa_scout.rank import Ranking
from rpa_scout.render import to_dot
from rpa_scout.report import LoadReport

FORMATS = ("csv", "json", "md", "html", "xlsx")


def svg_of(graph: nx.DiGraph, view: str = "frequency") -> tuple[str | None, str]:
    """Inline SVG of a graph via Graphviz, or ``None`` and a note saying why not."""
    if not dot_available():
        return None, f"Graphviz's 'dot' was not found, so the map is not drawn; {INSTALL_HINT}"
    done = subprocess.run(["dot", "-Tsvg"], input=to_dot(graph, view=view).encode("utf-8"),
                          capture_output=True, check=False, timeout=600)
    if done.returncode != 0:
        return None, "Graphviz could not draw the map: " + done.stderr.decode("utf-8", "replace")[:200]
    text = done.stdout.decode("utf-8")
    return text[text.find("<svg"):], ""


def write_ranking(ranking: Ranking, path: Path, fmt: str, *, title: str = "Automation candidates",
                  graph: nx.DiGraph | None = None, report: LoadReport | None = None,
                  top: int | None = None, include_all: bool = False) -> Path:
    """Write ``ranking`` to ``path`` in ``fmt``; return the path."""
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise InputError(f"{path}: the folder {parent} does not exist; create it or choose --out elsewhere")
    table = export_table(ranking, top, include_all)
    try:
        if fmt == "csv":
            table.to_csv(path, index=False)
        elif fmt == "xlsx":
            table.to_excel(path, index=False, sheet_name="candidates")
        elif fmt == "md":
            path.write_text(markdown(ranking, top, include_all), encoding="utf-8")
        elif fmt == "json":
            payload = {
                "candidates": json.loads(table.to_json(orient="records", force_ascii=False)),
                "assumptions": [dict(name=a.name, value=None if math.isnan(a.value) else a.value,
                                     unit=a.unit, kind=a.kind, source=a.source)
                                for a in ranking.assumptions],
                "notes": list(ranking.notes),
                "not_ranked": json.loads(ranking.excluded.to_json(orient="records", force_ascii=False)),
                "load_report": report.to_dict() if report else None,
            }
            path.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        elif fmt == "html":
            svg, note = svg_of(graph) if graph is not None else (None, "no map")
            path.write_text(html_report(ranking, title=title, map_svg=svg, map_note=note, report=report,
                                        top=top, include_all=include_all), encoding="utf-8")
        else:
            raise InputError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    except OSError as exc:
        raise InputError(f"{path}: cannot write ({exc.strerror})") from None
    return path
