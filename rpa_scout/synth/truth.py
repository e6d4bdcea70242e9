"""The ground truth of a synthetic log, computed from what the simulation recorded.

Per activity: the design (manual or not, who performs it, rule-based or not, the
design mean handling time, the share a robot would take) and what happened (executions,
recorded mean handling time from the start/complete pairs, annual volume, hours saved).

``annual_volume`` = executions × 365 / the days over which cases arrived (one year, so
it equals the executions); ``annual_hours_saved`` = annual_volume × recorded mean
handling hours × automatable_share for manual rule-based steps, else 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rpa_scout.synth.calendar import ORIGIN, PERIOD_DAYS, TIMEZONE, sim_to_local
from rpa_scout.synth.engine import (HOURS_PER_PERSON_YEAR, MAX_MINUTES, MIN_SECONDS,
                                    UTILISATION, SimulationResult)
from rpa_scout.synth.model import ProcessModel

FIELDS = {
    "name_en": "English activity name (event attribute activity_en)",
    "manual": "done by a person (start and complete inside office hours)",
    "performer": "staff | system | user-triggered system | batch",
    "rule_based": "designed as automatable: fixed rules on structured inputs",
    "design_mean_handling_minutes": "mean of the log-normal handling time the design draws "
                                    "from (before person speed and the cap)",
    "recorded_mean_handling_minutes": "mean of complete - start over the instances generated",
    "executions": "activity instances in the log",
    "annual_volume": "executions x 365 / days over which cases arrived",
    "automatable_share": "fraction of a manual activity's work a robot would take",
    "annual_hours_saved": "annual_volume x recorded mean hours x automatable_share "
                          "(manual rule-based steps; else 0)",
}


DESIGN = {
    "office_hours": "Mon-Fri about 7.45-16.00 Europe/Helsinki (per person), optional "
                    "30-minute lunch, 4 weeks summer vacation, Finnish public holidays "
                    "(holidays.Finland) off",
    "handling_time": f"log-normal x person speed, {MIN_SECONDS} s .. {MAX_MINUTES} min",
    "team_size": f"workload / ({HOURS_PER_PERSON_YEAR:.0f} h x {UTILISATION})",
}


def ground_truth(model: ProcessModel, result: SimulationResult, *, seed: int,
                 complete_only: bool, events: int) -> dict[str, Any]:
    """Build the ground-truth document (JSON-ready, deterministic order)."""
    activities = _activity_truth(model, result)
    ranking = sorted(((name, v["annual_hours_saved"]) for name, v in activities.items()
                      if v["annual_hours_saved"] > 0), key=lambda item: (-item[1], item[0]))
    first = sim_to_local(result.time.min(keepdims=True))[0]
    last = sim_to_local(result.time.max(keepdims=True))[0]
    end = ORIGIN + pd.Timedelta(days=PERIOD_DAYS)
    teams = {t.name: sum(1 for p in result.people if p.team == t.key) for t in model.teams}
    return {
        "process": model.name,
        "title": model.title,
        "title_en": model.title_en,
        "seed": seed,
        "cases": int(len(result.arrivals)),
        "events": events,
        "complete_only": complete_only,
        "timezone": TIMEZONE,
        "period": {
            "start": ORIGIN.isoformat(),
            "end": end.isoformat(),
            "days": PERIOD_DAYS,
            "basis": "cases arrive in [start, end); their work may run past end",
        },
        "log": {"first_event": first.isoformat(), "last_event": last.isoformat()},
        "staff": teams,
        "system_accounts": [r for r in result.resources[len(result.people):]],
        "design": DESIGN,
        "activities": activities,
        "ranking": [{"activity": name, "annual_hours_saved": hours} for name, hours in ranking],
        "total_annual_hours_saved": round(sum(h for _, h in ranking), 2),
        "fields": FIELDS,
    }


def _activity_truth(model: ProcessModel, result: SimulationResult) -> dict[str, dict[str, Any]]:
    """Per activity: who does it, its recorded mean handling time, volumes and hours."""
    scale = 365.0 / PERIOD_DAYS
    counts = np.bincount(result.instance_activity, minlength=len(model.activities))
    seconds = np.bincount(result.instance_activity, weights=result.instance_seconds,
                          minlength=len(model.activities))
    activities: dict[str, dict[str, Any]] = {}
    for i, a in enumerate(model.activities):
        n = int(counts[i])
        mean = float(seconds[i] / n / 60) if n else None
        volume = n * scale
        saved = volume * (mean or 0.0) / 60 * a.automatable_share if a.manual and a.rule_based \
            else 0.0
        activities[a.name] = {
            "name_en": a.name_en,
            "manual": a.manual,
            "performer": a.performer,
            "rule_based": a.rule_based,
            "design_mean_handling_minutes": float(a.mean_minutes) if a.manual else 0.0,
            "recorded_mean_handling_minutes": None if mean is None else round(mean, 4),
            "executions": n,
            "annual_volume": round(volume, 2),
            "automatable_share": a.automatable_share,
            "annual_hours_saved": round(saved, 2),
        }
    return activities
