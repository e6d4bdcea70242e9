"""Stray timestamps: events dated far from the rest of the log (a placeholder date).

Case systems write placeholders where a date is unknown: ``01.01.1970`` (epoch zero),
``01.01.1900``, ``31.12.2099``. Each reads as a valid timestamp, and one such event
stretches the log's period from months to decades: every yearly figure (volumes are
annualised over the span of case starts) shrinks by that factor, and the case's
durations grow by it. An event is *stray* when it lies among the first or last 1 % of
the log's events and a gap longer than a year, and longer than the span of all the
other events, separates it from them. Stray events are rejected with that reason
(:data:`STRAY`), counted in the load report like any other rejected row.
"""

from __future__ import annotations

import numpy as np

from rpa_scout.lang import Message

#: The reason a stray event is rejected for.
STRAY = Message("load.reason.stray")
#: At most this share of the events (and at least one) can be stray at either end.
TAIL_SHARE = 0.01
#: A gap shorter than this (seconds) never makes events stray (a case reopened months later).
MIN_GAP_S = 365 * 86_400.0
#: Logs with fewer events are left alone: too few to tell a stray date from a sparse log.
MIN_EVENTS = 20


def stray_events(seconds: np.ndarray) -> np.ndarray:
    """Which events are stray (see the module), from their epoch ``seconds`` (NaN: no
    timestamp, never stray).

    Example:
        >>> import numpy as np
        >>> days = np.r_[1.7e9 + 86_400.0 * np.arange(30), 0.0]   # 30 days of 2023, and 1 Jan 1970
        >>> np.flatnonzero(stray_events(days))
        array([30])
        >>> np.flatnonzero(stray_events(np.r_[days, 4.1e9]))     # and 2099
        array([30, 31])
    """
    instants = np.asarray(seconds, dtype=float)
    known = np.isfinite(instants)
    out = np.zeros(len(instants), dtype=bool)
    n = int(known.sum())
    if n < MIN_EVENTS:
        return out
    order = np.flatnonzero(known)[np.argsort(instants[known], kind="stable")]
    t = instants[order]
    tail = max(1, int(TAIL_SHARE * n))
    low = _cut(t, tail)                       # events before index ``low`` are stray
    high = n - _cut(-t[::-1], tail)           # events from index ``high`` on are stray
    if high - low < 2:                        # the rest is one instant: leave it be
        return out
    out[order[:low]] = True
    out[order[high:]] = True
    return out


def _cut(t: np.ndarray, tail: int) -> int:
    """The number of leading events of sorted ``t`` that a gap of more than a year and
    more than the span of the events after it (up to the other end's tail, which may be
    stray too) separates from those (0: none)."""
    gaps = t[1:tail + 1] - t[:tail]           # gap after the k-th event, k = 1..tail
    rest = t[len(t) - 1 - tail] - t[1:tail + 1]  # span of the events after it
    stray = (gaps > MIN_GAP_S) & (gaps > rest)
    return int(np.flatnonzero(stray)[-1]) + 1 if stray.any() else 0
