"""The working day people keep, and the person time an account can be credited with.

Handling-time estimates lean on three facts about time at work, all found in the log:

- :func:`discover_working_hours`: the hours people actually keep (per person, from
  their own completions), so that nights never count as work;
- :func:`day_start`: the start of that day for every completion, a bound on when the
  work can have started;
- :func:`exclusive_seconds`: for measured work (start and complete logged), the time an
  account actually had for each instance: an account with two items open at once
  worked on each half of that time, and time outside its working day, or on a day it
  logged nothing (a weekend, a holiday), is not work. No account is credited with more
  than it could work.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rpa_scout.codes import group_cumsum, group_firsts, unique_ints

#: A person needs this many timed completions before their own working day is used.
MIN_OWN_EVENTS = 50


@dataclass(frozen=True)
class WorkingHours:
    """Local working day discovered from people's completions (hours, e.g. 7.75–16.5)."""

    start_hour: float | None
    end_hour: float | None
    timezone: str

    @property
    def hours(self) -> float | None:
        """Length of the working day in hours (``None`` when unknown)."""
        if self.start_hour is None or self.end_hour is None:
            return None
        return self.end_hour - self.start_hour

    def describe(self) -> str:
        """One line for reports."""
        if self.start_hour is None:
            return "working hours unknown (timestamps are dates or no person work)"
        return (f"working day {_clock(self.start_hour)}–{_clock(self.end_hour)} {self.timezone} "
                "(discovered: 2nd–98th percentile of completion times, median over people; "
                "each person's own day bounds their estimates and their credited time)")


def local_day_hour(end_s: np.ndarray, timezone: str) -> tuple[np.ndarray, np.ndarray]:
    """Each instant's local day (days since 1 January 1970) and hour (0-23) in
    ``timezone``, from integer wall-clock seconds rather than pandas' date fields (which
    make several arrays of every event).

    Example:
        >>> day, hour = local_day_hour(np.array([0.0, 1_700_000_000.5]), "Europe/Helsinki")
        >>> day.tolist(), hour.tolist()
        ([0, 19676], [2, 0])
    """
    wall = pd.to_datetime(end_s, unit="s", utc=True).tz_convert(timezone).tz_localize(None)
    second = wall.as_unit("ns").asi8 // 10**9
    day = second // 86400
    return day, (second - day * 86400) // 3600


def discover_working_hours(end_s: np.ndarray, timezone: str,
                           groups: np.ndarray | None = None) -> WorkingHours:
    """The working day people keep: 2nd to 98th percentile of their completion clock times.

    With ``groups`` (account codes, -1 for none), each person with at least
    :data:`MIN_OWN_EVENTS` timed completions gets their own percentiles and the day is
    their median, so that one round-the-clock account cannot stretch it. Returns
    unknown hours when fewer than 50 completions are timed or the times are dates (all
    at one clock time).
    """
    finite = np.isfinite(end_s)
    values = end_s[finite]
    if len(values) < MIN_OWN_EVENTS:
        return WorkingHours(None, None, timezone)
    clock = clock_hours(values, timezone)
    if np.unique(np.round(clock, 3)).size <= 2:
        return WorkingHours(None, None, timezone)
    lo, hi = np.percentile(clock, [2, 98])
    if groups is not None:
        per = own_hours(clock, np.asarray(groups)[finite])
        if len(per):
            lo, hi = np.median(per[:, 0]), np.median(per[:, 1])
    return WorkingHours(float(np.floor(lo * 4) / 4), float(np.ceil(hi * 4) / 4), timezone)


def clock_hours(end_s: np.ndarray, timezone: str) -> np.ndarray:
    """Local clock time of epoch seconds, in hours (e.g. 13.5 for 13:30)."""
    local = pd.to_datetime(end_s, unit="s", utc=True).tz_convert(timezone)
    return np.asarray(local.hour + local.minute / 60.0 + local.second / 3600.0, dtype=float)


def own_hours(clock: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Rows (start, end, group) of each group's own day: the 2nd and 98th percentile of
    its clock times, to the quarter hour, for groups >= 0 with enough values."""
    keep = groups >= 0
    if not keep.any():
        return np.empty((0, 3))
    frame = pd.DataFrame({"g": groups[keep], "c": clock[keep]})
    grouped = frame.groupby("g")["c"]
    size = grouped.size()
    q = grouped.quantile([0.02, 0.98]).unstack()
    q = q[size >= MIN_OWN_EVENTS]
    return np.column_stack([np.floor(q[0.02].to_numpy() * 4) / 4, np.ceil(q[0.98].to_numpy() * 4) / 4,
                            q.index.to_numpy(dtype=float)])


def per_account_hours(end_s: np.ndarray, accounts: np.ndarray, timed: np.ndarray,
                      hours: WorkingHours) -> tuple[np.ndarray, np.ndarray]:
    """Per row, its account's own working-day start and end hour (the common day when the
    account has too few timed completions; NaN when the day is unknown)."""
    n = len(end_s)
    start = np.full(n, np.nan if hours.start_hour is None else hours.start_hour)
    end = np.full(n, np.nan if hours.end_hour is None else hours.end_hour)
    if hours.start_hour is None or n == 0:
        return start, end
    ok = timed & np.isfinite(end_s)
    per = own_hours(clock_hours(end_s[ok], hours.timezone), accounts[ok])
    if len(per) == 0:
        return start, end
    size = int(max(accounts.max(), per[:, 2].max())) + 1
    own_start, own_end = np.full(size, np.nan), np.full(size, np.nan)
    own_start[per[:, 2].astype(np.int64)] = per[:, 0]
    own_end[per[:, 2].astype(np.int64)] = per[:, 1]
    code = np.where(accounts >= 0, accounts, 0)
    use = (accounts >= 0) & np.isfinite(own_start[code])
    start[use] = own_start[code][use]
    end[use] = own_end[code][use]
    return start, end


def day_start(end_s: np.ndarray, timezone: str, start_hours: np.ndarray) -> np.ndarray:
    """Epoch seconds of the working-day start (``start_hours``, local) on each
    completion's local date; NaN where unknown or when the completion came before it."""
    out = np.full(len(end_s), np.nan)
    finite = np.isfinite(end_s) & np.isfinite(start_hours)
    if not finite.any():
        return out
    local = pd.to_datetime(end_s[finite], unit="s", utc=True).tz_convert(timezone)
    start = local.normalize() + pd.to_timedelta(start_hours[finite], unit="h")
    start_s = np.asarray((start - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1), dtype=float)
    start_s[start_s > end_s[finite]] = np.nan
    out[finite] = start_s
    return out


def exclusive_seconds(accounts: np.ndarray, start_s: np.ndarray, end_s: np.ndarray,
                      day: tuple[np.ndarray, np.ndarray] | None = None,
                      timezone: str = "UTC", active: "ActiveDays | None" = None) -> np.ndarray:
    """Person time of measured instances: overlaps split, time outside the day removed.

    While an account has k instances open at once, each gets 1/k of that time; with
    ``day`` (per-row start and end hour of the account's working day), only time inside
    those hours counts, and with ``active`` only on the days the account logged
    something (besides the instance's own first and last day). Rows without an account
    keep the time inside their day on the days anyone logged something (no overlap to
    split: nobody knows whose they were); rows without a start or a day keep
    ``end - start``. Accounts are worked on in batches of about :data:`BATCH_ROWS` rows,
    in account order, with the same result as all at once.

    Args:
        accounts: account code per row (-1 for none).
        start_s: start per row, epoch seconds (NaN when not measured).
        end_s: completion per row, epoch seconds.
        day: per-row working-day start and end hours (local), or ``None``.
        timezone: zone of those hours.
        active: the local days each account, and anyone, logged something on.
    """
    raw = end_s - start_s
    out = raw.copy()
    timed = np.isfinite(start_s) & np.isfinite(end_s) & (raw > 0)
    if day is not None:
        nobody = timed & (accounts < 0) & np.isfinite(day[0]) & np.isfinite(day[1]) & ((day[1] - day[0]) < 24)
        if nobody.any():
            out[nobody] = in_day_seconds(start_s[nobody], end_s[nobody], day[0][nobody], day[1][nobody],
                                         timezone, None if active is None else active.anyone)
    use = (accounts >= 0) & timed
    if not use.any():
        return out
    rows = np.flatnonzero(use)
    acc = accounts[rows].astype(np.int32)
    per_account = np.bincount(acc)
    before = np.cumsum(per_account) - per_account  # rows of the accounts before each one
    batch_of = (before // BATCH_ROWS).astype(np.int32)
    batch = batch_of[acc] if batch_of[-1] > 0 else None
    del per_account, before, acc
    total = 0.0  # the running integral over the accounts of the batches before
    for b in unique_ints(batch_of):
        part = rows if batch is None else rows[batch == b]
        some_day = None if day is None else (day[0][part], day[1][part])
        out[part], total = _exclusive(accounts[part].astype(np.int32), start_s[part], end_s[part],
                                      some_day, timezone, total, active)
    return out


@dataclass(frozen=True)
class ActiveDays:
    """The local days on which each account, and anyone, logged an event.

    ``keys``: sorted unique ``account * DAY_KEY + day`` (days since 1 January 1970,
    local); ``anyone``: sorted unique days of any event.
    """

    keys: np.ndarray
    anyone: np.ndarray

    @classmethod
    def of(cls, accounts: np.ndarray, seconds: np.ndarray, timezone: str) -> "ActiveDays":
        """From every event's account (-1: none) and epoch seconds (NaN ones left out).

        Example:
            >>> days = ActiveDays.of(np.array([0, 0, -1]), np.array([0.0, 86400.0 * 3, 86400.0]), "UTC")
            >>> days.keys.tolist(), days.anyone.tolist()
            ([0, 3], [0, 1, 3])
        """
        return cls.of_days(accounts, local_day_clock(seconds, timezone)[0])

    @classmethod
    def of_days(cls, accounts: np.ndarray, days: np.ndarray) -> "ActiveDays":
        """From every event's account (-1: none) and local day (-1: no time)."""
        known = days >= 0
        acc, day = accounts[known].astype(np.int64), days[known]
        mine = acc >= 0
        return cls(np.unique(acc[mine] * DAY_KEY + day[mine]), np.unique(day))


def local_day_clock(seconds: np.ndarray, timezone: str) -> tuple[np.ndarray, np.ndarray]:
    """Each instant's local day (days since 1970; -1 for NaN) and clock time in hours
    (13.5 for 13:30; NaN for NaN), from one conversion.

    Example:
        >>> day, clock = local_day_clock(np.array([86400.0 + 5400.0, np.nan]), "UTC")
        >>> day.tolist(), clock.tolist()[0]
        ([1, -1], 1.5)
    """
    finite = np.isfinite(seconds)
    day, clock = np.full(len(seconds), -1, dtype=np.int64), np.full(len(seconds), np.nan)
    if finite.any():
        wall = _wall_seconds(seconds[finite], timezone)
        day[finite] = np.floor(wall / 86400.0).astype(np.int64)
        clock[finite] = (wall - day[finite] * 86400.0) / 3600.0
    return day, clock


#: Days in an :class:`ActiveDays` key (more than the days since 1970 until the year 4840).
DAY_KEY = 1 << 20


def in_day_seconds(start_s: np.ndarray, end_s: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                   timezone: str, active: np.ndarray | None = None) -> np.ndarray:
    """Seconds of each interval inside the working day (local hours ``lo`` to ``hi``):
    on its first and last day, and on the days between that are ``active`` (sorted
    local day numbers; every day when ``None``).

    Example:
        >>> hour = 3600.0
        >>> in_day_seconds(np.array([8 * hour]), np.array([86400 + 10 * hour]), np.array([9.0]),
        ...                np.array([17.0]), "UTC").tolist()     # 9-17 on day 0, 9-10 on day 1
        [32400.0]
        >>> in_day_seconds(np.array([16 * hour]), np.array([3 * 86400 + 10 * hour]), np.array([9.0]),
        ...                np.array([17.0]), "UTC", np.array([0, 3])).tolist()   # days 1 and 2 idle
        [7200.0]
    """
    ws, we = _wall_seconds(start_s, timezone), _wall_seconds(end_s, timezone)
    ds, de = np.floor(ws / 86400.0), np.floor(we / 86400.0)
    lo_s, hi_s = lo * 3600.0, hi * 3600.0

    def inside(a: np.ndarray, b: np.ndarray, d: np.ndarray) -> np.ndarray:
        return np.clip(np.minimum(b, d * 86400.0 + hi_s) - np.maximum(a, d * 86400.0 + lo_s), 0.0, None)

    same = ds == de
    first = inside(ws, np.where(same, we, np.inf), ds)
    last = np.where(same, 0.0, inside(np.full(len(we), -np.inf), we, de))
    if active is None:
        between = np.maximum(de - ds - 1, 0.0)
    else:
        between = (np.searchsorted(active, de, side="left") - np.searchsorted(active, ds, side="right")).clip(0)
    return first + last + between * (hi_s - lo_s)


def _wall_seconds(seconds: np.ndarray, timezone: str) -> np.ndarray:
    """Epoch seconds as seconds of local wall-clock time (fractions kept)."""
    wall = pd.to_datetime(seconds, unit="s", utc=True).tz_convert(timezone).tz_localize(None)
    return wall.as_unit("ns").asi8 / 1e9


#: Measured instances whose edges :func:`exclusive_seconds` sorts and integrates at once
#: (whole accounts, so a batch may hold more): its working arrays take some 100 bytes an
#: instance, about 100 MiB a batch instead of 500 MiB for 5 million instances.
BATCH_ROWS = 1 << 20


def _exclusive(acc: np.ndarray, start_s: np.ndarray, end_s: np.ndarray,
               day: tuple[np.ndarray, np.ndarray] | None, timezone: str,
               total: float, active: "ActiveDays | None" = None) -> tuple[np.ndarray, float]:
    """:func:`exclusive_seconds` of instances with an account and a positive duration,
    and the running integral at their last edge (``total`` at their first: the sums are
    those of one pass over every batch, to the last bit)."""
    a, t = np.r_[acc, acc], np.r_[start_s, end_s]
    d = np.repeat(np.array([1, -1], dtype=np.int8), len(acc))
    if day is not None:
        edges = _day_edges(acc, start_s, end_s, day[0], day[1], timezone, active)
        a = np.r_[a, edges["a"].to_numpy(dtype=a.dtype)]
        t = np.r_[t, edges["t"].to_numpy(dtype=float)]
        d = np.r_[d, edges["d"].to_numpy(dtype=np.int8)]
        del edges
    by = np.lexsort((d, t, a))  # stable: account, time, kind of edge, then position
    a, t, d = a[by], t[by], d[by]
    del by
    is_day = (d == 2) | (d == -2)
    firsts = group_firsts(a)
    open_ = group_cumsum(np.where(is_day, 0, d).astype(np.int64), firsts)
    counted = open_ > 0
    if day is not None:  # inside the account's day, or the account's day is not known
        inside = group_cumsum((np.sign(d) * is_day).astype(np.int64), firsts) > 0
        inside |= np.bincount(a, weights=is_day)[a] == 0
        counted &= inside
        del inside
    del firsts, is_day, d
    # each segment between consecutive edges of an account, shared by the open instances
    weight = np.zeros(len(t))
    np.subtract(t[1:], t[:-1], out=weight[:-1])
    weight[:-1][a[1:] != a[:-1]] = 0.0
    np.maximum(open_, 1, out=open_)
    np.divide(weight, open_, out=weight)
    weight[~counted] = 0.0
    del open_, counted
    cum = np.empty(len(t))  # integral of the weights up to each edge (sums in order)
    cum[0] = total
    cum[1:] = weight[:-1]
    np.cumsum(cum, out=cum)
    return (_integral(a, t, cum, weight, acc, end_s)
            - _integral(a, t, cum, weight, acc, start_s)), float(cum[-1] + weight[-1])


def _day_edges(acc: np.ndarray, start_s: np.ndarray, end_s: np.ndarray, lo: np.ndarray,
               hi: np.ndarray, timezone: str, active: "ActiveDays | None" = None) -> pd.DataFrame:
    """Working-day start (d=2) and end (d=-2) edges of every local day each account's
    measured work spans, for accounts whose day is known (with ``active``: of the days
    among them on which the account logged something)."""
    known = np.isfinite(lo) & np.isfinite(hi) & ((hi - lo) < 24)
    frame = pd.DataFrame({"a": acc[known], "s": start_s[known], "e": end_s[known], "lo": lo[known], "hi": hi[known]})
    if frame.empty:
        return pd.DataFrame({"a": pd.Series(dtype=acc.dtype), "t": pd.Series(dtype=float),
                             "d": pd.Series(dtype=np.int64)})
    span = frame.groupby("a").agg(s=("s", "min"), e=("e", "max"), lo=("lo", "first"), hi=("hi", "first"))
    first = local_day_clock(span["s"].to_numpy(dtype=float), timezone)[0]
    count = local_day_clock(span["e"].to_numpy(dtype=float), timezone)[0] - first + 1
    # every account's local days from its first to its last, all at once
    which = np.repeat(np.arange(len(span)), count)
    day = first[which] + (np.arange(len(which)) - np.repeat(np.cumsum(count) - count, count))
    account = span.index.to_numpy()[which]
    if active is not None:  # a day it logged nothing on (a weekend, a holiday) is no work day
        keep = np.isin(account.astype(np.int64) * DAY_KEY + day, active.keys)
        which, day, account = which[keep], day[keep], account[keep]
    # the day's hours on the wall clock (on a DST day, 07:00 is not midnight + 7 h)
    wall = np.r_[day * 86400.0 + span["lo"].to_numpy()[which] * 3600.0,
                 day * 86400.0 + span["hi"].to_numpy()[which] * 3600.0]
    local = pd.to_datetime(wall, unit="s").tz_localize(timezone, ambiguous=False, nonexistent="shift_forward")
    return pd.DataFrame({"a": np.r_[account, account],
                         "t": np.asarray((local - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1), dtype=float),
                         "d": np.r_[np.full(len(day), 2), np.full(len(day), -2)]})


def _integral(a: np.ndarray, t: np.ndarray, cum: np.ndarray, weight: np.ndarray,
              acc: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Running integral of the weights at times ``at`` of accounts ``acc``: the value at
    the last edge of that account at or before ``at``, plus the part of its segment up to
    ``at``. Only differences within one account are meaningful.

    The edges are in (account, time) order, so each account's edges are one block, and
    the last edge at or before ``at`` is found by binary search in its account's block.
    """
    pos = np.empty(len(at), dtype=np.int64)
    order = np.argsort(acc, kind="stable")
    grouped = acc[order]
    first = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    for begin, end in zip(first, np.r_[first[1:], len(order)]):
        rows = order[begin:end]
        account = acc[rows[0]]
        lo, hi = np.searchsorted(a, account, side="left"), np.searchsorted(a, account, side="right")
        pos[rows] = lo + np.searchsorted(t[lo:hi], at[rows], side="right") - 1
    seg_len = t[np.minimum(pos + 1, len(t) - 1)] - t[pos]  # 0 after the last edge
    frac = np.divide(at - t[pos], seg_len, out=np.zeros(len(at)), where=seg_len > 0)
    return cum[pos] + weight[pos] * np.clip(frac, 0.0, 1.0)


def _clock(hour: float | None) -> str:
    if hour is None:
        return "?"
    return f"{int(hour):02d}:{int(round((hour % 1) * 60)):02d}"
