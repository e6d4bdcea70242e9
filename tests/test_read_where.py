"""Reading only the rows ``--where`` keeps from a Parquet file (``read_log(filters=...)``):
the rows read are the rows the filter keeps after reading the whole file, the others are
counted and never read, and conditions the raw column cannot decide are left to the filter."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rpa_scout.io.parquet as parquet
from rpa_scout import filter_log, rank_candidates, read_log
from rpa_scout.cli import main
from rpa_scout.errors import LimitError, NothingKeptError, RpaScoutError
from rpa_scout.io.commands import load
from rpa_scout.settings import FilterSettings, ReadSettings, Settings

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TOWNS = st.sampled_from(["Espoo", " Espoo", "Espoo\x00", "Vantaa", "ESPOO", "", None, "5", "05"])
CONDITIONS = st.sampled_from(["kunta=Espoo", "kunta!=Espoo", "kunta in Vantaa, 5", "kunta not in Espoo,Vantaa",
                              "kunta=5", "kunta=5.0", "kunta in 05, 5", "case:concept:name=c1", "concept:name in A,B",
                              "case:concept:name!=c2", "nro=7", "nro in 7, x", "nro=7.0", "tunnus=1", "tunnus in 2.0,7",
                              "tunnus!=2"])


def _unused_off(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each categorical column's unused categories dropped: rows read by
    themselves know only the values they hold."""
    return frame.assign(**{c: frame[c].cat.remove_unused_categories() for c in frame.columns
                           if isinstance(frame[c].dtype, pd.CategoricalDtype)})


def _values(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame's values, whatever their dtype: whether a text attribute is read as
    categories depends on how often its values repeat among the rows read."""
    return frame.astype(object).where(frame.notna(), None)


def _where(*conditions: str) -> FilterSettings:
    return FilterSettings(where=conditions)


def _file(tmp_path, rows: list[tuple]) -> "pd.DataFrame":
    names = ("case:concept:name", "concept:name", "time:timestamp", "org:resource", "kunta", "nro")
    columns = {name: [r[i] for r in rows] for i, name in enumerate(names)}
    table = pa.table({**{n: pa.array(columns[n], pa.string()) for n in names[:-1]},
                      "nro": pa.array(columns["nro"], pa.int64()),
                      # text of plain numbers (read as numbers) unless a row holds a word
                      "tunnus": pa.array([None if r[5] is None else "x" if r[5] == 9 else f" {r[5] // 4}" for r in rows],
                                         pa.string()),
                      "rivi": pa.array(range(len(rows)), pa.int64())})   # which row of the file
    path = tmp_path / "kunnat.parquet"
    pq.write_table(table, path, row_group_size=7)   # several row groups
    return path


def _filtered(path, where: list[str], chosen: bool):
    """The log and report the filter leaves, the rows chosen while reading or not."""
    chosen_by = FilterSettings(where=tuple(where))
    log, report = read_log(path, timezone="UTC", filters=chosen_by if chosen else None)
    log, _ = filter_log(log, settings=Settings(filter=chosen_by))
    return log, report


@SETTINGS
@given(rows=st.lists(st.tuples(st.sampled_from(["c1", "c2", " c3", None]), st.sampled_from(["A", "B ", "", None]),
                               st.sampled_from(["2024-02-01 10:00", "01.02.2024 11.00", "", None, "no time"]),
                               st.sampled_from(["u1", "u2", None]), TOWNS, st.sampled_from([7, 8, 9, None])),
                     min_size=1, max_size=40),
       where=st.lists(CONDITIONS, min_size=1, max_size=2))
def test_the_rows_read_are_the_rows_the_filter_keeps(tmp_path, monkeypatch, rows, where):
    monkeypatch.setattr(parquet, "CHOOSING_ROWS", 5)   # batches smaller than a row group
    path = _file(tmp_path, rows)
    try:
        whole = _filtered(path, where, chosen=False)
    except RpaScoutError:   # nothing kept, or no valid row: an error either way ("all 1 rows were rejected"
        # when the rows chosen are all invalid)
        with pytest.raises(RpaScoutError):
            _filtered(path, where, chosen=True)
        return
    log, report = _filtered(path, where, chosen=True)
    assert log["rivi"].tolist() == whole[0]["rivi"].tolist()   # the same rows, in the same order
    # read as the rows' own file: the roles as when read whole (an attribute of plain numbers
    # among them may be read as numbers where the whole file's words kept it text)
    roles = ["case:concept:name", "concept:name", "time:timestamp", "org:resource"]
    pd.testing.assert_frame_equal(_values(log[roles]), _values(whole[0][roles]), check_exact=True)
    assert report.rows_read + report.rows_outside == len(rows)
    assert report.rows_read == report.rows_kept + report.rows_rejected


def test_rows_outside_are_counted_not_read_and_rejected_rows_keep_their_file_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet, "CHOOSING_ROWS", 4)
    rows = [(f"c{i}", "A", "2024-02-01 10:00" if i != 9 else "not a time", "u1",
             "Espoo" if i % 3 == 0 else "Vantaa", i) for i in range(30)]
    rows[4] = ("c4", "A", "not a time", "u1", "Vantaa", 4)   # rejected, but never read
    path = _file(tmp_path, rows)
    log, report = read_log(path, timezone="UTC", filters=_where("kunta=Espoo"))
    assert set(log["kunta"]) == {"Espoo"} and len(log) == 9
    assert (report.rows_outside, report.rows_read, report.rows_rejected) == (20, 10, 1)
    assert list(report.samples.values()) == [(10,)]   # the tenth row of the file: c9
    assert report.lines()[0].startswith("rows outside the filters, not read") and report.to_dict()["rows_outside"] == 20


def test_conditions_reading_changes_are_left_to_the_filter(tmp_path):
    """Times are parsed, transitions named and accounts are people: their raw text cannot
    choose rows, so nothing is left unread and the filter decides (or refuses)."""
    rows = [(f"c{i}", "A", "2024-02-01 10:00", f"u{i % 2}", "Espoo", i) for i in range(6)]
    path = _file(tmp_path, rows)
    log, report = read_log(path, timezone="UTC", filters=_where("time:timestamp=2024-02-01 10:00"))
    assert report.rows_outside == 0 and len(log) == 6
    assert read_log(path, filters=_where("org:resource=u1"))[1].rows_outside == 0


def test_no_row_chosen_names_the_condition_and_the_values(tmp_path):
    path = _file(tmp_path, [(f"c{i}", "A", "2024-02-01 10:00", "u1", t, i) for i, t in
                            enumerate(["Espoo", "Vantaa", None])])
    with pytest.raises(NothingKeptError, match=r"^the filters keep no events: where \(--where\) kunta=Espo matches "
                                               r"none of the 3 rows of kunnat.parquet \(kunta has Espoo, Vantaa\)$"):
        read_log(path, filters=_where("kunta=Espo"))
    with pytest.raises(NothingKeptError, match=r"where \(--where\) nro=2 matches none of the 2 rows of kunnat.parquet "
                                               r"that the conditions before it keep \(nro has 0, 1, 2\)"):
        read_log(path, filters=_where("kunta in Espoo, Vantaa", "nro=2"))
    result = CliRunner().invoke(main, ["rank", str(path), "--where", "kunta=Espo"])
    assert result.exit_code == 1 and result.output.startswith("Error: the filters keep no events: --where kunta=Espo")
    assert "Traceback" not in result.output
    config = tmp_path / "asetukset.yaml"
    config.write_text("filter: {where: [kunta=Espo]}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["rank", str(path), "--config", str(config)])
    assert result.exit_code == 1 and result.output.startswith(
        f"Error: the filters keep no events: {config}: filter.where kunta=Espo matches none of the 3 rows")


def test_the_limits_apply_to_the_rows_read(tmp_path):
    rows = [(f"c{i}", "A", f"2024-02-01 10:{i % 60:02d}", "u1", "Espoo" if i < 20 else "Vantaa", i)
            for i in range(4000)]
    path = _file(tmp_path, rows)
    whole = sum(pq.ParquetFile(path).metadata.row_group(i).total_byte_size
                for i in range(pq.ParquetFile(path).metadata.num_row_groups))
    with pytest.raises(LimitError):
        read_log(path, max_bytes=whole // 4)
    assert len(read_log(path, max_bytes=whole // 4, filters=_where("kunta=Espoo"))[0]) == 20


def test_a_period_by_case_start_reads_the_whole_file(tmp_path):
    """A case's first event decides a period by case start: conditions applied first would
    move it, so a file whose times are text (parsed by reading) is read whole and the
    filters apply in their order (:mod:`tests.test_choose_period`: times held as times)."""
    rows = [("c1", "A", "2024-01-31 10:00", "u1", "Vantaa", 1), ("c1", "B", "2024-02-02 10:00", "u1", "Espoo", 2),
            ("c2", "A", "2024-02-03 10:00", "u1", "Espoo", 3)]
    path = _file(tmp_path, rows)
    read = ReadSettings(timezone="UTC")
    by_case = Settings(read=read, filter=FilterSettings(where=("kunta=Espoo",), date_from="2024-02-01"))
    log, report = load(path, by_case)
    assert report.rows_outside == 0 and log["case:concept:name"].tolist() == ["c2"]
    by_event = Settings(read=read, filter=FilterSettings(where=("kunta=Espoo",), date_from="2024-02-01",
                                                         period_basis="events"))
    log, report = load(path, by_event)
    assert report.rows_outside == 1 and log["case:concept:name"].tolist() == ["c1", "c2"]


def test_a_municipality_of_a_pooled_file_ranks_as_when_read_whole(tmp_path):
    from rpa_scout import generate_log

    parts = [generate_log("rakennuslupa", 60, seed=s).log.assign(kunta=k) for s, k in ((1, "Aura"), (2, "Bruno"))]
    for part, k in zip(parts, ("Aura", "Bruno")):
        part["case:concept:name"] = part["case:concept:name"].astype(str) + k
    path = tmp_path / "kunnat.parquet"
    pd.concat(parts, ignore_index=True).to_parquet(path, row_group_size=500)
    settings = Settings(read=ReadSettings(timezone="Europe/Helsinki"), filter=FilterSettings(where=("kunta=Bruno",)))
    chosen, report = load(path, settings)
    whole, _ = load(path, Settings(read=settings.read, filter=FilterSettings(
        where=("kunta!=Aura",))))   # != is left to the filter: read whole
    assert report.rows_outside == len(parts[0]) and len(chosen) == len(parts[1])
    pd.testing.assert_frame_equal(rank_candidates(chosen, settings=settings).candidates,
                                  rank_candidates(whole, settings=settings).candidates)
    result = CliRunner().invoke(main, ["rank", str(path), "--where", "kunta=Bruno", "--timezone", "Europe/Helsinki"])
    assert result.exit_code == 0, result.output
    first = " ".join(result.output.split("\n\n")[0].split())
    assert f"{len(parts[0]):,} rows outside the filters not read" in first
    assert "filters kept" not in first   # they dropped nothing more: "kept 60 of 60 cases" says nothing
    assert np.isclose(report.rows_read + report.rows_outside, len(parts[0]) + len(parts[1]))


def test_the_html_report_says_how_many_rows_were_not_read(tmp_path):
    from rpa_scout import generate_log

    log = generate_log("rakennuslupa", 60, seed=3).log
    log["kunta"] = np.where(log["case:concept:name"].astype(str).str[-1].isin(list("01234")), "Espoo", "Vantaa")
    path = tmp_path / "kunnat.parquet"
    log.to_parquet(path)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["rank", str(path), "--where", "kunta=Espoo", "--timezone", "Europe/Helsinki",
                                       "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = " ".join(out.read_text(encoding="utf-8").split())
    espoo = int((log["kunta"] == "Espoo").sum())
    assert f"{espoo:,} rows read, {espoo:,} kept, 0 rejected. {len(log) - espoo:,} rows outside the filters not read." \
        in html
    assert "rows rejected" not in html   # the summary says it; the details go on from there


def test_compare_chooses_a_pooled_files_rows_before_it_splits_them(tmp_path):
    from rpa_scout import generate_log
    from rpa_scout.io.compare_commands import compare_files

    parts = [generate_log("rakennuslupa", 80, seed=s).log.assign(kunta=k)
             for s, k in ((1, "Aura"), (2, "Bruno"), (3, "Cella"))]
    for part, k in zip(parts, ("Aura", "Bruno", "Cella")):
        part["case:concept:name"] = part["case:concept:name"].astype(str) + k
    path = tmp_path / "kunnat.parquet"
    pd.concat(parts, ignore_index=True).to_parquet(path, row_group_size=1000)
    read = ReadSettings(timezone="Europe/Helsinki")
    chosen = compare_files([path], Settings(read=read, filter=FilterSettings(where=("kunta in Aura, Cella",))),
                           by="kunta", key="k")
    whole = compare_files([path], Settings(read=read, filter=FilterSettings(
        where=("kunta!=Bruno",))), by="kunta", key="k")   # != is left to the filter: read whole
    assert chosen.reports[0].rows_outside == len(parts[1]) and whole.reports[0].rows_outside == 0
    assert chosen.comparison.organisations == whole.comparison.organisations == ("Aura", "Cella")
    pd.testing.assert_frame_equal(chosen.comparison.table, whole.comparison.table)
