"""The words behind a ranking: each candidate's one-line reason and each knock-out.

The ranking stores what it found as data (a knock-out code and its numbers, the figures
its hours multiply from); this module turns them into sentences, in one place, so the
terminal, the reports and the library's ``reason`` column say the same.
"""

from __future__ import annotations

import pandas as pd

#: Knock-out codes besides a criterion's name (a criterion below its floor).
CAPACITY, UNKNOWN_HANDLING = "capacity", "handling unknown"
MIN_PEOPLE_SHOWN = 5
#: An estimate is called loose when this share of its instances are only upper bounds ...
LOOSE_SHARE = 0.25
#: ... and the step is not recommended when at least this share are.
LOOSE_KNOCKOUT = 0.5
#: A candidate names the share of its events that repeat an identical row above this.
REPEATED_SHARE = 0.05
TIME_STUDY = "time-study it and supply standard times (--standard-times)"


def knock_out_text(code: str, value: float, limit: float) -> str:
    """Why a candidate is not recommended whatever its fit, in one clause."""
    if code == CAPACITY:
        return (f"capacity: {value:,.0f} h a year per account > {limit:,.0f} h a person works "
                "(more than its accounts could do: a system or shared account, or a loose estimate?)")
    if code == UNKNOWN_HANDLING:
        return f"handling time unknown: {value:.0%} of its estimates are only upper bounds ({TIME_STUDY})"
    text = f"{code.replace('_', ' ')} {int(value * 100) / 100:.2f} < {limit:.2f}"
    if code == "variability":
        text += " (handling time varies far more than this log's most uniform steps: judgement work?)"
    return text


def knock_out_label(code: str) -> str:
    """Short name of a knock-out, for counts ("4 variability, 2 capacity")."""
    return {CAPACITY: "capacity", UNKNOWN_HANDLING: "handling time unknown"}.get(code, code.replace("_", " "))


def none_recommended(candidates: pd.DataFrame) -> str:
    """Why nothing is recommended: the knock-outs and low fits, counted."""
    why = candidates["knock_out"].fillna("").map(lambda c: knock_out_label(c) if c else "fit below the threshold")
    counts = ", ".join(f"{n} {reason}" for reason, n in why.value_counts().sort_index().items())
    return f"No candidate is recommended ({counts}); --all lists them with the reasons"


def reason(r, threshold: float, weakest: str) -> str:
    """One line: how the hours multiply, what fits, and why not when not recommended.

    ``r`` is a candidate row (namedtuple) of :func:`rpa_scout.rank_candidates`.
    """
    head = (f"{r.hours_per_year:,.0f} h/yr: {r.annual_timed:,.0f} a year × {r.handling_min:.1f} min "
            f"({r.handling_source}) × {r.automatable_share:.0%} rule-predictable")
    if r.timed_share < 0.995:
        head += (f" ({r.annual_executions:,.0f} a year, {r.timed_share:.0%} with a clock time: "
                 "hours count those)")
    people = "done by 5 or more people" if r.people >= MIN_PEOPLE_SHOWN else "done by fewer than 5 people"
    stable = "stable" if r.stability >= 0.6 else "volatile month to month"
    tail = f"{r.standardisation:.0%} standard path, {stable}, {people}"
    if r.rework < 0.9:
        tail += f", {1 - r.rework:.0%} rework"
    if getattr(r, "repeated_share", 0.0) > REPEATED_SHARE:
        tail += (f", {r.repeated_share:.0%} of its events repeat an identical row (counted as work; "
                 "--drop-duplicates if they are export duplicates)")
    if r.kind == "routine":
        tail += "; its hours are part of its steps' hours (not added to the total)"
    if LOOSE_SHARE <= r.loose_share < LOOSE_KNOCKOUT:
        tail += (f"; loose estimate: {r.loose_share:.0%} of instances are upper bounds "
                 "(bounded only by the working day, or by nothing)")
    if r.hours_high - r.hours_low > r.hours_per_year > 0:
        tail += f"; the interval is wider than the estimate: {TIME_STUDY}"
    if not r.recommended and r.knock_out:
        tail += "; not recommended: " + knock_out_text(r.knock_out, r.knock_out_value, r.knock_out_limit)
    elif not r.recommended:
        tail += f"; not recommended: fit {r.fit:.2f} < {threshold:.2f}, weakest {weakest.replace('_', ' ')}"
    return f"{head}; {tail}"


def why_excluded(verdict: str, evidence: str, source: str) -> str:
    """Why an activity is not a candidate at all."""
    if verdict == "automated":
        return "already automated: " + evidence
    if verdict == "artificial":
        return "not work: " + evidence
    if verdict == "unknown":
        return f"no evidence of person work ({evidence}); mark it manual in the config to rank it"
    return f"handling time not measurable ({source})"
