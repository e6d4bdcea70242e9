"""The economic assumptions behind hours, FTE, euros and payback, each with its source."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from rpa_scout.errors import ConfigError


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
        """One line for reports."""
        return f"{self.name}: {self.value:,.6g} {self.unit} ({self.kind}; {self.source})"


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
        'hourly cost of staff time: 38 €/h (supplied; supplied by the user)'
    """

    fte_hours: float = FTE_HOURS
    hourly_cost: float = HOURLY_COST
    build_days: float = 20.0
    day_rate: float = 800.0
    licence_per_year: float = 6000.0
    fte_source: str = FTE_SOURCE
    hourly_source: str = HOURLY_SOURCE

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, float | int) and not isinstance(value, bool) and value < 0:
                raise ConfigError(f"{f.name} must not be negative, got {value}")
        if self.fte_hours <= 0:
            raise ConfigError(f"--fte-hours must be positive, got {self.fte_hours}")

    def with_overrides(self, **values: Any) -> "Economics":
        """Copy with the given non-``None`` values; their source becomes 'supplied'."""
        chosen = {k: float(v) for k, v in values.items() if v is not None}
        out = replace(self, **chosen)
        if "fte_hours" in chosen:
            out = replace(out, fte_source="supplied by the user")
        if "hourly_cost" in chosen:
            out = replace(out, hourly_source="supplied by the user")
        return out

    def assumptions(self) -> list[Assumption]:
        """The economic assumptions as printable records."""
        fte_kind = "supplied" if self.fte_source == "supplied by the user" else "assumed"
        cost_kind = "supplied" if self.hourly_source == "supplied by the user" else "assumed"
        return [
            Assumption("working hours per FTE", self.fte_hours, "h/yr", fte_kind, self.fte_source),
            Assumption("hourly cost of staff time", self.hourly_cost, "€/h", cost_kind, self.hourly_source),
            Assumption("bot build effort", self.build_days, "person-days", "assumed",
                       "typical small unattended bot; replace with your supplier's quote"),
            Assumption("bot build day rate", self.day_rate, "€/day", "assumed",
                       "typical consultancy rate; replace with your framework-agreement price"),
            Assumption("bot licence and run cost", self.licence_per_year, "€/yr", "assumed",
                       "order of magnitude of an unattended-bot licence; replace with your price"),
        ]
