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
- ``rule_basedness``: cross-validated accuracy of a depth-3 decision tree (scikit-learn)
  predicting the step's outcome (the system step it triggers, such as an exception
  recorded or a letter sent, or that the case is passed on; see :func:`context`) from
  the previous step and the case attributes. Exceptions the data cannot predict lower it; it is also the estimate of
  the share of executions a robot could take.
"""

from __future__ import annotations

import warnings
from typing import Collection

import numpy as np
import pandas as pd

from rpa_scout.columns import HANDLING, PERFORMER, SOURCE, UPPER, XES, LogColumns
from rpa_scout.manual import PERSON

END_TOKEN = "(end)"
START_TOKEN = "(start)"
TREE_SAMPLE = 5000
MIN_GROUP = 5
OUTCOME_WINDOW = 15 * 60  # s: the same person's next step this soon is the step's own result
PASSED_ON = "(passed on)"
SPREAD_REFERENCE = 0.25  # quantile of the steps' spreads taken as "uniform" for this log


def context(inst: pd.DataFrame, columns: LogColumns = XES) -> pd.DataFrame:
    """Predecessor, successor, outcome and repeat flag of every instance.

    Instances are sorted by case and time. ``outcome`` is what the step itself caused:
    the next instance when it is a system step logged under the same resource within
    :data:`OUTCOME_WINDOW` of the completion (an exception recorded, a return, a
    letter sent), else :data:`PASSED_ON`; in logs without resources, the successor. It
    leaves out what later steps, parallel branches and the choice of the next person
    decide.
    """
    case = inst[columns.case].to_numpy()
    act = inst[columns.activity].astype("string").to_numpy(dtype=object)
    same_prev = np.r_[False, case[1:] == case[:-1]]
    same_next = np.r_[case[1:] == case[:-1], False]
    prev = np.where(same_prev, np.r_[None, act[:-1]], START_TOKEN)
    nxt = np.where(same_next, np.r_[act[1:], None], END_TOKEN)
    outcome = nxt
    if columns.resource in inst.columns:
        res = inst[columns.resource].astype("string").fillna("").to_numpy(dtype=object)
        end = inst[columns.timestamp].to_numpy(dtype="datetime64[ns]")
        begin = end
        if columns.start_timestamp in inst.columns:
            begin = inst[columns.start_timestamp].fillna(inst[columns.timestamp]).to_numpy(
                dtype="datetime64[ns]")
        gap = np.r_[begin[1:] - end[:-1], np.timedelta64(0, "ns")]
        own = same_next & np.r_[(res[1:] == res[:-1]) & (res[1:] != ""), False] \
            & (gap <= np.timedelta64(OUTCOME_WINDOW, "s"))
        if PERFORMER in inst.columns:  # only what the step triggered, not the next task
            not_person = pd.Series(inst[PERFORMER].to_numpy() != PERSON)
            system_step = not_person.groupby(act).transform("mean").to_numpy() >= 0.5
            own &= np.r_[system_step[1:], False]
        outcome = np.where(own | ~same_next, nxt, PASSED_ON)
    repeat = pd.DataFrame({"c": case, "a": act}).groupby(["c", "a"], sort=False).cumcount().to_numpy() > 0
    return pd.DataFrame({"activity": act, "prev": prev, "next": nxt, "outcome": outcome,
                         "repeat": repeat}, index=inst.index)


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
    ctx = context(inst, columns)
    person = (inst[PERFORMER] == PERSON).to_numpy()
    out = pd.DataFrame(index=pd.Index(sorted(ctx["activity"].unique()), name="activity"))
    top_prev = ctx.groupby("activity")["prev"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    top_next = ctx.groupby("activity")["next"].agg(lambda s: s.value_counts(normalize=True).iloc[0])
    out["top_predecessor_share"] = top_prev
    out["top_successor_share"] = top_next
    out["rework_share"] = ctx.groupby("activity")["repeat"].mean()
    work = inst.loc[person]
    h = work[HANDLING]
    grouped = h.groupby(work[columns.activity].astype("string"))
    mean, sd = grouped.mean(), grouped.std(ddof=1)
    out["handling_cv"] = (sd / mean).where(mean > 0)
    out["handling_spread"] = np.nan
    observed = _observed_seconds(work)
    positive = work[observed > 0]
    logs = np.log(observed[observed > 0].astype(float))
    q = logs.groupby(positive[columns.activity].astype("string")).quantile([0.16, 0.84]).unstack()
    counts = logs.groupby(positive[columns.activity].astype("string")).size()
    if not q.empty:
        out["handling_spread"] = ((q[0.84] - q[0.16]) / 2).where(counts >= MIN_GROUP)
    out["stability_cv"] = _monthly_cv(work, columns)
    if columns.resource in inst.columns:
        out["people"] = work.groupby(work[columns.activity].astype("string"))[columns.resource].nunique()
    else:
        out["people"] = 0
    out["people"] = out["people"].fillna(0).astype(int)
    out["rule_accuracy"] = _rule_accuracy(inst, ctx, columns, seed, scored)
    return out.reset_index()


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


def _monthly_cv(work: pd.DataFrame, columns: LogColumns) -> pd.Series:
    """Mean of the month-to-month CV of volume and of mean handling time (full months only)."""
    if work.empty:
        return pd.Series(dtype=float)
    ts = work[columns.timestamp].dt.tz_convert("UTC").dt.tz_localize(None)
    month = ts.dt.to_period("M")
    first, last = month.min(), month.max()
    inner = (month > first) & (month < last)
    frame = pd.DataFrame({"a": work[columns.activity].astype("string"), "m": month, "h": work[HANDLING]})[inner]
    if frame.empty:
        return pd.Series(dtype=float)
    monthly = frame.groupby(["a", "m"]).agg(n=("h", "size"), h=("h", "mean"))
    months = pd.period_range(first + 1, last - 1, freq="M")
    counts = monthly["n"].unstack(fill_value=0).reindex(columns=months, fill_value=0)
    times = monthly["h"].unstack()
    cv_n = counts.std(axis=1, ddof=0) / counts.mean(axis=1)
    cv_h = times.std(axis=1, ddof=0) / times.mean(axis=1)
    if counts.shape[1] < 3:
        return pd.Series(np.nan, index=counts.index, dtype=float)
    return (cv_n + cv_h.reindex(cv_n.index).fillna(cv_n)) / 2


def _rule_accuracy(inst: pd.DataFrame, ctx: pd.DataFrame, columns: LogColumns, seed: int,
                   wanted: Collection[str] | None = None) -> pd.Series:
    """Per activity: 3-fold cross-validated accuracy of a depth-3 tree predicting the outcome.

    A step that always has the same outcome scores 1; with too few examples to fit a
    tree, the share of the most common outcome is used. Only the ``wanted`` activities
    (default: all) are scored; the sample of every activity is drawn all the same, so
    that each one's sample does not depend on which others are scored.
    """
    rng = np.random.default_rng(seed)
    outcome, prev = ctx["outcome"].to_numpy(), ctx["prev"]
    features: pd.DataFrame | None = None  # built for the first tree only
    scores: dict[str, float] = {}
    for activity, idx in sorted(ctx.groupby("activity").indices.items()):
        if len(idx) > TREE_SAMPLE:
            idx = np.sort(rng.choice(idx, TREE_SAMPLE, replace=False))
        if wanted is not None and activity not in wanted:
            continue
        target = outcome[idx].astype(str)
        _, counts = np.unique(target, return_counts=True)
        majority = float(counts.max() / counts.sum())
        if len(counts) == 1 or len(idx) < 3 * MIN_GROUP:
            scores[str(activity)] = majority
            continue
        features = _case_features(inst, columns) if features is None else features
        dummies = pd.get_dummies(prev.iloc[idx].astype(str), prefix="prev", dtype=float)
        x = pd.concat([dummies.reset_index(drop=True), features.iloc[idx].reset_index(drop=True)], axis=1)
        scores[str(activity)] = _tree_accuracy(x.to_numpy(), target, stratify=counts.min() >= 3, seed=seed)
    return pd.Series(scores, dtype=float)


def _tree_accuracy(x: np.ndarray, target: np.ndarray, *, stratify: bool, seed: int) -> float:
    """Mean accuracy of a depth-3 tree over 3 shuffled folds (stratified when every class
    has 3 examples). scikit-learn is imported here, when a log first needs a tree."""
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
    from sklearn.tree import DecisionTreeClassifier

    splitter = (StratifiedKFold(3, shuffle=True, random_state=seed) if stratify
                else KFold(3, shuffle=True, random_state=seed))
    tree = DecisionTreeClassifier(max_depth=3, min_samples_leaf=MIN_GROUP, random_state=seed)
    with warnings.catch_warnings():  # e.g. "more classes than half the samples": the
        warnings.simplefilter("ignore")  # accuracy is still what we want, quietly
        return float(cross_val_score(tree, x, target, cv=splitter).mean())


def _case_features(inst: pd.DataFrame, columns: LogColumns) -> pd.DataFrame:
    """Numeric case attributes as they are; categorical ones (≤ 20 levels) one-hot."""
    parts = []
    for col in inst.columns:
        if not str(col).startswith("case:") or col == columns.case:
            continue
        values = inst[col]
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
            parts.append(values.astype(float).fillna(-1.0).rename(col).reset_index(drop=True))
        elif values.nunique(dropna=True) <= 20 and not pd.api.types.is_datetime64_any_dtype(values.dtype):
            parts.append(pd.get_dummies(values.astype("string").fillna("?"), prefix=col,
                                        dtype=float).reset_index(drop=True))
    if not parts:
        return pd.DataFrame(index=range(len(inst)))
    return pd.concat(parts, axis=1)
