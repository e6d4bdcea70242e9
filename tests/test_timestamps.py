"""Every timestamp layout the README lists, with fractional seconds; never relabelled.

Naive values are read in Europe/Helsinki (the default), UTC+2 in February, so
13:23:52 local is 11:23:52 UTC.
"""

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rpa_scout import read_log
from rpa_scout.cli import main
from rpa_scout.timestamps import parse_timestamps

UTC = "UTC"


def _stamps(write, *values, name="t.csv", **options):
    rows = "".join(f"c{i};A{i};{v}\n" for i, v in enumerate(values))
    log, report = read_log(write(name, "case;activity;timestamp\n" + rows), **options)
    assert report.rows_kept + report.rows_rejected == report.rows_read == len(values)
    by_row = dict(zip(log["concept:name"], log["time:timestamp"]))
    return [by_row.get(f"A{i}") for i in range(len(values))], report


def _t(text):
    return pd.Timestamp(text, tz=UTC)


def test_iso_8601_with_offsets_and_fractions(write):
    got, report = _stamps(write, "2016-02-01T13:23:52.250+02:00", "2016-02-01T13:23:52,5+0200",
                          "2016-02-01T11:23:52.123456Z", "2016-02-01 13:23:52.000")
    assert got == [_t("2016-02-01 11:23:52.25"), _t("2016-02-01 11:23:52.5"),
                   _t("2016-02-01 11:23:52.123456"), _t("2016-02-01 11:23:52")]
    assert report.timestamp_method == "ISO 8601 with offsets (naive values read in Europe/Helsinki)"


def test_year_first_is_never_day_month_swapped(write):
    """Issue 11: 2016/02/01 13:23:52.000 is February 1st, even with no day above 12."""
    got, report = _stamps(write, "2016/02/01 13:23:52.000", "2016/02/03 13:23:52,5",
                          "2016.02.01 13:23")
    assert got == [_t("2016-02-01 11:23:52"), _t("2016-02-03 11:23:52.5"),
                   _t("2016-02-01 11:23")]
    assert report.timestamp_method == "yyyy/mm/dd, read in Europe/Helsinki"


def test_day_first_with_dots_and_fractions(write):
    got, report = _stamps(write, "01.02.2016 13:23:52.000", "13.02.2016 13:23:52.75")
    assert got == [_t("2016-02-01 11:23:52"), _t("2016-02-13 11:23:52.75")]
    assert report.timestamp_method == "dd.mm.yyyy (decided for the values written this way), read in Europe/Helsinki"


def test_finnish_short_layout_with_klo_and_comma_fraction(write):
    got, _ = _stamps(write, "1.2.2016 13.23.52,5", "1.2.2016 klo 13.23", "1.2.2016")
    assert got == [_t("2016-02-01 11:23:52.5"), _t("2016-02-01 11:23"), _t("2016-01-31 22:00")]


def test_slashes_day_first_or_month_first_decided_for_the_column(write):
    got, report = _stamps(write, "01/02/2016 13:23:52.5", "25/02/2016 13:23:52.5")
    assert got == [_t("2016-02-01 11:23:52.5"), _t("2016-02-25 11:23:52.5")]
    assert "dd/mm/yyyy (decided for the values written this way)" in report.timestamp_method
    got, report = _stamps(write, "01/02/2016 13:23:52.5", "02/25/2016 13:23:52.5")
    assert got == [_t("2016-01-02 11:23:52.5"), _t("2016-02-25 11:23:52.5")]
    assert "mm/dd/yyyy (decided for the values written this way)" in report.timestamp_method


def test_twelve_hour_clock_with_am_and_pm(write):
    """US exports write 10/1/2016 12:38 AM; 12 AM is midnight, 12 PM noon."""
    got, report = _stamps(write, "2/1/2016 12:38 AM", "2/1/2016 1:23:52.5 PM", "2/13/2016 12:05 pm",
                          "2/1/2016 11:59 a.m.", "2/1/2016 13:05 PM", "2/1/2016 0:05 AM")
    assert got == [_t("2016-01-31 22:38"), _t("2016-02-01 11:23:52.5"), _t("2016-02-13 10:05"),
                   _t("2016-02-01 09:59"), None, None]
    assert report.rejected == {"unparseable timestamp": 2}
    assert "mm/dd/yyyy (decided for the values written this way)" in report.timestamp_method


def test_two_digit_years_as_posix_reads_them(write):
    got, report = _stamps(write, "01.02.16 13.23.52,5", "13.02.16 13:23", "1.2.99 13:23")
    assert got == [_t("2016-02-01 11:23:52.5"), _t("2016-02-13 11:23"), _t("1999-02-01 11:23")]
    assert "dd.mm.yyyy (decided for the values written this way)" in report.timestamp_method
    got, report = _stamps(write, "2/25/99 1:23 PM", "12/31/68 11:00 PM")
    assert got == [_t("1999-02-25 11:23"), _t("2068-12-31 21:00")]
    assert "mm/dd/yyyy (decided for the values written this way)" in report.timestamp_method


def test_both_day_month_orders_in_one_column_reject_the_ambiguous_values(write):
    got, report = _stamps(write, "25/02/2016 13:23", "02/25/2016 13:23", "01/02/2016 13:23",
                          "30/30/2016 13:23")
    assert got == [_t("2016-02-25 11:23"), _t("2016-02-25 11:23"), None, None]
    assert report.rejected == {"unparseable timestamp": 1, "ambiguous day/month order": 1}
    assert report.samples["ambiguous day/month order"] == (3,)
    assert ("note: the column has dates in both day/month orders; values that fit both, such as "
            "'01/02/2016 13:23' (row 3), were not read; name their layout with "
            "--timestamp-format") in report.lines()


def test_dotted_dates_stay_day_first_beside_us_slashes(write):
    """QA: 02/25/2016 made the whole column month first, so 01.02.2016 13:23 was read as
    2 January. Each separator style's order is decided by its own values."""
    got, report = _stamps(write, "01.02.2016 13:23", "02/25/2016 1:23 PM", "03.04.2016 10:00")
    assert got == [_t("2016-02-01 11:23"), _t("2016-02-25 11:23"), _t("2016-04-03 07:00")]  # summer time
    assert "dd.mm.yyyy (assumed: no day above 12 in the column)" in report.timestamp_method
    assert "mm/dd/yyyy (decided for the values written this way)" in report.timestamp_method
    got, _ = _stamps(write, "01.02.16 13:23", "02/25/2016 1:23 PM", "03.04.16 10:00")
    assert got == [_t("2016-02-01 11:23"), _t("2016-02-25 11:23"), _t("2016-04-03 07:00")]  # summer time
    got, _ = _stamps(write, "01.02.16 13.23", "2/25/99 1:23 PM", "01.02.69 10.00")
    assert got == [_t("2016-02-01 11:23"), _t("1999-02-25 11:23"), _t("1969-02-01 08:00")]
    # dashes are decided apart from slashes too; each style that shows both orders
    # still rejects its values that fit both
    got, report = _stamps(write, "25/02/2016 10:00", "02-25-2016 10:00", "01-02-2016 10:00",
                          "01/02/2016 10:00")
    assert got == [_t("2016-02-25 08:00"), _t("2016-02-25 08:00"), _t("2016-01-02 08:00"),
                   _t("2016-02-01 08:00")]
    assert report.rejected == {}


def test_dotted_text_cells_of_an_excel_sheet_stay_day_first(tmp_path):
    """QA: the same in an Excel sheet whose date cells sit beside text ones."""
    import datetime as dt

    frame = pd.DataFrame({"case": ["c0", "c1", "c2"], "activity": ["A", "B", "C"],
                          "timestamp": [dt.datetime(2016, 2, 1, 13, 23), "02/25/2016 1:23 PM",
                                        "01.02.2016 13:00"]})
    frame.to_excel(tmp_path / "x.xlsx", index=False)
    log, _ = read_log(tmp_path / "x.xlsx")
    assert dict(zip(log["concept:name"], log["time:timestamp"])) == {
        "A": _t("2016-02-01 11:23"), "B": _t("2016-02-25 11:23"), "C": _t("2016-02-01 11:00")}


def test_twelve_hour_clock_makes_undecided_slashes_month_first(write):
    """AM/PM goes with US month-first dates: 02/01/2016 1:23 PM is 1 February when no
    value shows the order; the method says it was assumed and why. Dotted dates stay
    day first, and a day above 12 still decides."""
    got, report = _stamps(write, "02/01/2016 1:23 PM", "03/04/2016 9:00 AM", "05/06/2016")
    assert got == [_t("2016-02-01 11:23"), _t("2016-03-04 07:00"), _t("2016-05-05 21:00")]
    assert report.timestamp_method == ("mm/dd/yyyy (assumed from the AM/PM clock: no day above 12 "
                                       "in the column), read in Europe/Helsinki")
    got, _ = _stamps(write, "02-01-2016 1:23 PM", "02.01.2016 1:23 PM")
    assert got == [_t("2016-02-01 11:23"), _t("2016-01-02 11:23")]
    got, report = _stamps(write, "02/01/2016 1:23 PM", "25/01/2016 1:23 PM")
    assert got == [_t("2016-01-02 11:23"), _t("2016-01-25 11:23")]
    assert "dd/mm/yyyy (decided for the values written this way)" in report.timestamp_method
    got, report = _stamps(write, "02/01/2016 1:23 PM", "03/01/2016 13:23")  # not every clock
    assert got == [_t("2016-01-02 11:23"), _t("2016-01-03 11:23")]
    assert "dd/mm/yyyy (assumed: no day above 12 in the column)" in report.timestamp_method


def test_unambiguous_year_first_dashes_that_iso_does_not_take(write):
    """QA: 2016-2-1 9:05 made the whole file an error while 2016/2/1 was read; '… UTC'
    was rejected while the GMT form was read; '2016-02-01 01:23 PM' was rejected."""
    got, report = _stamps(write, "2016-2-1 9:05", "2016-2-13 9:05:07.25", "2016-12-1 9:05")
    assert got == [_t("2016-02-01 07:05"), _t("2016-02-13 07:05:07.25"), _t("2016-12-01 07:05")]
    assert report.timestamp_method == "yyyy-mm-dd, read in Europe/Helsinki"
    got, report = _stamps(write, "2016-02-01 13:23:52 UTC", "2016-02-01T13:23:52GMT",
                          "2016-02-01 01:23 PM", "2016-02-01 12:05 am", "2016-02-01 klo 13.23",
                          "2016-02-01 13:23", "2016-13-01 1:00 PM", "2016-02-01 13:23 PM")
    assert got == [_t("2016-02-01 13:23:52"), _t("2016-02-01 13:23:52"), _t("2016-02-01 11:23"),
                   _t("2016-01-31 22:05"), _t("2016-02-01 11:23"), _t("2016-02-01 11:23"), None, None]
    assert report.rejected == {"unparseable timestamp": 2}
    assert report.timestamp_method == (
        "mixed layouts, each value read in its own: yyyy-mm-dd, read in Europe/Helsinki (5 values); "
        "ISO 8601 with offsets (naive values read in Europe/Helsinki) (3 values)")


def test_epoch_seconds_milliseconds_microseconds_mixed_are_read_right(write):
    """Issue 11: one millisecond value used to put every seconds value in 1970."""
    got, report = _stamps(write, "1454325832.5", "1454325832500", "1454325832500000",
                          "1454325832")
    assert got == [_t("2016-02-01 11:23:52.5")] * 3 + [_t("2016-02-01 11:23:52")]
    assert report.timestamp_method == ("epoch seconds, milliseconds and microseconds (the unit "
                                       "decided by each value's size)")


def test_numeric_column_mixing_seconds_and_milliseconds(tmp_path):
    frame = pd.DataFrame({"case": ["a"] * 10, "activity": list("ABCDEFGHIJ"),
                          "timestamp": [1454325832500 + i * 1000 for i in range(9)] + [1454325841]})
    frame.to_parquet(tmp_path / "e.parquet")
    log, report = read_log(tmp_path / "e.parquet")
    assert report.rows_kept == 10
    assert log["time:timestamp"].min() == _t("2016-02-01 11:23:52.5")
    assert log["time:timestamp"].max() == _t("2016-02-01 11:24:01")


def test_excel_serial_dates_in_csv_and_xlsx(write, tmp_path):
    got, report = _stamps(write, "42401.5", "42401,25")
    assert got == [_t("2016-02-01 10:00"), _t("2016-02-01 04:00")]
    assert report.timestamp_method == "Excel serial dates (read in Europe/Helsinki)"
    frame = pd.DataFrame({"case": ["a", "a"], "activity": ["A", "B"], "timestamp": [42401.5, 42401.75]})
    frame.to_excel(tmp_path / "x.xlsx", index=False)
    log, _ = read_log(tmp_path / "x.xlsx")
    assert log["time:timestamp"].tolist() == [_t("2016-02-01 10:00"), _t("2016-02-01 16:00")]


def test_excel_serial_times_are_rounded_to_the_precision_of_their_decimals(write, tmp_path):
    """10:22:00 written to 6 decimals (45693.431944) is 10:21:59.962 to the
    millisecond; the 6 decimals carry 86.4 ms, so it is read as 10:22:00, as written
    with 5, 7 or all decimals. A serial 2 × 86.4 ms later reads 0.1 s later; typed
    date cells (datetimes) are read as they are, to the millisecond."""
    import datetime as dt

    got, _ = _stamps(write, "45693.431944", "45693,43194", "45693.4319444", "45693.43194444444",
                     "45693.431946")
    assert got == [_t("2025-02-05 08:22")] * 4 + [_t("2025-02-05 08:22:00.1")]
    frame = pd.DataFrame({"case": ["a", "a", "b"], "activity": ["A", "B", "A"],
                          "timestamp": [45693.431944, 45693.43194444444, 45693.5]})
    frame.to_parquet(tmp_path / "s.parquet")
    log, _ = read_log(tmp_path / "s.parquet")
    assert log["time:timestamp"].tolist() == [_t("2025-02-05 08:22")] * 2 + [_t("2025-02-05 10:00")]
    typed = frame.assign(timestamp=[dt.datetime(2025, 2, 5, 10, 21, 59, 962000), dt.datetime(2025, 2, 5, 10, 22),
                                    dt.datetime(2025, 2, 5, 12, 0, 0, 500000)])
    typed.to_excel(tmp_path / "typed.xlsx", index=False)
    log, _ = read_log(tmp_path / "typed.xlsx")
    assert log["time:timestamp"].tolist() == [_t("2025-02-05 08:21:59.962"), _t("2025-02-05 08:22"),
                                              _t("2025-02-05 10:00:00.5")]


def test_compact_digits(write):
    got, _ = _stamps(write, "20160201132352", "201602011323", "20160201")
    assert got == [_t("2016-02-01 11:23:52"), _t("2016-02-01 11:23"), _t("2016-01-31 22:00")]


def test_month_names(write):
    got, report = _stamps(write, "1 Feb 2016 13:23:52.5", "Feb 3, 2016 13:23")
    assert got == [_t("2016-02-01 11:23:52.5"), _t("2016-02-03 11:23")]
    assert report.timestamp_method == "month names, read in Europe/Helsinki"


def test_a_column_of_mixed_layouts_reads_each_value_in_its_own(write):
    got, report = _stamps(write, "2016-02-01 13:23:52.5", "01.02.2016 13.23.52,5",
                          "2016/02/01 13:23:52.5", "1454325832500", "42401.5")
    assert got == [_t("2016-02-01 11:23:52.5")] * 4 + [_t("2016-02-01 10:00")]
    assert report.timestamp_method.startswith("mixed layouts, each value read in its own: ")


def test_values_in_no_layout_are_rejected_with_an_example(write):
    got, report = _stamps(write, "2016-02-01 13:23", "yesterday", "12345", "2016-13-45 10:00")
    assert got == [_t("2016-02-01 11:23"), None, None, None]
    assert report.rejected == {"unparseable timestamp": 2, "number that is no timestamp": 1}
    assert report.samples["unparseable timestamp"] == (2, 4)
    assert ("note: unparseable timestamps look like 'yesterday' (row 2), were not read; name "
            "their layout with --timestamp-format") in report.lines()


def test_years_outside_pandas_range_are_rejected_not_a_traceback(write):
    got, report = _stamps(write, "2016-02-01 13:23:52", "9999-12-31 00:00:00", "1600-01-01",
                          "31.12.9999 10.00")
    assert got == [_t("2016-02-01 11:23:52"), None, None, None]
    assert report.rejected == {"timestamp year outside 1678-2261": 3}
    assert report.samples["timestamp year outside 1678-2261"] == (2, 3, 4)


def test_parquet_years_outside_pandas_range(tmp_path):
    stamps = pd.Series(pd.to_datetime(["2016-02-01 13:23:52.5", "9999-12-31", "1066-10-14"],
                                      format="ISO8601")).astype("datetime64[us]")
    frame = pd.DataFrame({"case": ["a", "a", "a"], "activity": ["A", "B", "C"], "timestamp": stamps})
    frame.to_parquet(tmp_path / "y.parquet")
    log, report = read_log(tmp_path / "y.parquet")
    assert log["time:timestamp"].tolist() == [_t("2016-02-01 11:23:52.5")]
    assert report.rejected == {"timestamp year outside 1678-2261": 2}
    result = CliRunner().invoke(main, ["inspect", str(tmp_path / "y.parquet")])
    assert result.exit_code == 0, result.output
    assert "  timestamp year outside 1678-2261: 2 (rows 2, 3)" in result.output


def test_explicit_format_with_fraction_and_its_range(write):
    got, report = _stamps(write, "01.02.2016 13.23.52,250", "31.12.9999 00.00.00,0",
                          timestamp_format="%d.%m.%Y %H.%M.%S,%f")
    assert got == [_t("2016-02-01 11:23:52.25"), None]
    assert report.rejected == {"timestamp year outside 1678-2261": 1}


def test_unreadable_start_timestamp_keeps_the_row_without_a_start(write):
    path = write("s.csv", "case;activity;start;timestamp\nc;A;2016-02-01 13:00;2016-02-01 13:30\n"
                          "c;B;whenever;2016-02-01 14:00\n")
    log, report = read_log(path, start_timestamp="start")
    assert report.rows_kept == 2
    assert log["start_timestamp"].isna().tolist() == [False, True]
    assert report.repaired == {"start timestamp not read (unparseable or out of range): row kept "
                               "without a start": 1}


@pytest.mark.parametrize("start", ["", "whenever"])
def test_a_start_column_with_no_readable_value_keeps_every_row_without_a_start(write, start):
    """QA: a start column all blank or all unreadable stopped inspect and rank with
    'Invalid comparison between dtype=datetime64[s] and DatetimeArray'."""
    path = write("s.csv", f"case;activity;start;timestamp\nc;A;{start};2016-02-01 13:30\n"
                          f"c;B;{start};2016-02-01 14:00\n")
    log, report = read_log(path, start_timestamp="start")
    assert report.rows_kept == 2
    assert log["start_timestamp"].isna().all() and str(log["start_timestamp"].dtype) == "datetime64[ns, UTC]"
    assert report.repaired == ({"start timestamp not read (unparseable or out of range): row kept "
                                "without a start": 2} if start else {})


@pytest.mark.parametrize("values,expected", [
    (["2016/02/01 13:23:52.000"], ["2016-02-01 11:23:52"]),
    (["2016-02-01T13:23:52.123456789+02:00"], ["2016-02-01 11:23:52.123456789"]),
    ([1454325832, 1454325832123], ["2016-02-01 11:23:52", "2016-02-01 11:23:52.123"]),
])
def test_parse_timestamps_directly(values, expected):
    parsed = parse_timestamps(pd.Series(values))
    assert parsed.values.tolist() == [_t(e) for e in expected]
    assert parsed.problems is None


def test_the_autumn_hour_that_happens_twice_is_read_as_standard_time_and_counted(tmp_path):
    """2025-10-26 03:30 in Helsinki happens twice: it was read as the later one without
    a word, while the spring gap was counted (QA)."""
    from rpa_scout import read_log

    path = tmp_path / "dst.csv"
    path.write_text("case_id,activity,timestamp\n1,A,2025-10-26 02:30\n1,B,2025-10-26 03:30\n"
                    "1,C,2025-03-30 03:30\n1,D,2025-06-01 12:00\n", encoding="utf-8")
    log, report = read_log(path, timezone="Europe/Helsinki")
    repaired = {str(k): v for k, v in report.repaired.items()}
    assert repaired["timestamp in the autumn DST hour that happens twice read as standard time (the later one)"] == 1
    assert repaired["timestamp in the spring-forward DST gap moved to the next valid time"] == 1
    stamps = log.set_index("concept:name")["time:timestamp"]
    assert stamps["B"] == pd.Timestamp("2025-10-26 01:30", tz="UTC")  # 03:30 EET (+2), as before
    assert stamps["A"] == pd.Timestamp("2025-10-25 23:30", tz="UTC")


# A long column that repeats its values is read once per distinct value
# (``timestamps.DISTINCT_FROM``): the same values, method, reasons and daylight-saving
# counts as row by row.
_VALUES = ["2024-03-31 03:30", "31.03.2024 03.30", "27.10.2024 03.30", "2024/10/27 03:15:00",
           "1.2.2024 klo 9.05", "13/02/2024 10:00", "02/13/2024 10:00 PM", "2/1/2016 1:23 PM",
           "10.11.2024", "  ", "", "x", "9999-12-31", "2024-02-30 10:00", "1 Feb 2024 10:00",
           "2016-02-01T13:23:52.000+02:00", "2016-02-01 13:23 UTC", "05-06-2024 12:00",
           "2024-2-1 9:05", "31.12.99 23.59", None, "1700000000", "45693.348611", "5.6.2024 12.00",
           "6.5.2024 12.00"]


def _both_ways(raw, monkeypatch, **options):
    from rpa_scout import timestamps

    monkeypatch.setattr(timestamps, "DISTINCT_FROM", 1 << 62)
    rows = parse_timestamps(raw, **options)
    monkeypatch.setattr(timestamps, "DISTINCT_FROM", 0)
    values = parse_timestamps(raw, **options)
    return rows, values


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picked=st.lists(st.sampled_from(_VALUES), min_size=1, max_size=6, unique=True),
       draws=st.lists(st.integers(0, 5), min_size=1, max_size=60),
       zone=st.sampled_from(["Europe/Helsinki", "UTC", "America/New_York"]),
       fmt=st.sampled_from([None, None, None, "%d.%m.%Y %H.%M"]))
def test_a_column_read_once_per_distinct_value_reads_as_row_by_row(monkeypatch, picked, draws, zone, fmt):
    raw = pd.Series([picked[d % len(picked)] for d in draws], dtype="str")
    if len(draws) % 2:  # as categories, as a reader gives a repeating column, some unused
        categories = dict.fromkeys([v for v in picked[::-1] if v is not None] + ["13/02/2024 10:00"])
        raw = raw.astype(pd.CategoricalDtype(list(categories)))
    rows, values = _both_ways(raw, monkeypatch, timezone=zone, timestamp_format=fmt)
    pd.testing.assert_series_equal(values.values, rows.values)
    assert str(values.method) == str(rows.method)
    assert (values.dst_gap, values.dst_overlap) == (rows.dst_gap, rows.dst_overlap)
    if rows.problems is None:
        assert values.problems is None
    else:
        pd.testing.assert_series_equal(values.problems, rows.problems)


def test_distinct_values_are_read_once_and_counted_by_rows(monkeypatch):
    """The daylight-saving repairs and a mixed column's counts weigh each value by its rows."""
    from rpa_scout import timestamps

    raw = pd.Series(["2024-03-31 03:30"] * 3 + ["27.10.2024 03.30"] * 5 + ["1.2.2024 9.05"] * 2, dtype="str")
    read = []
    original = timestamps._by_layout
    monkeypatch.setattr(timestamps, "_by_layout", lambda text, *a, **k: read.append(len(text)) or original(text, *a, **k))
    rows, values = _both_ways(raw, monkeypatch)
    assert read == [10, 3]  # row by row, then the three distinct values
    assert (values.dst_gap, values.dst_overlap) == (rows.dst_gap, rows.dst_overlap) == (3, 5)
    assert "3 values" in str(values.method) and "7 values" in str(values.method)


def test_when_a_column_is_read_by_distinct_value(monkeypatch):
    from rpa_scout import timestamps

    monkeypatch.setattr(timestamps, "DISTINCT_FROM", 4)
    repeated = pd.Series(["1.2.2024 9.05"] * 4, dtype="str")
    assert timestamps._distinct(repeated) is not None
    assert timestamps._distinct(repeated[:3]) is None  # short
    assert timestamps._distinct(pd.Series(["1.2.2024", "2.2.2024", "1.2.2024", "2.2.2024"], dtype="str")) is not None  # half
    assert timestamps._distinct(pd.Series(["a", "b", "c", "d", "a"], dtype="str")) is None  # mostly distinct
    assert timestamps._distinct(pd.Series(["1.2.2024", 1, 1.0, "1.2.2024"], dtype=object)) is None
    dtype = pd.CategoricalDtype(["1.2.2024", "2.2.2024", "3.2.2024", "4.2.2024"])
    codes, uniques = timestamps._distinct(pd.Series(["1.2.2024", "2.2.2024", "3.2.2024", "1.2.2024"], dtype=dtype))
    assert list(uniques) == ["1.2.2024", "2.2.2024", "3.2.2024"] and codes.tolist() == [0, 1, 2, 0]  # in use
    assert timestamps._distinct(pd.Series([1, 2, 1, 2], dtype="category")) is None  # no text
