"""Reading only the rows a period may keep from a Parquet file whose times are times
(``read_log(filters=...)`` with ``--from``/``--to``): the log the filter leaves is the one
it leaves after reading the whole file, by event time and by case start, with and
without ``--where``; the other rows are counted and never read."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rpa_scout.io.parquet as parquet
from rpa_scout import filter_log, read_log
from rpa_scout.choose_period import case_keys
from rpa_scout.cli import main
from rpa_scout.errors import NothingKeptError, RpaScoutError
from rpa_scout.settings import FilterSettings, ReadSettings, Settings

ZONE = "Europe/Helsinki"
SETTINGS = settings(max_examples=200, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
DAYS = st.sampled_from([None, "2024-03-01", "2024-03-02", "2024-03-03", "2024-03-05"])
#: Times around the days above: midnights local and UTC, a zone's offset either side.
HOURS = st.sampled_from([None, -30, -3, -2, 0, 1, 21, 22, 23, 26, 47, 50, 73, 100])


def _file(tmp_path, rows: list[tuple], kind: str, start: bool) -> "pd.DataFrame":
    """A Parquet log of ``rows`` (case, activity, hours after 2024-03-01 00:00, kunta,
    hours to the start), its times as ``kind``: naive times, times with a zone, or dates."""
    base = dt.datetime(2024, 3, 1)
    times = [None if r[2] is None else base + dt.timedelta(hours=r[2]) for r in rows]
    starts = [None if r[2] is None or r[4] is None else base + dt.timedelta(hours=r[2] - r[4]) for r in rows]

    def column(values: list) -> pa.Array:
        if kind == "zoned":
            return pa.array([None if v is None else v.replace(tzinfo=dt.timezone.utc) for v in values],
                            pa.timestamp("us", tz="UTC"))
        if kind == "dates":
            return pa.array([None if v is None else v.date() for v in values], pa.date32())
        return pa.array(values, pa.timestamp("us"))

    table = {"case:concept:name": pa.array([r[0] for r in rows], pa.string()),
             "concept:name": pa.array([r[1] for r in rows], pa.string()),
             "time:timestamp": column(times),
             "kunta": pa.array([r[3] for r in rows], pa.string()),
             "rivi": pa.array(range(len(rows)), pa.int64())}
    if start:
        table["start_timestamp"] = column(starts)
    path = tmp_path / f"loki_{kind}.parquet"
    pq.write_table(pa.table(table), path, row_group_size=7)   # several row groups
    return path


def _filtered(path, chosen_by: FilterSettings, chosen: bool):
    """The log and report the filter leaves, the rows chosen while reading or not."""
    log, report = read_log(path, timezone=ZONE, filters=chosen_by if chosen else None)
    kept, filters = filter_log(log, settings=Settings(read=ReadSettings(timezone=ZONE), filter=chosen_by))
    return kept, report, filters


@SETTINGS
@given(rows=st.lists(st.tuples(st.sampled_from(["c1", "c2", " c1", "c3\x00", None]), st.sampled_from(["A", "B", None]),
                               HOURS, st.sampled_from(["Espoo", "Vantaa", None]), st.sampled_from([None, 0, 2, 30])),
                     min_size=1, max_size=40),
       first=DAYS, last=DAYS, basis=st.sampled_from(["cases", "events"]), kind=st.sampled_from(["naive", "zoned", "dates"]),
       start=st.booleans(), where=st.sampled_from([(), ("kunta=Espoo",), ("concept:name in B", "kunta=Vantaa")]))
def test_the_rows_read_are_the_rows_the_filter_keeps(tmp_path, monkeypatch, rows, first, last, basis, kind, start,
                                                     where):
    monkeypatch.setattr(parquet, "CHOOSING_ROWS", 5)   # batches smaller than a row group
    if first and last and first > last:
        first, last = last, first
    chosen_by = FilterSettings(date_from=first, date_to=last, period_basis=basis, where=where)
    path = _file(tmp_path, rows, kind, start)
    try:
        whole = _filtered(path, chosen_by, chosen=False)
    except RpaScoutError as exc:   # nothing kept, or no valid row: the same error, or none valid among those read
        with pytest.raises(RpaScoutError) as found:
            _filtered(path, chosen_by, chosen=True)
        if isinstance(exc, NothingKeptError) and "nothing falls in" in str(exc):
            # the same (its dates from every row's time, the rows reading rejects too), no row
            # of those around the period meeting --where, or none of those read valid
            mine = str(found.value)
            assert mine.split(": the log's")[0] == str(exc).split(": the log's")[0] or "were rejected" in mine \
                or "may start in the period" in mine or "may fall in the period" in mine, (mine, str(exc))
        return
    log, report, filters = _filtered(path, chosen_by, chosen=True)
    assert log["rivi"].tolist() == whole[0]["rivi"].tolist()   # the same rows, in the same order
    roles = ["case:concept:name", "concept:name", "time:timestamp"]
    pd.testing.assert_frame_equal(log[roles].astype(object), whole[0][roles].astype(object))
    assert (filters.cases_kept, filters.events_kept) == (whole[2].cases_kept, whole[2].events_kept)
    assert report.rows_read + report.rows_outside == len(rows)
    if first or last:
        assert report.rows_outside > 0 or report.rows_read == len(rows)


def test_cases_are_chosen_whole_and_the_rest_counted(tmp_path, monkeypatch):
    """A case that starts in the period is read with its events after it; a case that
    started before is not, though it has events in the period."""
    monkeypatch.setattr(parquet, "CHOOSING_ROWS", 3)
    rows = [(f"c{i}", "A", 24 * i + h, "Espoo", None) for i in range(10) for h in (1, 30, 60)]
    path = _file(tmp_path, rows, "naive", start=False)
    chosen_by = FilterSettings(date_from="2024-03-04", date_to="2024-03-06")
    log, report = read_log(path, timezone=ZONE, filters=chosen_by)
    kept, _ = filter_log(log, settings=Settings(read=ReadSettings(timezone=ZONE), filter=chosen_by))
    assert sorted(kept["case:concept:name"].unique()) == ["c3", "c4", "c5"]
    assert len(kept) == 9   # with their events on the days after
    assert report.rows_outside > 0 and report.rows_read + report.rows_outside == len(rows)
    # a case whose events span the period's edge (its start may move if a row is rejected), and
    # a day's margin either side: not the cases that start after it
    assert set(log["case:concept:name"]) == {f"c{i}" for i in range(7)}


def test_a_row_without_a_start_is_chosen_by_its_completion(tmp_path):
    rows = [("c1", "A", 100, "Espoo", None), ("c2", "A", 100, "Espoo", 2), ("c3", "A", 0, "Espoo", None)]
    path = _file(tmp_path, rows, "naive", start=True)
    log, report = read_log(path, timezone=ZONE, filters=FilterSettings(date_from="2024-03-04", period_basis="events"))
    assert log["case:concept:name"].tolist() == ["c1", "c2"] and report.rows_outside == 1


def test_text_times_leave_the_period_to_the_filter(tmp_path):
    """Times held as text are parsed by reading (their format found over the column):
    nothing is chosen by them, and the result is the same."""
    pq.write_table(pa.table({"case:concept:name": ["a", "b"], "concept:name": ["A", "A"],
                             "time:timestamp": ["2024-03-01 10:00", "2024-05-01 10:00"]}), tmp_path / "t.parquet")
    log, report = read_log(tmp_path / "t.parquet", timezone=ZONE,
                           filters=FilterSettings(date_from="2024-04-01"))
    assert report.rows_outside == 0 and len(log) == 2


def test_case_ids_as_reading_cleans_them():
    assert case_keys(pd.Series([" a", "a\x00", "a", "", None], dtype=object)).tolist()[:3] == ["a", "a", "a"]
    assert pd.isna(case_keys(pd.Series(["", None], dtype=object))).all()


def test_the_command_says_what_it_left_unread(tmp_path):
    rows = [(f"c{i}", "A", 24 * i + 9, "Espoo", None) for i in range(40)]
    path = _file(tmp_path, rows, "zoned", start=False)
    result = CliRunner().invoke(main, ["inspect", str(path), "--from", "2024-03-10", "--to", "2024-03-19",
                                       "--timezone", ZONE])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    # the ten days, and a day's margin either side
    assert "rows outside the filters, not read 28 rows read 12" in flat and "cases 10" in flat
    nothing = CliRunner().invoke(main, ["inspect", str(path), "--from", "2025-01-01", "--timezone", ZONE])
    assert nothing.exit_code == 1
    assert nothing.stderr.startswith("Error: the filters keep no events: nothing falls in 2025-01-01 .. …")
