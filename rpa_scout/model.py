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
from rpa_scout.graph import END, START, discover_graph

DFG_THRESHOLD = 200_000


def to_pm4py_dfg(graph: nx.DiGraph) -> Any:
    """Convert a graph from :func:`rpa_scout.graph.discover_graph` to pm4py's typed DFG."""
    from pm4py.objects.dfg.obj import DFG

    arcs = {(a, b): d["count"] for a, b, d in graph.edges(data=True) if a != START and b != END}
    starts = {b: d["count"] for _, b, d in graph.out_edges(START, data=True)}
    ends = {a: d["count"] for a, _, d in graph.in_edges(END, data=True)}
    return DFG(arcs, starts, ends)


def discover_bpmn(log: pd.DataFrame, *, noise_threshold: float = 0.0,
                  dfg_threshold: int = DFG_THRESHOLD, columns: LogColumns = XES) -> Any:
    """Discover a BPMN model (pm4py object) with the inductive miner.

    Args:
        log: event log with XES column names.
        noise_threshold: inductive-miner noise threshold between 0 and 1.
        dfg_threshold: above this many events, discover from the DFG.
        columns: column mapping.
    """
    if not 0 <= noise_threshold <= 1:
        raise ConfigError(f"--noise must be between 0 and 1, got {noise_threshold}")
    module = pm4py()
    if len(log) > dfg_threshold or columns.lifecycle in log.columns:
        source: Any = to_pm4py_dfg(discover_graph(log, columns=columns))
    else:
        source = log[[columns.case, columns.activity, columns.timestamp]]
    with quiet():
        return module.discover_bpmn_inductive(
            source, noise_threshold=noise_threshold, activity_key=columns.activity,
            timestamp_key=columns.timestamp, case_id_key=columns.case)
