"""Start and end columns beside a lifecycle column that says complete on every row."""

import pandas as pd

from rpa_scout import estimate_handling_time, pair_lifecycle, read_log

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
