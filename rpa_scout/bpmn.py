"""Process models with pm4py's inductive miner: BPMN and Petri nets.

On large logs (more than ``dfg_threshold`` events) the model is discovered from the
directly-follows graph (inductive miner directly-follows), not from the event table.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, MutableSet
from typing import Any

import networkx as nx
import pandas as pd

from rpa_scout._quiet import pm4py, quiet
from rpa_scout.arguments import require_events
from rpa_scout.columns import XES, LogColumns, as_columns, require_columns
from rpa_scout.errors import ConfigError
from rpa_scout.graph import END, START, covering_activities, discover_graph
from rpa_scout.lifecycle import pair_lifecycle, require_work

DFG_THRESHOLD = 200_000
#: Above this many activities the model is mined from the directly-follows graph too:
#: the inductive miner on the event table slows down sharply with the activities
#: (BPIC15_1: 69 activities 5 s, 146 activities 32 s, all 398 over 14 minutes; from
#: the graph, 0.4 s for all 398).
DFG_ACTIVITIES = 60


def to_pm4py_dfg(graph: nx.DiGraph, noise_threshold: float = 0.0) -> Any:
    """Convert a graph from :func:`rpa_scout.graph.discover_graph` to pm4py's typed DFG.

    With ``noise_threshold`` > 0, arcs between activities are filtered the way the
    inductive miner infrequent (IMf) filters its directly-follows graph: an arc is
    dropped when its count is below the threshold × its source's most frequent
    outgoing arc, unless it is its target's most frequent incoming arc; start and end
    arcs all stay. (pm4py mines a typed DFG with IMd, which has no noise filter.)

    Example:
        >>> from rpa_scout import discover_graph, read_log
        >>> from rpa_scout.bpmn import to_pm4py_dfg
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> graph = discover_graph(log)
        >>> dfg = to_pm4py_dfg(graph)
        >>> len(dfg.graph), len(to_pm4py_dfg(graph, noise_threshold=0.2).graph)   # arcs
        (23, 22)
        >>> dict(dfg.start_activities)
        {'Lasku vastaanotettu': 3000}
    """
    from pm4py.objects.dfg.obj import DFG

    arcs: dict[tuple[str, str], int] = {}
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    for a, b, d in graph.edges(data=True):
        count = int(d["count"])
        if a == START and b != END:
            starts[b] = count  # start and end arcs stay: every activity stays reachable
        elif b == END and a != START:
            ends[a] = count
        elif a not in (START, END) and b not in (START, END):
            arcs[(a, b)] = count
    if noise_threshold > 0 and arcs:
        top_out: dict[str, int] = {}
        top_in: dict[str, int] = {}
        for (a, b), count in arcs.items():
            top_out[a] = max(top_out.get(a, 0), count)
            top_in[b] = max(top_in.get(b, 0), count)
        arcs = {(a, b): c for (a, b), c in arcs.items()
                if c >= noise_threshold * top_out[a] or c == top_in[b]}
    return DFG(arcs, starts, ends)


def discover_bpmn(log: pd.DataFrame, *, noise_threshold: float = 0.0, activities: float = 100.0,
                  dfg_threshold: int = DFG_THRESHOLD, columns: LogColumns = XES) -> Any:
    """Discover a BPMN model (pm4py object) with the inductive miner.

    Start/complete events are paired first, so every activity instance is one step.
    Logs with more than ``dfg_threshold`` instances or :data:`DFG_ACTIVITIES`
    activities are mined from the directly-follows graph instead of the event table
    (fast on any size). The noise filter may leave activities out of the model:
    :func:`bpmn_tasks` names those that are in it.

    Args:
        log: event log with XES column names.
        noise_threshold: inductive-miner (IMf) noise threshold between 0 and 1.
        activities: keep only the most frequent activities covering this % of
            instances (like ``filter_graph``); the inductive miner slows down sharply
            with hundreds of activities.
        dfg_threshold: above this many instances, discover from the DFG.
        columns: column mapping.

    Example:
        >>> from rpa_scout import bpmn_to_dot, discover_bpmn, read_log
        >>> log, _ = read_log("eventlogs/rakennuslupa.xes.gz")
        >>> model = discover_bpmn(log, noise_threshold=0.2)
        >>> tasks = sorted(n.get_name() for n in model.get_nodes() if type(n).__name__ == "Task")
        >>> len(tasks), tasks[:3]
        (18, ['Arkistointi', 'Hakemus saapunut', 'Katselmus'])
        >>> bpmn_to_dot(model).startswith("digraph bpmn {")
        True
    """
    if not 0 <= noise_threshold <= 1:
        raise ConfigError(f"noise_threshold (--noise) must be between 0 and 1, got {noise_threshold}")
    if not 0 <= activities <= 100:  # 0 keeps the most frequent activity, as on the map (Disco's slider)
        raise ConfigError(f"activities (--activities) must be from 0 to 100, got {activities}")
    columns = require_columns(log, columns)
    require_events(log)
    module = pm4py()
    frame = bpmn_input(log, activities=activities, columns=columns)
    plain = LogColumns(case=columns.case, activity=columns.activity, timestamp=columns.timestamp)
    with quiet():
        if len(frame) > dfg_threshold or frame[columns.activity].nunique() > DFG_ACTIVITIES:
            dfg = to_pm4py_dfg(discover_graph(frame, columns=plain), noise_threshold)
            return in_stable_order(module.discover_bpmn_inductive(dfg))
        text = frame.astype({columns.case: "string", columns.activity: "string"})  # pm4py wants text
        return in_stable_order(module.discover_bpmn_inductive(
            text, noise_threshold=noise_threshold, activity_key=columns.activity,
            timestamp_key=columns.timestamp, case_id_key=columns.case))


def bpmn_input(log: pd.DataFrame, *, activities: float = 100.0, columns: LogColumns = XES) -> pd.DataFrame:
    """The steps :func:`discover_bpmn` models: one row per activity instance (case,
    activity, completion), of the most frequent activities covering ``activities`` %.

    Example:
        >>> from rpa_scout import read_log
        >>> log, _ = read_log("eventlogs/rakennuslupa.xes.gz")
        >>> bpmn_input(log, activities=80)["concept:name"].nunique()
        11
    """
    columns = as_columns(columns, log)
    frame = log
    if columns.lifecycle in log.columns:
        frame = require_work(pair_lifecycle(log, columns=columns), len(log)).instances
    frame = frame[[columns.case, columns.activity, columns.timestamp]]
    if activities < 100:
        counts = frame[columns.activity].astype("string").value_counts()
        frame = frame[frame[columns.activity].isin(covering_activities(counts.items(), activities))]
    if frame.empty:
        raise ConfigError("no events left to model; raise activities (--activities)")
    return frame


def bpmn_tasks(model: Any) -> list[str]:
    """The names of a BPMN model's tasks (the activities it holds), sorted.

    Example:
        >>> from rpa_scout import discover_bpmn, read_log
        >>> log, _ = read_log("eventlogs/rakennuslupa.xes.gz")
        >>> bpmn_tasks(discover_bpmn(log, noise_threshold=0.2))[:2]
        ['Arkistointi', 'Hakemus saapunut']
    """
    return sorted(str(n.get_name()) for n in model.get_nodes() if type(n).__name__ == "Task")


class _OrderedSet(MutableSet):
    """A set that iterates in insertion order, for pm4py's BPMN node and flow sets (whose
    own order follows the hashes of random ids, so every export came out different)."""

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self._items = dict.fromkeys(items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: Any) -> None:
        self._items[item] = None

    def discard(self, item: Any) -> None:
        self._items.pop(item, None)


def in_stable_order(model: Any) -> Any:
    """``model`` (a pm4py BPMN), its nodes and flows put in an order that depends on the
    model alone: distance from the start, kind, name and the shape around each node
    (Weisfeiler-Lehman hashes), so that the same log gives the same file and picture.

    Example:
        >>> from rpa_scout import discover_bpmn, read_log
        >>> log, _ = read_log("eventlogs/rakennuslupa.xes.gz")
        >>> model = discover_bpmn(log, noise_threshold=0.2)
        >>> [n.get_name() for n in model.get_nodes()][:3]
        ['start', '', 'Hakemus saapunut']
    """
    nodes, flows = list(model.get_nodes()), list(model.get_flows())
    graph = nx.DiGraph()
    for node in nodes:
        label = f"{type(node).__name__}|{node.get_name()}|{getattr(node, 'get_gateway_direction', str)()}"
        # networkx hashes labels as ASCII: give it a digest of the name
        graph.add_node(node, label=label, ascii=hashlib.blake2b(label.encode("utf-8")).hexdigest())
    graph.add_edges_from((f.get_source(), f.get_target()) for f in flows)
    ahead = nx.weisfeiler_lehman_subgraph_hashes(graph, node_attr="ascii", iterations=4)
    behind = nx.weisfeiler_lehman_subgraph_hashes(graph.reverse(), node_attr="ascii", iterations=4)
    starts = [n for n in nodes if type(n).__name__ == "StartEvent"]
    depth = nx.multi_source_dijkstra_path_length(graph, starts) if starts else {}
    rank = {n: i for i, n in enumerate(sorted(nodes, key=lambda n: (
        depth.get(n, len(nodes)), graph.nodes[n]["label"], ahead[n][-1], behind[n][-1])))}
    flow_key = {f: (rank[f.get_source()], rank[f.get_target()]) for f in flows}
    for node in nodes:
        node.get_in_arcs().sort(key=flow_key.__getitem__)
        node.get_out_arcs().sort(key=flow_key.__getitem__)
    model._BPMN__nodes = _OrderedSet(sorted(nodes, key=rank.__getitem__))
    model._BPMN__flows = _OrderedSet(sorted(flows, key=flow_key.__getitem__))
    return model


#: pm4py's random ids where ids stand (attributes that hold one, <incoming>/<outgoing>
#: text), never inside a name that happens to contain a UUID
_UUID = re.compile(r'((?:\bid|Ref|Element)="id|>id)'
                   r'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?=[_"<])')


def stable_ids(text: str) -> str:
    """``text`` (an exported BPMN file) with pm4py's random ids numbered by first appearance.

    Example:
        >>> uuid = "0a1b2c3d-0000-4000-8000-00000000000f"
        >>> stable_ids(f'<task id="id{uuid}" name="case {uuid}"/><outgoing>id{uuid}</outgoing>')
        '<task id="id_1" name="case 0a1b2c3d-0000-4000-8000-00000000000f"/><outgoing>id_1</outgoing>'
    """
    numbers: dict[str, str] = {}
    return _UUID.sub(lambda m: m.group(1) + numbers.setdefault(m.group(2), f"_{len(numbers) + 1}"), text)

