"""io/commands: one function per CLI command, called from Python (what the CLI prints)."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest

from rpa_scout import pseudonymise, rank_candidates, read_log, variants
from rpa_scout.errors import ConfigError, InputError, OutputError
from rpa_scout.io.commands import (RankRun, generate_file, inspect_file, load, map_file, rank_file,
                                   variant_lines, variants_file)
from rpa_scout.present import export_table
from rpa_scout.settings import ReadSettings, Settings
from tests.conftest import SAMPLES, terminal_rows

LOG = ("case_id;activity;timestamp;resource\n"
       "c1;A;1.2.2024 10.00;x\n"
       "c1;B;1.2.2024 11.00;y\n"
       "c2;A;2.2.2024 10.00;x\n"
       "c2;C;2.2.2024 12.00;y\n"
       "c2;B;2.2.2024 13.00;y\n"
       ";B;2.2.2024 13.00;y\n"            # 6: no case id
       "c2;B;2.2.2024 13.00;y\n")         # 7: repeats row 5
DATA_ROWS = len(LOG.splitlines()) - 1


def test_load_reads_with_the_read_settings(write):
    path = write("l.csv", LOG)
    log, report = load(path, Settings())
    assert (report.rows_read, report.rows_kept, report.rejected) == (DATA_ROWS, 6, {"missing case id": 1})
    assert len(log) == report.rows_kept
    pd.testing.assert_frame_equal(log, read_log(path, categorical_roles=True)[0])  # as the CLI reads
    log, report = load(str(path), Settings(read=ReadSettings(drop_duplicates=True, timezone="UTC")))
    assert (report.rows_read, report.rows_kept) == (DATA_ROWS, 5)
    assert report.rejected == {"missing case id": 1, "exact duplicate": 1}
    assert log["time:timestamp"].iloc[0] == pd.Timestamp("2024-02-01 10:00", tz="UTC")


def test_inspect_file_lines_and_rejects(write, tmp_path):
    path = write("l.csv", LOG)
    rejects = tmp_path / "r.csv"
    lines = inspect_file(path, Settings(), rejects=rejects)
    assert lines[:4] == ["log            l.csv (csv)", "cases                     2", "events                    6",
                         "activities                3"]
    assert lines[-9:] == ["load report",
                          "  rows read                 7",
                          "  rows kept                 6",
                          "  rows rejected             1",
                          "    missing case id: 1 (row 6)",
                          "  repeated identical events: 1 in 1 case, kept and counted as work; "
                          "--drop-duplicates drops them (row 7)",
                          "  note: encoding utf-8",
                          "  note: delimiter ';'",
                          f"  rejected rows written to {rejects}"]
    with rejects.open(encoding="utf-8", newline="") as fh:
        written = list(csv.reader(fh))
    assert written[1][:2] == ["6", "missing case id"] and len(written) == 2
    assert "  rejected rows written to" not in "\n".join(inspect_file(path, Settings()))


def test_inspect_file_json(write):
    (text,) = inspect_file(write("l.csv", LOG), Settings(), as_json=True)
    data = json.loads(text)
    assert data["summary"] == {"cases": 2, "events": 6, "activities": 3, "resources": 2,
                               "events_with_resource": 6, "first_event": "2024-02-01T10:00:00+02:00",
                               "last_event": "2024-02-02T13:00:00+02:00", "lifecycle_values": {},
                               "attributes": [], "case_attributes": []}
    assert (data["load_report"]["rows_read"], data["load_report"]["rows_kept"]) == (DATA_ROWS, 6)


def test_map_file_formats_and_default_name(write, tmp_path, monkeypatch):
    path = write("l.csv", LOG)
    monkeypatch.chdir(tmp_path)
    assert map_file(path, Settings(), fmt="dot") == [
        "frequency map written to l_frequency.dot (3 of 3 activities, 6 of 6 paths)"]
    assert (tmp_path / "l_frequency.dot").read_text(encoding="utf-8").startswith("digraph process {\n")
    out = tmp_path / "m.json"   # the format from the suffix
    # B's 3 of the 6 events cover 50 %: start → B, B → B (the repeat), B → end
    assert map_file(path, Settings(), view="performance", activities=50, out=out) == [
        f"performance map written to {out} (1 of 3 activities, 3 of 3 paths)"]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {(e["source"], e["target"]) for e in data["edges"]} == {("▶ start", "B"), ("B", "B"), ("B", "■ end")}
    out = tmp_path / "m.bpmn"
    assert map_file(path, Settings(), fmt="bpmn", out=out) == [f"BPMN model written to {out}"]


def test_map_file_checks_the_output_before_reading(tmp_path):
    out = tmp_path / "no" / "m.dot"
    with pytest.raises(OutputError) as err:
        map_file(tmp_path / "never-read.csv", Settings(), out=out)
    assert str(err.value) == f"{out}: the folder {out.parent} does not exist; create it or choose --out elsewhere"


def test_variants_file_and_lines(write):
    path = write("l.csv", LOG)
    table = variants_file(path, Settings(), top=5)
    pd.testing.assert_frame_equal(table, variants(read_log(path)[0], top=5))
    assert variant_lines(table) == [
        "  1.         1 case     50.0%  (cum.   50.0%)    2 steps  A → B",
        "  2.         1 case     50.0%  (cum.  100.0%)    4 steps  A → C → B → B"]
    assert variant_lines(variants_file(path, Settings(), top=1)) == [
        "  1.         1 case     50.0%  (cum.   50.0%)    2 steps  A → B"]


def test_variant_lines_align_big_numbers():
    table = pd.DataFrame({"rank": [1, 12], "cases": [1234567, 8], "share": [0.9, 0.0000065],
                          "cumulative_share": [0.9, 1.0], "steps": [3, 120], "variant": ["X → Y → Z", "…"]})
    assert variant_lines(table) == ["  1. 1,234,567 cases    90.0%  (cum.   90.0%)    3 steps  X → Y → Z",
                                    " 12.         8 cases     0.0%  (cum.  100.0%)  120 steps  …"]


SAMPLE = SAMPLES / "ostolaskut_complete_only.csv.gz"


@pytest.fixture(scope="module")
def ranked():
    return rank_file(SAMPLE, Settings(), key="k", top=2)


def test_rank_file(ranked):
    assert isinstance(ranked, RankRun) and ranked.written is None
    assert ranked.lines[:2] == ["ostolaskut_complete_only.csv.gz: 24,883 events kept of 24,883 read (0 rejected);",
                                "ranked by hours"]  # wrapped to 80 columns
    assert (ranked.report.rows_read, ranked.report.rows_kept) == (24_883, 24_883)
    log, _ = read_log(SAMPLE)
    expected = rank_candidates(pseudonymise(log, key="k"))
    pd.testing.assert_frame_equal(ranked.ranking.candidates, expected.candidates)
    names = export_table(expected, 2)["candidate"].tolist()
    assert [(r.rank, r.candidate) for r in terminal_rows(ranked.lines)] == [("1", names[0]), ("2", names[1])]
    assert max(map(len, ranked.lines)) <= 80
    assert "Assumptions" in ranked.lines


def test_rank_file_writes(ranked, tmp_path):
    out = tmp_path / "r.md"
    run = rank_file(SAMPLE, Settings(), key="k", top=2, out=out)
    assert run.written == out
    assert run.lines == [*ranked.lines, "", f"ranking written to {out}"]
    # --top limits the terminal; the file holds every recommended candidate
    rows = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith(("| 1 ", "| 2 "))]
    assert len(rows) == 2
    rows = [line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith(("| 3 ", "| 4 "))]
    assert len(rows) == 2
    out = tmp_path / "r.txt"
    assert rank_file(SAMPLE, Settings(), key="k", top=1, fmt="json", out=out).written == out
    assert len(json.loads(out.read_text(encoding="utf-8"))["candidates"]) == 4


@pytest.mark.parametrize("name,error,message", [
    ("x.pdf", ConfigError, "cannot tell the format of x.pdf; add --format csv|json|md|html|xlsx or end the name "
                           "with one of them"),
    ("no/x.csv", OutputError, "{folder}/no/x.csv: the folder {folder}/no does not exist; create it or "
                              "choose --out elsewhere"),
])
def test_rank_file_refuses_an_output_before_reading(tmp_path, name, error, message):
    with pytest.raises(error) as err:
        rank_file(tmp_path / "never-read.csv", Settings(), out=tmp_path / name)
    assert str(err.value) == message.format(folder=tmp_path)


def test_rank_file_refuses_a_short_log(write):
    with pytest.raises(ConfigError) as err:
        rank_file(write("l.csv", LOG), Settings())
    assert str(err.value) == ("the log covers 1.1 days (span of events); yearly figures need at least "
                              "28 days of cases: export a longer period")


def test_generate_file(tmp_path):
    out = tmp_path / "g.csv"
    lines = generate_file("ostolaskut", 10, 1, out)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert lines == [f"wrote {len(rows):,} events of 10 ostolaskut cases to {out}",
                     f"ground truth in {tmp_path / 'g.truth.json'}"]
    assert len({r["case:concept:name"] for r in rows}) == 10
    assert {r["lifecycle:transition"] for r in rows} == {"start", "complete"}
    truth = json.loads((tmp_path / "g.truth.json").read_text(encoding="utf-8"))
    assert (truth["process"], truth["cases"], truth["seed"], truth["events"]) == ("ostolaskut", 10, 1, len(rows))
    generate_file("ostolaskut", 10, 1, tmp_path / "c.csv", complete_only=True)
    with (tmp_path / "c.csv").open(encoding="utf-8", newline="") as fh:
        assert {r["lifecycle:transition"] for r in csv.DictReader(fh)} == {"complete"}


@pytest.mark.parametrize("process,name,error,message", [
    ("kissa", "g.csv", ConfigError, "unknown process 'kissa'; choose one of ostolaskut, rakennuslupa, varhaiskasvatus"),
    ("ostolaskut", "g.pdf", InputError,
     "g.pdf: unknown output format; name the file *.xes.gz, *.xes, *.csv, *.csv.gz or *.parquet"),
])
def test_generate_file_errors(tmp_path, process, name, error, message):
    with pytest.raises(error) as err:
        generate_file(process, 10, 1, tmp_path / name)
    assert str(err.value) == message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", [(), ("case:channel=Lupapiste",)])
def test_rank_file_pairs_the_lifecycle_once(tmp_path, monkeypatch, where):
    """rank leaves the load report's lifecycle counts to the handling estimate's pairing:
    one matching, and the counts read_log gives (of the log as read, filters or not)."""
    import rpa_scout.lifecycle as lifecycle
    from rpa_scout.settings import FilterSettings

    path = SAMPLES / "rakennuslupa.xes.gz"
    expected = read_log(path)[1].lifecycle
    calls = []
    match = lifecycle._match
    monkeypatch.setattr(lifecycle, "_match", lambda *a, **k: calls.append(1) or match(*a, **k))
    run = rank_file(path, Settings(filter=FilterSettings(where=where)), out=tmp_path / "r.json")
    assert run.report.lifecycle == expected and expected["paired start+complete"] > 0
    assert len(calls) == (1 if not where else 2)   # with filters: the log as read, then the filtered
    written = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert written["load_report"]["lifecycle"] == dict(expected)


def test_convert_a_csv_export_to_parquet_that_reads_as_the_export(tmp_path):
    """A municipality's CSV export (cp1252, ';', d.m.yyyy h.mm) turned into Parquet for a
    pooled log: reading either gives the same log; a record that cannot be split is not
    written and is named."""
    from rpa_scout.io.commands import convert_file

    text = (LOG.replace("c2;C;2.2.2024 12.00;y\n", "c2;C;2.2.2024 12.00;y;ylimääräinen\n")
            .replace("x\n", "Äijälä\n"))
    source = tmp_path / "loki.csv"
    source.write_bytes(text.encode("cp1252"))
    lines = convert_file(source, tmp_path / "loki.parquet", delimiter=";")
    assert lines[0].startswith(f"{DATA_ROWS - 1} rows of loki.csv written to ")
    assert lines[-1].startswith("1 record of loki.csv could not be split into the header's columns and "
                                "was not written (row 4)")
    from_csv, csv_report = read_log(source, delimiter=";")
    from_parquet, parquet_report = read_log(tmp_path / "loki.parquet")
    pd.testing.assert_frame_equal(from_parquet, from_csv)
    assert (parquet_report.rows_kept, dict(parquet_report.rejected)) == (
        csv_report.rows_kept, {k: v for k, v in csv_report.rejected.items() if k != "wrong number of fields"})
    with pytest.raises(InputError, match="loki.parquet is Parquet already"):
        convert_file(tmp_path / "loki.parquet", tmp_path / "again.parquet")


def test_convert_an_excel_column_of_dates_and_text(tmp_path):
    """Parquet holds one type a column: a workbook column of dates and text (and of
    numbers and text) is written as text, and reads as the same instants; a case id
    typed as text keeps its leading zero."""
    import datetime as dt

    import openpyxl

    from rpa_scout.io.commands import convert_file

    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["tapaus", "vaihe", "aika", "summa"], ["01", "Kirjaus", dt.datetime(2024, 3, 1, 9, 0), 12],
                [2, "Päätös", "2.3.2024 10.00", "kaksi"], ["3", "Kirjaus", dt.datetime(2024, 3, 3, 11, 15), None]):
        sheet.append(row)
    book.save(tmp_path / "loki.xlsx")
    assert convert_file(tmp_path / "loki.xlsx", tmp_path / "loki.parquet")[0].startswith("3 rows of loki.xlsx")
    workbook, _ = read_log(tmp_path / "loki.xlsx")
    converted, _ = read_log(tmp_path / "loki.parquet")
    assert converted["time:timestamp"].tolist() == workbook["time:timestamp"].tolist()
    assert converted["case:concept:name"].tolist() == workbook["case:concept:name"].tolist() == ["01", "2", "3"]
    assert converted["summa"].tolist()[:2] == ["12", "kaksi"]
