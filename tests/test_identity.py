"""Personal identity codes (rpa_scout.identity) and how every output keeps them out."""

from __future__ import annotations

import json
import random

import pandas as pd
import pytest
from click.testing import CliRunner

from rpa_scout.identity import holds_identity_codes, identity_code, replace_identity_codes, sub_identity_codes
from rpa_scout.privacy import people_columns, pseudonymise

#: The Digital and Population Data Services Agency's published examples, with the
#: century signs of 2023 (Y, X, W, U for the 1900s; B–F for the 2000s) and the old ones.
FINNISH = ["131052-308T", "010594Y9021", "020594X903P", "030594W903B", "050594U903M", "010516B903X",
           "020516C903K", "030516D9037", "010501E9032", "020503F9037", "020504A902E"]
#: Skatteverket's examples: a personnummer in its three forms, a samordningsnummer.
SWEDISH = ["811218-9876", "19811218-9876", "8112189876", "701063-2391"]


@pytest.mark.parametrize("code", FINNISH + SWEDISH)
def test_published_codes_are_found(code):
    assert identity_code(code) and identity_code(f"Hakemus {code}") and identity_code(code.lower())


@pytest.mark.parametrize("text", ["131052-308U", "131052-309T", "311352-308T", "811218-9875", "8112189875",
                                  "OL-2025-00067", "2025-01-07 12:00:00", "1234567", "13105223089"])
def test_wrong_check_characters_dates_and_other_ids_are_not(text):
    assert not identity_code(text)


def test_a_column_holds_codes_only_when_half_its_values_do():
    """A random ten-digit number passes the Swedish checks about once in 150: a column of
    order numbers is no column of codes."""
    rng = random.Random(0)
    numbers = pd.Series([rng.randrange(10**9, 10**10) for _ in range(5000)])
    assert 0.001 < numbers.astype(str).map(identity_code).mean() < 0.02
    assert not holds_identity_codes(numbers) and not holds_identity_codes(numbers.astype(str))
    half = pd.Series(FINNISH[:3] + ["A-1", "A-2", "A-3", "A-4"])
    assert not holds_identity_codes(half) and holds_identity_codes(pd.Series(FINNISH[:4] + ["A-1", "A-2"]))


def test_one_persons_code_written_three_ways_is_one_code():
    seen = []
    replace_identity_codes(pd.Series(SWEDISH[:3]), lambda code: seen.append(code) or "x")
    assert seen == ["8112189876"] * 3
    assert sub_identity_codes("Päätös 8112189876 / 811218-9876 / 811218-9875", str.lower) == \
        "Päätös 8112189876 / 8112189876 / 811218-9875"


def _children(n: int = 60) -> pd.DataFrame:
    """An early-education log keyed by the child's code, the guardian's in a column."""
    rows = []
    for i in range(n):
        child, guardian = FINNISH[i % len(FINNISH)], SWEDISH[i % len(SWEDISH)]
        case = f"{child}/{i}"
        day = pd.Timestamp("2025-01-02 08:00", tz="Europe/Helsinki") + pd.Timedelta(days=i * 3)
        for j, (step, who) in enumerate([("Hakemus saapunut", "eAsiointi"), ("Käsittely", "Aino Virtanen"),
                                         (f"Päätös lähetetty {guardian}", "Aino Virtanen")]):
            rows.append({"case:concept:name": case, "concept:name": step, "org:resource": who,
                         "time:timestamp": day + pd.Timedelta(minutes=20 * j), "case:huoltaja_id": guardian})
    return pd.DataFrame(rows)


def test_pseudonymise_replaces_codes_in_case_ids_attributes_and_step_names_alike():
    log = _children()
    out = pseudonymise(log, key="k")
    shown = " ".join(out.astype(str).to_numpy().ravel())
    assert not any(code in shown for code in FINNISH + SWEDISH) and "id-" in shown
    assert out["case:concept:name"].nunique() == log["case:concept:name"].nunique()   # no two cases merged
    guardian = out["case:huoltaja_id"][0]
    assert guardian.startswith("id-") and f"Päätös lähetetty {guardian}" in set(out["concept:name"])
    assert pseudonymise(log, key="k")["case:concept:name"].tolist() == out["case:concept:name"].tolist()
    assert "case:huoltaja_id" in people_columns(log, by_header=False)   # by its values alone


def test_cases_and_rank_show_no_code_and_compare_refuses_to_split_by_one(write, tmp_path):
    from rpa_scout.cli import main

    log = _children()
    path = write("varhaiskasvatus.csv", log.assign(**{"case:tyyppi": "uusi"}).rename(
        columns={"case:huoltaja_id": "case:yhteyshenkilö"}).to_csv(index=False))
    cases = CliRunner().invoke(main, ["cases", str(path), "--step", "Käsittely", "--top", "5"])
    assert cases.exit_code == 0, cases.output
    assert "id-" in cases.output and not any(code in cases.output for code in FINNISH + SWEDISH)
    step = f"Päätös lähetetty {SWEDISH[0]}"   # a step named as the log names it
    found = CliRunner().invoke(main, ["cases", str(path), "--step", step, "--json"])
    assert found.exit_code == 0, found.output
    # one guardian's code written three ways: one pseudonym, one step of 3 × 15 cases
    assert json.loads(found.stdout)["cases"] == 45 and SWEDISH[0] not in found.output
    out = tmp_path / "r.json"
    ranked = CliRunner().invoke(main, ["rank", str(path), "--all", "--format", "json", "--out", str(out)])
    assert ranked.exit_code == 0, ranked.output
    assert not any(code in out.read_text(encoding="utf-8") + ranked.output for code in FINNISH + SWEDISH)
    split = CliRunner().invoke(main, ["compare", str(path), "--by", "case:yhteyshenkilö"])
    assert split.exit_code == 1 and "'case:yhteyshenkilö' holds personal identity codes" in split.output


def test_the_load_report_quotes_a_code_only_by_its_shape(write):
    from rpa_scout import read_log

    rows = ["case;activity;timestamp"] + [f"C{i};Kirjaus;2.1.2025 8.{i:02d}" for i in range(20)]
    rows[3] = "C2;Kirjaus;131052-308T"
    _, report = read_log(write("t.csv", "\n".join(rows) + "\n"))
    shown = " ".join(str(n) for n in report.notes)
    assert "999999-999X" in shown and "131052" not in shown


def test_a_steps_display_name_survives_a_person_in_its_name(write):
    """--label's display names were keyed by the step's name before pseudonymising, so a
    step naming a person lost its display name (noticed in the privacy review)."""
    from rpa_scout.cli import main

    log = _children().assign(name_en=lambda f: f["concept:name"].map(
        lambda s: "Decision sent" if s.startswith("Päätös") else "Handling" if s == "Käsittely" else "Received"))
    log["concept:name"] = log["concept:name"].where(~log["concept:name"].str.startswith("Päätös"),
                                                    "Päätös: Aino Virtanen")
    path = write("t.csv", log.to_csv(index=False))
    result = CliRunner().invoke(main, ["variants", str(path), "--label", "name_en"])
    assert result.exit_code == 0, result.output
    assert "Received → Handling → Decision sent" in result.output and "Aino" not in result.output
    ranked = CliRunner().invoke(main, ["rank", str(path), "--all", "--label", "name_en"])
    assert ranked.exit_code == 0, ranked.output
    assert "Decision sent" in ranked.output and "Päätös" not in ranked.output and "Aino" not in ranked.output


def test_codes_in_some_case_ids_and_names_in_a_label_column_are_pseudonymised_too():
    """40 % of an early-education log's cases keyed by the child's code kept the codes
    (the column rule wants half); a person in a readable-name column stayed in the
    labels; activity_labels took the resource column (API review)."""
    from rpa_scout import activity_labels, read_log
    from rpa_scout.errors import ColumnError

    log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
    cases = log["case:concept:name"].astype(str)
    keyed = cases.where(cases.str[-1].isin(list("0123")), FINNISH[0] + "/" + cases)   # 40 % of the ids
    person = next(str(r) for r in log["org:resource"].unique() if " " in str(r))
    en = log["activity_en"].astype(str).where(log["concept:name"] != "Asiatarkastus", f"Checked by {person}")
    log = log.assign(**{"case:concept:name": keyed, "activity_en": en,
                        "case:order_no": ["8112189876"] + [str(4000000000 + i) for i in range(len(log) - 1)],
                        "case:ref": "Viite 811218-9876"})
    out = pseudonymise(log, key="k")
    assert not out["case:concept:name"].astype(str).str.contains(FINNISH[0]).any()
    assert out["case:concept:name"].nunique() == log["case:concept:name"].nunique()
    assert out["case:order_no"].astype(str)[0] == "8112189876"   # a bare number in no column of codes
    assert set(out["case:ref"].astype(str)) == {"Viite id-" + out["case:ref"].astype(str)[0].split("id-")[1]}
    labels = activity_labels(out, "activity_en")
    assert person not in " ".join(labels.values()) and "Checked by person-" in labels["Asiatarkastus"]
    for column in ("org:resource",):
        with pytest.raises(ColumnError, match="resource column"):
            activity_labels(log, column)
