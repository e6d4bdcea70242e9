"""Purchase invoice handling (ostolaskujen käsittely) in a municipality.

An invoice arrives in the invoice system (e-invoices from the operator at any hour,
scanned paper and e-mailed PDF invoices too); order-based invoices are first matched
automatically, the rest by accounts payable; the cost centre is coded; the unit's
inspector inspects (and returns some for re-coding); the approver approves (a second,
different approver from 5,000 €); approval transfers the invoice to payment; the nightly
payment run at 02:00 pays every approved invoice that is due; the system archives it.

Rule-based by design: cost-centre coding, matching to the order, checking scanned
invoice data. Judgement: inspection and approval.
"""

from __future__ import annotations

from typing import Any, Generator, Mapping

import numpy as np
import pandas as pd

from rpa_scout.synth.calendar import ORIGIN
from rpa_scout.synth.engine import Case, Simulation
from rpa_scout.synth.model import (BATCH, STAFF, SYSTEM, USER_SYSTEM, Activity, Batch,
                                   ProcessModel, Team, EXCEPTION_STEP)

SECOND_APPROVAL_EUR = 5000.0

ACTIVITIES = (
    EXCEPTION_STEP,
    Activity("RECEIVED", "Lasku vastaanotettu", "Invoice received", SYSTEM,
             account="Basware-robotti"),
    Activity("DATA", "Skannatun laskun tietojen tarkistus", "Scanned invoice data check", STAFF,
             mean_minutes=7, sigma=0.35, rule_based=True, automatable_share=0.7,
             team="reskontra", visits=0.18),
    Activity("AUTOMATCH", "Automaattinen tilausvastaavuus", "Automatic order matching", SYSTEM,
             account="Basware-robotti"),
    Activity("MATCH", "Tilausvastaavuuden tarkistus", "Matching to purchase order", STAFF,
             mean_minutes=10, sigma=0.35, rule_based=True, automatable_share=0.85,
             team="reskontra", visits=0.30),
    Activity("CODING", "Kustannuspaikan tiliöinti", "Cost-centre coding", STAFF,
             mean_minutes=5, sigma=0.35, rule_based=True, automatable_share=0.9,
             team="reskontra", visits=0.83),
    Activity("INSPECT", "Asiatarkastus", "Inspection", STAFF, mean_minutes=6, sigma=1.0,
             team="tarkastajat", visits=1.08),
    Activity("RETURN", "Palautus tiliöintiin", "Returned for re-coding", USER_SYSTEM),
    Activity("APPROVE", "Hyväksyntä", "Approval", STAFF, mean_minutes=3, sigma=1.0,
             team="hyvaksyjat", visits=1.0),
    Activity("APPROVE2", "Toinen hyväksyntä", "Second approval", STAFF, mean_minutes=5,
             sigma=1.0, team="hyvaksyjat", visits=0.08),
    Activity("TRANSFER", "Siirto maksatukseen", "Transfer to payment", USER_SYSTEM),
    Activity("PAYMENT", "Maksuajo", "Payment run", BATCH, account="JÄRJESTELMÄ"),
    Activity("ARCHIVE", "Arkistointi", "Archiving", SYSTEM, account="JÄRJESTELMÄ"),
)

TEAMS = (
    Team("reskontra", "Ostoreskontra"),
    Team("tarkastajat", "Asiatarkastajat"),
    Team("hyvaksyjat", "Hyväksyjät"),
)


def attributes(rng: np.random.Generator, arrivals: pd.DatetimeIndex) -> Mapping[str, np.ndarray]:
    """Supplier type, invoice type, channel, amount, payment terms and due day."""
    n = len(arrivals)
    supplier = rng.choice(np.array(["sopimustoimittaja", "muu toimittaja", "julkisyhteisö"]),
                          size=n, p=[0.55, 0.35, 0.10])
    order_share = np.select([supplier == "sopimustoimittaja", supplier == "muu toimittaja"],
                            [0.75, 0.35], 0.10)
    invoice_type = np.where(rng.random(n) < order_share, "tilauslasku", "muu lasku")
    channel = rng.choice(np.array(["verkkolasku", "paperi", "sähköposti"]), size=n,
                         p=[0.82, 0.13, 0.05])
    amount = np.round(np.minimum(600.0 * np.exp(1.5 * rng.standard_normal(n)), 2_000_000.0), 2)
    terms = np.select([supplier == "sopimustoimittaja", supplier == "julkisyhteisö"], [30, 14],
                      np.where(rng.random(n) < 0.6, 21, 14))
    arrival_day = (arrivals.normalize() - ORIGIN.tz_localize(None)).days.to_numpy()
    return {
        "case:supplier_type": supplier,
        "case:invoice_type": invoice_type,
        "case:channel": channel,
        "case:amount": amount,
        "case:payment_terms": terms.astype(np.int64),
        "_due_day": arrival_day + terms,
    }


def flow(sim: Simulation, case: Case) -> Generator[Any, Any, None]:
    """One invoice from arrival to archive."""
    yield from sim.system(case, "RECEIVED")
    if case.attr("case:channel") != "verkkolasku":
        yield from sim.work(case, "DATA")
    coded = False
    if case.attr("case:invoice_type") == "tilauslasku":
        yield sim.pause(case, 20, 600)
        yield from sim.system(case, "AUTOMATCH")
        contract = case.attr("case:supplier_type") == "sopimustoimittaja"
        coded = contract and case.u() < 0.6  # matched automatically, coding from the order
        if not coded:
            yield from sim.work(case, "MATCH")
    returns = 0
    while True:
        if not coded:
            yield from sim.work(case, "CODING")
            coded = True
        if case.u() < (0.08 if returns == 0 else 0.02):
            yield from sim.work(case, "INSPECT", then="RETURN")
            returns += 1
            coded = False
            continue
        yield from sim.work(case, "INSPECT")
        break
    if case.attr("case:amount") >= SECOND_APPROVAL_EUR:
        first = yield from sim.work(case, "APPROVE")
        yield from sim.work(case, "APPROVE2", then="TRANSFER", exclude=first)
    else:
        yield from sim.work(case, "APPROVE", then="TRANSFER")
    yield sim.batch(case, "PAYMENT", ready_at=sim.midnight(case.attr("_due_day")))
    yield sim.pause(case, 300, 3600)
    yield from sim.system(case, "ARCHIVE")


MODEL = ProcessModel(
    name="ostolaskut",
    title="Ostolaskujen käsittely",
    title_en="Purchase invoice handling",
    case_prefix="OL-2025-",
    activities=ACTIVITIES,
    teams=TEAMS,
    batches=(Batch("PAYMENT", hour=2, minute=0, days="working"),),
    month_weights=(1.05, 1.0, 1.05, 1.0, 1.0, 0.95, 0.45, 0.85, 1.05, 1.05, 1.05, 1.2),
    weekday_weights=(1.0, 1.0, 1.0, 1.0, 1.0, 0.15, 0.1),
    hour_weights=(0.3, 0.3, 0.3, 0.3, 0.5, 1.5, 3.0, 3.0, 2.0, 2.0, 2.0, 1.5,
                  1.5, 2.5, 2.5, 2.0, 1.5, 1.0, 0.8, 0.6, 0.5, 0.4, 0.3, 0.3),
    holiday_weight=0.2,
    attributes=attributes,
    flow=flow,
)
