"""Filters shared by every command and the Python API (issue 13, item 3)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from rpa_scout import Settings, read_log
from rpa_scout.cli import main
from rpa_scout.errors import ColumnError, ConfigError
from rpa_scout.filters import filter_log
from rpa_scout.io.config import load_settings
from rpa_scout.settings import Condition, FilterSettings, parse_day
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "ostolaskut.csv.gz"
TOWNS = ("case_id;activity;timestamp;resource;town;amount\n"
         "A1;Kirjaus;2024-03-01 09:00;Aino;Espoo;10\nA1;Päätös;2024-03-04 10:00;Aino;Espoo;10\n"
         "B1;Kirjaus;2024-03-20 09:00;Eero;Vantaa;25\nB1;Päätös;2024-04-02 10:00;Eero;Vantaa;25\n"
         "C1;Kirjaus;2024-04-03 09:00;Aino;Espoo;7\nC1;Päätös;2024-04-05 10:00;Aino;Espoo;7\n"
         "D1;Kirjaus;2024-04-28 09:00;Eero;Vantaa;3\nD1;Päätös;2024-05-02 10:00;Eero;Vantaa;3\n")


@pytest.fixture(scope="module")
def invoices():
    log, _ = read_log(SAMPLE)
    return log


@pytest.fixture
def towns(write) -> Path:
    return write("towns.csv", TOWNS)


def _run(*args: str):
    return CliRunner().invoke(main, [*args])


def _error(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# ------------------------------------------------------------------------------- settings
def test_conditions_and_days_are_parsed():
    assert Condition.parse("town=Espoo") == Condition("town", "=", ("Espoo",))
    assert Condition.parse("town != Espoo") == Condition("town", "!=", ("Espoo",))
    assert Condition.parse("label in 1, 2,3") == Condition("label", "in", ("1", "2", "3"))
    assert Condition.parse("label not in 4").text() == "label not in 4"
    assert Condition.parse("note=a=b").values == ("a=b",)
    assert parse_day("1.2.2014", "--from") == "2014-02-01"
    assert FilterSettings(date_from="2014-2-1").date_from == "2014-02-01"
    with pytest.raises(ConfigError, match=r"^where \(--where\) 'town': write COLUMN=VALUE"):
        FilterSettings(where=("town",))
    with pytest.raises(ConfigError, match=r"^--where 'town': write COLUMN=VALUE"):  # the CLI's
        FilterSettings(where=("town",), options_only=True)
    with pytest.raises(ConfigError, match=r"^date_from \(--from\) 2015-01-01 is after date_to \(--to\) 2014-01-01$"):
        FilterSettings(date_from="2015-01-01", date_to="2014-01-01")
    with pytest.raises(ConfigError, match=r"^--from 2015-01-01 is after --to 2014-01-01$"):
        FilterSettings(date_from="2015-01-01", date_to="2014-01-01", options_only=True)
    assert not FilterSettings().active and not FilterSettings(min_cases=1).active


def test_config_filter_section(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("filter: {from: 2024-03-01, to: 31.3.2024, period_basis: events, "
                      "where: [town=Espoo], min_cases: 2}\n")
    chosen = load_settings(config).filter
    assert chosen == FilterSettings("2024-03-01", "2024-03-31", "events", ("town=Espoo",), 2)
    overridden = load_settings(config, filters={"where": ("town=Vantaa",), "date_from": None}).filter
    assert overridden.where == ("town=Vantaa",) and overridden.date_from == "2024-03-01"
    for text, message in (("filter: {from: 2024-13-01}", "c.yaml: filter.from '2024-13-01' is not a date"),
                          ("filter: {from: '2024-2-30'}", "c.yaml: filter.from '2024-2-30' is not a date"),
                          ("filter: {colour: red}", "c.yaml: filter: unknown key(s) colour"),
                          ("filter: {where: [town]}", "c.yaml: filter.where 'town': write"),
                          ("filter: {period_basis: days}", "c.yaml: filter.period_basis must be cases or events"),
                          ("filter: {min_cases: -1}", "c.yaml: filter.min_cases must be a whole number")):
        config.write_text(text + "\n")
        with pytest.raises(ConfigError) as caught:
            load_settings(config)
        assert str(caught.value).startswith(str(tmp_path / message.split(":")[0]) + ":" + message.split(":", 1)[1]), \
            str(caught.value)


# ------------------------------------------------------------------------------ the API
def test_no_filter_returns_the_log_itself(invoices):
    log, report = filter_log(invoices)
    assert log is invoices and report.steps == () and report.lines() == []


def test_period_by_case_start_keeps_whole_cases(invoices):
    chosen = Settings(filter=FilterSettings(date_from="2025-03-01", date_to="2025-03-31"))
    log, report = filter_log(invoices, settings=chosen)
    starts = log.groupby("case:concept:name")["time:timestamp"].min().dt.tz_convert("Europe/Helsinki")
    assert starts.min() >= pd.Timestamp("2025-03-01", tz="Europe/Helsinki")
    assert starts.max() < pd.Timestamp("2025-04-01", tz="Europe/Helsinki")
    # whole cases: work done in April on March cases is kept
    assert log["time:timestamp"].max() > pd.Timestamp("2025-04-01", tz="UTC")
    whole = invoices[invoices["case:concept:name"].isin(set(log["case:concept:name"]))]
    assert len(whole) == len(log) == report.events_kept
    assert report.cases_kept == log["case:concept:name"].nunique() < report.cases_before == 3000


def test_period_by_events_trims_cases(invoices):
    chosen = Settings(filter=FilterSettings(date_from="2025-03-01", date_to="2025-03-31",
                                            period_basis="events"))
    log, report = filter_log(invoices, settings=chosen)
    local = log["time:timestamp"].dt.tz_convert("Europe/Helsinki")
    assert local.min() >= pd.Timestamp("2025-03-01", tz="Europe/Helsinki")
    assert local.max() < pd.Timestamp("2025-04-01", tz="Europe/Helsinki")
    assert "events in 2025-03-01 .. 2025-03-31 (local days, Europe/Helsinki), cases cut" in report.lines()[1]


def test_where_and_min_cases_in_order(invoices):
    chosen = Settings(filter=FilterSettings(where=("channel != paperi",), min_cases=100))
    log, report = filter_log(invoices, settings=chosen)
    assert "paperi" not in set(log["case:channel"]) and len(set(log["case:channel"])) >= 1
    assert report.steps[0].what == "--where channel!=paperi (column case:channel)"
    counts = log.groupby("concept:name", observed=True)["case:concept:name"].nunique()
    assert counts.min() >= 100
    assert report.steps[-1].what.startswith("activities in fewer than 100 cases dropped")


def test_source_column_names_and_case_prefix(towns):
    log, report = read_log(towns)
    aliases = {src: col for src, col in (("case_id", "case:concept:name"),)}
    kept, _ = filter_log(log, settings=Settings(filter=FilterSettings(where=("case_id=A1",))),
                         aliases=aliases)
    assert set(kept["case:concept:name"]) == {"A1"}
    numeric, _ = filter_log(log, settings=Settings(filter=FilterSettings(where=("amount in 3, 7",))))
    assert set(numeric["case:concept:name"]) == {"C1", "D1"}
    with pytest.raises(ColumnError, match=r"^where \(--where\) column 'resource' is the resource column"):
        filter_log(log, settings=Settings(filter=FilterSettings(where=("resource=Aino",))),
                   aliases={"resource": "org:resource"})


# ------------------------------------------------------------------------------- the CLI
def test_every_command_takes_the_filters(towns, tmp_path):
    for command in (["inspect"], ["variants"], ["map", "--format", "json", "--out", str(tmp_path / "m.json")]):
        result = _run(command[0], str(towns), "--where", "town=Espoo", "--from", "2024-03-01", *command[1:])
        assert result.exit_code == 0, result.output
    out = _run("inspect", str(towns), "--where", "town=Espoo", "--from", "1.3.2024", "--to", "2024-03-31").output
    assert ("filters kept 1 of 4 cases and 2 of 8 events (dropped 3 cases, 6 events), in this order:"
            in " ".join(out.split()))   # wrapped at 80 columns
    assert ("1. cases started 2024-03-01 .. 2024-03-31 (local days, Europe/Helsinki), with all their "
            "events (--period-basis cases): 2 cases, 4 events left") in " ".join(out.split())
    assert "2. --where town=Espoo: 1 case, 2 events left" in out


def test_a_filter_that_keeps_nothing_is_one_error_line(towns):
    assert _error(_run("inspect", str(towns), "--where", "town=Turku")) == (
        "Error: the filters keep no events: --where town=Turku matches none of the 8 events "
        "(town has Espoo, Vantaa)")
    assert _error(_run("variants", str(towns), "--from", "2025-01-01")) == (
        "Error: the filters keep no events: nothing falls in 2025-01-01 .. … (local days, "
        "Europe/Helsinki): the log's cases start 2024-03-01 .. 2024-04-28")
    assert _error(_run("inspect", str(towns), "--min-cases", "5")) == (
        "Error: the filters keep no events: --min-cases 5 drops every activity (the most common "
        "is in 4 cases)")


def test_bad_dates_and_columns_are_one_error_line(towns):
    assert _error(_run("inspect", str(towns), "--from", "2024-02-30")) == (
        "Error: --from '2024-02-30' is not a date; write it as YYYY-MM-DD (or d.m.yyyy)")
    assert _error(_run("rank", str(towns), "--to", "tomorrow")) == (
        "Error: --to 'tomorrow' is not a date; write it as YYYY-MM-DD (or d.m.yyyy)")
    assert _error(_run("inspect", str(towns), "--where", "kunta=Espoo")) == (
        "Error: --where column 'kunta' not found; the columns are 'case_id', 'activity', "
        "'timestamp', 'resource', 'town', 'amount'")  # as the file names them (QA)
    assert _error(_run("inspect", str(towns), "--where", "resource=Aino")) == (
        "Error: --where column 'resource' is the resource column: rpa_scout never singles out "
        "people; use a group, department or office column")


def test_where_from_a_config_file_is_named_by_the_file_and_key(towns, tmp_path):
    """A condition written in the settings file is called filter.where in that file, not
    --where, whatever is wrong with it; one given as --where is called --where still."""
    config = tmp_path / "c.yaml"
    forms = "COLUMN=VALUE, COLUMN!=VALUE, 'COLUMN in A,B' or 'COLUMN not in A,B'"
    for where, message in (
            ("town", f"{config}: filter.where 'town': write {forms}"),
            ("'=Espoo'", f"{config}: filter.where '=Espoo': a column and a value are needed; write {forms}"),
            ("kunta=Espoo", f"{config}: filter.where column 'kunta' not found; the columns are "
                            "'case_id', 'activity', 'timestamp', 'resource', 'town', 'amount'"),
            ("town=Turku", f"the filters keep no events: {config}: filter.where town=Turku matches none of the "
                           "8 events (town has Espoo, Vantaa)")):
        config.write_text(f"filter: {{where: [{where}]}}\n", encoding="utf-8")
        assert _error(_run("inspect", str(towns), "--config", str(config))) == f"Error: {message}"
    # the option replaces the file's conditions, and its errors name the option
    assert _error(_run("inspect", str(towns), "--config", str(config), "--where", "kunta=Espoo")).startswith(
        "Error: --where column 'kunta' not found;")
    assert load_settings(config).filter == FilterSettings(where=("town=Turku",))  # the name is not compared
    config.write_text("filter: {where: [town=Espoo]}\n", encoding="utf-8")
    shown = _run("inspect", str(towns), "--config", str(config)).output
    assert "filter.where town=Espoo" in shown and "--where" not in shown


def test_where_and_by_read_values_as_written():
    """QA: '91' did not match a float column's 91.0 in a list with a word; --by made
    organisations '49.0' locally and '49' on Spark, and 'B ' apart from 'B'; names and
    values in another Unicode form (NFD, as macOS writes ä) were not found."""
    import unicodedata

    from rpa_scout.compare import split_by
    from rpa_scout.errors import ConfigError
    from rpa_scout.filters import _matches, resolve_column

    codes = pd.Series([91.0, 49.0, None, 92.0])
    assert _matches(codes, ("91", "x")).tolist() == [True, False, False, False]
    assert (~_matches(codes, ("91", "x"))).tolist() == [False, True, True, True]  # not in 91,x
    nfd = unicodedata.normalize("NFD", "Länsi")
    assert _matches(pd.Series([nfd, "Itä"]), ("Länsi",)).tolist() == [True, False]
    log = pd.DataFrame({"case:concept:name": ["1", "2", "3"], "concept:name": ["A"] * 3,
                        "time:timestamp": pd.to_datetime([0, 1, 2], utc=True),
                        unicodedata.normalize("NFD", "toimipiste_ä"): [1.0, 2.0, None]})
    assert resolve_column(log, "toimipiste_ä", None, "--by") == unicodedata.normalize("NFD", "toimipiste_ä")
    assert list(split_by(log, "toimipiste_ä")) == ["1", "2"]
    spaced = log.assign(kunta=["B", "B ", "C"])
    with pytest.raises(ConfigError, match="its values 'B' and 'B ' both read as 'B'"):
        split_by(spaced, "kunta")
