"""rpa_scout against the ground truth of the shipped synthetic logs (eventlogs/*.truth.json).

A sanity check, not evidence: the project generated this truth itself. The evidence is
the real-log validation (``tests/test_real_validation.py``). What must hold here:
manual vs automated right for at least 95 % of the activities; the truly automatable
steps take the top ranks (Spearman ≥ 0.9 against the true hours saved); the top
candidates' hours within ±15 % of the truth where handling is measured; where it is
estimated from completions only, the truth inside the stated 80 % intervals (the
estimator is calibrated on real logs, whose people idle between items; the synthetic
staff work back to back, so the point estimate runs low here, by design of the test).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from scipy.stats import spearmanr

from rpa_scout import estimate_handling_time, rank_candidates, read_log
from tests.conftest import SAMPLES

FULL = ("ostolaskut.csv.gz", "rakennuslupa.xes.gz", "varhaiskasvatus.csv.gz")
COMPLETE_ONLY = "ostolaskut_complete_only.csv.gz"
TOP = 3


def _truth(name: str) -> dict:
    stem = name.split(".")[0]
    return json.loads((SAMPLES / f"{stem}.truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=FULL + (COMPLETE_ONLY,))
def ranked(request):
    log, _ = read_log(SAMPLES / request.param)
    return request.param, log, rank_candidates(log), _truth(request.param)["activities"]


def _activities(ranking) -> pd.DataFrame:
    table = ranking.candidates
    return table[table["kind"] == "activity"].reset_index(drop=True)


def test_manual_vs_automated_right_for_95_percent(ranked):
    _, _, ranking, truth = ranked
    verdict = ranking.handling.activities.set_index("activity")["verdict"]
    right = [(verdict[name] in ("manual", "mixed")) == facts["manual"]
             for name, facts in truth.items() if facts["executions"]]
    assert sum(right) / len(right) >= 0.95, verdict.to_dict()


def test_truly_automatable_steps_rank_first(ranked):
    name, _, ranking, truth = ranked
    table = _activities(ranking)
    true_hours = table["candidate"].map(lambda a: truth[a]["annual_hours_saved"])
    # Ranking order (recommended first, by hours) against the true hours saved.
    rho = spearmanr(-pd.Series(range(len(table))), true_hours).correlation
    assert rho >= 0.9, (name, rho, table[["candidate", "hours_per_year", "recommended"]])
    judgement = [a for a, f in truth.items() if f["manual"] and not f["rule_based"]]
    recommended = set(table.loc[table["recommended"], "candidate"])
    assert not recommended & set(judgement), name
    assert {a for a, f in truth.items() if f["rule_based"]} <= recommended, name


def test_top_candidates_hours_against_truth(ranked):
    name, _, ranking, truth = ranked
    table = _activities(ranking)
    top = table[table["recommended"]].head(TOP)
    assert len(top) == TOP
    for row in top.itertuples():
        true = truth[row.candidate]["annual_hours_saved"]
        if row.handling_source == "measured":
            assert abs(row.hours_per_year / true - 1) <= 0.15, (name, row.candidate, row.hours_per_year, true)
        else:  # estimated: the stated interval holds the truth
            assert row.hours_low <= true <= row.hours_high, (name, row.candidate, row.hours_low,
                                                             row.hours_high, true)


def test_estimated_handling_truth_inside_the_stated_interval():
    """Starts hidden: every manual activity is estimated, and its true mean lies inside
    the 80 % interval for at least 80 % of them."""
    log, _ = read_log(SAMPLES / COMPLETE_ONLY)
    truth = _truth(COMPLETE_ONLY)["activities"]
    acts = estimate_handling_time(log).activities.set_index("activity")
    inside = []
    for activity, facts in truth.items():
        if not facts["manual"]:
            continue
        assert acts.loc[activity, "source"] == "estimated", activity
        true = facts["recorded_mean_handling_minutes"]
        inside.append(acts.loc[activity, "low_min"] <= true <= acts.loc[activity, "high_min"])
    assert sum(inside) / len(inside) >= 0.8, inside


def test_annual_volume_from_case_starts(ranked):
    """Cases arrive over one year and their work runs on: volumes are a year's cases."""
    name, _, ranking, truth = ranked
    for row in _activities(ranking).itertuples():
        expected = truth[row.candidate]["annual_volume"]
        assert row.annual_executions == pytest.approx(expected, rel=0.03), (name, row.candidate)


def test_error_model_reaches_beyond_the_gap_range_as_far_as_held_out_logs_needed():
    import numpy as np

    from rpa_scout.validation import error_model

    def log(name, truths):
        return pd.DataFrame({"log": name, "activity": [f"{name}{i}" for i in range(len(truths))],
                             "source": "estimated", "bound": "person", "truth_min": truths,
                             "mean_min": 10.0, "gap_low_min": 5.0, "gap_high_min": 20.0})

    inside = log("a", [10.0] * 10)
    # three of the ten below the gap range, at log(mean / truth) = 1, 2, 3; one above it
    below = 10.0 / np.exp([1.0, 2.0, 3.0])
    outside = log("b", list(below) + [30.0] + [10.0] * 6)
    model = error_model(pd.concat([inside, outside], ignore_index=True))
    # each log weighs the same: one activity of b is 5 % of the weight, so two may miss
    # below and the reach stops at the second largest; the one above (5 %) may miss too
    assert model[("*", "*")] == (1.0, 0.0)
    assert model[("estimated", "person")] == (1.0, 0.0)
    # a log weighing alone: one activity in ten may miss on each side
    model_b = error_model(outside)
    assert model_b[("*", "*")] == (2.0, 0.0)
    assert error_model(outside.iloc[:5]) == {}   # fewer than 8 activities: no model
