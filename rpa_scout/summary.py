"""What a manager reads first: the total, what was examined, and the bots (pure computation).

:func:`headline` adds up the hours of the recommended single steps (routines are nested
in their steps' hours, so they are never added) with the 80 % interval of the total, and
counts what was examined and why the rest was not. :func:`group_bots` groups the
recommended steps that one person does one after another (a routine of the ranking)
into one bot with one licence, and gives each bot's payback.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rpa_scout.rank import Ranking, recommended_total, steps_total
from rpa_scout.routines import SEPARATOR
from rpa_scout.value import break_even, payback_months


@dataclass(frozen=True)
class Headline:
    """The report's first lines, as numbers.

    Attributes:
        hours, low, high: hours a year freed by the recommended single steps and the
            80 % interval of that total.
        fte, euros: the same hours as full-time equivalents and euros a year.
        recommended: recommended single steps (routines not counted: they are nested).
        examined: candidates examined (steps and routines).
        not_recommended: candidates examined and not recommended.
        not_examined: activities that were no candidate (automated, not work, ...).
    """

    hours: float
    low: float
    high: float
    fte: float
    euros: float
    recommended: int
    examined: int
    not_recommended: int
    not_examined: int


def headline(ranking: Ranking) -> Headline:
    """The total hours a year of the recommended single steps, with its interval.

    Example:
        >>> from rpa_scout import read_log, rank_candidates
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> top = headline(rank_candidates(log))
        >>> top.low <= top.hours <= top.high and top.recommended > 0
        True
    """
    table = ranking.candidates
    economics = ranking.economics
    if table.empty:
        return Headline(0.0, 0.0, 0.0, 0.0, 0.0, 0, 0, 0, len(ranking.excluded))
    chosen = table[(table["kind"] == "activity") & table["recommended"]]
    total, low, high = recommended_total(table, ranking.bootstrap, ranking.method_error)
    return Headline(total, low, high, total / economics.fte_hours, total * economics.hourly_cost,
                    len(chosen), len(table), int((~table["recommended"]).sum()), len(ranking.excluded))


def group_bots(ranking: Ranking) -> pd.DataFrame:
    """The recommended single steps grouped into bots: one bot for steps done in a row.

    Two recommended steps share a bot when a routine of the ranking (the same person
    doing them back to back in a case, recommended or not) chains them. Each bot costs
    one build per step and one licence.

    Returns:
        One row per bot, best first: ``bot`` (1, 2, ...), ``steps`` (names joined by
        " + "), ``n_steps``, ``hours_per_year`` and its 80 % interval ``hours_low`` and
        ``hours_high`` (as a total's: :func:`rpa_scout.rank.steps_total`), ``euros_per_year``, ``fte``,
        ``build_cost``, ``licence``, ``payback_months`` (NaN: not within the horizon),
        ``break_even_hours`` and ``break_even_licence``.

    Example:
        >>> from rpa_scout import read_log, rank_candidates
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> bots = group_bots(rank_candidates(log))
        >>> int(bots["n_steps"].sum()) >= len(bots)
        True
    """
    table = ranking.candidates
    columns = ["bot", "steps", "n_steps", "hours_per_year", "hours_low", "hours_high", "euros_per_year", "fte",
               "build_cost", "licence", "payback_months", "break_even_hours", "break_even_licence"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    singles = table[(table["kind"] == "activity") & table["recommended"]]
    order = {name: i for i, name in enumerate(singles["candidate"].astype(str))}
    groups = _components(list(order), table.loc[table["kind"] == "routine", "candidate"].astype(str))
    hours = dict(zip(order, singles["hours_per_year"].to_numpy(dtype=float)))
    total = lambda steps: float(np.sum([hours[s] for s in steps]))  # noqa: E731  (as pandas sums)
    rows = []
    by_name = singles.assign(_name=singles["candidate"].astype(str)).set_index("_name")
    for steps in sorted(groups, key=lambda g: -total(g)):
        steps = sorted(steps, key=order.__getitem__)
        _, low, high = steps_total(by_name.loc[steps], ranking.bootstrap, ranking.method_error)
        rows.append({"steps": " + ".join(steps), "n_steps": len(steps), "hours_per_year": total(steps),
                     "hours_low": low, "hours_high": high})
    frame = pd.DataFrame(rows, columns=["steps", "n_steps", "hours_per_year", "hours_low", "hours_high"])
    return _bot_money(frame, ranking, columns)


def _components(steps: list[str], routines: pd.Series) -> list[list[str]]:
    """Groups of ``steps`` joined by the routines that chain them (union-find)."""
    parent = {s: s for s in steps}

    def root(s: str) -> str:
        while parent[s] != s:
            parent[s] = parent[parent[s]]
            s = parent[s]
        return s

    for routine in routines:
        chained = [s for s in routine.split(SEPARATOR) if s in parent]
        for a, b in zip(chained, chained[1:]):
            parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for s in steps:
        groups.setdefault(root(s), []).append(s)
    return list(groups.values())


def _bot_money(bots: pd.DataFrame, ranking: Ranking, columns: list[str]) -> pd.DataFrame:
    """Euros, FTE, one build per step and one licence per bot, payback and break-even."""
    e = ranking.economics
    bots.insert(0, "bot", np.arange(1, len(bots) + 1))
    bots["euros_per_year"] = bots["hours_per_year"] * e.hourly_cost
    bots["fte"] = bots["hours_per_year"] / e.fte_hours
    bots["build_cost"] = bots["n_steps"] * e.build_days * e.day_rate
    bots["licence"] = e.licence_per_year
    bots["payback_months"] = [payback_months(b, np.array([s]), e.licence_per_year,
                                             e.payback_horizon_months)[0]
                              for b, s in zip(bots["build_cost"], bots["euros_per_year"])]
    even = [break_even(b, e.licence_per_year, e.hourly_cost, np.array([h]), np.array([h]), np.array([s]),
                       e.payback_horizon_months)
            for b, h, s in zip(bots["build_cost"], bots["hours_per_year"], bots["euros_per_year"])]
    bots["break_even_hours"] = [float(x["break_even_hours"][0]) for x in even]
    bots["break_even_licence"] = [float(x["break_even_licence"][0]) for x in even]
    return bots[columns]
