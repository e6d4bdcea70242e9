"""Lifecycle pairing against a brute-force first-in-first-out matcher, on random logs."""

from collections import defaultdict

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from rpa_scout.lifecycle import COUNT_NAMES, in_case_time_order, lifecycle_counts, pair_lifecycle

BASE = pd.Timestamp("2025-03-03 08:00", tz="UTC")
TRANSITIONS = ("start", "complete", "suspend", "resume", "schedule")

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


def _brute_force(rows: list[tuple[str, str, int, str]]) -> tuple[list[tuple], dict[str, int]]:
    """Per case and activity, in (time, position) order: a complete takes the oldest open
    start; suspend and resume belong to the latest start while it is open, and count
    when balanced."""
    groups = defaultdict(list)
    for pos, (case, act, minute, trans) in enumerate(rows):
        groups[(case, act)].append((minute, pos, trans))
    instances, paired, lone, starts = [], 0, 0, 0
    for (case, act), evs in groups.items():
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
    counts = {COUNT_NAMES["instances"]: paired + lone, COUNT_NAMES["paired"]: paired,
              COUNT_NAMES["unmatched_complete"]: lone, COUNT_NAMES["unmatched_start"]: starts - paired,
              COUNT_NAMES["non_work"]: sum(r[3] == "schedule" for r in rows)}
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
