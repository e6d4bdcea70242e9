import networkx as nx
import numpy as np
import pandas as pd
import pytest

from rpa_scout import read_log
from rpa_scout.errors import ConfigError
from rpa_scout.graph import END, START, discover_graph, filter_graph, graph_of_instances
from rpa_scout._quiet import pm4py
from tests.conftest import shared_log


def _log(rows):
    frame = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp"])
    frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"], utc=True)
    return frame


def _toy():
    rows = []
    for i in range(10):
        rows += [(f"c{i}", "A", f"2024-01-01 {8 + i % 3}:00"), (f"c{i}", "B", f"2024-01-01 {10 + i % 3}:30")]
        if i < 3:
            rows.append((f"c{i}", "C", "2024-01-02 10:00"))
    return _log(rows)


def test_counts_and_wait_statistics():
    g = discover_graph(_toy())
    assert g.nodes["A"]["events"] == 10 and g.nodes["C"]["cases"] == 3
    assert g.edges[START, "A"]["count"] == 10
    assert g.edges["A", "B"]["count"] == 10
    assert g.edges["B", END]["count"] == 7 and g.edges["C", END]["count"] == 3
    assert g.edges["A", "B"]["wait_median_s"] == pytest.approx(2.5 * 3600)
    assert g.edges["A", "B"]["wait_basis"] == "complete→complete"
    waits = np.array([2.5 * 3600] * 10)
    assert g.edges["A", "B"]["wait_p90_s"] == pytest.approx(np.percentile(waits, 90))


def test_unsorted_input_gives_same_graph():
    log = _toy()
    shuffled = log.sample(frac=1.0, random_state=3)
    a, b = discover_graph(log), discover_graph(shuffled)
    assert sorted(a.edges(data="count")) == sorted(b.edges(data="count"))


def test_measured_handling_time_from_start_complete():
    frame = _log([("c", "A", "2024-01-01 10:00"), ("c", "A", "2024-01-01 10:20"),
                  ("c", "B", "2024-01-01 11:00"), ("c", "B", "2024-01-01 11:05")])
    frame["lifecycle:transition"] = ["start", "complete", "START", "COMPLETE"]
    g = discover_graph(frame)
    assert g.nodes["A"]["handling_mean_s"] == 1200
    assert g.nodes["A"]["handling_source"] == "measured"
    assert g.edges["A", "B"]["wait_basis"] == "complete→start"
    assert g.edges["A", "B"]["wait_mean_s"] == 40 * 60


def test_filter_keeps_reachability():
    g = discover_graph(_toy())
    small = filter_graph(g, activities=100, paths=1)
    for node in small.nodes:
        assert node == START or nx.has_path(small, START, node)
        assert node == END or nx.has_path(small, node, END)
    fewer = filter_graph(g, activities=80, log=_toy())
    assert "C" not in fewer.nodes and fewer.graph["filter"]["activities_kept"] == 2
    with pytest.raises(ConfigError) as err:
        filter_graph(g, paths=120)
    assert str(err.value) == "paths (--paths) must be a percentage between 0 and 100, got 120"


@pytest.mark.parametrize("relative", ["varhaiskasvatus.csv.gz", "receipt/receipt.xes.gz", "bpic15/BPIC15_1.xes.gz"])
def test_maps_filter_and_connect(relative):
    from tests.conftest import SAMPLES

    log, _ = read_log(shared_log(relative) if "/" in relative else SAMPLES / relative)
    g = filter_graph(discover_graph(log), activities=80, paths=60, log=log)
    # the most frequent activities (ties by name) that cover 80 % of the events, counted here
    counts = sorted(log["concept:name"].astype(str).value_counts().items(), key=lambda kv: (-kv[1], kv[0]))
    covered, kept = 0, []
    for name, n in counts:
        if covered >= 0.8 * len(log):
            break
        covered, kept = covered + n, kept + [name]
    assert g.graph["filter"]["activities_kept"] == len(kept)
    assert {n for n, kind in g.nodes(data="kind") if kind == "activity"} == set(kept)
    for node in g.nodes:
        assert node == START or nx.has_path(g, START, node)
        assert node == END or nx.has_path(g, node, END)


@pytest.mark.slow
def test_road_fines_edge_counts_equal_pm4py():
    log, _ = read_log(shared_log("road_traffic_fines/Road_Traffic_Fine_Management_Process.xes.gz"))
    g = discover_graph(log)
    dfg, starts, ends = pm4py().discover_dfg(log)
    mine = {(a, b): c for a, b, c in g.edges(data="count") if a != START and b != END}
    assert mine == dict(dfg)
    assert {b: c for _, b, c in g.out_edges(START, data="count")} == dict(starts)
    assert {a: c for a, _, c in g.in_edges(END, data="count")} == dict(ends)


def test_paths_slider_is_monotonic():
    from tests.conftest import SAMPLES

    log, _ = read_log(SAMPLES / "rakennuslupa.xes.gz")
    graph = filter_graph(discover_graph(log), activities=80, log=log)
    kept = [filter_graph(graph, paths=p).number_of_edges() for p in (100, 80, 60, 40, 20, 0)]
    assert kept == sorted(kept, reverse=True), kept
    assert kept[-1] < kept[0]


_ORDER_SCRIPT = """
import json, networkx as nx
from rpa_scout.drawing import neighbourhood, drawable
from rpa_scout.graph import filter_graph
g = nx.DiGraph()
g.add_node("▶", kind="start"); g.add_node("■", kind="end")
for i in range(80):
    g.add_node(f"a{i:02d}", kind="activity", events=1000 - i)
for i in range(79):
    g.add_edge(f"a{i:02d}", f"a{i + 1:02d}", count=80 - i)
g.add_edge("▶", "a00", count=80); g.add_edge("a79", "■", count=1)
sub, _ = neighbourhood(g, ["a40", "a10", "a70"])
cut = filter_graph(g, activities=20)
print(json.dumps([list(sub.nodes), list(sub.edges), list(cut.nodes), list(cut.edges)]))
"""


def test_subgraphs_do_not_depend_on_the_string_hash():
    """Same input, same output: a subgraph's order (and so Graphviz's drawing) must not
    change with PYTHONHASHSEED, as networkx's subgraph views' order does."""
    import os
    import subprocess
    import sys

    from rpa_scout.graph import END as end, START as start

    script = _ORDER_SCRIPT.replace("▶", start).replace("■", end)
    outputs = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
               for seed in (1, 2, 3, 4)}
    assert len(outputs) == 1
    assert '"a40"' in next(iter(outputs))


def _same_graph(a: nx.DiGraph, b: nx.DiGraph) -> bool:
    return (a.graph == b.graph and dict(a.nodes(data=True)) == dict(b.nodes(data=True))
            and {(u, v): d for u, v, d in a.edges(data=True)} == {(u, v): d for u, v, d in b.edges(data=True)})


@pytest.mark.parametrize("path", ["eventlogs/ostolaskut.csv.gz", "bpic2012/bpic2012.xes.gz"])
def test_graph_of_the_handling_instances_is_the_logs_graph(path):
    """The HTML report draws its map from the ranking's instances instead of pairing the
    log again: the graph must be the log's own (BPIC12: schedule events, start/complete)."""
    from rpa_scout import estimate_handling_time

    log, _ = read_log(path if path.startswith("eventlogs") else shared_log(path))
    instances = estimate_handling_time(log).instances
    assert _same_graph(discover_graph(log), graph_of_instances(instances))


@pytest.mark.parametrize("order", ["reversed", "shuffled"])
def test_categorical_activities_give_the_graph_of_their_text(order):
    log, _ = read_log("eventlogs/ostolaskut.csv.gz")
    names = sorted(log["concept:name"].dropna().unique())
    cats = names[::-1] if order == "reversed" else list(np.random.default_rng(3).permutation(names))
    coded = log.assign(**{"concept:name": pd.Categorical(log["concept:name"], categories=cats + ["unused"])})
    text, cat = discover_graph(log), discover_graph(coded)
    assert list(cat.nodes(data=True)) == list(text.nodes(data=True))
    assert list(cat.edges(data=True)) == list(text.edges(data=True))


def _repaired_edge_by_edge(graph: nx.DiGraph, kept: nx.DiGraph) -> nx.DiGraph:
    """The repair as first written: look again from START and END after each edge, and
    search all edges, strongest first, for one that reaches one more node."""
    order = [(a, b) for a, b, _ in sorted(graph.edges(data="count"), key=lambda e: (-e[2], str(e[0]), str(e[1])))]
    for _ in range(2 * graph.number_of_nodes() + 2):
        reach = nx.descendants(kept, START) | {START}
        if len(reach) < kept.number_of_nodes():
            pick = next(((a, b) for a, b in order if a in reach and b not in reach), None)
        else:
            back = nx.ancestors(kept, END) | {END}
            if len(back) == kept.number_of_nodes():
                break
            pick = next(((a, b) for a, b in order if b in back and a not in back), None)
        if pick is None:
            break
        kept.add_edge(*pick, **graph.edges[pick])
    return kept


def test_paths_repair_adds_the_edges_a_search_after_each_edge_adds():
    """The repair keeps its reach and a heap of waiting edges (a map of 5,000 steps took
    70 s edge by edge); it adds the same edges in the same order as a fresh search after
    each one, on random maps with unreachable and dead-end steps."""
    from rpa_scout.graph import _filter_paths

    rng = np.random.default_rng(1)
    for _ in range(150):
        nodes = [START, END, *(f"a{i}" for i in rng.permutation(int(rng.integers(1, 30))))]
        graph = nx.DiGraph()
        graph.add_nodes_from(nodes)
        for a, b in rng.choice(nodes, (int(rng.integers(0, 90)), 2)):
            if a != END and b != START:
                graph.add_edge(str(a), str(b), count=int(rng.integers(1, 6)))
        order = sorted(graph.edges(data="count"), key=lambda e: (-e[2], str(e[0]), str(e[1])))
        total = sum(c for *_, c in order)
        for paths in (0, 30, 80, 100):
            kept = nx.DiGraph()
            kept.add_nodes_from(graph.nodes(data=True))
            covered = 0
            for a, b, count in order:  # the most frequent paths, as _filter_paths keeps them
                if kept.number_of_edges() and covered >= total * paths / 100:
                    break
                kept.add_edge(a, b, **graph.edges[a, b])
                covered += count
            expected = _repaired_edge_by_edge(graph, kept)
            assert list(_filter_paths(graph, paths).edges(data=True)) == list(expected.edges(data=True))
