"""Automation-fit criteria per activity, each raw and normalised to 0–1 (1 = fits a robot).

Computed on the instance table of :func:`rpa_scout.estimate_handling_time` (one row per
activity instance, with ``performer`` and ``handling_s``):

- ``standardisation``: how predictable the step's predecessor and successor are (mean
  share of the most common predecessor and successor);
- ``stability``: month-to-month variation of manual volume and mean handling time,
  ``1 / (1 + mean CV)``;
- ``rework``: share of executions that repeat the step in the same case (normalised
  as ``1 - share``);
- ``variability``: spread of handling time on the log scale (half the 16th–84th
  percentile range of ``log(handling)``, a robust log-normal sigma; for estimates, of
  their upper bounds, which is what the log shows) compared with the
  most uniform steps of the same log (the 25th percentile of the steps' spreads):
  ``min(1, reference / spread)``. Rule work is uniform, judgement work varies case by
  case; the comparison is relative because on real logs every step's handling time is
  heavy-tailed (BPIC12 work items: 1.3–1.5), so an absolute bar would reject them all.
  The coefficient of variation is reported raw as well;
- ``people``: how many distinct people do it (shown only as "5 or more" or "fewer than
  5", never per person);
- ``rule_basedness``: cross-validated accuracy of a depth-3 decision tree (CART, as
  scikit-learn grows it: :mod:`rpa_scout.tree`)
  predicting the step's outcome (the system step it triggers, such as an exception
  recorded or a letter sent, or that the case is passed on; see :func:`context`) from
  the previous step and the case attributes. Exceptions the data cannot predict lower it; it is also the estimate of
  the share of executions a robot could take.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Collection

import numpy as np
import pandas as pd

from rpa_scout.codes import Coded, factorisable, small, unique_ints
from rpa_scout.accounts import SHARED_ACCOUNT
from rpa_scout.columns import (ACCOUNT, BOUND, CAPACITY, DAY_HOURS, EVIDENCE, HANDLING, LOOSE, NAIVE, PERFORMER,
                               RECORDED, REPLACED, ROLES, SOURCE, UPPER, XES, LogColumns)
from rpa_scout.manual import PERSON
from rpa_scout.privacy import people_columns, person_header
from rpa_scout.tree import cross_validated_accuracy

END_TOKEN = "(end)"
START_TOKEN = "(start)"
TREE_SAMPLE = 5000
MIN_GROUP = 5
OUTCOME_WINDOW = 15 * 60  # s: the same person's next step this soon is the step's own result
PASSED_ON = "(passed on)"
SPREAD_REFERENCE = 0.25  # quantile of the steps' spreads taken as "uniform" for this log


@dataclass(frozen=True)
class _Context:
    """Per instance: its activity, predecessor, successor and outcome as codes into
    ``names`` (the activities in sorted order, then the tokens that are no activity's
    name), and whether it repeats an earlier step of its case."""

    names: np.ndarray
    activity: np.ndarray
    prev: np.ndarray
    next: np.ndarray
    outcome: np.ndarray
    repeat: np.ndarray

    @property
    def activities(self) -> int:
        """How many activities there are (codes 0 .. activities - 1, in name order)."""
        return int(self.activity.max(initial=-1)) + 1

    def of_each(self, values: np.ndarray) -> dict[str, np.ndarray]:
        """Rows of each activity (positions, ascending), by activity name."""
        order = np.argsort(self.activity, kind="stable")
        parts = np.split(order, np.cumsum(np.bincount(self.activity, minlength=self.activities))[:-1])
        return {str(self.names[code]): values[rows] for code, rows in enumerate(parts)}


def context(inst: pd.DataFrame, columns: LogColumns = XES) -> pd.DataFrame:
    """Predecessor, successor, outcome and repeat flag of every instance.

    Instances are sorted by case and time. ``outcome`` is what the step itself caused:
    the next instance when it is a system step logged under the same resource within
    :data:`OUTCOME_WINDOW` of the completion (an exception recorded, a return, a
    letter sent), else :data:`PASSED_ON`; in logs without resources, the successor. It
    leaves out what later steps, parallel branches and the choice of the next person
    decide.
    """
    ctx = _context(inst, columns)
    return pd.DataFrame({"activity": ctx.names[ctx.activity], "prev": ctx.names[ctx.prev],
                         "next": ctx.names[ctx.next], "outcome": ctx.names[ctx.outcome],
                         "repeat": ctx.repeat}, index=inst.index)


def _context(inst: pd.DataFrame, columns: LogColumns) -> _Context:
    """:func:`context` as codes (activities coded in name order)."""
    case = small(pd.factorize(inst[columns.case])[0])
    coded = Coded.text(inst[columns.activity])
    codes, uniques = coded.codes, coded.values
    rank = small(np.argsort(np.argsort(uniques, kind="stable")))
    act = rank[codes]
    names = list(uniques[np.argsort(rank)])
    names += [t for t in (START_TOKEN, END_TOKEN, PASSED_ON) if t not in names]
    token = {name: code for code, name in enumerate(names)}  # an activity may bear a token's name
    same_next = np.r_[case[1:] == case[:-1], False]
    same_prev = np.r_[False, same_next[:-1]]
    prev = np.where(same_prev, _shifted(act, 1), token[START_TOKEN])
    nxt = np.where(same_next, _shifted(act, -1), token[END_TOKEN])
    del same_prev
    outcome = nxt
    if columns.resource in inst.columns:
        own = same_next & _same_account_soon(inst, columns)
        if PERFORMER in inst.columns:  # only what the step triggered, not the next task
            not_person = (inst[PERFORMER] != PERSON).to_numpy(dtype=bool)
            system_step = (np.bincount(act, weights=not_person) / np.bincount(act))[act] >= 0.5
            own &= np.r_[system_step[1:], False]
        outcome = np.where(own | ~same_next, nxt, token[PASSED_ON])
    pair = case.astype(np.int64)  # one per case and activity, in place: case·(activities + 1) + code
    pair *= len(uniques) + 1
    pair += codes
    first = unique_ints(pair, return_index=True)[1]
    del pair
    repeat = np.ones(len(act), dtype=bool)
    repeat[first] = False  # the first instance of its activity in its case
    return _Context(np.array(names, dtype=object), act, prev, nxt, outcome, repeat)


def _shifted(codes: np.ndarray, by: int) -> np.ndarray:
    """``codes`` moved ``by`` rows later (1) or earlier (-1), 0 in the row left open; of
    the same integer type."""
    out = np.zeros_like(codes)
    if by > 0:
        out[by:] = codes[:-by]
    else:
        out[:by] = codes[-by:]
    return out


def _same_account_soon(inst: pd.DataFrame, columns: LogColumns) -> np.ndarray:
    """Whether the next instance has the same (named) resource and begins within
    :data:`OUTCOME_WINDOW` of this one's completion."""
    res, values = pd.factorize(factorisable(inst[columns.resource]))
    res = np.where(np.r_[np.asarray(values, dtype=object) != "", False][res], res, -1)  # "" is none
    end = inst[columns.timestamp].to_numpy(dtype="datetime64[ns]")
    begin = end
    if columns.start_timestamp in inst.columns:
        begin = inst[columns.start_timestamp].fillna(inst[columns.timestamp]).to_numpy(dtype="datetime64[ns]")
    gap = np.r_[begin[1:] - end[:-1], np.timedelta64(0, "ns")]
    return np.r_[(res[1:] == res[:-1]) & (res[1:] >= 0), False] & (gap <= np.timedelta64(OUTCOME_WINDOW, "s"))


def activity_criteria(inst: pd.DataFrame, *, columns: LogColumns = XES, seed: int = 0,
                      scored: Collection[str] | None = None) -> pd.DataFrame:
    """Raw criteria per activity (see the module docstring); one row per activity.

    Args:
        inst: instance table of :func:`rpa_scout.estimate_handling_time`.
        columns: column mapping.
        seed: seed of the decision trees' samples and folds.
        scored: the activities whose ``rule_accuracy`` is needed (the others get NaN,
            and a log with none of them fits no tree); default all.
    """
    ctx = _context(inst, columns)
    names = ctx.names[:ctx.activities]
    out = pd.DataFrame(index=pd.Index(list(names), name="activity"))
    out["top_predecessor_share"] = _top_share(ctx.activity, ctx.prev, len(ctx.names))
    out["top_successor_share"] = _top_share(ctx.activity, ctx.next, len(ctx.names))
    out["rework_share"] = np.bincount(ctx.activity, weights=ctx.repeat) / np.bincount(ctx.activity)
    person = (inst[PERFORMER] == PERSON).to_numpy()
    wanted = [c for c in (HANDLING, UPPER, SOURCE, REPLACED, columns.resource, columns.timestamp)
              if c in inst.columns]
    work = inst.loc[person, wanted]
    if REPLACED in work:  # a standard time says how long, not how much the step varies
        work[HANDLING] = work[HANDLING].where(work[SOURCE] != "supplied", work[REPLACED])
    key = pd.Series(ctx.activity[person], index=work.index)  # activity codes, in name order
    named = lambda values: values.set_axis(names[values.index.to_numpy()])  # noqa: E731
    grouped = work[HANDLING].groupby(key)
    mean, sd = named(grouped.mean()), named(grouped.std(ddof=1))
    out["handling_cv"] = (sd / mean).where(mean > 0)
    out["handling_spread"] = np.nan
    observed = _observed_seconds(work)
    logs = np.log(observed[observed > 0].astype(float))
    q = logs.groupby(key[observed > 0]).quantile([0.16, 0.84]).unstack()
    counts = named(logs.groupby(key[observed > 0]).size())
    if not q.empty:
        out["handling_spread"] = named((q[0.84] - q[0.16]) / 2).where(counts >= MIN_GROUP)
    out["stability_cv"] = _monthly_cv(work, key, names, columns)
    if columns.resource in inst.columns:
        out["people"] = named(work[columns.resource].groupby(key).nunique())
    else:
        out["people"] = 0
    out["people"] = out["people"].fillna(0).astype(int)
    if ACCOUNT in inst.columns:  # how much of the step is done under a team's shared login
        shared = (inst[ACCOUNT] == SHARED_ACCOUNT).to_numpy()[person].astype(float)
        out["shared_share"] = named(pd.Series(shared, index=work.index).groupby(key).mean())
    out["shared_share"] = out.get("shared_share", pd.Series(0.0, index=out.index)).fillna(0.0)
    out["rule_accuracy"] = _rule_accuracy(inst, ctx, columns, seed, scored)
    return out.reset_index()


def _top_share(activity: np.ndarray, other: np.ndarray, size: int) -> np.ndarray:
    """Per activity code, the share of its rows taken by its most common ``other`` code."""
    pairs, counts = unique_ints(activity.astype(np.int64) * size + other, return_counts=True)
    owner = pairs // size
    top = np.zeros(int(activity.max(initial=-1)) + 1, dtype=np.int64)
    np.maximum.at(top, owner, counts)
    return top / np.bincount(activity, minlength=len(top))


def _observed_seconds(work: pd.DataFrame) -> pd.Series:
    """What the log shows of each instance's duration: the measured time, or for an
    estimate its own upper bound (the estimate itself is cut to its activity's level,
    which would hide how much the step varies)."""
    seconds = work[HANDLING].astype(float)
    if UPPER in work and SOURCE in work:
        estimated = work[SOURCE].isin(["estimated", "estimated, no resource"]) & work[UPPER].notna()
        seconds = seconds.where(~estimated, work[UPPER].astype(float))
    return seconds


def normalise(raw: pd.DataFrame, reference: "list[str] | None" = None) -> pd.DataFrame:
    """0–1 scores, 1 meaning 'fits a robot', from :func:`activity_criteria` output.

    ``reference`` names the activities whose handling-time spreads set the "uniform"
    bar of ``variability`` (the manual steps being ranked); by default all of them.
    """
    norm = pd.DataFrame({"activity": raw["activity"]})
    norm["standardisation"] = (raw["top_predecessor_share"] + raw["top_successor_share"]) / 2
    norm["stability"] = 1.0 / (1.0 + raw["stability_cv"].fillna(1.0))
    norm["rework"] = 1.0 - raw["rework_share"]
    spread = raw["handling_spread"] if "handling_spread" in raw else pd.Series(np.nan, index=raw.index)
    pool = spread if reference is None else spread[raw["activity"].isin(list(reference)).to_numpy()]
    pool = pool[pool > 0]
    reference = pool.quantile(SPREAD_REFERENCE) if len(pool) else np.nan
    score = pd.Series(np.nan, index=raw.index)  # unknown (too few instances): no score
    score[spread == 0] = 1.0
    if np.isfinite(reference):
        score[spread > 0] = (reference / spread[spread > 0]).clip(upper=1.0)
    norm["variability"] = score
    norm["rule_basedness"] = raw["rule_accuracy"].fillna(0.0)
    return norm


def _monthly_cv(work: pd.DataFrame, key: pd.Series, names: np.ndarray, columns: LogColumns) -> pd.Series:
    """Mean of the month-to-month CV of volume and of mean handling time (full months
    only), by activity name (``key``: the activity codes of ``work``, into ``names``)."""
    if work.empty:
        return pd.Series(dtype=float)
    ts = work[columns.timestamp].dt.tz_convert("UTC").dt.tz_localize(None)
    month = ts.dt.to_period("M")
    del ts
    first, last = month.min(), month.max()
    inner = ((month > first) & (month < last)).to_numpy()  # each column filtered, then joined
    frame = pd.DataFrame({"a": key[inner], "m": month[inner], "h": work[HANDLING][inner]})
    if frame.empty:
        return pd.Series(dtype=float)
    monthly = frame.groupby(["a", "m"]).agg(n=("h", "size"), h=("h", "mean"))
    months = pd.period_range(first + 1, last - 1, freq="M")
    counts = monthly["n"].unstack(fill_value=0).reindex(columns=months, fill_value=0)
    times = monthly["h"].unstack()
    cv_n = counts.std(axis=1, ddof=0) / counts.mean(axis=1)
    cv_h = times.std(axis=1, ddof=0) / times.mean(axis=1)
    if counts.shape[1] < 3:
        return pd.Series(np.nan, index=names[counts.index.to_numpy()], dtype=float)
    cv = (cv_n + cv_h.reindex(cv_n.index).fillna(cv_n)) / 2
    return cv.set_axis(names[cv.index.to_numpy()])


def _rule_accuracy(inst: pd.DataFrame, ctx: _Context, columns: LogColumns, seed: int,
                   wanted: Collection[str] | None = None) -> pd.Series:
    """Per activity: 3-fold cross-validated accuracy of a depth-3 tree predicting the outcome.

    A step that always has the same outcome scores 1; with too few examples to fit a
    tree, the share of the most common outcome is used. Only the ``wanted`` activities
    (default: all) are scored; the sample of every activity is drawn all the same, so
    that each one's sample does not depend on which others are scored.
    """
    rng = np.random.default_rng(seed)
    scores: dict[str, float] = {}
    trees: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]] = []
    for activity, idx in sorted(ctx.of_each(np.arange(len(ctx.outcome))).items()):
        if len(idx) > TREE_SAMPLE:
            idx = np.sort(rng.choice(idx, TREE_SAMPLE, replace=False))
        if wanted is not None and activity not in wanted:
            continue
        target = ctx.names[ctx.outcome[idx]].astype(str)
        _, counts = np.unique(target, return_counts=True)
        if len(counts) == 1 or len(idx) < 3 * MIN_GROUP:
            scores[str(activity)] = float(counts.max() / counts.sum())
        else:
            trees.append((str(activity), idx, target, counts))
    if trees:  # the case features of every sampled row at once: per-step pandas look-ups cost more than the trees
        rows = np.unique(np.concatenate([idx for _, idx, _, _ in trees]))
        features = _CaseFeatures.of(inst, columns)
        values = features.values(inst, rows)
        for activity, idx, target, counts in trees:
            x = np.hstack([_previous(ctx, idx), features.rows(values, np.searchsorted(rows, idx))])
            scores[activity] = _tree_accuracy(x, target, stratify=counts.min() >= 3, seed=seed)
    return pd.Series(dict(sorted(scores.items())), dtype=float)


def _previous(ctx: _Context, idx: np.ndarray) -> np.ndarray:
    """The predecessor of rows ``idx`` one-hot, one column per predecessor among them in
    name order (as ``pandas.get_dummies`` orders them)."""
    present = np.unique(ctx.prev[idx])
    names = [str(v) for v in ctx.names[present]]
    column = np.empty(present.max() + 1, dtype=np.intp)
    column[present[sorted(range(len(names)), key=names.__getitem__)]] = np.arange(len(names))
    return _one_hot(column[ctx.prev[idx]], len(names))


def _one_hot(codes: np.ndarray, width: int) -> np.ndarray:
    """Rows of ``width`` zeros with a one at each row's code (none where it is -1)."""
    out = np.zeros((len(codes), width))
    known = codes >= 0
    out[np.flatnonzero(known), codes[known]] = 1.0
    return out


def _tree_accuracy(x: np.ndarray, target: np.ndarray, *, stratify: bool, seed: int) -> float:
    """Mean accuracy of a depth-3 tree over 3 shuffled folds (stratified when every class
    has 3 examples), as scikit-learn computes it (:mod:`rpa_scout.tree`)."""
    return cross_validated_accuracy(x, target, stratify=stratify, seed=seed, folds=3, max_depth=3,
                                    min_samples_leaf=MIN_GROUP)


#: Columns the stages add to the instance table: facts about the instance, not the case.
_COMPUTED = frozenset({PERFORMER, EVIDENCE, ACCOUNT, RECORDED, HANDLING, SOURCE, BOUND, UPPER, LOOSE,
                       CAPACITY, NAIVE, DAY_HOURS, REPLACED, "paused_seconds"})
#: Cases looked at to tell a case attribute without the ``case:`` prefix.
CASE_SAMPLE = 2000
#: The prefix of the columns pm4py adds for itself (``pm4py.format_dataframe``'s
#: ``@@index`` and ``@@case_index``): row numbers, not attributes of a case.
PM4PY_INTERNAL = "@@"


def case_attributes(inst: pd.DataFrame, columns: LogColumns = XES) -> list[str]:
    """The columns that describe the case, in the table's order: XES's ``case:`` ones,
    and (as Finnish and Swedish exports write them, without the prefix) the other
    attribute columns that hold one value per case (in :data:`CASE_SAMPLE` cases, seeded).
    Role columns, the stages' own columns, pm4py's own (``@@case_index``: a case's
    number, which a tree could split on) and columns naming people are none of them: a
    tree must not single out a person.

    Example:
        >>> frame = pd.DataFrame({"case:concept:name": ["a", "a", "b"], "concept:name": ["X", "Y", "X"],
        ...                       "Kanava": ["verkko", "verkko", "paperi"], "Summa": [1.0, 2.0, 3.0],
        ...                       "case:tyyppi": ["A", "A", "B"], "@@case_index": [0, 0, 1]})
        >>> case_attributes(frame)
        ['Kanava', 'case:tyyppi']
    """
    roles = {getattr(columns, role) for role in ROLES} | _COMPUTED
    roles |= {c for c in inst.columns if str(c).startswith(PM4PY_INTERNAL)}
    prefixed = [c for c in inst.columns if str(c).startswith("case:") and c not in roles]
    others = [c for c in inst.columns if not str(c).startswith("case:") and c not in roles
              and not person_header(c) and not pd.api.types.is_datetime64_any_dtype(inst[c].dtype)]
    if others:  # a copy of the people's names, under a header that does not say so
        people = set(people_columns(inst, columns=columns, by_header=False))
        others = [c for c in others if c not in people]
    if others and len(inst):
        cases = pd.unique(inst[columns.case])
        if len(cases) > CASE_SAMPLE:
            cases = np.random.default_rng(0).choice(cases, CASE_SAMPLE, replace=False)
        sample = inst.loc[inst[columns.case].isin(cases), [columns.case, *others]]
        counts = sample.groupby(columns.case, sort=False, observed=True)[others].nunique(dropna=False)
        others = [c for c in others if counts[c].max() <= 1]
    keep = set(prefixed) | set(others)
    return [c for c in inst.columns if c in keep]


@dataclass(frozen=True)
class _CaseFeatures:
    """The case attributes a tree splits on: numeric ones as they are (missing → -1),
    text ones with at most 20 levels one-hot, one column per level of the whole log.

    The plan is made once from the whole column (its distinct values); the features are
    built for the sampled rows only, with the same columns as a one-hot of every row.
    """

    #: In the log's order: each column with its levels in one-hot order (None: numeric).
    columns: tuple[tuple[str, pd.Index | None], ...]

    @classmethod
    def of(cls, inst: pd.DataFrame, columns: LogColumns) -> "_CaseFeatures":
        planned = []
        for col in case_attributes(inst, columns):
            values = inst[col]
            if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
                planned.append((col, None))
            elif values.nunique(dropna=True) <= 20 and not pd.api.types.is_datetime64_any_dtype(values.dtype):
                distinct = pd.Series(values.unique()).astype("string").fillna("?")
                planned.append((col, pd.Categorical(distinct).categories))
        return cls(tuple(planned))

    def values(self, inst: pd.DataFrame, idx: np.ndarray) -> list[np.ndarray]:
        """Each column's values at rows ``idx`` (positions): numbers (missing → -1), or
        a text column's level codes. Looked up once for every row any tree samples."""
        out = []
        for col, levels in self.columns:
            values = inst[col].iloc[idx]
            if levels is None:
                out.append(values.astype(float).fillna(-1.0).to_numpy(dtype=float))
            else:
                out.append(levels.get_indexer(values.astype("string").fillna("?")))
        return out

    def rows(self, values: list[np.ndarray], at: np.ndarray) -> np.ndarray:
        """The features of the rows at positions ``at`` of ``values``, one row each."""
        parts = [np.empty((len(at), 0))]
        for (_, levels), column in zip(self.columns, values):
            parts.append(column[at][:, None] if levels is None else _one_hot(column[at], len(levels)))
        return np.hstack(parts)

