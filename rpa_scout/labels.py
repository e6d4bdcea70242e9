"""Readable names beside activity codes (``--label COLUMN``), never instead of them.

Case systems log activities as codes (BPIC15's ``01_HOOFD_011``) and often carry a
readable name in another column (``activityNameEN``). :func:`activity_labels` maps each
activity to a *display name*: its label (the column's most common value on its events),
or, where several activities share one label, the label with the code (``"send
letter (01_HOOFD_510_2)"``), so activities that are different stay different. The
activity's identity stays the original column: settings, standard times and filters
name activities as the log does, and every table keeps the code beside the label.

:func:`suggest_labels` finds the columns that could serve (one value per activity,
1:1 or n:1 to the activities); ``inspect`` names them.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable, Mapping

import pandas as pd

from rpa_scout.columns import ROLES, XES, LogColumns, require_columns
from rpa_scout.errors import ColumnError
from rpa_scout.filters import people_advice, refuse_people
from rpa_scout.lang import Lang, Message, english

if TYPE_CHECKING:  # pragma: no cover
    from rpa_scout.rank import Ranking

#: A column labels the activities when this share of the events carries their
#: activity's most common value of it (a few events without or with another name are
#: export noise: BPIC15's five municipalities name 22 of 500 codes in two ways).
LABEL_SHARE = 0.95
#: A column with fewer distinct values than this share of the activities groups them (a
#: phase, a department) rather than naming them.
NAME_SHARE = 0.5
#: A column whose values equal the activity on this share of the events is a copy of it.
COPY_SHARE = 0.9
#: The separator of routine names (as :mod:`rpa_scout.routines` joins them).
SEPARATOR = " → "


def label_column(log: pd.DataFrame, name: str, aliases: Mapping[str, str] | None = None, *,
                 columns: LogColumns = XES) -> str:
    """The log column that ``--label`` ``name`` means
    (:func:`rpa_scout.filters.resolve_column`); a column of people is refused with the
    advice of a column of step names.

    Raises:
        ColumnError: no such column, or a column of people.

    Example:
        >>> log = pd.DataFrame({"org:resource": ["Aino", "Eero"], "activity_en": ["Inspection", "Approval"]})
        >>> label_column(log, "activity_en")
        'activity_en'
        >>> label_column(log, "org:resource")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ColumnError: --label column 'org:resource' is the resource column: rpa_scout never singles out people; name a column of readable step names, as BPIC15's activityNameEN (inspect names the columns that can serve)
    """
    from rpa_scout.filters import resolve_column

    return resolve_column(log, name, aliases, "--label", columns)


@dataclass(frozen=True)
class LabelSuggestion:
    """A column that names the activities: ``1:1`` or ``n:1`` (several codes, one name)."""

    column: str
    kind: str
    labels: int
    activities: int

    def line(self, lang: Lang | None = None) -> str:
        """One sentence for ``inspect``, in ``lang`` (English by default).

        Example:
            >>> LabelSuggestion("name", "n:1", 3, 4).line(Lang("fi"))
            'name nimeää vaiheet n:1 (3 nimeä 4 vaiheelle): näytä se valinnalla --label name'
        """
        return (lang or english()).t("label.suggestion", column=self.column, kind=self.kind,
                                     labels=self.labels, activities=self.activities)


def activity_labels(log: pd.DataFrame, column: str, *, columns: LogColumns = XES) -> dict[str, str]:
    """Activity → display name: its label, with the code where several share the label.

    Args:
        log: event log with XES column names.
        column: the column holding the readable names.
        columns: column mapping.

    Returns:
        A mapping of every activity of ``log`` to a display name; display names are
        distinct, so they identify the activities as the codes do.

    Raises:
        ColumnError: ``column`` is not in the log, or names people (the resource column,
            a copy of it, a responsible person's: a step labelled by its main handler
            singles that person out).

    Example:
        >>> import pandas as pd
        >>> log = pd.DataFrame({"case:concept:name": ["1"] * 3, "time:timestamp": [0, 1, 2],
        ...                     "concept:name": ["A1", "A2", "B"],
        ...                     "name": ["send letter", "send letter", "decide"]})
        >>> activity_labels(log, "name")
        {'A1': 'send letter (A1)', 'A2': 'send letter (A2)', 'B': 'decide'}
    """
    columns = require_columns(log, columns, roles=("case", "activity"))
    if column not in log.columns:
        raise ColumnError(f"--label column {column!r} not found; the columns are "
                          + ", ".join(repr(str(c)) for c in log.columns[:20]))
    if column == columns.resource:
        raise ColumnError(f"--label column {column!r} is the resource column: rpa_scout never singles out "
                          f"people; {people_advice('--label')}")
    refuse_people(log, column, column, "--label", columns)
    return labels_from_counts(label_counts(log, column, columns=columns))


def label_counts(log: pd.DataFrame, column: str, *, columns: LogColumns = XES) -> pd.DataFrame:
    """How often each activity carries each non-blank value of ``column``: columns ``a``
    (activity), ``l`` (label), ``n`` (events), and a row with ``l`` missing and ``n`` 0
    for every activity (so that activities without a label are named too). Counts of
    several logs add up: :func:`labels_from_counts` of their concatenation is
    :func:`activity_labels` of the logs together.

    Example:
        >>> import pandas as pd
        >>> log = pd.DataFrame({"concept:name": ["A", "A", "B"], "name": ["x", "x", " "]})
        >>> label_counts(log, "name").astype(object).to_numpy().tolist()
        [['A', 'x', 2], ['A', <NA>, 0], ['B', <NA>, 0]]
    """
    act = log[columns.activity].astype("string")
    # the distinct ones: iterating every event took 0.3 s
    every = pd.DataFrame({"a": pd.Series(act.dropna().unique(), dtype="string"),
                          "l": pd.Series(pd.NA, dtype="string"), "n": 0})
    return pd.concat([_counts(act, log[column]), every], ignore_index=True)


def labels_from_counts(counts: pd.DataFrame) -> dict[str, str]:
    """Activity → display name from :func:`label_counts` (of one log or several added up):
    each activity's most common label, ties alphabetical.

    Example:
        >>> import pandas as pd
        >>> a = pd.DataFrame({"concept:name": ["A", "A", "B"], "name": ["x", "y", "x"]})
        >>> b = pd.DataFrame({"concept:name": ["A"], "name": ["y"]})
        >>> labels_from_counts(pd.concat([label_counts(a, "name"), label_counts(b, "name")]))
        {'A': 'y', 'B': 'x'}
    """
    totals = counts.groupby(["a", "l"], dropna=False, sort=False)["n"].sum().reset_index()
    codes = sorted(totals["a"].astype(str).unique())
    label = _first(totals[totals["l"].notna() & (totals["n"] > 0)])
    return display_names({code: label.get(code) for code in codes})


def display_names(labels: Mapping[str, str | None]) -> dict[str, str]:
    """Distinct display names for codes with (possibly shared or missing) labels.

    Example:
        >>> display_names({"X": "post", "Y": "post", "Z": None})
        {'X': 'post (X)', 'Y': 'post (Y)', 'Z': 'Z'}
    """
    shown = {code: (str(name) if name is not None and str(name).strip() else code)
             for code, name in labels.items()}
    counts = pd.Series(list(shown.values()), dtype=object).value_counts()
    shared = set(counts.index[counts > 1])
    out = {code: (f"{name} ({code})" if name in shared and name != code else name)
           for code, name in shown.items()}
    counts = pd.Series(list(out.values()), dtype=object).value_counts()
    clash = set(counts.index[counts > 1])
    return {code: (code if name in clash else name) for code, name in out.items()}


def _counts(act: pd.Series, values: pd.Series) -> pd.DataFrame:
    """Events per activity ``a`` and non-blank value ``l`` of ``values`` (``n``)."""
    text = values.astype("string").str.strip()
    pairs = pd.DataFrame({"a": act, "l": text}).dropna()
    pairs = pairs[pairs["l"] != ""]
    if pairs.empty:
        return pd.DataFrame({"a": pd.Series(dtype="string"), "l": pd.Series(dtype="string"),
                             "n": pd.Series(dtype="int64")})
    return pairs.value_counts().rename("n").reset_index()


def _first(counts: pd.DataFrame) -> dict[str, str]:
    """Each activity's most common label in ``counts`` (ties alphabetical)."""
    counts = counts.sort_values(["a", "n", "l"], ascending=[True, False, True], kind="stable")
    first = counts.drop_duplicates("a")
    return dict(zip(first["a"].astype(str), first["l"].astype(str)))


def _most_common(act: pd.Series, values: pd.Series) -> dict[str, str]:
    """Each activity's most common non-blank value of ``values`` (ties alphabetical)."""
    return _first(_counts(act, values))


def suggest_labels(log: pd.DataFrame, *, columns: LogColumns = XES) -> list[LabelSuggestion]:
    """Text columns that map 1:1 or n:1 to the activities and are not copies of them.

    Example:
        >>> from rpa_scout import read_log
        >>> log, _ = read_log("eventlogs/rakennuslupa.xes.gz")
        >>> [s.line() for s in suggest_labels(log)]   # doctest: +NORMALIZE_WHITESPACE
        ['activity_en names the activities 1:1 (19 names for 19 activities): show it with
          --label activity_en']
    """
    columns = require_columns(log, columns, roles=("case", "activity"))
    if log.empty:  # no events: nothing names them
        return []
    roles = {getattr(columns, r) for r in ROLES}
    act = log[columns.activity].astype("string")
    activities = int(act.nunique())
    out = []
    for column in log.columns:
        values = log[column]
        if column in roles or not (pd.api.types.is_string_dtype(values.dtype)
                                   or isinstance(values.dtype, pd.CategoricalDtype)):
            continue
        found = _suggestion(act, values, column, activities)
        if found is not None:
            out.append(found)
    return out


def _suggestion(act: pd.Series, values: pd.Series, column: str,
                activities: int) -> LabelSuggestion | None:
    text = values.astype("string").str.strip()
    if text.isna().mean() > 1 - LABEL_SHARE or (text == act).mean() >= COPY_SHARE:
        return None
    labels = int(text.nunique())
    if labels < 2 or labels <= NAME_SHARE * activities or labels > activities:
        return None
    best = _most_common(act, text)
    share = (text == act.map(best)).mean()
    if share < LABEL_SHARE:
        return None
    return LabelSuggestion(str(column), "1:1" if labels == activities else "n:1", labels, activities)


def show(name: str, labels: Mapping[str, str] | None) -> str:
    """The display name of an activity or a routine (``A → B``); the name itself without labels.

    Example:
        >>> labels = {"01_HOOFD_510": "send letter", "01_HOOFD_011": "register"}
        >>> show("01_HOOFD_011 → 01_HOOFD_510", labels), show("01_HOOFD_999", labels), show("X", None)
        ('register → send letter', '01_HOOFD_999', 'X')
    """
    if not labels:
        return name
    if name in labels:
        return labels[name]
    return SEPARATOR.join(labels.get(part, part) for part in name.split(SEPARATOR))


def relabel(log: pd.DataFrame, labels: Mapping[str, str] | None, *,
            columns: LogColumns = XES) -> pd.DataFrame:
    """A copy of ``log`` whose activity column holds the display names (for maps and
    variants, which show activity names and nothing else: display names are distinct,
    so the map and the variants stay the same).

    Example:
        >>> import pandas as pd
        >>> log = pd.DataFrame({"case:concept:name": ["1", "1"], "time:timestamp": [0, 1],
        ...                     "concept:name": ["01_HOOFD_011", "01_HOOFD_510"]})
        >>> relabel(log, {"01_HOOFD_011": "register"})["concept:name"].tolist()
        ['register', '01_HOOFD_510']
        >>> relabel(log, None) is log
        True
    """
    if not labels:
        return log
    act = log[columns.activity].astype("string")
    return log.assign(**{columns.activity: act.map(lambda a: labels.get(a, a), na_action="ignore")})


def labelled_ranking(ranking: "Ranking", labels: Mapping[str, str] | None) -> "Ranking":
    """The :class:`rpa_scout.rank.Ranking` with display names for candidates and the
    activities not ranked, and its evidence by them (for printing and files; figures
    unchanged). The log's own names stay beside them, in ``candidate_code`` and
    ``activity_code``, so that a file written with display names still joins with the log.

    Example:
        >>> from rpa_scout import activity_labels, rank_candidates, read_log
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> ranking = rank_candidates(log)
        >>> shown = labelled_ranking(ranking, activity_labels(log, "activity_en"))
        >>> shown.candidates["candidate"].head(3).tolist()
        ['Cost-centre coding', 'Matching to purchase order', 'Matching to purchase order → Cost-centre coding']
        >>> shown.candidates["candidate_code"].iloc[0]
        'Kustannuspaikan tiliöinti'
        >>> shown.candidates["hours_per_year"].equals(ranking.candidates["hours_per_year"])
        True
    """
    if not labels:
        return ranking
    candidates = ranking.candidates.copy()
    shown: dict[str, str] = {}
    if not candidates.empty:
        at = candidates.columns.get_loc("candidate") + 1
        candidates.insert(at, "candidate_code", candidates["candidate"])  # files keep the log's own name
        shown = {str(c): show(str(c), labels) for c in candidates["candidate"]}
        candidates["candidate"] = candidates["candidate"].astype(str).map(shown)
    excluded = ranking.excluded.copy()
    if not excluded.empty and "activity" in excluded.columns:
        excluded.insert(excluded.columns.get_loc("activity") + 1, "activity_code", excluded["activity"])
        excluded["activity"] = [show(str(a), labels) for a in excluded["activity"]]
    # the per-candidate tables are keyed by candidate: the same names, or the headline's
    # interval looks up names that are not there
    bootstrap = None if ranking.bootstrap is None else ranking.bootstrap.rename(columns=shown)
    method_error = None if ranking.method_error is None else ranking.method_error.rename(index=shown)
    evidence = {show(str(a), labels): relabel_message(why, labels) for a, why in ranking.evidence.items()}
    if not excluded.empty and "evidence" in excluded.columns and "activity_code" in excluded.columns:
        excluded["evidence"] = [str(evidence.get(show(str(a), labels), why))
                                for a, why in zip(excluded["activity_code"], excluded["evidence"])]
    return replace(ranking, candidates=candidates, excluded=excluded, evidence=evidence,
                   bootstrap=bootstrap, method_error=method_error)


def relabel_message(text: str, labels: Mapping[str, str] | None) -> str:
    """``text`` with the steps it names (a :class:`~rpa_scout.lang.Message`'s ``step``
    values, however deep, and its ``steps`` lists) shown by their display names; other
    text as it is.

    Example:
        >>> from rpa_scout.lang import Lang
        >>> why = Message("evidence.share", share=0.9, reason=Message("evidence.recorded_with",
        ...                                                          seconds=5, step="Tiliöinti"))
        >>> relabel_message(why, {"Tiliöinti": "Cost-centre coding"}).render(Lang("en"))
        "90% recorded within 5 s with the account's step 'Cost-centre coding'"
        >>> relabel_message(Message("note.over_capacity", count=1, hours=1700.0, limit=1558,
        ...                         steps=["Tiliöinti"]), {"Tiliöinti": "Coding"}).values["steps"]
        ['Coding']
    """
    if not labels or not isinstance(text, Message):
        return text
    values = {k: show(str(v), labels) if k == "step"
              else [show(str(x), labels) for x in v] if k == "steps"
              else relabel_message(v, labels) if isinstance(v, str)
              else [relabel_message(x, labels) for x in v] if isinstance(v, (list, tuple)) else v
              for k, v in text.values.items()}
    return Message(text.key, **values)


def find_activity(name: str, activities: Iterable[str], labels: Mapping[str, str] | None = None,
                  what: str = "activity") -> str:
    """The activity that ``name`` means: its code, its display name or a unique label.

    Raises:
        ColumnError: no activity is called so (the nearest names are suggested).

    Example:
        >>> find_activity("decide", ["A1", "B"], {"A1": "send letter", "B": "decide"})
        'B'
    """
    known = list(dict.fromkeys(str(a) for a in activities))
    if name in known:
        return name
    labels = labels or {}
    by_display = {labels.get(a, a): a for a in known}
    if name in by_display:
        return by_display[name]
    folded = [a for a in known if a.casefold() == name.casefold()
              or labels.get(a, a).casefold() == name.casefold()]
    if len(folded) == 1:
        return folded[0]
    near = difflib.get_close_matches(name, list(by_display), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""
    raise ColumnError(f"no {what} called {name!r} in the log{hint}")


__all__ = ["LabelSuggestion", "activity_labels", "display_names", "find_activity",
           "label_column", "labelled_ranking", "relabel", "show", "suggest_labels"]
