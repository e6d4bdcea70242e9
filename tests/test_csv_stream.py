"""rpa_scout.io.csv_stream: a large CSV read a block at a time gives the table the whole
read gives, or is left to the whole read (NotStreamable), never another table."""

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpa_scout import read_log
from rpa_scout.clean import as_plain_text, text_categories
from rpa_scout.errors import InputError
from rpa_scout.io import csv_stream
from rpa_scout.io.csv_stream import NotStreamable, read_csv_blocks, worth_streaming
from rpa_scout.io.stream import Limits
from rpa_scout.io.tables import read_csv_table
from tests.conftest import SAMPLES

SETTINGS = settings(max_examples=300, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _whole(path: Path, **options):
    """The table the whole read gives (the block reader off)."""
    before = csv_stream.STREAM_FROM
    csv_stream.STREAM_FROM = 1 << 62
    try:
        return read_csv_table(path, **options)
    finally:
        csv_stream.STREAM_FROM = before


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its columns of text categories as that text."""
    return frame.apply(lambda column: as_plain_text(column) if text_categories(column) else column)


def _same(blocks, whole) -> None:
    pd.testing.assert_frame_equal(_as_text(blocks.frame), whole.frame)
    assert [str(n) for n in blocks.notes] == [str(n) for n in whole.notes]
    assert {str(k): v for k, v in blocks.repairs.items()} == {str(k): v for k, v in whole.repairs.items()}
    assert blocks.bad_records == whole.bad_records == {}
    assert (blocks.short is None) == (whole.short is None)
    if blocks.short is not None:
        assert (blocks.short == whole.short).all()


class _Parsers:
    """Counts which parser read each file the block reader read."""

    def __init__(self, monkeypatch):
        self.arrow = self.c = 0
        arrow, c = csv_stream._read_arrow_blocks, csv_stream._read_c_chunks

        def counted_arrow(*args):
            frame = arrow(*args)
            self.arrow += frame is not None
            return frame

        def counted_c(*args):
            frame = c(*args)
            self.c += 1
            return frame

        monkeypatch.setattr(csv_stream, "_read_arrow_blocks", counted_arrow)
        monkeypatch.setattr(csv_stream, "_read_c_chunks", counted_c)


_MESSY = st.lists(st.sampled_from(['"', ";", ",", " ", "a", "ä", "1", ",5", "\n", "\r\n", "€"]),
                  max_size=6).map("".join)
_PLAIN = st.sampled_from(["A1", "Päätös", "1.2.2024 9.05", "1 234,50", "", " x ", '"q"', '"a;b"',
                          '"say ""hi"""', '"ä"x', 'a"b', "12,5", "€"])
_FIELD = st.one_of(_PLAIN, _PLAIN, _PLAIN, _MESSY)
_RECORD = st.one_of(st.lists(_FIELD, min_size=3, max_size=3), st.lists(_FIELD, min_size=1, max_size=5))
# Well-formed records: three fields each, quoted or not, as most exports write them.
_REGULAR = st.lists(_PLAIN, min_size=3, max_size=3)


@SETTINGS
@given(header=st.sampled_from(["Asia;Vaihe;Aika", '"Asia";"Vaihe";"Aika"', "Asia;Vaihe;Aika;",
                               "Raportti 2024\n\nAsia;Vaihe;Aika", "a,b,c", ";Vaihe;Aika", "Asia;Asia;Aika"]),
       records=st.one_of(st.lists(_RECORD, min_size=4, max_size=12), st.lists(_REGULAR, min_size=4, max_size=12)),
       line_end=st.sampled_from(["\n", "\r\n"]), encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]),
       blank_line=st.booleans(), gz=st.booleans(), named=st.sampled_from([None, ";", ";", ";"]))
def test_blocks_read_what_the_whole_read_reads(tmp_path_factory, header, records, line_end, encoding,
                                               blank_line, gz, named):
    """Random texts of quotes, delimiters, line breaks inside fields, short and long
    records, title rows, blank lines, decimal commas and encodings: the block reader
    gives the whole read's table or leaves the file to it."""
    lines = [header] + [";".join(record) for record in records] + ([""] if blank_line else [])
    text = line_end.join(lines) + line_end
    folder = tmp_path_factory.mktemp("csv")
    path = folder / ("loki.csv.gz" if gz else "loki.csv")
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
    try:
        whole = _whole(path, delimiter=named)
    except InputError as exc:
        with pytest.raises((InputError, NotStreamable)) as raised:
            read_csv_blocks(path, delimiter=named)
        assert raised.type is NotStreamable or str(raised.value) == str(exc)
        return
    try:
        blocks = read_csv_blocks(path, delimiter=named)
    except NotStreamable:
        return
    _same(blocks, whole)


def test_the_property_test_reads_with_both_parsers(tmp_path, monkeypatch):
    """Quoted, unquoted, short records, a title and cp1252: each parser reads some of
    the files the property test writes, and gives the whole read's table."""
    parsers = _Parsers(monkeypatch)
    texts = {
        "plain.csv": ("Asia;Vaihe;Aika\nA1;Saapunut;1.2.2024 9.05\nA1;Päätös;2.2.2024 10.00\n", "cp1252"),
        "quoted.csv": ('"Asia";"Vaihe";"Aika"\n"A1";"Saapunut; ""uusi""";"1.2.2024 9.05"\n', "utf-8"),
        "short.csv": ("Asia;Vaihe;Aika\nA1;Saapunut\n" + "A2;Päätös;2.2.2024 10.00\n" * 5, "utf-8"),
        "title.csv": ("Raportti 2024;;\n\nAsia;Vaihe;Aika\r\nA1;Saapunut;1.2.2024 9.05\r\n", "utf-8-sig"),
        "euro.csv": ("Asia;Summa;Aika\nA1;1 234,50;1.2.2024\nA2;€ 5;2.2.2024\n", "cp1252"),
    }
    for name, (text, encoding) in texts.items():
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        _same(read_csv_blocks(path), _whole(path))
    assert parsers.arrow >= 3 and parsers.c >= 1


@pytest.mark.parametrize("name", ["ostolaskut.csv.gz", "varhaiskasvatus.csv.gz", "ostolaskut_complete_only.csv.gz"])
def test_shipped_samples_read_the_same(name):
    path = SAMPLES / name
    _same(read_csv_blocks(path), _whole(path))


@pytest.mark.parametrize("content, why", [
    ("\ufeffa;b\n1;2\n".encode("utf-16"), "byte-order mark"),
    ("Asia;Vaihe\nÄ;ä\n".encode("utf-8") + "Ö;ö\n".encode("cp1252"), "lines of both"),
    (b"a;b;c\n1;\"x\ny\";2\n" + b"3;4;5\n" * 5, "line break"),
    (b"a;b\n" + b"1;2;3\n" * 5, "wider than the header"),
])
def test_what_only_the_whole_read_reads_is_left_to_it(tmp_path, content, why):
    path = tmp_path / "loki.csv"
    path.write_bytes(content)
    with pytest.raises(NotStreamable, match=why):
        read_csv_blocks(path)
    _whole(path)  # which reads it


def test_cp1252_bytes_it_cannot_map_are_counted_as_the_whole_read_counts(tmp_path):
    path = tmp_path / "loki.csv"
    path.write_bytes("Asia;Vaihe\nA1;Päätös\n".encode("cp1252") + b"A2;x\x81y\n")
    blocks = read_csv_blocks(path)
    _same(blocks, _whole(path))
    assert list(blocks.repairs.values()) == [1]


def test_read_log_reads_a_large_file_a_block_at_a_time(tmp_path, monkeypatch):
    """Through read_log: a file over the size is read by the block reader, and the log
    and load report are those of the whole read."""
    text = "Asianumero;Toimenpide;Aikaleima;Käsittelijä\n" + "".join(
        f'"D{i // 3}";"{("Saapunut", "Käsittely", "Päätös")[i % 3]}";"{1 + i % 28}.2.2024 {8 + i % 9}.{i % 60:02d}";"K{i % 7}"\n'
        for i in range(3000))
    path = tmp_path / "loki.csv"
    path.write_bytes(text.encode("cp1252"))
    whole_log, whole_report = read_log(path)
    monkeypatch.setattr(csv_stream, "STREAM_FROM", 1)
    read = []
    monkeypatch.setattr(csv_stream, "read_csv_blocks", lambda *a, **k: read.append(1) or read_csv_blocks(*a, **k))
    log, report = read_log(path)
    assert read == [1]
    pd.testing.assert_frame_equal(log, whole_log)
    assert report == whole_report


def _mostly(*values):
    """The first value half the time, the others the rest."""
    return st.one_of(st.just(values[0]), st.sampled_from(values))


_CELL = {"Asianumero": _mostly("D1", "D2", '"D3"', "D 4", ""),
         "Toimenpide": _mostly("Saapunut", '"Käsittely; uusi"', "Päätös", " ", '"Palautus ""A"""'),
         "Aikaleima": _mostly("1.2.2024 9.05", "31.03.2024 03.30", "2024-02-01T10:00:00Z", "x", "",
                              "27.10.2024 03.30", '"5.6.2024 12.00"'),
         "Käsittelijä": _mostly("Maija Meikäläinen", "robotti", "", '"Virtanen, Matti"'),
         "Summa": st.sampled_from(["1 234,50", "12,5", "", "7"]),
         "Kanava": st.sampled_from(["verkko", "posti", "verkko ", ""]),
         "Tunniste": st.uuids().map(str)}


def _read_by_blocks(path: Path, **options):
    """read_log with every CSV read a block at a time."""
    before = csv_stream.STREAM_FROM
    csv_stream.STREAM_FROM = 1
    try:
        return read_log(path, **options)
    finally:
        csv_stream.STREAM_FROM = before


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=st.lists(st.fixed_dictionaries(_CELL), min_size=4, max_size=120),
       encoding=st.sampled_from(["utf-8", "cp1252"]), roles=st.booleans())
def test_logs_read_by_blocks_are_the_logs_read_whole(tmp_path_factory, rows, encoding, roles):
    """read_log's log and load report are the same whichever way the file is read: with
    its repeating columns as categories (by blocks) or as text (whole)."""
    text = ";".join(_CELL) + "\n" + "".join(";".join(row[k] for k in _CELL) + "\n" for row in rows)
    path = tmp_path_factory.mktemp("log") / "loki.csv"
    path.write_bytes(text.encode(encoding))
    try:
        whole = read_log(path, categorical_roles=roles)
    except Exception as exc:  # noqa: BLE001 - the same error both ways
        with pytest.raises(type(exc)) as raised:
            _read_by_blocks(path, categorical_roles=roles)
        assert str(raised.value) == str(exc)
        return
    log, report = _read_by_blocks(path, categorical_roles=roles)
    pd.testing.assert_frame_equal(log, whole[0])
    assert report == whole[1]


def test_the_size_that_streams(tmp_path, monkeypatch):
    small = tmp_path / "a.csv"
    small.write_text("a;b\n1;2\n")
    assert not worth_streaming(small)
    assert not worth_streaming(tmp_path / "missing.csv")
    monkeypatch.setattr(csv_stream, "STREAM_FROM", 8)
    assert worth_streaming(small)


def test_limits_hold_while_reading_blocks(tmp_path):
    path = tmp_path / "loki.csv"
    path.write_text("a;b\n" + "1;2\n" * 1000)
    with pytest.raises(InputError, match="holds more than"):
        read_csv_blocks(path, limits=Limits(max_bytes=100))


def test_an_encoding_named_is_used_as_named(tmp_path):
    path = tmp_path / "loki.csv"
    path.write_bytes("Asia;Vaihe\nA1;Päätös\n".encode("latin-1"))
    _same(read_csv_blocks(path, encoding="latin-1"), _whole(path, encoding="latin-1"))
    with pytest.raises(NotStreamable):
        read_csv_blocks(path, encoding="utf-8")
    with pytest.raises(NotStreamable):
        read_csv_blocks(path, encoding="utf-16")


def test_utf8_pairs_across_blocks():
    data = np.frombuffer("ä".encode(), np.uint8)
    assert csv_stream._utf8_pairs(data, -1) == 1
    assert csv_stream._utf8_pairs(data[1:], int(data[0])) == 1
    assert csv_stream._utf8_pairs(np.frombuffer(b"abc", np.uint8), 0xC3) == 0


def test_a_cp1252_letter_at_the_end_of_a_piece_is_no_utf8(tmp_path):
    """A cp1252 ``ä`` as the last byte of the first piece read could lead a UTF-8
    character; the next byte shows it does not, and the file is cp1252, read by blocks."""
    from rpa_scout.io.stream import CHUNK

    start = b"Asia;Vaihe\n"
    line = b"A1;Saapunut\n"
    body = (start + line * (CHUNK // len(line) + 1))[:CHUNK - 1] + "ä".encode("cp1252") + b"\n" + line * 5
    assert body[CHUNK - 1:CHUNK] == "ä".encode("cp1252")
    path = tmp_path / "loki.csv"
    path.write_bytes(body)
    blocks = read_csv_blocks(path)
    _same(blocks, _whole(path))
    assert str(blocks.notes[0]) == "encoding cp1252"
