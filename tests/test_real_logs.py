"""Every real log in ../shared/eventlogs reads with the counts its README gives, and keeps
every event that pm4py reads from it."""

import pandas as pd
import pytest

from rpa_scout import read_log
from rpa_scout._quiet import pm4py, quiet
from rpa_scout.load_report import RepeatedEvents
from tests.conftest import shared_log

# (path, options, cases, events) from ../shared/eventlogs/README.md
REAL = [
    ("receipt/receipt.xes.gz", {}, 1434, 8577),
    ("bpic15/BPIC15_1.xes.gz", {}, 1199, 52217),
    ("bpic2012/bpic2012.xes.gz", {}, 13087, 262200),
    ("bpic2020/PermitLog.xes.gz", {}, 6426, 81092),
    ("bpic2020/DomesticDeclarations.xes.gz", {}, None, None),
    ("bpic2020/InternationalDeclarations.xes.gz", {}, None, None),
    ("bpic2020/PrepaidTravelCost.xes.gz", {}, None, None),
    ("bpic2020/RequestForPayment.xes.gz", {}, None, None),
    ("two_timestamps/Production.xes.gz", {}, 225, 9906),
    ("two_timestamps/PurchasingExample.xes.gz", {}, 608, 18238),
    ("bpic15/BPIC15_all5.parquet",
     {"case": "tid", "activity": "conceptName", "timestamp": "dateFinished",
      "resource": "executingResource"}, 5649, 262628),
]


def _their_rows(path) -> int:
    """Events pm4py reads from an XES file (rows pandas reads from a Parquet file)."""
    if path.suffix == ".parquet":
        return len(pd.read_parquet(path))
    with quiet():
        return len(pm4py().read_xes(str(path)))


@pytest.mark.parametrize("relative,options,cases,events", REAL, ids=[r[0] for r in REAL])
def test_real_log_reads_with_readme_counts(relative, options, cases, events):
    path = shared_log(relative)
    log, report = read_log(path, **options)
    assert report.rows_kept + report.rows_rejected == report.rows_read
    # Issue 17: by default every event pm4py keeps is kept, repeated identical ones too.
    assert report.rows_kept == _their_rows(path)
    if events is not None:
        assert report.rows_read == events
        assert report.rows_kept == events  # repeated identical events are kept (issue 17)
        assert report.rejected == {}
    if cases is not None:
        assert log["case:concept:name"].nunique() == cases
    assert str(log["time:timestamp"].dt.tz) == "UTC"


@pytest.mark.slow
def test_road_fines_reads():
    log, report = read_log(shared_log("road_traffic_fines/Road_Traffic_Fine_Management_Process.xes.gz"))
    assert report.rows_read == 561470
    assert report.rows_kept + report.rows_rejected == report.rows_read
    assert report.rows_kept == _their_rows(shared_log(
        "road_traffic_fines/Road_Traffic_Fine_Management_Process.xes.gz"))
    assert log["case:concept:name"].nunique() == 150370


def test_bpic2012_lifecycle_pairs():
    """The pairing's counts against a plain first-in-first-out loop over the events."""
    log, report = read_log(shared_log("bpic2012/bpic2012.xes.gz"))
    words = log["lifecycle:transition"].astype(str).str.lower()
    open_starts: dict[tuple, int] = {}
    paired = 0
    for key, word in zip(zip(log["case:concept:name"], log["concept:name"]), words):
        if word == "start":
            open_starts[key] = open_starts.get(key, 0) + 1
        elif word == "complete" and open_starts.get(key, 0):
            open_starts[key] -= 1
            paired += 1
    counts = words.value_counts().to_dict()
    assert counts == {"complete": 164_506, "start": 71_376, "schedule": 26_318}
    assert report.lifecycle == {
        "instances": counts["complete"], "paired start+complete": paired,
        "unmatched complete (no start)": counts["complete"] - paired,
        "unmatched start (never completed)": sum(open_starts.values()),
        "non-work events (schedule, assign, ...)": counts["schedule"]}
    assert paired == 71_373


def test_production_repeats_kept_by_default_dropped_on_request():
    path = shared_log("two_timestamps/Production.xes.gz")
    _, report = read_log(path)
    assert (report.rows_read, report.rows_kept) == (9906, 9906)
    assert report.repeated == RepeatedEvents(rows=120, cases=46, dropped=False,
                                             samples=(16, 18, 20, 561, 563))
    assert report.lifecycle["paired start+complete"] == 4953
    _, report = read_log(path, drop_duplicates=True)
    assert (report.rows_read, report.rows_kept) == (9906, 9786)
    assert report.rejected == {"exact duplicate": 120}
