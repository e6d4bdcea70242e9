"""Property-based tests of the CSV and timestamp readers (Hypothesis).

Any table of text either loads with its identity kept (every kept row's case id and
activity are the written ones, every written row is kept or rejected with a reason,
timestamps come back as the same instants) or gives one named error, whose message
is one line.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpa_scout import read_log
from rpa_scout.errors import RpaScoutError

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Text as exports hold it: any character but surrogates and NUL (which no text export
# carries; a NUL is a binary file), stripped the way the reader strips.
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
INSTANTS = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31),
                        timezones=st.just(timezone.utc)).map(lambda d: d.replace(microsecond=0))


def _write(tmp_path, rows: list[list[str]], delimiter: str, encoding: str = "utf-8",
           style: str = "minimal"):
    """Write a CSV as exports do: minimal quoting with CRLF line ends (a bare CR or LF
    in a field is then quoted), or every field quoted with LF line ends."""
    buffer = io.StringIO()
    if style == "minimal":
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    else:
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["case_id", "activity", "timestamp"])
    writer.writerows(rows)
    path = tmp_path / "p.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _one_line_error(exc: RpaScoutError) -> None:
    text = str(exc)
    assert text and "\n" not in text and "Traceback" not in text


@SETTINGS
@given(cells=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=8),
       delimiter=st.sampled_from([",", ";", "\t", "|"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
       style=st.sampled_from(["minimal", "all"]), sniff=st.booleans())
def test_any_text_table_loads_with_identity_or_one_error(tmp_path, cells, delimiter, encoding, style, sniff):
    stamp = "2024-03-01T10:00:00+00:00"
    rows = [[case, act, stamp] for case, act in cells]
    path = _write(tmp_path, rows, delimiter, encoding, style)
    try:
        log, report = read_log(path, delimiter=None if sniff else delimiter)
    except RpaScoutError as exc:
        _one_line_error(exc)
        return
    assert report.rows_kept + report.rows_rejected == report.rows_read == len(rows)
    kept = Counter(zip(log["case:concept:name"].astype(str), log["concept:name"].astype(str)))
    written = Counter((c.strip(), a.strip()) for c, a in cells if c.strip() and a.strip())
    # Every row with a case and an activity is kept as written, repeated identical rows too
    # (issue 17); the others are rejected for the missing value.
    assert kept == written
    assert report.rows_kept == len(log) == sum(written.values())


def _formats():
    return st.sampled_from([
        ("iso", lambda d: d.isoformat()),
        ("iso-offset", lambda d: d.astimezone(timezone(timedelta(hours=3))).isoformat()),
        ("dmy-dots", lambda d: d.strftime("%d.%m.%Y %H:%M:%S")),
        ("finnish", lambda d: f"{d.day}.{d.month}.{d.year} {d.hour}.{d.minute:02d}"),
        ("ymd-slash", lambda d: d.strftime("%Y/%m/%d %H:%M:%S")),
        ("epoch", lambda d: str(int(d.timestamp()))),
    ])


@SETTINGS
@given(instants=st.lists(INSTANTS, min_size=1, max_size=8), fmt=_formats())
def test_timestamps_come_back_as_the_same_instants(tmp_path, instants, fmt):
    name, render = fmt
    rows = [[f"c{i}", "A", render(d)] for i, d in enumerate(instants)]
    path = _write(tmp_path, rows, ";")
    log, report = read_log(path, timezone="UTC")
    assert report.rows_kept == len(rows)
    got = log.set_index("case:concept:name")["time:timestamp"]
    for i, d in enumerate(instants):
        want = pd.Timestamp(d)
        if name == "finnish":  # no seconds in this format
            want = want.floor("min")
        assert got[f"c{i}"] == want, (name, rows[i])


@SETTINGS
@given(values=st.lists(TEXT, min_size=1, max_size=8))
def test_any_text_in_the_timestamp_column_is_parsed_rejected_or_one_error(tmp_path, values):
    rows = [[f"c{i}", "A", v] for i, v in enumerate(values)]
    path = _write(tmp_path, rows, ";")
    try:
        log, report = read_log(path)
    except RpaScoutError as exc:
        _one_line_error(exc)
        return
    assert report.rows_kept + report.rows_rejected == report.rows_read == len(rows)
    assert log["time:timestamp"].notna().all()


@pytest.mark.parametrize("value", ["\x0b", "\u2028", "\x1c", "a\x0bb", "x" * 200_000])
def test_unusual_but_valid_fields_are_fields(tmp_path, value):
    rows = [["c1", "A", "2024-03-01 10:00:00"], ["c1", "B", "2024-03-01 11:00:00"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["case_id", "activity", "timestamp", "note"])
    writer.writerows(r + [value] for r in rows)
    path = tmp_path / "u.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    log, report = read_log(path)
    assert report.rows_kept == 2
    assert log["note"].tolist() == [value, value]
