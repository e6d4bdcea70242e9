"""Early-childhood-education application (varhaiskasvatushakemus).

A family applies in the e-service at any hour (or on paper, entered by the service
coordinators). Unless the family accepts the highest fee, the income data is fetched
from the Incomes Register and the client-fee secretary checks it, asking for missing
documents when needed (a rework loop). Placement waits until one to three months
before the wished start (two weeks for urgent applications); the coordinator places the
child and writes the decision letter, sent to Suomi.fi Messages. The family accepts,
declines (and is placed again) or withdraws in the e-service. The secretary makes the
fee decision; a job at 01:00 on working days starts the care on the start date.

Rule-based by design: income check, decision letter, fee decision, entering paper
applications. Judgement: placement.
"""

from __future__ import annotations

from typing import Any, Generator, Mapping

import numpy as np
import pandas as pd

from rpa_scout.synth.calendar import ORIGIN
from rpa_scout.synth.engine import Case, Simulation
from rpa_scout.synth.model import (BATCH, STAFF, SYSTEM, USER_SYSTEM, Activity, Batch,
                                   ProcessModel, Team, EXCEPTION_STEP)

ACTIVITIES = (
    EXCEPTION_STEP,
    Activity("RECEIVED", "Hakemus vastaanotettu", "Application received", SYSTEM,
             account="eAsiointi"),
    Activity("ENTRY", "Paperihakemuksen tallennus", "Entry of paper application", STAFF,
             mean_minutes=12, sigma=0.35, rule_based=True, automatable_share=0.7,
             team="palveluohjaus", visits=0.12),
    Activity("FETCH", "Tulotiedot haettu tulorekisteristä",
             "Income data fetched from the Incomes Register", SYSTEM, account="JÄRJESTELMÄ"),
    Activity("INCOME", "Tulotietojen tarkistus", "Income information check", STAFF,
             mean_minutes=22, sigma=0.35, rule_based=True, automatable_share=0.8, exceptions=False,
             team="maksut", visits=0.9),
    Activity("INCOME_REQUEST", "Tulotietojen täydennyspyyntö", "Request for income documents",
             USER_SYSTEM),
    Activity("INCOME_RECEIVED", "Tulotiedot täydennetty", "Income documents received", SYSTEM,
             account="eAsiointi"),
    Activity("PLACEMENT", "Sijoitus", "Placement", STAFF, mean_minutes=20, sigma=1.0,
             team="palveluohjaus", visits=1.07),
    Activity("LETTER", "Päätöskirje", "Decision letter", STAFF, mean_minutes=10, sigma=0.35,
             rule_based=True, automatable_share=0.85, team="palveluohjaus", visits=1.07),
    Activity("SENT", "Päätös lähetetty Suomi.fi-viesteihin", "Decision sent to Suomi.fi Messages",
             USER_SYSTEM),
    Activity("ACCEPTED", "Paikka vastaanotettu", "Place accepted", SYSTEM, account="eAsiointi"),
    Activity("DECLINED", "Paikasta kieltäydytty", "Place declined", SYSTEM, account="eAsiointi"),
    Activity("WITHDRAWN", "Hakemus peruttu", "Application withdrawn", SYSTEM,
             account="eAsiointi"),
    Activity("FEE", "Asiakasmaksupäätös", "Fee decision", STAFF, mean_minutes=7, sigma=0.35,
             rule_based=True, automatable_share=0.9, team="maksut", visits=0.96),
    Activity("START", "Hoidon aloitus", "Start of care", BATCH, account="JÄRJESTELMÄ"),
)

TEAMS = (
    Team("palveluohjaus", "Varhaiskasvatuksen palveluohjaus"),
    Team("maksut", "Asiakasmaksut"),
)

AUGUST_START = pd.Timestamp("2025-08-01")


def attributes(rng: np.random.Generator, arrivals: pd.DatetimeIndex) -> Mapping[str, np.ndarray]:
    """Channel, highest-fee consent, urgency, care type, child's age, wished start."""
    n = len(arrivals)
    origin = ORIGIN.tz_localize(None)
    day = (arrivals.normalize() - origin).days.to_numpy()
    urgent = rng.random(n) < 0.15
    autumn = (arrivals.month <= 5) & (rng.random(n) < 0.65) & ~urgent
    later = arrivals.normalize() + pd.to_timedelta(120 + rng.integers(0, 30, n), unit="D")
    first_of_next = (later + pd.offsets.MonthBegin(1)).normalize()
    start = np.where(urgent, day + 14 + rng.integers(0, 10, n),
                     np.where(autumn, (AUGUST_START - origin).days,
                              (first_of_next - origin).days.to_numpy()))
    start_dates = origin + pd.to_timedelta(start, unit="D")
    return {
        "case:channel": np.where(rng.random(n) < 0.88, "eAsiointi", "paperi"),
        "case:highest_fee_consent": np.where(rng.random(n) < 0.30, "kyllä", "ei"),
        "case:urgent": np.where(urgent, "kyllä", "ei"),
        "case:care_type": np.where(rng.random(n) < 0.8, "kokopäivä", "osapäivä"),
        "case:child_age": rng.choice(np.arange(1, 6), size=n, p=[0.35, 0.25, 0.15, 0.15, 0.10]),
        "case:desired_start": np.asarray(start_dates.strftime("%Y-%m-%d"), dtype=object),
        "_start_day": start.astype(np.int64),
    }


def flow(sim: Simulation, case: Case) -> Generator[Any, Any, None]:
    """One application from arrival to the start of care (or withdrawal)."""
    if case.attr("case:channel") == "paperi":
        yield from sim.work(case, "ENTRY")
    else:
        yield from sim.system(case, "RECEIVED")
    if case.attr("case:highest_fee_consent") == "ei":
        yield sim.pause(case, 60, 1800)
        yield from sim.system(case, "FETCH")
        rounds = 0
        while True:
            missing = rounds < 2 and case.u() < (0.25 if rounds == 0 else 0.10)
            if not missing:
                yield from sim.work(case, "INCOME")
                break
            yield from sim.work(case, "INCOME", then="INCOME_REQUEST")
            yield sim.delay(case, 6, 0.6)
            yield from sim.system(case, "INCOME_RECEIVED")
            rounds += 1
    start = sim.midnight(case.attr("_start_day"))
    lead_days = 0.0 if case.attr("case:urgent") == "kyllä" else 30 + 60 * case.u()
    yield sim.until(start - int(lead_days * 86400))
    declined = False
    while True:
        coordinator = yield from sim.work(case, "PLACEMENT")
        yield from sim.work(case, "LETTER", then="SENT", only=coordinator)
        yield sim.delay(case, 3, 0.6)
        answer = case.u()
        if answer < 0.04:
            yield from sim.system(case, "WITHDRAWN")
            return
        if not declined and answer < 0.11:
            yield from sim.system(case, "DECLINED")
            declined = True
            continue
        yield from sim.system(case, "ACCEPTED")
        break
    yield from sim.work(case, "FEE")
    yield sim.batch(case, "START", ready_at=start)


MODEL = ProcessModel(
    name="varhaiskasvatus",
    title="Varhaiskasvatushakemus",
    title_en="Early childhood education application",
    case_prefix="VAKA-2025-",
    activities=ACTIVITIES,
    teams=TEAMS,
    batches=(Batch("START", hour=1, minute=0, days="working"),),
    month_weights=(1.3, 1.5, 1.6, 1.4, 1.0, 0.7, 0.3, 0.9, 0.9, 0.8, 0.8, 0.6),
    weekday_weights=(1.2, 1.1, 1.1, 1.0, 0.9, 0.5, 0.7),
    hour_weights=(0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.5, 1.6, 1.6, 1.5,
                  1.5, 1.5, 1.5, 1.4, 1.3, 1.3, 1.5, 1.8, 2.0, 1.8, 1.2, 0.6),
    holiday_weight=0.6,
    attributes=attributes,
    flow=flow,
)
