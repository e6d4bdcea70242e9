"""Which steps people do and which the system does, with the evidence for each verdict.

Every activity instance gets a ``performer`` (``person``, ``system``, ``artificial`` or
``unknown``), the ``evidence`` that decided it, the ``account`` kind of its resource
(``person``, ``shared``, ``system``; see :mod:`rpa_scout.accounts`) and ``recorded``, true
for system events that only record a person's step (they bound nothing in the
handling-time estimate). Rules, first match wins:

1. **configuration** (:class:`rpa_scout.settings.ManualRules`): activity or account patterns the analyst
   states (a municipality knows its robot accounts);
2. **artificial events**: ``Start``/``End`` (``START``, ``▶``, ``■``, ...) activities or
   accounts at a case's first or last event, with no duration where starts are logged:
   added by an export tool (Disco, Simod), never work;
3. **system accounts** by name or by behaviour (:mod:`rpa_scout.accounts`);
4. **recorded during a measured work item**: an event without a start logged by an
   account while that account had a measured work item of the same case open
   (BPIC 2012's ``A_``/``O_`` state changes inside its ``W_`` work items);
5. **near-zero measured duration** (start and complete within seconds); a step whose
   starts are logged for some of its executions only, and whose measured executions
   nearly all took near-zero time, is the system's in its other executions too;
6. **batch bursts**: an account completing many cases at the same instant, where that
   is how the account usually does the step;
7. **recorded with a person's step**: the same account completing two or more steps of
   a case within seconds (:attr:`rpa_scout.settings.ManualRules.quick_seconds`). No one reads, decides and
   records a step that fast, so all but one of them are records of the same piece of
   work, which may come before it (a state change saved before the work item closes) or
   after it (a letter sent when the user confirms). Which one is the work is decided by
   the pattern across cases, not by position: the work is the step whose occurrences
   least depend on the others (a record nearly always appears with the step it records,
   :attr:`rpa_scout.settings.ManualRules.record_share`; the step also occurs alone or with other outcomes). When both depend on each other
   alike, the timing decides: a record the work triggers follows it within seconds
   nearly every time (:attr:`rpa_scout.settings.ManualRules.trigger_share`), so the
   earlier one is the work; a person acting after a system step sometimes takes longer,
   and where the later step follows the earlier one so, the later is the work and the
   earlier the system's record (a student's application filed seconds after the system
   fetched the student's data, both under the student's account);
8. **saved within a step's work** (completion-only logs): a step after which the same
   account nearly always goes on with the same case
   (:data:`CONTINUED_SHARE`) does not end a piece of work: no one always finishes a
   piece of work and then takes up the same case again. It is a state saved while a
   longer step is worked (BPIC 2012's ``A_ACCEPTED``, saved minutes before its
   ``W_Completeren aanvraag`` work item closes), the completion-only form of rule 4, when
   the step it goes on to is usually done without it and usually does end the
   account's work on the case (the person's step). "Nearly always" counts every
   execution of the step, by any account, timed or not (records of another step
   aside): a step that a desk or another account does on its own, going no further
   with the case, is a piece of work in itself, also where a handler does it and goes
   straight on (a paper application the handler registers and then checks);
9. otherwise ``person`` for a person's or a shared account, ``unknown`` with no account.

Time-based evidence is switched off for events whose timestamps are dates
(see :func:`date_stamped_events`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from rpa_scout.accounts import (PERSON_ACCOUNT, SHARED_ACCOUNT, SYSTEM_ACCOUNT, account_kind,
                                artificial_name, behaviour_kinds, matches)
from rpa_scout.arguments import require_events, require_type
from rpa_scout.codes import Coded, factorisable, labels, unique_ints
from rpa_scout.columns import ACCOUNT, EVIDENCE, PERFORMER, RECORDED, XES, LogColumns, as_columns
from rpa_scout.lang import Message
from rpa_scout.lifecycle import pair_lifecycle, require_work
from rpa_scout.settings import ManualRules
from rpa_scout.timestamps import epoch_seconds

PERSON, SYSTEM, UNKNOWN, ARTIFICIAL = "person", "system", "unknown", "artificial"


@dataclass(frozen=True)
class ManualResult:
    """Per-instance verdicts and the per-activity summary.

    ``evidence`` holds each activity's evidence (the ``evidence`` column of
    ``activities``) as a :class:`rpa_scout.lang.Message`, to be shown in any language.

    Example:
        >>> from rpa_scout import detect_manual, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> result = detect_manual(log)
        >>> result.activities["verdict"].value_counts().to_dict()
        {'automated': 7, 'manual': 6}
        >>> result.instances["performer"].value_counts().to_dict()
        {'system': 14124, 'person': 10759}
        >>> from rpa_scout.lang import Lang
        >>> result.evidence["Maksuajo"].render(Lang("sv"))
        '100\xa0% systemkonto (enligt namnet)'
    """

    instances: pd.DataFrame
    activities: pd.DataFrame
    rules: ManualRules = field(default_factory=ManualRules)
    evidence: Mapping[str, Message] = field(default_factory=dict)
    #: :func:`rpa_scout.pair_lifecycle`'s counts for the log (``PairedInstances.counts``).
    pairing: Mapping[str, int] = field(default_factory=dict)


def detect_manual(log: pd.DataFrame, *, rules: ManualRules | None = None,
                  columns: LogColumns = XES) -> ManualResult:
    """Classify each activity instance as person, system, artificial or unknown work.

    Args:
        log: event log with XES column names (start/complete events are paired first).
        rules: explicit rules and thresholds; defaults when ``None``.
        columns: column mapping.

    Returns:
        ``instances``: the paired instances with ``performer``, ``evidence``, ``account``
        and ``recorded``; ``activities``: one row per activity with ``instances``,
        ``person_share``, ``system_share``, ``unknown_share``, ``verdict`` (manual /
        automated / mixed / unknown / artificial) and ``evidence`` (one line).

    Example:
        >>> from rpa_scout import read_log, detect_manual
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> result = detect_manual(log)
        >>> verdicts = result.activities.set_index("activity")["verdict"]
        >>> verdicts["Asiatarkastus"], verdicts["Maksuajo"]
        ('manual', 'automated')
    """
    rules = require_type(rules, ManualRules, "rules", "a ManualRules") or ManualRules()
    columns = as_columns(columns, log)
    require_events(log)
    paired = require_work(pair_lifecycle(log, columns=columns), len(log))
    inst = paired.instances
    reasons = classify_instances(inst, rules, columns)
    evidence = activity_evidence(inst, reasons, columns)
    return ManualResult(inst, summarise_activities(inst, rules, columns, evidence=evidence), rules, evidence,
                        paired.counts)


#: An execution without an account takes its step's verdict when at least this share of
#: the step's executions with an account have it (9 in 10: the step is plainly done by
#: people, or by the system) ...
INHERIT_SHARE = 0.9
#: ... and at least this share of the step's executions have an account (the missing
#: ones are the exception, not the way the step is logged).
INHERIT_COVER = 0.5


#: A step whose starts are logged for some executions only: its measured executions
#: stand for those without a start when there are at least this many of them (their
#: verdict here; their mean handling time in :mod:`rpa_scout.handling`) ...
MIN_MEASURED = 10
#: ... and, for the verdict, this share of them took near-zero time.
LIKE_MEASURED_SHARE = 0.9


def _like_measured(act: Coded, measured: np.ndarray, zero: np.ndarray) -> np.ndarray:
    """Rows of steps whose measured executions took near-zero time (rule 5), by
    :data:`MIN_MEASURED` and :data:`LIKE_MEASURED_SHARE`: a step with starts logged
    for some of its executions only, whose other executions are the same system step."""
    codes, n = act.codes, len(act.values)
    known = codes >= 0
    timed = np.bincount(codes[known & measured], minlength=n)
    instant = np.bincount(codes[known & measured & zero], minlength=n)
    step = (timed >= MIN_MEASURED) & (instant >= LIKE_MEASURED_SHARE * timed)
    return act.spread(step, False)


def _inherited(f: _Facts, v: "_Verdicts") -> tuple[np.ndarray, np.ndarray]:
    """Executions without an account, still open, in steps whose executions with an
    account are people's work (first) or the system's (second) by :data:`INHERIT_SHARE`.
    A missing account is a gap in the export, not a third kind of worker."""
    act, n_act = f.act.codes, len(f.act.values)
    known = f.res.known & (act >= 0)
    counts = [np.bincount(act[known & (v.code == v.PERFORMERS.index(who))], minlength=n_act)
              for who in (PERSON, SYSTEM)]
    with_account = np.bincount(act[known], minlength=n_act)
    total = np.bincount(act[act >= 0], minlength=n_act)
    covered = (with_account > 0) & (with_account >= INHERIT_COVER * total)
    steps = [covered & (c >= INHERIT_SHARE * with_account) for c in counts]
    missing = v.open & ~f.res.known & (act >= 0)
    return tuple(missing & f.act.spread(step, False) for step in steps)


class _Verdicts:
    """Performer and evidence per instance; the first rule to claim an instance wins.

    Evidence is kept as a code per instance into the distinct reasons (messages, code 0:
    none yet); the English text is looked up once per reason at the end.
    """

    PERFORMERS = ("", PERSON, SYSTEM, UNKNOWN, ARTIFICIAL)  # code 0: not decided yet

    def __init__(self, n: int) -> None:
        self.code = np.zeros(n, dtype=np.int8)
        self.reason = np.zeros(n, dtype=np.int32)
        self.reasons: list[Message] = []
        self._codes: dict[str, int] = {}
        self.recorded = np.zeros(n, dtype=bool)

    def assign(self, mask: np.ndarray, who: str, why: Message | Coded,
               recorded: bool = False) -> None:
        """Give the free instances of ``mask`` performer ``who`` and evidence ``why``: one
        message, or per instance a code into distinct messages (-1 or ``None``: none)."""
        free = mask & (self.code == 0)
        self.code[free] = self.PERFORMERS.index(who)
        if isinstance(why, Coded):  # codes of the messages given, looked up once each
            given = why.codes[free]
            used = np.flatnonzero(np.bincount(given + 1, minlength=len(why.values) + 1)[1:])
            table = np.zeros(len(why.values) + 1, dtype=np.int32)  # -1: the last, none
            table[used] = [self._code(why.values[u]) for u in used]
            self.reason[free] = table[given]
        elif free.any():
            self.reason[free] = self._code(why)
        self.recorded[free] = recorded

    def _code(self, message: Message | None) -> int:
        if message is None:
            return 0
        if message not in self._codes:  # equal English text, one reason
            self.reasons.append(message)
            self._codes[message] = len(self.reasons)
        return self._codes[message]

    @property
    def open(self) -> np.ndarray:
        return self.code == 0

    @property
    def performer(self) -> pd.Categorical:
        return labels(self.code, self.PERFORMERS)

    @property
    def evidence(self) -> pd.Categorical:
        """The English evidence of every instance ("" where none)."""
        return labels(self.reason, [""] + [str(m) for m in self.reasons])


@dataclass(frozen=True)
class _Facts:
    """What every rule reads: the key columns as codes, the times, the account kinds."""

    case: Coded
    act: Coded
    res: Coded
    end_s: np.ndarray
    start_s: np.ndarray
    timed: np.ndarray        # the timestamp has a clock time
    kind: pd.Categorical     # account kind per row ("" without an account)
    kind_why: Coded          # why, per row: a code into distinct messages (-1: none)

    @classmethod
    def of(cls, inst: pd.DataFrame, rules: ManualRules, columns: LogColumns) -> "_Facts":
        n = len(inst)
        act = factorisable(inst[columns.activity])
        res = Coded.text(inst[columns.resource] if columns.resource in inst.columns
                         else pd.Series(pd.NA, index=inst.index, dtype="string"))
        end_s = epoch_seconds(inst[columns.timestamp])
        start_s = (epoch_seconds(inst[columns.start_timestamp]) if columns.start_timestamp in inst.columns
                   else np.full(n, np.nan))
        timed = ~date_stamped_events(inst[columns.timestamp], act)
        kind, kind_why = _account_kinds(res, end_s, timed, rules)
        return cls(Coded.of(inst[columns.case]), Coded.of(act), res, end_s, start_s, timed, kind, kind_why)


def classify_instances(inst: pd.DataFrame, rules: ManualRules,
                       columns: LogColumns = XES) -> dict[str, Message]:
    """Add ``performer``, ``evidence``, ``account`` and ``recorded`` columns, in place.

    Returns the distinct reasons given, English text (the ``evidence`` column's) to
    :class:`rpa_scout.lang.Message`, for :func:`activity_evidence`.

    Example:
        >>> from rpa_scout import ManualRules, pair_lifecycle, read_log
        >>> from rpa_scout.manual import classify_instances
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> inst = pair_lifecycle(log).instances
        >>> reasons = classify_instances(inst, ManualRules())
        >>> first = inst[inst["concept:name"] == "Poikkeama kirjattu"].iloc[0]   # an exception logged
        >>> first["performer"], first["evidence"]
        ('system', "recorded within 10 s with the account's step 'Kustannuspaikan tiliöinti'")
        >>> from rpa_scout.lang import Lang
        >>> reasons[first["evidence"]].render(Lang("fi"))
        "kirjattu 10 s kuluessa saman tunnuksen vaiheen 'Kustannuspaikan tiliöinti' kanssa"
    """
    f = _Facts.of(inst, rules, columns)
    end_s, start_s, timed, kind = f.end_s, f.start_s, f.timed, f.kind
    person_account = kind == PERSON_ACCOUNT
    v = _Verdicts(len(inst))
    v.assign(_matches(f.act, rules.system_activities), SYSTEM, Message("evidence.configured_system_activity"))
    v.assign(_matches(f.act, rules.manual_activities), PERSON, Message("evidence.configured_manual_activity"))
    v.assign(_matches(f.res, rules.system_resources), SYSTEM, Message("evidence.configured_system_account"))
    v.assign(_matches(f.res, rules.person_resources), PERSON, Message("evidence.configured_person_account"))
    v.assign(artificial_events(f.case, f.act, f.res, end_s, start_s, rules), ARTIFICIAL,
             Message("evidence.export_tool"))
    v.assign(kind == SYSTEM_ACCOUNT, SYSTEM, f.kind_why)
    with np.errstate(invalid="ignore"):
        measured = np.isfinite(start_s)
        zero = (end_s - start_s) <= rules.zero_duration_seconds
    v.assign(_inside_measured(f.case, f.res, end_s, start_s) & v.open, SYSTEM,
             Message("evidence.inside_measured"), recorded=True)
    v.assign(zero & timed, SYSTEM, Message("evidence.zero_duration"))
    v.assign(_like_measured(f.act, measured, zero) & ~measured & timed & v.open, SYSTEM,
             Message("evidence.like_measured_zero"))
    v.assign(_bursts(f, rules) & timed & person_account, SYSTEM, Message("evidence.batch_burst"))
    # Measured work longer than seconds is work: it may be recorded, never a record.
    worked = measured & ((end_s - start_s) > rules.quick_seconds)
    # Only one person's account: behind a shared login, two steps seconds apart are two
    # people's work.
    one_person = f.res.known & person_account
    records, why = _records(f, v.open & one_person & timed, worked, rules)
    v.assign(records, SYSTEM, why, recorded=True)
    # what is left of the account's work: its open events and those already called a person's
    work_rows = one_person & ((v.code == 0) | (v.code == v.PERFORMERS.index(PERSON)))
    saved, why = _within_work(f, work_rows, v.open & one_person & timed & ~worked, v.recorded, rules)
    v.assign(saved, SYSTEM, why, recorded=True)
    v.assign(kind == SHARED_ACCOUNT, PERSON, f.kind_why)
    v.assign(f.res.known, PERSON, Message("evidence.named_resource"))
    v.assign(worked, PERSON, Message("evidence.measured_work"))
    person, system = _inherited(f, v)
    v.assign(person, PERSON, Message("evidence.inherited_person"))
    v.assign(system, SYSTEM, Message("evidence.inherited_system"))
    v.assign(np.ones(len(inst), dtype=bool), UNKNOWN, Message("evidence.no_resource"))
    inst[PERFORMER] = v.performer
    inst[EVIDENCE] = v.evidence
    inst[ACCOUNT] = kind
    inst[RECORDED] = v.recorded
    return {str(m): m for m in v.reasons}


def summarise_activities(inst: pd.DataFrame, rules: ManualRules, columns: LogColumns = XES, *,
                         evidence: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per-activity shares of person, system and unknown work, a verdict and evidence.

    The evidence is :func:`activity_evidence`'s (``evidence``, when already made) in English.

    Example:
        >>> from rpa_scout import ManualRules, pair_lifecycle, read_log
        >>> from rpa_scout.manual import classify_instances, summarise_activities
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> inst = pair_lifecycle(log).instances
        >>> reasons = classify_instances(inst, ManualRules())
        >>> table = summarise_activities(inst, ManualRules()).set_index("activity")
        >>> table.loc["Maksuajo", ["verdict", "evidence"]].tolist()
        ['automated', '100% system account name']
    """
    act = Coded.text(inst[columns.activity])
    table = _performer_counts(act, inst[PERFORMER])
    total = table.sum(axis=1)
    out = pd.DataFrame({
        "activity": act.values[table.index.to_numpy()].astype(str),
        "instances": total.to_numpy(),
        "person_share": (table[PERSON] / total).to_numpy(),
        "system_share": (table[SYSTEM] / total).to_numpy(),
        "unknown_share": (table[UNKNOWN] / total).to_numpy(),
    })
    artificial = (table[ARTIFICIAL] / total).to_numpy()
    share = rules.activity_share
    out["verdict"] = np.select(
        [artificial >= share, out["person_share"] >= share, out["system_share"] >= share,
         out["unknown_share"] >= share],
        [ARTIFICIAL, "manual", "automated", "unknown"], default="mixed")
    evidence = activity_evidence(inst, columns=columns) if evidence is None else evidence
    out["evidence"] = out["activity"].map({name: str(why) for name, why in evidence.items()})
    return out.sort_values(["instances", "activity"], ascending=[False, True], kind="stable").reset_index(drop=True)


def _performer_counts(act: Coded, performer: pd.Series) -> pd.DataFrame:
    """Instances per activity code (rows: the codes with a performer, ascending) and
    performer (columns: person, system, unknown, artificial), counted on codes: no
    string per instance."""
    kinds = [PERSON, SYSTEM, UNKNOWN, ARTIFICIAL]
    known = act.known & performer.notna().to_numpy()
    kind = pd.Categorical(performer[known], categories=kinds).codes.astype(np.int64)
    codes = act.codes[known]
    index = unique_ints(codes)
    mine = kind >= 0
    counts = np.bincount(codes[mine] * len(kinds) + kind[mine],
                         minlength=len(act.values) * len(kinds)).reshape(-1, len(kinds))
    return pd.DataFrame(counts[index], index=index, columns=kinds)


def activity_evidence(inst: pd.DataFrame, reasons: Mapping[str, Message] | None = None,
                      columns: LogColumns = XES) -> dict[str, Message]:
    """Per activity, the shares of its three commonest reasons ("84% named resource; ..."),
    as a :class:`rpa_scout.lang.Message` to be shown in any language. A reason after the
    first whose share rounds to 0 % is left out (it read "0% machine-like account").

    Args:
        inst: instances classified by :func:`classify_instances`.
        reasons: what :func:`classify_instances` returned; without it, the reasons stay
            as the ``evidence`` column wrote them (English).
        columns: column mapping.

    Example:
        >>> from rpa_scout import ManualRules, pair_lifecycle, read_log
        >>> from rpa_scout.lang import Lang
        >>> from rpa_scout.manual import classify_instances
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> inst = pair_lifecycle(log).instances
        >>> evidence = activity_evidence(inst, classify_instances(inst, ManualRules()))
        >>> evidence["Palautus tiliöintiin"]
        "92% recorded within 10 s with the account's step 'Asiatarkastus'; 8% named resource"
        >>> evidence["Palautus tiliöintiin"].render(Lang("fi"))
        "92\xa0% kirjattu 10 s kuluessa saman tunnuksen vaiheen 'Asiatarkastus' kanssa; 8\xa0% nimetty tekijä"
    """
    reasons = reasons or {}
    act = Coded.text(inst[columns.activity])
    top = inst.assign(_a=act.codes)[act.known].groupby(["_a", EVIDENCE], observed=True).size().rename("n").reset_index()
    top["_a"] = pd.array(act.values[top["_a"].to_numpy()], dtype="string")
    top = top.sort_values(["_a", "n", EVIDENCE], ascending=[True, False, True])
    name, why, n = (top[c].to_numpy(dtype=object) for c in ("_a", EVIDENCE, "n"))
    starts = np.flatnonzero(np.r_[True, name[1:] != name[:-1]])
    out: dict[str, Message] = {}
    for start, end, total in zip(starts, np.r_[starts[1:], len(name)], np.add.reduceat(top["n"].to_numpy(), starts)):
        parts = [Message("evidence.share", share=n[i] / total, reason=reasons.get(why[i], why[i]))
                 for i in range(start, min(end, start + 3)) if i == start or n[i] / total >= 0.005]
        out[str(name[start])] = _joined(parts)
    return out


def _joined(parts: list[Message]) -> Message:
    """One to three messages joined with "; "."""
    if len(parts) == 1:
        return parts[0]
    names = ("first", "second", "third")
    return Message("evidence.two" if len(parts) == 2 else "evidence.three", **dict(zip(names, parts)))


def artificial_events(case: Coded, act: Coded, res: Coded, end_s: np.ndarray,
                      start_s: np.ndarray, rules: ManualRules) -> np.ndarray:
    """Events an export tool added: a Start/End-like activity or account name, at the
    case's first or last completion, with no measured duration.

    Example:
        >>> import numpy as np
        >>> import pandas as pd
        >>> from rpa_scout import ManualRules
        >>> from rpa_scout.codes import Coded
        >>> from rpa_scout.manual import artificial_events
        >>> case, act, accounts = (Coded.of(pd.Series(values)) for values in
        ...     (["c1"] * 3, ["Start", "Kirjaus", "End"], ["Start", "Aino", "End"]))
        >>> end, start = np.array([0.0, 600.0, 600.0]), np.full(3, np.nan)   # epoch seconds
        >>> artificial_events(case, act, accounts, end, start, ManualRules())
        array([ True, False,  True])
    """
    named = _named_artificial(act) | _named_artificial(res)
    if not named.any():
        return named
    by_case = pd.Series(end_s).groupby(case.codes)
    first, last = (np.where(case.known, by_case.transform(how).to_numpy(), np.nan) for how in ("min", "max"))
    with np.errstate(invalid="ignore"):
        no_duration = ~((end_s - start_s) > rules.zero_duration_seconds)
    return named & ((end_s == first) | (end_s == last)) & no_duration


def _named_artificial(values: Coded) -> np.ndarray:
    return values.spread(np.array([artificial_name(u) for u in values.values], dtype=bool), False)


def _account_kinds(res: Coded, end_s: np.ndarray, timed: np.ndarray,
                   rules: ManualRules) -> tuple[pd.Categorical, Coded]:
    """Account kind of every instance and why (per account; none for a person's): by
    name, else by behaviour."""
    kinds = np.array([account_kind(u) for u in res.values], dtype=object)
    by_name = {SYSTEM_ACCOUNT: Message("evidence.system_account_name"),
               SHARED_ACCOUNT: Message("evidence.shared_account_name")}
    why = np.array([by_name.get(k) for k in kinds], dtype=object)
    person = res.spread(kinds == PERSON_ACCOUNT, False)
    names = pd.Series(pd.array(res.values.tolist() + [pd.NA], dtype="string").take(
        np.where(person, res.codes, -1)))
    behaviour = behaviour_kinds(names, end_s, timed, rules.timezone, rules)
    code = res.code_of()
    for name, (found, evidence) in behaviour.items():
        kinds[code[name]], why[code[name]] = found, evidence
    given = np.array([w is not None for w in why], dtype=bool)
    return (labels(np.where(res.known, res.codes, len(kinds)), [*kinds, ""]),
            Coded(np.where(res.spread(given, False), res.codes, -1), why))


def _inside_measured(case: Coded, res: Coded, end_s: np.ndarray, start_s: np.ndarray) -> np.ndarray:
    """Events without a start completed while their account had a measured instance of
    the same case open (after its start, before or at its completion).

    One sweep per case and account, in time order (not a join of each such event with each
    measured instance: a long case of one account's thousands of events would pair them
    all): an event is inside when the latest completion among the instances started
    before it is at or after it.
    """
    out = np.zeros(len(end_s), dtype=bool)
    measured = np.isfinite(start_s)
    lone = ~measured & np.isfinite(end_s)
    if not measured.any() or not lone.any():
        return out
    key = case.codes.astype(np.int64) * (len(res.values) + 1) + res.codes  # one per case and account
    events = np.flatnonzero(lone & res.known)
    # starts and events by key and time; an event before a start at the same instant
    # (inside needs a start strictly before it); an event's own completion counts nothing
    k = np.r_[key[measured], key[events]]
    order = np.lexsort((np.r_[np.ones(measured.sum()), np.zeros(len(events))],
                        np.r_[start_s[measured], end_s[events]], k))
    ends = np.r_[np.where(np.isnan(end_s[measured]), -np.inf, end_s[measured]), np.full(len(events), -np.inf)]
    latest = pd.Series(ends[order]).groupby(k[order], sort=False).cummax().to_numpy()
    at = np.flatnonzero(order >= measured.sum())  # the events' places in that order
    rows = events[order[at] - measured.sum()]
    out[rows] = latest[at] >= end_s[rows]
    return out


def _records(f: _Facts, candidates: np.ndarray, worked: np.ndarray,
             rules: ManualRules) -> tuple[np.ndarray, Coded]:
    """Steps that only record another step of the same account within seconds (rule 7).

    Steps of one case that one account completes within ``quick_seconds`` of each other
    form a cluster. Per activity, its *clustered share* is the share of its occurrences
    that fall in such clusters. In each cluster the work is a measured step that took
    longer than seconds (``worked``), else the step with the lowest clustered share (the
    earliest, when they are within ``tie_margin``); the others are
    its records when their own clustered share reaches ``record_share`` and the two
    steps were completed together in at least ``pattern_cases`` cases.

    Returns the mask of records and, per row, the evidence naming the recorded step (a
    code into one message per step; -1 for no record).
    """
    n = len(f.end_s)
    records = np.zeros(n, dtype=bool)
    codes = np.full(n, -1, dtype=np.int64)
    why = Coded(codes, np.array([], dtype=object))
    idx = np.flatnonzero(candidates)
    if len(idx) < 2:
        return records, why
    c, r, a, t = f.case.codes[idx], f.res.codes[idx], f.act.codes[idx], f.end_s[idx]
    a_codes, a_names = f.act.codes, f.act.values
    order = np.lexsort((t, c, r))
    c, r, a, t, idx = c[order], r[order], a[order], t[order], idx[order]
    together = np.r_[False, (c[1:] == c[:-1]) & (r[1:] == r[:-1])]
    slow = _slow_followers(a, t, together, len(a_names), rules)
    joined = together & np.r_[False, np.diff(t) <= rules.quick_seconds]
    del together
    cluster = np.cumsum(~joined)
    keep = np.bincount(cluster)[cluster] >= 2  # rows of clusters of two or more
    m = pd.DataFrame({"cl": cluster[keep], "a": a[keep], "t": t[keep], "i": idx[keep], "case": c[keep]},
                     copy=False)
    if m.empty:
        return records, why
    share = (np.bincount(m["a"].to_numpy(), minlength=len(a_names))
             / np.maximum(np.bincount(a, minlength=len(a_names)), 1))
    del c, r, a, t, idx, order, joined, cluster, keep  # m holds what is needed of them
    rank = np.where(worked[m["i"].to_numpy()], -1.0, share[m["a"].to_numpy()])
    # already in (cluster, time, row) order: the lexsort is stable and idx ascending
    m = m.assign(share=share[m["a"].to_numpy()], rank=rank)
    low = m.groupby("cl")["rank"].transform("min")
    tied = m[m["rank"] <= low + rules.tie_margin]
    place = tied.groupby("cl").cumcount().to_numpy()
    first = tied[place == 0].set_index("cl")[["i", "a"]]
    second = tied[place == 1].set_index("cl")[["i", "a"]]
    # Tied alike, the earlier is the work, unless the later follows it as a person
    # reacts (sometimes slower than seconds): then the earlier was the system's step.
    pairs = first.loc[second.index, "a"].to_numpy(dtype=np.int64) * len(a_names) + second["a"].to_numpy()
    later = second.index[np.isin(pairs, slow)]
    first.loc[later, ["i", "a"]] = second.loc[later, ["i", "a"]].to_numpy()
    m = m.assign(work=m["cl"].map(first["i"]).to_numpy(), work_a=m["cl"].map(first["a"]).to_numpy())
    support = m[m["i"] != m["work"]].groupby(["a", "work_a"])["case"].nunique()
    m = m.join(support.rename("support"), on=["a", "work_a"])
    # the same step again is not its own record (a second invoice line posted at once is work)
    rec = m[(m["i"] != m["work"]) & (m["a"] != m["work_a"]) & (m["share"] >= rules.record_share)
            & (m["support"] >= rules.pattern_cases) & ~worked[m["i"].to_numpy()]]
    records[rec["i"].to_numpy()] = True
    steps, step = np.unique(a_codes[rec["work"].to_numpy()], return_inverse=True)
    codes[rec["i"].to_numpy()] = step
    messages = [Message("evidence.recorded_with", seconds=rules.quick_seconds, step=str(f.act.values[s]))
                for s in steps]
    return records, Coded(codes, np.array(messages, dtype=object))


#: A step is saved within another step's work when, in at least this share of its
#: executions (9 in 10, "nearly always", as :data:`INHERIT_SHARE`), its account's next step
#: is another step of the same case. A person who finishes a piece of work moves on to
#: another case after a fair share of them: on the real two-timestamp logs (starts
#: dropped) every person's step with 5 or more executions was followed by the same case
#: in at most 43 % of them (PurchasingExample), BPIC 2012's ``W_`` items in at most 12 %;
#: BPIC 2012's ``A_ACCEPTED``, saved inside a ``W_`` item, in 99.7 % (5,099 of 5,113).
#: The share is of all the step's executions (every account, timed or not; those already
#: found records of another step left out), not only of the person accounts' that could
#: be saved: every ``A_ACCEPTED`` is done by the account that goes on with the item, but
#: a registry desk's shared login that registers 55 % of a municipality's applications
#: and goes no further leaves the handlers' own registrations of paper ones, each
#: followed at once by their check of the case, at 45 % (1,407 of 3,096): a step done
#: on its own is work. The price on BPIC 2012: ``A_APPROVED``, ``A_REGISTERED`` and
#: ``A_ACTIVATED`` (nearly all records within seconds) keep 32 executions as person work,
#: since a machine-like account does 3 of each on its own (``A_APPROVED``: 18 of its 22
#: executions that are not records, 82 %).
CONTINUED_SHARE = 0.9


def _within_work(f: _Facts, work: np.ndarray, candidates: np.ndarray, records: np.ndarray,
                 rules: ManualRules) -> tuple[np.ndarray, Coded]:
    """Steps saved while another step of the account is worked (rule 8).

    ``work``: the rows that are the accounts' work so far (records left out); of them,
    ``candidates`` may be found saved. For each row, its account's next work row (by time)
    *continues* the case when it is of the same case and another step. A step is saved
    within work when, of all its executions that are not ``records`` (rows already found
    records of another step; at least ``pattern_cases``, by any account, timed or not), at
    least :data:`CONTINUED_SHARE` are ``candidates`` that continue the case (where other
    accounts do the step on their own, it is a piece of work), and the step they most
    often continue with (its *work*) is preceded by it in fewer than ``record_share`` of the work's own
    executions (the work is mostly done without it: it is not a person's step that always
    comes first) and is followed by the account's work on another case in at least
    ``record_share`` of them (the work does end the account's work on a case; an account
    that only ever works one case, such as an applicant's own, never takes up another).

    Returns the mask of the saved executions that continue the case and, per row, the
    evidence naming the step that followed (a code into one message per step; -1: none).

    Example:
        >>> import numpy as np
        >>> import pandas as pd
        >>> from rpa_scout import ManualRules
        >>> from rpa_scout.manual import _Facts, _within_work
        >>> rows = []   # "Hyväksytty" saved 3 min before the 10-min "Käsittely" closes
        >>> for c in range(8):
        ...     t = pd.Timestamp("2024-03-04 08:00", tz="UTC") + pd.Timedelta(minutes=30 * c)
        ...     if c % 3 == 0:
        ...         rows.append((f"c{c}", "Hyväksytty", t + pd.Timedelta(minutes=7), "aino"))
        ...     rows.append((f"c{c}", "Käsittely", t + pd.Timedelta(minutes=10), "aino"))
        >>> inst = pd.DataFrame(rows, columns=["case:concept:name", "concept:name",
        ...                                    "time:timestamp", "org:resource"])
        >>> f = _Facts.of(inst, ManualRules(), XES)
        >>> every = np.ones(len(inst), dtype=bool)
        >>> saved, why = _within_work(f, every, every, ~every, ManualRules(pattern_cases=3))
        >>> inst.loc[saved, "concept:name"].unique().tolist()
        ['Hyväksytty']
        >>> str(why.values[why.codes[np.flatnonzero(saved)[0]]])
        "saved during the account's step 'Käsittely' of the same case"
    """
    n = len(f.end_s)
    saved = np.zeros(n, dtype=bool)
    codes = np.full(n, -1, dtype=np.int64)
    none = Coded(codes, np.array([], dtype=object))
    idx = np.flatnonzero(work & f.res.known & f.case.known & f.act.known & ~np.isnan(f.end_s))
    if len(idx) < 2:
        return saved, none
    order = np.lexsort((idx, f.end_s[idx], f.res.codes[idx]))
    idx = idx[order]
    r, c, a = f.res.codes[idx], f.case.codes[idx], f.act.codes[idx]
    steps = len(f.act.values)
    has_next = np.r_[r[1:] == r[:-1], False]
    next_a = np.r_[a[1:], -1]
    continues = has_next & np.r_[c[1:] == c[:-1], False] & (next_a != a)
    has_prev = np.r_[False, has_next[:-1]]
    prev_a = np.r_[-1, a[:-1]]
    after_same = np.r_[False, continues[:-1]]  # the previous row continued the case into this one
    moves_on = has_next & np.r_[c[1:] != c[:-1], False]  # the account takes up another case
    cand = candidates[idx]
    # every execution of the step by any account, timed or not, that is not already a record
    total = np.bincount(f.act.codes[f.act.known & ~records], minlength=steps)
    inner = np.bincount(a[cand & continues], minlength=steps)
    often = (total >= rules.pattern_cases) & (inner >= CONTINUED_SHARE * np.maximum(total, 1))
    if not often.any():
        return saved, none
    # per step, the step it most often continues with
    pair = a[cand & continues].astype(np.int64) * steps + next_a[cand & continues]
    pairs, counts = np.unique(pair, return_counts=True)
    top = np.full(steps, -1, dtype=np.int64)
    best = np.zeros(steps, dtype=np.int64)
    for p, k in zip(pairs, counts):
        s, t = divmod(int(p), steps)
        if k > best[s]:
            best[s], top[s] = k, t
    executions = np.bincount(a, minlength=steps)
    ended = np.bincount(a[moves_on], minlength=steps)
    follow = a[after_same & has_prev].astype(np.int64) * steps + prev_a[after_same & has_prev]
    preceded = pd.Series(follow).value_counts()
    found = np.zeros(steps, dtype=bool)
    for s in np.flatnonzero(often):
        w = top[s]
        if w < 0 or executions[w] == 0:
            continue
        by_it = preceded.get(w * steps + s, 0) / executions[w]
        found[s] = by_it < rules.record_share and ended[w] >= rules.record_share * executions[w]
    rows = cand & continues & found[a]
    saved[idx[rows]] = True
    names, which = np.unique(next_a[rows], return_inverse=True)
    codes[idx[rows]] = which
    messages = [Message("evidence.saved_within", step=str(f.act.values[s])) for s in names]
    return saved, Coded(codes, np.array(messages, dtype=object))


def _slow_followers(a: np.ndarray, t: np.ndarray, together: np.ndarray, steps: int,
                    rules: ManualRules) -> np.ndarray:
    """The ordered pairs of steps (codes ``first * steps + then``) where ``then``, where
    it directly follows ``first`` in a case and account, comes later than
    ``quick_seconds`` in more than ``1 - trigger_share`` of those cases (of at least
    ``pattern_cases``).

    A record that a step triggers follows it at the system's pace, within seconds nearly
    every time; a person who acts after a system step (a student filing an application
    the system has just filled in) sometimes takes longer. ``a`` and ``t`` are in case,
    account and time order; ``together[i]``: row ``i`` follows row ``i - 1`` in its case
    and account.
    """
    follows = np.flatnonzero(together)
    pair = a[follows - 1].astype(np.int64) * steps + a[follows]
    quick = (t[follows] - t[follows - 1]) <= rules.quick_seconds
    codes, which = np.unique(pair, return_inverse=True)  # the pairs that occur, not steps²
    total = np.bincount(which, minlength=len(codes))
    fast = np.bincount(which, weights=quick, minlength=len(codes))
    return codes[(total >= rules.pattern_cases) & (fast < rules.trigger_share * total)]


def _matches(values: Coded, patterns: tuple[str, ...]) -> np.ndarray:
    if not patterns:
        return np.zeros(len(values.codes), dtype=bool)
    return values.spread(matches(pd.Series(values.values, dtype="string"), patterns), False)


def date_stamped_events(ts: pd.Series, activity: pd.Series) -> np.ndarray:
    """Events whose timestamp is a date, not a time.

    Exports that store dates write them as midnight in the exporter's zone: one or two
    (daylight saving) whole-hour clock times in UTC. Such events count as dates when
    those clock times hold at least a tenth of the log and dominate two or more
    activities; a single activity always run at one clock time is a scheduled batch job,
    which stays timed.

    Example:
        >>> import pandas as pd
        >>> from rpa_scout.manual import date_stamped_events
        >>> ts = pd.Series(pd.to_datetime(["2024-03-04 22:00", "2024-03-05 22:00", "2024-03-06 09:13",
        ...                                "2024-03-06 22:00"], utc=True))   # 22:00 UTC: Helsinki midnight
        >>> date_stamped_events(ts, pd.Series(["Päätös", "Kirjaus", "Kirjaus", "Päätös"]))
        array([ True,  True, False,  True])
    """
    seconds, known = _clock_seconds(ts)
    whole = known & (seconds % 3600 == 0)
    none = np.zeros(len(ts), dtype=bool)
    if not whole.any():
        return none
    values, counts = np.unique(seconds[whole], return_counts=True)
    top = values[np.argsort(-counts, kind="stable")[:2]]
    stamped = whole & np.isin(seconds, top)
    if stamped.mean() < 0.1:
        return none
    codes = Coded.text(activity).codes
    named = codes >= 0
    share = np.bincount(codes[named], weights=stamped[named]) / np.bincount(codes[named])
    return stamped if int((share >= 0.5).sum()) >= 2 else none


def _clock_seconds(ts: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since midnight on each timestamp's clock, and which timestamps are known.

    UTC and zone-less timestamps are read from their integers (the clock of UTC has no
    daylight saving); other zones through their local fields.
    """
    zone = getattr(ts.dtype, "tz", None)
    if ts.dtype.kind == "M" and (zone is None or str(zone) == "UTC"):
        stamps = ts.array.asi8
        per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[ts.dt.unit]
        return (stamps // per_second) % 86400, ts.notna().to_numpy()
    seconds = (ts.dt.hour * 3600 + ts.dt.minute * 60 + ts.dt.second).to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(seconds)
    return np.where(known, seconds, 0).astype(np.int64), known


def _bursts(f: _Facts, rules: ManualRules) -> np.ndarray:
    """Instances completed with ``burst_cases`` or more other cases at the same instant
    by the same account, where the account does at least half of that step so."""
    r, a, t = f.res.codes, f.act.codes, f.end_s
    at = np.flatnonzero(f.res.known & ~np.isnan(t))  # rows with an account and an instant
    moment = _moments(r[at], t[at])
    width = len(f.case.values) + 1
    pairs = unique_ints(moment.astype(np.int64) * width + f.case.codes[at] + 1)  # 0: no case id
    cases = np.bincount(pairs[pairs % width > 0] // width, minlength=len(at))  # per moment
    burst = np.zeros(len(t), dtype=bool)
    burst[at] = cases[moment] >= rules.burst_cases
    del at, moment, pairs, cases
    step = r.astype(np.int64)  # one per account and step: (r + 1)·(steps + 1) + (a + 1), in place
    step += 1
    step *= len(f.act.values) + 1
    step += a
    step += 1
    codes, steps = pd.factorize(step)
    del step
    usual = (np.bincount(codes, weights=burst) / np.bincount(codes))[codes] >= 0.5
    return burst & usual


def _moments(account: np.ndarray, instant: np.ndarray) -> np.ndarray:
    """A code per (account, instant) pair: equal pairs, equal codes (numbered in account
    and time order). Found by sorting, not by hashing millions of float instants.

    Example:
        >>> _moments(np.array([1, 0, 1, 1]), np.array([5.0, 5.0, 5.0, 6.0])).tolist()
        [1, 0, 1, 2]
    """
    order = np.lexsort((instant, account))
    ordered_account, ordered_instant = account[order], instant[order]
    new = np.empty(len(order), dtype=bool)
    new[:1] = True
    np.not_equal(ordered_account[1:], ordered_account[:-1], out=new[1:])
    new[1:] |= ordered_instant[1:] != ordered_instant[:-1]
    del ordered_account, ordered_instant
    moment = np.empty(len(order), dtype=np.int64)
    moment[order] = np.cumsum(new) - 1
    return moment
