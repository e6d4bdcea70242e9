import numpy as np
import pandas as pd

from rpa_scout.columns import XES
from rpa_scout.criteria import _CaseFeatures


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
    rows = plan.rows(inst, np.array([0, 1]))
    whole = pd.concat([pd.get_dummies(inst["case:channel"].astype("string").fillna("?"), prefix="case:channel",
                                      dtype=float),
                       inst["case:amount"].fillna(-1.0),
                       pd.get_dummies(inst["case:ids"], prefix="case:ids", dtype=float)], axis=1)
    pd.testing.assert_frame_equal(rows, whole.iloc[[0, 1]].reset_index(drop=True))
    assert "case:channel_posti" in rows.columns and rows["case:amount"].tolist() == [10.0, -1.0]
