"""Pair lifecycle events (start, suspend, resume, complete) into activity instances.

Pairing is first-in-first-out per case and activity: the k-th *matched* complete takes
the k-th start. A complete with no open start is unmatched, as is a start never
completed. A complete that carries its own start timestamp (an export with start and
end columns) is one instance on its own. ``schedule``, ``assign`` and similar
transitions, and values that are no known transition, stay in the log as events but are
not work and form no instance. Finnish and Swedish words (``aloitettu``, ``valmis``,
``påbörjad``, ``klar``, ...) are read as the transitions they name. Everything is
vectorised (no loop per event).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rpa_scout.columns import XES, LogColumns, require_columns
from rpa_scout.timestamps import epoch_seconds

START = "start"
COMPLETE = "complete"
SUSPEND = "suspend"
RESUME = "resume"
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
    text = values.astype("string").str.strip().str.lower()
    words = {value: TRANSITION_WORDS[_word(value)] for value in text.dropna().unique()
             if _word(value) in TRANSITION_WORDS and value != TRANSITION_WORDS[_word(value)]}
    if words:
        text = text.replace(words)
    return text.fillna(COMPLETE).mask(text == "", COMPLETE)


def _word(value: str) -> str:
    return unicodedata.normalize("NFC", str(value)).strip().lower()


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
    counts = values.astype("string").str.strip().value_counts(dropna=True, sort=False)
    translated: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    for value, count in counts.items():
        word = _word(value)
        if word == "" or known_transition(word):
            continue
        if word in TRANSITION_WORDS:
            translated[f"{value} → {TRANSITION_WORDS[word]}"] += int(count)
        else:
            unknown[str(value)] += int(count)
    return dict(sorted(translated.items())), dict(sorted(unknown.items(), key=lambda kv: (-kv[1], kv[0])))


def pair_lifecycle(log: pd.DataFrame, *, columns: LogColumns = XES) -> PairedInstances:
    """Turn an event log into one row per activity instance.

    Args:
        log: event log with XES column names (as :func:`rpa_scout.read_log` returns).
        columns: column mapping, XES names by default.

    Returns:
        ``instances`` with the case, activity, resource (of the completing event),
        ``start_timestamp`` (NaT when the instance has no start), ``time:timestamp``
        (completion), ``paused_seconds`` (suspend→resume time) and all other
        attributes of the completing event; ``counts`` of paired instances,
        unmatched starts, unmatched completes and non-work events, and of completes
        with their own start timestamp (when there are any).

    Example:
        >>> from rpa_scout import pair_lifecycle, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> first = pair_lifecycle(log).instances.iloc[0]
        >>> first["concept:name"], first["time:timestamp"] - first["start_timestamp"]
        ('Lasku vastaanotettu', Timedelta('0 days 00:00:04'))
    """
    require_columns(log, columns)
    ts, start_col = columns.timestamp, columns.start_timestamp
    if columns.lifecycle not in log.columns:
        return _one_row_each(log, columns)
    trans = normalise_transition(log[columns.lifecycle])
    work = trans.isin(list(WORK_TRANSITIONS)).to_numpy(dtype=bool)
    # A complete with its own start timestamp is a whole instance: nothing to pair.
    own = np.zeros(len(log), dtype=bool)
    if start_col in log.columns:
        own = (trans == COMPLETE).to_numpy(dtype=bool) & log[start_col].notna().to_numpy(dtype=bool)
    positions = np.arange(len(log))
    pairing = work & ~own
    events = log.loc[pairing].assign(_t=trans[pairing].to_numpy(), _pos=positions[pairing])
    events = events.sort_values([columns.case, columns.activity, ts, "_pos"], kind="stable")
    paired, lone, tally = _pair(events, columns)
    parts = [paired, lone]
    if own.any():
        parts.append(log.loc[own].assign(paused_seconds=0.0, _pos=positions[own]))
    instances = pd.concat(parts, ignore_index=True)
    instances = instances.sort_values([columns.case, ts, "_pos"], kind="stable")
    instances = instances.drop(columns=["_t", "_pos", "g", "k"], errors="ignore")
    instances[start_col] = pd.to_datetime(instances[start_col], utc=True).astype(
        pd.to_datetime(events[ts].iloc[:0], utc=True).dtype)  # same unit as the completions
    counts = {"instances": len(instances), **tally,
              "non-work events (schedule, assign, ...)": int((~work).sum())}
    if own.any():
        counts["start and complete on one row"] = int(own.sum())
    return PairedInstances(instances.reset_index(drop=True), counts)


def _one_row_each(log: pd.DataFrame, columns: LogColumns) -> PairedInstances:
    """A log without lifecycle: every event is one instance (with its own start, if any)."""
    inst = log.copy()
    if columns.start_timestamp not in inst.columns:
        inst[columns.start_timestamp] = pd.Series(pd.NaT, index=inst.index, dtype=log[columns.timestamp].dtype)
    inst["paused_seconds"] = 0.0
    with_start = int(inst[columns.start_timestamp].notna().sum())
    return PairedInstances(inst.reset_index(drop=True), {"instances": len(inst), "with start": with_start})


def _pair(events: pd.DataFrame, columns: LogColumns) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """Pair the k-th matched complete of each case and activity with its k-th start.

    ``events`` are the work events, sorted by case, activity, time and position. Returns
    the paired completes (with start and pauses), the completes without a start, and
    the counts.
    """
    ts, start_col = columns.timestamp, columns.start_timestamp
    group = events.groupby([columns.case, columns.activity], sort=False, observed=True).ngroup().to_numpy()
    is_start = (events["_t"] == START).to_numpy()
    is_complete = (events["_t"] == COMPLETE).to_numpy()
    # Lindley recursion: open = S - min(0, running min of S) per group; a complete finds
    # no open start exactly where S drops to a new minimum below zero.
    cum = _group_cumsum(is_start.astype(np.int64) - is_complete.astype(np.int64), group)
    unmatched = is_complete & (cum < _group_prev_cummin(cum, group))
    matched = is_complete & ~unmatched
    k_start = _group_cumsum(is_start.astype(np.int64), group)  # 1-based index of starts
    k_complete = _group_cumsum(matched.astype(np.int64), group)
    starts = events.loc[is_start, [ts]].assign(g=group[is_start], k=k_start[is_start])
    paired = events.loc[matched].assign(g=group[matched], k=k_complete[matched])
    paired = paired.merge(starts.rename(columns={ts: "_start"}), on=["g", "k"], how="left")
    # Suspend/resume belong to the instance opened by the latest start.
    pause = _paused_seconds(events, pd.DataFrame({"g": group, "k": k_start}), is_start, ts)
    paired = paired.merge(pause, on=["g", "k"], how="left")
    paired["paused_seconds"] = paired["paused_seconds"].fillna(0.0)
    paired[start_col] = paired.pop("_start")
    # typed NaT (not a bare pd.NaT): a tz-naive column would turn the concat into
    # objects, which cost seconds on a million events
    lone = events.loc[unmatched].assign(paused_seconds=0.0)
    lone[start_col] = pd.Series(pd.NaT, index=lone.index, dtype=paired[start_col].dtype)
    n_matched = int(matched.sum())
    tally = {"paired start+complete": n_matched, "unmatched complete (no start)": int(unmatched.sum()),
             "unmatched start (never completed)": int(is_start.sum()) - n_matched}
    return paired, lone, tally


def _paused_seconds(events: pd.DataFrame, keyed: pd.DataFrame, is_start: np.ndarray,
                    ts: str) -> pd.DataFrame:
    trans = events["_t"].to_numpy()
    mask = (trans == SUSPEND) | (trans == RESUME)
    if not mask.any():
        return pd.DataFrame({"g": pd.Series(dtype=np.int64), "k": pd.Series(dtype=np.int64),
                             "paused_seconds": pd.Series(dtype=float)})
    seconds = epoch_seconds(events[ts])
    sign = np.where(trans == RESUME, 1.0, -1.0)
    part = pd.DataFrame({"g": keyed["g"].to_numpy()[mask], "k": keyed["k"].to_numpy()[mask],
                         "v": (sign * seconds)[mask], "s": sign[mask]})
    agg = part.groupby(["g", "k"]).agg(paused_seconds=("v", "sum"), balance=("s", "sum"))
    agg = agg[agg["balance"] == 0].reset_index()[["g", "k", "paused_seconds"]]
    return agg


def _group_cumsum(values: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at each new group (groups are contiguous)."""
    total = np.cumsum(values)
    first = np.r_[True, group[1:] != group[:-1]]
    first_idx = np.maximum.accumulate(np.where(first, np.arange(len(values)), 0))
    return total - (total - values)[first_idx]


def _group_prev_cummin(cum: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Per group, min(0, cum[first..i-1])."""
    series = pd.Series(cum)
    prev = series.groupby(group).shift(1).fillna(0)
    return np.minimum(prev.groupby(group).cummin().to_numpy(), 0)
