"""render: DOT text of process maps (to_dot) and BPMN models (bpmn_to_dot), line by line."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

from rpa_scout import bpmn_to_dot, discover_bpmn, to_dot
from rpa_scout.errors import ConfigError
from rpa_scout.render import human_duration, wait_colour

HEAD = ["digraph process {", "  rankdir=TB;",
        '  graph [fontname="Helvetica", fontsize=12, nodesep=0.35, ranksep=0.45];',
        '  node [fontname="Helvetica", fontsize=12, shape=box, style="rounded,filled", color="#4d4d4d", '
        'penwidth=1];',
        '  edge [fontname="Helvetica", fontsize=10, color="#4d4d4d", arrowsize=0.7];']
_TABLE = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">'
_LEGEND = '  subgraph cluster_legend { style=invis; legend [shape=plaintext, style="", fontsize=10, label=<'


def _width_row(most: int, span: str = "") -> str:
    return (f'<TR><TD{span} ALIGN="LEFT">arrow width: how often one step follows the other '
            f"(thickest: {most} {'time' if most == 1 else 'times'})</TD></TR>")


def legend(most: int) -> str:
    """The frequency view's legend: the widths, up to the most frequent path."""
    return f"{_LEGEND}{_TABLE}{_width_row(most)}</TABLE>>]; }}"


#: The performance view's wait colours: up to an hour, a day, a week, 30 days, and over.
WAITS = [("#2b83ba", "#ffffff", "up to 1 h"), ("#4dac26", "#ffffff", "up to 1 d"),
         ("#fdae61", "#000000", "up to 7 d"), ("#f46d43", "#000000", "up to 30 d"),
         ("#d7191c", "#ffffff", "over 30 d")]
WAIT_ROW = ("<TR><TD>median wait</TD>"
            + "".join(f'<TD BGCOLOR="{c}"><FONT COLOR="{f}">{t}</FONT></TD>' for c, f, t in WAITS) + "</TR>")
PERFORMANCE_LEGEND = f"{_LEGEND}{_TABLE}{WAIT_ROW}" + _width_row(100, ' COLSPAN="6"') + "</TABLE>>]; }"
START_END = ['  n0 [label="", shape=circle, width=0.3, fillcolor="#9be39b", tooltip="start"];',
             '  n1 [label="", shape=doublecircle, width=0.3, fillcolor="#f4a3a3", tooltip="end"];']


@pytest.mark.parametrize("seconds,text", [
    (None, "–"), (math.nan, "–"), (math.inf, "–"), (0, "0 s"), (89.4, "89 s"), (90, "2 min"),
    (5399, "90 min"), (5400, "1.5 h"), (36 * 3600 - 1, "36.0 h"), (36 * 3600, "1.5 d"), (3 * 86400, "3.0 d"),
])
def test_human_duration(seconds, text):
    assert human_duration(seconds) == text


def _graph() -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_node("▶ start", kind="start")
    g.add_node("■ end", kind="end")
    g.add_node("Kirjaus", kind="activity", events=100, handling_mean_s=300.0, handling_source="measured")
    g.add_node('Päätös "x"', kind="activity", events=10, handling_mean_s=7200.0, handling_source="estimated",
               score=0.9)
    g.add_edge("▶ start", "Kirjaus", count=100)
    g.add_edge("Kirjaus", 'Päätös "x"', count=10, wait_median_s=60.0)
    g.add_edge("Kirjaus", "■ end", count=90, wait_median_s=3 * 86400.0)
    g.add_edge('Päätös "x"', "■ end", count=10, wait_median_s=5400.0)
    return g


def test_frequency_view():
    # fill by events (100 of 100: #367ebc) or by score (0.9: the darkest of five blues);
    # edge width 0.8 + 5 × log(1 + count) / log(1 + the largest count)
    assert to_dot(_graph()).splitlines() == [
        *HEAD, *START_END,
        '  n2 [label="Kirjaus\\n100", fillcolor="#367ebc", fontcolor="#ffffff"];',
        '  n3 [label="Päätös \\"x\\"\\n10\\nscore 0.90", fillcolor="#08306b", fontcolor="#ffffff"];',
        '  n0 -> n2 [label="  100", penwidth=5.80, color="#4d4d4d", fontcolor="#4d4d4d"];',
        '  n2 -> n3 [label="  10", penwidth=3.40, color="#4d4d4d", fontcolor="#4d4d4d"];',
        '  n2 -> n1 [label="  90", penwidth=5.69, color="#4d4d4d", fontcolor="#4d4d4d"];',
        '  n3 -> n1 [label="  10", penwidth=3.40, color="#4d4d4d", fontcolor="#4d4d4d"];',
        legend(100),
        "}"]


def test_performance_view():
    # waits coloured by their length: 60 s up to an hour, 1.5 h up to a day, 3 d up to a week;
    # no wait known: grey and no label
    assert to_dot(_graph(), view="performance", title='Loki "1"\x1b').splitlines() == [
        *HEAD,
        '  labelloc=t; label="Loki \\"1\\"\\\\x1b";',
        *START_END,
        '  n2 [label="Kirjaus\\nstart→complete mean 5 min", fillcolor="#eeeeee", fontcolor="#000000"];',
        '  n3 [label="Päätös \\"x\\"\\nstart→complete mean 2.0 h\\nscore 0.90", fillcolor="#08306b", '
        'fontcolor="#ffffff"];',
        '  n0 -> n2 [label="", penwidth=5.80, color="#999999", fontcolor="#999999"];',
        '  n2 -> n3 [label="  60 s", penwidth=3.40, color="#2b83ba", fontcolor="#2b83ba"];',
        '  n2 -> n1 [label="  3.0 d", penwidth=5.69, color="#fdae61", fontcolor="#fdae61"];',
        '  n3 -> n1 [label="  1.5 h", penwidth=3.40, color="#4dac26", fontcolor="#4dac26"];',
        PERFORMANCE_LEGEND,
        "}"]


@pytest.mark.parametrize("seconds,colour", [
    (None, "#999999"), (math.nan, "#999999"), (math.inf, "#999999"), (0.0, "#2b83ba"), (3600.0, "#2b83ba"),
    (3600.5, "#4dac26"), (86400.0, "#4dac26"), (86401.0, "#fdae61"), (7 * 86400.0, "#fdae61"),
    (7 * 86400.0 + 1, "#f46d43"), (30 * 86400.0, "#f46d43"), (30 * 86400.0 + 1, "#d7191c"), (1e9, "#d7191c"),
])
def test_wait_colour_bands(seconds, colour):
    """Each band includes its upper limit: an hour, a day, a week, 30 days."""
    assert wait_colour(seconds) == colour


def test_names_are_wrapped_and_escaped():
    # at 26 characters, at word boundaries; control characters escaped
    g = nx.DiGraph()
    g.add_node("Hakemuksen liitteiden tarkistus ja täydennyspyyntö \x1b]0;x\x07", kind="activity", events=1)
    (line,) = [ln for ln in to_dot(g).splitlines() if ln.startswith("  n0 ")]
    assert line == ('  n0 [label="Hakemuksen liitteiden\\ntarkistus ja\\ntäydennyspyyntö\\n\\\\x1b]0;x\\\\x07\\n1", '
                    'fillcolor="#367ebc", fontcolor="#ffffff"];')


def test_unknown_view():
    with pytest.raises(ConfigError) as err:
        to_dot(_graph(), view="colour")
    assert str(err.value) == "unknown view 'colour'; choose frequency or performance"


def test_empty_graph():
    """No path is taken: no width to explain (no 'thickest: 0 times'), so the frequency
    view has no legend and the performance view only its wait colours."""
    assert to_dot(nx.DiGraph()) == "\n".join([*HEAD, "}"]) + "\n"
    assert to_dot(nx.DiGraph(), legend=False) == "\n".join([*HEAD, "}"]) + "\n"
    assert to_dot(nx.DiGraph(), view="performance") == "\n".join(
        [*HEAD, f"{_LEGEND}{_TABLE}{WAIT_ROW}</TABLE>>]; }}", "}"]) + "\n"
    g = nx.DiGraph()
    g.add_edge("A", "B", count=0)
    assert "thickest" not in to_dot(g) and _LEGEND not in to_dot(g)


@pytest.mark.parametrize("lang,once,twice", [
    ("en", "(thickest: 1 time)", "(thickest: 2 times)"),
    ("fi", "(paksuin: 1 kerta)", "(paksuin: 2 kertaa)"),
    ("sv", "(bredast: 1 gång)", "(bredast: 2 gånger)"),
])
def test_legend_width_for_one_path_taken_once(lang, once, twice):
    from rpa_scout.lang import Lang

    g = nx.DiGraph()
    g.add_edge("A", "B", count=1)
    text = to_dot(g, lang=Lang(lang))
    assert f"{once}</TD></TR>" in text and twice not in text
    g.add_edge("B", "C", count=2)
    text = to_dot(g, lang=Lang(lang))
    assert f"{twice}</TD></TR>" in text and once not in text
    if lang == "en":
        assert text.splitlines()[-2] == legend(2)


# ---------------------------------------------------------------------------- BPMN
BPMN_HEAD = ["digraph bpmn {", "  rankdir=TB;", '  node [fontname="Helvetica", fontsize=10];']
START = 'shape=circle, width=0.3, label="", style=filled, fillcolor="#9be39b"'
END = 'shape=doublecircle, width=0.3, label="", style=filled, fillcolor="#f4a3a3"'
GATE = "shape=diamond, width=0.4, height=0.4, fixedsize=true"
TASK = 'shape=box, style="rounded,filled", fillcolor="#eef3fb"'


def _model(reverse: bool = False):
    """start → + → (Kirjaus, a hostile name) → + → ○ → end, and a task nothing reaches."""
    from rpa_scout._quiet import quiet

    with quiet():
        from pm4py.objects.bpmn.obj import BPMN

    start, end = BPMN.StartEvent(name="start"), BPMN.EndEvent(name="end")
    hostile, plain = BPMN.Task(name='Say "hi"\n\\ now'), BPMN.Task(name="Kirjaus")
    split, join = BPMN.ParallelGateway(name=""), BPMN.ParallelGateway(name="")
    inclusive = BPMN.InclusiveGateway(name="")
    orphan = BPMN.Task(name="Orpo \x1b[2J tehtävä jolla on hyvin pitkä nimi")
    nodes = [start, end, hostile, plain, split, join, inclusive, orphan]
    flows = [(start, split), (split, hostile), (split, plain), (hostile, join), (plain, join),
             (join, inclusive), (inclusive, end)]
    model = BPMN()
    for node in reversed(nodes) if reverse else nodes:
        model.add_node(node)
    for a, b in reversed(flows) if reverse else flows:
        model.add_flow(BPMN.SequenceFlow(a, b))
    return model


def test_bpmn_to_dot():
    # breadth-first from the start, ties by type then name; what nothing reaches comes last
    assert bpmn_to_dot(_model()).splitlines() == [
        *BPMN_HEAD,
        f"  b0 [{START}];",
        f'  b1 [{GATE}, label="+"];',
        f'  b2 [{TASK}, label="Kirjaus"];',
        f'  b3 [{TASK}, label="Say \\"hi\\"\\\\x0a\\\\ now"];',
        f'  b4 [{GATE}, label="+"];',
        f'  b5 [{GATE}, label="○"];',
        f"  b6 [{END}];",
        f'  b7 [{TASK}, label="Orpo \\\\x1b[2J tehtävä jolla\\non hyvin pitkä nimi"];',
        "  b0 -> b1 [arrowsize=0.6];",
        "  b1 -> b2 [arrowsize=0.6];",
        "  b1 -> b3 [arrowsize=0.6];",
        "  b2 -> b4 [arrowsize=0.6];",
        "  b3 -> b4 [arrowsize=0.6];",
        "  b4 -> b5 [arrowsize=0.6];",
        "  b5 -> b6 [arrowsize=0.6];",
        "}"]


def test_bpmn_to_dot_does_not_depend_on_the_order_of_nodes_and_flows():
    assert bpmn_to_dot(_model(reverse=True)) == bpmn_to_dot(_model())


def test_bpmn_to_dot_of_a_discovered_model():
    rows = [("c1", "A", "2024-02-01 10:00"), ("c1", "B", "2024-02-01 11:00"),
            ("c2", "A", "2024-02-02 10:00"), ("c2", "C", "2024-02-02 12:00"), ("c2", "B", "2024-02-02 13:00")]
    log = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp"])
    log["time:timestamp"] = pd.to_datetime(log["time:timestamp"], utc=True)
    # A, then B directly or after C: an exclusive choice (×) and its join
    assert bpmn_to_dot(discover_bpmn(log)).splitlines() == [
        *BPMN_HEAD,
        f"  b0 [{START}];",
        f'  b1 [{TASK}, label="A"];',
        f'  b2 [{GATE}, label="×"];',
        f'  b3 [{GATE}, label="×"];',
        f'  b4 [{TASK}, label="C"];',
        f'  b5 [{TASK}, label="B"];',
        f"  b6 [{END}];",
        "  b0 -> b1 [arrowsize=0.6];",
        "  b1 -> b2 [arrowsize=0.6];",
        "  b2 -> b3 [arrowsize=0.6];",
        "  b2 -> b4 [arrowsize=0.6];",
        "  b3 -> b5 [arrowsize=0.6];",
        "  b4 -> b3 [arrowsize=0.6];",
        "  b5 -> b6 [arrowsize=0.6];",
        "}"]


def test_a_name_of_millions_of_characters_is_cut_on_the_map():
    """Graphviz refuses quoted strings over 16,384 characters: a 5,000,000-character
    activity name made `map` fail with advice that could not help (QA)."""
    g = nx.DiGraph()
    g.add_node("A" * 5_000_000, events=3)
    g.add_node("Päätös", events=3)
    g.add_edge("A" * 5_000_000, "Päätös", count=3)
    dot = to_dot(g)
    assert max(len(line) for line in dot.splitlines()) < 1000
    assert "A" * 199 + "…" in dot


def test_the_legend_says_what_the_edge_times_hold():
    """Completion-only: the time between completions holds the next step's work; it was
    called 'median wait' (QA). With starts: the wait until the next start."""
    from rpa_scout import discover_graph, read_log
    from tests.conftest import SAMPLES

    only = to_dot(discover_graph(read_log(SAMPLES / "ostolaskut_complete_only.csv.gz")[0]), view="performance")
    assert "median time between completions (holds the next step&#x27;s work)" in only or \
        "median time between completions (holds the next step's work)" in only
    assert ">median wait<" not in only
    both = to_dot(discover_graph(read_log(SAMPLES / "ostolaskut.csv.gz")[0]), view="performance")
    assert "median wait" in both and "between completions" not in both
