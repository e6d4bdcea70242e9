import gzip
from pathlib import Path

import pandas as pd
import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from rpa_scout import ColumnError, InputError, read_log
from rpa_scout.clean import _as_categories
from rpa_scout.load_report import RepeatedEvents
from tests.conftest import SAMPLES, shared_log


def _data_rows(text: str) -> int:
    """Rows below the header of a fixture written here (no field holds a line break)."""
    return len([line for line in text.splitlines() if line.strip()]) - 1


def _accounted(report, log, rows: int):
    """Every row written is read, and kept (in the log) or rejected (with its row)."""
    assert report.rows_read == rows
    assert report.rows_kept == len(log)
    assert report.rows_kept + report.rows_rejected == report.rows_read
    rejected = report.rejected_rows
    assert (0 if rejected is None else len(rejected)) == report.rows_rejected


def test_finnish_semicolon_cp1252_decimal_comma(write):
    text = (
        "Asianumero;Toimenpide;Aikaleima;Käsittelijä;Summa\n"
        "D1;Lasku vastaanotettu;3.1.2024 8.05;Järjestelmä;1 234,50\n"
        "D1;Tiliöinti;3.1.2024 9.15;Päivi;1 234,50\n"
        "D2;Lasku vastaanotettu;15.1.2024 14.30;Järjestelmä;99,90\n"
    )
    path = write("laskut.csv", text, "cp1252")
    log, report = read_log(path)
    _accounted(report, log, _data_rows(text))
    assert report.rows_kept == 3
    assert report.mapping_name == "fi"
    assert "cp1252" in report.notes[0]
    assert list(log["concept:name"].astype(str))[:2] == ["Lasku vastaanotettu", "Tiliöinti"]
    # 3.1.2024 08:05 in Helsinki (UTC+2 in winter) is 06:05 UTC; day first, not March.
    assert log["time:timestamp"].iloc[0] == pd.Timestamp("2024-01-03 06:05", tz="UTC")
    assert log["Summa"].tolist() == [1234.5, 1234.5, 99.9]
    assert str(log["org:resource"].iloc[1]) == "Päivi"


def test_utf8_bom_iso_offsets_converted_not_relabelled(write):
    text = ("\ufeffcase_id,activity,timestamp,resource\n"
            "1,A,2024-06-01T10:00:00+03:00,u1\n"
            "1,B,2024-06-01T07:30:00Z,u2\n")
    log, report = read_log(write("iso.csv", text))
    assert report.notes[0] == "encoding utf-8 with BOM"
    assert log["time:timestamp"].tolist() == [pd.Timestamp("2024-06-01 07:00", tz="UTC"),
                                              pd.Timestamp("2024-06-01 07:30", tz="UTC")]
    assert str(log["time:timestamp"].dt.tz) == "UTC"


def test_swedish_tab_year_first(write):
    text = ("ärendenummer\tåtgärd\ttidpunkt\thandläggare\n"
            "Dnr 1\tRegistrering\t2024/02/01 09:00:00\tAnna\n"
            "Dnr 1\tBeslut\t2024/02/03 13:00:00\tBo\n")
    log, report = read_log(write("sv.tsv", text))
    assert report.mapping_name == "sv"
    assert report.notes[1] == "delimiter '\\t'"
    assert log["time:timestamp"].iloc[1] == pd.Timestamp("2024-02-03 11:00", tz="UTC")


def test_disco_month_first_decided_for_whole_column(write):
    text = ("Case ID,Activity,Start Timestamp,Complete Timestamp,Resource\n"
            "c1,A,01/02/2024 09:00,01/02/2024 09:30,r1\n"
            "c1,B,01/25/2024 10:00,01/25/2024 10:20,r1\n")
    log, report = read_log(write("disco.csv", text))
    assert report.mapping_name == "disco"
    assert "mm/dd/yyyy" in report.timestamp_method
    # 01/02 is January 2nd because 01/25 proves month-first for the column.
    assert log["time:timestamp"].iloc[0] == pd.Timestamp("2024-01-02 07:30", tz="UTC")
    assert log["start_timestamp"].iloc[1] == pd.Timestamp("2024-01-25 08:00", tz="UTC")


def test_epoch_seconds_and_gzip(write):
    text = "case,activity,timestamp\nc,A,1700000000\nc,B,1700000600\n"
    path = write("epoch.csv.gz", gzip.compress(text.encode()))
    log, report = read_log(path)
    assert report.timestamp_method == "epoch seconds"
    assert log["time:timestamp"].iloc[0] == pd.Timestamp(1700000000, unit="s", tz="UTC")


def test_explicit_timestamp_format_wins(write):
    text = "case;activity;timestamp\nc;A;2024-03-04 05:06\n"
    log, _ = read_log(write("f.csv", text), timestamp_format="%Y-%d-%m %H:%M")
    assert log["time:timestamp"].iloc[0].month == 4


def test_naive_timezone_configurable(write):
    text = "case;activity;timestamp\nc;A;1.7.2024 12.00\n"
    log, _ = read_log(write("tz.csv", text), timezone="UTC")
    assert log["time:timestamp"].iloc[0] == pd.Timestamp("2024-07-01 12:00", tz="UTC")


def test_every_row_accounted_for_in_a_messy_file(write):
    text = (
        "case_id;activity;timestamp;resource\n"
        "c1;A;1.2.2024 10.00;x\n"          # 1 kept
        ";A;1.2.2024 10.00;x\n"            # 2 missing case id
        "c1;;1.2.2024 10.00;x\n"           # 3 missing activity
        "c1;B;;x\n"                        # 4 missing timestamp
        "c1;B;32.13.2024 25.00;x\n"        # 5 unparseable
        "c1;A;1.2.2024 10.00;x\n"          # 6 repeats row 1: kept unless --drop-duplicates
        "c1;C;1.2.2024 11.00;x;extra\n"    # 7 wrong number of fields
        "  c2 ; D ;2.2.2024 10.00;y\n"     # 8 kept, whitespace repaired
    )
    path = write("messy.csv", text)
    log, report = read_log(path)
    _accounted(report, log, _data_rows(text))
    assert report.rows_read == 8
    assert report.rows_kept == 3
    assert report.rejected == {
        "missing case id": 1, "missing activity": 1, "missing timestamp": 1,
        "unparseable timestamp": 1, "wrong number of fields": 1,
    }
    assert report.repeated == RepeatedEvents(rows=1, cases=1, dropped=False, samples=(6,))
    assert report.samples["wrong number of fields"] == (7,)
    assert report.repaired["case id: surrounding whitespace removed"] == 1
    assert set(log["case:concept:name"]) == {"c1", "c2"}
    assert sorted(report.rejected_rows["row"]) == [2, 3, 4, 5, 7]

    log, report = read_log(path, drop_duplicates=True)
    _accounted(report, log, _data_rows(text))
    assert report.rows_kept == 2
    assert report.rejected["exact duplicate"] == 1
    assert report.samples["exact duplicate"] == (6,)
    assert report.repeated == RepeatedEvents(rows=1, cases=1, dropped=True, samples=(6,))
    assert sorted(report.rejected_rows["row"]) == [2, 3, 4, 5, 6, 7]


@pytest.mark.parametrize("categorical", [False, True], ids=["text", "categories"])
def test_a_resource_written_as_none_is_no_account(write, categorical):
    """BPI Challenge 2019 writes ``NONE`` where no account did a step: read as one person
    it would bound everybody's handling times and take their hours."""
    people = ["NONE", "Leena", "null", "Unknown", "-", "Nonen", "none", "N/A", "Ben Bot", "SYSTEM"]
    rows = [f"c{i},Step,2024-01-{1 + i:02d} 10:00:00,{who}" for i, who in enumerate(people)]
    log, report = read_log(write("r.csv", "case,activity,timestamp,resource\n" + "\n".join(rows) + "\n"),
                           categorical_roles=categorical)
    assert log["org:resource"].astype(object).where(log["org:resource"].notna(), None).tolist() == [
        None, "Leena", None, None, None, "Nonen", None, None, "Ben Bot", "SYSTEM"]
    assert ("repaired: resource '-', 'N/A', 'NONE', 'Unknown', 'none', 'null': no account recorded, "
            "read as missing: 6") in report.lines()
    assert report.rows_kept == len(people)


@pytest.mark.parametrize("header", [
    "Case ID,Activity,Start Timestamp,Complete Timestamp,Resource",       # Disco
    "case,event,startTime,completeTime,org:resource",                     # ProM
    "_CASE_KEY,ACTIVITY_EN,EVENTTIME_START,EVENTTIME,USER_NAME",          # Celonis (no start)
    "case_id,activity_id,start,complete,resource_id",                     # bupaR
    "Case,Activity,Start,Complete,Resource",                              # Fluxicon
    "CaseId,ActivityName,StartTime,EndTime,UserName",
    "Case_ID,Activity_Name,Start_Date,End_Date,User",
    "case_id,activity,start_time,end_time,resource",                      # Simod
    "Ticket ID,Activity Type,Start Date,Date,User",                       # a service desk
    "Incident ID,Operation,Start,DateStamp,Resource",
])
def test_english_headers_as_exporters_write_them_are_found(write, header):
    rows = ["c1,A,2024-01-02 09:00:00,2024-01-02 09:10:00,u1", "c1,B,2024-01-02 10:00:00,2024-01-02 10:05:00,u2"]
    log, report = read_log(write("e.csv", header + "\n" + "\n".join(rows) + "\n"))
    names = header.split(",")
    assert report.mapping["case"] == names[0] and report.mapping["activity"] == names[1]
    assert report.mapping["timestamp"] == names[3] and report.mapping["resource"] == names[4]
    assert report.mapping.get("start_timestamp") == (None if "EVENTTIME" in header else names[2])
    assert log["time:timestamp"].dt.minute.tolist() == [10, 5]


def test_prom_csv_export_with_case_and_event_prefixes_is_found(write):
    """ProM's CSV export (BPI Challenge 2019's CSV) writes the XES keys after "case " and
    "event ", beside case attributes named "case Item" and the like, and day-first times."""
    header = ("case Spend area text,case Item,case concept:name,event User,event org:resource,"
              "event concept:name,event time:timestamp,eventID ")
    rows = ["Packaging,00001,4507000160_00001,batch_00,NONE,Create Purchase Order Item,"
            "02-01-2018 15:29:00.000,1000001",
            "Packaging,00001,4507000160_00001,user_001,user_001,Record Goods Receipt,"
            "13-01-2018 09:05:12.250,1000002"]
    log, report = read_log(write("bpic19.csv", header + "\n" + "\n".join(rows) + "\n"), timezone="UTC")
    assert (report.mapping["case"], report.mapping["activity"], report.mapping["timestamp"],
            report.mapping["resource"]) == ("case concept:name", "event concept:name",
                                            "event time:timestamp", "event org:resource")
    assert log["time:timestamp"].tolist() == [pd.Timestamp("2018-01-02 15:29", tz="UTC"),
                                              pd.Timestamp("2018-01-13 09:05:12.250", tz="UTC")]
    _accounted(report, log, 2)
    from rpa_scout.inspect_log import summarise

    summary = summarise(log)
    assert summary.case_attributes == ("case Spend area text", "case Item")   # were listed as events'
    assert "case Item" not in summary.attributes and "event User" in summary.attributes


@pytest.mark.parametrize("header, expected", [
    # Disco's case and activity beside pm4py's timestamp (a predictive-monitoring table)
    ("Case ID;Activity;org:group;time:timestamp;label", ("Case ID", "Activity", "time:timestamp", "disco+xes")),
    ("case:concept:name;Toimenpide;Luokka;Aikaleima;Käsittelijä",
     ("case:concept:name", "Toimenpide", "Aikaleima", "xes+fi")),
])
def test_a_header_that_mixes_presets_is_mapped_role_by_role(write, header, expected):
    rows = ["c1;A;g;22/10/2014 09:15;u", "c1;B;g;22/10/2014 09:27;u"]
    log, report = read_log(write("m.csv", header + "\n" + "\n".join(rows) + "\n"))
    assert (report.mapping["case"], report.mapping["activity"], report.mapping["timestamp"]) == expected[:3]
    assert report.mapping_name == expected[3]
    assert log["time:timestamp"].dt.minute.tolist() == [15, 27]


def test_a_mixed_header_that_names_a_role_twice_asks_for_the_column(write):
    """Two presets naming different columns for one role is no guess to make."""
    header = "Case ID;Activity;time:timestamp;Aikaleima"
    with pytest.raises(ColumnError, match="no timestamp column found.*name it with --timestamp"):
        read_log(write("m.csv", header + "\nc1;A;2024-01-02 09:00;2024-01-02 09:00\n"))


TITLED = ('"Tapahtumaraportti, kevät 2024"\n;;;\nAsianumero;Toimenpide;Aikaleima;Käsittelijä\n'
          'A1;"Vastaanotto\nrivi 2";2.1.2024 9.00;mvirtanen\nA1;Päätös;2.1.2024 11.00;jlaine\n'
          'A2;Vastaanotto;4.2.2024 9.00;mvirtanen\n')


def test_a_report_title_above_the_header_is_skipped_and_noted(write, tmp_path):
    """Case systems' report exports put a title (and a blank row) above the header."""
    log, report = read_log(write("t.csv", TITLED))
    assert report.mapping["case"] == "Asianumero" and report.rows_read == report.rows_kept == 3
    assert log["concept:name"].tolist() == ["Vastaanotto\nrivi 2", "Päätös", "Vastaanotto"]
    assert "note: 2 rows above the header skipped (a title: 'Tapahtumaraportti, kevät 2024')" in report.lines()
    rows = [["Tapahtumaraportti, kevät 2024", None, None, None], [None] * 4,
            ["Asianumero", "Toimenpide", "Aikaleima", "Käsittelijä"],
            ["A1", "Vastaanotto", pd.Timestamp("2024-01-02 09:00"), "mvirtanen"],
            ["A1", "Päätös", pd.Timestamp("2024-01-02 11:00"), "jlaine"], ["Yhteensä", 2, None, None]]
    pd.DataFrame(rows).to_excel(tmp_path / "t.xlsx", index=False, header=False)
    log, report = read_log(tmp_path / "t.xlsx")
    assert (report.rows_read, report.rows_kept, len(log)) == (3, 2, 2)   # the total row rejected, counted
    assert "note: 2 rows above the header skipped (a title: 'Tapahtumaraportti, kevät 2024')" in report.lines()
    plain, _ = read_log(write("p.csv", TITLED.split("\n", 2)[2]))
    pd.testing.assert_frame_equal(read_log(write("t.csv", TITLED))[0], plain)


def test_a_cover_sheet_before_the_log_is_passed_over(tmp_path):
    """Without --sheet, the first sheet with three or more named columns is read."""
    path = tmp_path / "w.xlsx"
    log_rows = pd.DataFrame({"Asianumero": ["A1", "A1"], "Toimenpide": ["Vastaanotto", "Päätös"],
                             "Aikaleima": pd.to_datetime(["2024-01-02 09:00", "2024-01-02 11:00"]),
                             "Käsittelijä": ["m", "j"]})
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"Ohje": ["Tämä raportti sisältää tapahtumat"]}).to_excel(book, sheet_name="Kansilehti", index=False)
        pd.DataFrame({"A": [1], "B": [2]}).to_excel(book, sheet_name="Summat", index=False)
        log_rows.to_excel(book, sheet_name="Tapahtumat", index=False)
    log, report = read_log(path)
    assert report.rows_kept == 2 and log["concept:name"].tolist() == ["Vastaanotto", "Päätös"]
    assert "note: sheet 'Tapahtumat', the first that holds a table ('Kansilehti', 'Summat' passed over)" \
        in report.lines()
    assert read_log(path, sheet=2)[1].rows_kept == 2                      # by position, from Python
    with pytest.raises(ColumnError, match="w.xlsx: no case column found among 'Ohje'"):
        read_log(path, sheet="Kansilehti")
    with pytest.raises(InputError, match="no sheet 'Nope'; the sheets are 'Kansilehti', 'Summat', 'Tapahtumat'"):
        read_log(path, sheet="Nope")


def test_excel_text_cells_are_read_as_written_and_number_cells_stay_numbers(tmp_path):
    """A case id typed as text ("001") keeps its zeros as in CSV and Parquet; a number
    cell 7 reads "7" and never merges with the text "007"; amounts stay numbers, dates
    dates, and a text postal code stays text. The note names the sheet."""
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Loki"
    at = lambda hour: dt.datetime(2025, 2, 5, hour, 22)  # noqa: E731
    for row in (["asianumero", "toimenpide", "aikaleima", "käsittelijä", "summa", "määrä", "postinumero"],
                ["001", "Vastaanotto", at(8), "Liisa", 12.5, "3", "00100"],
                ["001", 10, at(9), 1234, 40, 4, "00100"],
                [7, "Vastaanotto", at(10), "Anna", 3, "5", "00200"],
                ["007", "Vastaanotto", at(11), "0042", None, None, None]):
        sheet.append(row)
    book.save(tmp_path / "ids.xlsx")
    log, report = read_log(tmp_path / "ids.xlsx")
    _accounted(report, log, 4)
    log = log.sort_values("time:timestamp")                # the rows in the sheet's order
    assert log["case:concept:name"].tolist() == ["001", "001", "7", "007"]
    assert log["concept:name"].tolist() == ["Vastaanotto", "10", "Vastaanotto", "Vastaanotto"]
    assert log["org:resource"].tolist() == ["Liisa", "1234", "Anna", "0042"]
    assert log["summa"].tolist()[:3] == [12.5, 40.0, 3.0] and log["summa"].dtype == float
    assert log["määrä"].tolist()[:3] == [3, 4, 5]          # text and number cells of numbers: numbers
    assert log["postinumero"].tolist()[:3] == ["00100", "00100", "00200"]
    assert log["time:timestamp"].dt.tz_convert("Europe/Helsinki").dt.strftime("%H:%M:%S").tolist() == [
        "08:22:00", "09:22:00", "10:22:00", "11:22:00"]
    assert "note: sheet 'Loki'" in report.lines()
    for which in ("Loki", 0):
        assert "note: sheet 'Loki'" in read_log(tmp_path / "ids.xlsx", sheet=which)[1].lines()
    csv_ids = "asianumero;toimenpide;aikaleima\n001;A;5.2.2025 8.22\n7;A;5.2.2025 8.22\n007;A;5.2.2025 8.22\n"
    (tmp_path / "ids.csv").write_text(csv_ids, encoding="utf-8")
    assert set(read_log(tmp_path / "ids.csv")[0]["case:concept:name"]) == {"001", "7", "007"}


def test_a_date_column_and_a_clock_column_make_one_timestamp(write, tmp_path):
    """Report exports write the date and the time of day in columns of their own."""
    text = ("Asianumero;Toimenpide;Päivämäärä;Kellonaika;Käsittelijä\n"
            "A1;Vastaanotto;2.1.2024;9.05;m\nA1;Päätös;2.1.2024;13.30.15;j\nA2;Vastaanotto;4.2.2024;;m\n")
    log, report = read_log(write("s.csv", text))
    local = log["time:timestamp"].dt.tz_convert("Europe/Helsinki").dt.strftime("%d.%m. %H:%M:%S").tolist()
    assert local == ["02.01. 09:05:00", "02.01. 13:30:15", "04.02. 00:00:00"]   # a date alone stays a date
    assert "note: the clock times in 'Kellonaika' joined to the dates in 'Päivämäärä'" in report.lines()
    frame = pd.DataFrame({"case": ["a", "a"], "activity": ["A", "B"],
                          "date": pd.to_datetime(["2024-01-02", "2024-01-03"]), "time": ["9:05", "17.45"]})
    frame.to_excel(tmp_path / "s.xlsx", index=False)
    log, _ = read_log(tmp_path / "s.xlsx", timestamp="date")
    assert log["time:timestamp"].dt.tz_convert("Europe/Helsinki").dt.strftime("%d %H:%M").tolist() == [
        "02 09:05", "03 17:45"]
    timed = text.replace("2.1.2024;9.05", "2.1.2024 8.00;9.05")   # a timestamp with its own clock: kept
    log, report = read_log(write("t.csv", timed))
    assert not any("clock times" in line for line in report.lines())
    first = log[log["concept:name"] == "Vastaanotto"]["time:timestamp"].iloc[0]
    assert first.tz_convert("Europe/Helsinki").hour == 8


def test_an_empty_column_from_a_delimiter_at_the_end_of_every_line_is_dropped(write):
    log, report = read_log(write("e.csv", "case;activity;timestamp;\nc1;A;2024-01-02 09:00;\nc1;B;2024-01-02 10:00;\n"))
    assert list(log.columns) == ["case:concept:name", "concept:name", "time:timestamp"]
    assert "note: empty columns without a header dropped: 1 (a delimiter at the end of every line)" in report.lines()
    log, report = read_log(write("f.csv", "case;activity;timestamp;\nc1;A;2024-01-02 09:00;x\nc1;B;2024-01-02 10:00;\n"))
    assert len(log.columns) == 4 and not any("empty columns" in line for line in report.lines())  # a value: kept


def test_the_row_numbers_pandas_writes_without_a_header_are_dropped(write, tmp_path):
    """``DataFrame.to_csv()`` and ``to_excel()`` write the index first, without a header
    (BPIC helpdesk and road-fines copies on GitHub carry it); kept, it would be an
    attribute that the decision trees could split on."""
    frame = pd.DataFrame({"case:concept:name": ["c1", "c1", "c2"], "concept:name": ["A", "B", "A"],
                          "time:timestamp": ["2024-01-02 09:00", "2024-01-02 10:00", "2024-01-03 09:00"]},
                         index=[0, 5, 2])  # a filtered, re-sorted frame keeps its labels
    frame.to_csv(tmp_path / "p.csv")
    frame.to_excel(tmp_path / "p.xlsx")
    plain, _ = read_log(write("q.csv", frame.to_csv(index=False)))
    for name in ("p.csv", "p.xlsx"):
        log, report = read_log(tmp_path / name)
        pd.testing.assert_frame_equal(log, plain)
        assert ("note: a column without a header holding row numbers dropped: 'Unnamed: 0' "
                "(the index pandas writes)") in report.lines()
    kept, _ = read_log(write("r.csv", ",case,activity,timestamp\n7,c1,A,2024-01-02 09:00\n7,c1,B,2024-01-02 10:00\n"))
    assert "Unnamed: 0" in kept.columns  # repeated numbers are data, not row labels


def test_no_timestamp_column_by_name_names_those_that_hold_timestamps(write):
    text = ("Diaarinumero;Toimenpide;Toimenpiteen pvm;Käsittelijä;Summa\n"
            "A1;V;2.1.2024 9.00;m;12,5\nA1;P;2.1.2024 11.00;j;45000\nA2;V;4.2.2024 9.00;m;3\n")
    with pytest.raises(ColumnError, match=r"name it with --timestamp COLUMN \('Toimenpiteen pvm' holds "
                                          r"timestamps\)$"):
        read_log(write("n.csv", text))          # amounts that could read as Excel dates are not named
    log, _ = read_log(write("n.csv", text), timestamp="Toimenpiteen pvm")
    assert len(log) == 3


@pytest.mark.parametrize("name", ["loki.xls", "loki.ods"])
def test_excel_97_and_opendocument_spreadsheets(write, name, tmp_path):
    """Older systems export .xls, LibreOffice users .ods: read as the same log as CSV
    (tests/data holds them, written by xlwt and pandas' odf writer)."""
    log, report = read_log(Path(__file__).parent / "data" / name)
    csv_log, _ = read_log(write("loki.csv", "Asianumero;Toimenpide;Aikaleima;Käsittelijä\n"
                                "A0;Vastaanotto;2.1.2024 9.05;mvirtanen\nA0;Päätös;2.1.2024 11.05;jlaine\n"
                                "A1;Vastaanotto;22.1.2024 9.05;mvirtanen\nA1;Päätös;22.1.2024 11.05;jlaine\n"))
    pd.testing.assert_frame_equal(log, csv_log)
    assert report.rows_read == report.rows_kept == 4
    broken = tmp_path / "broken.xls"
    broken.write_bytes(b"not a workbook" * 10)
    with pytest.raises(InputError, match="broken.xls: not a readable Excel workbook"):
        read_log(broken)


def test_parquet_and_excel(tmp_path):
    frame = pd.DataFrame({"case_id": ["a", "a"], "activity": ["X", "Y"],
                          "timestamp": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 11:00"])})
    frame.to_parquet(tmp_path / "l.parquet")
    frame.to_excel(tmp_path / "l.xlsx", index=False)
    for name in ("l.parquet", "l.xlsx"):
        log, report = read_log(tmp_path / name)
        _accounted(report, log, len(frame))
        assert report.rows_kept == 2
        assert log["time:timestamp"].iloc[0] == pd.Timestamp("2024-01-01 08:00", tz="UTC")


def test_explicit_column_overrides(write):
    text = "tid,step,when,who\n1,A,2024-01-01 10:00,p\n"
    log, report = read_log(write("o.csv", text), case="tid", activity="step", timestamp="when")
    assert report.mapping["case"] == "tid"
    assert log["concept:name"].iloc[0] == "A"


@pytest.mark.parametrize("content,error,message", [
    ("", InputError, "bad.csv: the file is empty; export the log again"),
    ("case,activity,timestamp\n", InputError, "bad.csv: the log has a header but no rows; export the log again"),
    ("foo,bar\n1,2\n", ColumnError, "bad.csv: no case column found among 'foo', 'bar'; name it with --case COLUMN"),
    ("case,activity,timestamp\nc,A,not a time\nc,B,never\n", InputError,
     "bad.csv: all 2 rows were rejected (first reason: unparseable timestamp, e.g. row 1); check the "
     "column mapping with --case/--activity/--timestamp and the --timestamp-format"),
])
def test_bad_csv_input_errors(write, content, error, message):
    path = write("bad.csv", content)
    with pytest.raises(error) as err:
        read_log(path)
    assert str(err.value) == message


@pytest.mark.parametrize("time", ["20250102 08:14", "20250102"])
def test_a_file_without_a_header_and_compact_dates_is_told_so(write, time):
    """The first row of data was taken for the header and quoted back, a person's name in
    it: "no case column found among 'H-1', ..., 'Maija Meikäläinen'"."""
    path = write("nh.csv", f"H-1;Hyväksyntä;{time};Maija Meikäläinen\nH-1;Kirjaus;20250103;Maija Meikäläinen\n")
    for explicit in ({}, {"case": "asia"}):
        with pytest.raises(ColumnError) as err:
            read_log(path, **explicit)
        assert str(err.value) == ("nh.csv: the first row is data, not column names (column 3 holds a date): add a "
                                  "header row to the file (for example case;activity;timestamp;resource)")


def test_a_first_row_of_data_is_not_quoted_when_its_date_is_not_known(write):
    path = write("nh.csv", "H-1;Hyväksyntä;2 Jan 2025;Maija Meikäläinen;12,50\n")
    for explicit in ({}, {"case": "asia"}):
        with pytest.raises(ColumnError) as err:
            read_log(path, **explicit)
        assert "Maija" not in str(err.value) and "column 5 holds a number, date or time" in str(err.value)


def test_unknown_column_named_explicitly(write):
    with pytest.raises(ColumnError) as err:
        read_log(write("x.csv", "case,activity,timestamp\nc,A,2024-01-01\n"), case="nope")
    assert str(err.value) == "x.csv: --case column 'nope' not found; the columns are 'case', 'activity', 'timestamp'"


def test_ambiguous_header_is_refused(write):
    text = "asianumero,case_id,toimenpide,activity,aikaleima,timestamp\n1,2,A,B,2024-01-01,2024-01-01\n"
    with pytest.raises(ColumnError) as err:
        read_log(write("amb.csv", text))
    assert str(err.value) == ("amb.csv: the header fits several column presets (fi, csv); choose one with "
                              "--preset or name the columns with --case/--activity/--timestamp")


def test_repeated_text_attributes_become_categories_with_their_values(write):
    path = write("k.csv", "case;activity;resource;timestamp;channel;note\n"
                          "c1;A;Anna;2024-01-02 10:00;paperi;first\n"
                          "c1;B;Anna;2024-01-02 11:00;paperi;second\n"
                          "c2;A;Anna;2024-01-03 10:00;verkko;third\n"
                          "c2;B;Ben;2024-01-03 11:00;verkko;fourth\n"
                          "c3;A;Ben;2024-01-04 10:00;paperi;fifth\n"
                          "c3;B;Ben;2024-01-04 11:00; ;\n")
    log, _ = read_log(path)
    assert isinstance(log["channel"].dtype, pd.CategoricalDtype)       # 2 values in 6 rows
    assert log["channel"].astype(object).tolist()[:5] == ["paperi", "paperi", "verkko", "verkko", "paperi"]
    assert log["channel"].cat.categories.tolist() == ["paperi", "verkko"]  # blank: missing
    assert not isinstance(log["note"].dtype, pd.CategoricalDtype)      # every value distinct
    assert log["channel"].isna().tolist() == log["note"].isna().tolist() == [False] * 5 + [True]
    for role in ("case:concept:name", "concept:name", "org:resource"):  # roles stay text
        assert isinstance(log[role].dtype, pd.StringDtype)


ROLES = ("case:concept:name", "concept:name", "org:resource")


@pytest.mark.parametrize("name", ["ostolaskut.csv.gz", "rakennuslupa.xes.gz", "varhaiskasvatus.csv.gz"])
def test_categorical_roles_hold_the_text_of_the_roles(name):
    """As the CLI reads: the same rows, report and values, the roles as sorted categories."""
    read_log(SAMPLES / name)  # an XES log's Parquet cache, which the report's note names
    text, report = read_log(SAMPLES / name)
    coded, coded_report = read_log(SAMPLES / name, categorical_roles=True)
    assert coded_report == report
    for role in ROLES:
        column = coded[role]
        assert isinstance(column.dtype, pd.CategoricalDtype)
        assert column.cat.categories.tolist() == sorted(text[role].dropna().unique())
    pd.testing.assert_frame_equal(coded.astype({r: "string" for r in ROLES}), text)


def test_categorical_roles_clean_whitespace_and_blanks_as_text_does(write):
    path = write("w.csv", "case;activity;resource;timestamp\n"
                          " c1;A ;Anna;2024-01-02 10:00\n"
                          "c1;A;  ;2024-01-02 11:00\n"
                          "c2; B;Anna ;2024-01-03 10:00\n"
                          "  ;B;Ben;2024-01-03 11:00\n"
                          "c2;\t;Ben;2024-01-03 12:00\n")
    text, report = read_log(path)
    coded, coded_report = read_log(path, categorical_roles=True)
    assert coded_report == report
    assert report.rejected == {"missing case id": 1, "missing activity": 1}
    assert coded["concept:name"].cat.categories.tolist() == ["A", "B"]   # "A " and "A" are one
    assert coded["org:resource"].cat.categories.tolist() == ["Anna"]     # blank: missing
    pd.testing.assert_frame_equal(coded.astype({r: "string" for r in ROLES}), text)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["b", "a", "ä", "B", " ", "", "10", "9"])), max_size=30),
       st.sampled_from(["string", "str", "object"]))
def test_attribute_categories_are_those_of_astype_category(values, dtype):
    """Built from one factorisation, the categories and codes are pandas' own."""
    column = pd.Series(values, dtype=dtype, name="x")
    codes, uniques = pd.factorize(column)
    expected = column.astype("category")
    got = _as_categories(column, codes, uniques)
    assert got.dtype == expected.dtype and got.cat.categories.tolist() == expected.cat.categories.tolist()
    assert got.cat.codes.tolist() == expected.cat.codes.tolist() and got.name == "x"


def test_wide_real_log_attributes_take_a_fraction_of_the_memory():
    log, _ = read_log(shared_log("bpic2020/PermitLog.xes.gz"))
    as_text = log.astype({c: "str" for c in log.columns if isinstance(log[c].dtype, pd.CategoricalDtype)})
    assert log.memory_usage(deep=True).sum() < as_text.memory_usage(deep=True).sum() / 4


def test_plain_number_attributes_become_numbers(write):
    path = write("n.csv", "case;activity;timestamp;amount;count;postcode;mixed\n"
                          "c1;A;2024-01-02 10:00;12.5;3;00100;x1\n"
                          "c1;B;2024-01-02 11:00;;4;00200;7\n")
    log, report = read_log(path)
    assert log["amount"].dtype == float and log["amount"].isna().sum() == 1
    assert log["count"].dtype == "int64"
    assert log["postcode"].tolist() == ["00100", "00200"]
    assert not pd.api.types.is_numeric_dtype(log["mixed"])
    assert any("numbers read in amount, count" in n for n in report.notes)


@pytest.mark.parametrize("categorical", [False, True])
def test_nul_characters_are_removed_and_counted_the_same_either_way(write, categorical):
    """'Anna\\x00\\x00' was a fifth person as text and silently Anna as categories (QA)."""
    text = ("case_id,activity,timestamp,resource\n"
            "1,Check,2025-03-03 09:00,Anna\n1,Sign\x00,2025-03-03 10:00,Anna\x00\x00\n"
            "2,Check,2025-03-04 09:00,Eero\n")
    log, report = read_log(write("nul.csv", text), categorical_roles=categorical)
    assert sorted(log["org:resource"].astype(str).unique()) == ["Anna", "Eero"]
    assert sorted(log["concept:name"].astype(str).unique()) == ["Check", "Sign"]
    assert {str(k): v for k, v in report.repaired.items()} == {"activity: NUL characters removed": 1,
                                                               "resource: NUL characters removed": 1}


def test_decimal_commas_in_excel_text_cells_are_numbers_as_in_csv(tmp_path):
    """A Finnish system's amounts written into text cells (479,04) stayed text in Excel
    and were numbers in the CSV export, so the two ranked differently (QA)."""
    log, _ = read_log("eventlogs/ostolaskut.csv.gz")
    frame = log.head(2000).copy()
    frame["case:amount"] = frame["case:amount"].map(lambda v: f"{v:.2f}".replace(".", ","))
    frame["time:timestamp"] = frame["time:timestamp"].dt.tz_convert("Europe/Helsinki").dt.tz_localize(None)
    csv_path, xlsx_path = tmp_path / "a.csv", tmp_path / "a.xlsx"
    frame.to_csv(csv_path, sep=";", index=False)
    frame.to_excel(xlsx_path, index=False)
    from_csv, csv_report = read_log(csv_path)
    from_xlsx, xlsx_report = read_log(xlsx_path)
    assert from_xlsx["case:amount"].dtype.kind == "f"
    assert from_xlsx["case:amount"].tolist() == from_csv["case:amount"].tolist()
    assert "decimal comma read in case:amount" in xlsx_report.notes


def test_lifecycle_notes_count_the_rows_kept(write):
    """An empty row (;;;;) was noted as an event without a lifecycle value read as a
    completion, though it was rejected and no kept event lacked one (QA)."""
    rows = [f"c{i};A;1.2.2024 10.{i:02d};x;{w}" for i in range(1, 40) for w in ("aloitettu", "valmis")]
    text = "case_id;activity;timestamp;resource;lifecycle\n" + "\n".join([*rows, ";;;;", "c9;B;;x;valmis"]) + "\n"
    log, report = read_log(write("l.csv", text))
    assert report.rows_rejected == 2
    assert not any("without a lifecycle value" in str(n) or "blank" in str(n) for n in report.notes)
    words = next(str(n) for n in report.notes if "valmis" in str(n))
    assert "valmis → complete 39" in words and "aloitettu → start 39" in words


@pytest.mark.parametrize("options", [[], ["--case", "1", "--activity", "2", "--timestamp", "3"]])
def test_an_export_without_a_header_row_is_named_so_and_its_people_are_not_quoted(write, options):
    """A CSV saved without its header row: its first row had been quoted back as the
    column names, a handler's name among them (a privacy review)."""
    from click.testing import CliRunner

    from rpa_scout.cli import main

    path = write("t.csv", "OL-1;Hyväksyntä;2.1.2025 8.14;Maija Meikäläinen\n"
                          "OL-1;Maksu;3.1.2025 9.00;Maija Meikäläinen\n", "cp1252")
    result = CliRunner().invoke(main, ["rank", str(path), *options])
    assert result.exit_code == 1
    assert result.output == (f"Error: {path.name}: the first row is data, not column names (column 3 holds a "
                             "date): add a header row to the file (for example case;activity;timestamp;resource)\n")
