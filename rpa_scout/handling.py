"""How long a person spends on each activity instance (touch time), with its source.

Sources, per instance (column ``source``):

- ``measured``: start and complete were logged and paired. The person time credited is
  the account's *exclusive working time* inside that interval (:mod:`rpa_scout.worktime`):
  while the account has k items open at once each gets 1/k of the time, time outside
  its working day is not work, and suspend→resume pauses are subtracted;
- ``estimated``: only the completion is logged. The work cannot have started before its
  case made it available (the case's previous completion), nor before the same person
  finished their previous piece of work, nor before that person's working day began
  (Chapela-Campa & Dumas 2022, ``start-time-estimator``, and Celonis' processing time
  use the first two). That gives each instance an *upper bound* (column ``upper_s``),
  which still holds whatever idle time preceded the work. The activity's mean is a
  calibrated share (about half) of the mean of its tightly bounded upper bounds (bounded
  by the case or the person, not by the working day alone)
  (:mod:`rpa_scout.calibration`, fitted and measured leave one log out on real logs).
  Each instance keeps its own upper bound, cut at the level that gives its activity
  that mean; instances with no usable bound, or completed
  together with the person's previous one (a batch), take the activity's mean. When the
  log shows no working day at all, a bound from an earlier date spans a night and
  counts as no bound;
- ``estimated, no resource``: as above without the person bound (no account, or a
  shared one such as ``STAFF MEMBER`` whose previous event is somebody else's work);
- ``measured on other executions``: a step whose starts are logged for some of its
  executions only (from some date on, or by some users): its completion-only executions
  take the mean of its measured ones (:data:`rpa_scout.manual.MIN_MEASURED` of them at least);
- ``supplied``: the municipality's own standard time (activity → minutes) overrides;
- ``system`` and ``artificial``: a system step, or an event an export tool added, takes
  no person's time;
- ``not estimable: dates only``: the timestamp is a date, so no duration can be read
  from it (supply standard times for such activities).

**Capacity is a hard limit**: no person account is credited, on any day, with more
person time than its own working day (measured and estimated together); a day that
would exceed it is scaled down and flagged (``capacity``).

The naive "time since the previous event in the case" (``naive_s``) counts waiting and
is kept only as a comparison; it is never used as handling time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from rpa_scout.accounts import PERSON_ACCOUNT
from rpa_scout.errors import ConfigError
from rpa_scout.arguments import require_type
from rpa_scout.calibration import DEFAULT_CALIBRATION, Calibration
from rpa_scout.codes import Coded, group_firsts, labels, small
from rpa_scout.columns import (ACCOUNT, BOUND, CAPACITY, DAY_HOURS, HANDLING, LOOSE, NAIVE, PERFORMER, REPLACED,
                               RECORDED, SOURCE, UPPER, XES, LogColumns, as_columns)
from rpa_scout.lang import Message
from rpa_scout.manual import (ARTIFICIAL, MIN_MEASURED, PERSON, SYSTEM, ManualResult, ManualRules,
                               date_stamped_events, detect_manual)
from rpa_scout.settings import Settings, given_settings, standard_name_key
from rpa_scout.timestamps import epoch_seconds
from rpa_scout.worktime import (ActiveDays, WorkingHours, day_start, discover_working_hours,
                                exclusive_seconds, local_day_clock, per_account_hours)

MEASURED, ESTIMATED, NO_RESOURCE, SUPPLIED, SYSTEM_SOURCE, UNKNOWN_SOURCE, DATES_ONLY = (
    "measured", "estimated", "estimated, no resource", "supplied", "system", "unknown",
    "not estimable: dates only")
ARTIFICIAL_SOURCE = "artificial"
MEASURED_OTHERS = "measured on other executions"
#: The sources as the codes the estimator works on (a byte an instance, not a string).
_SOURCES = (MEASURED, ESTIMATED, NO_RESOURCE, SUPPLIED, SYSTEM_SOURCE, UNKNOWN_SOURCE, DATES_ONLY,
            ARTIFICIAL_SOURCE, MEASURED_OTHERS)
(_MEASURED, _ESTIMATED, _NO_RESOURCE, _SUPPLIED, _SYSTEM, _UNKNOWN, _DATES_ONLY,
 _ARTIFICIAL, _MEASURED_OTHERS) = range(len(_SOURCES))
#: What bounded an estimated instance's start.
CASE_BOUND, PERSON_BOUND, DAY_BOUND, NO_BOUND, BATCH_BOUND = (
    "case", "person", "working day", "none", "batch")
TIGHT_BOUNDS = (CASE_BOUND, PERSON_BOUND)
_BOUNDS = np.array([NO_BOUND, CASE_BOUND, PERSON_BOUND, DAY_BOUND, BATCH_BOUND, ""], dtype=object)
_NO, _CASE, _PERSON, _DAY, _BATCH, _UNBOUNDED = range(len(_BOUNDS))
Z80 = 1.2815515655446004  # two-sided 80 % normal quantile
#: Tightly bounded instances an activity needs before its median is trusted; with
#: fewer, every upper bound is used and the estimate counts as loose.
MIN_TIGHT = 5


@dataclass(frozen=True)
class HandlingResult:
    """Per-instance handling times and the per-activity summary.

    ``evidence``: per activity, its person/system evidence (the ``evidence`` column) as
    a :class:`rpa_scout.lang.Message`, to be shown in any language.

    Example:
        >>> from rpa_scout import estimate_handling_time, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> result = estimate_handling_time(log)
        >>> len(result.instances), result.working_hours.start_hour, result.working_hours.end_hour
        (24883, 8.0, 15.5)
        >>> result.activities.loc[0, ["activity", "verdict", "source", "bound"]].tolist()
        ['Asiatarkastus', 'manual', 'estimated', 'case']
    """

    instances: pd.DataFrame
    activities: pd.DataFrame
    working_hours: WorkingHours
    calibration: Calibration
    evidence: Mapping[str, Message] = field(default_factory=dict)
    #: :func:`rpa_scout.pair_lifecycle`'s counts for the log, as the load report gives
    #: them (:func:`rpa_scout.clean.with_pairing` fills a report in from them).
    pairing: Mapping[str, int] = field(default_factory=dict)
    #: What it was estimated from: the log's events and first and last timestamps, and
    #: the settings it used (:func:`handling_for` checks a result passed on against them).
    made_from: tuple = ()


def _made_from(log: pd.DataFrame, settings: Settings, columns: LogColumns) -> tuple:
    stamps = log[columns.timestamp] if columns.timestamp in log.columns else pd.Series([], dtype=object)
    return (len(log), str(stamps.min()), str(stamps.max())), repr((settings.manual, settings.handling))


def handling_for(log: pd.DataFrame, handling: "HandlingResult | None", *, settings: Settings | None = None,
                 columns: LogColumns = XES) -> "HandlingResult":
    """``handling`` when it was estimated from ``log`` (and, when ``settings`` are given,
    with them); estimated now when ``None``. A result of another log (a filtered one, or
    the whole year beside a month) would count one log's work over another's period.

    Raises:
        ConfigError: ``handling`` was estimated from another log or with other settings.

    Example:
        >>> from rpa_scout import read_log
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> handling = estimate_handling_time(log)
        >>> handling_for(log, handling) is handling
        True
        >>> handling_for(log.head(100), handling)
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: handling= was estimated from another log (24,883 events from 2025-01-02 ...
    """
    if handling is None:
        return estimate_handling_time(log, settings=settings, columns=columns)
    if not handling.made_from:   # built by hand: nothing to check it against
        return handling
    (events, first, last), used = _made_from(log, settings or Settings(), columns)
    (was, was_first, was_last), was_used = handling.made_from
    if (events, first, last) != (was, was_first, was_last):
        raise ConfigError(f"handling= was estimated from another log ({was:,} events from {was_first[:10]} to "
                          f"{was_last[:10]}; this one has {events:,} from {first[:10]} to {last[:10]}): estimate it "
                          "from this log (after any filter), or leave it out")
    if settings is not None and used != was_used:
        raise ConfigError("handling= was estimated with other settings (manual rules, time zone, standard times "
                          "or calibration): estimate it with the settings given here, or leave it out")
    return handling


def estimate_handling_time(
    log: pd.DataFrame,
    *,
    settings: Settings | None = None,
    manual: ManualResult | None = None,
    columns: LogColumns = XES,
) -> HandlingResult:
    """Estimate each instance's handling time and summarise it per activity.

    Args:
        log: event log with XES column names.
        settings: the manual rules and the log's zone (``settings.manual``), standard
            times and the estimator's calibration (``settings.handling``); defaults when
            ``None``.
        manual: result of :func:`rpa_scout.detect_manual` (computed when ``None``).
        columns: column mapping.

    Returns:
        ``instances`` with ``handling_s``, ``source``, ``bound``, ``upper_s`` (the upper
        bound of an estimate, or complete − start of a measured instance), ``loose``,
        ``capacity`` (scaled down to fit the account's day), ``day_hours`` (the length
        of the account's working day) and ``naive_s``; ``activities`` with, per activity:
        counts, ``mean_min``, ``median_min``, ``low_min``/``high_min`` (80 % interval of
        the mean), ``source``, ``bound``, ``gap_low_min``/``gap_high_min`` (the range an
        estimate's own gaps allow, :func:`gap_range`), ``method_low_min``/``method_high_min``
        (that range reaching as far as the estimator's error on held-out logs needed,
        before sampling error), ``loose_share``, ``verdict``, ``system_share`` (of its
        instances, the system's) and ``evidence``.

    Example:
        >>> from rpa_scout import read_log, estimate_handling_time
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> acts = estimate_handling_time(log).activities.set_index("activity")
        >>> acts.loc["Asiatarkastus", "source"]
        'measured'
    """
    settings = given_settings(settings)
    rules, calibration = settings.manual, settings.handling.calibration
    standard_times = settings.handling.standard_times
    columns = as_columns(columns, log)
    manual = require_type(manual, ManualResult, "manual", "a ManualResult (from detect_manual)") \
        or detect_manual(log, rules=rules, columns=columns)
    inst, hours = _with_handling(manual.instances, columns, rules, calibration, standard_times)
    activities = summarise_handling(inst, manual.activities, calibration, columns)
    return HandlingResult(inst, activities, hours, calibration, manual.evidence, manual.pairing,
                          _made_from(log, settings, columns))


def _with_handling(inst: pd.DataFrame, columns: LogColumns, rules: ManualRules,
                   calibration: Calibration, standard_times: Mapping[str, float] | None
                   ) -> tuple[pd.DataFrame, WorkingHours]:
    """The instances with their handling time and its facts (columns ``handling_s`` to
    ``naive_s``), and the working day; the per-instance arrays it takes end with it."""
    x = _Arrays.of(inst, columns)
    # the day people keep, from their completions and, where logged, their starts
    began = x.timed_work & np.isfinite(x.start)
    seen, who = np.r_[x.end[x.timed_work], x.start[began]], np.r_[x.account[x.timed_work], x.account[began]]
    hours = discover_working_hours(seen, rules.timezone, groups=who)
    day_lo, day_hi = per_account_hours(np.r_[x.end, x.start], np.r_[x.account, x.account],
                                       np.r_[x.timed_work, began], hours)
    day_lo, day_hi = day_lo[:x.n], day_hi[:x.n]
    handling = np.full(x.n, np.nan)
    source = np.full(x.n, _UNKNOWN, dtype=np.int8)  # codes of _SOURCES and _BOUNDS
    bound = np.full(x.n, _UNBOUNDED, dtype=np.int8)
    upper = np.full(x.n, np.nan)
    closed = _measured(x, day_lo, day_hi, hours, handling, source, upper)
    _estimated(x, day_lo, hours, rules, calibration, handling, source, bound, upper)
    _from_measured(x, handling, source, closed)
    capacity = _capacity(x, day_lo, day_hi, hours, handling, source)
    _not_person_time(x, handling, source)
    replaced = _supplied(inst[columns.activity], standard_times, x, handling, source, upper) \
        if standard_times else {}
    day_hours = np.subtract(day_hi, day_lo, out=day_hi)  # in place: 25M instances hold 200 MiB
    day_hours[x.account < 0] = np.nan
    naive = np.subtract(x.end, x.case_prev_any, out=x.case_prev_any)  # its last use
    return inst.assign(**{
        HANDLING: handling, SOURCE: labels(source, _SOURCES), BOUND: labels(bound, _BOUNDS), UPPER: upper,
        LOOSE: (np.isin(bound, [_DAY, _NO]) & (source == _ESTIMATED)) | (source == _NO_RESOURCE),
        CAPACITY: capacity, DAY_HOURS: day_hours, NAIVE: naive, **replaced}), hours


@dataclass(frozen=True)
class _Arrays:
    """The per-instance facts every stage needs, as arrays."""

    n: int
    activity: np.ndarray        # activity code
    end: np.ndarray             # completion, epoch s
    start: np.ndarray           # start, epoch s (NaN when not logged)
    paused: np.ndarray
    case: np.ndarray            # case code
    account: np.ndarray         # code of a one-person account, -1 otherwise
    has_account: np.ndarray     # any account (person or shared) named
    person: np.ndarray          # person work
    system: np.ndarray
    artificial: np.ndarray
    dated: np.ndarray           # date-only timestamp
    bounding: np.ndarray        # may bound a later step of its case
    case_prev_any: np.ndarray   # previous completion in the case, any event

    @property
    def timed_work(self) -> np.ndarray:
        return self.person & ~self.dated

    @classmethod
    def of(cls, inst: pd.DataFrame, columns: LogColumns) -> "_Arrays":
        n = len(inst)
        end = epoch_seconds(inst[columns.timestamp])
        start = (epoch_seconds(inst[columns.start_timestamp]) if columns.start_timestamp in inst.columns
                 else np.full(n, np.nan))
        paused = (inst["paused_seconds"].to_numpy(dtype=float) if "paused_seconds" in inst.columns
                  else np.zeros(n))
        case = small(pd.factorize(inst[columns.case])[0])
        has = columns.resource in inst.columns
        named = inst[columns.resource].notna().to_numpy() if has else np.zeros(n, dtype=bool)
        codes = small(pd.factorize(inst[columns.resource])[0] if has else np.full(n, -1))
        one_person = (inst[ACCOUNT] == PERSON_ACCOUNT).to_numpy() if ACCOUNT in inst else named
        performer = inst[PERFORMER]  # compared as categories: no string per row
        artificial = (performer == ARTIFICIAL).to_numpy(dtype=bool)
        recorded = inst[RECORDED].to_numpy(dtype=bool) if RECORDED in inst else np.zeros(n, dtype=bool)
        return cls(n=n, activity=small(Coded.text(inst[columns.activity]).codes), end=end,
                   start=start, paused=paused, case=case,
                   account=np.where(one_person & named, codes, -1), has_account=named,
                   person=(performer == PERSON).to_numpy(dtype=bool),
                   system=(performer == SYSTEM).to_numpy(dtype=bool), artificial=artificial,
                   dated=date_stamped_events(inst[columns.timestamp], inst[columns.activity]),
                   bounding=~artificial & ~recorded,
                   case_prev_any=previous_end(case, end))


def _measured(x: _Arrays, day_lo: np.ndarray, day_hi: np.ndarray, hours: WorkingHours,
              handling: np.ndarray, source: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Measured person work: the account's exclusive working time on the days it logged
    something, pauses subtracted. Returns the instances closed outside their account's
    working day after a night (an item left open and closed by a night job: BPIC 2012
    closes them at 06:15): their completion is no person's, so their time is not theirs."""
    closed = np.zeros(x.n, dtype=bool)
    rows = np.flatnonzero(x.person & np.isfinite(x.start))
    if not len(rows):
        return closed
    start, end = x.start[rows], x.end[rows]
    both = np.isfinite(x.start)
    end_day, end_clock = local_day_clock(x.end, hours.timezone)  # one conversion each
    start_day = local_day_clock(x.start, hours.timezone)[0]
    days = ActiveDays.of_days(np.r_[x.account, x.account[both]], np.r_[end_day, start_day[both]])
    exclusive = exclusive_seconds(x.account[rows], start, end, day=(day_lo[rows], day_hi[rows]),
                                  timezone=hours.timezone, active=days)
    raw = end - start
    active = np.divide(raw - x.paused[rows], raw, out=np.ones(len(rows)), where=raw > 0).clip(0.0, 1.0)
    handling[rows] = np.maximum(exclusive * active, 0.0)
    source[rows] = _MEASURED
    upper[rows] = raw
    lo, hi, clock = day_lo[rows], day_hi[rows], end_clock[rows]
    overnight = end_day[rows] > start_day[rows]
    closed[rows] = overnight & np.isfinite(lo) & np.isfinite(hi) & ((clock < lo) | (clock > hi))
    return closed


def _estimated(x: _Arrays, day_lo: np.ndarray, hours: WorkingHours, rules: ManualRules,
               calibration: Calibration, handling: np.ndarray, source: np.ndarray,
               bound: np.ndarray, upper: np.ndarray) -> None:
    """Completion-only person work: per-instance upper bounds, then the activity's mean."""
    rows = x.person & ~np.isfinite(x.start) & ~x.dated
    source[x.person & ~np.isfinite(x.start) & x.dated] = _DATES_ONLY
    if not rows.any():
        return
    case_prev = previous_end(x.case, x.end, eligible=x.bounding)
    # No work on a case begins before the case's first moment in the log (its first
    # event that no export tool added), even where the events between are records that
    # bound nothing (a system step the applicant's own step is recorded with).
    opened = case_opened(x.case, x.end, ~x.artificial)
    case_prev = np.fmax(case_prev, np.where(opened < x.end, opened, np.nan))
    del opened
    person_prev = previous_end(x.account, x.end, eligible=x.person & x.bounding)
    person_prev[x.account < 0] = np.nan
    day = day_start(x.end, hours.timezone, day_lo)
    latest = np.fmax(np.fmax(case_prev, person_prev), day)
    up = x.end - latest
    which = np.select([np.isnan(latest), case_prev >= latest, person_prev >= latest],
                      [_NO, _CASE, _PERSON], _DAY).astype(np.int8)
    if hours.start_hour is None:
        # No working day could be found in the log: a bound from an earlier date spans a
        # night and bounds nothing about the work itself.
        overnight = np.isfinite(latest) & (local_day_clock(latest, hours.timezone)[0]
                                           != local_day_clock(x.end, hours.timezone)[0])
        which[overnight] = _NO
    # Completed within seconds of the same person's previous completion: worked together
    # with it (a batch), so this bound says nothing about this item's own time. (Within
    # seconds of the case's previous step, by someone else, it is an instant step.)
    which[(which == _PERSON) & (up < rules.zero_duration_seconds)] = _BATCH
    # Without an account only the case bounds an execution, and the case's gap holds the
    # waiting of everyone before it: where the step has executions with an account, one
    # without takes their mean (no bound of its own).
    named = rows & (x.account >= 0)
    which[rows & (x.account < 0) & np.isin(x.activity, x.activity[named])] = _NO
    upper[rows] = up[rows]
    bound[rows] = which[rows]
    source[rows] = np.where(x.account[rows] >= 0, _ESTIMATED, _NO_RESOURCE)
    names = _BOUNDS[which]  # each row a reference to one of the names
    handling[rows] = activity_means(up, names, x.activity, rows, calibration.work_share)[rows]


def _from_measured(x: _Arrays, handling: np.ndarray, source: np.ndarray,
                   closed: np.ndarray | None = None) -> None:
    """Completion-only executions of a step with :data:`~rpa_scout.manual.MIN_MEASURED` or more measured
    person executions take their mean (a log that records starts for some executions
    only: from some date on, or by some of its users), and so do its measured executions
    ``closed`` outside the working day after a night (see :func:`_measured`). Their upper
    bounds stay."""
    closed = np.zeros(x.n, dtype=bool) if closed is None else closed
    measured = (source == _MEASURED) & ~closed
    if not measured.any():
        return
    n = int(x.activity.max(initial=-1)) + 1
    known = x.activity >= 0
    count = np.bincount(x.activity[measured & known], minlength=n)
    total = np.bincount(x.activity[measured & known], weights=handling[measured & known], minlength=n)
    mean = np.divide(total, count, out=np.full(n, np.nan), where=count > 0)
    rows = (np.isin(source, (_ESTIMATED, _NO_RESOURCE)) | closed) & known
    rows &= np.take(count >= MIN_MEASURED, np.where(known, x.activity, 0))
    handling[rows] = mean[x.activity[rows]]
    source[rows] = _MEASURED_OTHERS


def activity_means(upper: np.ndarray, bound: np.ndarray, activity: np.ndarray, rows: np.ndarray,
                   work_share: float) -> np.ndarray:
    """Per-instance estimates whose activity mean is ``work_share`` × the mean tight bound.

    For each activity (code), the target mean is ``work_share`` times the mean of the
    upper bounds of its tightly bounded rows (:data:`TIGHT_BOUNDS`; all bounded rows when
    fewer than :data:`MIN_TIGHT`), never more than the mean of all its upper bounds. Bounded rows
    keep their own bound, cut at the level that makes their mean the target; rows with no
    bound or a batch bound take the target.

    Example:
        >>> import numpy as np
        >>> from rpa_scout.handling import activity_means
        >>> upper = np.array([600.0, 300.0, 900.0, np.inf, 120.0])   # seconds since a bound
        >>> bound = np.array(["person", "person", "case", "none", "working day"])
        >>> activity = np.array([0, 0, 0, 0, 1])
        >>> activity_means(upper, bound, activity, np.ones(5, bool), work_share=0.5)
        array([300., 300., 300., 300.,  60.])
    """
    out = np.full(len(upper), np.nan)
    finite = rows & np.isfinite(upper) & (bound != BATCH_BOUND)
    bounded = finite & (bound != NO_BOUND)
    tight = bounded & np.isin(bound, TIGHT_BOUNDS)
    for code in np.unique(activity[rows]):
        mine = activity == code
        for level in (tight, bounded, finite):   # the tightest basis there is enough of
            basis = upper[mine & level]
            if len(basis) >= (MIN_TIGHT if level is tight else 1):
                break
        if len(basis) == 0:
            continue
        values = upper[mine & finite]
        target = min(work_share * float(np.mean(basis)), float(values.mean()))
        out[mine & rows] = target
        out[mine & finite] = np.minimum(values, _cut_level(values, target))
    return out


def _cut_level(values: np.ndarray, target: float) -> float:
    """The level c at which the mean of min(values, c) equals ``target`` (<= mean)."""
    v = np.sort(values)
    n = len(v)
    if n == 0 or target >= v.mean():
        return np.inf
    below = np.r_[0.0, np.cumsum(v)[:-1]]        # sum of the j smallest, j = 0..n-1
    level = (target * n - below) / (n - np.arange(n))
    ok = (level >= np.r_[0.0, v[:-1]]) & (level <= v)
    return float(level[ok][0]) if ok.any() else float(target)


def _capacity(x: _Arrays, day_lo: np.ndarray, day_hi: np.ndarray, hours: WorkingHours,
              handling: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Scale down estimates on account-days credited with more than the working day."""
    flagged = np.zeros(x.n, dtype=bool)
    rows = (x.account >= 0) & np.isin(source, [_MEASURED, _ESTIMATED, _MEASURED_OTHERS]) & np.isfinite(handling)
    estimate = rows & (source != _MEASURED)  # a step's measured mean given to an execution: scaled too
    if not estimate.any() or hours.start_hour is None:  # only estimates are scaled down
        return flagged
    day = _local_days(x.end, hours.timezone)
    key = np.where(day >= 0, (x.account.astype(np.int64) + 1) * (int(day.max(initial=0)) + 1) + day, -1)
    del day  # one key per account and local day (-1: no completion time)
    group, _ = pd.factorize(key)
    group[key < 0] = -1
    del key
    # the account-days with an estimate, each summed over all its rows in their order
    scaled = np.bincount(group[estimate & (group >= 0)], minlength=max(int(group.max()) + 1, 1)) > 0
    member = np.flatnonzero((group >= 0) & scaled[np.maximum(group, 0)])
    sums = pd.DataFrame({"h": np.where(rows[member], handling[member], 0.0),
                         "est": np.where(estimate[member], handling[member], 0.0)}).groupby(group[member]).sum()
    at = sums.index.get_indexer(group[member])
    total, estimated = sums["h"].to_numpy()[at], sums["est"].to_numpy()[at]
    del sums, at, group
    length = np.where(np.isfinite(day_hi - day_lo), day_hi - day_lo, 24.0)[member] * 3600.0
    over = estimate[member] & (total > length) & (estimated > 0)
    room = np.clip(length - (total - estimated), 0.0, None)
    scale = np.divide(room, estimated, out=np.ones(len(member)), where=estimated > 0)
    handling[member[over]] = handling[member[over]] * scale[over]
    flagged[member[over]] = True
    return flagged


def _local_days(end_s: np.ndarray, timezone: str) -> np.ndarray:
    """Each completion's local calendar day in ``timezone``, numbered from 0 for the
    earliest (-1 where the completion time is missing)."""
    midnight = pd.to_datetime(end_s, unit="s", utc=True).tz_convert(timezone).tz_localize(None).normalize()
    known = ~midnight.isna()
    out = np.full(len(end_s), -1, dtype=np.int64)
    if known.any():
        days = midnight[known]
        out[known] = ((days - days.min()) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)
    return out


def _not_person_time(x: _Arrays, handling: np.ndarray, source: np.ndarray) -> None:
    handling[x.system] = 0.0
    source[x.system] = _SYSTEM
    handling[x.artificial] = 0.0
    source[x.artificial] = _ARTIFICIAL


def _supplied(activity: pd.Series, standard_times: Mapping[str, float], x: _Arrays,
              handling: np.ndarray, source: np.ndarray, upper: np.ndarray) -> dict[str, np.ndarray]:
    """Standard times in place of the log's; returns what the log showed of the
    instances they replace (column :data:`REPLACED`): their measured time, or their
    estimate's upper bound, as :mod:`rpa_scout.criteria` reads the others."""
    minutes = standard_minutes_of(activity, standard_times)
    supplied = minutes.notna().to_numpy() & ~x.system & ~x.artificial
    bounded = np.isin(source, (_ESTIMATED, _NO_RESOURCE)) & np.isfinite(upper)
    shown = np.where(supplied, np.where(bounded, upper, handling), np.nan)
    handling[supplied] = minutes[supplied].to_numpy(dtype=float) * 60.0
    source[supplied] = _SUPPLIED
    return {REPLACED: shown}


def standard_minutes_of(activity: pd.Series, standard_times: Mapping[str, float]) -> pd.Series:
    """Each row's standard time in minutes (NaN where none is given): by the step's name,
    else by :func:`standard_name_key`. Matched once per distinct name.

    Example:
        >>> standard_minutes_of(pd.Series(["Asiatarkastus", "Kirjaus", "Päätös"]),
        ...                     {"asiatarkastus ": 5.0, "Kirjaus": 2.0}).tolist()
        [5.0, 2.0, nan]
    """
    exact = {str(name): float(value) for name, value in standard_times.items()}
    folded: dict[str, float] = {}
    for name, value in exact.items():
        folded.setdefault(standard_name_key(name), value)
    coded = Coded.text(activity)
    per_name = np.array([exact.get(str(n), folded.get(standard_name_key(n), np.nan)) for n in coded.values],
                        dtype=float)
    return pd.Series(coded.spread(per_name, np.nan), index=activity.index, dtype=float)


def summarise_handling(inst: pd.DataFrame, verdicts: pd.DataFrame,
                       calibration: Calibration = DEFAULT_CALIBRATION,
                       columns: LogColumns = XES) -> pd.DataFrame:
    """Per activity: person share, mean/median handling minutes, 80 % interval, source.

    The interval of a measured or supplied mean is its sampling error; that of an
    estimated mean also holds the range of its own gaps (:func:`gap_range`) and reaches
    as far beyond it as held-out real logs needed for its source and dominant bound
    (:class:`rpa_scout.calibration.Calibration`).
    ``loose_share`` is the share of timed person instances bounded only by the working
    day or by nothing, or with no person's previous work to bound them.

    Example:
        >>> from rpa_scout import detect_manual, estimate_handling_time, read_log
        >>> from rpa_scout.handling import summarise_handling
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> manual = detect_manual(log)
        >>> result = estimate_handling_time(log, manual=manual)
        >>> summarise_handling(result.instances, manual.activities).equals(result.activities)
        True
    """
    # grouped by the activities' codes (one factorisation, not one per group-by); named at the end
    act = Coded.text(inst[columns.activity])
    person = inst[PERFORMER] == PERSON
    frame = pd.DataFrame({"activity": act.codes, "person": person, "h": inst[HANDLING] / 60.0,
                          "source": inst[SOURCE], "bound": inst[BOUND],
                          "upper": inst[UPPER] / 60.0 if UPPER in inst else np.nan,
                          "naive": inst[NAIVE] / 60.0, "loose": inst[LOOSE],
                          "capacity": inst[CAPACITY]}, copy=False)
    if not act.known.all():  # an instance without an activity, as grouping text leaves it out
        frame = frame[act.known]
    people = frame[frame["person"].to_numpy()]  # each selection copied once: 10M events
    work = people[people["h"].notna().to_numpy()]  # hold 5M instances
    grouped = work.groupby("activity")["h"]
    out = pd.DataFrame({"instances": frame.groupby("activity").size()})
    out["manual_instances"] = people.groupby("activity").size()
    out["manual_instances"] = out["manual_instances"].fillna(0).astype(int)
    out["manual_share"] = out["manual_instances"] / out["instances"]
    out["timed_instances"] = grouped.size()
    out["mean_min"] = grouped.mean()
    out["median_min"] = grouped.median()
    out["source"] = _mode(work, "source")  # a step none of whose executions is timed: its people's
    out["source"] = out["source"].fillna(_mode(people, "source"))  # (dates only), not "system"
    estimated = work.loc[work[SOURCE].isin([ESTIMATED, NO_RESOURCE]).to_numpy(), ["activity", "bound"]]
    out["bound"] = _mode(estimated[(estimated["bound"] != "").to_numpy()], "bound")
    del estimated
    out["loose_share"] = work.groupby("activity")["loose"].mean()
    out["capacity_share"] = work.groupby("activity")["capacity"].mean()
    out["naive_mean_min"] = people.groupby("activity")["naive"].mean()
    gaps = _gap_range(work)
    out["gap_low_min"], out["gap_high_min"] = gaps["low"], gaps["high"]
    out["method_low_min"], out["method_high_min"] = _method_range(out, calibration)
    out["low_min"], out["high_min"] = _intervals(out, grouped.std(ddof=1).fillna(0.0))
    out.index = pd.Index(act.values[out.index.to_numpy()], dtype="string", name="activity")
    out = out.reset_index()
    kept = [c for c in ("activity", "verdict", "system_share", "evidence") if c in verdicts.columns]
    out = out.merge(verdicts[kept], on="activity", how="left")
    out["timed_instances"] = out["timed_instances"].fillna(0).astype(int)
    out["source"] = out["source"].fillna(SYSTEM_SOURCE)
    order = ["activity", "verdict", "instances", "manual_instances", "manual_share",
             "timed_instances", "mean_min", "median_min", "low_min", "high_min", "source",
             "bound", "gap_low_min", "gap_high_min", "method_low_min", "method_high_min",
             "loose_share", "capacity_share", "naive_mean_min", "system_share", "evidence"]
    return out[[c for c in order if c in out.columns]].sort_values(["instances", "activity"], ascending=[False, True],
                                  kind="stable").reset_index(drop=True)


def gap_range(upper: pd.Series, bound: pd.Series, activity: pd.Series) -> pd.DataFrame:
    """Per activity, the range its own completions allow for the mean of estimated work.

    ``low`` is the shortest gap before a completion on the basis :func:`activity_means`
    uses (the tight bounds when there are :data:`MIN_TIGHT` of them, else every bound);
    ``high`` is the mean of all bounded gaps (tight or the working day's start). When no
    work started before its bound, every gap holds the instance's work, so the true mean
    is at most ``high``; ``low`` is how short the work was on the quickest occasion the
    log shows. Rows with a batch or no bound, or an infinite gap, are left out.

    Args:
        upper: the estimated instances' upper bounds (any unit; the result has it).
        bound: what bounded each (:data:`CASE_BOUND`, :data:`PERSON_BOUND`, ...).
        activity: each instance's activity (or its code).

    Example:
        >>> import pandas as pd
        >>> from rpa_scout.handling import gap_range
        >>> gap_range(pd.Series([4.0, 2.0, 9.0, 30.0]), pd.Series(["case", "person", "working day", "none"]),
        ...           pd.Series(["a", "a", "a", "a"]))
           low  high
        a  2.0   5.0
    """
    gap = upper.to_numpy(dtype=float)
    tight = bound.isin(TIGHT_BOUNDS).to_numpy()
    bounded = np.isfinite(gap) & (tight | (bound == DAY_BOUND).to_numpy())
    frame = pd.DataFrame({"activity": activity.to_numpy()[bounded], "upper": gap[bounded],
                          "tight": tight[bounded]})
    grouped = frame.groupby("activity")["upper"]
    shortest = frame[frame["tight"]].groupby("activity")["upper"].agg(["min", "size"])
    shortest = shortest.reindex(grouped.size().index)
    low = shortest["min"].where(shortest["size"] >= MIN_TIGHT, grouped.min())
    out = pd.DataFrame({"low": low, "high": grouped.mean()})
    out.index.name = None
    return out


def _gap_range(work: pd.DataFrame) -> pd.DataFrame:
    """:func:`gap_range` of the estimated rows of summarise_handling's work frame."""
    estimated = work.loc[work["source"].isin([ESTIMATED, NO_RESOURCE]).to_numpy(), ["upper", "bound", "activity"]]
    return gap_range(estimated["upper"], estimated["bound"].astype(object), estimated["activity"])


def _method_range(out: pd.DataFrame, calibration: Calibration) -> tuple[pd.Series, pd.Series]:
    """The estimator's range of each estimated activity mean (before sampling error): its
    gap range, reaching further by the calibration's factors measured on held-out logs."""
    mean = out["mean_min"]
    low, high = mean.copy(), mean.copy()
    estimated = out["source"].isin([ESTIMATED, NO_RESOURCE]) & (mean > 0)
    for name in out.index[estimated]:
        down, up = calibration.interval_factors(str(out.at[name, "source"]), str(out.at[name, "bound"]))
        low[name] = np.fmin(mean[name] * np.exp(-down), out.at[name, "gap_low_min"])
        high[name] = np.fmax(mean[name] * np.exp(up), out.at[name, "gap_high_min"])
    return low, high


def _intervals(out: pd.DataFrame, sd: pd.Series) -> tuple[pd.Series, pd.Series]:
    """80 % interval of each activity's mean: sampling error, and for estimates the
    estimator's range (:func:`_method_range`), combined on the log scale."""
    n = out["timed_instances"].clip(lower=1)
    mean = out["mean_min"]
    se = sd / np.sqrt(n)
    low, high = (mean - Z80 * se).clip(lower=0.0), mean + Z80 * se
    estimated = out["source"].isin([ESTIMATED, NO_RESOURCE]) & (mean > 0)
    with np.errstate(divide="ignore"):
        down = np.log(mean[estimated] / out.loc[estimated, "method_low_min"])
        up = np.log(out.loc[estimated, "method_high_min"] / mean[estimated])
    rel = Z80 * se[estimated] / mean[estimated]
    low[estimated] = mean[estimated] * np.exp(-np.hypot(down, rel))
    high[estimated] = mean[estimated] * np.exp(np.hypot(up, rel))
    supplied = out["source"] == SUPPLIED
    low[supplied], high[supplied] = mean[supplied], mean[supplied]
    return low, high


def _mode(frame: pd.DataFrame, column: str) -> pd.Series:
    """Most common value of ``column`` per activity (ties: alphabetical)."""
    if frame.empty:
        return pd.Series(dtype=object)
    counts = frame.groupby(["activity", column], observed=True).size().rename("n").reset_index()
    counts = counts.sort_values(["activity", "n", column], ascending=[True, False, True], kind="stable")
    return counts.drop_duplicates("activity").set_index("activity")[column].astype("str")


def case_opened(case: np.ndarray, end: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """For each row, the earliest completion of an ``eligible`` row of its case (NaN for
    none; rows of case -1 get NaN).

    Example:
        >>> import numpy as np
        >>> from rpa_scout.handling import case_opened
        >>> case_opened(np.array([0, 0, 1, 1, -1]), np.array([10.0, 5.0, 7.0, 9.0, 1.0]),
        ...             np.array([True, False, True, True, True]))
        array([10., 10.,  7.,  7., nan])
    """
    first = np.full(int(case.max(initial=-1)) + 2, np.inf)  # the last slot: case -1
    values = np.where(eligible & ~np.isnan(end), end, np.inf)
    np.minimum.at(first, case.astype(np.intp, copy=False), values)  # -1: the last slot
    first[-1] = np.inf
    first[np.isinf(first)] = np.nan
    return np.take(first, case)


def previous_end(group: np.ndarray, end: np.ndarray, eligible: np.ndarray | None = None) -> np.ndarray:
    """For each row, the latest earlier completion of an ``eligible`` row of the same group
    (NaN for none; rows of group -1 get NaN). Rows at the same instant are ordered by
    position.

    Example:
        >>> import numpy as np
        >>> from rpa_scout.handling import previous_end
        >>> previous_end(np.array([0, 0, 1, 0, -1]), np.array([10.0, 20.0, 15.0, 30.0, 5.0]))
        array([nan, 10., nan, 20., nan])
        >>> previous_end(np.array([0, 0, 0]), np.array([10.0, 20.0, 30.0]), np.array([True, False, True]))
        array([nan, 10., 10.])
    """
    n = len(end)
    order = np.lexsort((end, group))  # stable: rows at the same instant keep their order
    t = end[order]
    ok = ~np.isnan(t) if eligible is None else eligible[order] & ~np.isnan(t)
    last = np.where(ok, np.arange(n), -1)  # the last eligible row up to each row, in that order
    del ok
    np.maximum.accumulate(last, out=last)
    prev = np.empty(n, dtype=np.int64)  # ... before each row
    prev[:1] = -1
    prev[1:] = last[:-1]
    del last
    g = group[order]
    valid = (prev >= group_firsts(g)) & (g >= 0)  # in the row's own group
    out = np.full(n, np.nan)
    out[order[valid]] = t[prev[valid]]
    return out
