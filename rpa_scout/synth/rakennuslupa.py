"""Building permit (rakennuslupa) handling in a municipal building control office.

An application arrives from the e-service (Lupapiste) at any hour, or on paper and is
registered; a building inspector checks that it is complete and, when it is not, asks
for supplementary information and checks again when it arrives (a rework loop; the same
inspector keeps the case). Then, side by side, neighbours are heard (unless the applicant
already heard them) and statements are requested (larger buildings, protected areas).
The inspector reviews the site when needed and drafts the decision; the chief building
inspector decides (and returns some drafts). The permit secretary publishes the
decision and makes the fee invoice; a nightly job marks the decision final when the
appeal period has passed; the secretary archives the case.

Rule-based by design: neighbour hearing, fee invoice, publication, statement requests,
archiving and registering paper applications. Judgement: completeness check, requests
for supplementary information, site review, decision drafting and the decision.
"""

from __future__ import annotations

from typing import Any, Generator, Mapping

import numpy as np
import pandas as pd

from rpa_scout.synth.engine import Case, Simulation
from rpa_scout.synth.model import (BATCH, STAFF, SYSTEM, USER_SYSTEM, Activity, Batch,
                                   ProcessModel, Team, EXCEPTION_STEP)

LARGE = ("rivitalo", "kerrostalo", "liikerakennus")
APPEAL_DAYS = 22

ACTIVITIES = (
    EXCEPTION_STEP,
    Activity("RECEIVED", "Hakemus saapunut", "Application received", SYSTEM,
             account="Lupapiste-integraatio"),
    Activity("REGISTER", "Paperihakemuksen kirjaus", "Registration of paper application",
             STAFF, mean_minutes=20, sigma=0.35, rule_based=True, automatable_share=0.6,
             team="sihteerit", visits=0.08),
    Activity("CHECK", "Täydellisyyden tarkistus", "Completeness check", STAFF,
             mean_minutes=15, sigma=1.0, team="tarkastajat", visits=1.46),
    Activity("REQUEST", "Täydennyspyyntö", "Request for supplementary information", STAFF,
             mean_minutes=12, sigma=1.0, team="tarkastajat", visits=0.46),
    Activity("REQUEST_SENT", "Täydennyspyyntö lähetetty", "Request sent to applicant",
             USER_SYSTEM),
    Activity("SUPPLEMENT", "Täydennys saapunut", "Supplement received", SYSTEM,
             account="Lupapiste-integraatio"),
    Activity("NEIGHBOURS", "Naapurien kuuleminen", "Neighbour hearing", STAFF,
             mean_minutes=30, sigma=0.35, rule_based=True, automatable_share=0.8,
             team="sihteerit", visits=0.55),
    Activity("STATEMENT_REQ", "Lausuntopyyntö", "Request for statements", STAFF,
             mean_minutes=25, sigma=0.35, rule_based=True, automatable_share=0.7,
             team="sihteerit", visits=0.26),
    Activity("STATEMENT", "Lausunto saapunut", "Statement received", SYSTEM,
             account="Lupapiste-integraatio"),
    Activity("REVIEW", "Katselmus", "Site review", STAFF, mean_minutes=80, sigma=1.0,
             team="tarkastajat", visits=0.5),
    Activity("DRAFT", "Päätösehdotuksen valmistelu", "Decision drafting", STAFF,
             mean_minutes=60, sigma=1.0, team="tarkastajat", visits=1.08),
    Activity("DECISION", "Lupapäätös", "Permit decision", STAFF, mean_minutes=12, sigma=1.0,
             team="paattajat", visits=1.08),
    Activity("RETURNED", "Palautettu valmisteluun", "Returned for redrafting", USER_SYSTEM),
    Activity("SIGNED", "Päätös allekirjoitettu sähköisesti", "Decision signed electronically",
             USER_SYSTEM),
    Activity("PUBLISH", "Päätöksen julkaisu", "Publication of decision", STAFF,
             mean_minutes=8, sigma=0.35, rule_based=True, automatable_share=0.9,
             team="sihteerit", visits=1.0),
    Activity("FEE", "Maksulaskun laadinta", "Fee invoice", STAFF, mean_minutes=12, sigma=0.35,
             rule_based=True, automatable_share=0.85, team="sihteerit", visits=1.0),
    Activity("FINAL", "Lainvoimaisuus", "Decision became final", BATCH, account="JÄRJESTELMÄ"),
    Activity("ARCHIVE", "Arkistointi", "Archiving", STAFF, mean_minutes=5, sigma=0.35,
             rule_based=True, automatable_share=0.6, team="sihteerit", visits=1.0),
)

TEAMS = (
    Team("sihteerit", "Lupasihteerit"),
    Team("tarkastajat", "Rakennustarkastajat"),
    Team("paattajat", "Johtavat rakennustarkastajat"),
)

_TYPES = np.array(["pientalo", "talousrakennus", "vapaa-ajan asunto", "laajennus tai muutos",
                   "rivitalo", "kerrostalo", "liikerakennus"])
_TYPE_P = [0.35, 0.20, 0.12, 0.18, 0.06, 0.03, 0.06]
_MEDIAN_AREA = np.array([150.0, 30.0, 80.0, 60.0, 500.0, 2500.0, 1200.0])


def attributes(rng: np.random.Generator, arrivals: pd.DatetimeIndex) -> Mapping[str, np.ndarray]:
    """Channel, building type, floor area, fee, protected area, neighbours heard."""
    n = len(arrivals)
    kind = rng.choice(len(_TYPES), size=n, p=_TYPE_P)
    area = np.round(_MEDIAN_AREA[kind] * np.exp(0.4 * rng.standard_normal(n)), 1)
    return {
        "case:channel": np.where(rng.random(n) < 0.92, "Lupapiste", "paperi"),
        "case:building_type": _TYPES[kind],
        "case:floor_area": area,
        "case:fee": np.round(300.0 + 4.2 * area, 2),
        "case:protected_area": np.where(rng.random(n) < 0.12, "kyllä", "ei"),
        "case:neighbours_heard": np.where(rng.random(n) < 0.45, "kyllä", "ei"),
    }


def _hearing(sim: Simulation, case: Case) -> Generator[Any, Any, None]:
    yield from sim.work(case, "NEIGHBOURS")
    yield sim.delay(case, 15, 0.15)


def _statements(sim: Simulation, case: Case) -> Generator[Any, Any, None]:
    yield from sim.work(case, "STATEMENT_REQ")
    yield sim.delay(case, 18, 0.5)
    yield from sim.system(case, "STATEMENT")


def flow(sim: Simulation, case: Case) -> Generator[Any, Any, None]:
    """One permit application from arrival to archive."""
    if case.attr("case:channel") == "paperi":
        yield from sim.work(case, "REGISTER")
    else:
        yield from sim.system(case, "RECEIVED")
    handler, rounds = -1, 0
    while True:
        incomplete = rounds < 3 and case.u() < (0.40 if rounds == 0 else 0.15)
        handler = yield from sim.work(case, "CHECK", only=handler)
        if not incomplete:
            break
        yield from sim.work(case, "REQUEST", then="REQUEST_SENT", only=handler)
        yield sim.delay(case, 12, 0.7)
        yield from sim.system(case, "SUPPLEMENT")
        rounds += 1
    heavy = case.attr("case:building_type") in LARGE or case.attr("case:protected_area") == "kyllä"
    branches = []
    if case.attr("case:neighbours_heard") == "ei":
        branches.append(_hearing(sim, case))
    if heavy:
        branches.append(_statements(sim, case))
    if branches:
        yield sim.parallel(*branches)
    if heavy or case.u() < 0.35:
        yield from sim.work(case, "REVIEW", only=handler)
    returned = False
    while True:
        yield from sim.work(case, "DRAFT", only=handler)
        if not returned and case.u() < 0.08:
            yield from sim.work(case, "DECISION", then="RETURNED")
            returned = True
            continue
        yield from sim.work(case, "DECISION", then="SIGNED")
        break
    yield from sim.work(case, "PUBLISH")
    yield from sim.work(case, "FEE")
    yield sim.batch(case, "FINAL", ready_at=sim.now + APPEAL_DAYS * 86400)
    yield from sim.work(case, "ARCHIVE")


MODEL = ProcessModel(
    name="rakennuslupa",
    title="Rakennuslupa",
    title_en="Building permit",
    case_prefix="RL-2025-",
    activities=ACTIVITIES,
    teams=TEAMS,
    batches=(Batch("FINAL", hour=0, minute=30, days="daily"),),
    month_weights=(0.7, 0.8, 1.1, 1.35, 1.4, 1.2, 0.45, 1.1, 1.1, 1.0, 0.9, 0.6),
    weekday_weights=(1.2, 1.1, 1.1, 1.0, 0.9, 0.45, 0.55),
    hour_weights=(0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.8, 2.0, 2.0, 1.8,
                  1.6, 1.8, 1.8, 1.6, 1.3, 1.1, 1.2, 1.4, 1.5, 1.3, 0.9, 0.5),
    holiday_weight=0.5,
    attributes=attributes,
    flow=flow,
)
