"""Synthetic Finnish municipal event logs whose ground truth is known.

Three processes — purchase invoices (``ostolaskut``), building permits
(``rakennuslupa``) and early-childhood-education applications (``varhaiskasvatus``) —
are simulated with SimPy over one year of case arrivals from 2025-01-01: staff with
office-hour calendars and Finnish public holidays take tasks from queues one at a time,
system accounts and nightly batch jobs do the rest. Each log comes with its ground truth
(which steps are manual and rule-based, their recorded handling times, annual volumes
and the hours a robot would save).

Example::

    from rpa_scout.synth import generate
    synthetic = generate("ostolaskut", cases=2000, seed=1)
    synthetic.log          # XES-named DataFrame, UTC timestamps
    synthetic.truth        # the ground-truth document (JSON-ready dict)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from rpa_scout.columns import XES
from rpa_scout.errors import ConfigError
from rpa_scout.synth import ostolaskut, rakennuslupa, varhaiskasvatus
from rpa_scout.synth.calendar import origin_epoch
from rpa_scout.synth.engine import COMPLETE, Simulation, SimulationResult
from rpa_scout.synth.model import STAFF, SYSTEM, ProcessModel
from rpa_scout.synth.truth import ground_truth

MODELS: Mapping[str, ProcessModel] = {
    m.name: m for m in (ostolaskut.MODEL, rakennuslupa.MODEL, varhaiskasvatus.MODEL)
}
PROCESSES: tuple[str, ...] = tuple(MODELS)
ACTIVITY_EN = "activity_en"
#: The system account under which a municipality's software robot does automated steps.
ROBOT_ACCOUNT = "RPA-robotti"


@dataclass(frozen=True, eq=False)
class SyntheticLog:
    """A generated event log and its ground truth.

    Attributes:
        log: events with XES column names (``case:concept:name``, ``concept:name``,
            ``activity_en``, ``time:timestamp`` in UTC, ``org:resource``,
            ``lifecycle:transition`` and ``case:`` attributes), sorted by case and time.
        truth: the ground-truth document written as ``<stem>.truth.json``.
    """

    log: pd.DataFrame
    truth: dict[str, Any]

    @property
    def process(self) -> str:
        """The process name."""
        return str(self.truth["process"])


def generate(process: str, cases: int, seed: int = 0, *,
             complete_only: bool = False, automated: Iterable[str] = ()) -> SyntheticLog:
    """Simulate ``cases`` cases of a Finnish municipal process.

    Args:
        process: one of :data:`PROCESSES` (``ostolaskut``, ``rakennuslupa``,
            ``varhaiskasvatus``).
        cases: number of cases; they arrive over the year 2025.
        seed: seed of ``numpy.random.default_rng``; the same seed gives the same log.
        complete_only: drop the ``start`` events (the truth still comes from the pairs).
        automated: rule-based manual steps (Finnish or English names, or keys) that this
            municipality's software robot does (:func:`automate`): the same process at
            another automation level. The truth lists them under ``automated``.

    Returns:
        The log and its ground truth.

    Raises:
        ConfigError: unknown process, ``cases``/``seed`` out of range, or a step in
            ``automated`` that is not a rule-based manual step of the process.

    Example:
        >>> robot = generate("rakennuslupa", 50, seed=1, automated=["Fee invoice"])
        >>> robot.truth["automated"], robot.truth["activities"]["Maksulaskun laadinta"]["manual"]
        (['Maksulaskun laadinta'], False)
    """
    model = model_for(process)
    automated = tuple(automated)
    if automated:
        model = automate(model, automated)
    if isinstance(cases, bool) or not isinstance(cases, (int, np.integer)) or cases < 1:
        raise ConfigError(f"cases must be a whole number of at least 1, not {cases!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ConfigError(f"seed must be a whole number of at least 0, not {seed!r}")
    result = Simulation(model, int(cases), int(seed)).run()
    log = event_log(model, result, complete_only=complete_only)
    truth = ground_truth(model, result, seed=int(seed), complete_only=complete_only,
                         events=len(log))
    if automated:
        truth["automated"] = [a.name for a in model.activities if a.account == ROBOT_ACCOUNT]
    return SyntheticLog(log=log, truth=truth)


def automate(model: ProcessModel, steps: Iterable[str]) -> ProcessModel:
    """``model`` with the named rule-based manual steps done by a software robot.

    The robot works under :data:`ROBOT_ACCOUNT`, at once and at any hour, like the other
    system steps (0–5 seconds), with no exceptions handed back; the teams are sized
    without those steps.

    Raises:
        ConfigError: a name that is not a rule-based manual step of the process.

    Example:
        >>> from rpa_scout.synth import rakennuslupa
        >>> automate(rakennuslupa.MODEL, ["FEE"]).activity("FEE").performer
        'system'
    """
    wanted = {s.casefold(): s for s in steps}  # letter case aside, as other commands find steps
    names = lambda a: {n.casefold() for n in (a.key, a.name, a.name_en)}  # noqa: E731
    chosen = {a.key for a in model.activities if set(wanted) & names(a)}
    known = {n for a in model.activities for n in names(a)}
    unknown = sorted(wanted[w] for w in set(wanted) - known)
    allowed = [f"{a.name} ({a.name_en})" for a in model.activities if a.performer == STAFF and a.rule_based]
    wrong = [a.name for a in model.activities if a.key in chosen
             and not (a.performer == STAFF and a.rule_based)]
    if unknown or wrong:
        raise ConfigError(f"{model.name}: cannot automate {', '.join(map(repr, unknown + wrong))}; "
                          f"the rule-based manual steps are {', '.join(allowed)}")
    activities = tuple(replace(a, performer=SYSTEM, team=None, account=ROBOT_ACCOUNT, visits=0.0)
                       if a.key in chosen else a for a in model.activities)
    return replace(model, activities=activities)


def model_for(process: str) -> ProcessModel:
    """The :class:`ProcessModel` called ``process``, or :class:`ConfigError`."""
    try:
        return MODELS[str(process).strip().lower()]
    except KeyError:
        raise ConfigError(f"unknown process {process!r}; choose one of "
                          f"{', '.join(PROCESSES)}") from None


def event_log(model: ProcessModel, result: SimulationResult, *,
              complete_only: bool = False) -> pd.DataFrame:
    """Turn the recorded events into the XES-named DataFrame (sorted by case and time)."""
    keep = result.life == COMPLETE if complete_only else np.ones(len(result.life), dtype=bool)
    seq = np.flatnonzero(keep)
    case, time = result.case[seq], result.time[seq]
    order = seq[np.lexsort((seq, time, case))]
    case, act, time = result.case[order], result.activity[order], result.time[order]
    width = max(5, len(str(len(result.arrivals))))
    ids = np.array([f"{model.case_prefix}{i + 1:0{width}d}" for i in range(len(result.arrivals))],
                   dtype=object)
    names = [a.name for a in model.activities]
    names_en = [a.name_en for a in model.activities]
    frame = pd.DataFrame({
        XES.case: pd.array(ids[case], dtype="string"),
        XES.activity: pd.Categorical.from_codes(act, categories=names),
        ACTIVITY_EN: pd.Categorical.from_codes(act, categories=names_en),
        XES.timestamp: pd.to_datetime(time + origin_epoch(), unit="s", utc=True).as_unit("us"),
        XES.resource: pd.Categorical.from_codes(result.resource[order],
                                                categories=list(result.resources)),
        XES.lifecycle: pd.Categorical.from_codes(result.life[order].astype(np.int64),
                                                 categories=["start", "complete"]),
    })
    for name, values in result.attributes.items():
        frame[name] = values[case]
    for col in (XES.activity, ACTIVITY_EN, XES.resource, XES.lifecycle):
        frame[col] = frame[col].cat.remove_unused_categories()
    return frame


__all__ = ["PROCESSES", "ROBOT_ACCOUNT", "SyntheticLog", "automate", "generate", "model_for",
           "event_log"]
