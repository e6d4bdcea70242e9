import pandas as pd

from rpa_scout.privacy import pseudonym, pseudonymise


def test_keyed_pseudonyms_stable_with_key_and_systems_kept():
    log = pd.DataFrame({"org:resource": ["Aino Virtanen", "SYSTEM", None, "Aino Virtanen", "Bo"]})
    a = pseudonymise(log, key="k1")
    b = pseudonymise(log, key="k1")
    c = pseudonymise(log, key="k2")
    assert a["org:resource"].tolist() == b["org:resource"].tolist()
    assert a["org:resource"][0] != c["org:resource"][0]
    assert a["org:resource"][0] == pseudonym("Aino Virtanen", b"k1")
    assert a["org:resource"][1] == "SYSTEM"
    assert pd.isna(a["org:resource"][2])
    assert "Aino" not in " ".join(a["org:resource"].dropna())


def test_random_key_when_none(monkeypatch):
    monkeypatch.delenv("RPA_SCOUT_KEY", raising=False)
    log = pd.DataFrame({"org:resource": ["Aino"]})
    assert pseudonymise(log)["org:resource"][0] != pseudonymise(log)["org:resource"][0]
    monkeypatch.setenv("RPA_SCOUT_KEY", "env-key")
    assert pseudonymise(log)["org:resource"][0] == pseudonym("Aino", b"env-key")
