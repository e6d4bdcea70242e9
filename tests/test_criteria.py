import numpy as np
import pandas as pd

import pytest
from rpa_scout.columns import XES
from rpa_scout.criteria import _CaseFeatures, _Context, _previous


def test_features_of_sampled_rows_keep_every_level_of_the_log():
    """The trees see the sampled rows with the columns a one-hot of the whole log has:
    a level absent from the sample is still a (zero) column, a missing value is '?'."""
    inst = pd.DataFrame({
        "case:concept:name": ["a", "b", "c", "d"],
        "case:channel": pd.Series(["paperi", "verkko", None, "posti"], dtype="category"),
        "case:amount": [10.0, None, 30.0, 40.0],
        "case:ids": [f"x{i}" for i in range(4)],   # text with few rows: one-hot too (≤ 20 levels)
        "concept:name": ["A"] * 4,
    })
    plan = _CaseFeatures.of(inst, XES)
    sampled = np.array([0, 1, 3])           # the rows any tree samples, looked up once
    rows = plan.rows(plan.values(inst, sampled), np.array([0, 1]))
    whole = pd.concat([pd.get_dummies(inst["case:channel"].astype("string").fillna("?"), prefix="case:channel",
                                      dtype=float),
                       inst["case:amount"].fillna(-1.0),
                       pd.get_dummies(inst["case:ids"], prefix="case:ids", dtype=float)], axis=1)
    np.testing.assert_array_equal(rows, whole.iloc[[0, 1]].to_numpy(dtype=float))
    assert list(whole.columns[:4]) == ["case:channel_?", "case:channel_paperi", "case:channel_posti",
                                       "case:channel_verkko"]
    assert rows[:, 4].tolist() == [10.0, -1.0]
    last = plan.rows(plan.values(inst, sampled), np.array([2]))   # a position in the sample, not a row of the log
    np.testing.assert_array_equal(last, whole.iloc[[3]].to_numpy(dtype=float))


def test_predecessors_one_hot_as_pandas_writes_them():
    """One column per predecessor in the sample, in name order, as ``get_dummies`` makes them."""
    names = np.array(["Ö-vaihe", "b", "A", "a", "Z", "▶"], dtype=object)
    prev = np.array([3, 0, 5, 1, 3, 2, 4, 0, 5])
    ctx = _Context(names, prev, prev, prev, prev, np.zeros(len(prev), dtype=bool))
    idx = np.array([0, 1, 3, 4, 5, 6, 8])
    expected = pd.get_dummies(pd.Series(names[prev[idx]]).astype(str), prefix="prev", dtype=float)
    np.testing.assert_array_equal(_previous(ctx, idx), expected.to_numpy())


def test_a_standard_time_keeps_how_much_the_step_varies():
    """A time study for three judgement steps made their handling constant, so their
    variability scored 1 and they became the top recommendations (QA). The minutes are
    the study's; how much the step varies is still what the log shows."""
    from rpa_scout import Settings, rank_candidates, read_log

    log, _ = read_log("eventlogs/ostolaskut.csv.gz")
    judgement = {"Asiatarkastus": 5.3, "Hyväksyntä": 3.0, "Toinen hyväksyntä": 4.7}
    cols = ["candidate", "variability", "handling_cv_raw", "stability"]
    plain = rank_candidates(log).candidates.set_index("candidate")
    timed = rank_candidates(log, settings=Settings.of(standard_times=judgement)).candidates.set_index("candidate")
    for step, minutes in judgement.items():
        assert timed.loc[step, "handling_source"] == "supplied" and timed.loc[step, "handling_min"] == minutes
        for col in cols[1:]:
            assert timed.loc[step, col] == pytest.approx(plain.loc[step, col], rel=1e-9), (step, col)
        assert timed.loc[step, "knock_out"] == "variability" and not timed.loc[step, "recommended"]


def test_case_attributes_without_the_case_prefix_count():
    """Finnish and Swedish exports carry no `case:` prefix: their case data was ignored by
    the rule-basedness trees, and the same invoices ranked differently (QA)."""
    from rpa_scout import rank_candidates, read_log

    log, _ = read_log("eventlogs/ostolaskut.csv.gz")
    bare = log.rename(columns={c: c.removeprefix("case:") for c in log.columns
                               if c.startswith("case:") and c != "case:concept:name"})
    cols = ["candidate", "hours_per_year", "automatable_share", "rule_accuracy_raw"]
    pd.testing.assert_frame_equal(rank_candidates(bare).candidates[cols], rank_candidates(log).candidates[cols])
