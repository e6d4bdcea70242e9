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


def test_two_people_are_never_merged_by_a_shared_pseudonym(monkeypatch):
    """Ten hex digits almost never collide; when they would, every pseudonym is the full
    hash, so two accounts never become one person."""
    from rpa_scout import privacy

    real = privacy.pseudonym
    monkeypatch.setattr(privacy, "pseudonym",
                        lambda name, key, digits=10: "person-same" if digits == 10 else real(name, key, digits))
    log = pd.DataFrame({"org:resource": ["Aino Virtanen", "Bo Ek", "SYSTEM", "Aino Virtanen"]})
    shown = pseudonymise(log, key="k")["org:resource"].tolist()
    assert shown == [real("Aino Virtanen", b"k", 64), real("Bo Ek", b"k", 64), "SYSTEM",
                     real("Aino Virtanen", b"k", 64)]
    assert len(shown[0]) == len("person-") + 64 and shown[0] != shown[1]


def test_the_given_log_is_left_as_it_was():
    """The copy shares the other columns (copy-on-write): changing it changes nothing given."""
    log = pd.DataFrame({"org:resource": ["Aino Virtanen", "Bo"], "note": ["a", "b"]})
    out = pseudonymise(log, key="k")
    out.loc[0, "note"] = "changed"
    assert log["org:resource"].tolist() == ["Aino Virtanen", "Bo"]
    assert log["note"].tolist() == ["a", "b"]
    assert isinstance(out["org:resource"].dtype, pd.CategoricalDtype)
