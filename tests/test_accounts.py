import numpy as np
import pandas as pd
import pytest

from rpa_scout.accounts import account_kind, behaviour_kinds
from rpa_scout.privacy import pseudonym, pseudonymise


@pytest.mark.parametrize("name", ["User_14", "ID4618", "112", "mvirtanen", "Ben Bot", "Job Lindqvist",
                                  "user.mvirtanen", "Asiointipiste Kallio", "Jobbe", "Sysmä", "admin1",
                                  "Resource02", "Aino Virtanen", "Apinen", "Sysimaa", "Systemsson", "Robottinen",
                                  "Palvelu Pekka", "Kirjaamo Pekka",
                                  # a privacy review: people called Portal, Cron or Sys, an e-mail on a
                                  # server named rpa or asiointi, a unit in brackets were kept readable
                                  "Maria Portal", "Jukka Cron", "Jan Sys", "Helena Automat",
                                  "pekka.nieminen@asiointi.espoo.fi",
                                  "matti.virtanen@rpa.espoo.fi", "Virtanen Matti (integraatio)",
                                  "Anna-Liisa Järvinen [talous]"])
def test_people_by_name(name):
    assert account_kind(name) == "person"


@pytest.mark.parametrize("name", ["SYSTEM", "JÄRJESTELMÄ", "eAsiointi", "e-asiointi", "e-service",
                                  "Basware-robotti", "Lupapiste-integraatio", "Kunta-portaali",
                                  "batch_job", "RPA-bot", "bot", "job_17", "robot2", "noreply",
                                  # compounds, as Finnish and Swedish write them and exports run words together
                                  "Järjestelmäkäyttäjä", "JARJESTELMAKAYTTAJA", "Integraatiokäyttäjä",
                                  "Eräajokäyttäjä", "Robottikäyttäjä", "Palvelukäyttäjä", "SYSTEMUSER",
                                  "IntegrationUser", "batchuser", "Systemanvändare", "Batchjobb",
                                  "Automaattikäsittely", "Tietojärjestelmä", "Verkkoasiointi", "Sähköinen asiointi",
                                  "Systeemi", "Ajastettu tehtävä",
                                  # written as a name, but in machines' words only
                                  "Basware Integration", "System Administrator", "Sähköinen Asiointi",
                                  "noreply@espoo.fi", "rpa@espoo.fi", "Integraatio (Espoo)", "(järjestelmä)",
                                  # a review: bots written as names, the machine's word first or a
                                  # system's name in brackets
                                  "Rpa Laskutus", "Rpa Palkat", "Uipath Rpa", "Sap Rpa", "Api Gateway",
                                  "Cron Nightly", "Portal Sync", "Daemon Export", "Automat Fakturering",
                                  "Basware (integraatio)"])
def test_systems_by_name(name):
    assert account_kind(name) == "system"


@pytest.mark.parametrize("name", ["STAFF MEMBER", "staff", "henkilökunta", "kaikki käyttäjät", "Users",
                                  "Personal", "Kirjaamo", "Asiakaspalvelu", "Service desk", "Registratur",
                                  "Kundtjänst", "Palvelupiste"])
def test_shared_logins_by_name(name):
    assert account_kind(name) == "shared"


def test_missing_name_is_no_system():
    assert account_kind(None) == "person" and account_kind(np.nan) == "person"


def _events(account, days, per_day, first_hour, last_hour):
    rows = []
    for d in range(days):
        day = pd.Timestamp("2024-03-04", tz="Europe/Helsinki") + pd.Timedelta(days=d)
        for k in range(per_day):
            hour = first_hour + (last_hour - first_hour) * k / max(per_day - 1, 1)
            rows.append((account, day + pd.Timedelta(hours=hour)))
    frame = pd.DataFrame(rows, columns=["r", "t"])
    return frame


def test_behaviour_machine_and_team():
    frame = pd.concat([
        _events("112", 20, 200, 0.0, 23.9),     # hundreds of events round the clock: a machine
        _events("Ryhmä", 20, 40, 6.0, 22.0),     # busy over 16 clock hours a day: several people
        _events("Aino", 20, 30, 8.0, 16.0),      # one person's day
        _events("Yövuoro", 20, 8, 22.0, 23.9),   # a few events at night: shift work, a person
    ], ignore_index=True)
    seconds = (frame["t"] - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()
    found = behaviour_kinds(frame["r"].astype("string"), seconds, np.ones(len(frame), bool), "Europe/Helsinki")
    assert found["112"][0] == "system" and "round the clock" in found["112"][1]
    assert found["Ryhmä"][0] == "shared"
    assert "Aino" not in found and "Yövuoro" not in found


def test_pseudonyms_follow_the_same_decision():
    names = ["User_14", "STAFF MEMBER", "Ben Bot", "eAsiointi", "112", "Aino Virtanen"]
    out = pseudonymise(pd.DataFrame({"org:resource": names}), key="k")["org:resource"].tolist()
    assert out[1] == "STAFF MEMBER" and out[3] == "eAsiointi"
    for i in (0, 2, 4, 5):   # every name that may be one person is hashed
        assert out[i] == pseudonym(names[i], b"k")



def test_person_names_take_the_config_and_the_export_tools_names():
    """One decision for pseudonyms and verdicts: a configured person is hashed though her
    name says system; a configured system account and the Start/End an export tool gives
    its added events stay readable (hashed, the artificial events were ranked as work)."""
    from rpa_scout.accounts import person_names
    from rpa_scout.settings import ManualRules

    names = pd.Series(["Aino", "Robotti Rolf", "Start", "END", "Basware-robotti", "Mikko", None])
    assert person_names(names).tolist() == [True, False, False, False, False, True, False]
    rules = ManualRules(person_resources=("robotti rolf",), system_resources=("Mikko",))
    assert person_names(names, rules).tolist() == [True, True, False, False, False, False, False]
    out = pseudonymise(pd.DataFrame({"org:resource": names}), key="k", rules=rules)["org:resource"]
    assert out.tolist()[:6] == [pseudonym("Aino", b"k"), pseudonym("Robotti Rolf", b"k"), "Start", "END",
                                "Basware-robotti", "Mikko"]
