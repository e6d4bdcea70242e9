"""Write a ranking as CSV, JSON, Markdown, HTML or Excel.

CSV and JSON keep stable English column names and plain numbers (for other tools);
Markdown, HTML and Excel are for people, in the chosen language. Spreadsheet-bound
formats (CSV, Excel) pass every text cell through
:func:`rpa_scout.safety.spreadsheet_table`; files appear whole or not at all.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import networkx as nx

from rpa_scout.drawing import graph_seconds
from rpa_scout.errors import ConfigError, DotTimeout, RenderError
from rpa_scout.io.files import atomic_text, atomic_write, check_output
from rpa_scout.io.formats import RANK_WRITE, names
from rpa_scout.io.pictures import run_dot
from rpa_scout.lang import Lang, english
from rpa_scout.load_report import LoadReport
from rpa_scout.present import export_table, markdown
from rpa_scout.rank import Ranking
from rpa_scout.render import to_dot
from rpa_scout.safety import json_printable, spreadsheet_table

FORMATS = names(RANK_WRITE)


def svg_of(graph: nx.DiGraph, view: str = "frequency", lang: Lang | None = None) -> tuple[str | None, str]:
    """Inline SVG of a graph via Graphviz, or ``None`` and a note saying why not.

    ``dot`` gets :func:`rpa_scout.drawing.graph_seconds`; when it runs out of time, or is
    missing or fails, the note says so and the report goes on without the picture.
    """
    lang = lang or english()
    seconds = graph_seconds(graph)
    try:
        text = run_dot(to_dot(graph, view=view, lang=lang, legend=False), "svg", seconds).decode("utf-8", "replace")
    except DotTimeout:
        return None, lang.t("map.timeout_note", seconds=seconds, nodes=graph.number_of_nodes(),
                            edges=graph.number_of_edges())
    except RenderError as exc:
        return None, lang.t("map.not_drawn", error=str(exc))
    return text[text.find("<svg"):], ""


def write_ranking(ranking: Ranking, path: Path, fmt: str, *, title: str = "Automation candidates",
                  graph: nx.DiGraph | None = None, report: LoadReport | None = None,
                  top: int | None = None, include_all: bool = False, map_note: str = "",
                  lang: Lang | None = None, subtitle: str = "") -> Path:
    """Write ``ranking`` to ``path`` in ``fmt``; return the path.

    Args:
        ranking: the result of :func:`rpa_scout.rank_candidates`.
        path: output file.
        fmt: one of :data:`FORMATS`.
        title, subtitle: the report's heading (HTML).
        graph: the map to draw in the HTML report, its nodes marked with
            :func:`rpa_scout.render.mark_roles` (see :func:`rpa_scout.drawing.neighbourhood`).
        report: the load report, for JSON and HTML.
        top: how many recommended candidates the HTML report's chart and map draw.
            Every file holds every recommended candidate (``--top`` limits the terminal's
            table), so the totals and bots it names trace to its rows.
        include_all: also every candidate not recommended, with the reason (as in the
            terminal).
        map_note: what the drawn map leaves out, shown under it.
        lang: the language of Markdown, HTML and Excel (CSV and JSON keep English keys).

    Raises:
        ConfigError: unknown format.
        OutputError: the file cannot be written.
    """
    if fmt not in FORMATS:
        raise ConfigError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    lang = lang or english()
    check_output(path)
    table = export_table(ranking, None, include_all)
    if not table.empty:   # a candidate not recommended has no rank: empty, not 0 (which sorts first)
        table = table.assign(rank=table["rank"].astype("Int64").where(table["recommended"].astype(bool)))
    if fmt == "csv":
        data = spreadsheet_table(table).to_csv(index=False).encode("utf-8")
        return atomic_write(path, lambda fh: fh.write(data))
    if fmt == "xlsx":
        from rpa_scout.io.spreadsheet import write_workbook

        return write_workbook(ranking, path, table, lang, include_all=include_all)
    if fmt == "md":
        return atomic_text(path, markdown(ranking, include_all, lang=lang))
    if fmt == "json":
        return atomic_text(path, _json(ranking, table, report))
    return atomic_text(path, _html(ranking, title, graph, report, top, include_all, map_note, lang, subtitle))


def _json(ranking: Ranking, table, report: LoadReport | None) -> str:
    from rpa_scout.summary import group_bots, headline

    top = headline(ranking)
    bots = group_bots(ranking)
    payload = {
        # the recommended single steps' hours: routines regroup hours of their steps, never added
        "total": {"hours_per_year": top.hours, "hours_low": top.low, "hours_high": top.high, "fte": top.fte,
                  "euros_per_year": top.euros, "recommended_steps": top.recommended, "routines_added": False},
        "candidates": json.loads(table.to_json(orient="records", force_ascii=False)),
        # the recommended steps grouped into bots, as the other formats show them
        "bots": json.loads(bots.to_json(orient="records", force_ascii=False)),
        "assumptions": [dict(name=str(a.name), value=None if math.isnan(a.value) else a.value,
                             unit=str(a.unit), kind=a.kind, source=str(a.source))
                        for a in ranking.assumptions],
        "notes": [str(n) for n in ranking.notes],
        "not_ranked": json.loads(ranking.excluded.to_json(orient="records", force_ascii=False)),
        "load_report": report.to_dict() if report else None,
    }
    return json_printable(json.dumps(payload, indent=1, ensure_ascii=False)) + "\n"


#: The widest map (in points) whose 10-point labels still show at 9 px or more on a page
#: about 1,000 px wide; a wider layout drops the least frequent neighbours, then the
#: lowest-ranked steps, until it fits.
MAX_MAP_POINTS = 1100.0


def _svg_width(svg: str) -> float:
    found = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) [\d.]+"', svg)
    return float(found.group(1)) if found else 0.0


#: Shares of the transitions (%) whose most frequent paths a map too wide to read keeps,
#: one after the other, before it drops activities (Disco's paths slider).
MAP_PATH_SHARES = (80.0, 60.0, 40.0, 20.0, 0.0)


#: A map of more paths than this is never narrow enough to read, so it is not drawn to
#: find out: dot's layout of BPIC15's 300 paths takes 2–3 s (7,260 points wide). On the
#: 17 logs of ``benchmarks/rank_identity.py`` the widest map that fitted had 55 paths
#: (904 points) and every map of 100 paths or more was at least 3,205 points wide.
MAX_DRAWN_PATHS = 120


def fitted_map(graph: nx.DiGraph, map_note: str, lang: Lang) -> tuple[str | None, str]:
    """The report's map as SVG, made narrow enough to read, and its note.

    A map too wide first keeps only its most frequent paths (those covering 80 %, then
    60 %, ... of the transitions, each step still joined to start and end, as
    :func:`rpa_scout.graph.filter_graph` keeps them): a dense neighbourhood is wide for
    its paths, not its steps (BPIC15's 24 steps with 300 paths: 7,260 points wide, with
    the paths of 80 % of the transitions 971). Then it drops activities, a quarter at a
    time. A map of more than :data:`MAX_DRAWN_PATHS` paths counts as too wide undrawn.
    """
    from rpa_scout.graph import filter_graph

    def draw(graph: nx.DiGraph) -> tuple[str | None, str, bool]:
        """The SVG, its note, and whether the map is too wide (a map of more paths than
        :data:`MAX_DRAWN_PATHS` is, without drawing it)."""
        if graph.number_of_edges() > MAX_DRAWN_PATHS:
            return None, "", True
        svg, note = svg_of(graph, lang=lang)
        return svg, note, svg is not None and _svg_width(svg) > MAX_MAP_POINTS

    svg, note, wide = draw(graph)
    cut, whole = False, graph
    for share in MAP_PATH_SHARES:
        if not wide:
            break
        graph, cut = filter_graph(whole, paths=share), True  # each share of all the transitions
        svg, note, wide = draw(graph)
    while wide:
        smaller = _without_least(graph)
        if smaller is None:
            break
        graph, cut = smaller, True
        svg, note, wide = draw(graph)
    if cut:
        map_note = _map_note(graph, lang)
    return svg, " ".join(n for n in (map_note, note) if n)


def _without_least(graph: nx.DiGraph) -> nx.DiGraph | None:
    """``graph`` without a quarter of its activities: neighbours by frequency first, then
    knocked-out steps, then the lowest-ranked candidates; None when one is left."""
    order = {"other": 0, "automated": 0, "not_recommended": 1, "candidate": 2}
    acts = [(order.get(d.get("role"), 0), -d.get("rank", 0), d.get("events", 0), str(n))
            for n, d in graph.nodes(data=True) if d.get("kind", "activity") == "activity"]
    if len(acts) <= 1:
        return None
    drop = [a[3] for a in sorted(acts)[:max(1, len(acts) // 4)]]
    out = graph.copy()
    out.remove_nodes_from(drop)
    return out


def _map_note(graph: nx.DiGraph, lang: Lang) -> str:
    roles = [d.get("role") for _, d in graph.nodes(data=True) if d.get("kind", "activity") == "activity"]
    chosen = sum(r in ("candidate", "not_recommended") for r in roles)
    acts, edges = graph.graph.get("totals", (len(roles), graph.number_of_edges()))
    return lang.t("map.neighbourhood_note", chosen=chosen, extra=len(roles) - chosen,
                  left_acts=acts - len(roles), left_paths=edges - graph.number_of_edges())


def _html(ranking: Ranking, title: str, graph: nx.DiGraph | None, report: LoadReport | None,
          top: int | None, include_all: bool, map_note: str, lang: Lang, subtitle: str) -> str:
    from rpa_scout.report_html import html_report

    svg, note = fitted_map(graph, map_note, lang) if graph is not None else (None, lang.t("html.no_map"))
    max_count = max((c for *_, c in graph.edges(data="count", default=0)), default=0) if graph is not None else 0
    return html_report(ranking, title=title, map_svg=svg, map_note=note, report=report, top=top,
                       include_all=include_all, lang=lang, subtitle=subtitle, max_count=max_count)
