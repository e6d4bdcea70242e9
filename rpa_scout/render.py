"""Turn a process graph into Graphviz DOT text (pure: no files, no subprocess).

Two views: *frequency* (edge width and label by count) and *performance* (edge colour
and label by median waiting time, node label with measured handling time). Optional
``score`` node attributes (0–1, set by the ranking) colour the activities. Names are
shown :func:`~rpa_scout.safety.printable` (control characters escaped).
"""

from __future__ import annotations

import math

from typing import Any

import networkx as nx

from rpa_scout.errors import ConfigError
from rpa_scout.safety import printable

VIEWS = ("frequency", "performance")
_WAIT_COLOURS = ("#2b83ba", "#abdda4", "#fdae61", "#f46d43", "#d7191c")
_SCORE_COLOURS = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")


def human_duration(seconds: float | None) -> str:
    """Compact duration: 45 s, 12 min, 3.5 h, 4.2 d.

    Example:
        >>> from rpa_scout.render import human_duration
        >>> [human_duration(s) for s in (45, 720, 12_600, 363_600, None)]
        ['45 s', '12 min', '3.5 h', '4.2 d', '–']
    """
    if seconds is None or not math.isfinite(seconds):
        return "–"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _wrap(name: str, width: int = 28) -> str:
    words, lines, line = printable(name).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def to_dot(graph: nx.DiGraph, *, view: str = "frequency", title: str | None = None) -> str:
    """Return DOT text for ``graph`` in the chosen view.

    Example:
        >>> from rpa_scout import discover_graph, read_log, to_dot
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")     # with start times: measured
        >>> text = to_dot(discover_graph(log), view="performance", title="Ostolaskut")
        >>> text.splitlines()[0], text.count(" -> ")
        ('digraph process {', 25)
        >>> print(next(line for line in text.splitlines() if "Asiatarkastus" in line))
          n3 [label="Asiatarkastus\\nhandling 5 min (measured)", fillcolor="#eeeeee", fontcolor="#000000"];
    """
    if view not in VIEWS:
        raise ConfigError(f"unknown view {view!r}; choose frequency or performance")
    counts = [d.get("count", 0) for *_, d in graph.edges(data=True)] or [1]
    max_count = max(counts) or 1
    waits = sorted(d["wait_median_s"] for *_, d in graph.edges(data=True) if "wait_median_s" in d)
    events = [d.get("events", 0) for _, d in graph.nodes(data=True) if d.get("kind") == "activity"]
    max_events = max(events or [1]) or 1
    out = ["digraph process {", "  rankdir=TB;",
           '  graph [fontname="Helvetica", fontsize=12, nodesep=0.35, ranksep=0.45];',
           '  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", '
           'color="#4d4d4d", penwidth=1];',
           '  edge [fontname="Helvetica", fontsize=9, color="#4d4d4d", arrowsize=0.7];']
    if title:
        out.append(f"  labelloc=t; label={_quote(printable(title))};")
    ids = {node: f"n{i}" for i, node in enumerate(graph.nodes)}
    for node, data in graph.nodes(data=True):
        kind = data.get("kind", "activity")
        if kind in ("start", "end"):
            shape = "circle" if kind == "start" else "doublecircle"
            fill = "#9be39b" if kind == "start" else "#f4a3a3"
            out.append(f'  {ids[node]} [label="", shape={shape}, width=0.3, fillcolor="{fill}", '
                       f'tooltip={_quote(kind)}];')
            continue
        label = _wrap(str(node))
        if view == "frequency":
            label += f"\n{data.get('events', 0):,}"
            shade = 0.15 + 0.75 * data.get("events", 0) / max_events
            fill = _score_colour(data["score"]) if "score" in data else _blue(shade)
        else:
            if "handling_mean_s" in data:
                label += f"\nhandling {human_duration(data['handling_mean_s'])} ({data.get('handling_source', 'measured')})"
            fill = _score_colour(data["score"]) if "score" in data else "#eeeeee"
        font = "#ffffff" if _dark(fill) else "#000000"
        if "score" in data:
            label += f"\nscore {data['score']:.2f}"
        out.append(f"  {ids[node]} [label={_quote(label)}, fillcolor=\"{fill}\", fontcolor=\"{font}\"];")
    for a, b, data in graph.edges(data=True):
        count = data.get("count", 0)
        width = 0.8 + 5.0 * math.log1p(count) / math.log1p(max_count)
        if view == "frequency":
            label = f"{count:,}"
            colour = "#4d4d4d"
        else:
            median = data.get("wait_median_s")
            label = human_duration(median) if median is not None else ""
            colour = _wait_colour(median, waits)
        out.append(f"  {ids[a]} -> {ids[b]} [label={_quote(label)}, penwidth={width:.2f}, "
                   f'color="{colour}", fontcolor="{colour}"];')
    out.append("}")
    return "\n".join(out) + "\n"


def _wait_colour(value: float | None, ordered: list[float]) -> str:
    if value is None or not ordered:
        return "#999999"
    rank = sum(1 for w in ordered if w <= value) / len(ordered)
    return _WAIT_COLOURS[min(len(_WAIT_COLOURS) - 1, int(rank * len(_WAIT_COLOURS)))]


def _score_colour(score: float) -> str:
    index = min(len(_SCORE_COLOURS) - 1, max(0, int(score * len(_SCORE_COLOURS))))
    return _SCORE_COLOURS[index]


def _blue(shade: float) -> str:
    r, g, b = (int(247 - shade * (247 - 33)), int(251 - shade * (251 - 113)), int(255 - shade * (255 - 181)))
    return f"#{r:02x}{g:02x}{b:02x}"


def _dark(hex_colour: str) -> bool:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.299 * r + 0.587 * g + 0.114 * b < 140


_GATEWAY_MARKS = {"Exclusive": "×", "Parallel": "+", "Inclusive": "○"}


def bpmn_to_dot(model: Any) -> str:
    """DOT text for a BPMN model from :func:`rpa_scout.discover_bpmn`, top to bottom.

    Tasks are rounded boxes, × / + / ○ diamonds are exclusive, parallel and inclusive
    gateways; the layout order is breadth-first from the start event with names as
    tie-breakers, so the same model gives the same picture.

    Example:
        >>> import pandas as pd
        >>> from rpa_scout import bpmn_to_dot, discover_bpmn
        >>> log = pd.DataFrame({"case:concept:name": ["c1", "c1", "c2", "c2", "c2"],
        ...                     "concept:name": ["Kirjaus", "Päätös", "Kirjaus", "Lisäselvitys", "Päätös"],
        ...                     "time:timestamp": pd.to_datetime(["2024-02-01 10:00", "2024-02-01 11:00",
        ...                         "2024-02-02 10:00", "2024-02-02 12:00", "2024-02-02 13:00"], utc=True)})
        >>> lines = bpmn_to_dot(discover_bpmn(log)).splitlines()
        >>> [line.split("label=")[1] for line in lines if "label=" in line and 'label=""' not in line]
        ['"Kirjaus"];', '"×"];', '"×"];', '"Lisäselvitys"];', '"Päätös"];']
    """
    nodes, flows = list(model.get_nodes()), list(model.get_flows())
    succ: dict[Any, list[Any]] = {}
    for flow in flows:
        succ.setdefault(flow.get_source().get_id(), []).append(flow.get_target())

    def key(node: Any) -> tuple[str, str]:
        return type(node).__name__, str(node.get_name())

    order, seen = [], set()
    queue = sorted((n for n in nodes if "Start" in type(n).__name__), key=key)
    while queue:
        node = queue.pop(0)
        if node.get_id() in seen:
            continue
        seen.add(node.get_id())
        order.append(node)
        queue.extend(sorted(succ.get(node.get_id(), []), key=key))
    order += sorted((n for n in nodes if n.get_id() not in seen), key=key)
    ids = {n.get_id(): f"b{i}" for i, n in enumerate(order)}
    out = ["digraph bpmn {", "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=10];']
    for node in order:
        kind = type(node).__name__
        if "Start" in kind:
            attrs = 'shape=circle, width=0.3, label="", style=filled, fillcolor="#9be39b"'
        elif "End" in kind:
            attrs = 'shape=doublecircle, width=0.3, label="", style=filled, fillcolor="#f4a3a3"'
        elif "Gateway" in kind:
            mark = next((v for k, v in _GATEWAY_MARKS.items() if k in kind), "?")
            attrs = f'shape=diamond, width=0.4, height=0.4, fixedsize=true, label={_quote(mark)}'
        else:
            attrs = (f'shape=box, style="rounded,filled", fillcolor="#eef3fb", '
                     f'label={_quote(_wrap(str(node.get_name())))}')
        out.append(f"  {ids[node.get_id()]} [{attrs}];")
    for flow in sorted(flows, key=lambda f: (ids[f.get_source().get_id()], ids[f.get_target().get_id()])):
        out.append(f"  {ids[flow.get_source().get_id()]} -> {ids[flow.get_target().get_id()]} [arrowsize=0.6];")
    return "\n".join(out + ["}"]) + "\n"
