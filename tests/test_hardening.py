"""Each item of issue 12, with the exact line the user sees where practical."""

from __future__ import annotations

import csv
import gzip
import io
import re
import shutil
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from click.testing import CliRunner

from rpa_scout import read_log
from rpa_scout.cli import main
from rpa_scout.drawing import dot_seconds, drawable, neighbourhood
from rpa_scout.errors import ConfigError, InputError, LimitError, OutputError
from rpa_scout.graph import discover_graph
from rpa_scout.io.config import read_config, read_standard_times
from rpa_scout.io.files import atomic_path
from rpa_scout.io.stream import Limits, parse_size, read_all
from rpa_scout.safety import markdown_text, printable, spreadsheet_cell, spreadsheet_table
from tests.conftest import SAMPLES, flat, shared_log
from tests.fuzz_corpus import csv_text, rows, xes_text

HAS_DOT = shutil.which("dot") is not None


def _error(result) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stdout == "" or "Error" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# ------------------------------------------------------------------------- text safety
@pytest.mark.parametrize("value,expected", [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"), ("+1", "'+1"), ("-1+2", "'-1+2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\\x09=1"), ("\r=1", "'\\x0d=1"), ("plain", "plain"), (3.5, 3.5), (-2, -2),
])
def test_spreadsheet_cells(value, expected):
    assert spreadsheet_cell(value) == expected


def test_spreadsheet_table_keeps_numbers_numbers():
    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "ok"], "hours": [-1.5, 2.0]})
    out = spreadsheet_table(frame)
    assert out["name"].tolist() == ["'=cmd|' /C calc'!A0", "ok"]
    assert out["hours"].dtype == float and out["hours"].tolist() == [-1.5, 2.0]


def test_printable_and_markdown():
    assert printable("a\x1b[2J\x07b\u202ec\x9b") == "a\\x1b[2J\\x07b\\u202ec\\x9b"
    # no tag can open, so quotes stay text (an entity would show raw in Markdown)
    assert markdown_text('<img src=x onerror="alert(1)"> | [x](javascript:y)') == \
        '&lt;img src=x onerror="alert(1)"&gt; \\| \\[x\\](javascript:y)'
    assert markdown_text("steps' hours") == "steps' hours"


# ------------------------------------------------------------------------ outputs
HOSTILE = "=HYPERLINK(\"http://evil/\",\"x\") <script>alert(1)</script> \x1b]0;title\x07"


@pytest.fixture
def hostile_log(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text(csv_text(rows(HOSTILE)), encoding="utf-8")
    return path


def test_rank_csv_and_xlsx_have_no_live_formula(hostile_log, tmp_path):
    from openpyxl import load_workbook

    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        result = CliRunner().invoke(main, ["rank", str(hostile_log), "--all", "--out", str(out)])
        assert result.exit_code == 0, result.output
        if fmt == "csv":
            cells = [row[2] for row in csv.reader(io.StringIO(out.read_text(encoding="utf-8")))]
        else:
            sheet = load_workbook(out).active
            assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
            cells = [c.value for c in sheet["C"]]
        assert "'=HYPERLINK(\"http://evil/\",\"x\") <script>alert(1)</script> \\x1b]0;title\\x07" in cells


def test_markdown_and_terminal_show_names_escaped(hostile_log, tmp_path):
    out = tmp_path / "r.md"
    result = CliRunner().invoke(main, ["rank", str(hostile_log), "--all", "--out", str(out)])
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\x1b" not in result.stdout and "\\x1b]0;title\\x07" in result.stdout
    variants = CliRunner().invoke(main, ["variants", str(hostile_log)])
    assert "\x1b" not in variants.stdout and "\\x1b]0;title" in variants.stdout


def test_failed_xlsx_write_leaves_no_file(hostile_log, tmp_path, monkeypatch):
    def boom(self, *args, **kwargs):
        raise ValueError("cannot store this")

    monkeypatch.setattr(pd.DataFrame, "to_excel", boom)
    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(main, ["rank", str(hostile_log), "--out", str(out)])
    assert _error(result) == f"Error: {out}: cannot write the file (ValueError: cannot store this)"
    assert list(tmp_path.iterdir()) == [hostile_log]


def test_unwritable_out(hostile_log, tmp_path):
    out = hostile_log / "map.svg"
    result = CliRunner().invoke(main, ["map", str(hostile_log), "--out", str(out)])
    assert _error(result) == f"Error: {out}: {hostile_log} is a file, not a folder; choose --out elsewhere"
    with pytest.raises(OutputError) as err:
        with atomic_path(tmp_path / "x.txt"):
            raise PermissionError(13, "Permission denied")
    assert str(err.value) == (f"{tmp_path / 'x.txt'}: cannot write the file (Permission denied); check the "
                              "folder's permissions and free space, or choose --out elsewhere")
    assert list(tmp_path.iterdir()) == [hostile_log]


def test_out_through_a_link_writes_its_target_and_a_device_is_refused(hostile_log, tmp_path):
    """`--out` replaced a link, a named pipe and, as root, /dev/full with a regular file (QA):
    the file was written beside it and renamed over it."""
    import os

    target = tmp_path / "target.csv"
    target.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    result = CliRunner().invoke(main, ["rank", str(hostile_log), "-q", "--out", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and target.read_text(encoding="utf-8-sig").startswith("rank,")
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    for path in (pipe, Path(os.devnull)):
        result = CliRunner().invoke(main, ["rank", str(hostile_log), "-q", "--out", str(path), "--format", "csv"])
        assert _error(result) == (f"Error: {path}: is not a regular file (a device, pipe or socket); give a file "
                                  "name with --out")
    assert Path(os.devnull).is_char_device() and pipe.is_fifo()
    rejects = tmp_path / "none" / "r.csv"
    result = CliRunner().invoke(main, ["inspect", str(hostile_log), "--rejects", str(rejects)])
    assert _error(result).endswith("does not exist; create it or choose --rejects elsewhere")


def test_bpmn_with_hostile_names(hostile_log, tmp_path):
    out = tmp_path / "m.bpmn"
    result = CliRunner().invoke(main, ["map", str(hostile_log), "--format", "bpmn", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "\\x1b]0;title\\x07" in out.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------- XES
def _xes_with(prolog: str) -> str:
    return '<?xml version="1.0"?>\n' + prolog + xes_text(rows(), head="")


@pytest.mark.parametrize("prolog", [
    "<!--" + "x" * 100_000 + "-->\n<!DOCTYPE log [<!ENTITY a 'b'>]>\n",
    "<?pi " + "y" * 70_000 + "?>\n<!ENTITY a 'b'>\n",
])
def test_dtd_anywhere_before_the_root_is_refused(write, prolog):
    with pytest.raises(InputError) as err:
        read_log(write("d.xes", _xes_with(prolog)))
    assert str(err.value) == (
        "d.xes: the XML declares a DTD or entities (<!DOCTYPE or <!ENTITY before the root element), "
        "which rpa_scout never expands; remove that block and read the file again")


def test_prefixed_root_with_entities_never_expands(write):
    text = ('<?xml version="1.0"?>\n<!DOCTYPE x:log [<!ENTITY a "EXPANDED">]>\n<x:log xmlns:x="http://www.xes-standard.org/">'
            '<x:trace><x:string key="concept:name" value="&a;"/></x:trace></x:log>\n')
    with pytest.raises(InputError) as err:
        read_log(write("p.xes", text))
    assert str(err.value) == (
        "p.xes: the XML declares a DTD or entities (<!DOCTYPE or <!ENTITY before the root element), "
        "which rpa_scout never expands; remove that block and read the file again")


def test_pm4py_fallback_resolves_no_entities(write):
    from rpa_scout.io.xes import _read_pm4py

    path = write("e.xes", '<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY a "EXPANDED">]>\n<log><trace>'
                          '<string key="concept:name" value="&a;"/><event><string key="concept:name" value="x"/>'
                          '</event></trace></log>\n')
    with pytest.raises(InputError) as err:
        _read_pm4py(path, "e.xes")
    assert str(err.value) == ("e.xes: the XML declares a DTD or entities, which rpa_scout never expands; "
                              "remove the <!DOCTYPE ...> block and read the file again")


def test_nesting_depth_is_capped(write):
    deep = '<?xml version="1.0"?>\n<log>' + "<list key='x'>" * 200_000 + "</list>" * 200_000 + "</log>\n"
    with pytest.raises(LimitError) as err:
        read_log(write("deep.xes", deep))
    assert str(err.value) == ("deep.xes: elements nest more than 100 deep; an XES log needs a handful "
                              "of levels, so this file is refused")


def test_latin1_bytes_in_utf8_xes_are_counted_as_repairs(write):
    data = xes_text(rows("Käsittely")).encode("latin-1")
    log, report = read_log(write("l.xes", data))
    # 30 cases × (Käsittely: 1 byte, Päätös: 3 bytes)
    assert report.repaired["text: invalid UTF-8 bytes replaced with U+FFFD"] == 120
    assert report.rows_read == data.count(b"<event>") == 90  # 30 cases × 3 steps, counted here
    assert report.rows_kept == len(log) == 90 and report.rows_rejected == 0


# ---------------------------------------------------------------------- exhaustion
def test_gzip_bomb_stops_at_the_floor(tmp_path):
    block = gzip.compress(b"D1,A,2024-01-01 10:00,x\n" * 3_000_000, 9)
    path = tmp_path / "b.csv.gz"
    path.write_bytes(gzip.compress(b"case_id,activity,timestamp,resource\n") + block * 50)
    with pytest.raises(LimitError, match=r"inflates more than 150 times its compressed size \(6\d MiB from "):
        read_all(path, Limits())


def test_max_bytes_and_sizes(write):
    path = write("m.csv.gz", gzip.compress(csv_text(rows()).encode()))
    with pytest.raises(LimitError) as err:
        read_log(path, max_bytes=2048)
    assert str(err.value) == ("m.csv.gz: holds more than 2.0 KiB of data (uncompressed), the --max-bytes "
                              "limit of this run; if the log is genuine, raise --max-bytes")
    from rpa_scout.io.stream import too_big

    assert str(too_big("m.csv.gz", Limits())) == (
        "m.csv.gz: holds more than 4.0 GiB of data (uncompressed), the most rpa_scout reads by default; "
        "if the log is genuine, raise --max-bytes")
    assert [parse_size(s) for s in ("4G", "500M", "1.5GiB", "2kb", "100")] == \
        [4 << 30, 500 << 20, 3 << 29, 2048, 100]
    with pytest.raises(ValueError) as err:
        parse_size("lots")
    assert str(err.value) == "'lots' is not a size; write e.g. 4G, 500M or 1000000"


def test_too_many_columns(write):
    header = ["case_id", "activity", "timestamp"] + [f"a{i}" for i in range(20_000)]
    with pytest.raises(LimitError) as err:
        read_log(write("w.csv", ",".join(header) + "\n"))
    assert str(err.value) == ("w.csv: has 20,003 columns; rpa_scout reads at most 1,000; export only "
                              "the columns you need")


# ------------------------------------------------------------------------ encodings
def test_bom_then_cp1252(write):
    data = b"\xef\xbb\xbf" + csv_text(rows("Käsittely"), delimiter=";").encode("cp1252")
    log, report = read_log(write("b.csv", data))
    assert report.notes[0] == "encoding cp1252 (after a UTF-8 byte-order mark)"
    assert "Käsittely" in set(log["concept:name"])


@pytest.mark.parametrize("codec,note", [("utf-16", "encoding utf-16-le with BOM"),
                                        ("utf-16-le", "encoding utf-16-le (detected)")])
def test_utf16_exports_are_detected(write, codec, note):
    log, report = read_log(write("u.csv", csv_text(rows("Käsittely"), delimiter=";").encode(codec)))
    assert report.notes[0] == note
    assert "Käsittely" in set(log["concept:name"])


def test_undefined_cp1252_bytes_are_counted(write):
    data = csv_text(rows("Käsittely"), delimiter=";").encode("cp1252").replace(b"\xe4", b"\x81")
    _log, report = read_log(write("c.csv", data))
    assert report.repaired == {"text: bytes that are not cp1252 replaced with U+FFFD": 90}


# ------------------------------------------------------------------- config, options
@pytest.mark.parametrize("text,message", [
    ("manual: just a string\n", "{p}: manual must be a mapping of keys to values, got str 'just a string'"),
    ("manual: {system_resources: ['(open']}\n",
     "{p}: manual.system_resources: '(open' is not a valid regular expression (missing ), unterminated "
     "subpattern at position 0); escape special characters such as ( [ * with a backslash"),
    ("economics: {hourly_cost: lots}\n", "{p}: economics.hourly_cost must be a number, got 'lots'"),
    ("rank: {weights: {rule_basedness: .nan}}\n",
     "{p}: rank.weights.rule_basedness must be a finite number, got nan"),
])
def test_config_values_are_checked(tmp_path, text, message):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        read_config(path)
    assert str(err.value) == message.format(p=path)


def test_config_file_itself(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_bytes("manual: {manual_activities: [Käsittely]}\n".encode("cp1252"))
    with pytest.raises(ConfigError) as err:
        read_config(path)
    assert str(err.value) == f"{path}: not UTF-8 text (byte 31); save the config file as UTF-8"
    with pytest.raises(ConfigError) as err:
        read_config(tmp_path)
    assert str(err.value) == f"{tmp_path}: is a folder; give the config file"


@pytest.mark.parametrize("text,message", [
    ("Kirjaus\n", "row 1 needs an activity and minutes separated by ; , or tab"),
    ("activity;minutes\nKirjaus;nan\n", "minutes for 'Kirjaus' must be a finite number, got 'nan'"),
    ("activity;minutes\nKirjaus;-inf\n", "minutes for 'Kirjaus' must be a finite number, got '-inf'"),
    ("activity;minutes\nKirjaus;1e308\n",
     "minutes for 'Kirjaus' is 1e+308, more than a day (1,440); give the minutes one execution takes"),
])
def test_standard_times_are_checked(tmp_path, text, message):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        read_standard_times(path)
    assert str(err.value) == f"{path}: {message}"


def test_standard_times_never_warn(hostile_log, tmp_path):
    times = tmp_path / "t.csv"
    times.write_text("activity;minutes\nKirjaus;1440\n")
    result = CliRunner().invoke(main, ["rank", str(hostile_log), "--standard-times", str(times)])
    assert result.exit_code == 0 and result.stderr == ""


def test_delimiter_and_roles(hostile_log):
    result = CliRunner().invoke(main, ["inspect", str(hostile_log), "--delimiter", ";;"])
    assert _error(result) == "Error: --delimiter must be one character other than a quote or a line break, got ';;'"
    result = CliRunner().invoke(main, ["inspect", str(hostile_log), "--case", "activity", "--activity", "activity"])
    assert _error(result) == ("Error: h.csv: column 'activity' is mapped both as --case and --activity; "
                              "each role needs a column of its own")


def test_usage_errors_are_one_line(hostile_log):
    result = CliRunner().invoke(main, ["map", str(hostile_log), "--paths", "150"])
    assert result.exit_code == 2
    assert result.stderr == ("Error: Invalid value for '--paths': 150.0 is not in the range 0<=x<=100. "
                             "(see main map --help)\n")


# ----------------------------------------------------------------------- drawings
def _chain(n: int) -> nx.DiGraph:
    names = [f"A{i:03d}" for i in range(n)]
    frame = pd.DataFrame({"case:concept:name": [f"c{c}" for c in range(3) for _ in names],
                          "concept:name": names * 3,
                          "time:timestamp": pd.Timestamp("2024-01-01", tz="UTC")
                          + pd.to_timedelta(list(range(3 * n)), unit="min")})
    return discover_graph(frame)


def test_drawn_graph_is_bounded():
    graph = _chain(200)
    drawn, note = drawable(graph, max_activities=50, max_paths=40)
    assert sum(1 for _, d in drawn.nodes(data=True) if d.get("kind") == "activity") == 50
    assert note.startswith("drawn: the 50 most frequent of 200 activities and ")
    sub, note = neighbourhood(graph, ["A100"])
    assert set(sub.nodes) == {"▶ start", "■ end", "A099", "A100", "A101"}
    assert note == "The map shows the 1 candidate steps and 2 steps next to them; 197 other activities and 199 paths are left out."
    assert dot_seconds(0) == 5 and dot_seconds(10_000) == 120


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_report_without_picture_when_dot_runs_out_of_time(hostile_log, tmp_path, monkeypatch):
    monkeypatch.setattr("rpa_scout.io.rank_output.graph_seconds", lambda graph: 0.0001)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["rank", str(hostile_log), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    map_section = text[text.index('<section id="map">'):text.index('<section id="candidates">')]
    assert "<svg" not in map_section and "Graphviz did not finish drawing the map within 0 s" in text


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_map_timeout_writes_the_dot_file(hostile_log, tmp_path, monkeypatch):
    monkeypatch.setattr("rpa_scout.drawing.DOT_BASE_SECONDS", 0.0001)
    monkeypatch.setattr("rpa_scout.drawing.DOT_SECONDS_PER_ELEMENT", 0.0)
    out = tmp_path / "m.svg"
    result = CliRunner().invoke(main, ["map", str(hostile_log), "--out", str(out)])
    assert _error(result) == (f"Error: Graphviz did not finish drawing within 0 s, so m.svg was not drawn; "
                              f"the DOT file was written to {tmp_path / 'm.dot'}; draw fewer activities and "
                              "paths with --activities and --paths")
    assert (tmp_path / "m.dot").exists() and not out.exists()


@pytest.mark.slow
@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_bpic15_report_and_map_are_drawn(tmp_path):
    log = str(shared_log("bpic15/BPIC15_1.xes.gz"))
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["rank", log, "--timezone", "Europe/Amsterdam", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    # the report's top 10 candidates (the default --top) and their neighbours, not all 398
    # (and the three not-recommended steps with the most hours, in grey), thinned to the
    # most frequent paths until it reads: all ten ranked steps stay on it
    assert '<div class="map"><svg' in text and re.search(r"The map shows the 1\d candidate steps and [1-9]", text)
    start = text.index('<div class="map"><svg')
    svg = text[start:text.index("</svg>", start)]
    # every recommended step (5: the others of the top 10 save under an hour a year or
    # were done fewer than 10 times)
    assert all(f"#{rank} ·" in svg for rank in range(1, 6)) and "#6 ·" not in svg
    out = tmp_path / "m.svg"
    result = CliRunner().invoke(main, ["map", log, "--timezone", "Europe/Amsterdam", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "drawn: the 150 most frequent of 398 activities" in flat(result.stdout)
    assert "<svg" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [["rank", "--hourly-cost", "nan"], ["rank", "--fte-hours", "NaN"],
                                  ["map", "--activities", "nan"]])
def test_nan_in_a_number_option_is_a_usage_error(args):
    """click's ranges let nan through (every comparison with it is false): the euro
    column came out blank with 'supplied by the user' beside it (QA)."""
    from click.testing import CliRunner

    from rpa_scout.cli import main

    result = CliRunner().invoke(main, [args[0], str(SAMPLES / "ostolaskut.csv.gz"), *args[1:]])
    assert result.exit_code == 2
    assert "is not a finite number" in result.output


def test_two_writers_of_one_file_never_share_a_partial_file(tmp_path):
    """Two runs keeping the same XES's Parquet cache at once wrote one `.partial-NAME`
    file together: the second truncated the first's half-written file, and the first
    renamed the mixture into place. Each writer now has its own partial file."""
    import threading

    out = tmp_path / "log.parquet"
    first_open, second_done = threading.Event(), threading.Event()

    def first() -> None:
        with atomic_path(out) as tmp:
            tmp.write_bytes(b"first half ")
            first_open.set()
            second_done.wait(5)
            with open(tmp, "ab") as fh:
                fh.write(b"first end")

    thread = threading.Thread(target=first)
    thread.start()
    first_open.wait(5)
    with atomic_path(out) as tmp:
        tmp.write_bytes(b"second whole")
    second_done.set()
    thread.join()
    assert out.read_bytes() == b"first half first end"
    assert [p.name for p in tmp_path.iterdir()] == ["log.parquet"]
