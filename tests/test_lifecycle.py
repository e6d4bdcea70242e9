"""Lifecycle pairing against a brute-force first-in-first-out matcher, on random logs,
and by activity instance ids."""

from collections import defaultdict

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from rpa_scout.lifecycle import (COUNT_NAMES, INSTANCE_KEEP, in_case_time_order, lifecycle_counts,
                                  pair_lifecycle)

BASE = pd.Timestamp("2025-03-03 08:00", tz="UTC")
TRANSITIONS = ("start", "complete", "suspend", "resume", "schedule", "ate_abort")

events = st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("XY"), st.integers(0, 12),
                            st.sampled_from(TRANSITIONS)), min_size=1, max_size=40)


def _log(rows: list[tuple[str, str, int, str]]) -> pd.DataFrame:
    return pd.DataFrame({
        "case:concept:name": pd.Series([r[0] for r in rows], dtype="string"),
        "concept:name": pd.Series([r[1] for r in rows], dtype="string"),
        "time:timestamp": BASE + pd.to_timedelta([r[2] for r in rows], unit="min"),
        "org:resource": pd.Series(["h1"] * len(rows), dtype="string"),
        "lifecycle:transition": pd.Series([r[3] for r in rows], dtype="string"),
    })


def _brute_force(rows: list[tuple[str, str, int, str]],
                 ids: list | None = None) -> tuple[list[tuple], dict[str, int]]:
    """Per case and activity (and instance id, with ``ids``), in (time, position) order:
    a complete takes the oldest open start, an abort (``ate_abort``) closes it without an
    instance; suspend and resume belong to the latest start while it is open, and count
    when balanced."""
    groups = defaultdict(list)
    for pos, (case, act, minute, trans) in enumerate(rows):
        groups[(case, act, None if ids is None else ids[pos])].append((minute, pos, trans))
    instances, paired, lone, starts, aborted = [], 0, 0, 0, 0
    for (case, act, _), evs in groups.items():
        open_starts: list[int] = []                      # start numbers, oldest first
        started_at: dict[int, int] = {}
        marks: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for minute, _, trans in sorted(evs):
            if trans == "start":
                starts += 1
                started_at[len(started_at) + 1] = minute
                open_starts.append(len(started_at))
            elif trans in ("suspend", "resume") and len(started_at) in open_starts:
                marks[len(started_at)].append((trans, minute))
            elif trans == "complete" and open_starts:
                taken = open_starts.pop(0)
                sign = [1 if t == "resume" else -1 for t, _ in marks[taken]]
                paused = 60.0 * sum(s * m for s, (_, m) in zip(sign, marks[taken])) if sum(sign) == 0 else 0.0
                instances.append((case, act, minute, started_at[taken], paused))
                paired += 1
            elif trans == "complete":
                instances.append((case, act, minute, None, 0.0))
                lone += 1
            elif trans == "ate_abort" and open_starts:
                open_starts.pop(0)
                aborted += 1
    counts = {COUNT_NAMES["instances"]: paired + lone, COUNT_NAMES["paired"]: paired,
              COUNT_NAMES["unmatched_complete"]: lone, COUNT_NAMES["unmatched_start"]: starts - paired - aborted,
              COUNT_NAMES["non_work"]: sum(r[3] in ("schedule", "ate_abort") for r in rows)}
    if aborted:
        counts[COUNT_NAMES["aborted"]] = aborted
    return sorted(instances, key=repr), counts


def _found(log: pd.DataFrame) -> list[tuple]:
    inst = pair_lifecycle(log).instances
    minutes = ((inst["time:timestamp"] - BASE) / pd.Timedelta(minutes=1)).astype(int)
    started = (inst["start_timestamp"] - BASE) / pd.Timedelta(minutes=1)
    return sorted(((c, a, int(m), None if pd.isna(s) else int(s), float(p))
                   for c, a, m, s, p in zip(inst["case:concept:name"], inst["concept:name"], minutes,
                                            started, inst["paused_seconds"])), key=repr)


@settings(max_examples=300, deadline=None)
@given(events, st.randoms(use_true_random=False))
def test_pairing_matches_first_in_first_out(rows, random):
    """In case and time order (as read_log returns a log) and shuffled (sorted inside)."""
    shuffled = list(rows)
    random.shuffle(shuffled)
    for order in (sorted(rows, key=lambda r: (r[0], r[2])), shuffled):
        log = _log(order)
        expected, counts = _brute_force(order)
        assert _found(log) == expected
        assert lifecycle_counts(log) == counts
        assert pair_lifecycle(log).counts == counts


def test_an_aborted_start_is_taken_by_no_later_complete():
    """BPIC 2017's work items: start, ate_abort, then the step done again. The second
    complete is the step's 5 minutes, not the four hours since the aborted start."""
    log = _log([("c", "W", 0, "start"), ("c", "W", 10, "ate_abort"), ("c", "W", 240, "start"),
                ("c", "W", 245, "complete"), ("c", "W", 300, "ate_abort")])
    paired = pair_lifecycle(log)
    assert _found(log) == [("c", "W", 245, 240, 0.0)]
    assert paired.counts[COUNT_NAMES["aborted"]] == 1 and paired.counts[COUNT_NAMES["unmatched_start"]] == 0
    assert str(COUNT_NAMES["aborted"]) == "start ended by an abort (ate_abort; no instance)"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "B", "ä", "a1", "10", "9"]), st.integers(0, 3)),
                min_size=2, max_size=12), st.randoms(use_true_random=False))
def test_case_time_order_of_categorical_cases_is_that_of_their_text(rows, random):
    """A categorical case column is in order exactly when its text is, whatever order its
    categories are in (a Parquet dictionary keeps first appearance)."""
    log = pd.DataFrame({"case:concept:name": pd.Series([r[0] for r in rows], dtype="string"),
                        "time:timestamp": BASE + pd.to_timedelta([r[1] for r in rows], unit="min")})
    expected = all((c1, t1) <= (c2, t2) for (c1, t1), (c2, t2) in zip(rows, rows[1:]))
    assert in_case_time_order(log) == expected
    categories = sorted({r[0] for r in rows} | {"zz"})  # one category no row uses
    shuffled = random.sample(categories, len(categories))
    for order in (categories, shuffled):  # sorted, as read_log makes them, and in any order
        coded = log.assign(**{"case:concept:name": pd.Categorical([r[0] for r in rows], categories=order)})
        assert in_case_time_order(coded) == expected


def test_case_time_order_needs_text_categories():
    numbers = pd.DataFrame({"case:concept:name": pd.Categorical([10, 9]),
                            "time:timestamp": [BASE, BASE]})
    assert not in_case_time_order(numbers)  # unknown: sort to be sure


# --- activity instance ids ---------------------------------------------------------

def _with_ids(rows: list[tuple[str, str, int, str]], ids: list) -> pd.DataFrame:
    return _log(rows).assign(**{"concept:instance": pd.Series(ids, dtype="string")})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ab"), st.sampled_from("XY"), st.integers(0, 12),
                          st.sampled_from(TRANSITIONS), st.sampled_from(["1", "2", "3", None])),
                min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_pairing_by_instance_ids_matches_brute_force(rows, random):
    """Pairs per (case, activity, id) when that keeps INSTANCE_KEEP of first in, first
    out's pairs (a missing id is one id of its own), else first in, first out; in case and
    time order and shuffled."""
    shuffled = list(rows)
    random.shuffle(shuffled)
    for order in (sorted(rows, key=lambda r: (r[0], r[2])), shuffled):
        plain, ids = [r[:4] for r in order], [r[4] for r in order]
        fifo, fifo_counts = _brute_force(plain)
        by_id, id_counts = _brute_force(plain, ids)
        most, kept = fifo_counts[COUNT_NAMES["paired"]], id_counts[COUNT_NAMES["paired"]]
        use = any(r[3] == "start" and r[4] is not None for r in order) and kept >= INSTANCE_KEEP * most
        expected, counts = (by_id, id_counts) if use else (fifo, fifo_counts)
        counts = dict(counts)
        if use:
            counts[COUNT_NAMES["by_instance"]] = kept
        elif most > kept and any(r[3] == "start" and r[4] is not None for r in order):
            counts[COUNT_NAMES["instance_unused"]] = most - kept
        log = _with_ids(plain, ids)
        assert _found(log) == expected
        assert lifecycle_counts(log) == counts
        assert pair_lifecycle(log).counts == counts


def test_two_open_executions_keep_their_own_starts():
    """Check opened by two people at once in one case; the later finishes first. First in,
    first out gives the first start to the first finish (5 and 60 minutes become 10 and
    55); the ids pair each with its own."""
    rows = [("c", "Check", 0, "start"), ("c", "Check", 5, "start"),
            ("c", "Check", 10, "complete"), ("c", "Check", 60, "complete")]
    log = _with_ids(rows, ["1", "2", "2", "1"])
    assert sorted(_found(log)) == [("c", "Check", 10, 5, 0.0), ("c", "Check", 60, 0, 0.0)]
    assert lifecycle_counts(log)[COUNT_NAMES["by_instance"]] == 2
    assert sorted(_found(_log(rows))) == [("c", "Check", 10, 0, 0.0), ("c", "Check", 60, 5, 0.0)]


def test_ids_that_tie_no_start_to_its_complete_are_not_used():
    """An id per event (a row number exported as the instance): pairing by it pairs
    nothing, so the log pairs first in, first out and the report counts what it lost."""
    rows = [("c", "Check", 0, "start"), ("c", "Check", 10, "complete"),
            ("c", "Sign", 12, "start"), ("c", "Sign", 20, "complete")]
    log = _with_ids(rows, ["e1", "e2", "e3", "e4"])
    assert sorted(_found(log)) == [("c", "Check", 10, 0, 0.0), ("c", "Sign", 20, 12, 0.0)]
    counts = lifecycle_counts(log)
    assert counts[COUNT_NAMES["instance_unused"]] == 2 and COUNT_NAMES["by_instance"] not in counts


def test_instance_ids_on_completes_only_change_nothing():
    """The receipt log's shape: an id on every event, no starts."""
    rows = [("c", "Check", 0, "complete"), ("c", "Sign", 5, "complete")]
    log = _with_ids(rows, ["task-1", "task-2"])
    assert lifecycle_counts(log) == lifecycle_counts(_log(rows))


def test_a_start_column_that_repeats_the_timestamp_is_no_start(write):
    """pm4py.discover_dfg adds `start_timestamp` = `time:timestamp` to the DataFrame it is
    given; read as starts, every step took no time, was called automated and nothing was
    ranked (QA). Such a column is ignored, and the ranking and load report say so."""
    import rpa_scout as rs
    from rpa_scout.lifecycle import start_times

    log = rs.generate_log("ostolaskut", 150, seed=3, complete_only=True).log
    expected = rs.rank_candidates(log)
    copied = log.assign(start_timestamp=log["time:timestamp"])
    assert start_times(copied) is None
    found = rs.rank_candidates(copied)
    pd.testing.assert_frame_equal(found.candidates, expected.candidates)
    assert found.notes[-1].startswith("the start column 'start_timestamp' holds each row's own timestamp")
    assert pair_lifecycle(copied).counts == pair_lifecycle(log).counts
    # one real start among the copies: the column says something, and is used
    moved = copied["start_timestamp"].copy()
    moved.iloc[5] -= pd.Timedelta("3min")
    assert start_times(copied.assign(start_timestamp=moved)) is not None
    # a CSV export whose start column repeats its end column
    frame = log.rename(columns={"case:concept:name": "case_id", "concept:name": "activity",
                                "time:timestamp": "end", "org:resource": "resource"})
    frame["start"] = frame["end"]
    path = write("copy.csv", frame.to_csv(index=False))
    read, report = rs.read_log(path)
    assert any(n.startswith("the start column 'start_timestamp' holds") for n in report.notes)
    assert rs.rank_candidates(read).candidates["candidate"].tolist() == expected.candidates["candidate"].tolist()
