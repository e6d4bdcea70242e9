"""Hours saved per year with an 80 % interval, and their FTE, euro and payback value.

hours/yr = annual manual executions × handling time × automatable share.

- Annual volume: executions in the log × 12 / months covered, where the first and last
  calendar months count by the fraction of them the log covers.
- Interval: bootstrap over cases (Poisson weights, seeded), widened for estimated
  handling times by the estimator's range (the steps' own gaps, reaching as far as
  held-out real logs needed; :func:`rpa_scout.handling.summarise_handling`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

Z80_LOW, Z80_HIGH = 10.0, 90.0


def months_covered(first: pd.Timestamp, last: pd.Timestamp) -> float:
    """Calendar months between two instants, partial first and last months as fractions.

    Example:
        >>> round(months_covered(pd.Timestamp("2025-01-16"), pd.Timestamp("2025-03-01")), 3)  # 16/31 + 1
        1.516
        >>> months_covered(pd.Timestamp("2025-03-01"), pd.Timestamp("2025-01-16"))
        0.0
    """
    if pd.isna(first) or pd.isna(last) or last <= first:
        return 0.0
    first = first.tz_convert("UTC").tz_localize(None) if first.tzinfo else first
    last = last.tz_convert("UTC").tz_localize(None) if last.tzinfo else last
    months = 0.0
    cursor = first
    while cursor < last:
        month_start = cursor.to_period("M").start_time
        month_end = (cursor.to_period("M") + 1).start_time
        length = (month_end - month_start).total_seconds()
        stop = min(month_end, last)
        months += (stop - cursor).total_seconds() / length
        cursor = stop
    return months


#: Share of the cases at each end of the log that may start far from the others (old
#: cases still open in a "closed in 2025" extract, one case with a shifted date) ...
STRAGGLER_SHARE = 0.01
#: ... before the period is that of the others: when they stretch it by more than this.
#: On every real log in ``../shared/eventlogs`` the span of case starts is at most 1.05
#: times that of the middle 98 % (scaled to 100 %), so none of them is affected.
STRAGGLER_STRETCH = 1.25
#: Fewer cases than this leave the quantiles too coarse to tell stragglers.
STRAGGLER_MIN_CASES = 100


class VolumePeriod(NamedTuple):
    """What :func:`volume_period` finds: the period, its basis, and the cases dated
    outside it (started far before or after the others; counted, not spanned)."""

    first: pd.Timestamp
    last: pd.Timestamp
    basis: str
    outside: int = 0


def volume_period(case_starts: pd.Series, first_event: pd.Timestamp,
                  last_event: pd.Timestamp) -> VolumePeriod:
    """The period whose work the log holds: (first, last, basis, outside).

    A year's volume is the executions of a year's cases. Cases are dated by their first
    event: in a case-based extract ("cases opened in 2025", whose work runs on into
    2026) the log holds all the work of the cases opened between the first and last
    case start, not of the longer span of its events; in a time-window extract the
    case starts cover the window anyway. When the cases start within a week (too short
    to annualise from), the span of the events is used.

    A few cases that start far from the rest do not stretch the period: when the cases'
    span is more than :data:`STRAGGLER_STRETCH` times that of the middle 98 % (scaled to
    the whole, as if cases arrived evenly), the period is the span of the cases that
    start within an eighth of that middle span of it, and ``outside`` counts the others. One case dated 11 months early had divided
    every yearly figure of BPIC 2012 by three.

    Example:
        >>> events = pd.Timestamp("2025-01-02"), pd.Timestamp("2025-08-15")
        >>> volume_period(pd.Series(pd.to_datetime(["2025-01-02", "2025-06-30"])), *events).basis
        'span of case starts'
        >>> volume_period(pd.Series(pd.to_datetime(["2025-01-02", "2025-01-03"])), *events)[:3]
        (Timestamp('2025-01-02 00:00:00'), Timestamp('2025-08-15 00:00:00'), 'span of events')
        >>> starts = pd.Series(pd.date_range("2025-01-01", "2025-06-30", periods=500))
        >>> found = volume_period(pd.concat([starts, pd.Series([pd.Timestamp("2024-02-01")])]), *events)
        >>> found.first.date(), found.last.date(), found.outside
        (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30), 1)
    """
    first, last = case_starts.min(), case_starts.max()
    if not (pd.notna(first) and pd.notna(last) and last - first >= pd.Timedelta(days=7)):
        return VolumePeriod(first_event, last_event, "span of events")
    starts = case_starts.dropna()
    if len(starts) >= STRAGGLER_MIN_CASES:
        q = STRAGGLER_SHARE
        low, high = starts.quantile(q), starts.quantile(1 - q)
        middle = (high - low) / (1 - 2 * q)
        if last - first > STRAGGLER_STRETCH * middle:
            slack = (STRAGGLER_STRETCH - 1) / 2 * middle  # the rest may stretch it this far
            inside = starts.between(low - slack, high + slack)
            kept = starts[inside]
            return VolumePeriod(kept.min(), kept.max(), "span of case starts", int((~inside).sum()))
    return VolumePeriod(first, last, "span of case starts")


def annual_factor(log_first: pd.Timestamp, log_last: pd.Timestamp) -> float:
    """Multiply counts in the log by this to get a year's worth (12 / months covered).

    Example:
        >>> annual_factor(pd.Timestamp("2025-01-01"), pd.Timestamp("2025-07-01"))   # half a year
        2.0
    """
    months = months_covered(log_first, log_last)
    return 12.0 / months if months > 0 else float("nan")


#: Bootstrap weights drawn at once (4M: 16 MiB of random integers, 16 MiB of weights).
WEIGHTS_AT_ONCE = 1 << 22
#: Cells (cases × candidates) up to which :func:`bootstrap_totals` weighs a
#: :class:`CaseCells` as its whole matrix (32 MiB): one matrix product, 2.3× faster
#: than weighing the cells on the synthetic 1M-event log's 62,000 cases.
DENSE_AT_MOST = 1 << 22


class CaseCells(NamedTuple):
    """A (cases × candidates) matrix of per-case values held by its cells that may be
    nonzero: ``column`` ascending, ``case`` ascending within a column, no cell twice.
    ``rank`` bootstraps this form: the full matrix of 60,000 cases × 5,000 steps would
    take 2.4 GB, its cells are at most the log's instances.

    Example:
        >>> cells = CaseCells(np.array([0, 2, 1]), np.array([0, 0, 1]), np.array([1.0, 3.0, 1.0]), (3, 2))
        >>> cells.dense().tolist()
        [[1.0, 0.0], [0.0, 1.0], [3.0, 0.0]]
        >>> cells.column_sums().tolist()
        [4.0, 1.0]
    """

    case: np.ndarray
    column: np.ndarray
    value: np.ndarray
    shape: tuple[int, int]

    def dense(self) -> np.ndarray:
        """The full matrix."""
        out = np.zeros(self.shape)
        out[self.case, self.column] = self.value
        return out

    def column_sums(self) -> np.ndarray:
        """Each column's sum, added as numpy adds the full matrix's columns (``sum(axis=0)``):
        case by case in order where there are two columns or more (zeros add nothing), and
        pairwise along the one column where there is one."""
        if self.shape[1] == 1:
            return self.dense().sum(axis=0)
        return np.bincount(self.column, weights=self.value, minlength=self.shape[1])

    def with_values(self, value: np.ndarray) -> "CaseCells":
        """The same cells holding ``value``."""
        return self._replace(value=value)


def bootstrap_totals(case_values: np.ndarray | CaseCells, *, rounds: int = 200, seed: int = 0,
                     chunk: int = 50) -> np.ndarray:
    """Bootstrap the column sums of a (cases × candidates) matrix over cases.

    Uses Poisson(1) case weights (the standard large-sample bootstrap), at most
    ``chunk`` rounds at a time and at most :data:`WEIGHTS_AT_ONCE` weights (but two
    rounds), so memory stays small on logs of millions of cases (3 million cases: about
    150 MiB at a time instead of 2.5 GiB); the rounds are the same however they are
    chunked. The weights are drawn by inverting the Poisson(1) distribution function on
    32-bit random integers (:func:`poisson_one`). Values that are whole numbers (``rank``
    passes whole units, :func:`exact_units`) make every sum exact in float64, so the
    totals are the same to the last bit on any processor, whichever kernel and threads
    its BLAS sums them with, and whether the matrix comes whole or as its
    :class:`CaseCells` (which weighs only the cells it holds).

    Returns:
        A (rounds × candidates) array of resampled totals.

    Example:
        >>> hours = np.array([[1.0, 0.0], [2.0, 1.0], [3.0, 1.0]])     # 3 cases × 2 candidates
        >>> totals = bootstrap_totals(hours, rounds=2000, seed=1)
        >>> totals.shape, bool(np.allclose(totals.mean(axis=0), hours.sum(axis=0), rtol=0.1))
        ((2000, 2), True)
        >>> bool((bootstrap_totals(hours, seed=1) == totals[:200]).all())   # the same seed, the same rounds
        True
        >>> cells = CaseCells(np.array([0, 1, 2, 1, 2]), np.array([0, 0, 0, 1, 1]), np.array([1.0, 2, 3, 1, 1]), (3, 2))
        >>> bool((bootstrap_totals(cells, rounds=2000, seed=1) == totals).all())   # its cells: the same sums
        True
    """
    rng = np.random.default_rng(seed)
    n_cases, n_cand = case_values.shape
    if isinstance(case_values, CaseCells) and n_cases * n_cand <= DENSE_AT_MOST:
        case_values = case_values.dense()  # small whole: one matrix product is faster than the cells
    # two rounds at least: numpy sums a single round by another routine, in another order
    chunk = max(2, min(chunk, WEIGHTS_AT_ONCE // max(n_cases, 1)))
    out = np.empty((rounds, n_cand))
    done = 0
    while done < rounds:
        size = min(chunk, rounds - done)
        weights = poisson_one(rng, (size, n_cases))
        out[done:done + size] = weights @ case_values if isinstance(case_values, np.ndarray) \
            else _weighted_cells(weights, case_values)
        done += size
    return out


def _weighted_cells(weights: np.ndarray, cells: CaseCells) -> np.ndarray:
    """``weights @ cells.dense()`` from the cells alone, a slice of cells at a time (at most
    :data:`WEIGHTS_AT_ONCE` products); whole-number cells give the same sums to the bit."""
    out = np.zeros((len(weights), cells.shape[1]))
    step = max(1, WEIGHTS_AT_ONCE // max(len(weights), 1))
    for start in range(0, len(cells.value), step):
        column = cells.column[start:start + step]
        heads = np.flatnonzero(np.r_[True, column[1:] != column[:-1]])
        products = weights[:, cells.case[start:start + step]] * cells.value[start:start + step]
        out[:, column[heads]] += np.add.reduceat(products, heads, axis=1)
    return out


def exact_units(case_seconds: np.ndarray | CaseCells) -> float:
    """Units per hour in which :func:`bootstrap_totals` sums ``case_seconds`` exactly:
    microseconds (3.6e9 an hour), or ten times coarser until the largest weighted column
    sum stays below 2**52 (whole numbers up to there add exactly in float64).

    Example:
        >>> exact_units(np.array([[1.5, 3600.0]]))                  # microseconds
        3600000000.0
        >>> exact_units(np.array([[1e12]]))                         # 278 million hours: coarser
        360000.0
    """
    sums = np.abs(case_seconds).sum(axis=0) if isinstance(case_seconds, np.ndarray) \
        else case_seconds.with_values(np.abs(case_seconds.value)).column_sums()
    largest = float(sums.max(initial=0.0)) * float(len(_POISSON_ONE))
    per_hour = 3.6e9
    while per_hour > 1.0 and largest * per_hour / 3600.0 >= 2.0**52:
        per_hour /= 10.0
    return per_hour


def _poisson_one_thresholds() -> np.ndarray:
    """The Poisson(1) distribution function at 0, 1, 2, ... times 2**32, rounded down,
    up to the first that reaches 2**32 - 1 (the tail beyond it holds less than 2**-32)."""
    k = np.arange(20)
    cdf = np.cumsum(np.exp(-1.0) / np.cumprod(np.r_[1.0, k[1:]]))
    scaled = np.minimum(np.floor(cdf * 2.0**32), 2.0**32 - 1).astype(np.uint32)
    return scaled[:int(np.searchsorted(scaled, np.uint32(2**32 - 1))) + 1]


_POISSON_ONE = _poisson_one_thresholds()


def poisson_one(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Poisson(1) draws as float32, by inverting its distribution function on 32-bit
    random integers: each value's probability is exact to 2**-32. The bootstrap of
    ``rank`` takes half the time it took with ``rng.poisson(1.0)`` (1.06 s → 0.49 s for
    200 rounds of 186,000 cases).

    Example:
        >>> draws = poisson_one(np.random.default_rng(0), (1, 200_000))
        >>> [round(float(np.mean(draws == k)), 3) for k in range(4)]   # e^-1 / k!: .368 .368 .184 .061
        [0.367, 0.369, 0.184, 0.061]
    """
    uniform = rng.integers(0, 2**32, size=shape, dtype=np.uint32)
    return np.searchsorted(_POISSON_ONE, uniform, side="right").astype(np.float32)


def interval(samples: np.ndarray, point: np.ndarray, error_low: np.ndarray,
             error_high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """80 % interval: bootstrap percentiles, widened by the method's range.

    ``error_low``/``error_high`` are how far (on the log scale, >= 0, ``inf`` for a
    range that reaches zero) the method's range reaches below/above the point estimate
    (0 for measured values). The bootstrap spread and the method's range are combined in
    quadrature on the log scale around the point estimate.

    Example:
        >>> rounds = np.array([[80.0], [90.0], [100.0], [110.0], [120.0]])
        >>> [round(float(x[0]), 1) for x in interval(rounds, np.array([100.0]), np.zeros(1), np.zeros(1))]
        [84.0, 116.0]
        >>> [round(float(x[0]), 1) for x in interval(rounds, np.array([100.0]), np.array([0.5]), np.array([0.5]))]
        [58.9, 168.5]
    """
    low_b, high_b = np.percentile(samples, [Z80_LOW, Z80_HIGH], axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        boot_down = np.where((point > 0) & (low_b > 0), np.log(point / low_b), 0.0)
        boot_up = np.where((point > 0) & (high_b > 0), np.log(high_b / point), 0.0)
    down = np.hypot(np.clip(boot_down, 0.0, None), error_low)
    up = np.hypot(np.clip(boot_up, 0.0, None), error_high)
    low = np.where(low_b <= 0, 0.0, point * np.exp(-down))
    return low, point * np.exp(up)




#: A bot that has not paid back its build within this many months is said not to pay back.
PAYBACK_HORIZON_MONTHS = 60.0


def payback_months(build_cost: float, yearly_saving: np.ndarray, licence: float,
                   horizon: float = PAYBACK_HORIZON_MONTHS) -> np.ndarray:
    """Months until the build cost is earned back; NaN when it is not within ``horizon``.

    Savings that do not cover the licence never pay back; neither does a bot that would
    need longer than the horizon (its assumed life), so no payback reads "inf" or
    thousands of months.

    Example:
        >>> payback_months(16000.0, np.array([30000.0, 5000.0, 6100.0]), 6000.0).round(1).tolist()
        [8.0, nan, nan]
    """
    net = (np.asarray(yearly_saving, dtype=float) - licence) / 12.0
    with np.errstate(divide="ignore", invalid="ignore"):
        months = np.where(net > 0, build_cost / net, np.nan)
    return np.where(months <= horizon, months, np.nan)


def break_even(build_cost: float, licence: float, hourly_cost: float, hours: np.ndarray,
               executions: np.ndarray, euros: np.ndarray,
               horizon: float = PAYBACK_HORIZON_MONTHS) -> dict[str, np.ndarray]:
    """What would make a bot pay back within ``horizon`` months.

    Returns:
        ``break_even_hours``: the hours a year it must save (the same for every step:
        licence plus the build spread over the horizon, at the hourly cost);
        ``break_even_executions``: the yearly executions that would save them at the
        step's own hours per execution; ``break_even_licence``: the highest licence a
        year at which the step's own savings pay back in time (0 or less: none).

    Example:
        >>> out = break_even(16000.0, 6000.0, 29.0, np.array([145.0]), np.array([140.0]), np.array([4205.0]))
        >>> round(float(out["break_even_hours"][0])), round(float(out["break_even_licence"][0]))
        (317, 1005)
    """
    spread = build_cost * 12.0 / horizon
    hours = np.asarray(hours, dtype=float)
    needed = np.full(len(hours), (licence + spread) / hourly_cost if hourly_cost > 0 else np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_hour = np.where(hours > 0, np.asarray(executions, dtype=float) / hours, np.nan)
    return {"break_even_hours": needed, "break_even_executions": needed * per_hour,
            "break_even_licence": np.asarray(euros, dtype=float) - spread}


def total_interval(samples: np.ndarray, hours: np.ndarray, error_low: np.ndarray,
                   error_high: np.ndarray) -> tuple[float, float, float]:
    """The total of several candidates' hours with its 80 % interval.

    ``samples`` are their bootstrap rounds (rounds × candidates, as
    :func:`bootstrap_totals`), summed per round so that the cases' shared ups and downs
    are kept; the method's ranges add up (the candidates' ends are summed): one
    estimator's error does not cancel across steps.

    Example:
        >>> total_interval(np.array([[9.0, 20.0], [11.0, 20.0]]), np.array([10.0, 20.0]),
        ...                np.zeros(2), np.zeros(2))[0]
        30.0
    """
    hours = np.asarray(hours, dtype=float)
    total = float(hours.sum())
    if total <= 0 or samples.size == 0:
        return total, total, total
    weights = hours / total
    with np.errstate(divide="ignore"):   # every range reaching zero: down is inf
        down = -np.log(weights @ np.exp(-np.asarray(error_low, dtype=float)))
    up = np.log(weights @ np.exp(np.asarray(error_high, dtype=float)))
    low, high = interval(samples.sum(axis=1)[:, None], np.array([total]), np.array([down]), np.array([up]))
    return total, float(low[0]), float(high[0])
