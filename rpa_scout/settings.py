"""Every setting rpa_scout has, in one frozen :class:`Settings`, one section per stage.

``Settings(read, manual, handling, rank, economics, present, filter)``: how to read the
log, how to tell person from system work, where handling times come from, how to rank, the
economic assumptions, how results are shown to people (their language), and which part of
the log to analyse. The CLI builds one (``rpa_scout.io.config.load_settings`` reads and checks
a YAML file against the same sections) and passes it down whole; in Python::

    >>> from rpa_scout.settings import Settings, ReadSettings, RankConfig
    >>> settings = Settings(read=ReadSettings(timezone="Europe/Amsterdam"),
    ...                     rank=RankConfig(fit_threshold=0.5))
    >>> settings.manual.timezone    # one zone: the log's, given once
    'Europe/Amsterdam'

This module imports nothing heavy, so the CLI can build its choices from it quickly.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field, fields, replace
from typing import Iterable, Mapping

from rpa_scout.arguments import require_type
from rpa_scout.assumptions import FTE_HOURS, Economics
from rpa_scout.calibration import DEFAULT_CALIBRATION, Calibration
from rpa_scout.errors import ConfigError
from rpa_scout.lang import DEFAULT_LANG, LANGS

DEFAULT_TIMEZONE = "Europe/Helsinki"
CRITERIA = ("rule_basedness", "standardisation", "variability", "stability", "rework", "manual_share")
#: Size criteria, 0–1 on a log scale relative to the largest candidate of the log; shown
#: and weightable, but not in the default fit (hours already rank by size).
SIZE_CRITERIA = ("volume", "handling")
ALL_CRITERIA = CRITERIA + SIZE_CRITERIA
SORT_KEYS = ("hours", "fit", "volume", "handling", "euros", "payback")
#: How epoch numbers are read (:func:`rpa_scout.timestamps.parse_timestamps`).
EPOCH_CLOCKS = ("auto", "utc", "local")
#: The default read limit: 10–20 million events of about 200 bytes (README, Security and limits).
DEFAULT_MAX_BYTES = 4 << 30


@dataclass(frozen=True)
class ReadSettings:
    """How to read a log (the keywords of :func:`rpa_scout.read_log`).

    Attributes:
        preset: column preset (``xes``, ``csv``, ``disco``, ``fi``, ``sv``), or detected.
        case, activity, timestamp, resource, lifecycle, start_timestamp, instance: explicit
            columns (``instance``: the activity instance id that pairs a start with its
            complete).
        event_id: event-identifier column (``""`` for none; detected when ``None``).
        timestamp_format: strftime format that wins over detection.
        timezone: the log's zone: naive timestamps are read in it and the working day is
            found in it (the only place a zone is set).
        delimiter, encoding, sheet: CSV and Excel options.
        drop_duplicates: drop rows that repeat an identical earlier row.
        max_bytes: read at most this many uncompressed bytes.
        cache: keep a Parquet copy of an XES log beside it (named by its content hash),
            so the next run reads that instead of the XML.
        epoch_clock: how epoch numbers are read: ``auto`` (UTC, unless a tenth of the
            values are dates at exactly 00:00 UTC, which only an export that wrote
            wall-clock time as if it were UTC produces: then in ``timezone``; BPIC15's
            five-municipality Parquet file), ``utc`` or ``local``.

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
    instance: str | None = None
    event_id: str | None = None
    timestamp_format: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    drop_duplicates: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    cache: bool = True
    epoch_clock: str = "auto"

    def __post_init__(self) -> None:
        _check_zone(self.timezone)
        if self.epoch_clock not in EPOCH_CLOCKS:
            raise ConfigError(f"epoch clock must be one of {', '.join(EPOCH_CLOCKS)}, "
                              f"got {self.epoch_clock!r}")

    def keywords(self) -> dict[str, object]:
        """The keyword arguments of :func:`rpa_scout.read_log`."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "preset"}
        return {"columns": self.preset, **out}


def _check_zone(name: str) -> None:
    """:class:`ConfigError` for a zone name pandas does not know; a zone of the system's
    database passes without importing pandas (the command line starts fast)."""
    import zoneinfo  # noqa: PLC0415

    try:
        zoneinfo.ZoneInfo(name)
        return
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        pass
    from rpa_scout.timestamps import check_timezone  # noqa: PLC0415 - pandas reads more forms

    check_timezone(name)


PERIOD_BASES = ("cases", "events")
#: The command line's option of each filter setting: an error from the Python API names
#: both (``date_from (--from)``), one from the CLI its option alone.
FILTER_OPTIONS = {"date_from": "--from", "date_to": "--to", "period_basis": "--period-basis",
                  "min_cases": "--min-cases", "where": "--where"}
#: The forms of a ``--where`` condition.
WHERE_FORMS = "COLUMN=VALUE, COLUMN!=VALUE, 'COLUMN in A,B' or 'COLUMN not in A,B'"
_IN = re.compile(r"^(?P<column>.+?)\s+(?P<op>not\s+in|in)\s+(?P<values>.+)$", re.IGNORECASE)
_DAY_FORMS = ((re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), (1, 2, 3)),
              (re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"), (3, 2, 1)))


def parse_day(text: object, name: str) -> str:
    """A day written ``YYYY-MM-DD`` or Finnish ``d.m.yyyy`` (or a ``datetime.date``, or a
    ``datetime``/``pandas.Timestamp`` at midnight), as ``YYYY-MM-DD``.

    Raises:
        ConfigError: naming ``name`` (the option or key) and the value.

    Example:
        >>> parse_day("1.2.2014", "--from"), parse_day(dt.datetime(2014, 2, 1), "--from")
        ('2014-02-01', '2014-02-01')
    """
    if isinstance(text, dt.datetime):  # pandas.Timestamp too: a day's midnight is that day
        if text.time() != dt.time(0):
            raise ConfigError(f"{name} {str(text)!r} has a time of day; give the day (YYYY-MM-DD)")
        return text.date().isoformat()
    if isinstance(text, dt.date):
        return text.isoformat()
    value = str(text).strip()
    for pattern, (y, m, d) in _DAY_FORMS:
        found = pattern.match(value)
        if found:
            try:
                return dt.date(int(found.group(y)), int(found.group(m)), int(found.group(d))).isoformat()
            except ValueError:
                break
    raise ConfigError(f"{name} {value!r} is not a date; write it as YYYY-MM-DD (or d.m.yyyy)")


@dataclass(frozen=True)
class Condition:
    """One ``--where`` condition: a column, ``=``/``!=``/``in``/``not in`` and the values.

    Example:
        >>> Condition.parse("label in 1, 2")
        Condition(column='label', operator='in', values=('1', '2'))
    """

    column: str
    operator: str
    values: tuple[str, ...]

    @classmethod
    def parse(cls, text: str, name: str = "--where") -> "Condition":
        """Read ``COLUMN=VALUE``, ``COLUMN!=VALUE``, ``COLUMN in A,B`` or ``COLUMN not in A,B``.

        Raises:
            ConfigError: any other form, or an empty column or value, naming ``name`` (the
                option, or the file and key the condition came from).
        """
        raw = str(text)
        if "=" in raw:
            negate = "!=" in raw and raw.index("!=") < raw.index("=") + 1
            column, _, value = raw.partition("!=" if negate else "=")
            condition = cls(column.strip(), "!=" if negate else "=", (value.strip(),))
        else:
            found = _IN.match(raw.strip())
            if found is None:
                raise ConfigError(f"{name} {raw!r}: write {WHERE_FORMS}")
            op = "not in" if found.group("op").lower().startswith("not") else "in"
            values = tuple(v.strip() for v in found.group("values").split(","))
            condition = cls(found.group("column").strip(), op, values)
        if not condition.column or not all(condition.values):
            raise ConfigError(f"{name} {raw!r}: a column and a value are needed; write {WHERE_FORMS}")
        return condition

    def text(self) -> str:
        """The condition as written on the command line."""
        if self.operator in ("=", "!="):
            return f"{self.column}{self.operator}{self.values[0]}"
        return f"{self.column} {self.operator} {','.join(self.values)}"


@dataclass(frozen=True)
class FilterSettings:
    """Which part of the log every command analyses, as Disco's filters choose it.

    Applied after reading, in this order, by :func:`rpa_scout.filters.filter_log`: the
    period, the attribute conditions, then the activities.

    Attributes:
        date_from, date_to: first and last day of the period (``YYYY-MM-DD``, both
            included), local days in ``read.timezone``; ``None`` leaves that side open.
        period_basis: ``cases``: keep the cases that *started* in the period, with all
            their events (Disco's "started in timeframe": a year's cases and all their
            work, which is what yearly volumes count); ``events``: keep the events *in*
            the period (Disco's "trim to timeframe": cases are cut at its edges).
        where: conditions in :data:`WHERE_FORMS`; an event is kept when every condition
            holds for it (for a case attribute that is the whole case). Values are
            compared as text, or as numbers in a numeric column.
        min_cases: activities performed in fewer cases than this are dropped (their
            events removed), like Disco's activity filter.
        where_name: what the errors about a ``where`` condition call it: ``where
            (--where)`` by default, or the file and key it came from (``rpa.yaml:
            filter.where``); not compared.
        options_only: errors name the command line's options alone (``--from``, not
            ``date_from (--from)``), as the CLI sets it; not compared.

    Dates may also be ``datetime.date`` objects, or timestamps at midnight; one condition
    may be given as a text instead of a list.

    Example:
        >>> from rpa_scout import FilterSettings
        >>> chosen = FilterSettings(date_from="1.1.2025", date_to="2025-06-30", where="case:channel=paperi")
        >>> chosen.date_from, chosen.period_basis, chosen.where
        ('2025-01-01', 'cases', ('case:channel=paperi',))
        >>> FilterSettings(date_from="2025-07-01", date_to="2025-06-30")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: date_from (--from) 2025-07-01 is after date_to (--to) 2025-06-30
    """

    date_from: str | None = None
    date_to: str | None = None
    period_basis: str = "cases"
    where: tuple[str, ...] = ()
    min_cases: int = 0
    where_name: str | None = field(default=None, compare=False, repr=False)
    options_only: bool = field(default=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, parse_day(value, self.named(name)))
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ConfigError.refused("date_from", f"{self.date_from} is after the period's last day, "
                                      f"{self.date_to}", f"{self.named('date_from')} {self.date_from} is after "
                                      f"{self.named('date_to')} {self.date_to}")
        if self.period_basis not in PERIOD_BASES:
            raise ConfigError(f"{self.named('period_basis')} must be one of {', '.join(PERIOD_BASES)}, "
                              f"got {self.period_basis!r}")
        if self.where_name is None:
            object.__setattr__(self, "where_name", self.named("where"))
        where = (self.where,) if isinstance(self.where, str) else self.where  # one condition: not its letters
        object.__setattr__(self, "where", tuple(str(w) for w in where))
        self.conditions  # noqa: B018 - checks every condition now
        if isinstance(self.min_cases, bool) or not isinstance(self.min_cases, int) or self.min_cases < 0:
            raise ConfigError(f"{self.named('min_cases')} must be a whole number of 0 or more, "
                              f"got {self.min_cases!r}")

    def named(self, setting: str) -> str:
        """What an error calls ``setting``: the field and its command-line option
        (``date_from (--from)``), or the option alone when ``options_only`` (the CLI's).

        Example:
            >>> FilterSettings().named("date_from"), FilterSettings(options_only=True).named("date_from")
            ('date_from (--from)', '--from')
        """
        flag = FILTER_OPTIONS[setting]
        return flag if self.options_only else f"{setting} ({flag})"

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The ``where`` conditions, parsed."""
        return tuple(Condition.parse(w, self.where_name) for w in self.where)

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return bool(self.date_from or self.date_to or self.where or self.min_cases > 1)


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
            margin (share of occurrences), the timing decides (``trigger_share``).
        trigger_share: of two such steps, the later is a record of the earlier when it
            follows it within ``quick_seconds`` in at least this share of the cases
            where it directly follows it (a record comes at the system's pace); less
            often, it is a person's reaction, and the earlier step is the record.
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
    trigger_share: float = 0.75
    record_share: float = 0.5
    zero_duration_seconds: float = 5.0
    burst_cases: int = 5
    activity_share: float = 0.5
    timezone: str = DEFAULT_TIMEZONE

    def __post_init__(self) -> None:
        for name in ("system_resources", "person_resources", "system_activities", "manual_activities"):
            if isinstance(getattr(self, name), str):  # one pattern or name: a list of one, not its letters
                object.__setattr__(self, name, (getattr(self, name),))


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

    def __post_init__(self) -> None:
        clash = two_times_for_one_step([(activity, standard_minutes(activity, minutes))
                                        for activity, minutes in self.standard_times.items()])
        if clash is not None:
            raise ConfigError(f"standard times {clash[0]!r} and {clash[1]!r} are one step (letter case and "
                              f"surrounding spaces aside) with different minutes, {clash[2]:g} and {clash[3]:g}; "
                              "keep one")


def standard_name_key(name: object) -> str:
    """A standard time's step name as it is matched: without letter case and surrounding
    spaces, as ``--explain`` finds a step (a time study's "asiatarkastus" is the log's
    "Asiatarkastus").

    Example:
        >>> standard_name_key(" Asiatarkastus ") == standard_name_key("asiatarkastus")
        True
    """
    return str(name).strip().casefold()


def two_times_for_one_step(times: Iterable[tuple[str, float]]) -> tuple[str, str, float, float] | None:
    """The first two names of one step (:func:`standard_name_key`: letter case and
    surrounding spaces aside) given different minutes, with their minutes; ``None`` when
    every step has one standard time.

    Example:
        >>> two_times_for_one_step([("Asiatarkastus", 6.5), ("Kirjaus", 2.0), ("asiatarkastus ", 9.0)])
        ('Asiatarkastus', 'asiatarkastus ', 6.5, 9.0)
        >>> two_times_for_one_step([("Asiatarkastus", 6.5), ("ASIATARKASTUS", 6.5)]) is None
        True
    """
    first: dict[str, tuple[str, float]] = {}
    for name, minutes in times:
        seen = first.setdefault(standard_name_key(name), (name, minutes))
        if seen[1] != minutes:
            return seen[0], name, seen[1], minutes
    return None


#: A standard time is the minutes one execution takes: at most a day.
MAX_STANDARD_MINUTES = 24 * 60.0


def standard_minutes(activity: str, minutes: object) -> float:
    """``minutes`` as a standard time for ``activity``: a finite number from 0 to
    :data:`MAX_STANDARD_MINUTES`, else :class:`ConfigError` saying what it is.

    Example:
        >>> standard_minutes("Kirjaus", "6.5"), standard_minutes("Kirjaus", 2)
        (6.5, 2.0)
        >>> standard_minutes("Kirjaus", -5)
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: minutes for 'Kirjaus' must not be negative
    """
    shown = repr(minutes)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    try:
        value = math.nan if isinstance(minutes, bool) else float(minutes)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigError(f"minutes for {activity!r} is not a number: {shown}") from None
    if not math.isfinite(value):
        raise ConfigError(f"minutes for {activity!r} must be a finite number, got {shown}")
    if value < 0:
        raise ConfigError(f"minutes for {activity!r} must not be negative")
    if value > MAX_STANDARD_MINUTES:
        raise ConfigError(f"minutes for {activity!r} is {value:,.6g}, more than a day "
                          f"({MAX_STANDARD_MINUTES:,.0f}); give the minutes one execution takes")
    return value


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
            work) out of the recommendations. (More knock-outs are fixed: a step on
            which one account would log more than ``capacity_hours`` a year, one whose
            estimates are mostly upper bounds, and one with nothing to save.)
        capacity_hours: the hours a person can work in a year: a step on which one
            account would log more is a system's or a team's account, or a loose
            estimate, and is not recommended. By default the municipal working year
            of the FTE conversion (:data:`rpa_scout.assumptions.FTE_HOURS`), but set
            apart from it: productive hours entered as ``fte_hours`` (1,100–1,300)
            would otherwise brand busy staff as systems.
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
    capacity_hours: float = FTE_HOURS

    def __post_init__(self) -> None:
        if not math.isfinite(self.capacity_hours) or not 0 < self.capacity_hours <= 8784:
            raise ConfigError.refused("capacity_hours", f"must be from 0 to 8,784 (the hours of a leap year), "
                                      f"got {self.capacity_hours}")
        _known(self.weights, "weights", "criterion weight")
        values = list(self.weights.values())
        if any(not math.isfinite(w) or w < 0 for w in values) or sum(values) <= 0:
            raise ConfigError.refused("weights", "must be finite, non-negative and not all zero",
                                      "criterion weights must be finite, non-negative and not all zero")
        if self.sort_by not in SORT_KEYS:
            raise ConfigError.refused("sort_by", f"must be one of {', '.join(SORT_KEYS)}, got {self.sort_by!r}",
                                      f"unknown sort key {self.sort_by!r}; choose one of {', '.join(SORT_KEYS)}")
        if not 0 <= self.fit_threshold <= 1:
            raise ConfigError.refused("fit_threshold", f"must be between 0 and 1, got {self.fit_threshold}")
        _known(self.minimums, "minimums", "criterion minimum")
        for name, value in self.minimums.items():
            if not 0 <= value <= 1:
                raise ConfigError.refused(f"minimums.{name}", f"must be between 0 and 1, got {value}",
                                          "criterion minimums must be between 0 and 1")
        if self.bootstrap_rounds < 1:
            raise ConfigError.refused("bootstrap_rounds", f"must be at least 1, got {self.bootstrap_rounds}")


def _known(values: Mapping[str, float], key: str, what: str) -> None:
    unknown = ", ".join(sorted(set(values) - set(ALL_CRITERIA)))
    if unknown:
        known = ", ".join(ALL_CRITERIA)
        raise ConfigError.refused(key, f"has unknown key(s) {unknown}; known: {known}",
                                  f"unknown {what}(s) {unknown}; known: {known}")


@dataclass(frozen=True)
class PresentSettings:
    """How results are shown to people (YAML section ``present``).

    Attributes:
        lang: the language of every human output (terminal text, Markdown, HTML, Excel):
            ``fi``, ``sv`` or ``en``. The CLI takes it from ``--lang``, else this
            setting, else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else
            English. CSV and JSON keep English keys and plain numbers whatever it is.
    """

    lang: str = DEFAULT_LANG

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ConfigError(f"unknown language {self.lang!r}; choose one of {', '.join(LANGS)}")


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
    present: PresentSettings = field(default_factory=PresentSettings)
    filter: FilterSettings = field(default_factory=FilterSettings)

    def __post_init__(self) -> None:
        for section in fields(self):
            kind = section.default_factory
            require_type(getattr(self, section.name), kind, f"Settings({section.name}=...)",
                         f"a {kind.__name__} ({kind.__name__}(...), or left out for the defaults)",
                         optional=False)
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


def given_settings(settings: object) -> Settings:
    """The ``settings`` argument of a public function: itself, the defaults when ``None``,
    else :class:`ConfigError` saying a :class:`Settings` is expected (a dict is not one).

    Example:
        >>> given_settings(None) == Settings()
        True
        >>> given_settings({"timezone": "Europe/Helsinki"})
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: settings must be a Settings (Settings.of(timezone=..., standard_times=...) or Settings(...)), not dict
    """
    return require_type(settings, Settings, "settings", "a Settings (Settings.of(timezone=..., "
                        "standard_times=...) or Settings(...))") or Settings()
