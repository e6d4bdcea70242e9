"""Integer codes, their sort-based distinct values and per-group running sums."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpa_scout.codes import group_cumsum, group_firsts


@pytest.mark.parametrize("seed", range(4))
def test_unique_ints_is_numpy_unique(seed):
    import numpy as np

    from rpa_scout.codes import unique_ints

    x = np.random.default_rng(seed).integers(-5, 40, 300)
    assert unique_ints(x).tolist() == np.unique(x).tolist()
    for flag in ("return_index", "return_counts"):
        got, want = unique_ints(x, **{flag: True}), np.unique(x, **{flag: True})
        assert [a.tolist() for a in got] == [a.tolist() for a in want]
    assert unique_ints(x[:0]).tolist() == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-5, 5)), max_size=40))
def test_group_cumsum_restarts_at_each_run(rows):
    """Each run of equal group values sums from zero, as np.cumsum of that run alone."""
    groups = np.array([g for g, _ in rows], dtype=np.int64)
    values = np.array([v for _, v in rows], dtype=np.int64)
    expected, start = [], 0
    for end in range(1, len(rows) + 1):
        if end == len(rows) or groups[end] != groups[end - 1]:
            expected.extend(np.cumsum(values[start:end]).tolist())
            start = end
    assert group_cumsum(values, group_firsts(groups)).tolist() == expected
