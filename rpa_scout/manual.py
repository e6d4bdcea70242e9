"""Which steps people do and which the system does, with the evidence for each verdict.

Every event gets a ``performer`` ("person", "system" or "unknown") and the ``evidence``
that decided it, in this order of precedence:

1. **configuration** (:class:`ManualRules`): activity or resource patterns the analyst
   states (a municipality knows its robot accounts);
2. **resource names**: system, batch, robot and integration accounts (``SYSTEM``,
   ``JÄRJESTELMÄ``, ``batch``, ``robotti``, ...) or shared staff accounts
   (``STAFF MEMBER``);
3. **behaviour**, for when names lie:
   - *near-zero duration* (start and complete within seconds, when starts are logged);
   - *seconds after the same person's previous event* (a system step logged under the
     user who triggered it);
   - *batch bursts*: one account completing many cases at the very same instant;
   - *machine-like accounts*: more events on a typical active day than a person does,
     or most events at night and on weekends;
4. otherwise "person" when a resource is named, "unknown" when none is.

Time-based evidence is switched off for events whose timestamps are dates
(see :func:`date_stamped_events`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rpa_scout.columns import XES, LogColumns
from rpa_scout.lifecycle import pair_lifecycle
from rpa_scout.timestamps import DEFAULT_TIMEZONE, epoch_seconds

PERSON, SYSTEM, UNKNOWN = "person", "system", "unknown"

SYSTEM_NAME_PATTERN = (
    r"(?i)(?:^|[\W_])(?:system|sys|järjestelmä|jarjestelma|systemet|batch|eräajo|robot|robotti|"
    r"rpa|bot|automat\w*|automaatti\w*|integration|integraatio|scheduler|daemon|api|"
    r"interface|job|service account|palvelutili|e-?asiointi|asiointipalvelu|e-?service|"
    r"e-?tjänst|portaali|portal)(?:$|[\W_])"
)
PERSON_NAME_PATTERN = r"(?i)(?:^|[\W_])(?:staff|staff member|employee|user|henkilöstö|käyttäjä|personal)(?:$|[\W_])"


@dataclass(frozen=True)
class ManualRules:
    """Thresholds and explicit rules; defaults are stated with their reasoning.

    Attributes:
        system_resources: regex patterns of system accounts (added to the built-in ones).
        person_resources: regex patterns of accounts that are people (or shared staff).
        system_activities: activities the analyst knows are automated.
        manual_activities: activities the analyst knows are done by people.
        quick_seconds: an event completed this soon after the same account's previous
            event is system work triggered by the user: no person reads, decides and
            records a step in under 10 s (keystroke-level models put even a simple
            form entry above 10 s: Card, Moran & Newell 1983).
        zero_duration_seconds: measured durations at or below this are system work.
        burst_cases: this many cases completed by one account at the same instant is a
            batch run.
        machine_daily_events: an account whose 90th-percentile active day has more events
            than this is not one person (a case worker logs tens of steps a day, not
            hundreds; 8 h / 400 events = 72 s per event).
        off_hours_share: an account with more than this share of events at night
            (22–06 local) or on weekends is a machine account.
        activity_share: an activity is called system (or manual) when at least this
            share of its events is.
        timezone: zone for time-of-day evidence.
    """

    system_resources: tuple[str, ...] = ()
    person_resources: tuple[str, ...] = ()
    system_activities: tuple[str, ...] = ()
    manual_activities: tuple[str, ...] = ()
    quick_seconds: float = 10.0
    zero_duration_seconds: float = 5.0
    burst_cases: int = 5
    machine_daily_events: int = 400
    off_hours_share: float = 0.5
    activity_share: float = 0.5
    timezone: str = DEFAULT_TIMEZONE


@dataclass(frozen=True)
class ManualResult:
    """Per-instance verdicts and the per-activity summary."""

    instances: pd.DataFrame
    activities: pd.DataFrame
    rules: ManualRules = field(default_factory=ManualRules)


def detect_manual(log: pd.DataFrame, *, rules: ManualRules | None = None,
                  columns: LogColumns = XES) -> ManualResult:
    """Classify each activity instance as person, system or unknown work.

    Args:
        log: event log with XES column names (start/complete events are paired first).
        rules: explicit rules and thresholds; defaults when ``None``.
        columns: column mapping.

    Returns:
        ``instances``: the paired instances with ``performer`` and ``evidence``;
        ``activities``: one row per activity with ``instances``, ``person_share``,
        ``system_share``, ``unknown_share``, ``verdict`` (manual / automated / mixed /
        unknown) and ``evidence`` (one line).
    """
    rules = rules or ManualRules()
    inst = pair_lifecycle(log, columns=columns).instances
    classify_instances(inst, rules, columns)
    return ManualResult(inst, summarise_activities(inst, rules, columns), rules)


def classify_instances(inst: pd.DataFrame, rules: ManualRules, columns: LogColumns = XES) -> None:
    """Add ``performer`` and ``evidence`` columns to an instance table, in place."""
    n = len(inst)
    act = inst[columns.activity].astype("string")
    has_res = columns.resource in inst.columns
    res = inst[columns.resource].astype("string") if has_res else pd.Series(pd.NA, index=inst.index, dtype="string")
    performer = np.full(n, "", dtype=object)
    evidence = np.full(n, "", dtype=object)

    def assign(mask: np.ndarray, who: str, why: str) -> None:
        free = mask & (performer == "")
        performer[free] = who
        evidence[free] = why

    assign(_matches(act, rules.system_activities), SYSTEM, "configured system activity")
    assign(_matches(act, rules.manual_activities), PERSON, "configured manual activity")
    assign(_matches(res, rules.system_resources), SYSTEM, "configured system account")
    assign(_matches(res, rules.person_resources), PERSON, "configured person account")
    assign(contains_distinct(res, SYSTEM_NAME_PATTERN), SYSTEM, "system account name")
    named_person = contains_distinct(res, PERSON_NAME_PATTERN)

    end_s = epoch_seconds(inst[columns.timestamp])
    start_s = epoch_seconds(inst[columns.start_timestamp]) if columns.start_timestamp in inst.columns \
        else np.full(n, np.nan)
    timed = ~date_stamped_events(inst[columns.timestamp], act)
    with np.errstate(invalid="ignore"):
        zero = (end_s - start_s) <= rules.zero_duration_seconds
    assign(zero & timed, SYSTEM, "near-zero measured duration")
    if has_res:
        known = res.notna().to_numpy()
        machine = _machine_accounts(res, end_s, timed, rules)
        assign(known & res.isin(machine).to_numpy() & ~named_person, SYSTEM,
               "machine-like account (volume or night/weekend work)")
        assign(_bursts(res, end_s, inst[columns.case], rules) & timed & ~named_person, SYSTEM,
               "batch burst (many cases at one instant)")
        quick = _quick_after_own(res, end_s, start_s, rules)
        assign(quick & timed & ~named_person, SYSTEM, "seconds after the same account's previous event")
        assign(named_person, PERSON, "staff account name")
        assign(known, PERSON, "named resource")
    assign(np.ones(n, dtype=bool), UNKNOWN, "no resource recorded")
    inst["performer"] = performer
    inst["evidence"] = evidence


def summarise_activities(inst: pd.DataFrame, rules: ManualRules,
                         columns: LogColumns = XES) -> pd.DataFrame:
    """Per-activity shares of person, system and unknown work, a verdict and evidence."""
    act = inst[columns.activity].astype("string")
    table = pd.crosstab(act, inst["performer"]).reindex(columns=[PERSON, SYSTEM, UNKNOWN], fill_value=0)
    total = table.sum(axis=1)
    out = pd.DataFrame({
        "activity": table.index.astype(str),
        "instances": total.to_numpy(),
        "person_share": (table[PERSON] / total).to_numpy(),
        "system_share": (table[SYSTEM] / total).to_numpy(),
        "unknown_share": (table[UNKNOWN] / total).to_numpy(),
    })
    share = rules.activity_share
    out["verdict"] = np.select(
        [out["person_share"] >= share, out["system_share"] >= share, out["unknown_share"] >= share],
        ["manual", "automated", "unknown"], default="mixed")
    top = (inst.assign(_a=act).groupby(["_a", "evidence"], observed=True).size()
           .rename("n").reset_index().sort_values(["_a", "n", "evidence"], ascending=[True, False, True]))
    reasons: dict[str, str] = {}
    for name, group in top.groupby("_a", sort=False):
        parts = [f"{n / group['n'].sum():.0%} {why}" for why, n in zip(group["evidence"], group["n"])]
        reasons[str(name)] = "; ".join(parts[:3])
    out["evidence"] = out["activity"].map(reasons)
    return out.sort_values(["instances", "activity"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _matches(values: pd.Series, patterns: tuple[str, ...]) -> np.ndarray:
    if not patterns:
        return np.zeros(len(values), dtype=bool)
    joined = "|".join(f"(?:{p})" for p in patterns)
    codes, uniques = pd.factorize(values)
    hits = pd.Series(uniques, dtype="string").str.fullmatch(f"(?i)(?:{joined})", na=False).to_numpy(dtype=bool)
    return np.r_[hits, False][codes]


def contains_distinct(values: pd.Series, pattern: str) -> np.ndarray:
    """``values.str.contains(pattern)`` evaluated once per distinct value (these regexes
    fall back to Python's ``re`` row by row, seconds on a million events)."""
    codes, uniques = pd.factorize(values)
    hits = pd.Series(uniques, dtype="string").str.contains(pattern, regex=True, na=False).to_numpy(dtype=bool)
    return np.r_[hits, False][codes]


def date_stamped_events(ts: pd.Series, activity: pd.Series) -> np.ndarray:
    """Events whose timestamp is a date, not a time.

    Exports that store dates write them as midnight in the exporter's zone: one or two
    (daylight saving) whole-hour clock times in UTC. Such events count as dates when
    those clock times hold at least a tenth of the log and dominate two or more
    activities; a single activity always run at one clock time is a scheduled batch job,
    which stays timed.
    """
    seconds = (ts.dt.hour * 3600 + ts.dt.minute * 60 + ts.dt.second).to_numpy()
    whole = seconds % 3600 == 0
    none = np.zeros(len(ts), dtype=bool)
    if not whole.any():
        return none
    values, counts = np.unique(seconds[whole], return_counts=True)
    top = values[np.argsort(-counts, kind="stable")[:2]]
    stamped = whole & np.isin(seconds, top)
    if stamped.mean() < 0.1:
        return none
    share = pd.Series(stamped).groupby(activity.astype("string").to_numpy()).mean()
    return stamped if int((share >= 0.5).sum()) >= 2 else none


def _machine_accounts(res: pd.Series, end_s: np.ndarray, timed: np.ndarray,
                      rules: ManualRules) -> set[str]:
    known = res.notna().to_numpy() & timed
    if not known.any():
        return set()
    local = pd.to_datetime(end_s[known], unit="s", utc=True).tz_convert(rules.timezone)
    frame = pd.DataFrame({"r": res[known].to_numpy(), "day": local.normalize(),
                          "off": (local.hour >= 22) | (local.hour < 6) | (local.dayofweek >= 5)})
    daily = frame.groupby(["r", "day"]).size().groupby(level=0).quantile(0.9)
    off = frame.groupby("r")["off"].mean()
    busy = set(daily[daily > rules.machine_daily_events].index)
    night = set(off[(off > rules.off_hours_share) & (frame.groupby("r").size() >= 20)].index)
    return busy | night


def _bursts(res: pd.Series, end_s: np.ndarray, case: pd.Series, rules: ManualRules) -> np.ndarray:
    frame = pd.DataFrame({"r": res.to_numpy(), "t": end_s, "c": case.to_numpy()})
    cases_at = frame.groupby(["r", "t"], dropna=True)["c"].transform("nunique")
    return (cases_at >= rules.burst_cases).fillna(False).to_numpy()


def _quick_after_own(res: pd.Series, end_s: np.ndarray, start_s: np.ndarray,
                     rules: ManualRules) -> np.ndarray:
    """Complete-only events finished within ``quick_seconds`` of the account's previous one."""
    codes, _ = pd.factorize(res)
    order = np.lexsort((end_s, codes))
    r = codes[order]
    t = end_s[order]
    same = np.r_[False, r[1:] == r[:-1]] & (r >= 0)
    gap = np.r_[np.inf, np.diff(t)]
    quick_sorted = same & (gap <= rules.quick_seconds) & np.isnan(start_s[order])
    quick = np.zeros(len(t), dtype=bool)
    quick[order] = quick_sorted
    return quick
