"""The economic assumptions behind hours, FTE, euros and payback, each with its source."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

from rpa_scout.errors import ConfigError
from rpa_scout.lang import Lang, Message, english, render


@dataclass(frozen=True)
class Assumption:
    """One number the result rests on, where it came from and how sure it is.

    Example:
        >>> from rpa_scout import Assumption
        >>> Assumption("hourly cost of staff time", 38.0, "€/h", "supplied", "payroll 2025").line()
        'hourly cost of staff time: 38 €/h (supplied; payroll 2025)'
    """

    name: str
    value: float
    unit: str
    kind: str  # "measured" | "estimated" | "assumed" | "supplied"
    source: str

    def line(self) -> str:
        """One line for reports (English)."""
        return self.render(english())

    def message(self) -> Message:
        """The line as a :class:`Message`, for the notes of a report in any language.

        Example:
            >>> Economics().assumptions()[1].message().render(Lang("sv"))[:34]
            'kostnad för en arbetstimme: 29 €/h'
        """
        known = f"kind.{self.kind}" in english().messages
        kind = Message(f"kind.{self.kind}") if known else self.kind
        if math.isnan(self.value):
            return Message("assumption.line_no_value", name=self.name, kind=kind, source=self.source)
        return Message("assumption.line", name=self.name, value=self.value, unit=self.unit, kind=kind,
                       source=self.source)

    def render(self, lang: Lang) -> str:
        """One line for reports in ``lang``: name, value and unit, kind and source.

        Example:
            >>> Economics().assumptions()[1].render(Lang("fi"))[:40]
            'henkilöstön työtunnin hinta: 29 €/h (ole'
        """
        return self.message().render(lang).replace(" " * 2, " ")


# KT Kunta- ja hyvinvointialuetyönantajat: 1,644 h a year for the 38 h 15 min week after
# public holidays, average annual leave and KVTES's five extra days off (range
# 1,598–1,713 h by leave entitlement); scaled to office working time, 36 h 15 min a week
# (KVTES III luku 8 §): 1,644 × 36.25 / 38.25 = 1,558 h. Sick leave is not deducted.
FTE_HOURS = 1558.0
FTE_SOURCE = ("KT Kuntatyönantajat: 1,644 h/yr at 38 h 15 min/wk after holidays and leave, "
              "scaled to KVTES office time 36 h 15 min/wk")

# Statistics Finland, Kuntasektorin palkat 2020: median regular earnings of full-time
# monthly paid municipal employees 2,981 €/month. × 12.5 (holiday bonus) × 1.21
# (employer pension and social contributions, assumed) / 1,558 h = 28.9 €/h.
HOURLY_COST = 29.0
HOURLY_SOURCE = ("Statistics Finland 2020 municipal median 2,981 €/month × 12.5 × 1.21 employer "
                 "costs / 1,558 h; not indexed to today, replace with your payroll figure")


@dataclass(frozen=True)
class Economics:
    """Assumptions for turning hours into FTE, euros and payback; override any of them.

    Example:
        >>> from rpa_scout import Economics
        >>> economics = Economics().with_overrides(hourly_cost=38, fte_hours=None)
        >>> economics.hourly_cost, economics.fte_hours
        (38.0, 1558.0)
        >>> economics.assumptions()[1].line()
        'hourly cost of staff time: 38 €/h (supplied; from your option or config file)'
    """

    fte_hours: float = FTE_HOURS
    hourly_cost: float = HOURLY_COST
    build_days: float = 20.0
    day_rate: float = 800.0
    licence_per_year: float = 6000.0
    payback_horizon_months: float = 60.0
    fte_source: str = FTE_SOURCE
    hourly_source: str = HOURLY_SOURCE
    #: The fields the user set (an option, the config file, :meth:`with_overrides`): shown
    #: as supplied even where the value is the default's.
    supplied: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float | int) and not isinstance(value, bool) and value < 0:
                raise ConfigError.refused(f.name, f"must not be negative, got {value}")
        if self.fte_hours <= 0:
            raise ConfigError.refused("fte_hours", f"must be positive, got {self.fte_hours}")
        if self.payback_horizon_months <= 0:
            raise ConfigError.refused("payback_horizon_months", f"must be positive, got {self.payback_horizon_months}")

    def with_overrides(self, **values: Any) -> "Economics":
        """Copy with the given non-``None`` values; their source becomes 'supplied'."""
        chosen = {k: float(v) for k, v in values.items() if v is not None}
        out = replace(self, **chosen, supplied=self.supplied | frozenset(chosen))
        if "fte_hours" in chosen:
            out = replace(out, fte_source="supplied by the user")
        if "hourly_cost" in chosen:
            out = replace(out, hourly_source="supplied by the user")
        return out

    def assumptions(self) -> list[Assumption]:
        """The economic assumptions as printable records (English, in any language on demand)."""
        fte_kind = "supplied" if self.fte_source == "supplied by the user" else "assumed"
        cost_kind = "supplied" if self.hourly_source == "supplied by the user" else "assumed"
        return [
            Assumption(Message("assumption.fte.name"), self.fte_hours, Message("unit.h_per_year"), fte_kind,
                       _source(self.fte_source, FTE_SOURCE, "assumption.fte.source")),
            Assumption(Message("assumption.hourly.name"), self.hourly_cost, Message("unit.eur_per_hour"),
                       cost_kind, _source(self.hourly_source, HOURLY_SOURCE, "assumption.hourly.source")),
            *(Assumption(Message(f"assumption.{key}.name"), getattr(self, name), Message(unit),
                         *_kind_and_source(getattr(self, name), default.default, f"assumption.{key}.source",
                                           name in self.supplied))
              for name, key, unit, default in (
                  ("build_days", "build_days", "unit.person_days", _FIELDS["build_days"]),
                  ("day_rate", "day_rate", "unit.eur_per_day", _FIELDS["day_rate"]),
                  ("licence_per_year", "licence", "unit.eur_per_year", _FIELDS["licence_per_year"]),
                  ("payback_horizon_months", "horizon", "unit.months", _FIELDS["payback_horizon_months"]))),
        ]


_FIELDS = {f.name: f for f in fields(Economics)}


def _kind_and_source(value: float, default: float, key: str, given: bool = False) -> tuple[str, Message]:
    """A value set in the config (or by an option) is the user's ('supplied'), even the
    default's value (a config's payback_horizon_months: 60 read as assumed, QA); the
    default is 'assumed' with its source: a config's bot price read as 'assumed; typical
    small unattended bot' (QA)."""
    if given or value != default:
        return "supplied", Message("assumption.supplied")
    return "assumed", Message(key)


def _source(given: str, default: str, key: str) -> str:
    """The catalogue's wording for a default source, the user's word for a supplied one."""
    if given == default:
        return Message(key)
    if given == "supplied by the user":
        return Message("assumption.supplied")
    return given
