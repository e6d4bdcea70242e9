"""rpa_scout against the ground truth of the shipped synthetic logs (eventlogs/*.truth.json).

What must hold (issues 5 and 6): manual vs automated right for at least 95 % of the
activities; estimated handling times within the stated tolerance; the truly automatable
steps take the top ranks (Spearman ≥ 0.9 against the true hours saved); the top
candidates' hours within ±15 % of the truth, and where handling is estimated from
completions only, the truth inside the 80 % interval as well.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from scipy.stats import spearmanr

from rpa_scout import estimate_handling_time, rank_candidates, read_log
from rpa_scout.handling import ESTIMATOR_RELATIVE_ERROR
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
        assert abs(row.hours_per_year / true - 1) <= 0.15, (name, row.candidate, row.hours_per_year, true)
        if row.handling_source != "measured":  # estimated: the stated interval holds the truth
            assert row.hours_low <= true <= row.hours_high, (name, row.candidate, row.hours_low,
                                                             row.hours_high, true)


def test_estimated_handling_within_stated_tolerance():
    """Starts hidden: each manual activity's mean estimate within the stated relative error
    (the median error measured by benchmarks/handling_time.py) for most activities, and
    never off by more than twice it."""
    log, _ = read_log(SAMPLES / COMPLETE_ONLY)
    truth = _truth(COMPLETE_ONLY)["activities"]
    acts = estimate_handling_time(log).activities.set_index("activity")
    errors = []
    for activity, facts in truth.items():
        if not facts["manual"]:
            continue
        assert acts.loc[activity, "source"] == "estimated", activity
        errors.append(abs(acts.loc[activity, "mean_min"] / facts["recorded_mean_handling_minutes"] - 1))
    errors = pd.Series(errors)
    assert errors.median() <= ESTIMATOR_RELATIVE_ERROR, errors.tolist()
    assert errors.max() <= 2 * ESTIMATOR_RELATIVE_ERROR, errors.tolist()


def test_annual_volume_from_case_starts(ranked):
    """Cases arrive over one year and their work runs on: volumes are a year's cases."""
    name, _, ranking, truth = ranked
    for row in _activities(ranking).itertuples():
        expected = truth[row.candidate]["annual_volume"]
        assert row.annual_executions == pytest.approx(expected, rel=0.03), (name, row.candidate)
