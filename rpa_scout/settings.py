"""Every setting rpa_scout has, in one frozen :class:`Settings`, one section per stage.

``Settings(read, manual, handling, rank, economics)``: how to read the log, how to tell
person from system work, where handling times come from, how to rank, and the economic
assumptions. The CLI builds one (``rpa_scout.io.config.load_settings`` reads and checks
a YAML file against the same sections) and passes it down whole; in Python::

    >>> from rpa_scout.settings import Settings, ReadSettings, RankConfig
    >>> settings = Settings(read=ReadSettings(timezone="Europe/Amsterdam"),
    ...                     rank=RankConfig(fit_threshold=0.5))
    >>> settings.manual.timezone    # one zone: the log's, given once
    'Europe/Amsterdam'

This module imports nothing heavy, so the CLI can build its choices from it quickly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Mapping

from rpa_scout.assumptions import Economics
from rpa_scout.calibration import DEFAULT_CALIBRATION, Calibration
from rpa_scout.errors import ConfigError

DEFAULT_TIMEZONE = "Europe/Helsinki"
CRITERIA = ("rule_basedness", "standardisation", "variability", "stability", "rework", "manual_share")
#: Size criteria, 0–1 on a log scale relative to the largest candidate of the log; shown
#: and weightable, but not in the default fit (hours already rank by size).
SIZE_CRITERIA = ("volume", "handling")
ALL_CRITERIA = CRITERIA + SIZE_CRITERIA
SORT_KEYS = ("hours", "fit", "volume", "handling", "euros", "payback")
#: The default read limit: 10–20 million events of about 200 bytes (README, Security and limits).
DEFAULT_MAX_BYTES = 4 << 30


@dataclass(frozen=True)
class ReadSettings:
    """How to read a log (the keywords of :func:`rpa_scout.read_log`).

    Attributes:
        preset: column preset (``xes``, ``csv``, ``disco``, ``fi``, ``sv``), or detected.
        case, activity, timestamp, resource, lifecycle, start_timestamp: explicit columns.
        event_id: event-identifier column (``""`` for none; detected when ``None``).
        timestamp_format: strftime format that wins over detection.
        timezone: the log's zone: naive timestamps are read in it and the working day is
            found in it (the only place a zone is set).
        delimiter, encoding, sheet: CSV and Excel options.
        drop_duplicates: drop rows that repeat an identical earlier row.
        max_bytes: read at most this many uncompressed bytes.

    Example:
        >>> from rpa_scout import ReadSettings, read_log
        >>> read = ReadSettings(timezone="Europe/Amsterdam", drop_duplicates=True)
        >>> log, report = read_log("eventlogs/varhaiskasvatus.csv.gz", **read.keywords())
        >>> report.repeated.treatment, str(log["time:timestamp"].dt.tz)
        ('dropped', 'UTC')
    """

    preset: str | None = None
    case: str | None = None
    activity: str | None = None
    timestamp: str | None = None
    resource: str | None = None
    lifecycle: str | None = None
    start_timestamp: str | None = None
    event_id: str | None = None
    timestamp_format: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    drop_duplicates: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES

    def keywords(self) -> dict[str, object]:
        """The keyword arguments of :func:`rpa_scout.read_log`."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "preset"}
        return {"columns": self.preset, **out}


@dataclass(frozen=True)
class AccountRules:
    """Behavioural thresholds for accounts (:mod:`rpa_scout.accounts`), with their reasoning.

    Attributes:
        machine_daily_events: an account whose 90th-percentile active day has more events
            than this is not one person (a case worker logs tens of steps a day, not
            hundreds; 8 h / 400 events = 72 s per event).
        off_hours_share: an account with more than this share of events at night
            (22–06 local) or on weekends, that also logs at least
            ``machine_off_hours_events`` events on its median active day, is a machine
            (an e-service account taking submissions round the clock). Few events at
            night are shift work, which municipal social and care services run.
        machine_off_hours_events: see ``off_hours_share``: a person logs tens of steps
            in a shift, not a hundred.
        person_day_hours: an account whose median active day has events in more
            different clock hours than this is several people sharing one login (with
            at least ``machine_off_hours_events`` events on that day, a machine). 13 h:
            the Finnish Working Hours Act (872/2019, § 25) requires 11 hours of
            uninterrupted rest in every 24, so one person's day cannot cover more. A
            person's few events a day scattered over the clock do not trip it.
    """

    machine_daily_events: int = 400
    off_hours_share: float = 0.5
    machine_off_hours_events: int = 100
    person_day_hours: float = 13.0


@dataclass(frozen=True)
class ManualRules(AccountRules):
    """How person and system work are told apart (:func:`rpa_scout.detect_manual`).

    Attributes (besides the account thresholds of :class:`AccountRules`):
        system_resources: regex patterns of system accounts (added to the built-in ones).
        person_resources: regex patterns of accounts that are people.
        system_activities: activities the analyst knows are automated.
        manual_activities: activities the analyst knows are done by people.
        quick_seconds: steps of one case completed by one account this close together are
            one piece of work and its records: no person reads, decides and records a
            step in under 10 s (keystroke-level models put even a simple form entry above
            10 s: Card, Moran & Newell 1983).
        pattern_cases: two steps count as a step and its record only when they are
            completed together in at least this many cases.
        tie_margin: when two such steps come with others equally often, within this
            margin (share of occurrences), the earlier one is the work.
        record_share: a step is a record only if at least this share of its occurrences
            come within seconds of another step of the account (a record nearly always
            appears with the work it records).
        zero_duration_seconds: measured durations at or below this are system work.
        burst_cases: this many cases completed by one account at the same instant is a
            batch run.
        activity_share: an activity is called system (or manual) when at least this
            share of its events is.
        timezone: zone for time-of-day evidence (set from ``ReadSettings.timezone``
            inside :class:`Settings`).

    Example:
        >>> from rpa_scout import ManualRules, detect_manual, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> rules = ManualRules(system_activities=("Asiatarkastus",))   # known to be automated
        >>> verdicts = detect_manual(log, rules=rules).activities.set_index("activity")["verdict"]
        >>> verdicts["Asiatarkastus"], verdicts["Hyväksyntä"]
        ('automated', 'manual')
    """

    system_resources: tuple[str, ...] = ()
    person_resources: tuple[str, ...] = ()
    system_activities: tuple[str, ...] = ()
    manual_activities: tuple[str, ...] = ()
    quick_seconds: float = 10.0
    pattern_cases: int = 5
    tie_margin: float = 0.05
    record_share: float = 0.5
    zero_duration_seconds: float = 5.0
    burst_cases: int = 5
    activity_share: float = 0.5
    timezone: str = DEFAULT_TIMEZONE


@dataclass(frozen=True)
class HandlingSettings:
    """Where handling times come from besides the log.

    Attributes:
        standard_times: activity → minutes from the municipality's own time study;
            overrides estimates.
        calibration: the completion-only estimator's work share and measured error.

    Example:
        >>> from rpa_scout import HandlingSettings, Settings, estimate_handling_time, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> settings = Settings(handling=HandlingSettings(standard_times={"Asiatarkastus": 6.5}))
        >>> acts = estimate_handling_time(log, settings=settings).activities.set_index("activity")
        >>> acts.loc["Asiatarkastus", "source"], float(acts.loc["Asiatarkastus", "mean_min"])
        ('supplied', 6.5)
    """

    standard_times: Mapping[str, float] = field(default_factory=dict)
    calibration: Calibration = DEFAULT_CALIBRATION


@dataclass(frozen=True)
class RankConfig:
    """Weights and thresholds of the ranking (YAML keys of the same names).

    Attributes:
        weights: weight of each 0–1 criterion in the fit score (:data:`CRITERIA`; the
            size criteria ``volume`` and ``handling`` may be weighted too, 0 by default).
        fit_threshold: candidates below this fit are not recommended.
        minimums: knock-out floors per criterion (0–1): a candidate scoring below any of
            them is not recommended whatever its fit. The default keeps steps whose
            handling time varies far more than the log's most uniform steps (judgement
            work) out of the recommendations. (Two more knock-outs are fixed: a step on
            which one account would log more hours a year than a person works, and one
            whose estimates are mostly upper bounds.)
        sort_by: hours | fit | volume | handling | euros | payback.
        routines: also look for multi-step routines.
        bootstrap_rounds: resamples of cases for the interval.
        seed: seed of the bootstrap and the decision trees.

    Example:
        >>> from rpa_scout import RankConfig, Settings, rank_candidates, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> config = RankConfig(fit_threshold=0.9, sort_by="fit", bootstrap_rounds=20)
        >>> table = rank_candidates(log, settings=Settings(rank=config)).candidates
        >>> table.loc[table["recommended"], ["candidate", "fit"]].round(2).values.tolist()
        [['Tilausvastaavuuden tarkistus', 0.93], ['Kustannuspaikan tiliöinti', 0.9]]
    """

    weights: Mapping[str, float] = field(default_factory=lambda: {
        "rule_basedness": 0.30, "standardisation": 0.15, "variability": 0.15,
        "stability": 0.10, "rework": 0.10, "manual_share": 0.20})
    fit_threshold: float = 0.6
    minimums: Mapping[str, float] = field(default_factory=lambda: {"variability": 0.6})
    sort_by: str = "hours"
    routines: bool = True
    bootstrap_rounds: int = 200
    seed: int = 0

    def __post_init__(self) -> None:
        _known(self.weights, "criterion weight")
        values = list(self.weights.values())
        if any(not math.isfinite(w) or w < 0 for w in values) or sum(values) <= 0:
            raise ConfigError("criterion weights must be finite, non-negative and not all zero")
        if self.sort_by not in SORT_KEYS:
            raise ConfigError(f"unknown sort key {self.sort_by!r}; choose one of {', '.join(SORT_KEYS)}")
        if not 0 <= self.fit_threshold <= 1:
            raise ConfigError(f"fit_threshold must be between 0 and 1, got {self.fit_threshold}")
        _known(self.minimums, "criterion minimum")
        if any(not 0 <= v <= 1 for v in self.minimums.values()):
            raise ConfigError("criterion minimums must be between 0 and 1")
        if self.bootstrap_rounds < 1:
            raise ConfigError(f"bootstrap_rounds must be at least 1, got {self.bootstrap_rounds}")


def _known(values: Mapping[str, float], what: str) -> None:
    unknown = set(values) - set(ALL_CRITERIA)
    if unknown:
        raise ConfigError(f"unknown {what}(s) {', '.join(sorted(unknown))}; known: {', '.join(ALL_CRITERIA)}")


@dataclass(frozen=True)
class Settings:
    """All settings, one section per stage; the zone is the ``read`` section's only.

    Build them in Python, or read them from a YAML file with
    :func:`rpa_scout.io.config.load_settings`.

    Example:
        >>> from rpa_scout import RankConfig, ReadSettings, Settings
        >>> settings = Settings(read=ReadSettings(timezone="Europe/Amsterdam"),
        ...                     rank=RankConfig(sort_by="volume"))
        >>> settings.timezone, settings.manual.timezone, settings.rank.sort_by
        ('Europe/Amsterdam', 'Europe/Amsterdam', 'volume')
        >>> Settings() == Settings.of()
        True
    """

    read: ReadSettings = field(default_factory=ReadSettings)
    manual: ManualRules = field(default_factory=ManualRules)
    handling: HandlingSettings = field(default_factory=HandlingSettings)
    rank: RankConfig = field(default_factory=RankConfig)
    economics: Economics = field(default_factory=Economics)

    def __post_init__(self) -> None:
        if self.manual.timezone != self.read.timezone:
            object.__setattr__(self, "manual", replace(self.manual, timezone=self.read.timezone))

    @classmethod
    def of(cls, *, timezone: str | None = None, standard_times: Mapping[str, float] | None = None,
           calibration: Calibration | None = None, rank: RankConfig | None = None,
           economics: Economics | None = None, manual: ManualRules | None = None) -> "Settings":
        """Settings with the commonly changed values given directly, the rest defaults.

        >>> Settings.of(timezone="Europe/Amsterdam", standard_times={"Kirjaus": 6}).handling.standard_times
        {'Kirjaus': 6}
        """
        handling = HandlingSettings(dict(standard_times or {}), calibration or DEFAULT_CALIBRATION)
        return cls(read=ReadSettings(timezone=timezone or DEFAULT_TIMEZONE),
                   manual=manual or ManualRules(), handling=handling,
                   rank=rank or RankConfig(), economics=economics or Economics())

    @property
    def timezone(self) -> str:
        """The log's zone (``read.timezone``)."""
        return self.read.timezone
