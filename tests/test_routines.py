"""routines.find_routines: back-to-back person work of one account, on instance tables
built by hand (every link known) and on a shipped sample, counted here independently."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from rpa_scout import estimate_handling_time, read_log
from rpa_scout.routines import find_routines
from tests.conftest import SAMPLES

ROUTINE_COLUMNS = ["routine", "steps", "activities", "occurrences", "cases", "handling_mean_s"]
OCCURRENCE_COLUMNS = ["routine", "case_index", "handling_s", "row"]


def _instances(cases: list[list[tuple]]) -> pd.DataFrame:
    """One row per instance, sorted by case and time. Each step is (activity, resource,
    handling seconds[, performer[, account]]); performer defaults to person."""
    rows = []
    for c, steps in enumerate(cases):
        for k, step in enumerate(steps):
            activity, resource, seconds, *rest = step
            rows.append({"case:concept:name": f"c{c:02d}", "concept:name": activity, "org:resource": resource,
                         "time:timestamp": pd.Timestamp("2024-03-04 08:00", tz="UTC") + pd.Timedelta(
                             days=c, minutes=10 * k),
                         "performer": rest[0] if rest else "person",
                         "account": rest[1] if len(rest) > 1 else "person",
                         "handling_s": float(seconds)})
    return pd.DataFrame(rows)


ABC = [("A", "Aino", 60), ("B", "Aino", 120), ("C", "Aino", 30)]


def test_a_chain_in_every_case_is_one_routine_the_shorter_ones_it_covers_dropped():
    routines, occurrences = find_routines(_instances([ABC] * 12))
    assert routines.to_dict("records") == [
        {"routine": "A → B → C", "steps": 3, "activities": ("A", "B", "C"), "occurrences": 12, "cases": 12,
         "handling_mean_s": 210.0}]
    assert list(occurrences.columns) == OCCURRENCE_COLUMNS
    assert occurrences["routine"].tolist() == ["A → B → C"] * 12
    assert occurrences["case_index"].tolist() == list(range(12))
    assert occurrences["handling_s"].tolist() == [210.0] * 12


def test_min_cases_default_is_2_percent_of_cases_at_least_10():
    routines, occurrences = find_routines(_instances([ABC] * 9))  # seen in 9 cases < 10
    assert list(routines.columns) == ROUTINE_COLUMNS and routines.empty
    assert list(occurrences.columns) == OCCURRENCE_COLUMNS and occurrences.empty
    assert find_routines(_instances([ABC] * 9), min_cases=9)[0]["routine"].tolist() == ["A → B → C"]
    # 600 cases: 2 % is 12, so a chain in 11 of them is not a routine, in 12 it is
    other = [[("X", "Bo", 5)]]
    assert find_routines(_instances([ABC] * 11 + other * 589))[0].empty
    assert find_routines(_instances([ABC] * 12 + other * 588))[0]["cases"].tolist() == [12]


def test_a_longer_routine_covering_under_90_percent_keeps_the_shorter_one():
    ab = [("A", "Aino", 60), ("B", "Aino", 120), ("D", "Bo", 10)]
    routines, occurrences = find_routines(_instances([ABC] * 12 + [ab] * 8))
    # A → B: 20 occurrences; A → B → C 12 (< 90 % of 20); B → C 12, covered by A → B → C
    assert routines[["routine", "occurrences", "cases"]].values.tolist() == [
        ["A → B", 20, 20], ["A → B → C", 12, 12]]
    assert Counter(occurrences["routine"]) == {"A → B": 20, "A → B → C": 12}


@pytest.mark.parametrize("broken,why", [
    (("B", "Bo", 120), "another account"),
    (("B", "Aino", 120, "system"), "system work"),
    (("B", "Aino", 120, "unknown"), "no evidence of person work"),
    (("B", "STAFF MEMBER", 120, "person", "shared"), "a shared account is many people"),
    (("B", "Aino", math.nan), "no handling time"),
    (("B", None, 120), "no resource"),
])
def test_links_only_between_timed_person_work_of_one_account(broken, why):
    cases = [[ABC[0], broken, ABC[2]]] * 12
    routines, _ = find_routines(_instances(cases), min_cases=1)
    assert routines.empty, why


def test_the_same_step_repeated_is_rework_not_a_routine():
    cases = [[("A", "Aino", 60), ("A", "Aino", 60), ("A", "Aino", 60), ("B", "Aino", 30)]] * 12
    routines, _ = find_routines(_instances(cases))
    # A → A and A → A → A are not routines; every longer chain that ends in B is
    assert routines["routine"].tolist() == ["A → A → A → B"]


def test_max_steps():
    routines, _ = find_routines(_instances([ABC] * 12), max_steps=2)
    assert routines[["routine", "occurrences"]].values.tolist() == [["A → B", 12], ["B → C", 12]]
    five = [[(name, "Aino", 10) for name in "ABCDEFG"]] * 12
    assert find_routines(_instances(five))[0]["routine"].tolist() == [
        "A → B → C → D → E", "B → C → D → E → F", "C → D → E → F → G"]
    assert find_routines(_instances(five), max_steps=9)[0]["steps"].tolist() == [5, 5, 5]


def test_ties_sorted_by_name_and_links_never_cross_cases():
    cases = [[("P", "Aino", 10), ("Q", "Aino", 20)], [("M", "Aino", 10), ("N", "Aino", 20)]] * 10
    routines, occurrences = find_routines(_instances(cases))
    assert routines["routine"].tolist() == ["M → N", "P → Q"]   # never "Q → M" across cases
    assert occurrences.groupby("routine")["case_index"].apply(list).to_dict() == {
        "M → N": list(range(1, 20, 2)), "P → Q": list(range(0, 20, 2))}


def test_nothing_to_find():
    one = _instances([[("A", "Aino", 60)]])
    assert find_routines(one)[0].empty
    assert find_routines(_instances([ABC] * 12).drop(columns="org:resource"))[0].empty


def test_sample_routines_against_a_count_done_here():
    """On a shipped sample: every routine's occurrences, cases and mean handling equal a
    plain loop over the instance table."""
    log, _ = read_log(SAMPLES / "ostolaskut.csv.gz")
    inst = estimate_handling_time(log).instances
    routines, occurrences = find_routines(inst)
    assert len(routines) >= 2
    rows = list(inst[["case:concept:name", "concept:name", "org:resource", "performer", "account",
                      "handling_s"]].itertuples(index=False, name=None))

    def linked(a, b) -> bool:
        return (a[0] == b[0] and a[2] == b[2] and pd.notna(a[2])
                and all(r[3] == "person" and r[4] != "shared" and np.isfinite(r[5]) for r in (a, b)))

    for routine in routines.itertuples(index=False):
        n = routine.steps
        found = [(rows[i][0], sum(r[5] for r in rows[i:i + n])) for i in range(len(rows) - n + 1)
                 if tuple(r[1] for r in rows[i:i + n]) == routine.activities
                 and all(linked(rows[i + j], rows[i + j + 1]) for j in range(n - 1))]
        assert routine.occurrences == len(found), routine.routine
        assert routine.cases == len({case for case, _ in found}), routine.routine
        assert routine.handling_mean_s == pytest.approx(np.mean([h for _, h in found]), rel=1e-9)
        assert (occurrences["routine"] == routine.routine).sum() == len(found)
    assert routines["occurrences"].tolist() == sorted(routines["occurrences"], reverse=True)
