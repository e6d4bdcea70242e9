"""The bootstrap's Poisson(1) weights (rpa_scout.value)."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from rpa_scout.value import _POISSON_ONE, bootstrap_totals, poisson_one


def test_thresholds_are_the_distribution_function_times_two_to_the_32() -> None:
    exact = [math.floor(sum(Fraction(1, math.factorial(i)) for i in range(k + 1)) * Fraction(2**32)
                        * Fraction(math.exp(-1.0))) for k in range(len(_POISSON_ONE) - 1)]
    assert _POISSON_ONE[:-1].tolist() == exact
    assert _POISSON_ONE[-1] == 2**32 - 1 and bool(np.all(np.diff(_POISSON_ONE.astype(np.int64)) > 0))


def test_draws_follow_poisson_one() -> None:
    n = 2_000_000
    draws = poisson_one(np.random.default_rng(7), (4, n // 4))
    assert draws.dtype == np.float32
    for k in range(7):
        p = math.exp(-1.0) / math.factorial(k)
        assert abs(np.mean(draws == k) - p) < 5 * math.sqrt(p * (1 - p) / n), k
    assert abs(draws.mean() - 1.0) < 0.005 and abs(draws.var() - 1.0) < 0.01


def test_same_seed_same_rounds_and_chunks_do_not_matter_for_the_first() -> None:
    values = np.random.default_rng(1).random((500, 3)).astype(np.float32)
    a = bootstrap_totals(values, rounds=120, seed=3)
    assert (a == bootstrap_totals(values, rounds=120, seed=3)).all()
    assert not (a == bootstrap_totals(values, rounds=120, seed=4)).all()
    assert (bootstrap_totals(values, rounds=50, seed=3) == a[:50]).all()


def test_a_total_sums_its_candidates_method_ranges():
    from rpa_scout.value import total_interval

    rounds = np.tile([10.0, 20.0], (50, 1))   # no sampling spread: only the method's range
    # the first candidate may be anything from 0 to twice its 10 h; the second is measured
    total, low, high = total_interval(rounds, np.array([10.0, 20.0]), np.array([np.inf, 0.0]),
                                      np.array([math.log(2.0), 0.0]))
    assert (total, low, high) == pytest.approx((30.0, 20.0, 40.0))


def test_a_total_of_ranges_that_all_reach_zero_reaches_zero(recwarn):
    from rpa_scout.value import total_interval

    rounds = np.tile([10.0, 20.0], (50, 1))
    total, low, high = total_interval(rounds, np.array([10.0, 20.0]), np.full(2, np.inf), np.zeros(2))
    assert (total, low, high) == (30.0, 0.0, 30.0)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_rounds_are_the_same_however_few_are_drawn_at_once(monkeypatch) -> None:
    """A log of many cases draws fewer rounds at a time (memory); the rounds are those
    of fifty at a time, to the last bit (for whole numbers, as rank passes them)."""
    import rpa_scout.value as value

    rng = np.random.default_rng(2)
    values = np.round(rng.exponential(3e5, (5_000, 4)) * (rng.random((5_000, 4)) < 0.4))
    whole = bootstrap_totals(values, rounds=60, seed=7)
    for weights in (10_000, 17_000, 1):  # 2 rounds, 3 rounds, and the floor of 2
        monkeypatch.setattr(value, "WEIGHTS_AT_ONCE", weights)
        assert np.array_equal(bootstrap_totals(values, rounds=60, seed=7), whole)


def _cells(values: np.ndarray):
    from rpa_scout.value import CaseCells

    column, case = np.nonzero(values.T)   # by column, then case
    return CaseCells(case, column, values[case, column], values.shape)


@pytest.mark.parametrize("shape", [(5_000, 4), (3_000, 1), (40, 300)])
def test_rounds_from_the_cells_alone_are_those_of_the_whole_matrix(monkeypatch, shape) -> None:
    """rank bootstraps a cases × candidates matrix by its nonzero cells (a log of
    thousands of steps would not fit whole): the rounds, the column sums and the units
    are those of the whole matrix, to the last bit, however many products are weighed
    at once."""
    import rpa_scout.value as value
    from rpa_scout.value import exact_units

    rng = np.random.default_rng(5)
    values = np.round(rng.exponential(3e5, shape) * (rng.random(shape) < 0.3))
    cells = _cells(values)
    whole = bootstrap_totals(values, rounds=60, seed=7)
    assert np.array_equal(bootstrap_totals(cells, rounds=60, seed=7), whole)   # small: weighed whole
    monkeypatch.setattr(value, "DENSE_AT_MOST", 0)                              # weighed by its cells
    assert np.array_equal(bootstrap_totals(cells, rounds=60, seed=7), whole)
    assert np.array_equal(cells.column_sums(), values.sum(axis=0))
    seconds = rng.lognormal(3, 2, shape) * (rng.random(shape) < 0.3)
    assert np.array_equal(_cells(seconds).column_sums(), seconds.sum(axis=0))  # floats: added in the same order
    assert exact_units(_cells(seconds)) == exact_units(seconds)
    for weights in (10_000, 1):  # slices of cells cutting columns; two rounds of one cell
        monkeypatch.setattr(value, "WEIGHTS_AT_ONCE", weights)
        assert np.array_equal(bootstrap_totals(cells, rounds=60, seed=7), bootstrap_totals(values, rounds=60, seed=7))



def test_one_case_dated_months_early_does_not_divide_the_year():
    """One case of 3,000 moved back 330 days stretched the period from 12 to 23 months
    and halved every yearly figure, without a word (QA)."""
    from rpa_scout import rank_candidates, read_log

    log, _ = read_log("eventlogs/ostolaskut.csv.gz")
    base = rank_candidates(log)
    first = log["case:concept:name"] == log["case:concept:name"].iloc[0]
    shifted = log.copy()
    shifted.loc[first, "time:timestamp"] -= pd.Timedelta(days=330)
    found = rank_candidates(shifted)
    ratio = (found.candidates.set_index("candidate")["hours_per_year"]
             / base.candidates.set_index("candidate")["hours_per_year"])
    assert ratio.between(0.99, 1.01).all()
    assert found.notes[1].startswith("cases that start far outside the other cases' period: 1;")
    assert not any("far outside" in note for note in base.notes)
