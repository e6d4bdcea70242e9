"""CSV exports that mix encodings, end some lines in empty fields or hold a stray quote:
read as the user meant them, every change counted in the load report."""

from __future__ import annotations

import pandas as pd
import pytest

from rpa_scout import read_log
from rpa_scout.io.encodings import decode_text
from rpa_scout.io.records import read_tolerant
from rpa_scout.lang import Lang

HEADER = "asianumero;toimenpide;aikaleima;käsittelijä"
ACTS = ("Vastaanotto", "Tarkastus", "Hyväksyntä", "Maksu")


def _lines(cases: int = 30) -> list[str]:
    """Four events a case, names with ä, as a Finnish case system writes them."""
    return [f"{c:03d};{a};{(c % 28) + 1:02d}.02.2025 {8 + i}.{c % 60:02d};Käsittelijä {c % 3}"
            for c in range(1, cases + 1) for i, a in enumerate(ACTS)]


def _accounted(log: pd.DataFrame, report, rows: int) -> None:
    assert report.rows_read == rows
    assert report.rows_kept == len(log)
    assert report.rows_kept + report.rows_rejected == report.rows_read


# ------------------------------------------------------------------- mixed encodings
def test_a_utf8_file_with_one_cp1252_line_stays_utf8(write):
    data = "\n".join([HEADER, *_lines()]).encode() + "\n999;Päätös;10.03.2025 10.00;Jönssön\n".encode("cp1252")
    log, report = read_log(write("u.csv", data))
    _accounted(log, report, 121)
    assert report.notes[0] == "encoding utf-8, except 1 line in cp1252 (line 122)"
    assert report.repaired == {"text: line decoded as cp1252, not as the file's utf-8": 1}
    assert "org:resource" in log.columns  # the header's käsittelijä is read
    assert set(log["concept:name"]) == {*ACTS, "Päätös"}
    assert "Jönssön" in set(log["org:resource"])


def test_a_cp1252_file_with_one_utf8_line_reads_that_line_as_utf8(write):
    data = "\n".join([HEADER, *_lines()]).encode("cp1252") + "\n999;Päätös;10.03.2025 10.00;Jönssön\n".encode()
    log, report = read_log(write("c.csv", data))
    _accounted(log, report, 121)
    assert report.notes[0] == "encoding cp1252, except 1 line in utf-8 (line 122)"
    assert report.repaired == {"text: line decoded as utf-8, not as the file's cp1252": 1}
    assert set(log["concept:name"]) == {*ACTS, "Päätös"}
    assert "Jönssön" in set(log["org:resource"])


def test_clean_cp1252_and_a_bom_before_mixed_lines(write):
    clean = "\n".join([HEADER, *_lines()]).encode("cp1252") + b"\n"
    text, used, repairs = decode_text(clean, None, "c.csv")
    assert (used, repairs) == ("cp1252", {}) and text == clean.decode("cp1252")
    # undefined cp1252 bytes in the cp1252 lines are still counted, not those of UTF-8 lines
    data = b"\xef\xbb\xbf" + "a;ö\x81\n".encode("latin-1") + "b;Á\n".encode() + "c;ö\n".encode("cp1252")
    text, used, repairs = decode_text(data, None, "b.csv")
    assert text == "a;ö\ufffd\nb;Á\nc;ö\n"
    assert used == "cp1252 (after a UTF-8 byte-order mark), except 1 line in utf-8 (line 2)"
    assert {str(k): v for k, v in repairs.items()} == {
        "text: line decoded as utf-8, not as the file's cp1252 (after a UTF-8 byte-order mark)": 1,
        "text: bytes that are not cp1252 (after a UTF-8 byte-order mark) replaced with U+FFFD": 1}


def test_the_mixed_encoding_note_in_finnish(write):
    data = "\n".join([HEADER, *_lines()]).encode() + "\n999;Päätös;10.03.2025 10.00;Jönssön\n".encode("cp1252")
    _log, report = read_log(write("u.csv", data))
    assert "huom.: merkistö utf-8, paitsi 1 rivi merkistössä cp1252 (rivi 122)" in report.lines(Lang("fi"))


# ------------------------------------------------------------ empty fields at the end
@pytest.mark.parametrize("first", [False, True], ids=["later lines", "first line too"])
def test_empty_fields_at_the_end_of_some_lines_are_dropped(write, first):
    lines = _lines()
    for i in (2, 5, 40):
        lines[i] += ";" if i != 5 else ";; "
    if first:
        lines[0] += ";"  # pandas would take the first column for row labels
    log, report = read_log(write("t.csv", "\n".join([HEADER, *lines]) + "\n"))
    _accounted(log, report, 120)
    assert report.rows_rejected == 0
    assert report.repaired == {"empty fields after the last column dropped": 3 + first}
    assert log["case:concept:name"].iloc[0] == "001" and log["concept:name"].iloc[0] == "Vastaanotto"


@pytest.mark.parametrize("extra", [{0: ";x"}, {0: ";x", 7: ";;y"}], ids=["first line", "two lines"])
def test_extra_fields_that_hold_text_are_still_rejected(write, extra):
    lines = _lines()
    for i, fields in extra.items():
        lines[i] += fields  # in the first line alone, pandas would shift every column
    log, report = read_log(write("x.csv", "\n".join([HEADER, *lines]) + "\n"))
    _accounted(log, report, 120)
    assert report.rejected == {"wrong number of fields": len(extra)}
    assert report.samples["wrong number of fields"] == tuple(i + 1 for i in extra)
    assert log["concept:name"].iloc[0] == "Tarkastus"  # no column shifted


# --------------------------------------------------------------------- stray quotes
def test_an_unterminated_quote_does_not_swallow_the_rest_of_the_file(write):
    lines = _lines()
    lines[9] = lines[9].replace(";Tarkastus;", ';"Avoin lainaus;')
    log, report = read_log(write("q.csv", "\n".join([HEADER, *lines]) + "\n"))
    _accounted(log, report, 120)
    assert report.rows_rejected == 0
    assert report.repaired == {"stray quote read as a character": 1}
    assert report.notes[-1] == ("a quote not closed in row 10 read as a character (the lines after it "
                                "would have been one field)")
    assert log["concept:name"].value_counts()['"Avoin lainaus'] == 1
    assert not log["concept:name"].str.contains("\n").any()


def test_a_stray_quote_near_the_top_and_in_the_last_field(write):
    lines = _lines()
    lines[1] = lines[1].replace(";Tarkastus;", ';"Tarkastus;')  # before the delimiter is found
    lines[50] = lines[50].replace(";Käsittelijä", ';"Käsittelijä')  # right field count
    log, report = read_log(write("q.csv", "\n".join([HEADER, *lines]) + "\n"))
    _accounted(log, report, 120)
    assert report.repaired == {"stray quote read as a character": 2}
    assert not log["org:resource"].astype(str).str.contains("\n").any()


def test_two_stray_quotes_that_close_each_other_over_many_lines(write):
    lines = _lines()
    lines[9] = lines[9].replace(";Tarkastus;", ';"Tarkastus;')
    lines[43] = lines[43].replace(";Maksu;", ';"Maksu;')  # pandas reads lines 10-44 as one event
    log, report = read_log(write("q.csv", "\n".join([HEADER, *lines]) + "\n"))
    _accounted(log, report, 120)
    assert report.repaired == {"stray quote read as a character": 2}


def test_quoted_fields_over_lines_are_still_one_value():
    text = 'a;b;c\n1;"two\nlines; and more";x\n2;y;z\n3;"ok";"""q"""\n'
    records = read_tolerant(text, ";", "x.csv")
    assert records.frame.values.tolist() == [["1", "two\nlines; and more", "x"], ["2", "y", "z"],
                                             ["3", "ok", '"q"']]
    assert (records.bad, records.repairs, records.notes) == ({}, {}, [])
    # a quoted field at the end of the file with no line break after it is closed
    records = read_tolerant('a;b;c\n1;"two\nlines";x', ";", "x.csv")
    assert records.frame.values.tolist() == [["1", "two\nlines", "x"]] and not records.repairs


# ------------------------------------------------------- short records and empty rows
@pytest.mark.parametrize("quoted", [False, True], ids=["C parser", "record by record"])
def test_a_short_record_is_kept_or_rejected_for_what_it_lacks(write, quoted):
    lines = _lines()
    lines[4] = lines[4].rsplit(";", 1)[0]        # row 5 ends before its resource: kept
    lines[9] = ";".join(lines[9].split(";")[:2])  # row 10 ends before its time: rejected
    lines[14] = ";;;"                             # row 15: an empty spreadsheet row
    lines[19] = ";" + lines[19].split(";", 1)[1]  # row 20: a case id is really missing
    if quoted:  # a quoted field sends the text to the record-by-record reader
        lines[0] = lines[0].replace(";Vastaanotto;", ';"Vastaanotto";')
    log, report = read_log(write("s.csv", "\n".join([HEADER, *lines]) + "\n"))
    _accounted(log, report, 120)
    assert report.rejected == {"empty row (every field blank)": 1,
                               "too few fields (the row ends before its case id, step or time)": 1,
                               "missing case id": 1}
    assert report.samples["too few fields (the row ends before its case id, step or time)"] == (10,)
    assert report.samples["empty row (every field blank)"] == (15,)
    assert report.repaired == {"fields missing at the end of the row read as empty": 1}
    assert log["org:resource"].isna().sum() == 1
    assert report.rejected_rows["row"].tolist() == [10, 15, 20]
    fi = [r.render(Lang("fi")) for r in report.rejected]
    assert fi[:2] == ["tyhjä rivi (kaikki kentät tyhjiä)",
                      "liian vähän kenttiä (rivi loppuu ennen asiatunnusta, vaihetta tai aikaa)"]


@pytest.mark.parametrize("quoted", [False, True], ids=["C parser", "record by record"])
def test_a_delimiter_after_the_header_makes_no_record_short(write, quoted):
    lines = _lines()
    lines[3] += ";"  # only some rows end in the delimiter the header ends in
    if quoted:
        lines[0] = lines[0].replace(";Vastaanotto;", ';"Vastaanotto";')
    log, report = read_log(write("h.csv", "\n".join([HEADER + ";", *lines]) + "\n"))
    _accounted(log, report, 120)
    assert (report.rejected, report.repaired) == ({}, {})


def test_a_stray_quote_in_a_file_with_two_columns_of_one_name(write):
    """Read record by record (a quote left open), a header that names a column twice is
    told apart as pandas tells it (``kommentti``, ``kommentti.1``), not a traceback."""
    lines = [HEADER + ";kommentti;kommentti"] + [line + ";a;b" for line in _lines(10)]
    lines[5] = lines[5].replace(";a;b", ';"a;b')
    log, report = read_log(write("kaksi.csv", "\n".join(lines) + "\n", "utf-8"))
    assert {"kommentti", "kommentti.1"} <= set(log.columns)
    assert report.rows_read == 40 and report.rows_kept == 40


def test_read_tolerant_names_twice_named_columns_as_pandas_does():
    records = read_tolerant("a;a;;\n1;2;3;4\n", ";", "x.csv")
    assert list(records.frame.columns) == ["a", "a.1", "Unnamed: 2", "Unnamed: 3"]
