"""Integer codes and their sort-based distinct values."""

import pytest


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
