"""Process models with pm4py's inductive miner: BPMN and Petri nets.

On large logs (more than ``dfg_threshold`` events) the model is discovered from the
directly-follows graph (inductive miner directly-follows), not from the event table.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import pandas as pd

from rpa_scout._quiet import pm4py, quiet
from rpa_scout.columns import XES, LogColumns
from rpa_scout.errors import ConfigError
from rpa_scout.graph import END, START, covering_activities, discover_graph
from rpa_scout.lifecycle import pair_lifecycle

DFG_THRESHOLD = 200_000


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
    Logs with more than ``dfg_threshold`` instances are mined from the
    directly-follows graph instead of the event table (fast on any size).

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
        raise ConfigError(f"--noise must be between 0 and 1, got {noise_threshold}")
    if not 0 < activities <= 100:
        raise ConfigError(f"--activities must be above 0 and at most 100, got {activities}")
    module = pm4py()
    frame = log
    if columns.lifecycle in log.columns:
        frame = pair_lifecycle(log, columns=columns).instances
    frame = frame[[columns.case, columns.activity, columns.timestamp]]
    if activities < 100:
        counts = frame[columns.activity].astype("string").value_counts()
        frame = frame[frame[columns.activity].isin(covering_activities(counts.items(), activities))]
    if frame.empty:
        raise ConfigError("no events left to model; raise --activities")
    plain = LogColumns(case=columns.case, activity=columns.activity, timestamp=columns.timestamp)
    with quiet():
        if len(frame) > dfg_threshold:
            dfg = to_pm4py_dfg(discover_graph(frame, columns=plain), noise_threshold)
            return module.discover_bpmn_inductive(dfg)
        return module.discover_bpmn_inductive(
            frame, noise_threshold=noise_threshold, activity_key=columns.activity,
            timestamp_key=columns.timestamp, case_id_key=columns.case)

