"""The words behind a ranking: each candidate's one-line reason, each knock-out, payback.

The ranking stores what it found as data (a knock-out code and its numbers, the figures
its hours multiply from, the break-even figures); this module turns them into sentences
from the message catalogues (:mod:`rpa_scout.lang`), so the terminal, the reports and
the library's ``reason`` column (English by default) say the same in every language.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from rpa_scout.handling import DATES_ONLY
from rpa_scout.lang import Lang, english

#: Knock-out codes besides a criterion's name (a criterion below its floor).
CAPACITY, UNKNOWN_HANDLING, NOTHING_TO_SAVE, TOO_FEW = ("capacity", "handling unknown", "nothing to save",
                                                        "too few executions")
#: A candidate of fewer hours a year than this saves nothing worth a robot (0 h/yr was
#: recommended: a record made under a person's account, a step of seconds).
MIN_HOURS = 1.0
#: A candidate with fewer executions in the log than this is not recommended: its
#: criteria rest on too few. A step predicted right in all of n executions may still go
#: another way in up to 3/n of them (the "rule of three", 95 %: Hanley & Lippman-Hand,
#: "If nothing goes wrong, is everything all right?", JAMA 249 (1983) 1743–1745): 30 % at
#: 10 executions. (A step done once or twice a year had been recommended at 100 %.)
MIN_EXECUTIONS = 10
MIN_PEOPLE_SHOWN = 5
#: An estimate is called loose when this share of its instances are only upper bounds ...
LOOSE_SHARE = 0.25
#: ... and the step is not recommended when at least this share are.
LOOSE_KNOCKOUT = 0.5
#: A candidate names the share of its events that repeat an identical row above this.
REPEATED_SHARE = 0.05
#: The six fit criteria in the order the weakest one is looked for.
_CRITERIA = ("rule_basedness", "standardisation", "variability", "stability", "rework", "manual_share")
_SOURCES = {"measured": "source.measured", "estimated": "source.estimated",
            "estimated, no resource": "source.estimated_no_resource", "supplied": "source.supplied",
            "measured on other executions": "source.measured_others",
            "mixed": "source.mixed", "system": "source.system", "artificial": "source.artificial",
            "not estimable: dates only": "source.dates_only", "unknown": "source.unknown"}
_KO_KEYS = {CAPACITY: "ko.capacity.label", UNKNOWN_HANDLING: "ko.unknown.label",
            NOTHING_TO_SAVE: "ko.nothing.label", TOO_FEW: "ko.few.label"}


def source_name(source: str, lang: Lang | None = None) -> str:
    """A handling-time source (``measured``, ``estimated``, ...) in ``lang``.

    Example:
        >>> source_name("estimated", Lang("fi"))
        'arvioitu'
    """
    lang = lang or english()
    key = _SOURCES.get(str(source))
    return lang.t(key) if key else str(source)


def criterion_name(code: str, lang: Lang | None = None) -> str:
    """A criterion's name (``rule_basedness`` → "rule-basedness") in ``lang``.

    Example:
        >>> criterion_name("variability", Lang("sv"))
        'variation'
    """
    lang = lang or english()
    key = f"criterion.{code}"
    return lang.t(key) if key in lang.messages else code.replace("_", " ")


def knock_out_text(code: str, value: float, limit: float, lang: Lang | None = None) -> str:
    """Why a candidate is not recommended whatever its fit, in one clause.

    Example:
        >>> knock_out_text("variability", 0.419, 0.6)[:22]
        'variability 0.41 < 0.6'
    """
    lang = lang or english()
    if code == CAPACITY:
        return lang.t("ko.capacity", value=value, limit=limit)
    if code == UNKNOWN_HANDLING:
        return lang.t("ko.unknown", share=value, advice=lang.t("advice.time_study"))
    if code == NOTHING_TO_SAVE:
        return lang.t("ko.nothing", hours=value)
    if code == TOO_FEW:
        return lang.t("ko.few", count=value, limit=limit, share=3 / limit)
    text = lang.t("ko.floor", criterion=criterion_name(code, lang),
                  value=int(value * 100) / 100, limit=limit)
    if code == "variability":
        text += lang.t("ko.variability_hint")
    return text


def knock_out_label(code: str, lang: Lang | None = None) -> str:
    """Short name of a knock-out, for counts ("4 variability, 2 capacity").

    Example:
        >>> knock_out_label("handling unknown")
        'handling time unknown'
    """
    lang = lang or english()
    return lang.t(_KO_KEYS[code]) if code in _KO_KEYS else criterion_name(code, lang)


def why_not_label(row: Any, lang: Lang | None = None) -> str:
    """The short reason a candidate is not recommended: its knock-out or a low fit."""
    lang = lang or english()
    code = getattr(row, "knock_out", "") or ""
    return knock_out_label(code, lang) if code else lang.t("ko.low_fit.label")


def none_recommended(candidates: pd.DataFrame, lang: Lang | None = None) -> str:
    """Why nothing is recommended: the knock-outs and low fits, counted.

    Example:
        >>> none_recommended(pd.DataFrame({"knock_out": ["variability", "", "variability"]}))
        'No candidate is recommended (1 fit below the threshold, 2 variability); --all lists them with the reasons'
    """
    lang = lang or english()
    return lang.t("rank.none_recommended", counts=why_counts(candidates, lang))


def why_counts(candidates: pd.DataFrame, lang: Lang | None = None) -> str:
    """"2 variability, 1 capacity": the not-recommended candidates counted by reason."""
    lang = lang or english()
    why = candidates["knock_out"].fillna("").map(
        lambda c: knock_out_label(c, lang) if c else lang.t("ko.low_fit.label"))
    return ", ".join(f"{lang.num(n)} {reason}" for reason, n in why.value_counts().sort_index().items())


def weakest(r: Any) -> str:
    """The fit criterion a candidate row scores lowest on (unknown counts as 1)."""
    return min(_CRITERIA, key=lambda c: 1.0 if pd.isna(getattr(r, c)) else getattr(r, c))


def reason(r: Any, threshold: float, weakest_criterion: str | None = None,
           lang: Lang | None = None) -> str:
    """One line: how the hours multiply, what fits, and why not when not recommended.

    ``r`` is a candidate row (namedtuple) of :func:`rpa_scout.rank_candidates`.
    """
    lang = lang or english()
    # a count under 10 a year keeps a decimal, so that the line multiplies to the hours
    timed = lang.num(r.annual_timed, 1 if abs(r.annual_timed) < 10 else 0)
    head = lang.t("reason.head", hours=lang.hours(r.hours_per_year), timed=timed, minutes=r.handling_min,
                  source=source_name(r.handling_source, lang), share=r.automatable_share)
    if r.timed_share < 0.995:
        head += lang.t("reason.timed", executions=r.annual_executions, timed_share=r.timed_share)
    return f"{head}; {_tail(r, threshold, weakest_criterion or weakest(r), lang)}"


def _tail(r: Any, threshold: float, weakest_criterion: str, lang: Lang) -> str:
    """The fit part of a reason, then why not when not recommended."""
    if getattr(r, "people_shown", "") == "shared login":
        people = lang.t("reason.people_shared")  # one login: how many people is unknown
    elif getattr(r, "people_shown", "") == "unknown" or getattr(r, "people", 1) == 0:
        people = lang.t("reason.people_unknown")  # no account named: not "fewer than 5"
    else:
        many = r.people >= MIN_PEOPLE_SHOWN if hasattr(r, "people") else r.people_shown == "5 or more"
        people = lang.t("reason.people_many" if many else "reason.people_few")
    stable = lang.t("reason.stable" if r.stability >= 0.6 else "reason.volatile")
    tail = lang.t("reason.fit", standard=r.standardisation, stable=stable, people=people)
    if r.rework < 0.9:
        tail += lang.t("reason.rework", rework=1 - r.rework)
    if getattr(r, "repeated_share", 0.0) > REPEATED_SHARE:
        tail += lang.t("reason.repeated", share=r.repeated_share)
    if r.kind == "routine":
        tail += "; " + lang.t("reason.nested")
    if LOOSE_SHARE <= r.loose_share < LOOSE_KNOCKOUT:
        tail += "; " + lang.t("reason.loose", share=r.loose_share)
    if r.hours_high - r.hours_low > r.hours_per_year > 0:
        tail += "; " + lang.t("reason.wide", advice=lang.t("advice.time_study"))
    if not r.recommended and r.knock_out:
        tail += "; " + lang.t("reason.not_recommended",
                              why=knock_out_text(r.knock_out, r.knock_out_value, r.knock_out_limit, lang))
    elif not r.recommended:
        tail += "; " + lang.t("reason.not_recommended", why=lang.t(
            "reason.low_fit", fit=r.fit, threshold=threshold, weakest=criterion_name(weakest_criterion, lang)))
    return tail


def payback_cell(months: float, lang: Lang | None = None) -> str:
    """The payback column: ``6 mo``, ``< 1 mo`` for less than a month (never ``0 mo``),
    or the short word for "does not pay back".

    Example:
        >>> payback_cell(5.6), payback_cell(0.3), payback_cell(float("nan"), Lang("fi"))
        ('6 mo', '< 1 mo', 'kannattamaton')
    """
    lang = lang or english()
    if months is None or not math.isfinite(months):
        return lang.t("payback.never_short")
    if months < 1:
        return lang.t("payback.months_under_one")
    return lang.t("payback.months", months=months)


def pays_back(months: float, lang: Lang | None = None) -> str:
    """The sentence for a build that pays back in ``months`` (within the horizon).

    Example:
        >>> pays_back(6.4), pays_back(0.3), pays_back(0.3, Lang("fi"))
        ('pays back the build in 6 months', 'pays back the build in less than a month', 'rakentaminen maksaa itsensä takaisin alle kuukaudessa')
    """
    lang = lang or english()
    if months < 1:
        return lang.t("payback.pays_under_one")
    return lang.tn("payback.pays", round(months), months=months)


def payback_text(r: Any, licence: float, horizon: float, lang: Lang | None = None) -> str:
    """One sentence on payback: the months, or that it does not pay back and what would.

    ``r`` needs ``payback_months``, ``break_even_hours``, ``break_even_executions`` and
    ``break_even_licence`` (see :func:`rpa_scout.value.break_even`).
    """
    lang = lang or english()
    if math.isfinite(r.payback_months):
        return pays_back(r.payback_months, lang)
    if not math.isfinite(r.break_even_hours):  # an hourly cost of 0: no hours would do
        return lang.t("payback.no_cost")
    if r.break_even_licence > 0:
        price = lang.t("payback.or_licence", price=r.break_even_licence)
    else:
        price = lang.t("payback.no_licence")
    return lang.t("payback.never", licence=licence, horizon=horizon, hours=r.break_even_hours,
                  executions=r.break_even_executions, price=price)


def why_excluded(verdict: str, evidence: str, source: str, lang: Lang | None = None,
                 system_share: float = 1.0) -> str:
    """Why an activity is not a candidate at all; ``evidence`` is shown in ``lang`` when it
    is a :class:`rpa_scout.lang.Message` (:attr:`rpa_scout.rank.Ranking.evidence`), as it is otherwise.
    An activity the system does most of (``system_share``, under all) says how much first:
    its evidence may begin with the people's part.

    Example:
        >>> why_excluded("automated", "44% named resource; 10% zero duration", "estimated", system_share=0.56)
        'mostly automated (56% of its executions by the system, the rest by people): 44% named resource; 10% zero duration'
    """
    lang = lang or english()
    if verdict == "automated":
        if system_share < 0.995:
            return lang.t("excluded.automated_share", evidence=evidence, share=system_share)
        return lang.t("excluded.automated", evidence=evidence)
    if verdict == "artificial":
        return lang.t("excluded.artificial", evidence=evidence)
    if verdict == "unknown":
        return lang.t("excluded.unknown", evidence=evidence)
    if source == DATES_ONLY:
        return lang.t("excluded.dates_only")
    return lang.t("excluded.not_measurable", source=source)


def excluded_label(verdict: str, lang: Lang | None = None) -> str:
    """Short name of why activities were not examined ("already automated"), for counts."""
    lang = lang or english()
    key = f"excluded.{verdict}.label"
    return lang.t(key if key in lang.messages else "excluded.not_measurable.label")
