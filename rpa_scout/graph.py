"""Process graphs: a directly-follows graph with frequency and time statistics.

:func:`discover_graph` returns a ``networkx.DiGraph`` whose nodes are activities plus
:data:`START` and :data:`END`. Attribute names are stable so later stages (manual
share, candidate score) add their own to the same graph:

- node: ``kind`` ("activity" | "start" | "end"), ``events``, ``cases``; where the log has
  measured start times also ``handling_mean_s``, ``handling_median_s`` and
  ``handling_source`` = "measured".
- edge: ``count``, ``cases``, ``wait_mean_s``, ``wait_median_s``, ``wait_p90_s``,
  ``wait_basis`` ("complete→start" when the next step's start is known, else
  "complete→complete", which includes the next step's own work) and ``overlaps``.
  A wait is measured from the previous event's completion and is never negative: when
  the next step started before the previous one completed (overlapping work), the wait
  is 0 and the pair is counted in ``overlaps``.

Everything is computed on integer codes with numpy: no Python loop per event.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, replace
from typing import Iterable

import networkx as nx
import numpy as np
import pandas as pd

from rpa_scout.columns import XES, LogColumns, require_columns
from rpa_scout.errors import ConfigError
from rpa_scout.lifecycle import pair_lifecycle, require_work, start_times

START = "▶ start"
END = "■ end"


_NAT = np.iinfo(np.int64).min      # NaT as int64 ticks
_LATEST = np.iinfo(np.int64).max   # where NaT sorts (last in its case, as NaN did)
_TICKS_PER_S = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
BLOCK = 1 << 20  # rows per block (whole cases) in graph_from_trace; bounds temporary memory


@dataclass(frozen=True)
class Trace:
    """A log reduced to codes: one row per activity instance, sorted by case and time.

    Times are int64 ticks since 1970-01-01 UTC in the unit of the log's timestamp column
    (``ticks_per_s`` a second), NaT as the smallest int64; :attr:`end_s` and
    :attr:`start_s` give them as float seconds with NaN for NaT.
    """

    case: np.ndarray        # case code per row (smallest signed int type that fits)
    activity: np.ndarray    # activity code per row (idem)
    names: list[str]        # activity name per code
    end: np.ndarray         # completion time, int64 ticks
    start: np.ndarray | None  # start time, int64 ticks (NaT when unknown); None: no start column
    ticks_per_s: int = 10**9

    @property
    def end_s(self) -> np.ndarray:
        """Completion time, epoch seconds (NaN when unknown)."""
        return _seconds(self.end, self.ticks_per_s)

    @property
    def start_s(self) -> np.ndarray:
        """Start time, epoch seconds (NaN when unknown)."""
        if self.start is None:
            return np.full(len(self.end), np.nan)
        return _seconds(self.start, self.ticks_per_s)


def encode(log: pd.DataFrame, *, columns: LogColumns = XES) -> Trace:
    """Reduce a log to integer codes, pairing start/complete events into instances first.

    Example:
        >>> from rpa_scout import read_log
        >>> from rpa_scout.graph import encode
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> trace = encode(log)        # 49,766 start and complete events: 24,883 instances
        >>> len(trace.case), trace.names[:2], trace.ticks_per_s
        (24883, ['Arkistointi', 'Asiatarkastus'], 1000000000)
    """
    frame = log
    if columns.lifecycle in log.columns:
        frame = require_work(pair_lifecycle(log, columns=columns), len(log)).instances
    case_codes, uniques = pd.factorize(frame[columns.case], sort=False)
    case = _narrow(case_codes, len(uniques))
    del case_codes, uniques
    act = frame[columns.activity]
    if isinstance(act.dtype, pd.CategoricalDtype):
        act = act.cat.remove_unused_categories()
        # named and ordered by their text, as a text column is, whatever the categories' order
        distinct, of_category = np.unique(np.array([str(c) for c in act.cat.categories], dtype=object),
                                          return_inverse=True)
        codes = np.r_[of_category, -1][act.cat.codes.to_numpy()]
        names = distinct.tolist()
    else:
        codes, uniques = pd.factorize(act, sort=True)
        names = [str(u) for u in uniques]
    codes = _narrow(codes, len(names))
    start_col = start_times(frame, columns)
    end, start, ticks_per_s = _ticks(frame[columns.timestamp], start_col)
    order = _order(case, end)
    if order is not None:
        case, codes, end = case[order], codes[order], end[order]
        start = None if start is None else start[order]
    return Trace(case, codes, names, end, start, ticks_per_s)


def _narrow(codes: np.ndarray, count: int) -> np.ndarray:
    """Codes (-1 for missing) in the smallest signed integer type that holds ``count``."""
    for dtype in (np.int16, np.int32):
        if count < np.iinfo(dtype).max:
            return codes.astype(dtype, copy=False)
    return codes.astype(np.int64, copy=False)


def _datetimes(values: pd.Series) -> np.ndarray:
    """UTC ``datetime64`` values of a column, without a copy when it already holds datetimes."""
    if not pd.api.types.is_datetime64_any_dtype(values.dtype):
        values = pd.to_datetime(values, utc=True)
    # .values of a tz-aware column is its UTC datetime64 data; naive values count as UTC
    # (as rpa_scout.timestamps.epoch_seconds reads them).
    return np.asarray(values.values)


def _ticks(end: pd.Series, start: pd.Series | None) -> tuple[np.ndarray, np.ndarray | None, int]:
    """Completion and start times as int64 ticks in one unit, and the ticks per second."""
    arrays = [_datetimes(end)] + ([] if start is None else [_datetimes(start)])
    unit = max((np.datetime_data(a.dtype)[0] for a in arrays), key=_TICKS_PER_S.__getitem__)
    ticks = [a.astype(f"datetime64[{unit}]", copy=False).view(np.int64) for a in arrays]
    return ticks[0], (ticks[1] if start is not None else None), _TICKS_PER_S[unit]


def _seconds(ticks: np.ndarray, ticks_per_s: int) -> np.ndarray:
    out = ticks / ticks_per_s
    out[ticks == _NAT] = np.nan
    return out


def _order(case: np.ndarray, end: np.ndarray) -> np.ndarray | None:
    """Stable order by case then time, or None when the rows already are in it."""
    if len(case) < 2:
        return None
    nat = end == _NAT
    key = np.where(nat, _LATEST, end) if nat.any() else end
    del nat
    timely = bool(np.all(key[1:] >= key[:-1]))
    if timely:  # in global time order (the usual export): one stable sort by case is enough
        if bool(np.all(case[1:] >= case[:-1])):
            return None
        return np.argsort(case, kind="stable")
    same = case[1:] == case[:-1]
    if bool(np.all(case[1:] >= case[:-1])) and bool(np.all(~same | (key[1:] >= key[:-1]))):
        return None
    del same
    return np.lexsort((key, case))


def discover_graph(log: pd.DataFrame, *, columns: LogColumns = XES) -> nx.DiGraph:
    """Discover the directly-follows graph of ``log`` with frequency and time statistics.

    Args:
        log: event log with XES column names (as :func:`rpa_scout.read_log` returns).
        columns: column mapping, XES names by default.

    Returns:
        A ``networkx.DiGraph``; see the module docstring for the attributes.

    Example:
        >>> from rpa_scout import discover_graph, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> graph = discover_graph(log)
        >>> graph.number_of_nodes(), graph.number_of_edges(), graph.graph
        (15, 25, {'cases': 3000, 'events': 24883})
        >>> graph.nodes["Asiatarkastus"]["events"], graph.nodes["Asiatarkastus"]["handling_median_s"]
        (3254, 190.0)
        >>> graph.edges["Asiatarkastus", "Hyväksyntä"]["count"]
        3000
    """
    columns = require_columns(log, columns)
    return graph_from_trace(encode(log, columns=columns))


def graph_of_instances(instances: pd.DataFrame, *, columns: LogColumns = XES) -> nx.DiGraph:
    """:func:`discover_graph` of a log that is already one row per activity instance.

    ``instances`` is :func:`rpa_scout.pair_lifecycle`'s table, or the handling estimate's
    (:attr:`rpa_scout.handling.HandlingResult.instances`), of the log: the graph is the
    log's own, without pairing its start and complete events again.

    Example:
        >>> from rpa_scout import discover_graph, pair_lifecycle, read_log
        >>> from rpa_scout.graph import graph_of_instances
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> graph = graph_of_instances(pair_lifecycle(log).instances)
        >>> graph.graph == discover_graph(log).graph, graph.nodes["Asiatarkastus"]["handling_median_s"]
        (True, 190.0)
    """
    return discover_graph(instances, columns=replace(columns, lifecycle=None))


def graph_from_trace(trace: Trace) -> nx.DiGraph:
    """Build the graph from an encoded log (see :func:`encode`).

    Example:
        >>> import pandas as pd
        >>> from rpa_scout.graph import encode, graph_from_trace
        >>> log = pd.DataFrame({"case:concept:name": ["c1", "c1", "c2", "c2", "c2"],
        ...                     "concept:name": ["A", "B", "A", "C", "B"],
        ...                     "time:timestamp": pd.to_datetime(["2024-02-01 10:00", "2024-02-01 11:00",
        ...                         "2024-02-02 10:00", "2024-02-02 12:00", "2024-02-02 13:00"], utc=True)})
        >>> graph = graph_from_trace(encode(log))
        >>> sorted(graph.edges(data="count"))
        [('A', 'B', 1), ('A', 'C', 1), ('B', '■ end', 2), ('C', 'B', 1), ('▶ start', 'A', 2)]
        >>> graph.edges["A", "C"]["wait_median_s"], graph.edges["A", "C"]["wait_basis"]
        (7200.0, 'complete→complete')
    """
    names = trace.names
    k, n = len(names), len(trace.case)
    graph = nx.DiGraph()
    graph.add_node(START, kind="start", label="start", events=0, cases=0)
    graph.add_node(END, kind="end", label="end", events=0, cases=0)
    if n == 0:
        return graph
    case, act = trace.case, trace.activity
    first = np.flatnonzero(np.r_[True, case[1:] != case[:-1]])
    last = np.r_[first[1:] - 1, n - 1]
    n_cases = len(first)
    graph.graph.update(cases=n_cases, events=n)
    events = np.bincount(act, minlength=k)
    blocks = _blocks(first, n)
    cases = np.zeros(k, np.int64)
    for a, b in blocks:
        cases += _distinct_cases(case[a:b], act[a:b], k)
    for code, name in enumerate(names):
        if events[code] == 0:
            continue
        graph.add_node(name, kind="activity", label=name, events=int(events[code]),
                       cases=int(cases[code]))
    _node_handling(graph, trace)
    # Directly-follows pairs inside cases; start and end arcs use codes k and k+1.
    inner = _inner_edge_stats(trace, blocks, k)
    starts = np.bincount(act[first], minlength=k)
    ends = np.bincount(act[last], minlength=k)
    from_start, to_end = np.flatnonzero(starts), np.flatnonzero(ends)
    width = k + 2
    code = np.concatenate([inner["src"] * width + inner["dst"], k * width + from_start,
                           to_end * width + k + 1])
    count = np.concatenate([inner["count"], starts[from_start], ends[to_end]])
    # Each case has one start arc and one end arc: their distinct cases are their counts.
    n_cases_edge = np.concatenate([inner["cases"], starts[from_start], ends[to_end]])
    n_arcs = len(from_start) + len(to_end)
    nan = np.full(n_arcs, np.nan)
    mean = np.concatenate([inner["mean"], nan])
    median = np.concatenate([inner["median"], nan])
    p90 = np.concatenate([inner["p90"], nan])
    share = np.concatenate([inner["start_share"], nan])
    overlaps = np.concatenate([inner["overlaps"], np.zeros(n_arcs, np.int64)])
    labels = names + [START, END]
    for i in np.argsort(code, kind="stable"):
        a, b = labels[int(code[i]) // width], labels[int(code[i]) % width]
        attrs = dict(count=int(count[i]), cases=int(n_cases_edge[i]))
        if np.isfinite(mean[i]):
            attrs.update(wait_mean_s=float(mean[i]), wait_median_s=float(median[i]),
                         wait_p90_s=float(p90[i]),
                         wait_basis="complete→start" if share[i] >= 0.5 else "complete→complete",
                         overlaps=int(overlaps[i]))
        graph.add_edge(a, b, **attrs)
    graph.nodes[START]["cases"] = graph.nodes[START]["events"] = n_cases
    graph.nodes[END]["cases"] = graph.nodes[END]["events"] = n_cases
    return graph


def _blocks(first: np.ndarray, n: int) -> list[tuple[int, int]]:
    """Row ranges of about :data:`BLOCK` rows that hold whole cases."""
    at = np.searchsorted(first, np.arange(BLOCK, n, BLOCK))
    cuts = [0] + [int(first[i]) if i < len(first) else n for i in at] + [n]
    bounds = list(dict.fromkeys(cuts))
    return list(zip(bounds[:-1], bounds[1:]))


def _distinct_cases(case: np.ndarray, code: np.ndarray, size: int) -> np.ndarray:
    """Per code in ``range(size)``, the number of distinct cases it occurs in."""
    if len(case) == 0:
        return np.zeros(size, np.int64)
    key = (case.astype(np.int64) - int(case.min())) * size + code
    key.sort()
    distinct = key[np.r_[True, key[1:] != key[:-1]]]
    return np.bincount(distinct % size, minlength=size)


def _pair_codes(trace: Trace, a: int, b: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``a..b-2`` whose successor is in the same case, and their pair code src*k+dst."""
    inner = trace.case[a + 1:b] == trace.case[a:b - 1]
    src = trace.activity[a:b - 1][inner].astype(np.int64)
    src *= k
    src += trace.activity[a + 1:b][inner]
    return inner, src


def _inner_edge_stats(trace: Trace, blocks: list[tuple[int, int]], k: int) -> dict[str, np.ndarray]:
    """Count, distinct cases, mean/median/p90 of the wait and start-basis share per edge.

    Two passes over whole-case blocks: the first finds which edges occur, the second
    adds up counts and sums and keeps each block's waits grouped by edge; the quantiles
    are then taken per edge from its sorted waits.
    """
    uniq, lookup = _edge_index(trace, blocks, k)
    m = len(uniq)
    count, cases, w_count, s_count, overlaps = (np.zeros(m, np.int64) for _ in range(5))
    w_sum = np.zeros(m)
    pieces: list[tuple[np.ndarray, np.ndarray]] = []  # (waits grouped by edge, per-edge counts)
    for a, b in blocks:
        inner, codes = _pair_codes(trace, a, b, k)
        if len(codes) == 0:
            continue
        idx = lookup[codes] if lookup is not None else np.searchsorted(uniq, codes)
        del codes
        count += np.bincount(idx, minlength=m)
        cases += _distinct_cases(trace.case[a:b - 1][inner], idx, m)
        wait, valid, has_start = _waits(trace, a, b, inner)
        idx = idx[valid]
        overlaps += np.bincount(idx[wait < 0], minlength=m)
        np.maximum(wait, 0.0, out=wait)
        per_edge = np.bincount(idx, minlength=m)
        w_count += per_edge
        w_sum += np.bincount(idx, weights=wait, minlength=m)
        if has_start is not None:
            s_count += np.bincount(idx[has_start[valid]], minlength=m)
        group = np.argsort(idx.astype(np.uint16) if m <= 1 << 16 else idx, kind="stable")
        pieces.append((wait[group], per_edge))
        del wait, idx, group
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = w_sum / w_count
        start_share = s_count / w_count
    median, p90 = _edge_quantiles(pieces, w_count)
    return {"src": uniq // k, "dst": uniq % k, "count": count, "cases": cases, "mean": mean,
            "median": median, "p90": p90, "start_share": start_share, "overlaps": overlaps}


def _edge_index(trace: Trace, blocks: list[tuple[int, int]], k: int) -> tuple[np.ndarray, np.ndarray | None]:
    """The sorted distinct edge codes, and a dense code → position table when it fits
    in memory (``None``: look positions up by binary search)."""
    n = len(trace.case)
    if k * k <= max(n // 4, 1 << 16):
        seen = np.zeros(k * k, bool)
        for a, b in blocks:
            seen[_pair_codes(trace, a, b, k)[1]] = True
        uniq = np.flatnonzero(seen)
        lookup = np.full(k * k, -1, np.int32 if len(uniq) < 2**31 else np.int64)
        lookup[uniq] = np.arange(len(uniq))
        return uniq, lookup
    parts = []
    for a, b in blocks:
        codes = np.sort(_pair_codes(trace, a, b, k)[1])
        parts.append(codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes)
    codes = np.sort(np.concatenate(parts)) if parts else np.zeros(0, np.int64)
    return (codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes), None


def _waits(trace: Trace, a: int, b: int, inner: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Seconds from each inner pair's first completion to the next step's start (its
    completion when it has no start); which pairs have both times; which use a start."""
    prev = trace.end[a:b - 1][inner]
    nxt = trace.end[a + 1:b][inner]
    has_start = None
    if trace.start is not None:
        nxt_start = trace.start[a + 1:b][inner]
        has_start = nxt_start != _NAT
        nxt = np.where(has_start, nxt_start, nxt)
    valid = (prev != _NAT) & (nxt != _NAT)
    nxt -= prev
    return nxt[valid] / trace.ticks_per_s, valid, has_start


def _edge_quantiles(pieces: list[tuple[np.ndarray, np.ndarray]],
                    w_count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and 90th percentile of each edge's waits, gathered from the blocks."""
    m = len(w_count)
    median, p90 = np.full(m, np.nan), np.full(m, np.nan)
    offsets = [np.r_[0, np.cumsum(per_edge)[:-1]] for _, per_edge in pieces]
    for j in np.flatnonzero(w_count):
        parts = [waits[o[j]:o[j] + c[j]] for (waits, c), o in zip(pieces, offsets) if c[j]]
        values = np.sort(parts[0] if len(parts) == 1 else np.concatenate(parts))
        median[j] = _quantile(values, 0.5)
        p90[j] = _quantile(values, 0.9)
    return median, p90


def _quantile(values: np.ndarray, q: float) -> float:
    """Linear-interpolated quantile of sorted values (numpy's default method)."""
    pos = (len(values) - 1) * q
    lo = int(np.floor(pos))
    hi = int(np.ceil(pos))
    frac = pos - lo
    return values[lo] * (1 - frac) + values[hi] * frac


def _node_handling(graph: nx.DiGraph, trace: Trace) -> None:
    if trace.start is None:
        return
    known = (trace.start != _NAT) & (trace.end != _NAT)
    if not known.any():
        return
    duration = (trace.end[known] - trace.start[known]) / trace.ticks_per_s
    frame = pd.DataFrame({"a": trace.activity[known], "d": duration})
    agg = frame.groupby("a")["d"].agg(["mean", "median", "size"])
    for code, row in agg.iterrows():
        node = graph.nodes[trace.names[int(code)]]
        node.update(handling_mean_s=float(row["mean"]), handling_median_s=float(row["median"]),
                    handling_known=int(row["size"]), handling_source="measured")


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

    Example:
        >>> from rpa_scout import discover_graph, filter_graph, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> simple = filter_graph(discover_graph(log), activities=80, paths=60, log=log)
        >>> shown = simple.graph["filter"]
        >>> shown["activities_kept"], shown["activities_total"], shown["edges_kept"], shown["edges_total"]
        (7, 13, 8, 10)
    """
    for name, value in (("activities", activities), ("paths", paths)):
        if not 0 <= value <= 100:
            raise ConfigError(f"{name} (--{name}) must be a percentage between 0 and 100, got {value}")
    acts = [(n, d["events"]) for n, d in graph.nodes(data=True) if d.get("kind") == "activity"]
    keep = covering_activities(acts, activities)
    kept_set = set(keep)
    if log is not None and len(keep) < len(acts):
        columns = require_columns(log, columns)
        projected = log[log[columns.activity].isin(kept_set)]
        base = discover_graph(projected, columns=columns)
    else:
        base = induced(graph, [START, END, *keep])
    result = _filter_paths(base, paths)
    result.graph.update(graph.graph)
    result.graph["filter"] = {
        "activities_pct": activities, "paths_pct": paths,
        "activities_kept": len(keep), "activities_total": len(acts),
        "edges_kept": result.number_of_edges(), "edges_total": base.number_of_edges(),
    }
    return result


def induced(graph: nx.DiGraph, nodes: Iterable[str]) -> nx.DiGraph:
    """The subgraph on ``nodes``, a copy with nodes and edges in ``graph``'s own order.

    ``graph.subgraph(nodes)`` iterates a set of the nodes when they are few, so its
    order (and the drawing Graphviz makes of it) would change with Python's string hash
    from one run to the next.

    Example:
        >>> g = nx.DiGraph([("b", "a"), ("a", "c")])
        >>> list(induced(g, {"c", "a"}).edges)
        [('a', 'c')]
    """
    keep = set(nodes)
    out = nx.DiGraph()
    out.graph.update(graph.graph)
    out.add_nodes_from((n, dict(d)) for n, d in graph.nodes(data=True) if n in keep)
    out.add_edges_from((a, b, dict(d)) for a, b, d in graph.edges(data=True) if a in keep and b in keep)
    return out


def covering_activities(counts: Iterable[tuple[str, int]], percent: float) -> list[str]:
    """The most frequent activities (ties by name) that together cover ``percent`` % of
    the events; at least one.

    Example:
        >>> from rpa_scout.graph import covering_activities
        >>> covering_activities([("Kirjaus", 60), ("Päätös", 30), ("Arkistointi", 10)], 80)
        ['Kirjaus', 'Päätös']
        >>> covering_activities([("B", 5), ("A", 5)], 0)
        ['A']
    """
    ordered = sorted(counts, key=lambda item: (-item[1], str(item[0])))
    total = sum(c for _, c in ordered)
    keep: list[str] = []
    covered = 0
    for name, count in ordered:
        if keep and covered >= total * percent / 100:
            break
        keep.append(name)
        covered += count
    return keep


def _reconnect(kept: nx.DiGraph, graph: nx.DiGraph, rank: dict, *, forward: bool) -> bool:
    """Add to ``kept`` the strongest edge of ``graph`` (lowest ``rank``) that reaches one
    more node from START (``forward``; else: that reaches END from one more node), until
    every node does; False when no edge of the log reaches the rest.

    The nodes reached grow with each edge added and the candidate edges wait in a heap by
    rank, so a map of thousands of steps is not searched edge by edge for each repair.
    """
    root, ahead = (START, kept.successors) if forward else (END, kept.predecessors)
    reach: set = set()
    heap: list = []

    def enter(node) -> None:  # ``node`` and what it newly reaches; their edges wait
        stack = [node]
        while stack:
            x = stack.pop()
            if x in reach:
                continue
            reach.add(x)
            stack.extend(ahead(x))
            for edge in (graph.out_edges(x) if forward else graph.in_edges(x)):
                heapq.heappush(heap, (rank[edge], edge))

    enter(root)
    while len(reach) < kept.number_of_nodes():
        while heap and heap[0][1][1 if forward else 0] in reach:
            heapq.heappop(heap)
        if not heap:
            return False
        a, b = heapq.heappop(heap)[1]
        kept.add_edge(a, b, **graph.edges[a, b])
        enter(b if forward else a)
    return True


def _filter_paths(graph: nx.DiGraph, paths: float) -> nx.DiGraph:
    edges = sorted(graph.edges(data="count"), key=lambda e: (-e[2], str(e[0]), str(e[1])))
    total = sum(c for *_, c in edges)
    kept = nx.DiGraph()
    kept.add_nodes_from(graph.nodes(data=True))
    covered = 0
    for added, (a, b, count) in enumerate(edges):  # distinct edges: ``added`` kept so far
        if added and covered >= total * paths / 100:
            break
        kept.add_edge(a, b, **graph.edges[a, b])
        covered += count
    # Repair: every node reachable from START and reaching END. Greedy and minimal: add
    # the strongest edge that reaches one more node, then look again (one edge often
    # reconnects a whole branch), so a lower paths % never keeps more edges for repair.
    rank = {(a, b): i for i, (a, b, _) in enumerate(edges)}  # strongest first, ties by name
    if _reconnect(kept, graph, rank, forward=True):  # nothing in the log connects the rest: stop
        _reconnect(kept, graph, rank, forward=False)
    return kept
