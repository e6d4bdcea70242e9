"""The streaming XES → Parquet converter reads exactly what the full parser reads."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from rpa_scout.cli import main
from rpa_scout.io import stream, xes_stream
from rpa_scout.io.xes import normalised, read_xes_table
from tests.conftest import SAMPLES, shared_log

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
<global scope="trace"><string key="grp" value="DEFAULT"/></global>
<global scope="event"><string key="org:resource" value="NOBODY"/></global>
"""
TRACES = """<trace><string key="concept:name" value="c1"/><int key="tn" value="5"/>
<event><string key="concept:name" value="A &amp; B"/><date key="time:timestamp" value="2020-01-01T10:00:00.000+02:00"/><int key="n" value="3"/><boolean key="b" value="true"/><float key="f" value="1.5"/><string key="org:resource" value="R1"/></event>
<event><string key="concept:name" value="B"/><date key="time:timestamp" value="2020-03-29T11:00:00+03:00"/><int key="n" value="4"/><boolean key="b" value="false"/></event>
<string key="late" value="after the events"/>
</trace>
<trace><string key="concept:name" value="c2"/><string key="grp" value="G2"/>
<event><string key="concept:name" value="A"/><date key="time:timestamp" value="2020-01-02T10:00:00.000Z"/><int key="n" value="7"/><int key="m" value="9"/></event>
</trace>
"""


def _xes(tmp_path: Path, body: str, name: str = "log.xes") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body + "</log>\n", encoding="utf-8")
    return path


def _same(path: Path, tmp_path: Path) -> pd.DataFrame:
    """Convert; the result must equal the full parser's, value for value and type for type."""
    full, parser, _ = read_xes_table(path, cache=False)
    assert parser.startswith("r4pm")
    out = tmp_path / "out.parquet"
    result = xes_stream.convert_xes(path, out)
    fast = normalised(pd.read_parquet(out))
    assert result.events == len(full)
    assert sorted(fast.columns) == sorted(full.columns)
    for column in full.columns:
        assert str(fast[column].dtype) == str(full[column].dtype), column
        left = full[column].astype(object).where(full[column].notna(), None).tolist()
        right = fast[column].astype(object).where(fast[column].notna(), None).tolist()
        assert left == right, column
    return fast


def test_attributes_types_defaults_and_trace_attributes_anywhere(tmp_path):
    fast = _same(_xes(tmp_path, TRACES), tmp_path)
    assert fast["concept:name"].tolist() == ["A & B", "B", "A"]
    assert fast["org:resource"].tolist() == ["R1", "NOBODY", "NOBODY"]    # an event default
    assert fast["case:grp"].tolist() == ["DEFAULT", "DEFAULT", "G2"]      # a trace default
    assert fast["case:late"].tolist()[:2] == ["after the events"] * 2     # after its events
    assert str(fast["n"].dtype) == "int64" and str(fast["m"].dtype) == "float64"


@pytest.fixture
def small_pieces(monkeypatch) -> list[int]:
    """Pieces of about 2 KB, the file read 512 bytes at a time; the sizes of the pieces
    parsed, in order."""
    monkeypatch.setattr(xes_stream, "PIECE_BYTES", 2048)
    monkeypatch.setattr(stream, "CHUNK", 512)
    sizes: list[int] = []
    real = xes_stream._write_part
    monkeypatch.setattr(xes_stream, "_write_part", lambda text, *a: sizes.append(len(text)) or real(text, *a))
    return sizes


def test_pieces_are_joined_with_one_schema(tmp_path, monkeypatch, small_pieces):
    """Many small pieces (an int column complete in one piece, with gaps in another)
    give the same file as one piece: memory holds one piece at a time."""
    path = _xes(tmp_path, TRACES * 40)
    whole = _same(path, tmp_path)
    small_pieces.clear()
    out = tmp_path / "pieces.parquet"
    xes_stream.convert_xes(path, out)
    pd.testing.assert_frame_equal(pd.read_parquet(out)[whole.columns], whole)
    assert len(small_pieces) > 10


def _long_trace(name: str, events: int, late: str = "") -> str:
    """A trace of ``events`` events (its own attributes first; ``late`` after them)."""
    body = "".join(f'<event><string key="concept:name" value="step {i % 7}"/>'
                   f'<date key="time:timestamp" value="2020-01-01T10:{i // 60 % 60:02d}:{i % 60:02d}Z"/>'
                   f'<int key="n" value="{i}"/></event>\n' for i in range(events))
    return (f'<trace><string key="concept:name" value="{name}"/><int key="tn" value="{events}"/>\n'
            f"{body}{late}</trace>\n")


def test_a_trace_longer_than_a_piece_is_cut_between_events(tmp_path, small_pieces):
    """A log exported as one trace (or with traces longer than a piece) is read piece by
    piece too, each piece repeating the trace's attributes: the same file as whole."""
    path = _xes(tmp_path, TRACES + _long_trace("one", 400) + TRACES + _long_trace("two", 150) + TRACES)
    whole = _same(path, tmp_path)
    small_pieces.clear()
    out = tmp_path / "pieces.parquet"
    assert xes_stream.convert_xes(path, out).events == len(whole)
    pd.testing.assert_frame_equal(pd.read_parquet(out)[whole.columns], whole)
    # a piece holds at most what was left of the last one and a piece more, not a trace
    assert len(small_pieces) > 20 and max(small_pieces) < 2 * 2048 + 512 < len(_long_trace("one", 400)) / 10


@pytest.mark.parametrize("where", ["after its last event", "between its events"])
def test_a_cut_trace_with_attributes_after_its_events_goes_to_the_full_parser(tmp_path, small_pieces, where):
    late = '<string key="late" value="after the events"/>\n'
    trace = _long_trace("one", 400, late)
    if where == "between its events":
        events = _long_trace("one", 400).split("</event>\n")
        trace = "</event>\n".join(events[:200] + [late + events[200]] + events[201:])
    path = _xes(tmp_path, TRACES + trace)
    with pytest.raises(xes_stream.NotStreamable, match="attributes after its events"):
        xes_stream.convert_xes(path, tmp_path / "x.parquet")
    frame, parser, _ = read_xes_table(path, cache=False)
    assert parser.startswith("r4pm") and set(frame.loc[frame["case:concept:name"] == "one", "case:late"]) == {
        "after the events"}


def test_what_the_fast_path_cannot_read_goes_to_the_full_parser(tmp_path):
    nested = TRACES.replace('<int key="m" value="9"/>',
                            '<list key="m"><values><int key="x" value="1"/></values></list>')
    path = _xes(tmp_path, nested)
    with pytest.raises(xes_stream.NotStreamable):
        xes_stream.convert_xes(path, tmp_path / "x.parquet")
    frame, parser, _ = read_xes_table(path)
    assert parser.startswith("r4pm") and len(frame) == 3


@pytest.mark.parametrize("whole", [True, False], ids=["parsed whole, then kept", "streamed"])
def test_the_cache_is_read_the_second_time_and_replaced_when_damaged(tmp_path, whole):
    """Streamed when the converter reads the file exactly; parsed whole by r4pm and kept
    the same way when it does not (a nested attribute)."""
    nested = TRACES.replace('<int key="m" value="9"/>',
                            '<list key="m"><values><int key="x" value="1"/></values></list>')
    path = _xes(tmp_path, nested if whole else TRACES, "cached.xes.gz")
    path.write_bytes(gzip.compress(path.read_bytes()))
    first, parser, _ = read_xes_table(path)
    assert parser.startswith("r4pm (Rust) (kept as .cached.xes.gz." if whole
                             else "streaming XES reader (cached as .cached.xes.gz.")
    cached = next(tmp_path.glob(".cached.xes.gz.*.parquet"))
    again, parser, _ = read_xes_table(path)
    assert parser == f"Parquet cache {cached.name} (converted from this XES)"
    pd.testing.assert_frame_equal(first, again)
    cached.write_bytes(b"not parquet")
    third, parser, _ = read_xes_table(path)
    assert parser.startswith("r4pm" if whole else "streaming XES reader") and len(third) == 3


def test_no_cache_leaves_no_file(tmp_path):
    path = _xes(tmp_path, TRACES)
    read_xes_table(path, cache=False)
    assert not list(tmp_path.glob(".*.parquet"))


def test_a_changed_log_gets_a_new_cache(tmp_path):
    path = _xes(tmp_path, TRACES)
    read_xes_table(path)
    path.write_text(HEAD + TRACES.replace("c2", "c3") + "</log>\n", encoding="utf-8")
    frame, parser, _ = read_xes_table(path)
    assert "cached as" in parser and "c3" in set(frame["case:concept:name"])
    assert len(list(tmp_path.glob(".log.xes.*.parquet"))) == 2


def test_shipped_sample_converts_identically(tmp_path):
    _same(SAMPLES / "rakennuslupa.xes.gz", tmp_path)


@pytest.mark.parametrize("log", ["receipt/receipt.xes.gz", "two_timestamps/Production.xes.gz",
                                 "bpic15/BPIC15_1.xes.gz", "bpic2020/PermitLog.xes.gz"])
def test_real_logs_convert_identically(tmp_path, log):
    _same(shared_log(log), tmp_path)


def test_convert_command(tmp_path):
    out = tmp_path / "r.parquet"
    result = CliRunner().invoke(main, ["convert", str(SAMPLES / "rakennuslupa.xes.gz"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"40,500 events of rakennuslupa.xes.gz written to {out} in ")
    assert len(pd.read_parquet(out)) == 40500
    bad = CliRunner().invoke(main, ["convert", str(out)])
    assert bad.exit_code == 1
    assert bad.output == "Error: r.parquet is Parquet already; every command reads it as it is\n"
    csv = CliRunner().invoke(main, ["convert", str(SAMPLES / "ostolaskut.csv.gz"), "--out", str(tmp_path / "o.parquet"),
                                    "--lang", "sv"])
    assert csv.exit_code == 0 and csv.output.startswith("49\xa0766 rader ur ostolaskut.csv.gz skrivna till ")
    finnish = CliRunner().invoke(main, ["convert", str(SAMPLES / "rakennuslupa.xes.gz"), "--out", str(out),
                                        "--lang", "fi"])
    assert finnish.output.startswith(f"40\xa0500 tapahtumaa tiedostosta rakennuslupa.xes.gz kirjoitettu "
                                     f"tiedostoon {out} ")
    assert finnish.output.rstrip().endswith("tapahtumaa/s, virtaava lukija)")
    quiet = CliRunner().invoke(main, ["convert", str(SAMPLES / "rakennuslupa.xes.gz"), "--out", str(out), "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_unusual_spacing_ids_and_key_text_in_values_convert_identically(tmp_path):
    """Attributes with other white space go through the regular expression; a value may
    hold ``key=``; an ``id`` attribute is text; a quote in text between tags."""
    odd = (TRACES.replace('<int key="n" value="3"/>', '<int\tkey="n"\n   value="3" />')
           .replace('value="R1"', 'value="key=R1"')
           .replace('<int key="m" value="9"/>', '<id key="m" value="0b9d3c2e-6b3f-4f7a-9a1e-2f8a5b6c7d8e"/>'))
    fast = _same(_xes(tmp_path, odd + '<trace><string key="concept:name" value="c3"/>say "hi"'
                      '<event><string key="concept:name" value="C"/></event></trace>\n'), tmp_path)
    assert fast["n"].tolist()[:2] == [3, 4] and fast["org:resource"].tolist()[0] == "key=R1"
    assert fast["m"].tolist()[2] == "0b9d3c2e-6b3f-4f7a-9a1e-2f8a5b6c7d8e"


def test_a_read_only_folder_gets_no_cache_file(tmp_path, monkeypatch):
    """A data folder marked read-only is left as it is (even for root, who could write
    there): the Parquet copy goes to the user's cache folder."""
    import os

    folder = tmp_path / "data"
    folder.mkdir()
    path = _xes(folder, TRACES, "log.xes")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    os.chmod(folder, 0o555)
    try:
        read_xes_table(path)
        assert not list(folder.glob(".*.parquet"))
        assert len(list((tmp_path / "cache" / "rpa_scout").glob("log.xes.*.parquet"))) == 1
    finally:
        os.chmod(folder, 0o755)



@pytest.mark.parametrize("path", ["streaming", "r4pm, no cache", "r4pm, nested attribute"])
def test_a_timestamp_that_is_no_date_is_rejected_as_unparseable_with_its_value(tmp_path, path):
    """It was read as a missing timestamp and its value lost (QA); as in a CSV file, the
    row is rejected as unparseable and the load report names the value, whichever parser
    reads the file (r4pm reads it without the cache, and a file the streaming reader
    cannot read exactly)."""
    from rpa_scout import read_log

    body = TRACES.replace('value="2020-01-02T10:00:00.000Z"', 'value="not-a-date"')
    if path.endswith("nested attribute"):
        body = body.replace('<int key="m" value="9"/>',
                            '<list key="m"><values><int key="x" value="1"/></values></list>')
    log, report = read_log(_xes(tmp_path, body), cache=path != "r4pm, no cache")
    assert ("r4pm" in " ".join(report.notes)) == path.startswith("r4pm")
    assert report.rows_read == 3 and report.rows_kept == 2
    assert {str(k): v for k, v in report.rejected.items()} == {"unparseable timestamp": 1}
    assert any("'not-a-date'" in line for line in report.lines())
    assert str(log["time:timestamp"].dt.tz) == "UTC"
    assert log["time:timestamp"].tolist() == [pd.Timestamp("2020-01-01 08:00", tz="UTC"),
                                              pd.Timestamp("2020-03-29 08:00", tz="UTC")]
