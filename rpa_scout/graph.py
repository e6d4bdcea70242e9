"""Process graphs: a directly-follows graph with frequency and time statistics.

:func:`discover_graph` returns a ``networkx.DiGraph`` whose nodes are activities plus
:data:`START` and :data:`END`. Attribute names are stable so later stages (manual
share, candidate score) add their own to the same graph:

- node: ``kind`` ("activity" | "start" | "end"), ``events``, ``cases``; where the log has
  measured start times also ``handling_mean_s``, ``handling_median_s`` and
  ``handling_source`` = "measured".
- edge: ``count``, ``cases``, ``wait_mean_s``, ``wait_median_s``, ``wait_p90_s`` and
  ``wait_basis`` ("complete→start" when the next step's start is known, else
  "complete→complete", which includes the next step's own work).

Everything is computed on integer codes with numpy: no Python loop per event.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from rpa_scout.columns import XES, LogColumns
from rpa_scout.errors import ConfigError
from rpa_scout.lifecycle import pair_lifecycle
from rpa_scout.timestamps import epoch_seconds

START = "▶ start"
END = "■ end"


@dataclass(frozen=True)
class Trace:
    """A log reduced to codes: one row per activity instance, sorted by case and time."""

    case: np.ndarray        # int64 case code per row
    activity: np.ndarray    # int64 activity code per row
    names: list[str]        # activity name per code
    end_s: np.ndarray       # completion time, epoch seconds
    start_s: np.ndarray     # start time, epoch seconds (NaN when unknown)


def encode(log: pd.DataFrame, *, columns: LogColumns = XES) -> Trace:
    """Reduce a log to integer codes, pairing start/complete events into instances first."""
    frame = log
    if columns.lifecycle in log.columns:
        frame = pair_lifecycle(log, columns=columns).instances
    case_codes, _ = pd.factorize(frame[columns.case], sort=False)
    act = frame[columns.activity]
    if isinstance(act.dtype, pd.CategoricalDtype):
        act = act.cat.remove_unused_categories()
        codes = act.cat.codes.to_numpy().astype(np.int64)
        names = [str(c) for c in act.cat.categories]
    else:
        codes, uniques = pd.factorize(act, sort=True)
        names = [str(u) for u in uniques]
    end_s = epoch_seconds(frame[columns.timestamp])
    if columns.start_timestamp in frame.columns:
        start_s = epoch_seconds(frame[columns.start_timestamp])
    else:
        start_s = np.full(len(frame), np.nan)
    case_codes = case_codes.astype(np.int64)
    order = _order(case_codes, end_s)
    if order is not None:
        case_codes, codes = case_codes[order], codes[order]
        end_s, start_s = end_s[order], start_s[order]
    return Trace(case_codes, codes.astype(np.int64), names, end_s, start_s)


def _order(case: np.ndarray, end_s: np.ndarray) -> np.ndarray | None:
    """Stable order by case then time, or None when the rows already are in it."""
    if len(case) < 2:
        return None
    same = case[1:] == case[:-1]
    grouped = bool(np.all(case[1:] >= case[:-1]))
    timely = bool(np.all(~same | (end_s[1:] >= end_s[:-1])))
    if grouped and timely:
        return None
    return np.lexsort((np.arange(len(case)), end_s, case))


def discover_graph(log: pd.DataFrame, *, columns: LogColumns = XES) -> nx.DiGraph:
    """Discover the directly-follows graph of ``log`` with frequency and time statistics.

    Args:
        log: event log with XES column names (as :func:`rpa_scout.read_log` returns).
        columns: column mapping, XES names by default.

    Returns:
        A ``networkx.DiGraph``; see the module docstring for the attributes.
    """
    return graph_from_trace(encode(log, columns=columns))


def graph_from_trace(trace: Trace) -> nx.DiGraph:
    """Build the graph from an encoded log (see :func:`encode`)."""
    k = len(trace.names)
    n = len(trace.case)
    graph = nx.DiGraph()
    graph.add_node(START, kind="start", label="start", events=0, cases=0)
    graph.add_node(END, kind="end", label="end", events=0, cases=0)
    if n == 0:
        return graph
    first = np.r_[True, trace.case[1:] != trace.case[:-1]]
    last = np.r_[trace.case[1:] != trace.case[:-1], True]
    n_cases = int(first.sum())
    graph.graph.update(cases=n_cases, events=n)
    events = np.bincount(trace.activity, minlength=k)
    case_act = np.unique(trace.case * k + trace.activity)
    cases = np.bincount(case_act % k, minlength=k)
    duration = trace.end_s - trace.start_s
    for code, name in enumerate(trace.names):
        if events[code] == 0:
            continue
        graph.add_node(name, kind="activity", label=name, events=int(events[code]),
                       cases=int(cases[code]))
    _node_handling(graph, trace, duration)
    # Directly-follows pairs inside cases; start and end arcs use codes k and k+1.
    src = np.concatenate([np.full(first.sum(), k), trace.activity[:-1][~last[:-1]],
                          trace.activity[last]])
    dst = np.concatenate([trace.activity[first], trace.activity[1:][~last[:-1]],
                          np.full(last.sum(), k + 1)])
    nxt_start = trace.start_s[1:][~last[:-1]]
    nxt_end = trace.end_s[1:][~last[:-1]]
    basis_start = np.isfinite(nxt_start)
    inner_wait = np.where(basis_start, nxt_start, nxt_end) - trace.end_s[:-1][~last[:-1]]
    wait = np.concatenate([np.full(first.sum(), np.nan), inner_wait, np.full(last.sum(), np.nan)])
    has_start = np.concatenate([np.zeros(first.sum(), bool), basis_start, np.zeros(last.sum(), bool)])
    case_of = np.concatenate([trace.case[first], trace.case[:-1][~last[:-1]], trace.case[last]])
    edge = src * (k + 2) + dst
    stats = _edge_stats(edge, wait, has_start, case_of)
    names = trace.names + [START, END]
    for row in stats.itertuples(index=False):
        a, b = names[int(row.edge) // (k + 2)], names[int(row.edge) % (k + 2)]
        attrs = dict(count=int(row.count), cases=int(row.cases))
        if np.isfinite(row.mean):
            attrs.update(wait_mean_s=float(row.mean), wait_median_s=float(row.median),
                         wait_p90_s=float(row.p90),
                         wait_basis="complete→start" if row.start_share >= 0.5 else "complete→complete")
        graph.add_edge(a, b, **attrs)
    graph.nodes[START]["cases"] = graph.nodes[START]["events"] = n_cases
    graph.nodes[END]["cases"] = graph.nodes[END]["events"] = n_cases
    return graph


def _node_handling(graph: nx.DiGraph, trace: Trace, duration: np.ndarray) -> None:
    known = np.isfinite(duration)
    if not known.any():
        return
    frame = pd.DataFrame({"a": trace.activity[known], "d": duration[known]})
    agg = frame.groupby("a")["d"].agg(["mean", "median", "size"])
    for code, row in agg.iterrows():
        node = graph.nodes[trace.names[int(code)]]
        node.update(handling_mean_s=float(row["mean"]), handling_median_s=float(row["median"]),
                    handling_known=int(row["size"]), handling_source="measured")


def _edge_stats(edge: np.ndarray, wait: np.ndarray, has_start: np.ndarray,
                case_of: np.ndarray) -> pd.DataFrame:
    """Count, distinct cases, mean/median/p90 of the wait, per edge (sorted edges)."""
    uniq, inverse, count = np.unique(edge, return_inverse=True, return_counts=True)
    m = len(uniq)
    pair_cases = np.unique(inverse.astype(np.int64) * (case_of.max() + 1) + case_of)
    cases = np.bincount(pair_cases // (case_of.max() + 1), minlength=m)
    finite = np.isfinite(wait)
    w_count = np.bincount(inverse[finite], minlength=m)
    w_sum = np.bincount(inverse[finite], weights=wait[finite], minlength=m)
    s_count = np.bincount(inverse[finite], weights=has_start[finite].astype(float), minlength=m)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = w_sum / w_count
        start_share = s_count / w_count
    median = np.full(m, np.nan)
    p90 = np.full(m, np.nan)
    if finite.any():
        inv_f, w_f = inverse[finite], wait[finite]
        order = np.lexsort((w_f, inv_f))
        w_sorted = w_f[order]
        offsets = np.r_[0, np.cumsum(w_count)[:-1]]
        present = w_count > 0
        median[present] = _quantile_sorted(w_sorted, offsets[present], w_count[present], 0.5)
        p90[present] = _quantile_sorted(w_sorted, offsets[present], w_count[present], 0.9)
    return pd.DataFrame({"edge": uniq, "count": count, "cases": cases, "mean": mean,
                         "median": median, "p90": p90, "start_share": start_share})


def _quantile_sorted(values: np.ndarray, offsets: np.ndarray, counts: np.ndarray,
                     q: float) -> np.ndarray:
    """Linear-interpolated quantile of contiguous sorted groups (numpy's default method)."""
    pos = (counts - 1) * q
    lo = np.floor(pos).astype(np.int64)
    hi = np.ceil(pos).astype(np.int64)
    frac = pos - lo
    return values[offsets + lo] * (1 - frac) + values[offsets + hi] * frac


def filter_graph(graph: nx.DiGraph, *, activities: float = 100.0, paths: float = 100.0,
                 log: pd.DataFrame | None = None, columns: LogColumns = XES) -> nx.DiGraph:
    """Simplify a map like Disco's sliders.

    Args:
        graph: a graph from :func:`discover_graph`.
        activities: keep the most frequent activities that together cover at least this
            percentage of events. When ``log`` is given, the graph is rediscovered on the
            log projected onto those activities (paths then join the kept steps, as in
            Disco); without it, removed nodes simply disappear.
        paths: keep the most frequent edges covering at least this percentage of
            directly-follows transitions, then add the strongest edges needed so every
            kept activity is reachable from start and can reach end.
        log: the log the graph came from (recommended with ``activities`` < 100).
        columns: column mapping of ``log``.

    Returns:
        A new graph; ``graph.graph["filter"]`` records the settings and what was hidden.
    """
    for name, value in (("activities", activities), ("paths", paths)):
        if not 0 <= value <= 100:
            raise ConfigError(f"--{name} must be a percentage between 0 and 100, got {value}")
    acts = [(n, d["events"]) for n, d in graph.nodes(data=True) if d.get("kind") == "activity"]
    acts.sort(key=lambda item: (-item[1], str(item[0])))
    total = sum(c for _, c in acts)
    keep: list[str] = []
    covered = 0
    for name, count in acts:
        if keep and covered >= total * activities / 100:
            break
        keep.append(name)
        covered += count
    kept_set = set(keep)
    if log is not None and len(keep) < len(acts):
        projected = log[log[columns.activity].isin(kept_set)]
        base = discover_graph(projected, columns=columns)
    else:
        base = graph.subgraph([START, END, *keep]).copy()
    result = _filter_paths(base, paths)
    result.graph.update(graph.graph)
    result.graph["filter"] = {
        "activities_pct": activities, "paths_pct": paths,
        "activities_kept": len(keep), "activities_total": len(acts),
        "edges_kept": result.number_of_edges(), "edges_total": base.number_of_edges(),
    }
    return result


def _filter_paths(graph: nx.DiGraph, paths: float) -> nx.DiGraph:
    edges = sorted(graph.edges(data="count"), key=lambda e: (-e[2], str(e[0]), str(e[1])))
    total = sum(c for *_, c in edges)
    kept = nx.DiGraph()
    kept.add_nodes_from(graph.nodes(data=True))
    covered = 0
    for a, b, count in edges:
        if kept.number_of_edges() and covered >= total * paths / 100:
            break
        kept.add_edge(a, b, **graph.edges[a, b])
        covered += count
    # Repair: every node reachable from START and reaching END, via the strongest edges.
    for _ in range(graph.number_of_nodes() + 1):
        reach = nx.descendants(kept, START) | {START}
        back = nx.ancestors(kept, END) | {END}
        todo_in = [n for n in kept.nodes if n not in reach]
        todo_out = [n for n in kept.nodes if n not in back]
        if not todo_in and not todo_out:
            break
        for node in todo_in:
            options = sorted(graph.in_edges(node, data="count"),
                             key=lambda e: (e[0] not in reach, -e[2], str(e[0])))
            if options:
                a, b, _ = options[0]
                kept.add_edge(a, b, **graph.edges[a, b])
        for node in todo_out:
            options = sorted(graph.out_edges(node, data="count"),
                             key=lambda e: (e[1] not in back, -e[2], str(e[1])))
            if options:
                a, b, _ = options[0]
                kept.add_edge(a, b, **graph.edges[a, b])
    return kept
