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
  log out it came out 0.53, 0.53 and 0.59: about half, on logs as different as a bank's
  back office and a factory floor;
- :attr:`Calibration.error`: how far below and above an estimate its 80 % interval must
  reach, per source and binding bound, as measured on held-out logs. The interval of an
  activity's mean always holds the range its own completions allow (from its shortest
  tight gap to the mean of its bounded gaps; see :func:`rpa_scout.handling.gap_range`),
  and reaches further by these factors where that range held less than 80 % of the true
  means on logs the estimator had not seen: fewer than 10 % fell below, fewer than 10 %
  above.

The shipped values are fitted on all three logs (a fit on more data); every figure we
report about them is the leave-one-log-out one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

#: (source, bound) → (down, up): log factors (>= 0) by which an interval reaches below and
#: above the estimate, beyond the activity's own gap range, fitted on held-out logs.
ErrorModel = Mapping[tuple[str, str], tuple[float, float]]


@dataclass(frozen=True)
class Calibration:
    """Estimator settings learned from the development logs (see the module docstring).

    Attributes:
        work_share: mean handling time = this × the mean tight upper bound, per activity.
        error: per (source, bound) the (down, up) log factors of the interval around the
            estimate (see the module docstring); ``("*", "*")`` is the pooled fallback.
        origin: where the numbers come from, for the assumptions table.
    """

    work_share: float = 1.0
    error: ErrorModel = field(default_factory=lambda: {("*", "*"): (1.0, 1.0)})
    origin: str = "uncalibrated"

    def interval_factors(self, source: str, bound: str) -> tuple[float, float]:
        """(down, up) on the log scale, >= 0: beyond the activity's own gap range, its
        interval reaches from estimate × exp(-down) to estimate × exp(up)."""
        for key in ((source, bound), (source, "*"), ("*", "*")):
            if key in self.error:
                return self.error[key]
        return (1.0, 1.0)


#: Fitted by ``python benchmarks/handling_validation.py`` (2026-11-27) on BPIC 2012's
#: ``W_`` items, Production and PurchasingExample; the error model is fitted on every
#: activity's error from the run in which its log was held out (all staff on one shared
#: account for ``estimated, no resource``), each log weighing the same.
DEFAULT_CALIBRATION = Calibration(
    work_share=0.57,
    error={("*", "*"): (2.601, 0.0),
           ("estimated", "*"): (0.0, 0.0),
           ("estimated", "case"): (2.601, 0.949),
           ("estimated", "person"): (0.0, 0.0),
           ("estimated, no resource", "*"): (2.822, 0.0),
           ("estimated, no resource", "case"): (2.763, 0.0),
           ("estimated, no resource", "working day"): (4.735, 0.0)},
    origin="fitted and measured leave one log out on three real logs with start and "
           "complete times (benchmarks/handling_validation.py)")
