"""Lifecycle columns as exports write them: Finnish and Swedish words, unknown values, and
start and end columns beside a lifecycle column that says complete on every row."""

import pandas as pd
import pytest
from click.testing import CliRunner

from rpa_scout import estimate_handling_time, pair_lifecycle, read_log
from rpa_scout.cli import main

STEPS = ("Vastaanotto", "Tarkastus", "Hyväksyntä")


def _finnish_log(start_word: str = "aloitettu", end_word: str = "valmis", cases: int = 60,
                 extra: str | None = None) -> str:
    """A Finnish export, one start and one end row per step, 60 cases over two months."""
    lines = ["asianumero;toimenpide;aikaleima;tila;käsittelijä"]
    for c in range(cases):
        t = pd.Timestamp("2024-01-08 08:00") + pd.Timedelta(days=c)
        for k, step in enumerate(STEPS):
            begin = t + pd.Timedelta(minutes=5 + (c * 7 + k * 11) % 40)
            end = begin + pd.Timedelta(minutes=6 + (c * 5 + k * 3) % 17)
            person = f"h{(c + k) % 3}"
            lines.append(f"A{c};{step};{begin:%d.%m.%Y %H.%M};{start_word};{person}")
            lines.append(f"A{c};{step};{end:%d.%m.%Y %H.%M};{end_word};{person}")
            t = end
        if extra and c % 20 == 0:
            lines.append(f"A{c};Odotus;{t:%d.%m.%Y %H.%M};{extra};h0")
    return "\n".join(lines) + "\n"


def test_rank_reads_finnish_lifecycle_words(write):
    """Issue 12: ``rank`` on aloitettu/valmis used to end in a traceback."""
    path = write("fi.csv", _finnish_log())
    result = CliRunner().invoke(main, ["rank", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == ("fi.csv: 360 events kept of 360 read (0 rejected); "
                                             "ranked by hours")
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  lifecycle paired start+complete: 180" in lines
    assert ("note: lifecycle words read as transitions: aloitettu → start 180, valmis → complete 180"
            in " ".join(result.output.split()))   # wrapped at 80 columns


@pytest.mark.parametrize("start,end", [("alkanut", "päättynyt"), ("Aloitus", "SUORITETTU"),
                                       ("aloitettu", "valmistunut"), ("påbörjad", "klar"),
                                       ("startad", "avslutad"), ("Påbörjad", "slutförd")])
def test_finnish_and_swedish_words_pair(write, start, end):
    _, report = read_log(write("w.csv", _finnish_log(start, end, cases=4)))
    assert report.lifecycle["paired start+complete"] == 12
    assert report.lifecycle["non-work events (schedule, assign, ...)"] == 0


def test_suspend_and_resume_words(write):
    text = ("asianumero;toimenpide;aikaleima;tila\n"
            "A1;Käsittely;1.2.2024 9.00;aloitettu\nA1;Käsittely;1.2.2024 9.10;keskeytetty\n"
            "A1;Käsittely;1.2.2024 9.40;jatkettu\nA1;Käsittely;1.2.2024 9.50;valmis\n"
            "A2;Käsittely;1.2.2024 9.00;påbörjad\nA2;Käsittely;1.2.2024 9.05;pausad\n"
            "A2;Käsittely;1.2.2024 9.15;återupptagen\nA2;Käsittely;1.2.2024 9.20;klar\n")
    log, _ = read_log(write("p.csv", text))
    paused = pair_lifecycle(log).instances.set_index("case:concept:name")["paused_seconds"]
    assert paused.to_dict() == {"A1": 1800.0, "A2": 600.0}


def test_unknown_lifecycle_values_are_counted_non_work_events(write):
    path = write("u.csv", _finnish_log(extra="odottaa"))
    log, report = read_log(path)
    assert report.rows_kept == 363
    assert report.lifecycle["non-work events (schedule, assign, ...)"] == 3
    assert report.lifecycle["paired start+complete"] == 180
    assert ("note: lifecycle values that are no known transition, kept as non-work events "
            "(no instance, no handling time): 'odottaa' 3") in report.lines()
    result = CliRunner().invoke(main, ["rank", str(path)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("start,end", [("STARTED", "COMPLETED"), ("Started", "Finished")])
def test_english_past_participles_pair_in_a_column_of_transitions(write, start, end):
    """An export writing STARTED/COMPLETED had its column read as an attribute, so every
    start row counted as a second execution of its step."""
    _, report = read_log(write("e.csv", _finnish_log(start, end, cases=4)))
    assert report.lifecycle["paired start+complete"] == 12
    assert report.rows_kept == 24
    assert f"{end} → complete 12" in " ".join(report.lines())


def test_a_status_column_that_says_completed_stays_a_status(write):
    """'Completed' beside 'Open' is a case status, not a transition: the column stays an
    attribute and every row a completion."""
    text = ("asianumero;toimenpide;aikaleima;tila\n"
            "A1;Vastaanotto;1.2.2024 9.00;Open\nA1;Päätös;2.2.2024 9.00;Completed\n")
    log, report = read_log(write("c.csv", text))
    assert report.mapping.get("lifecycle") is None
    assert log["tila"].tolist() == ["Open", "Completed"]


def test_a_status_column_without_transitions_is_an_attribute(write):
    text = ("asianumero;toimenpide;aikaleima;tila\n"
            "A1;Vastaanotto;1.2.2024 9.00;avoin\nA1;Päätös;2.2.2024 9.00;suljettu\n")
    log, report = read_log(write("s.csv", text))
    assert "lifecycle:transition" not in log.columns
    assert log["tila"].tolist() == ["avoin", "suljettu"]
    assert report.mapping.get("lifecycle") is None
    assert ("note: column 'tila' holds no lifecycle transition (values 'avoin', 'suljettu'): "
            "read as an attribute, every row a completion") in report.lines()
    result = CliRunner().invoke(main, ["inspect", str(write("s.csv", text)), "--lifecycle", "tila"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: s.csv: --lifecycle column 'tila' holds no lifecycle transition (values "
        "'avoin', 'suljettu'); name the column of start/complete values, or leave out --lifecycle"]


def _xes_named(status: list[str], extra: str = "") -> str:
    """A CSV with XES headers whose ``lifecycle:transition`` is given per row."""
    lines = ["case:concept:name,concept:name,time:timestamp,org:resource,lifecycle:transition" + extra]
    for c in range(30):
        for k, step in enumerate(STEPS):
            value = status[(c + k) % len(status)]
            at = pd.Timestamp("2024-01-01 09:00") + pd.Timedelta(days=2 * c, hours=k, minutes=c)
            lines.append(f"c{c},{step},{at:%Y-%m-%d %H:%M:%S},h{k},{value}"
                         + (",x" if extra else ""))
    return "\n".join(lines) + "\n"


def test_a_lifecycle_transition_column_of_statuses_is_kept_under_another_name(write):
    """BPIC 2013 writes an incident's sub-status in ``lifecycle:transition``: read as an
    attribute, its XES name would still make every event a non-work transition."""
    statuses = ["In Progress", "Awaiting Assignment", "Resolved"]
    log, report = read_log(write("s.csv", _xes_named(statuses)))
    assert "lifecycle:transition" not in log.columns
    assert log["lifecycle:status"].value_counts().to_dict() == {s: 30 for s in statuses}
    lines = report.lines()
    assert ("note: column 'lifecycle:transition' holds no lifecycle transition (values 'Awaiting "
            "Assignment', 'In Progress', 'Resolved'): read as an attribute, every row a completion") in lines
    assert "note: column 'lifecycle:transition' is kept as the attribute 'lifecycle:status' " \
           "(it fills no role under its name)" in lines
    plain, _ = read_log(write("p.csv", _xes_named(["complete"])))
    assert len(pair_lifecycle(log).instances) == len(pair_lifecycle(plain).instances) == 90
    result = CliRunner().invoke(main, ["rank", str(write("s.csv", _xes_named(statuses))), "--all"])
    plain_result = CliRunner().invoke(main, ["rank", str(write("s.csv", _xes_named(["complete"]))), "--all"])
    assert result.exit_code == 0, result.output
    assert result.output == plain_result.output
    taken, _ = read_log(write("t.csv", _xes_named(statuses, ",lifecycle:status")))
    assert taken["lifecycle:status"].tolist() == ["x"] * 90 and "lifecycle:status 2" in taken.columns


@pytest.mark.parametrize("status, what", [
    (["schedule", "withdraw"], "of the 90 events, 90 are lifecycle transitions that are no work (such as "
                               "schedule or withdraw)"),
    (["start", "schedule"], "of the 90 events, 45 are starts never completed, 45 lifecycle transitions that "
                            "are no work (such as schedule or withdraw)")])
@pytest.mark.parametrize("command", ["rank", "map", "map --format bpmn", "variants"])
def test_a_log_where_no_event_completes_an_activity_is_one_error(write, status, what, command, tmp_path):
    out = ["--out", str(tmp_path / "m.bpmn")] if "bpmn" in command else []
    result = CliRunner().invoke(main, [command.split()[0], str(write("n.csv", _xes_named(status))),
                                       *command.split()[1:], *out])
    assert result.exit_code == 1
    assert result.output.splitlines() == [f"Error: no event completes an activity: {what}. Name the column "
                                          "of start/complete values with --lifecycle"]


@pytest.mark.parametrize("command", ["rank", "map", "variants", "inspect"])
def test_a_log_of_start_events_only_points_to_reading_them_as_the_events(write, command, tmp_path):
    """An export of when each step began (a log with only ``start`` events) is told so,
    with the option that reads each start as its step's event; with it, every command runs."""
    path = write("s.csv", _xes_named(["start"]))
    out = ["--out", str(tmp_path / "m.svg")] if command == "map" else []
    if command != "inspect":
        refused = CliRunner().invoke(main, [command, str(path), *out])
        assert refused.exit_code == 1
        assert refused.output.splitlines() == [
            "Error: no event completes an activity: all 90 events are starts, none completed. If the log "
            "records only when each step began, read each start as the step's event with --lifecycle '' "
            "(its time is then read as the step's end)"]
    result = CliRunner().invoke(main, [command, str(path), "--lifecycle", "", *out])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_lifecycle_named_off_reads_every_row_as_a_completion(write):
    log, report = read_log(write("s.csv", _xes_named(["start"])), lifecycle="")
    assert report.mapping.get("lifecycle") is None and len(pair_lifecycle(log).instances) == 90
    assert log["lifecycle:status"].eq("start").all()
    assert "note: column 'lifecycle:transition' is kept as the attribute 'lifecycle:status' " \
           "(it fills no role under its name)" in report.lines()


@pytest.mark.parametrize("role", ["case", "activity", "timestamp"])
def test_a_required_column_named_off_is_an_error(write, role):
    result = CliRunner().invoke(main, ["rank", str(write("s.csv", _xes_named(["complete"]))), f"--{role}", ""])
    assert result.exit_code == 1
    assert result.output == (f"Error: s.csv: --{role} names no column; the {role} column is required, "
                             f"name it with --{role} COLUMN\n")


START_END = (
    "case_id;activity;start;end;lifecycle;resource\n"
    "c1;Tarkastus;2024-02-01 09:00:00;2024-02-01 09:12:30;complete;Päivi\n"
    "c1;Hyväksyntä;2024-02-01 10:00:00;2024-02-01 10:05:00;complete;Jussi\n"
    "c2;Tarkastus;2024-02-02 09:00:00;2024-02-02 09:20:00;complete;Päivi\n"
)


def _check_start_end(log, report):
    inst = pair_lifecycle(log).instances
    assert (inst["time:timestamp"] - inst["start_timestamp"]).dt.total_seconds().tolist() == [
        750.0, 300.0, 1200.0]
    assert report.lifecycle == {"instances": 3, "paired start+complete": 0,
                                "unmatched complete (no start)": 0,
                                "unmatched start (never completed)": 0,
                                "non-work events (schedule, assign, ...)": 0,
                                "start and complete on one row": 3}
    handling = estimate_handling_time(log).instances
    assert handling["source"].tolist() == ["measured"] * 3
    assert handling["handling_s"].tolist() == [750.0, 300.0, 1200.0]


def test_start_timestamp_honoured_beside_a_lifecycle_column_csv(write):
    """Issue 11, item 11: the start column was ignored when a lifecycle column existed."""
    log, report = read_log(write("se.csv", START_END), start_timestamp="start", timestamp="end",
                           lifecycle="lifecycle")
    _check_start_end(log, report)


def test_start_timestamp_honoured_beside_a_lifecycle_column_parquet(tmp_path, write):
    frame = pd.read_csv(write("se.csv", START_END), sep=";", parse_dates=["start", "end"])
    frame.to_parquet(tmp_path / "se.parquet")
    log, report = read_log(tmp_path / "se.parquet", start_timestamp="start", timestamp="end",
                           lifecycle="lifecycle")
    _check_start_end(log, report)


def test_disco_export_with_start_column_and_lifecycle(write):
    text = (START_END.replace("case_id;activity;start;end;lifecycle;resource",
                              "Case ID;Activity;Start Timestamp;Complete Timestamp;Lifecycle;Resource"))
    log, report = read_log(write("disco.csv", text))
    assert report.mapping_name == "disco"
    _check_start_end(log, report)


BUPAR = ("case_id,activity_id,activity_instance_id,lifecycle_id,resource_id,timestamp\n"
         "c1,Check,1,start,r1,2025-03-03 09:00:00\n"
         "c1,Check,2,start,r2,2025-03-03 09:05:00\n"
         "c1,Check,2,complete,r2,2025-03-03 09:10:00\n"
         "c1,Check,1,complete,r1,2025-03-03 10:00:00\n")


def _minutes(instances: pd.DataFrame) -> list[tuple[str, float]]:
    spans = (instances["time:timestamp"] - instances["start_timestamp"]) / pd.Timedelta(minutes=1)
    return sorted(zip(instances["org:resource"].astype(str), spans))


def test_bupar_export_pairs_by_its_activity_instance_ids(write):
    """bupaR's CSV columns map as they are; r1 worked 60 minutes and r2 5, not 55 and 10."""
    log, report = read_log(write("bupar.csv", BUPAR))
    assert report.mapping["lifecycle"] == "lifecycle_id"
    assert report.mapping["instance"] == "activity_instance_id"
    assert _minutes(pair_lifecycle(log).instances) == [("r1", 60.0), ("r2", 5.0)]
    assert "lifecycle paired by their activity instance id: 2" in report.lines()


def test_instance_option_names_the_id_column(write):
    """A column no preset knows, named with --instance (and in read_log); the inspect
    report then counts the pairs by id, and the column is a role, not an attribute."""
    path = write("own.csv", BUPAR.replace("activity_instance_id", "task_ref"))
    log, _ = read_log(path)
    assert _minutes(pair_lifecycle(log).instances) == [("r1", 55.0), ("r2", 10.0)]  # first in, first out
    log, _ = read_log(path, instance="task_ref")
    assert _minutes(pair_lifecycle(log).instances) == [("r1", 60.0), ("r2", 5.0)]
    result = CliRunner().invoke(main, ["inspect", str(path), "--instance", "task_ref"])
    assert result.exit_code == 0, result.output
    assert "instance=task_ref" in result.output
    assert "lifecycle paired by their activity instance id: 2" in result.output
    assert "event attrs" not in result.output


@pytest.mark.parametrize("categorical", [False, True])
def test_events_without_a_lifecycle_value_are_read_as_complete_and_noted(write, tmp_path, categorical):
    """A blank lifecycle cell used to become a completion without a word (QA)."""
    text = ("asianumero;toimenpide;aikaleima;tila\n"
            "A1;Käsittely;1.2.2024 9.00;aloitettu\nA1;Käsittely;1.2.2024 9.50;valmis\n"
            "A2;Käsittely;1.2.2024 9.00;aloitettu\nA2;Käsittely;1.2.2024 9.20;\n"
            "A3;Käsittely;1.2.2024 10.00;  \n")
    path = write("blank.csv", text)
    if categorical:  # Parquet and XES give the column as categories
        frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
        frame["tila"] = frame["tila"].astype("category")
        path = tmp_path / "blank.parquet"
        frame.to_parquet(path)
    log, report = read_log(path)
    assert "note: events without a lifecycle value, read as complete: 2" in report.lines()
    assert report.lifecycle[next(k for k in report.lifecycle if str(k) == "paired start+complete")] == 2
    _, clean = read_log(write("clean.csv", text.replace(";\n", ";valmis\n").replace(";  \n", ";valmis\n")))
    assert not any("without a lifecycle value" in line for line in clean.lines())
