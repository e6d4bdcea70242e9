"""What the completion-only estimator learned from real logs, and how wrong it was there.

Two things in the handling-time estimate come from data rather than first principles,
and both were fitted and measured on the development set of real logs that record start
*and* complete (BPIC 2012's ``W_`` work items, Production, PurchasingExample in
``../shared/eventlogs``), leave one log out: fitted on two logs, scored on the third,
three times (``benchmarks/handling_validation.py``; results in
``benchmarks/results/handling_validation.md``):

- :attr:`Calibration.work_share`: the share of the time between an instance's tight
  bound (its case's or its person's previous completion) and its completion that is
  work on it; an activity's mean handling time is this share of the mean of its tightly
  bounded instances' upper bounds (see :mod:`rpa_scout.handling`). Fitted leave one
  log out it came out 0.53, 0.53 and 0.81: about half, on logs as different as a bank's
  back office and a factory floor;
- :attr:`Calibration.error`: the spread of ``log(estimate / truth)`` of activity means,
  per source and binding bound, as it was measured on held-out logs. An 80 % interval
  of an estimate is the estimate times the 10th and 90th percentiles of that spread, so
  the interval is as wide as the estimator was wrong on logs it had not seen.

The shipped values are fitted on all three logs (a fit on more data); every figure we
report about them is the leave-one-log-out one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

#: (source, bound) → (10th, 90th percentile of log(estimate / truth)) on held-out logs.
ErrorModel = Mapping[tuple[str, str], tuple[float, float]]


@dataclass(frozen=True)
class Calibration:
    """Estimator settings learned from the development logs (see the module docstring).

    Attributes:
        work_share: mean handling time = this × the mean tight upper bound, per activity.
        error: per (source, bound) the 10th and 90th percentile of log(estimate / truth)
            of activity means on held-out logs; ``("*", "*")`` is the pooled fallback.
        origin: where the numbers come from, for the assumptions table.
    """

    work_share: float = 1.0
    error: ErrorModel = field(default_factory=lambda: {("*", "*"): (-1.0, 1.0)})
    origin: str = "uncalibrated"

    def bounds(self, source: str, bound: str) -> tuple[float, float]:
        """The (10th, 90th) percentile of log(estimate / truth) for this source and bound."""
        for key in ((source, bound), (source, "*"), ("*", "*")):
            if key in self.error:
                return self.error[key]
        return (-1.0, 1.0)

    def interval_factors(self, source: str, bound: str) -> tuple[float, float]:
        """(down, up) on the log scale, >= 0: the truth lies within estimate × exp(-down)
        .. estimate × exp(up) as often as held-out errors did (an estimator that ran high
        puts the truth below its estimate)."""
        low_error, high_error = self.bounds(source, bound)
        return max(high_error, 0.0), max(-low_error, 0.0)


#: Fitted by ``python benchmarks/handling_validation.py`` (2026-11-26) on BPIC 2012's
#: ``W_`` items, Production and PurchasingExample; the error model holds every activity's
#: error from the run in which its log was held out (all staff on one shared account for
#: ``estimated, no resource``), each log weighing the same.
DEFAULT_CALIBRATION = Calibration(
    work_share=0.59,
    error={("*", "*"): (-0.636, 2.764),
           ("estimated", "*"): (-0.739, 2.346),
           ("estimated", "case"): (-0.943, 2.88),
           ("estimated", "person"): (-0.34, 2.499),
           ("estimated, no resource", "*"): (-0.517, 2.834),
           ("estimated, no resource", "case"): (-0.558, 2.713),
           ("estimated, no resource", "working day"): (-0.102, 4.609)},
    origin="fitted and measured leave one log out on three real logs with start and "
           "complete times (benchmarks/handling_validation.py)")
