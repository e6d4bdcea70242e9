"""Multi-step routines: the same person doing the same 2–5 manual steps back to back in a case.

A routine chains at least two different activities (``X → X`` is the same step repeated,
rework rather than a routine).

A *link* joins two consecutive instances of a case that are both person work by the same
account. Maximal chains of links are cut into contiguous n-grams of 2–5 activities;
n-grams seen in at least ``min_cases`` cases are routines. A routine is dropped when a
longer routine containing it covers at least 90 % of its occurrences (the longer one
says the same, better).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rpa_scout.codes import Coded
from rpa_scout.columns import ACCOUNT, HANDLING, PERFORMER, XES, LogColumns
from rpa_scout.accounts import SHARED_ACCOUNT
from rpa_scout.manual import PERSON

SEPARATOR = " → "


def find_routines(inst: pd.DataFrame, *, min_cases: int | None = None, max_steps: int = 5,
                  columns: LogColumns = XES) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Find frequent back-to-back manual routines.

    Args:
        inst: instance table from :func:`rpa_scout.estimate_handling_time` (sorted by
            case and time, with ``performer`` and ``handling_s``).
        min_cases: minimum number of cases a routine appears in (default: 2 % of cases,
            at least 10).
        max_steps: longest routine considered (2–5).
        columns: column mapping.

    Returns:
        ``(routines, occurrences)``: one row per routine (``routine``, ``steps``,
        ``activities`` tuple, ``occurrences``, ``cases``, ``handling_mean_s``); and one row
        per occurrence (``routine``, ``case_index``, ``handling_s``, and ``row``: the
        position in ``inst`` of its first step) for bootstrapping and explaining.

    Example:
        >>> from rpa_scout import estimate_handling_time, read_log
        >>> from rpa_scout.routines import find_routines
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> routines, occurrences = find_routines(estimate_handling_time(log).instances)
        >>> routines["routine"].tolist()
        ['Tilausvastaavuuden tarkistus → Kustannuspaikan tiliöinti', 'Hyväksyntä → Siirto maksatukseen']
        >>> routines[["steps", "occurrences", "cases"]].values.tolist()
        [[2, 306, 306], [2, 251, 251]]
        >>> len(occurrences) == int(routines["occurrences"].sum())   # one row per occurrence
        True
    """
    empty = (pd.DataFrame(columns=["routine", "steps", "activities", "occurrences", "cases",
                                   "handling_mean_s"]),
             pd.DataFrame(columns=["routine", "case_index", "handling_s", "row"]))
    if columns.resource not in inst.columns or len(inst) < 2:
        return empty
    if min_cases is None:
        min_cases = max(10, int(0.02 * inst[columns.case].nunique()))
    case_idx, _ = pd.factorize(inst[columns.case])
    act = Coded.text(inst[columns.activity])
    act_idx, act_names = act.codes, act.values  # the activities' names, by code
    handling = inst[HANDLING].to_numpy(dtype=float)
    link = _links(inst, case_idx, handling, columns)
    found: list[dict] = []
    occ_parts: list[pd.DataFrame] = []
    for steps in range(2, max(2, min(max_steps, 5)) + 1):
        frame = _chains(link, act_idx, case_idx, handling, steps, len(act_names))
        if frame.empty:
            continue
        stats = frame.groupby("key").agg(occurrences=("h", "size"), cases=("case", "nunique"),
                                         handling_mean_s=("h", "mean"))
        for code, row in stats[stats["cases"] >= min_cases].iterrows():
            acts = _decode(int(code), steps, len(act_names), act_names)
            if len(set(acts)) < 2:  # the same step repeated is rework, not a routine
                continue
            name = SEPARATOR.join(acts)
            found.append(dict(routine=name, steps=steps, activities=acts,
                              occurrences=int(row["occurrences"]), cases=int(row["cases"]),
                              handling_mean_s=float(row["handling_mean_s"])))
            sel = frame[frame["key"] == code]
            occ_parts.append(pd.DataFrame({"routine": name, "case_index": sel["case"].to_numpy(),
                                           "handling_s": sel["h"].to_numpy(), "row": sel["row"].to_numpy()}))
    if not found:
        return empty
    return _keep_longest(pd.DataFrame(found), pd.concat(occ_parts, ignore_index=True))


def _links(inst: pd.DataFrame, case_idx: np.ndarray, handling: np.ndarray,
           columns: LogColumns) -> np.ndarray:
    """Whether each instance and the next are both timed person work of one person's
    account in the same case. A shared staff account ("STAFF MEMBER") is many people:
    it forms no routine."""
    res_idx, _ = pd.factorize(inst[columns.resource])
    shared = (inst[ACCOUNT] == SHARED_ACCOUNT).to_numpy() if ACCOUNT in inst else np.zeros(len(inst), bool)
    person = (inst[PERFORMER] == PERSON).to_numpy() & (res_idx >= 0) & ~shared & np.isfinite(handling)
    return (case_idx[1:] == case_idx[:-1]) & (res_idx[1:] == res_idx[:-1]) & person[1:] & person[:-1]


def _chains(link: np.ndarray, act_idx: np.ndarray, case_idx: np.ndarray, handling: np.ndarray,
            steps: int, k: int) -> pd.DataFrame:
    """Every run of ``steps`` linked instances: its activity sequence coded in base ``k``,
    its case, its total handling seconds and its first instance's row."""
    m = len(act_idx) - steps + 1
    if m <= 0:
        return pd.DataFrame(columns=["key", "case", "h", "row"])
    ok = np.ones(m, dtype=bool)
    key = np.zeros(m, dtype=np.int64)
    total = np.zeros(m)
    for j in range(steps):
        if j < steps - 1:
            ok &= link[j:j + m]
        key = key * k + act_idx[j:j + m]
        total += handling[j:j + m]
    starts = np.flatnonzero(ok)
    return pd.DataFrame({"key": key[starts], "case": case_idx[starts], "h": total[starts], "row": starts})


def _keep_longest(routines: pd.DataFrame, occurrences: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop routines that a longer one covers; sort by occurrences."""
    found = list(zip(routines["steps"], routines["activities"], routines["occurrences"]))
    keep = [not _subsumed(row, found) for row in found]
    routines = routines[keep].sort_values(["occurrences", "routine"], ascending=[False, True],
                                          kind="stable").reset_index(drop=True)
    occurrences = occurrences[occurrences["routine"].isin(set(routines["routine"]))]
    return routines, occurrences.reset_index(drop=True)


def _decode(code: int, steps: int, k: int, names: np.ndarray) -> tuple[str, ...]:
    out = []
    for _ in range(steps):
        out.append(str(names[code % k]))
        code //= k
    return tuple(reversed(out))


def _subsumed(row: tuple[int, tuple[str, ...], int], found: list[tuple[int, tuple[str, ...], int]]) -> bool:
    """Whether a longer routine of ``found`` (steps, activities, occurrences) holds ``row``'s
    steps in a row and occurs at least 90 % as often."""
    steps, activities, occurrences = row
    for other_steps, acts, other_occurrences in found:
        if other_steps <= steps or other_occurrences < 0.9 * occurrences:
            continue
        if any(acts[i:i + steps] == activities for i in range(len(acts) - steps + 1)):
            return True
    return False
