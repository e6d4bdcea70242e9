"""Issue 17: repeated identical events are work, not errors; export duplicates are not."""

import json

import pytest
from click.testing import CliRunner

from rpa_scout import read_log, repeated_event_share
from rpa_scout.cli import main
from rpa_scout.load_report import RepeatedEvents
from rpa_scout.repeats import find_event_id

# Purchase invoices: L1's three invoice lines are posted in one batch, by one system job,
# in the same second; the rows are identical and each one is a posting.
BATCH = (
    "case_id;activity;timestamp;resource\n"
    "L1;Lasku vastaanotettu;2024-02-01 08:00:00;Basware\n"   # 1
    "L1;Tiliöinti;2024-02-01 09:15:00;Päivi\n"               # 2
    "L1;Tiliöinti;2024-02-01 09:15:00;Päivi\n"               # 3 repeats 2
    "L1;Tiliöinti;2024-02-01 09:15:00;Päivi\n"               # 4 repeats 2
    "L1;Hyväksyntä;2024-02-02 10:00:00;Jussi\n"              # 5
    "L2;Lasku vastaanotettu;2024-02-01 08:00:00;Basware\n"   # 6
    "L2;Tiliöinti;2024-02-01 11:00:00;Päivi\n"               # 7
    "L2;Hyväksyntä;2024-02-02 10:05:00;Jussi\n"              # 8
    "L2;Hyväksyntä;2024-02-02 10:05:00;Jussi\n"              # 9 repeats 8
)

# The same kind of log with its event ids: row 3 is row 2 exported a second time (a
# later export batch, so the vienti column differs); row 4 is another posting at the
# same second with an id of its own.
WITH_IDS = (
    "event_id;case_id;activity;timestamp;resource;vienti\n"
    "e1;L1;Lasku vastaanotettu;2024-02-01 08:00:00;Basware;1\n"   # 1
    "e2;L1;Tiliöinti;2024-02-01 09:15:00;Päivi;1\n"               # 2
    "e2;L1;Tiliöinti;2024-02-01 09:15:00;Päivi;2\n"               # 3 export duplicate of 2
    "e3;L1;Tiliöinti;2024-02-01 09:15:00;Päivi;2\n"               # 4 a second posting: kept
    "e4;L1;Hyväksyntä;2024-02-02 10:00:00;Jussi;2\n"              # 5
    "e4;L1;Hyväksyntä;2024-02-02 10:00:00;Jussi;2\n"              # 6 export duplicate of 5
)


def test_batch_postings_are_kept_and_counted(write):
    log, report = read_log(write("batch.csv", BATCH))
    assert report.rows_read == report.rows_kept == 9
    assert report.rejected == {}
    assert report.repeated == RepeatedEvents(rows=3, cases=2, dropped=False, samples=(3, 4, 9))
    assert ("repeated identical events: 3 in 2 cases, kept and counted as work; "
            "--drop-duplicates drops them (rows 3, 4, 9)") in report.lines()
    volume = log["concept:name"].value_counts()
    assert volume["Tiliöinti"] == 4 and volume["Hyväksyntä"] == 3
    assert report.to_dict()["repeated_events"] == {
        "rows": 3, "cases": 2, "treatment": "kept", "sample_rows": [3, 4, 9],
        "event_id": None, "export_duplicates": 0}


def test_one_repeat_in_one_case_is_singular_and_lists_its_row(write):
    """One repeated row in one case: "1 case", "row 3" (no "..." when every row is shown)."""
    from rpa_scout.lang import Lang

    one = "".join(BATCH.splitlines(keepends=True)[:4])   # header, rows 1-3: row 3 repeats 2
    _, report = read_log(write("one.csv", one))
    assert report.repeated.rows == 1 and report.repeated.cases == 1
    assert ("repeated identical events: 1 in 1 case, kept and counted as work; "
            "--drop-duplicates drops them (row 3)") in report.lines()
    assert any("1 i 1 ärende," in line and line.endswith("(rad 3)") for line in report.lines(Lang("sv")))


def test_drop_duplicates_rejects_them_with_the_count(write):
    log, report = read_log(write("batch.csv", BATCH), drop_duplicates=True)
    assert report.rows_read == 9
    assert report.rows_kept == 6
    assert report.rejected == {"exact duplicate": 3}
    assert report.samples["exact duplicate"] == (3, 4, 9)
    assert report.repeated == RepeatedEvents(rows=3, cases=2, dropped=True, samples=(3, 4, 9))
    assert ("repeated identical events: 3 in 2 cases, dropped (--drop-duplicates) "
            "(rows 3, 4, 9)") in report.lines()
    assert log["concept:name"].value_counts()["Tiliöinti"] == 2
    assert report.rejected_rows["reason"].tolist() == ["exact duplicate"] * 3


def test_event_id_marks_export_duplicates_which_are_dropped_by_default(write):
    log, report = read_log(write("ids.csv", WITH_IDS))
    assert report.rows_read == 6
    assert report.rows_kept == 4
    assert report.rejected == {"export duplicate (same event id)": 2}
    assert report.samples["export duplicate (same event id)"] == (3, 6)
    assert report.repeated == RepeatedEvents(rows=0, cases=0, dropped=False, event_id="event_id",
                                             export_duplicates=2)
    assert ("no repeated identical events; event id column 'event_id': 2 export duplicates "
            "(same id, case, activity and timestamp) dropped") in report.lines()
    assert log["event_id"].tolist() == ["e1", "e2", "e3", "e4"]
    # --drop-duplicates changes nothing here: the second posting has an id of its own.
    assert read_log(write("ids.csv", WITH_IDS), drop_duplicates=True)[1].rows_kept == 4


def test_event_id_named_explicitly_or_switched_off(write):
    text = WITH_IDS.replace("event_id;", "tapahtumatunnus;")
    _, report = read_log(write("named.csv", text))
    assert report.repeated.event_id is None and report.rows_kept == 6
    _, report = read_log(write("named.csv", text), event_id="tapahtumatunnus")
    assert report.repeated.event_id == "tapahtumatunnus"
    assert report.rejected == {"export duplicate (same event id)": 2}
    _, report = read_log(write("ids.csv", WITH_IDS), event_id="")
    assert report.repeated.event_id is None and report.rows_kept == 6


def test_rows_without_an_event_id_are_never_export_duplicates(write):
    text = ("id;case_id;activity;timestamp\n;c;A;2024-02-01 10:00\n;c;A;2024-02-01 10:00\n"
            "x;c;B;2024-02-01 11:00\n")
    _, report = read_log(write("blank.csv", text))
    assert report.rejected == {}
    assert report.repeated == RepeatedEvents(rows=1, cases=1, samples=(2,), event_id="id")


@pytest.mark.parametrize("header,taken,found", [
    (["case_id", "Event ID", "id"], ["case_id"], "Event ID"),
    (["concept:instance", "case:concept:name"], [], "concept:instance"),
    (["id", "activity"], ["id"], None),
    (["case_id", "activity", "identifier"], [], None),
])
def test_find_event_id(header, taken, found):
    assert find_event_id(header, taken) == found


def test_repeated_event_share_per_activity(write):
    log, _ = read_log(write("batch.csv", BATCH))
    share = repeated_event_share(log)
    assert share.to_dict() == {"Hyväksyntä": 1 / 3, "Lasku vastaanotettu": 0.0, "Tiliöinti": 0.5}
    assert share.name == "repeated_share"
    log, _ = read_log(write("batch.csv", BATCH), drop_duplicates=True)
    assert repeated_event_share(log).to_dict() == {
        "Hyväksyntä": 0.0, "Lasku vastaanotettu": 0.0, "Tiliöinti": 0.0}
    assert repeated_event_share(log.iloc[:0]).empty


def test_cli_drop_duplicates_and_event_id(write):
    runner = CliRunner()
    path = write("batch.csv", BATCH)
    result = runner.invoke(main, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)["load_report"]
    assert (data["rows_kept"], data["repeated_events"]["treatment"]) == (9, "kept")
    result = runner.invoke(main, ["inspect", str(path), "--drop-duplicates"])
    assert result.exit_code == 0, result.output
    assert "    exact duplicate: 3 (rows 3, 4, 9)" in result.output.splitlines()
    result = runner.invoke(main, ["variants", str(path), "--json"])
    assert [(v["variant"], v["cases"]) for v in json.loads(result.stdout)] == [
        ("Lasku vastaanotettu → Tiliöinti → Hyväksyntä → Hyväksyntä", 1),
        ("Lasku vastaanotettu → Tiliöinti → Tiliöinti → Tiliöinti → Hyväksyntä", 1)]
    result = runner.invoke(main, ["variants", str(path), "--drop-duplicates", "--json"])
    assert result.exit_code == 0, result.output
    assert [(v["variant"], v["cases"]) for v in json.loads(result.stdout)] == [
        ("Lasku vastaanotettu → Tiliöinti → Hyväksyntä", 2)]
    result = runner.invoke(main, ["inspect", str(path), "--event-id", "nope"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: batch.csv: --event-id column 'nope' not found; the columns are 'case_id', "
        "'activity', 'timestamp', 'resource'"]


def test_every_command_that_reads_a_log_has_the_options():
    for name in ("inspect", "map", "variants", "rank"):
        params = {p.name for p in main.commands[name].params}
        assert {"drop_duplicates", "event_id"} <= params, name


@pytest.mark.parametrize("seed", range(6))
def test_repeated_rows_is_pandas_duplicated_in_any_order(seed):
    """The neighbour comparison for logs in case and time order, and the keyed one for
    any other order, both give ``DataFrame.duplicated(keep="first")``, row for row."""
    import numpy as np
    import pandas as pd

    from rpa_scout.repeats import repeated_rows

    rng = np.random.default_rng(seed)
    n = 400
    log = pd.DataFrame({
        "case:concept:name": pd.Series(rng.choice(["L1", "L2", "L3"], n), dtype="string"),
        "concept:name": pd.Series(rng.choice(["Tiliöinti", "Hyväksyntä"], n), dtype="string"),
        "time:timestamp": pd.to_datetime("2024-02-01", utc=True)
        + pd.to_timedelta(rng.integers(0, 6, n), unit="min"),
        "org:resource": pd.Series(rng.choice(["Päivi", "Jussi", None], n), dtype="string"),
        "lifecycle:transition": pd.Series(rng.choice(["start", "complete"], n), dtype="string"),
    })
    ordered = log.sort_values(["case:concept:name", "time:timestamp"], kind="stable").reset_index(drop=True)
    coded = ordered.astype({c: "category" for c in ("case:concept:name", "concept:name", "org:resource")})
    for frame in (ordered, log, coded):  # coded: the roles as the commands read them
        expected = frame.duplicated(keep="first").to_numpy()
        assert expected.any() and not expected.all()
        assert repeated_rows(frame).tolist() == expected.tolist()

