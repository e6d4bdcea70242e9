"""Reading Parquet: text that repeats its values arrives as categories, and the log read
from it is the log read from the same text (:mod:`rpa_scout.io.parquet`)."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rpa_scout.io.parquet as parquet
from rpa_scout import read_log
from rpa_scout.errors import RpaScoutError
from rpa_scout.io.parquet import read_parquet_frame, repeating_text_columns

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Values as exports hold them: plain numbers (a column of them becomes numbers; 17 digits
# are more than a float holds), numbers with a leading zero (stay text), blanks, missing
# values, text with spaces around it.
CELLS = st.sampled_from(["1", "2", "2.5", "-3", "007", "12345678901234567", "", " ", "\t", None, "a", " a ", "b",
                        "Ä b"])
STAMPS = st.sampled_from(["01.02.2016", "2016-02-01 13:23:52", "02.02.2016 8.05", "", None,
                          "not a time", "2016-02-03"])


def _log(tmp_path, rows: list[tuple]) -> "tmp_path":
    table = pa.table({name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(
        ("case:concept:name", "concept:name", "time:timestamp", "org:resource", "amount", "kind"))})
    path = tmp_path / "log.parquet"
    pq.write_table(table, path)
    return path


def _read_both(path, monkeypatch, **kwargs):
    """``read_log`` with the repeating text read as categories, then as strings (or the
    error message each gives)."""
    results = []
    for plain in (False, True):
        with monkeypatch.context() as m:
            if plain:
                m.setattr(parquet, "repeating_text_columns", lambda path: [])
            try:
                results.append(read_log(path, timezone="Europe/Helsinki", **kwargs))
            except RpaScoutError as exc:
                results.append(str(exc))
    return results


def _assert_same(dictionary, plain):
    if isinstance(plain, str):
        assert dictionary == plain
        return
    pd.testing.assert_frame_equal(dictionary[0], plain[0], check_exact=True)
    for f in fields(plain[1]):
        old, new = getattr(plain[1], f.name), getattr(dictionary[1], f.name)
        if isinstance(old, pd.DataFrame):
            pd.testing.assert_frame_equal(new, old, check_exact=True)
        else:
            assert new == old, f.name


@SETTINGS
@given(rows=st.lists(st.tuples(st.sampled_from(["c1", "c2", " c3", None]), st.sampled_from(["A", "B ", "", None]),
                               STAMPS, st.sampled_from(["u1", "u2", None, " "]), CELLS, CELLS),
                     min_size=1, max_size=30),
       categorical=st.booleans())
def test_a_log_reads_the_same_from_categories_as_from_text(tmp_path, monkeypatch, rows, categorical):
    path = _log(tmp_path, rows)
    dictionary, plain = _read_both(path, monkeypatch, categorical_roles=categorical)
    _assert_same(dictionary, plain)


def test_repeating_text_is_read_as_categories_and_distinct_text_as_strings(tmp_path):
    n = 1000
    path = tmp_path / "l.parquet"
    pq.write_table(pa.table({"kind": [f"k{i % 7}" for i in range(n)], "id": [f"e{i}" for i in range(n)],
                             "half": [f"h{i // 2}" for i in range(n)], "number": np.arange(n)}), path)
    assert repeating_text_columns(path) == ["kind", "half"]
    frame = read_parquet_frame(path)
    assert [str(frame[c].dtype) for c in frame.columns] == ["category", "str", "category", "int64"]
    assert frame["id"].tolist() == [f"e{i}" for i in range(n)]
    assert frame["kind"].astype(str).tolist() == [f"k{i % 7}" for i in range(n)]


def test_the_decision_reads_only_the_first_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet, "SAMPLE_ROWS", 10)
    path = tmp_path / "l.parquet"
    pq.write_table(pa.table({"late": ["same"] * 10 + [f"v{i}" for i in range(90)]}), path)
    assert repeating_text_columns(path) == ["late"]
    assert read_parquet_frame(path)["late"].tolist() == ["same"] * 10 + [f"v{i}" for i in range(90)]


def test_no_rows_and_no_text_read_as_before(tmp_path):
    empty = tmp_path / "e.parquet"
    pq.write_table(pa.table({"a": pa.array([], pa.string())}), empty)
    numbers = tmp_path / "n.parquet"
    pq.write_table(pa.table({"a": [1, 2, 2]}), numbers)
    assert repeating_text_columns(empty) == repeating_text_columns(numbers) == []


def test_a_categorical_text_attribute_reads_as_its_text(tmp_path):
    """A log written by pandas with categorical attributes (its metadata makes them
    categories again) reads as the same text would: numbers become numbers, categories
    are those in use, sorted, without blanks."""
    base = pd.DataFrame({
        "case:concept:name": ["c1", "c1", "c2", "c2", "c3", "c3"],
        "concept:name": ["A", "B"] * 3,
        "time:timestamp": pd.to_datetime(["2024-01-02 10:00", "2024-01-02 11:00"] * 3, utc=True),
        "amount": ["10", "20", "10", "20", "10", "20"],
        "kind": ["z", "a", " ", "z", "a", "z"],
    })
    as_text, as_categories = tmp_path / "t.parquet", tmp_path / "c.parquet"
    base.to_parquet(as_text)
    categorical = base.astype({"amount": "category", "kind": "category"})
    categorical["kind"] = categorical["kind"].cat.set_categories(["z", " ", "a", "unused"])
    categorical.to_parquet(as_categories)
    text_log, categories_log = read_log(as_text)[0], read_log(as_categories)[0]
    pd.testing.assert_frame_equal(categories_log, text_log, check_exact=True)
    assert categories_log["amount"].tolist() == [10, 20] * 3
    assert categories_log["kind"].cat.categories.tolist() == ["a", "z"]


def test_an_ordered_categorical_is_left_as_it_is(tmp_path):
    frame = pd.DataFrame({"case:concept:name": ["c1", "c1"], "concept:name": ["A", "B"],
                          "time:timestamp": pd.to_datetime(["2024-01-02 10:00", "2024-01-02 11:00"], utc=True),
                          "grade": pd.Categorical(["low", "high"], categories=["low", "high"], ordered=True)})
    frame.to_parquet(tmp_path / "o.parquet")
    grade = read_log(tmp_path / "o.parquet")[0]["grade"]
    assert grade.cat.ordered and grade.cat.categories.tolist() == ["low", "high"]


@pytest.mark.parametrize("column", ["time:timestamp", "amount"])
def test_rejected_rows_show_the_text_they_held(tmp_path, column):
    rows = [("c1", "A", "01.02.2016 10.00", "u1", "1", "k"), ("c1", "B", "not a time", "u1", "1", "k"),
            ("c2", "A", "01.02.2016 10.00", "u1", "1", "k"), ("c2", "B", "01.02.2016 11.00", "u1", "1", "k")]
    report = read_log(_log(tmp_path, rows))[1]
    assert report.rejected_rows[column].dtype == "str"
    assert report.rejected_rows["time:timestamp"].tolist() == ["not a time"]


def test_columns_without_values_read_the_same_either_way(tmp_path, monkeypatch):
    """A text column empty or blank in every row (the first rows of a column filled
    later are the same case): the same log as from strings, dtypes included."""
    rows = [(c, a, t, "u1", None, b) for c, a, t, b in (
        ("c1", "A", "2024-01-02 10:00", ""), ("c1", "B", "2024-01-02 11:00", " "),
        ("c2", "A", "2024-01-03 10:00", ""), ("c2", "B", "2024-01-03 11:00", ""),
        ("c3", "A", "2024-01-04 10:00", " "), ("c3", "B", "2024-01-04 11:00", ""))]
    path = _log(tmp_path, rows)
    assert "amount" not in repeating_text_columns(path) and "kind" in repeating_text_columns(path)
    dictionary, plain = _read_both(path, monkeypatch)
    _assert_same(dictionary, plain)


def test_long_whole_numbers_read_digit_for_digit_either_way(tmp_path, monkeypatch):
    """Invoice numbers of 17 digits are beyond a float's 15-16 exact digits: read from
    categories they are the same int64 as read from text."""
    numbers = ["12345678901234567", "98765432109876543"]
    rows = [(f"c{i // 2}", "AB"[i % 2], f"2024-01-0{1 + i // 2} 1{i % 2}:00", "u1", numbers[i % 2], "k")
            for i in range(6)]
    path = _log(tmp_path, rows)
    assert "amount" in repeating_text_columns(path)
    dictionary, plain = _read_both(path, monkeypatch)
    _assert_same(dictionary, plain)
    assert dictionary[0]["amount"].tolist() == [int(numbers[i % 2]) for i in range(6)]


def test_a_mapping_named_all_by_options_is_called_explicit(tmp_path):
    """BPIC15_all5 read with --case tid ... was mapped as 'sv+explicit': the Swedish
    preset had matched the column tid and left nothing of its own (QA)."""
    import pandas as pd

    from rpa_scout import read_log

    path = tmp_path / "x.parquet"
    pd.DataFrame({"tid": ["1", "1"], "conceptName": ["A", "B"],
                  "dateFinished": pd.to_datetime(["2025-03-03 09:00", "2025-03-03 10:00"], utc=True),
                  "who": ["x", "y"]}).to_parquet(path)
    _, report = read_log(path, case="tid", activity="conceptName", timestamp="dateFinished", resource="who")
    assert report.mapping_name == "explicit"
