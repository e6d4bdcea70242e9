"""Compare organisations that run the same process: who does a step by hand, who lets
the system do it, and who does it in less person time.

The strongest evidence that a step can be automated is a neighbour that already did.
:func:`compare_logs` takes one log per organisation (:func:`split_by` cuts one log by a
case or event attribute: municipality, department, office) and runs the whole pipeline
on each with the same :class:`rpa_scout.settings.Settings`: person/system verdicts,
handling times (working hours, capacity and bounds found in that organisation's own
events) and the ranking. Then, per activity and organisation: volume a year, cases,
manual share, handling time with its source and 80 % interval, variability, verdict and
the candidate's hours. Only activities present in two or more organisations are
compared; the others are listed as local.

- **Proven elsewhere**: steps done by people in one organisation and by the system in
  another, with the volume each; and the steps whose handling time differs most.
- **Best practice**: per organisation and step, the hours a year it would save if its
  manual step took the time of a faster organisation that does it by hand, or were
  automated as another organisation already automated it (the share that one's system
  does). Each step of an organisation counts once, so the totals never count an hour
  twice: by its largest saving *shown* to exist (automated elsewhere, or faster where
  the two 80 % intervals lie apart), else by its largest saving, which the totals keep
  apart (``overlap_hours``: the intervals overlap, so the difference is not shown);
  :func:`grand_total` adds the organisations. Like ``rank``, hours count the executions
  with a clock time. A step whose handling time ``rank`` calls unknown (half or more of
  its estimates only upper bounds: :data:`rpa_scout.explain.LOOSE_KNOCKOUT`) neither
  saves nor sets a benchmark, and the notes count such steps.
"""

from __future__ import annotations

import unicodedata

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from rpa_scout.arguments import require_type
from rpa_scout.columns import XES, LogColumns, require_columns
from rpa_scout.errors import ConfigError, InputError, PeriodError
from rpa_scout.columns import PERFORMER
from rpa_scout.explain import LOOSE_KNOCKOUT, MIN_HOURS, MIN_PEOPLE_SHOWN
from rpa_scout.filters import resolve_column
from rpa_scout.handling import ESTIMATED, NO_RESOURCE, estimate_handling_time
from rpa_scout.manual import PERSON
from rpa_scout.lang import Message
from rpa_scout.rank import Ranking, rank_candidates
from rpa_scout.assumptions import Economics
from rpa_scout.settings import Settings, given_settings
from rpa_scout.value import annual_factor, volume_period

#: A benchmark's handling time rests on at least this many timed executions (fewer is
#: one official's afternoon, not a practice).
MIN_TIMED = 10
#: A benchmark's handling time is at least this many minutes: no person reads, decides and
#: records a step faster (:attr:`rpa_scout.settings.ManualRules.quick_seconds`, 10 s); a
#: shorter mean is an estimate of records logged with other work, not a practice.
MIN_MINUTES = 10.0 / 60.0
#: ``--by`` on a column with more values than this is not a column of organisations (a
#: case id, say). A national pool fits: Finland has 308 municipalities (2025) and 21
#: wellbeing services counties.
MAX_ORGANISATIONS = 400
MANUAL_VERDICTS = ("manual", "mixed")
AUTOMATED = "automated"
BY_PEOPLE, BY_SYSTEM = "by people", "by the system"
FASTER, AUTOMATE = "faster", "automate"


@dataclass(frozen=True)
class Comparison:
    """What comparing the organisations found (all tables are plain DataFrames).

    Attributes:
        organisations: the organisations, in order.
        table: one row per activity and organisation (``compared`` is true for
            activities in two or more organisations).
        proven: steps done by people in one organisation and by the system in another:
            one row per such step and organisation, ``role`` by people / by the system.
        differs: per step done by hand in two or more organisations, the fastest and
            slowest, most different first.
        best_practice: per organisation and step, the saving of adopting the best
            practice (``kind`` automate / faster), its benchmark and 80 % interval, and
            ``in_total``: whether the saving is shown (automated elsewhere, or the
            intervals apart) and so counts in the totals.
        totals: per organisation, the best-practice hours a year shown to be saved and
            their interval, the steps, and the hours as FTE and euros a year (the
            economics the notes cite); apart, the ``overlap_`` hours and steps whose
            intervals overlap (not shown, not in the hours).
        local: activities found in one organisation only.
        notes: what the figures rest on (:class:`rpa_scout.lang.Message`: English,
            shown in any language with :func:`rpa_scout.lang.render`).
        rankings: each organisation's :class:`rpa_scout.rank.Ranking`.

    Example:
        >>> from rpa_scout import compare_logs, read_log, split_by
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> found = compare_logs(split_by(log, "case:channel"))    # invoices by channel
        >>> found.organisations
        ('paperi', 'sähköposti', 'verkkolasku')
        >>> list(found.totals.columns)
        ['organisation', 'hours', 'hours_low', 'hours_high', 'steps_automate', 'steps_faster', 'fte', 'euros_per_year', 'overlap_hours', 'overlap_low', 'overlap_high', 'steps_overlap']
        >>> sorted(found.rankings) == sorted(found.organisations)
        True
    """

    organisations: tuple[str, ...]
    table: pd.DataFrame
    proven: pd.DataFrame
    differs: pd.DataFrame
    best_practice: pd.DataFrame
    totals: pd.DataFrame
    local: pd.DataFrame
    notes: tuple[str, ...]
    rankings: Mapping[str, Ranking]


def split_by(log: pd.DataFrame, column: str, *, columns: LogColumns = XES,
             aliases: Mapping[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """One log per value of ``column`` (events without a value belong to none).

    Args:
        log: event log with XES column names.
        column: the case or event attribute naming the organisation (a source column
            name the reading renamed is found through ``aliases``).
        columns: column mapping.
        aliases: source column → log column (the load report's mapping).

    Returns:
        Organisation name (the value as text) → its events, in the values' order.

    Raises:
        ColumnError: no such column, or the resource column (people are never compared).
        ConfigError: the column has one value, or more than :data:`MAX_ORGANISATIONS`.

    Example:
        >>> import pandas as pd
        >>> log = pd.DataFrame({"case:concept:name": ["a", "b"], "concept:name": ["X", "X"],
        ...                     "time:timestamp": pd.to_datetime([0, 1], utc=True),
        ...                     "town": ["Espoo", "Vantaa"]})
        >>> list(split_by(log, "town"))
        ['Espoo', 'Vantaa']
    """
    columns = require_columns(log, columns)
    found = resolve_column(log, column, aliases, "--by", columns)
    values = log[found]
    order = organisation_order(values.dropna().unique(), column,
                               numeric=pd.api.types.is_numeric_dtype(values.dtype))
    named: dict[str, list[Any]] = {}
    for value in order:
        named.setdefault(organisation_name(value), []).append(value)
    clash = next(((name, both) for name, both in named.items() if len(both) > 1), None)
    if clash is not None:
        raise ConfigError(f"--by column {column!r}: its values {clash[1][0]!r} and {clash[1][1]!r} both read as "
                          f"{clash[0]!r}; write each organisation one way in the column")
    codes = values.to_numpy()
    return {organisation_name(v): log.loc[codes == v].reset_index(drop=True) for v in order}


def organisation_name(value: Any) -> str:
    """An organisation's name from its ``--by`` value, alike on either engine: a whole
    number without ``.0`` (a column with a blank reads as floats), text without
    surrounding spaces, in one Unicode form.

    Example:
        >>> organisation_name(49.0), organisation_name(" Länsi "), organisation_name(2.5)
        ('49', 'Länsi', '2.5')
    """
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        return str(int(value))
    return unicodedata.normalize("NFC", str(value)).strip()


def organisation_order(present: Sequence[Any], column: str, *, numeric: bool) -> list[Any]:
    """The distinct values of the ``--by`` column in the organisations' order (numbers by
    value, anything else by its text).

    Raises:
        ConfigError: fewer than two values, or more than :data:`MAX_ORGANISATIONS`.

    Example:
        >>> organisation_order([10, 9], "kunta", numeric=True)
        [9, 10]
    """
    check_organisations(len(present), column, present[0] if len(present) == 1 else None)
    return sorted(present, key=lambda v: (v if numeric else str(v)))


def check_organisations(count: int, column: str, only: Any = None) -> None:
    """Raise unless the ``--by`` column has from two to :data:`MAX_ORGANISATIONS` values
    (``only``: the value, when there is one).

    Raises:
        ConfigError: fewer than two values, or more than :data:`MAX_ORGANISATIONS`.

    Example:
        >>> check_organisations(1, "kunta", "Espoo")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: --by column 'kunta' has one value (Espoo); compare needs two or more organisations
    """
    if count < 2:
        shown = f"one value ({only})" if count else "no values"
        raise ConfigError(f"--by column {column!r} has {shown}; compare needs two or more "
                          "organisations")
    if count > MAX_ORGANISATIONS:
        raise ConfigError(f"--by column {column!r} has {count:,} values; compare needs a column "
                          f"of organisations (at most {MAX_ORGANISATIONS})")


def compare_logs(logs: Mapping[str, pd.DataFrame], *, settings: Settings | None = None,
                 labels: Mapping[str, str] | None = None, columns: LogColumns = XES) -> Comparison:
    """Compare the organisations whose logs are given, with the same settings for each.

    Args:
        logs: organisation name → its event log (XES column names).
        settings: the settings every organisation is analysed with.
        labels: activity → display name (:func:`rpa_scout.labels.activity_labels`),
            added as a ``label`` column.
        columns: column mapping.

    Returns:
        A :class:`Comparison`.

    An organisation whose log spans too little time to give a year's figures (a
    :class:`rpa_scout.errors.PeriodError`: at one instant, or under four weeks of cases)
    is left out, and a note says why.

    Raises:
        ConfigError: fewer than two organisations (left), or one whose log cannot be
            ranked for another reason (named).

    Example:
        >>> from rpa_scout import generate_log
        >>> logs = {"A": generate_log("rakennuslupa", 300, seed=1).log,
        ...         "B": generate_log("rakennuslupa", 300, seed=2,
        ...                           automated=("Maksulaskun laadinta",)).log}
        >>> found = compare_logs(logs)
        >>> sorted(set(found.proven["activity"]))
        ['Maksulaskun laadinta']
    """
    require_type(logs, Mapping, "logs", "a dict of organisation name to its log (split_by(log, column) makes one)",
                 InputError)
    if len(logs) < 2:
        raise ConfigError(f"compare needs two or more organisations, got {len(logs)}")
    settings = given_settings(settings)
    found, left_out = {}, []
    for name, log in logs.items():
        try:
            found[str(name)] = organisation_figures(str(name), log, settings, require_columns(log, columns))
        except PeriodError as exc:  # one municipality's short export need not stop the others
            left_out.append(exc)
    return combine(found, settings=settings, labels=labels, left_out=left_out)


def combine(found: Mapping[str, tuple[pd.DataFrame, Ranking]], *, settings: Settings | None = None,
            labels: Mapping[str, str] | None = None, left_out: Sequence[PeriodError] = ()) -> Comparison:
    """The :class:`Comparison` of organisations already analysed one by one.

    :func:`compare_logs` analyses each organisation with :func:`organisation_figures` and
    combines them here; an engine that analyses the organisations elsewhere (on a Spark
    cluster, :mod:`rpa_scout.io.spark`) combines its results the same way.

    Args:
        found: organisation name → what :func:`organisation_figures` returned, in order.
        settings: the settings every organisation was analysed with.
        labels: activity → display name, added as a ``label`` column.
        left_out: why organisations were left out (their errors, naming them), in order:
            a note each.

    Raises:
        ConfigError: fewer than two organisations (a PeriodError naming those left out).

    Example:
        >>> from rpa_scout import generate_log
        >>> from rpa_scout.settings import Settings, given_settings
        >>> logs = {"A": generate_log("rakennuslupa", 200, seed=1).log,
        ...         "B": generate_log("rakennuslupa", 200, seed=2).log}
        >>> found = {name: organisation_figures(name, log, Settings()) for name, log in logs.items()}
        >>> combine(found).organisations
        ('A', 'B')
    """
    if len(found) < 2:
        if left_out:  # why the others are not there
            raise PeriodError(f"compare needs two or more organisations whose logs span a year's figures; "
                              f"{len(found)} left: {'; '.join(map(str, left_out))}")
        raise ConfigError(f"compare needs two or more organisations, got {len(found)}")
    settings = settings or Settings()
    table = pd.concat([part for part, _ in found.values()], ignore_index=True)
    rankings = {name: ranking for name, (_, ranking) in found.items()}
    present = table.groupby("activity")["organisation"].transform("nunique")
    table.insert(2, "compared", (present >= 2).to_numpy())
    if labels:
        table.insert(1, "label", table["activity"].map(lambda a: labels.get(a, a)))
    floor = settings.manual.quick_seconds / 60.0
    best = best_practice(table, min_minutes=floor)
    names = tuple(found)
    totals = _totals(best, names, settings.economics)
    return Comparison(names, table, proven_elsewhere(table), differs_most(table, min_minutes=floor),
                      best, totals, _local(table),
                      _notes(table, names, floor) + _rounding_note(best, totals)
                      + tuple(Message("compare.note.left_out", why=str(exc)) for exc in left_out)
                      + tuple(a.message() for a in settings.economics.assumptions()[:2]), rankings)


def organisation_figures(name: str, log: pd.DataFrame, settings: Settings,
                         columns: LogColumns = XES) -> tuple[pd.DataFrame, Ranking]:
    """One organisation's per-activity figures (a part of :attr:`Comparison.table`,
    without ``compared`` and ``label``) and its ranking.

    Raises:
        ConfigError: the log cannot be ranked (the organisation is named).

    Example:
        >>> from rpa_scout import generate_log
        >>> from rpa_scout.settings import Settings, given_settings
        >>> table, ranking = organisation_figures("A", generate_log("rakennuslupa", 200, seed=1).log,
        ...                                       Settings())
        >>> table["organisation"].unique().tolist(), len(table) == table["activity"].nunique()
        (['A'], True)
    """
    try:
        handling = estimate_handling_time(log, settings=settings, columns=columns)
        ranking = rank_candidates(log, settings=settings, handling=handling, columns=columns)
    except ConfigError as exc:  # of the same kind: compare leaves a PeriodError's organisation out
        raise type(exc)(f"organisation {name}: {exc}") from None
    factor = _annual_factor(log, columns)
    acts = handling.activities.set_index("activity")
    cases = log.groupby(log[columns.activity].astype("string").to_numpy())[columns.case].nunique()
    out = pd.DataFrame({"organisation": name, "activity": acts.index.astype(str)})
    out["verdict"] = acts["verdict"].to_numpy()
    out["cases"] = cases.reindex(acts.index).fillna(0).astype(int).to_numpy()
    out["instances"] = acts["instances"].to_numpy()
    out["manual_instances"] = acts["manual_instances"].to_numpy()
    out["timed_instances"] = acts["timed_instances"].to_numpy()
    out["volume_per_year"] = acts["instances"].to_numpy() * factor
    out["manual_per_year"] = acts["manual_instances"].to_numpy() * factor
    out["manual_share"] = acts["manual_share"].to_numpy()
    out["timed_per_year"] = acts["timed_instances"].to_numpy() * factor
    for mine, theirs in (("handling_min", "mean_min"), ("handling_low_min", "low_min"),
                         ("handling_high_min", "high_min")):
        out[mine] = acts[theirs].to_numpy(dtype=float)
    out["handling_source"] = acts["source"].to_numpy()
    out["loose_share"] = acts["loose_share"].to_numpy(dtype=float)
    out["people"] = _people(handling.instances, columns).reindex(out["activity"]).fillna(0).astype(int).to_numpy()
    for which, minutes in (("", "handling_min"), ("_low", "handling_low_min"),
                           ("_high", "handling_high_min")):
        out[f"person_hours{which}"] = (out["timed_per_year"] * out[minutes].fillna(0.0) / 60.0)
    return _with_candidates(out, ranking), ranking


def _people(inst: pd.DataFrame, columns: LogColumns) -> pd.Series:
    """Per activity (by its name as text), how many accounts do its person work (0: no
    account logged)."""
    if columns.resource not in inst.columns:
        return pd.Series(dtype=int)
    person = inst[PERFORMER].to_numpy() == PERSON
    work = inst.loc[person, [columns.activity, columns.resource]]
    return work.groupby(work[columns.activity].astype("string").to_numpy())[columns.resource].nunique()


def _with_candidates(out: pd.DataFrame, ranking: Ranking) -> pd.DataFrame:
    """Add each activity's candidate figures (NaN where it is not a candidate)."""
    wanted = ["hours_per_year", "hours_low", "hours_high", "recommended", "variability",
              "handling_cv_raw"]
    cand = ranking.candidates
    if cand.empty:
        cand = pd.DataFrame(columns=["kind", "candidate", *wanted])
    single = cand[cand["kind"] == "activity"].set_index("candidate")
    for col in wanted:
        values = single[col].reindex(out["activity"]).to_numpy() if col in single else np.nan
        out[col if col != "handling_cv_raw" else "handling_cv"] = values
    out["recommended"] = out["recommended"].fillna(False).astype(bool)
    return out


def _annual_factor(log: pd.DataFrame, columns: LogColumns) -> float:
    """Counts × this = a year's worth, annualised as ``rank`` does (span of case starts)."""
    times = log[columns.timestamp]
    starts = times.groupby(log[columns.case].to_numpy()).min()
    first, last, *_ = volume_period(starts, times.min(), times.max())
    return annual_factor(first, last)


def proven_elsewhere(table: pd.DataFrame) -> pd.DataFrame:
    """Steps done by people in one organisation and by the system in another.

    One row per such step and organisation: ``role`` (by people / by the system),
    ``volume_per_year``, ``manual_share`` and the people's ``person_hours``; the steps
    with the most person hours first.

    Example:
        >>> import pandas as pd
        >>> table = pd.DataFrame({"organisation": ["A", "B"], "activity": "Kirjaus", "compared": True,
        ...                       "verdict": ["manual", "automated"], "volume_per_year": [1200.0, 900.0],
        ...                       "manual_per_year": [1200.0, 0.0], "manual_share": [1.0, 0.0],
        ...                       "person_hours": [100.0, 0.0], "handling_min": [5.0, float("nan")],
        ...                       "handling_source": ["measured", "system"]})
        >>> proven_elsewhere(table)[["activity", "organisation", "role"]].values.tolist()
        [['Kirjaus', 'A', 'by people'], ['Kirjaus', 'B', 'by the system']]
    """
    rows = table[table["compared"]]
    people = rows[rows["verdict"].isin(MANUAL_VERDICTS) & (rows["manual_per_year"] > 0)]
    system = rows[rows["verdict"] == AUTOMATED]
    both = sorted(set(people["activity"]) & set(system["activity"]))
    found = pd.concat([people.assign(role=BY_PEOPLE), system.assign(role=BY_SYSTEM)])
    found = found[found["activity"].isin(both)]
    keep = [c for c in ("activity", "label", "organisation", "role", "volume_per_year", "manual_share",
                        "person_hours", "handling_min", "handling_source") if c in found.columns]
    found = found[keep].copy()
    weight = found.groupby("activity")["person_hours"].transform(
        lambda h: h[found.loc[h.index, "role"] == BY_PEOPLE].sum())
    found["_w"] = weight
    found["_o"] = found["organisation"].map({o: i for i, o in enumerate(dict.fromkeys(table["organisation"]))})
    found = found.sort_values(["_w", "activity", "role", "_o"], ascending=[False, True, True, True],
                              kind="stable")
    return found.drop(columns=["_w", "_o"]).reset_index(drop=True)


def _timed_manual(table: pd.DataFrame, min_minutes: float) -> pd.DataFrame:
    """Compared rows done by hand with a handling time that rests on enough executions,
    is no shorter than a person's step can be, and is known (:func:`_known`)."""
    rows = table[table["compared"] & table["verdict"].isin(MANUAL_VERDICTS) & _known(table)]
    return rows[(rows["handling_min"] >= min_minutes) & (rows["timed_instances"] >= MIN_TIMED)]


def _known(table: pd.DataFrame) -> pd.Series:
    """Rows whose handling time ``rank`` would trust: fewer than :data:`LOOSE_KNOCKOUT` of
    the estimates only upper bounds (measured and supplied times always)."""
    if "loose_share" not in table.columns:
        return pd.Series(True, index=table.index)
    return ~(table["loose_share"] >= LOOSE_KNOCKOUT)


def differs_most(table: pd.DataFrame, *, min_minutes: float = MIN_MINUTES) -> pd.DataFrame:
    """Per step done by hand in two or more organisations: the fastest and the slowest.

    Only handling times resting on :data:`MIN_TIMED` or more timed executions and of at
    least ``min_minutes`` count.
    ``ratio`` is slowest ÷ fastest; ``separated`` says the two 80 % intervals do not
    overlap (the difference is more than the estimates' uncertainty).

    Example:
        >>> import pandas as pd
        >>> table = pd.DataFrame({"organisation": ["A", "B"], "activity": "Tarkastus", "compared": True,
        ...                       "verdict": "manual", "timed_instances": [400, 300],
        ...                       "handling_min": [6.0, 4.0], "handling_low_min": [5.5, 3.5],
        ...                       "handling_high_min": [6.5, 4.5], "handling_source": "measured"})
        >>> differs_most(table)[["activity", "fastest", "slowest", "ratio", "separated"]].values.tolist()
        [['Tarkastus', 'B', 'A', 1.5, True]]
    """
    rows = _timed_manual(table, min_minutes)
    labelled = "label" in table.columns
    out = []
    for activity, group in rows.groupby("activity", sort=True):
        if len(group) < 2:
            continue
        fast = group.loc[group["handling_min"].idxmin()]
        slow = group.loc[group["handling_min"].idxmax()]
        out.append([activity, *([fast["label"]] if labelled else []), fast["organisation"],
                    fast["handling_min"], fast["handling_source"], slow["organisation"],
                    slow["handling_min"], slow["handling_source"],
                    slow["handling_min"] / fast["handling_min"],
                    bool(slow["handling_low_min"] > fast["handling_high_min"]), len(group)])
    names = ["activity", *(["label"] if labelled else []), "fastest", "fastest_min", "fastest_source",
             "slowest", "slowest_min", "slowest_source", "ratio", "separated", "organisations"]
    frame = pd.DataFrame(out, columns=names)
    return frame.sort_values(["ratio", "activity"], ascending=[False, True], kind="stable").reset_index(drop=True)


def best_practice(table: pd.DataFrame, *, min_minutes: float = MIN_MINUTES) -> pd.DataFrame:
    """Per organisation and step done by hand: the hours a year the best practice saves.

    One saving a step, never two: **automate** (another organisation's system does the
    step: this one's person hours × the share that organisation's system does) or
    **faster** (another organisation does it by hand in less time: the executions a year
    × the minutes saved). The interval is 80 %: the organisation's own handling-time
    interval for automate; for faster, the two intervals' half-widths combined in
    quadrature (independent estimates). A benchmark's handling time rests on
    :data:`MIN_TIMED` or more timed executions and is at least ``min_minutes``.

    A saving is *shown* (``in_total``) when a neighbour's system does the step, or when
    this organisation's handling-time interval lies wholly above the benchmark's
    (``separated``); otherwise the two times may not differ at all. Each step takes its
    largest shown saving (the fastest neighbour whose interval lies apart), else its
    largest saving (the fastest neighbour), which the totals keep apart.

    Example:
        >>> import pandas as pd
        >>> table = pd.DataFrame({"organisation": ["A", "B"], "activity": "Tarkastus", "compared": True,
        ...                       "verdict": "manual", "manual_share": 1.0, "volume_per_year": [1200.0, 900.0],
        ...                       "timed_instances": [400, 300], "timed_per_year": [1200.0, 900.0],
        ...                       "handling_min": [6.0, 4.0], "handling_low_min": [5.5, 3.5],
        ...                       "handling_high_min": [6.5, 4.5], "handling_source": "measured",
        ...                       "person_hours": [120.0, 60.0], "person_hours_low": [110.0, 52.5],
        ...                       "person_hours_high": [130.0, 67.5]})
        >>> best_practice(table)[["organisation", "kind", "benchmark", "hours", "in_total"]].values.tolist()
        [['A', 'faster', 'B', 40.0, True]]
        >>> wide = table.assign(handling_low_min=[3.0, 2.0], handling_high_min=[9.0, 6.0])   # overlapping
        >>> best_practice(wide)[["hours", "hours_low", "in_total"]].values.tolist()   # 1,200 × 2 min, not shown
        [[40.0, 0.0, False]]
    """
    compared = table[table["compared"]]
    automated = _by_activity(compared[compared["verdict"] == AUTOMATED],
                             ["manual_share", "volume_per_year", "organisation"], [True, False, True])
    benchmarks = _by_activity(_timed_manual(table, min_minutes), ["handling_min", "organisation"],
                              [True, True])
    own = compared[compared["verdict"].isin(MANUAL_VERDICTS) & (compared["person_hours"] > 0) & _known(compared)]
    rows = []
    for r in own.itertuples(index=False):
        elsewhere = lambda found: [o for o in found.get(r.activity, ())  # noqa: E731
                                   if o["organisation"] != r.organisation]
        options = [_automate(r, next(iter(elsewhere(automated)), None)),
                   *_faster_options(r, elsewhere(benchmarks))]
        options = [o for o in options if o is not None and o["hours"] >= MIN_HOURS]  # 0 h: no practice
        if options:  # shown first (automated elsewhere, or intervals apart), then the most hours
            best = max(options, key=lambda o: (o["separated"], o["hours"], o["kind"] == AUTOMATE))
            best["in_total"] = best["separated"]
            rows.append({"organisation": r.organisation, "activity": r.activity,
                         **({"label": r.label} if hasattr(r, "label") else {}),
                         "person_hours": r.person_hours, "handling_min": r.handling_min,
                         "handling_source": r.handling_source, **best})
    names = ["organisation", "activity", *(["label"] if "label" in table.columns else []),
             "person_hours", "handling_min", "handling_source", "kind", "benchmark", "benchmark_min",
             "benchmark_share", "hours", "hours_low", "hours_high", "separated", "in_total"]
    frame = pd.DataFrame(rows, columns=names)
    frame["in_total"] = frame["in_total"].astype(bool)
    return frame.sort_values(["organisation", "hours", "activity"], ascending=[True, False, True],
                             kind="stable").reset_index(drop=True)


def _by_activity(rows: pd.DataFrame, order: list[str], ascending: list[bool]) -> dict[str, list[dict]]:
    """Activity → its rows as records, best first by ``order``."""
    ranked = rows.sort_values(order, ascending=ascending, kind="stable")
    out: dict[str, list[dict]] = {}
    for record in ranked.to_dict("records"):
        out.setdefault(record["activity"], []).append(record)
    return out


def _automate(r: Any, top: dict | None) -> dict | None:
    """The saving if ``r``'s step were automated as in ``top``, the most automated other
    organisation."""
    if top is None:
        return None
    share = 1.0 - float(top["manual_share"])
    return {"kind": AUTOMATE, "benchmark": top["organisation"], "benchmark_min": np.nan,
            "benchmark_share": share, "hours": r.person_hours * share,
            "hours_low": r.person_hours_low * share, "hours_high": r.person_hours_high * share,
            "separated": True}


def _faster_options(r: Any, found: list[dict]) -> list[dict | None]:
    """The savings if ``r``'s step took the time of the fastest other organisation that
    does it by hand (``found``, fastest first), and of the fastest whose interval lies
    wholly below ``r``'s (the largest saving shown)."""
    if not found:
        return []
    apart = next((b for b in found if r.handling_low_min > b["handling_high_min"]), None)
    return [_faster(r, found[0]), *([_faster(r, apart)] if apart is not None and apart is not found[0] else [])]


def _faster(r: Any, top: dict | None) -> dict | None:
    """The saving if ``r``'s step took the time of ``top``, the fastest other organisation
    that does it by hand."""
    if top is None or not np.isfinite(r.handling_min):
        return None
    best = float(top["handling_min"])
    if best >= r.handling_min:
        return None
    per_minute = r.timed_per_year / 60.0
    down = np.hypot(r.handling_min - r.handling_low_min, top["handling_high_min"] - best)
    up = np.hypot(r.handling_high_min - r.handling_min, best - top["handling_low_min"])
    gap = r.handling_min - best
    return {"kind": FASTER, "benchmark": top["organisation"], "benchmark_min": best,
            "benchmark_share": np.nan, "hours": per_minute * gap,
            "hours_low": per_minute * max(0.0, gap - down), "hours_high": per_minute * (gap + up),
            "separated": bool(r.handling_low_min > top["handling_high_min"])}


#: A saving's hours and its interval, and their columns in the totals for the savings
#: whose intervals overlap.
HOURS = ("hours", "hours_low", "hours_high")
OVERLAP = {"hours": "overlap_hours", "hours_low": "overlap_low", "hours_high": "overlap_high"}


def _totals(best: pd.DataFrame, names: tuple[str, ...], economics: Economics) -> pd.DataFrame:
    """Per organisation: the best-practice hours a year shown to be saved (``in_total``),
    their interval, the steps, and the hours as FTE and euros (the economics the notes
    cite); then apart the hours, interval and steps whose intervals overlap."""
    out = pd.DataFrame({"organisation": list(names)})
    shown = best["in_total"].astype(bool)
    per_org = lambda rows: rows.groupby("organisation")  # noqa: E731
    for col in HOURS:
        out[col] = out["organisation"].map(per_org(best[shown])[col].sum()).fillna(0.0).astype(float)
    for kind, col in ((AUTOMATE, "steps_automate"), (FASTER, "steps_faster")):
        counts = per_org(best[shown & (best["kind"] == kind)]).size()
        out[col] = out["organisation"].map(counts).fillna(0).astype(int)
    out["fte"] = out["hours"] / economics.fte_hours
    out["euros_per_year"] = out["hours"] * economics.hourly_cost
    for col, apart in OVERLAP.items():
        out[apart] = out["organisation"].map(per_org(best[~shown])[col].sum()).fillna(0.0).astype(float)
    out["steps_overlap"] = out["organisation"].map(per_org(best[~shown]).size()).fillna(0).astype(int)
    return out


#: :func:`grand_total`'s sums, the columns of :attr:`Comparison.totals` but the organisation.
TOTAL_SUMS = ("hours", "hours_low", "hours_high", "steps_automate", "steps_faster", "fte", "euros_per_year",
              "overlap_hours", "overlap_low", "overlap_high", "steps_overlap")


def grand_total(totals: pd.DataFrame) -> dict[str, Any]:
    """All organisations together: the sums of :attr:`Comparison.totals` (hours shown to
    be saved, their interval, FTE, euros, the steps; apart, the hours and steps whose
    intervals overlap), summed from the exact figures, and ``interval_reaches_zero``:
    hours are saved but the interval's low end is under :data:`MIN_HOURS` a year, so the
    saving may be none.

    Example:
        >>> import pandas as pd
        >>> totals = pd.DataFrame({"organisation": ["A", "B"], "hours": [3.6, 0.4], "hours_low": [0.0, 0.2],
        ...                        "hours_high": [9.0, 1.0], "steps_automate": [0, 0], "steps_faster": [1, 1],
        ...                        "fte": [0.0023, 0.0003], "euros_per_year": [104.4, 11.6],
        ...                        "overlap_hours": [0.0, 444.2], "overlap_low": [0.0, 0.0],
        ...                        "overlap_high": [0.0, 1311.0], "steps_overlap": [0, 2]})
        >>> total = grand_total(totals)
        >>> total["hours"], total["steps_faster"], total["overlap_hours"], total["interval_reaches_zero"]
        (4.0, 2, 444.2, True)
    """
    out: dict[str, Any] = {}
    for col in TOTAL_SUMS:
        value = totals[col].sum() if col in totals else 0
        out[col] = int(value) if col.startswith("steps_") else float(value)
    out["interval_reaches_zero"] = bool(out["hours"] > 0 and out["hours_low"] < MIN_HOURS)
    return out


def _rounding_note(best: pd.DataFrame, totals: pd.DataFrame) -> tuple[Message, ...]:
    """A note when a total shown in whole hours differs from the sum of its rows shown in
    whole hours (each figure is rounded from its exact value: the standard practice)."""
    def apart(parts: pd.Series, whole: float) -> bool:
        return int(np.round(parts.to_numpy(dtype=float)).sum()) != int(np.round(whole))

    whole = grand_total(totals)
    gaps = [apart(totals[col], whole[col]) for col in (*HOURS, *OVERLAP.values())]
    shown = best["in_total"].astype(bool)
    for t in totals.itertuples():
        mine = best["organisation"] == t.organisation
        gaps += [apart(best.loc[mine & shown, col], getattr(t, col)) for col in HOURS]
        gaps += [apart(best.loc[mine & ~shown, col], getattr(t, theirs)) for col, theirs in OVERLAP.items()]
    return (Message("compare.note.rounded"),) if any(gaps) else ()


def _local(table: pd.DataFrame) -> pd.DataFrame:
    """Activities found in one organisation only."""
    keep = [c for c in ("activity", "label", "organisation", "verdict", "volume_per_year",
                        "person_hours") if c in table.columns]
    local = table.loc[~table["compared"], keep]
    return local.sort_values(["organisation", "volume_per_year", "activity"],
                             ascending=[True, False, True], kind="stable").reset_index(drop=True)


def _notes(table: pd.DataFrame, names: tuple[str, ...], floor: float) -> tuple[Message, ...]:
    """What the comparison rests on, in sentences (English that shows in any language)."""
    notes = [Message("compare.note.alike", count=len(names)), Message("compare.note.compared"),
             Message("compare.note.best", timed=MIN_TIMED, seconds=floor * 60),
             Message("compare.note.separate")]
    estimated = table[table["handling_source"].isin([ESTIMATED, NO_RESOURCE])
                      & table["verdict"].isin(MANUAL_VERDICTS)]
    if not estimated.empty:
        which = ", ".join(sorted(set(estimated["organisation"]), key=list(names).index))
        notes.append(Message("compare.note.estimated", which=which))
    unknown = table[table["compared"] & table["verdict"].isin(MANUAL_VERDICTS) & ~_known(table)]
    if not unknown.empty:
        notes.append(Message("compare.note.unknown", count=unknown["activity"].nunique(), share=LOOSE_KNOCKOUT))
    few = table[table["compared"] & table["verdict"].isin(MANUAL_VERDICTS)
                & table["people"].between(1, MIN_PEOPLE_SHOWN - 1)]
    if not few.empty:  # a team of one: its figures are one person's
        which = ", ".join(sorted(set(few["organisation"]), key=list(names).index))
        notes.append(Message("compare.note.few_people", count=few["activity"].nunique(), which=which,
                             people=MIN_PEOPLE_SHOWN))
    return tuple(notes)


__all__ = ["Comparison", "MIN_TIMED", "best_practice", "compare_logs", "differs_most", "grand_total",
           "proven_elsewhere", "split_by"]
