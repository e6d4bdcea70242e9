"""Turn a process graph into Graphviz DOT text (pure: no files, no subprocess).

Two views: *frequency* (edge width and label by count) and *performance* (edge colour
and label by the median waiting time in absolute bands, with a legend; node label with
measured handling time). Labels and units are in the chosen language
(:class:`rpa_scout.lang.Lang`). In the report's map, node roles (:func:`mark_roles`)
mark the candidates with their rank and hours, the knocked-out steps and the system's
steps; otherwise optional ``score`` node attributes (0–1, set by the ranking) colour the
activities. Names are shown :func:`~rpa_scout.safety.printable` (control characters
escaped).
"""

from __future__ import annotations

import html
import math
from typing import Any, Mapping

import networkx as nx
import pandas as pd

from rpa_scout.errors import ConfigError
from rpa_scout.lang import Lang, english
from rpa_scout.safety import printable

VIEWS = ("frequency", "performance")
_WAIT_COLOURS = ("#2b83ba", "#4dac26", "#fdae61", "#f46d43", "#d7191c")
#: Upper limits (seconds) of the performance view's wait colours: an hour, a day, a week, 30 days.
WAIT_LIMITS = (3600.0, 86400.0, 7 * 86400.0, 30 * 86400.0)
_SCORE_COLOURS = ("#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
#: Node looks in the report's map, by role.
ROLE_STYLE = {
    "candidate": ('"rounded,filled,bold"', "#fdae6b", "#e6550d", "#000000"),
    "not_recommended": ('"rounded,filled,dashed"', "#e6e6e6", "#7f7f7f", "#404040"),
    "automated": ('"rounded,filled,dotted"', "#ffffff", "#7f7f7f", "#404040"),
    "other": ('"rounded,filled"', "#deebf7", "#6b8fb3", "#000000"),
}


def human_duration(seconds: float | None, lang: Lang | None = None) -> str:
    """Compact duration: 45 s, 12 min, 3.5 h, 4.2 d (in ``lang``, English by default).

    Example:
        >>> from rpa_scout.render import human_duration
        >>> [human_duration(s) for s in (45, 720, 12_600, 363_600, None)]
        ['45 s', '12 min', '3.5 h', '4.2 d', '–']
    """
    return (lang or english()).duration(seconds)


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


#: A name drawn on a map is cut after this many characters (with "…"): Graphviz refuses
#: a quoted string longer than 16,384, and a box of a thousand characters helps no reader.
MAX_LABEL = 200


def _wrap(name: str, width: int = 28) -> str:
    """``name`` as printable lines of at most about ``width`` characters (cut at
    :data:`MAX_LABEL`).

    Example:
        >>> _wrap("Kustannuspaikan tiliöinti ja tarkastus", 20).splitlines()
        ['Kustannuspaikan', 'tiliöinti ja', 'tarkastus']
        >>> _wrap("T09-2 Process or receive external advice from party 2", 28).splitlines()
        ['T09-2 Process or receive', 'external advice from party 2']
        >>> len(_wrap("A" * 5_000_000))
        200
    """
    text = printable(name)
    if len(text) > MAX_LABEL:
        text = text[:MAX_LABEL - 1] + "…"
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 1 and len(lines[-1]) <= 3:  # "… from party" over "2" read as a count
        lines[-2:] = [f"{lines[-2]} {lines[-1]}"]
    return "\n".join(lines)


def to_dot(graph: nx.DiGraph, *, view: str = "frequency", title: str | None = None,
           lang: Lang | None = None, legend: bool = True) -> str:
    """Return DOT text for ``graph`` in the chosen view.

    Args:
        graph: a graph from :func:`rpa_scout.discover_graph` (nodes may carry a ``role``
            from :func:`mark_roles`: the report's candidates, knock-outs, system steps).
        view: ``frequency`` (edges labelled by count) or ``performance`` (edges labelled
            and coloured by the median wait, in absolute bands: an hour, a day, a week, 30 days).
        title: shown above the map.
        lang: the language of labels, units and legend (English by default).
        legend: draw a legend of colours and widths under the map.

    Example:
        >>> from rpa_scout import discover_graph
        >>> import pandas as pd
        >>> log = pd.DataFrame({"case:concept:name": ["c", "c"], "concept:name": ["A", "B"],
        ...                     "time:timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 12:30"], utc=True)})
        >>> "2,5 h" in to_dot(discover_graph(log), view="performance", lang=Lang("fi"))
        True
    """
    if view not in VIEWS:
        raise ConfigError(f"unknown view {view!r}; choose frequency or performance")
    lang = lang or english()
    thickest = max((d.get("count", 0) for *_, d in graph.edges(data=True)), default=0)
    max_count = thickest or 1  # the widths' scale
    out = ["digraph process {", "  rankdir=TB;",
           '  graph [fontname="Helvetica", fontsize=12, nodesep=0.35, ranksep=0.45];',
           '  node [fontname="Helvetica", fontsize=12, shape=box, style="rounded,filled", '
           'color="#4d4d4d", penwidth=1];',
           '  edge [fontname="Helvetica", fontsize=10, color="#4d4d4d", arrowsize=0.7];']
    if title:
        out.append(f"  labelloc=t; label={_quote(printable(title))};")
    ids = {node: f"n{i}" for i, node in enumerate(graph.nodes)}
    events = [d.get("events", 0) for _, d in graph.nodes(data=True) if d.get("kind") == "activity"]
    busiest = max(events or [1]) or 1  # the fills' scale (once: not once per node)
    out += [_node_line(ids[node], node, data, busiest, view, lang) for node, data in graph.nodes(data=True)]
    for a, b, data in graph.edges(data=True):
        count = data.get("count", 0)
        width = 0.8 + 5.0 * math.log1p(count) / math.log1p(max_count)
        if view == "frequency":
            label, colour = lang.num(count), "#4d4d4d"
        else:
            median = data.get("wait_median_s")
            label = lang.duration(median) if median is not None else ""
            colour = wait_colour(median)
        label = f"  {label}" if label else label  # clear of the line: a thick one hid the first digit
        out.append(f"  {ids[a]} -> {ids[b]} [label={_quote(label)}, penwidth={width:.2f}, "
                   f'color="{colour}", fontcolor="{colour}"];')
    if legend:
        bases = {d.get("wait_basis") for _, _, d in graph.edges(data=True) if d.get("wait_basis")}
        out += _legend(view, thickest, lang, bases)
    out.append("}")
    return "\n".join(out) + "\n"


def _node_line(node_id: str, node: str, data: dict, busiest: int, view: str, lang: Lang) -> str:
    """One node's DOT line: label, fill and border by role, view and score (``busiest``:
    the events of the map's busiest activity, or 1)."""
    kind = data.get("kind", "activity")
    if kind in ("start", "end"):
        shape = "circle" if kind == "start" else "doublecircle"
        fill = "#9be39b" if kind == "start" else "#f4a3a3"
        return (f'  {node_id} [label="", shape={shape}, width=0.3, fillcolor="{fill}", '
                f"tooltip={_quote(kind)}];")
    label = _wrap(str(node), 26)
    role = data.get("role")
    if role == "candidate":
        label += "\n" + lang.t("map.rank_hours", rank=data.get("rank", 0), hours=data.get("hours_per_year", 0.0))
    elif role == "not_recommended":
        label += "\n" + _wrap(lang.t("map.not_recommended", why=data.get("why_not", "")), 30)
    elif role == "automated":
        label += "\n(" + lang.t("map.automated") + ")"
    elif view == "frequency":
        label += "\n" + lang.num(data.get("events", 0))
    if view == "performance" and "handling_mean_s" in data:  # start to complete: open, not worked
        label += "\n" + lang.t("map.open_time", duration=lang.duration(data["handling_mean_s"]))
    if role in ROLE_STYLE:
        style, fill, border, font = ROLE_STYLE[role]
        width = 2.2 if role == "candidate" else 1.2
        return (f"  {node_id} [label={_quote(label)}, style={style}, fillcolor=\"{fill}\", "
                f'color="{border}", penwidth={width}, fontcolor="{font}"];')
    if view == "frequency":
        shade = 0.15 + 0.75 * data.get("events", 0) / busiest
        fill = _score_colour(data["score"]) if "score" in data else _blue(shade)
    else:
        fill = _score_colour(data["score"]) if "score" in data else "#eeeeee"
    if "score" in data:
        label += f"\nscore {data['score']:.2f}"
    font = "#ffffff" if _dark(fill) else "#000000"
    return f"  {node_id} [label={_quote(label)}, fillcolor=\"{fill}\", fontcolor=\"{font}\"];"


def _legend(view: str, max_count: int, lang: Lang, bases: set | None = None) -> list[str]:
    """A legend node under the map: the wait colours (performance view) and the widths
    (when a path is taken at all); none when there is nothing to explain."""
    esc = lambda text: html.escape(printable(text))  # noqa: E731
    rows = []
    if view == "performance":
        cells = "".join(f'<TD BGCOLOR="{colour}"><FONT COLOR="{"#ffffff" if _dark(colour) else "#000000"}">'
                        f"{esc(text)}</FONT></TD>" for colour, text in wait_legend(lang))
        # a time from completion to completion holds the next step's own work too
        key = "map.legend_wait" if bases in (None, set(), {"complete→start"}) else (
            "map.legend_between" if bases == {"complete→complete"} else "map.legend_wait_mixed")
        rows.append(f"<TR><TD>{esc(lang.t(key))}</TD>{cells}</TR>")
    span = ' COLSPAN="6"' if view == "performance" else ""
    if max_count > 0:
        rows.append(f'<TR><TD{span} ALIGN="LEFT">{esc(lang.tn("html.legend.width", max_count))}</TD></TR>')
    if not rows:
        return []
    table = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">' + "".join(rows) + "</TABLE>"
    return ['  subgraph cluster_legend { style=invis; legend [shape=plaintext, style="", '
            f"fontsize=10, label=<{table}>]; }}"]


def wait_legend(lang: Lang | None = None) -> list[tuple[str, str]]:
    """The performance view's colours and what each means ("up to 1 h", ..., "over 30 d").

    Example:
        >>> wait_legend(Lang("fi"))[0], wait_legend()[-1]
        (('#2b83ba', 'enintään 1 h'), ('#d7191c', 'over 30 d'))
    """
    lang = lang or english()
    limits = [lang.t("unit.hours", value=lang.num(1)), *(lang.t("unit.days", value=lang.num(d)) for d in (1, 7, 30))]
    out = [(c, lang.t("map.wait_bucket", limit=limit)) for c, limit in zip(_WAIT_COLOURS, limits)]
    return out + [(_WAIT_COLOURS[-1], lang.t("map.wait_over", limit=limits[-1]))]


def wait_colour(value: float | None) -> str:
    """The colour of a median wait, by its length (:data:`WAIT_LIMITS`); grey when unknown.

    Example:
        >>> [wait_colour(s) for s in (1800, 3600, 3 * 86400, 90 * 86400, None)]
        ['#2b83ba', '#2b83ba', '#fdae61', '#d7191c', '#999999']
    """
    if value is None or not math.isfinite(value):
        return "#999999"
    return next((c for c, limit in zip(_WAIT_COLOURS, WAIT_LIMITS) if value <= limit), _WAIT_COLOURS[-1])


def mark_roles(graph: nx.DiGraph, shown: pd.DataFrame, candidates: pd.DataFrame,
               excluded: pd.DataFrame, why_not: Mapping[str, str]) -> nx.DiGraph:
    """Copy of ``graph`` with each activity's role in the report's map.

    Args:
        graph: the map to draw.
        shown: the candidates the report lists (their ``rank`` and ``hours_per_year``).
        candidates: every candidate of the ranking (knocked-out steps among them).
        excluded: the ranking's activities that are no candidate (``verdict``).
        why_not: short reason per not-recommended step.

    Returns:
        A copy whose activity nodes carry ``role`` (candidate, not_recommended,
        automated or other), and ``rank``, ``hours_per_year`` or ``why_not``.

    Example:
        >>> from rpa_scout import discover_graph, rank_candidates, read_log
        >>> from rpa_scout.present import export_table
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> ranking = rank_candidates(log)
        >>> marked = mark_roles(discover_graph(log), export_table(ranking, 2), ranking.candidates,
        ...                     ranking.excluded, {"Asiatarkastus": "variability"})
        >>> steps = ("Kustannuspaikan tiliöinti", "Asiatarkastus", "Maksuajo", "Skannatun laskun tietojen tarkistus")
        >>> [marked.nodes[step]["role"] for step in steps]
        ['candidate', 'not_recommended', 'automated', 'other']
        >>> marked.nodes["Kustannuspaikan tiliöinti"]["rank"], marked.nodes["Asiatarkastus"]["why_not"]
        (1, 'variability')
    """
    out = graph.copy()
    singles = candidates[candidates["kind"] == "activity"] if not candidates.empty else candidates
    automated = set(excluded.loc[excluded["verdict"].isin(["automated", "artificial"]), "activity"].astype(str)) \
        if not excluded.empty else set()
    ranked = {str(r.candidate): r for r in shown.itertuples(index=False) if r.kind == "activity" and r.rank}
    knocked = {str(c) for c, ok in zip(singles.get("candidate", []), singles.get("recommended", [])) if not ok}
    for node, data in out.nodes(data=True):
        if data.get("kind", "activity") != "activity":
            continue
        data.pop("score", None)
        if node in ranked:
            data.update(role="candidate", rank=int(ranked[node].rank),
                        hours_per_year=float(ranked[node].hours_per_year))
        elif node in knocked:
            data.update(role="not_recommended", why_not=why_not.get(node, ""))
        elif node in automated:
            data["role"] = "automated"
        else:
            data["role"] = "other"
    return out


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
