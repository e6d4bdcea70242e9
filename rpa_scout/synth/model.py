"""What a synthetic process is made of: activities, staff teams, batch jobs, arrivals.

A :class:`ProcessModel` is pure data plus two functions: one draws the case attributes
for all cases at once, the other is the SimPy flow of one case (see
:mod:`rpa_scout.synth.engine` for the steps a flow can take).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Generator, Mapping

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from rpa_scout.synth.engine import Case, Simulation

STAFF = "staff"
SYSTEM = "system"
USER_SYSTEM = "user-triggered system"
BATCH = "batch"
PERFORMERS = (STAFF, SYSTEM, USER_SYSTEM, BATCH)

Flow = Callable[["Simulation", "Case"], Generator[Any, Any, None]]
AttributeDraw = Callable[[np.random.Generator, pd.DatetimeIndex], Mapping[str, np.ndarray]]


@dataclass(frozen=True)
class Activity:
    """One step of a process.

    Attributes:
        key: short name used by the flow.
        name: Finnish name, written as ``concept:name``.
        name_en: English name, written as ``activity_en``.
        performer: ``staff`` (manual, queued for a person of ``team``), ``system`` (a
            system account, any time of day), ``user-triggered system`` (logged under the
            person whose manual step triggered it, seconds after it) or ``batch``
            (a scheduled job completing every waiting case at once).
        mean_minutes: design mean handling time of a manual step (log-normal).
        sigma: log-normal shape of the handling time. The processes use 0.35 for
            rule-based steps (uniform screen work) and 1.0 for judgement steps (knowledge
            work varies case by case), the contrast RPA selection criteria look for.
        rule_based: designed as automatable (fixed rules, structured inputs).
        automatable_share: fraction of the manual work a robot would take. The other
            executions are exceptions a robot would hand back: drawn at random, each is
            logged as :data:`EXCEPTION_STEP` by the same person seconds after the step,
            unless ``exceptions`` is false (the step's own branches show them).
        exceptions: log the exception marker after a rule-based step's exceptions.
        team: key of the staff team that does a manual step.
        account: ``org:resource`` of a system or batch step.
        visits: expected executions per case, used only to size the teams.
    """

    key: str
    name: str
    name_en: str
    performer: str
    mean_minutes: float = 0.0
    sigma: float = 0.5
    rule_based: bool = False
    automatable_share: float = 0.0
    team: str | None = None
    account: str | None = None
    visits: float = 0.0
    exceptions: bool = True

    def __post_init__(self) -> None:
        if self.performer not in PERFORMERS:
            raise ValueError(f"{self.key}: unknown performer {self.performer!r}")
        if (self.performer == STAFF) != (self.team is not None):
            raise ValueError(f"{self.key}: manual steps, and only they, need a team")
        if self.performer in (SYSTEM, BATCH) and not self.account:
            raise ValueError(f"{self.key}: system and batch steps need an account")
        if not self.rule_based and self.automatable_share:
            raise ValueError(f"{self.key}: only rule-based steps have an automatable share")

    @property
    def manual(self) -> bool:
        """True for steps a person does (start and complete in office hours)."""
        return self.performer == STAFF


EXCEPTION_STEP = Activity(
    "EXCEPTION", "Poikkeama kirjattu", "Exception recorded", USER_SYSTEM)
"""Logged under the person seconds after a rule-based step that met an exception."""


@dataclass(frozen=True)
class Team:
    """A pool of people sharing one work queue (sized from the expected workload)."""

    key: str
    name: str
    min_size: int = 2


@dataclass(frozen=True)
class Batch:
    """A scheduled job: at ``hour:minute`` local time it completes every waiting case.

    ``days`` is ``working`` (Monday to Friday, not a Finnish public holiday) or ``daily``.
    """

    activity: str
    hour: int
    minute: int = 0
    days: str = "working"


@dataclass(frozen=True)
class ProcessModel:
    """A synthetic process: its steps, people, jobs, arrival pattern and flow."""

    name: str
    title: str
    title_en: str
    case_prefix: str
    activities: tuple[Activity, ...]
    teams: tuple[Team, ...]
    batches: tuple[Batch, ...]
    month_weights: tuple[float, ...]
    weekday_weights: tuple[float, ...]
    hour_weights: tuple[float, ...]
    holiday_weight: float
    attributes: AttributeDraw
    flow: Flow

    def __post_init__(self) -> None:
        keys = [a.key for a in self.activities]
        for label, values in (("key", keys), ("name", [a.name for a in self.activities]),
                              ("name_en", [a.name_en for a in self.activities])):
            if len(set(values)) != len(values):
                raise ValueError(f"{self.name}: activity {label}s must be unique")
        teams = {t.key for t in self.teams}
        for a in self.activities:
            if a.team is not None and a.team not in teams:
                raise ValueError(f"{self.name}: {a.key} names unknown team {a.team!r}")
        for b in self.batches:
            if b.activity not in keys:
                raise ValueError(f"{self.name}: batch for unknown activity {b.activity!r}")
        if len(self.month_weights) != 12 or len(self.weekday_weights) != 7 \
                or len(self.hour_weights) != 24:
            raise ValueError(f"{self.name}: need 12 month, 7 weekday and 24 hour weights")

    def activity(self, key: str) -> Activity:
        """The activity called ``key``."""
        for a in self.activities:
            if a.key == key:
                return a
        raise KeyError(key)
