import pandas as pd
import pytest

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


def _monitored() -> pd.DataFrame:
    return pd.DataFrame({"case:concept:name": ["c1", "c1", "c2", "c2"],
                         "concept:name": ["A", "B", "A", "B"],
                         "time:timestamp": pd.to_datetime(["2025-03-03 09:00", "2025-03-03 10:00",
                                                           "2025-03-04 09:00", "2025-03-04 10:00"], utc=True),
                         "org:resource": ["Aino", "SYSTEM", "Eero", "SYSTEM"],
                         "Resource": ["Aino", "SYSTEM", "Eero", "SYSTEM"],   # Simod's copy
                         "monitoringResource": [560950, 560950, 560464, 560464],
                         "case:team": ["Lupa", "Lupa", "Talous", "Talous"]})


def test_columns_that_name_the_resource_columns_people_are_hashed_with_the_same_key():
    """BPIC15's monitoringResource (ids read as numbers) and Simod's Resource copy name the
    same people as org:resource: one person, one pseudonym in every column."""
    from rpa_scout.privacy import people_columns

    log = _monitored()
    log["org:resource"] = log["Resource"] = ["Aino", "SYSTEM", "560464", "SYSTEM"]
    assert people_columns(log) == ["Resource", "monitoringResource"]
    out = pseudonymise(log, key="k")
    assert out["Resource"].tolist()[:2] == [pseudonym("Aino", b"k"), "SYSTEM"]
    assert out["monitoringResource"].tolist()[2] == out["org:resource"].tolist()[2] == pseudonym("560464", b"k")
    assert out["monitoringResource"].tolist()[0] == pseudonym("560950", b"k")
    assert out["case:team"].tolist() == log["case:team"].tolist()
    # without the resource column, a column whose header names people still does (QA: a
    # handler column under an unknown header was compared person by person)
    assert people_columns(log.drop(columns=["org:resource"])) == ["Resource", "monitoringResource"]
    assert people_columns(log.drop(columns=["org:resource", "Resource"])) == ["monitoringResource"]
    log["case:team"] = ["Lupa", "Lupa", "Talous", "Talous"]
    assert people_columns(log.drop(columns=["org:resource", "Resource", "monitoringResource"])) == []


def test_a_column_whose_header_names_people_is_hashed_and_refused(write):
    """A Finnish export's Vastuuhenkilö (a responsible person per case, beside the handler)
    was compared person by person with compare --by (QA)."""
    from click.testing import CliRunner

    from rpa_scout import read_log
    from rpa_scout.cli import main

    log, _ = read_log("eventlogs/ostolaskut.csv.gz")
    names = ["Virtanen Matti", "Korhonen Anna", "Mäkinen Jukka"]
    log["case:Vastuuhenkilö"] = [names[hash(c) % 3] for c in log["case:concept:name"]]
    path = write("v.csv", log.to_csv(index=False))
    out = pseudonymise(log, key="k")
    assert not set(out["case:Vastuuhenkilö"]) & set(names)
    for option in (["compare", str(path), "--by", "case:Vastuuhenkilö"],
                   ["inspect", str(path), "--where", "case:Vastuuhenkilö=Virtanen Matti"]):
        result = CliRunner().invoke(main, option)
        assert result.exit_code == 1 and "names the same people as the resource column" not in result.output
        assert "case:Vastuuhenkilö' names people" in result.output or "names people" in " ".join(result.output.split())


def test_a_column_of_the_resource_columns_people_splits_filters_and_labels_nothing():
    """compare --by, --where and --label refuse a column that names people, as they refuse
    the resource column (a copy of it used to print every person's name and speed)."""
    from rpa_scout.errors import ColumnError
    from rpa_scout.filters import resolve_column
    import pytest

    log = _monitored()
    for option in ("--by", "--where", "--label"):
        with pytest.raises(ColumnError, match="names the same people as the resource column"):
            resolve_column(log, "Resource", None, option)
    assert resolve_column(log, "team", None, "--by") == "case:team"


def test_compare_and_rank_refuse_a_copy_of_the_resource_column(tmp_path):
    from click.testing import CliRunner

    from rpa_scout.cli import main

    path = tmp_path / "copy.csv"
    lines = ["case_id,activity,timestamp,resource,Resource,office"]
    for c in range(40):
        person = f"Person {c % 4}"
        for k, step in enumerate(("Receive", "Check", "Decide")):
            day = pd.Timestamp("2025-01-06") + pd.Timedelta(days=2 * c)
            lines.append(f"C{c},{step},{day:%Y-%m-%d} {9 + k}:{c % 50:02d},{person},{person},O{c % 2}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for args in (["compare", str(path), "--by", "Resource"], ["rank", str(path), "--label", "Resource"],
                 ["rank", str(path), "--where", "Resource=Person 1"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1, result.output
        assert "names the same people as the resource column" in result.output
        assert "Person" not in result.output.replace("'Resource=Person 1'", "")
    assert CliRunner().invoke(main, ["compare", str(path), "--by", "office"]).exit_code == 0


def test_rank_on_the_command_line_keeps_an_export_tools_start_and_end_accounts(write, tmp_path):
    """Events an export tool added under the accounts Start and End, at every case's
    boundaries, were hashed like people before they were classified, so the command line
    ranked them as work (#1) where the library did not: one decision for both."""
    import json

    from click.testing import CliRunner

    from rpa_scout import read_log
    from rpa_scout.cli import main

    log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
    case, time = log["case:concept:name"], log["time:timestamp"]
    first, last = time.groupby(case).min(), time.groupby(case).max()
    added = pd.concat([pd.DataFrame({"case:concept:name": first.index, "concept:name": "Avaus",
                                     "time:timestamp": first.to_numpy() - pd.Timedelta(minutes=1),
                                     "org:resource": "Start"}),
                       pd.DataFrame({"case:concept:name": last.index, "concept:name": "Sulku",
                                     "time:timestamp": last.to_numpy() + pd.Timedelta(minutes=1),
                                     "org:resource": "End"})])
    both = pd.concat([log[list(added.columns)], added], ignore_index=True)
    path = write("added.csv", both.to_csv(index=False))
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["rank", str(path), "--all", "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ranked = {c["candidate"] for c in json.loads(out.read_text(encoding="utf-8"))["candidates"]}
    assert not {"Avaus", "Sulku"} & {step for name in ranked for step in name.split(" → ")}


def test_a_column_of_approvers_or_an_upper_case_copy_of_the_handlers_is_refused(write):
    """A privacy review: compare --by compared approvers (hyväksyjä) and an upper-case copy
    of the handler column person by person; only a header in a preset or an exact copy had
    been refused."""
    from click.testing import CliRunner

    from rpa_scout import read_log
    from rpa_scout.cli import main

    log, _ = read_log("eventlogs/ostolaskut.csv.gz")
    approvers = ["Kalle Esimies", "Ritva Johtaja"]
    log["case:hyväksyjä"] = [approvers[i % 2] for i in pd.factorize(log["case:concept:name"])[0]]
    log["merkintä"] = log["org:resource"].astype(str).str.upper()   # a header that says nothing
    path = write("v.csv", log.to_csv(index=False))
    for column, whose in (("hyväksyjä", "people"), ("merkintä", "the same people as the resource column")):
        for args in (["compare", str(path), "--by", column], ["rank", str(path), "--label", column]):
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 1, result.output
            assert f"names {whose}" in " ".join(result.output.split())
            assert "Esimies" not in result.output


def test_people_columns_are_hashed_without_a_resource_column_and_as_the_resource_columns_spelling():
    """BPIC15 read without its resource mapped kept monitoringResource readable; a copy of
    the handlers in capitals got other pseudonyms than the handlers themselves."""
    log = _monitored().drop(columns=["org:resource", "Resource"])
    out = pseudonymise(log, key="k")
    assert out["monitoringResource"].tolist() == [pseudonym(str(v), b"k") for v in log["monitoringResource"]]
    log = _monitored()
    log["merkintä"] = ["AINO ", "SYSTEM", "eero", "SYSTEM"]
    out = pseudonymise(log, key="k")
    assert out["merkintä"].tolist() == out["org:resource"].tolist()
    assert out["merkintä"].tolist()[:3] == [pseudonym("Aino", b"k"), "SYSTEM", pseudonym("Eero", b"k")]


def test_values_the_load_report_quotes_show_a_name_only_by_its_shape(write):
    """A handler's name in the timestamp column, or in a status column read for lifecycle
    words, was quoted in the load report that rank's HTML and JSON carry (a privacy review)."""
    from click.testing import CliRunner

    from rpa_scout import read_log
    from rpa_scout.cli import main
    from rpa_scout.privacy import masked

    people = ["Maija Meikäläinen", "Aino Virtanen"]
    assert masked("Odottaa: MAIJA MEIKÄLÄINEN", people) == "Odottaa: XXXXX XXXXXXXXXXX"
    assert masked("Maija Meika\u0308la\u0308inen", people) == "Xxxxx Xxxxxxxxxxx"   # as macOS writes ä
    assert masked("In Progress", people) == "In Progress" and masked("12.13.2025 8.00") == "12.13.2025 8.00"
    rows = ["case;activity;timestamp;resource;status"]
    for c in range(30):
        rows += [f"C{c};Kirjaus;2.{c % 28 + 1}.2025 8.{c:02d};Aino Virtanen;avoin",
                 f"C{c};Päätös;2.{c % 28 + 1}.2025 9.{c:02d};Maija Meikäläinen;Odottaa: Aino Virtanen"]
    rows[5] = "C2;Kirjaus;Maija Meikäläinen;Aino Virtanen;avoin"
    path = write("t.csv", "\n".join(rows) + "\n")
    _, report = read_log(path)
    shown = " ".join(str(n) for n in report.notes)
    assert "'Xxxxx Xxxxxxxxxxx' (row 5)" in shown and "Odottaa: Xxxx Xxxxxxxx" in shown
    assert "Maija" not in shown and "Aino" not in shown
    result = CliRunner().invoke(main, ["inspect", str(path), "--lifecycle", "status"])
    assert result.exit_code == 1 and "Aino" not in result.output and "Xxxx Xxxxxxxx" in result.output


def test_a_persons_name_inside_a_steps_name_is_her_pseudonym_in_every_output(write, tmp_path):
    """Systems write steps such as "Palautettu käsittelijälle Maria Portal": the name
    reached the map, the ranking and the variants (a privacy review)."""
    import json

    from click.testing import CliRunner

    from rpa_scout import read_log
    from rpa_scout.cli import main

    log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
    people = [str(r) for r in log["org:resource"].unique() if " " in str(r)][:2]
    returned = log[log["concept:name"] == "Asiatarkastus"].copy()
    returned["time:timestamp"] += pd.Timedelta(minutes=5)
    returned["concept:name"] = [f"Palautettu käsittelijälle {people[i % 2].upper()}" for i in range(len(returned))]
    path = write("t.csv", pd.concat([log, returned], ignore_index=True).to_csv(index=False))
    out = tmp_path / "r.json"
    runs = [["rank", str(path), "--all", "--key", "k", "--format", "json", "--out", str(out)],
            ["map", str(path), "--out", str(tmp_path / "m.svg")], ["variants", str(path), "--top", "50"]]
    for args in runs:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        assert not any(p.casefold() in result.output.casefold() for p in people)
    for written in (out, tmp_path / "m.svg"):
        text = written.read_text(encoding="utf-8").casefold().replace("&#45;", "-")
        assert "person-" in text and "palautettu" in text   # the map wraps the name over lines
        assert not any(p.casefold() in text for p in people)
    ranked = json.loads(out.read_text(encoding="utf-8"))
    assert any(f"Palautettu käsittelijälle {pseudonym(people[0], b'k')}" in str(row)
               for row in ranked["candidates"] + ranked["not_ranked"])


@pytest.mark.parametrize("header,people", [
    ("hyväksyjä", True), ("case:hakija", True), ("case:hakijan nimi", True), ("föredragande", True),
    ("päätöksentekijä", True), ("huoltaja", True), ("vårdnadshavare", True), ("lapsi", True), ("tekijä", True),
    ("enhetschef", True), ("employee_id", True), ("monitoringResource", True), ("case:Responsible_actor", True),
    ("Risk factor", False), ("riskFactor", False), ("factor_no", False), ("Contractor", False), ("Sekund", False),
    ("riskitekijä", False), ("asiakastyyppi", False), ("asiakasryhmä", False), ("customer_type", False),
    ("user_agent", False), ("owner_org", False), ("operaattori", False), ("case:creator", False),
    ("Asiakkaan nimi", True), ("Lapsen nimi", True), ("Kundens namn", True), ("Handläggarens namn", True),
    ("Barnets namn", True), ("Kunnan nimi", False), ("Processens namn", False),
])
def test_headers_that_name_people(header, people):
    """A review: guardians, rapporteurs and decision makers were compared one by one; a
    risk factor was hashed as an actor."""
    from rpa_scout.privacy import person_header

    assert person_header(header) is people


def test_a_name_spelt_as_an_account_is_that_accounts_pseudonym_and_quotes_mask_whole_names_only():
    """A review: with accounts Aino, AINO and aino the other column's exact 'Aino' got
    the last spelling's pseudonym; masking matched inside words ('Approvxx' for an 'Ed')."""
    from rpa_scout.privacy import masked

    log = pd.DataFrame({"org:resource": ["Aino", "AINO", "aino"], "Handler": ["AINO", "aino", "Aino"],
                        "merkintä": ["AiNo", "Eero", "Eero"]})
    out = pseudonymise(log, key="k")
    assert out["Handler"].tolist() == [pseudonym(n, b"k") for n in ["AINO", "aino", "Aino"]]
    assert masked("Approved 2024-13-45 by Ed", ["Ed", "2024", "112"]) == "Approved 2024-13-45 by Ed"
    assert masked("matti_virtanen@espoo.fi, pekka2@espoo.fi") == "xxxxx_xxxxxxxx@xxxxx.xx, xxxxx9@xxxxx.xx"


def test_a_time_study_and_explain_name_a_persons_step_as_the_log_does(write, tmp_path):
    """A review: with the step names pseudonymised, a standard time for "Palautettu
    käsittelijälle Eero Koski" was not used and its note printed the name; --explain
    could not reach the step by the name the log gives it."""
    from click.testing import CliRunner

    from rpa_scout.cli import main

    path, person = _returned_to_a_handler(write, minutes=5)
    times = write("ajat.csv", f"activity;minutes\nPalautettu käsittelijälle {person.upper()};5\n")
    result = CliRunner().invoke(main, ["rank", str(path), "--all", "--standard-times", str(times), "--key", "k"])
    assert result.exit_code == 0, result.output
    assert person.casefold() not in result.output.casefold()
    assert "time study names steps" not in result.output and "not hold" not in result.output
    explained = CliRunner().invoke(main, ["rank", str(path), "--explain", f"Palautettu käsittelijälle {person}"])
    assert explained.exit_code == 0, explained.output
    assert f"Palautettu käsittelijälle person-" in explained.output and person not in explained.output


def test_the_configs_step_patterns_name_a_persons_step_as_the_log_does(write):
    """A review: `manual.system_activities` naming "Palautettu käsittelijälle <name>" stopped
    matching once the step's name held a pseudonym."""
    from click.testing import CliRunner

    from rpa_scout.cli import main

    path, person = _returned_to_a_handler(write, minutes=20)
    config = write("c.yaml", f"manual: {{system_activities: ['Palautettu käsittelijälle {person}']}}\n")
    result = CliRunner().invoke(main, ["rank", str(path), "--all", "--config", str(config), "--key", "k",
                                       "--explain", f"Palautettu käsittelijälle {person}"])
    assert result.exit_code == 0, result.output
    assert "configured" in result.output and person not in result.output


def test_the_environments_key_gives_the_same_pseudonyms_as_the_option(write, monkeypatch):
    """A review: with RPA_SCOUT_KEY, rank pseudonymised with the key's hex form, so its
    pseudonyms differed from --key's, variants' and the API's."""
    from click.testing import CliRunner

    from rpa_scout.cli import main

    path, person = _returned_to_a_handler(write, minutes=5)
    by_option = CliRunner().invoke(main, ["rank", str(path), "--all", "--key", "salaisuus"])
    monkeypatch.setenv("RPA_SCOUT_KEY", "salaisuus")
    by_environment = CliRunner().invoke(main, ["rank", str(path), "--all"])
    assert by_option.exit_code == by_environment.exit_code == 0
    assert by_environment.output == by_option.output
    assert f"Palautettu käsittelijälle {pseudonym(person, b'salaisuus')}" in by_option.output


def _returned_to_a_handler(write, minutes: int):
    """The sample invoices with each Asiatarkastus followed, ``minutes`` later, by a step
    whose name holds the handler's: "Palautettu käsittelijälle <name>"."""
    from rpa_scout import read_log

    log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
    person = next(str(r) for r in log["org:resource"].unique() if " " in str(r))
    returned = log[log["concept:name"] == "Asiatarkastus"].copy()
    returned["time:timestamp"] += pd.Timedelta(minutes=minutes)
    returned["concept:name"] = f"Palautettu käsittelijälle {person}"
    return write("t.csv", pd.concat([log, returned], ignore_index=True).to_csv(index=False)), person


def test_compare_uses_a_time_study_of_a_step_named_with_a_person(write, tmp_path):
    """compare pseudonymises step names as rank does; a time study naming such a step as
    the log does was left unused there."""
    import json

    from click.testing import CliRunner

    from rpa_scout import read_log
    from rpa_scout.cli import main

    path, person = _returned_to_a_handler(write, minutes=5)
    log, _ = read_log(path)
    log["case:tiimi"] = [("A", "B")[i % 2] for i in pd.factorize(log["case:concept:name"])[0]]
    pooled = write("pooled.csv", log.to_csv(index=False))
    times = write("ajat.csv", f"activity;minutes\nPalautettu käsittelijälle {person};5\n")
    for i, args in enumerate((["compare", str(path), str(path), "--name", "A", "--name", "B"],
                              ["compare", str(pooled), "--by", "tiimi"])):
        out = tmp_path / f"c{i}.json"
        result = CliRunner().invoke(main, [*args, "--standard-times", str(times), "--key", "k",
                                           "--format", "json", "--out", str(out)])
        assert result.exit_code == 0, result.output
        rows = [row for row in json.loads(out.read_text(encoding="utf-8"))["comparison"]
                if row["activity"] == f"Palautettu käsittelijälle {pseudonym(person, b'k')}"]
        assert len(rows) == 2 and {row["handling_source"] for row in rows} == {"supplied"}
        assert person not in out.read_text(encoding="utf-8") and person not in result.output
