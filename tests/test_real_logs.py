"""Every real log in ../shared/eventlogs reads with the counts its README gives."""

import pytest

from rpa_scout import read_log
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
    ("bpic15/BPIC15_all5.parquet",
     {"case": "tid", "activity": "conceptName", "timestamp": "dateFinished",
      "resource": "executingResource"}, 5649, 262628),
]


@pytest.mark.parametrize("relative,options,cases,events", REAL, ids=[r[0] for r in REAL])
def test_real_log_reads_with_readme_counts(relative, options, cases, events):
    log, report = read_log(shared_log(relative), **options)
    assert report.rows_kept + report.rows_rejected == report.rows_read
    if events is not None:
        assert report.rows_read == events
        assert report.rows_kept == events - report.rejected.get("exact duplicate", 0)
    if cases is not None:
        assert log["case:concept:name"].nunique() == cases
    assert str(log["time:timestamp"].dt.tz) == "UTC"


@pytest.mark.slow
def test_road_fines_reads():
    log, report = read_log(shared_log("road_traffic_fines/Road_Traffic_Fine_Management_Process.xes.gz"))
    assert report.rows_read == 561470
    assert report.rows_kept + report.rows_rejected == report.rows_read
    assert log["case:concept:name"].nunique() == 150370


def test_bpic2012_lifecycle_pairs():
    _, report = read_log(shared_log("bpic2012/bpic2012.xes.gz"))
    assert report.lifecycle["paired start+complete"] > 70000
    assert report.lifecycle["non-work events (schedule, assign, ...)"] > 0
