"""How much of a process map is drawn, and how long Graphviz may take (pure computation).

Graphviz's ``dot`` lays a graph out in time that grows much faster than its size: on
BPIC15_1, 146 activities with 334 paths take under a second, 398 with 722 twenty
seconds and 398 with 1,022 more than ten minutes. So a picture holds at most
:data:`MAX_DRAWN_ACTIVITIES` activities and :data:`MAX_DRAWN_PATHS` paths, the most
frequent ones (the rest is counted in a note), and ``dot`` gets :func:`dot_seconds`.
GraphML, JSON and DOT exports are never cut.
"""

from __future__ import annotations

from typing import Iterable

import networkx as nx
import pandas as pd

from rpa_scout.columns import XES, LogColumns
from rpa_scout.graph import END, START, discover_graph, filter_graph, induced
from rpa_scout.lang import Lang, english

MAX_DRAWN_ACTIVITIES = 150
MAX_DRAWN_PATHS = 300
#: ``dot``'s time limit: a base plus a share per node and edge, at most :data:`DOT_MAX_SECONDS`.
DOT_BASE_SECONDS = 5.0
DOT_SECONDS_PER_ELEMENT = 0.02
DOT_MAX_SECONDS = 120.0


def dot_seconds(elements: int) -> float:
    """Time limit for drawing a graph of ``elements`` nodes and edges with ``dot``."""
    return min(DOT_MAX_SECONDS, DOT_BASE_SECONDS + DOT_SECONDS_PER_ELEMENT * max(0, elements))


def graph_seconds(graph: nx.DiGraph) -> float:
    """:func:`dot_seconds` for ``graph``."""
    return dot_seconds(graph.number_of_nodes() + graph.number_of_edges())


def _activities(graph: nx.DiGraph) -> list[tuple[str, int]]:
    return [(n, int(d.get("events", 0))) for n, d in graph.nodes(data=True)
            if d.get("kind", "activity") == "activity"]


def drawable(graph: nx.DiGraph, log: pd.DataFrame | None = None, *,
             max_activities: int = MAX_DRAWN_ACTIVITIES, max_paths: int = MAX_DRAWN_PATHS,
             columns: LogColumns = XES, lang: Lang | None = None) -> tuple[nx.DiGraph, str]:
    """``graph`` cut to what ``dot`` draws in seconds, and a note on what was left out.

    Args:
        graph: a (filtered) graph from :func:`rpa_scout.graph.discover_graph`.
        log: the log it came from; with it, paths are rediscovered between the kept
            activities (as ``filter_graph`` does).
        max_activities, max_paths: the most that is drawn.
        columns: column mapping of ``log``.
        lang: the language of the note (English by default).

    Returns:
        The graph to draw (``graph`` itself when it fits) and ``""`` or a note such as
        "drawn: the 150 most frequent of 398 activities and 400 of 1,022 paths".
    """
    acts = _activities(graph)
    if len(acts) <= max_activities and graph.number_of_edges() <= max_paths:
        return graph, ""
    kept = sorted(acts, key=lambda item: (-item[1], str(item[0])))[:max_activities]
    names = {n for n, _ in kept}
    if log is not None and len(kept) < len(acts):
        base = discover_graph(log[log[columns.activity].isin(names)], columns=columns)
    else:
        base = induced(graph, [START, END, *names])
    counts = sorted((c for *_, c in base.edges(data="count", default=0)), reverse=True)
    total = sum(counts) or 1
    share = 100.0 * sum(counts[:max_paths]) / total
    cut = filter_graph(base, paths=min(100.0, share))
    cut.graph.update({k: v for k, v in graph.graph.items() if k != "filter"})
    cut.graph["filter"] = graph.graph.get("filter", {})
    note = (lang or english()).t("map.drawn_note", kept=len(kept), total=len(acts),
                                 paths_kept=cut.number_of_edges(), paths_total=graph.number_of_edges())
    return cut, note


def neighbourhood(graph: nx.DiGraph, names: Iterable[str], *,
                  max_activities: int = MAX_DRAWN_ACTIVITIES,
                  max_paths: int = MAX_DRAWN_PATHS, lang: Lang | None = None) -> tuple[nx.DiGraph, str]:
    """The candidates of a report with the steps just before and after them.

    Args:
        graph: the log's full process graph.
        names: the candidate activities, most important first.
        max_activities, max_paths: the most that is drawn (candidates first, then
            their neighbours by frequency; then the most frequent paths among them).
        lang: the language of the note (English by default).

    Returns:
        The subgraph to draw (start and end included) and a note counting what is
        left out (``""`` when nothing is).
    """
    acts = dict(_activities(graph))
    chosen = list(dict.fromkeys(n for n in names if n in acts))[:max_activities]
    near = {m for n in chosen for m in (*graph.predecessors(n), *graph.successors(n)) if m in acts}
    near -= set(chosen)
    extra = sorted(near, key=lambda n: (-acts[n], str(n)))[:max(0, max_activities - len(chosen))]
    keep = set(chosen) | set(extra)
    sub = induced(graph, [START, END, *keep])
    if sub.number_of_edges() > max_paths:
        edges = sorted(sub.edges(data="count", default=0), key=lambda e: (-e[2], str(e[0]), str(e[1])))
        sub.remove_edges_from([(a, b) for a, b, _ in edges[max_paths:]])
    sub.graph.update(graph.graph)
    left_acts = len(acts) - len(keep)
    left_paths = graph.number_of_edges() - sub.number_of_edges()
    if not left_acts and not left_paths:
        return sub, ""
    note = (lang or english()).t("map.neighbourhood_note", chosen=len(chosen), extra=len(extra),
                                 left_acts=left_acts, left_paths=left_paths)
    return sub, note
