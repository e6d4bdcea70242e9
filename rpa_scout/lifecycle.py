"""Pair lifecycle events (start, suspend, resume, complete) into activity instances.

Pairing is first-in-first-out per case and activity: the k-th *matched* complete takes
the k-th start. A complete with no open start is unmatched, as is a start never
completed. When the log carries activity instance ids (XES ``concept:instance``, bupaR's
``activity_instance_id``), a start pairs with the complete of its own id (first in,
first out among events of one id, so an id reused for each execution pairs right too):
two executions of one step open at once in a case are then told apart. Ids that tie few
starts to completes (they pair less than :data:`INSTANCE_KEEP` of what first in, first
out pairs) are not used, and the load report says so. A complete that carries its own start timestamp (an export with start and
end columns) is one instance on its own. ``schedule``, ``assign`` and similar
transitions, and values that are no known transition, stay in the log as events but are
not work and form no instance. Finnish and Swedish words (``aloitettu``, ``valmis``,
``påbörjad``, ``klar``, ...) are read as the transitions they name. Everything is
vectorised (no loop per event).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from rpa_scout.codes import as_text, from_text, group_cumsum, group_firsts
from rpa_scout.columns import XES, LogColumns, require_columns
from rpa_scout.errors import InputError
from rpa_scout.lang import Message
from rpa_scout.timestamps import epoch_seconds

START = "start"
COMPLETE = "complete"
SUSPEND = "suspend"
RESUME = "resume"
#: An activity instance aborted (XES ``ate_abort``, as BPIC 2017's work items write it):
#: it closes the open start it ends, which no later complete may then take; no work instance.
ABORT = "ate_abort"
WORK_TRANSITIONS = {START, COMPLETE, SUSPEND, RESUME}
#: The XES standard's other transitions: events, but not work.
NON_WORK_TRANSITIONS = frozenset({"schedule", "assign", "reassign", "withdraw", "ate_abort",
                                  "pi_abort", "autoskip", "manualskip", "unknown"})
#: Finnish and Swedish lifecycle words, as case systems write them (matched in lower case).
TRANSITION_WORDS = {
    # Finnish
    "aloitettu": START, "alkanut": START, "aloitus": START,
    "valmis": COMPLETE, "valmistunut": COMPLETE, "päättynyt": COMPLETE, "suoritettu": COMPLETE,
    "keskeytetty": SUSPEND, "jatkettu": RESUME,
    # Swedish
    "påbörjad": START, "startad": START,
    "klar": COMPLETE, "avslutad": COMPLETE, "slutförd": COMPLETE,
    "pausad": SUSPEND, "återupptagen": RESUME,
}
#: English past participles that some exporters write ("STARTED", "COMPLETED"), read as
#: the transitions they name only in a column whose every value is a transition or such
#: a word: a column of case statuses ("Open", "Completed") stays a status.
PAST_WORDS = {"started": START, "completed": COMPLETE, "finished": COMPLETE, "suspended": SUSPEND,
              "resumed": RESUME, "scheduled": "schedule", "assigned": "assign", "withdrawn": "withdraw"}
#: The names of the pairing counts: English keys (``counts["instances"]``) that the load
#: report shows in any language.
COUNT_NAMES = {name: Message(f"load.lifecycle.{name}") for name in (
    "instances", "paired", "unmatched_complete", "unmatched_start", "aborted", "non_work", "with_start", "own_row",
    "by_instance", "instance_unused")}
#: Pairing by activity instance ids is used when it keeps at least this share of the
#: pairs that first in, first out finds (the most any pairing can: it pairs every
#: complete that has an open start); ids that lose more do not tie a start to its complete.
INSTANCE_KEEP = 0.9


@dataclass(frozen=True)
class PairedInstances:
    """Activity instances and the counts of what could not be paired.

    Example:
        >>> from rpa_scout import pair_lifecycle, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> paired = pair_lifecycle(log)
        >>> len(log), len(paired.instances), paired.counts["paired start+complete"]
        (49766, 24883, 24883)
    """

    instances: pd.DataFrame
    counts: dict[str, int]


def require_work(paired: PairedInstances, events: int) -> PairedInstances:
    """``paired`` (the pairing of a log of ``events`` events), checked to hold work.

    Raises:
        InputError: no instance: no event completes an activity (each is a start never
            completed, or a transition that is no work: schedule, withdraw, ...), so there
            is nothing to map, time or rank. When every event is a start, the error says
            how to read the starts as the events (``--lifecycle ''``).

    Example:
        >>> import pandas as pd
        >>> log = pd.DataFrame({"case:concept:name": ["a", "a"], "concept:name": ["X", "Y"],
        ...                     "time:timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True),
        ...                     "lifecycle:transition": ["schedule", "start"]})
        >>> require_work(pair_lifecycle(log), len(log))
        Traceback (most recent call last):
        ...
        rpa_scout.errors.InputError: no event completes an activity: of the 2 events, 1 is a \
start never completed, 1 a lifecycle transition that is no work (such as schedule or \
withdraw). Name the column of start/complete values with --lifecycle
    """
    if not events or len(paired.instances):
        return paired
    starts = paired.counts.get(COUNT_NAMES["unmatched_start"], 0)
    other = events - starts
    if not other:  # an export of when steps began, and nothing else
        which = "the one event is a start" if starts == 1 else f"all {starts:,} events are starts"
        raise InputError(f"no event completes an activity: {which}, none completed. If the log records "
                         "only when each step began, read each start as the step's event with "
                         "--lifecycle '' (its time is then read as the step's end)")
    parts = ([f"{starts:,} {'is a start' if starts == 1 else 'are starts'} never completed"] if starts else []) + \
        ([f"{other:,} {'' if starts else 'is ' if other == 1 else 'are '}"
          f"{'a lifecycle transition' if other == 1 else 'lifecycle transitions'} that "
          f"{'is' if other == 1 else 'are'} no work (such as schedule or withdraw)"] if other else [])
    raise InputError(f"no event completes an activity: of the {events:,} events, {', '.join(parts)}. "
                     "Name the column of start/complete values with --lifecycle")


def normalise_transition(values: pd.Series) -> pd.Series:
    """Lower-case and strip lifecycle values and translate Finnish and Swedish words.

    Missing values count as ``complete``. Any other value stays (lower-cased): it is no
    work transition, so it is an event but not work (see :func:`transition_words`).

    Example:
        >>> import pandas as pd
        >>> from rpa_scout.lifecycle import normalise_transition
        >>> normalise_transition(pd.Series(["Aloitettu", " valmis", None, "START", "odottaa"])).tolist()
        ['start', 'complete', 'complete', 'start', 'odottaa']
    """
    codes, texts = as_text(values)  # a lifecycle column has a few distinct values
    return from_text(codes, _normalised(texts), COMPLETE, values)


def transition_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """:func:`normalise_transition` as a code per row and the distinct transitions the
    codes stand for, without building the text column (ten million rows of it take
    longer than the rest of the pairing's bookkeeping).

    Example:
        >>> import pandas as pd
        >>> from rpa_scout.lifecycle import transition_codes
        >>> codes, names = transition_codes(pd.Series(["Aloitettu", " valmis", None, "START"]))
        >>> names[codes].tolist()
        ['start', 'complete', 'complete', 'start']
    """
    codes, texts = as_text(values)
    distinct = np.append(_normalised(texts).to_numpy(dtype=object), COMPLETE).astype(str)
    names, of_text = np.unique(distinct, return_inverse=True)
    return of_text[codes], names.astype(object)  # code -1 (missing) takes the last: complete


def _normalised(texts: pd.Series) -> pd.Series:
    """Distinct lifecycle texts stripped, lower-cased, translated; blank or missing is complete."""
    text = texts.str.strip().str.lower()
    table = _translations(text.dropna().unique())
    words = {value: table[_word(value)] for value in text.dropna().unique()
             if _word(value) in table and value != table[_word(value)]}
    if words:
        text = text.replace(words)
    return text.fillna(COMPLETE).mask(text == "", COMPLETE)


def _word(value: str) -> str:
    return unicodedata.normalize("NFC", str(value)).strip().lower()


def _translations(values: Iterable[str]) -> Mapping[str, str]:
    """The words read as transitions in a column holding ``values``: the Finnish and
    Swedish ones always, the English past participles (:data:`PAST_WORDS`) when every
    value is a transition or such a word."""
    words = {_word(value) for value in values} - {""}
    if words and all(known_transition(w) or w in TRANSITION_WORDS or w in PAST_WORDS for w in words):
        return {**TRANSITION_WORDS, **PAST_WORDS}
    return TRANSITION_WORDS


def known_transition(value: str) -> bool:
    """Whether a (normalised) lifecycle value is a transition of the XES standard.

    Example:
        >>> from rpa_scout.lifecycle import known_transition
        >>> known_transition("schedule"), known_transition("valmis"), known_transition("odottaa")
        (True, False, False)
    """
    return value in WORK_TRANSITIONS or value in NON_WORK_TRANSITIONS


def transition_words(values: pd.Series) -> tuple[dict[str, int], dict[str, int]]:
    """What reading a raw lifecycle column makes of its words, for the load report.

    Args:
        values: the lifecycle column as exported.

    Returns:
        ``(translated, unknown)``: counts of the Finnish and Swedish words read as a
        transition, keyed ``"aloitettu → start"``; counts of the values that are no
        known transition (kept as non-work events), keyed by the value as written.

    Example:
        >>> import pandas as pd
        >>> from rpa_scout.lifecycle import transition_words
        >>> transition_words(pd.Series(["aloitettu", "valmis", "valmis", "start", "odottaa"]))
        ({'aloitettu → start': 1, 'valmis → complete': 2}, {'odottaa': 1})
    """
    codes, texts = as_text(values)
    counts = pd.Series(np.bincount(codes[codes >= 0], minlength=len(texts)), index=texts.str.strip())
    counts = counts[counts.index.notna()].groupby(level=0, sort=False).sum()
    translated: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    table = _translations(counts.index)
    for value, count in counts.items():
        word = _word(value)
        if word == "" or known_transition(word):
            continue
        if word in table:
            translated[f"{value} → {table[word]}"] += int(count)
        else:
            unknown[str(value)] += int(count)
    return dict(sorted(translated.items())), dict(sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0])))


def start_times(log: pd.DataFrame, columns: LogColumns = XES) -> pd.Series | None:
    """The log's own start timestamps (a start column beside each completion), or
    ``None`` where it has none that say anything: no such column, no value in it, or the
    completion time itself on every row that has one. Such a copy is what
    ``pm4py.discover_dfg`` and others leave in the DataFrame they are given, and what
    exports write that know no start; read as starts, it made every step take no time.

    Example:
        >>> import pandas as pd
        >>> t = pd.to_datetime(["2024-01-01 10:00", "2024-01-01 11:00"], utc=True)
        >>> log = pd.DataFrame({"time:timestamp": t, "start_timestamp": t})
        >>> start_times(log) is None, start_times(log.assign(start_timestamp=t - pd.Timedelta("5min"))) is None
        (True, False)
    """
    name = columns.start_timestamp
    if not isinstance(name, str) or name not in log.columns:
        return None
    start = log[name]
    given = start.notna().to_numpy(dtype=bool)
    if not given.any():
        return None
    try:
        same = (start == log[columns.timestamp]).to_numpy(dtype=bool)
    except TypeError:  # times of another kind (text, no time zone): no copy
        return start
    return None if same[given].all() else start


def start_copy_notes(log: pd.DataFrame, columns: LogColumns = XES) -> list[Message]:
    """A note when the log's start column only repeats each row's timestamp, which the
    analysis then ignores (:func:`start_times`).

    Example:
        >>> import pandas as pd
        >>> t = pd.to_datetime(["2024-01-01 10:00", "2024-01-01 11:00"], utc=True)
        >>> start_copy_notes(pd.DataFrame({"time:timestamp": t, "start_timestamp": t}))[0][:47]
        "the start column 'start_timestamp' holds each r"
    """
    name = columns.start_timestamp
    if isinstance(name, str) and name in log.columns and log[name].notna().any() \
            and start_times(log, columns) is None:
        return [Message("note.start_copy", column=name)]
    return []


def pair_lifecycle(log: pd.DataFrame, *, columns: LogColumns = XES) -> PairedInstances:
    """Turn an event log into one row per activity instance.

    Args:
        log: event log with XES column names (as :func:`rpa_scout.read_log` returns).
        columns: column mapping, XES names by default.

    Returns:
        ``instances`` with the case, activity, resource (of the completing event),
        ``start_timestamp`` (NaT when the instance has no start), ``time:timestamp``
        (completion), ``paused_seconds`` (suspend→resume time) and all other
        attributes of the completing event, sorted by case, completion and position in
        the log; ``counts`` of paired instances, unmatched starts, unmatched completes and
        non-work events, and of completes with their own start timestamp (when there
        are any).

    Example:
        >>> from rpa_scout import pair_lifecycle, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> first = pair_lifecycle(log).instances.iloc[0]
        >>> first["concept:name"], first["time:timestamp"] - first["start_timestamp"]
        ('Lasku vastaanotettu', Timedelta('0 days 00:00:04'))
    """
    columns = require_columns(log, columns)
    if columns.lifecycle not in log.columns:
        return _one_row_each(log, columns)
    m = _matching(log, columns)
    rows, start, paused = _instance_rows(log, m, columns)
    order = _case_time_order(log, rows, columns)
    instances = log.take(rows[order]).reset_index(drop=True)
    instances = instances.drop(columns=["_t", "_pos", "g", "k"], errors="ignore")
    instances["paused_seconds"] = paused[order]
    utc = pd.to_datetime(log[columns.timestamp].iloc[:0], utc=True).dtype  # the completions' unit
    instances[columns.start_timestamp] = pd.to_datetime(start.take(order), utc=True).astype(utc)
    return PairedInstances(instances, m.counts())


def lifecycle_counts(log: pd.DataFrame, *, columns: LogColumns = XES) -> dict[str, int]:
    """``pair_lifecycle(log, columns=columns).counts``, without building the instances.

    Example:
        >>> from rpa_scout import read_log
        >>> from rpa_scout.lifecycle import lifecycle_counts
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> lifecycle_counts(log)["instances"]
        24883
    """
    columns = require_columns(log, columns)
    if columns.lifecycle not in log.columns:
        return _one_row_each(log, columns).counts
    return _matching(log, columns).counts()


def _one_row_each(log: pd.DataFrame, columns: LogColumns) -> PairedInstances:
    """A log without lifecycle: every event is one instance (with its own start, if any)."""
    inst = log.copy()
    if start_times(log, columns) is None:
        inst[columns.start_timestamp] = pd.Series(pd.NaT, index=inst.index, dtype=log[columns.timestamp].dtype)
    inst["paused_seconds"] = 0.0
    with_start = int(inst[columns.start_timestamp].notna().sum())
    return PairedInstances(inst.reset_index(drop=True), {COUNT_NAMES["instances"]: len(inst), COUNT_NAMES["with_start"]: with_start})


@dataclass(frozen=True)
class _Matching:
    """The work events of a log, matched first-in-first-out per case and activity.

    ``events`` are the log positions of the events to pair, sorted by case, activity,
    time and position; the other arrays run along them. ``work`` and ``own`` run along
    the log: events with a work transition, and completes with their own start.
    """

    events: np.ndarray
    transition: np.ndarray   # of the events, as codes into ``names``
    names: np.ndarray
    group: np.ndarray        # (case, activity) group, contiguous, numbered 0, 1, ...
    is_start: np.ndarray
    matched: np.ndarray      # completes with an open start
    unmatched: np.ndarray    # completes without one
    k_start: np.ndarray      # starts so far in the group (1-based number of the latest)
    k_complete: np.ndarray   # starts closed so far in the group (matched completes and aborts)
    work: np.ndarray
    own: np.ndarray
    by_instance: bool = False  # paired by activity instance ids
    instance_unused: int = 0   # the pairs instance ids would have lost, when not used
    aborted: int = 0           # aborts (ate_abort) that closed an open start

    def counts(self) -> dict[str, int]:
        """What :attr:`PairedInstances.counts` reports."""
        n_matched, n_unmatched, n_own = int(self.matched.sum()), int(self.unmatched.sum()), int(self.own.sum())
        name = COUNT_NAMES
        counts = {name["instances"]: n_matched + n_unmatched + n_own, name["paired"]: n_matched,
                  name["unmatched_complete"]: n_unmatched,
                  name["unmatched_start"]: int(self.is_start.sum()) - n_matched - self.aborted,
                  name["non_work"]: int((~self.work).sum())}
        if self.aborted:
            counts[name["aborted"]] = self.aborted
        if n_own:
            counts[name["own_row"]] = n_own
        if self.by_instance:
            counts[name["by_instance"]] = n_matched
        if self.instance_unused:
            counts[name["instance_unused"]] = self.instance_unused
        return counts


def _matching(log: pd.DataFrame, columns: LogColumns) -> _Matching:
    """The log's matching: by its activity instance ids when it has ids on start events
    and they keep :data:`INSTANCE_KEEP` of first in, first out's pairs, else first in,
    first out (with the pairs the ids would have lost, to report)."""
    fifo = _match(log, columns)
    ids = columns.instance
    if ids is None or ids not in log.columns or not fifo.is_start.any():
        return fifo
    if log[ids].iloc[fifo.events[fifo.is_start]].isna().all():
        return fifo
    by_id = _match(log, columns, by_instance=True)
    kept, most = int(by_id.matched.sum()), int(fifo.matched.sum())
    if kept >= INSTANCE_KEEP * most:
        return replace(by_id, by_instance=True)
    return replace(fifo, instance_unused=most - kept)


def _match(log: pd.DataFrame, columns: LogColumns, by_instance: bool = False) -> _Matching:
    """Sort the work events by case, activity, time and position, and match them (with
    ``by_instance``, by case, activity and activity instance id: a missing id is one id).

    Lindley recursion: open = S - min(0, running min of S) per group, S the running
    count of starts minus completes; a complete finds no open start exactly where S
    drops to a new minimum below zero. The k-th matched complete takes the k-th start.
    Ten million events pass through here, so the per-event arrays are small integers
    and each is dropped as soon as it is used.
    """
    codes, names = transition_codes(log[columns.lifecycle])  # a few distinct names
    codes = codes.astype(np.int8)
    work = np.isin(names, list(WORK_TRANSITIONS))[codes]
    # A complete with its own start timestamp is a whole instance: nothing to pair.
    own = np.zeros(len(log), dtype=bool)
    starts = start_times(log, columns)
    if starts is not None:
        own = (codes == _code(names, COMPLETE)) & starts.notna().to_numpy(dtype=bool)
    candidates = np.flatnonzero((work | (codes == _code(names, ABORT))) & ~own)
    pairs = _codes(log[columns.case]).astype(np.int64)
    activity = _codes(log[columns.activity])
    pairs *= int(activity.max(initial=0)) + 1
    pairs += activity  # one key per case and activity
    del activity
    keys = pairs[candidates]
    del pairs
    # within a case and activity, by instance id (one id for all without instances)
    ids = _codes(log[columns.instance])[candidates] if by_instance else np.zeros(len(candidates), dtype=np.int8)
    if in_case_time_order(log, columns):  # then each case's rows are in time and position order
        order = np.lexsort((ids, keys)) if by_instance else np.argsort(keys, kind="stable")
    else:
        stamps = _instants(log[columns.timestamp])[candidates]
        order = np.lexsort((candidates, stamps, ids, keys))
        del stamps
    events, keys, ids = candidates[order], keys[order], ids[order]
    del order, candidates
    t = codes[events]
    del codes
    group = np.zeros(len(keys), dtype=np.int64)  # numbered 0, 1, ... in order
    np.cumsum((keys[1:] != keys[:-1]) | (ids[1:] != ids[:-1]), out=group[1:])
    del keys, ids
    is_start, closes = t == _code(names, START), (t == _code(names, COMPLETE)) | (t == _code(names, ABORT))
    firsts = group_firsts(group)
    step = is_start.astype(np.int64)
    step -= closes
    cum = group_cumsum(step, firsts)
    del step
    closes &= cum >= _group_prev_cummin(cum, group)  # a complete or abort with an open start
    del cum
    unmatched = t == _code(names, COMPLETE)
    unmatched &= ~closes
    matched = closes & (t == _code(names, COMPLETE))
    return _Matching(events=events, transition=t, names=names, group=group, is_start=is_start,
                     matched=matched, unmatched=unmatched,
                     k_start=group_cumsum(is_start.astype(np.int64), firsts),
                     k_complete=group_cumsum(closes.astype(np.int64), firsts), work=work, own=own,
                     aborted=int(closes.sum() - matched.sum()))


def _code(names: np.ndarray, name: str) -> int:
    """The code of transition ``name`` among ``names`` (-1, matching nothing, if absent)."""
    found = np.flatnonzero(names == name)
    return int(found[0]) if len(found) else -1


def _instance_rows(log: pd.DataFrame, m: _Matching,
                   columns: LogColumns) -> tuple[np.ndarray, pd.api.extensions.ExtensionArray, np.ndarray]:
    """Log positions of the instances' completes (paired, then unmatched, then those with
    their own start), their starts and their paused seconds."""
    ts, start_col = columns.timestamp, columns.start_timestamp
    paired, lone, own = m.events[m.matched], m.events[m.unmatched], np.flatnonzero(m.own)
    # the k-th start of each group is the (starts before the group + k)-th start overall
    per_group = np.bincount(m.group[m.is_start], minlength=int(m.group.max(initial=-1)) + 1)
    before = np.r_[0, np.cumsum(per_group)[:-1]]
    starts = m.events[m.is_start][before[m.group[m.matched]] + m.k_complete[m.matched] - 1]
    stamps = pd.to_datetime(log[ts], utc=True).array
    start = pd.Series(stamps.take(np.r_[starts, np.full(len(lone), -1)], allow_fill=True))
    if len(own):
        given = pd.to_datetime(log[start_col].iloc[own], utc=True).astype(stamps.dtype)
        start = pd.concat([start, given], ignore_index=True)
    paused = np.zeros(len(paired) + len(lone) + len(own))
    paused[:len(paired)] = _paused_seconds(log, m, ts)
    return np.r_[paired, lone, own], start.array, paused


def _paused_seconds(log: pd.DataFrame, m: _Matching, ts: str) -> np.ndarray:
    """Suspend→resume seconds of each matched complete (0 without a balanced pause).

    Suspend and resume belong to the instance opened by the group's latest start, while
    it is open (fewer completes matched so far than starts).
    """
    suspend, resume = _code(m.names, SUSPEND), _code(m.names, RESUME)
    pausing = ((m.transition == suspend) | (m.transition == resume)) & (m.k_complete < m.k_start)
    out = np.zeros(int(m.matched.sum()))
    if not pausing.any():
        return out
    sign = np.where(m.transition[pausing] == resume, 1.0, -1.0)
    seconds = epoch_seconds(log[ts].iloc[m.events[pausing]])
    part = pd.DataFrame({"g": m.group[pausing], "k": m.k_start[pausing], "v": sign * seconds, "s": sign})
    agg = part.groupby(["g", "k"]).agg(paused_seconds=("v", "sum"), balance=("s", "sum"))
    agg = agg[agg["balance"] == 0]["paused_seconds"]
    keys = pd.MultiIndex.from_arrays([m.group[m.matched], m.k_complete[m.matched]])
    found = agg.index.get_indexer(keys)
    out[found >= 0] = agg.to_numpy()[found[found >= 0]]
    return out


def _case_time_order(log: pd.DataFrame, rows: np.ndarray, columns: LogColumns) -> np.ndarray:
    """The order of instance ``rows`` (log positions) by case, completion and position.

    A log in case and time order (as :func:`rpa_scout.read_log` returns it) is in that
    order already: then it is the order of the positions.
    """
    if in_case_time_order(log, columns):
        return np.argsort(rows, kind="stable")
    keys = pd.DataFrame({"c": log[columns.case].array.take(rows),
                         "t": log[columns.timestamp].array.take(rows), "p": rows})
    return keys.sort_values(["c", "t", "p"], kind="stable").index.to_numpy()


def _text_order(case: pd.Series) -> np.ndarray | None:
    """Each row's position among a categorical column's categories sorted as text (a
    case id's place in text order, from its code), or ``None`` when the column is not a
    categorical of text."""
    if not isinstance(case.dtype, pd.CategoricalDtype) or not pd.api.types.is_string_dtype(case.cat.categories):
        return None
    codes = case.cat.codes.to_numpy()
    if case.cat.categories.is_monotonic_increasing:  # sorted already (as read_log makes them)
        return codes
    place = np.empty(len(case.cat.categories), dtype=np.int64)
    place[np.argsort(np.asarray(case.cat.categories, dtype=object), kind="stable")] = np.arange(len(place))
    return place[codes]


def in_case_time_order(log: pd.DataFrame, columns: LogColumns = XES) -> bool:
    """Whether ``log`` is in (case, timestamp) order, ties in any order.

    Only text case ids (as strings or categories of strings, compared as text) and
    datetime timestamps without missing values are checked; for anything else the
    answer is ``False`` (sort to be sure).

    Example:
        >>> import pandas as pd
        >>> from rpa_scout.lifecycle import in_case_time_order
        >>> log = pd.DataFrame({"case:concept:name": pd.Series(["a", "a", "b"], dtype="string"),
        ...                     "time:timestamp": pd.to_datetime(["2025-01-02", "2025-01-03", "2025-01-01"])})
        >>> in_case_time_order(log), in_case_time_order(log.iloc[[1, 0, 2]])
        (True, False)
    """
    if len(log) < 2:
        return True
    case, ts = log[columns.case], log[columns.timestamp]
    if case.isna().any() or ts.isna().any():
        return False
    if ts.dtype.kind != "M":
        return False
    if isinstance(case.dtype, pd.StringDtype):
        before, after = case.iloc[:-1].reset_index(drop=True), case.iloc[1:].reset_index(drop=True)
        later, same = (after > before).to_numpy(dtype=bool), (after == before).to_numpy(dtype=bool)
    else:
        text_order = _text_order(case)
        if text_order is None:
            return False
        later, same = text_order[1:] > text_order[:-1], text_order[1:] == text_order[:-1]
    if not (later | same).all():
        return False
    stamps = getattr(ts.array, "asi8", None)  # int64 instants, one unit for the column
    if stamps is None:
        return False
    return bool((later | (stamps[1:] >= stamps[:-1])).all())


def _codes(values: pd.Series) -> np.ndarray:
    """Integer codes of equal values (missing values get a code of their own)."""
    codes, uniques = pd.factorize(values)
    return np.where(codes < 0, len(uniques), codes)


def _instants(values: pd.Series) -> np.ndarray:
    """Timestamps as int64 in their unit, in time order; NaT sorts last."""
    stamps = pd.to_datetime(values, utc=True).array.asi8
    return np.where(stamps == np.iinfo(np.int64).min, np.iinfo(np.int64).max, stamps)


def _group_prev_cummin(cum: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per group, min(0, cum[first..i-1]) (groups are contiguous and numbered 0, 1, ...)."""
    if len(cum) == 0:
        return np.zeros(0, dtype=np.int64)
    prev = np.zeros_like(cum)
    prev[1:] = cum[:-1]
    prev[1:][group[1:] != group[:-1]] = 0
    # Offsetting each group below all earlier ones makes one running minimum restart
    # at every group.
    offset = group * (2 * int(np.abs(prev).max()) + 1)
    prev -= offset
    np.minimum.accumulate(prev, out=prev)
    prev += offset
    return np.minimum(prev, 0, out=prev)
