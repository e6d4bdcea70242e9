"""io/config: the YAML config (every section and key), load_settings and standard times.

Every bad value gives one ConfigError whose whole message is asserted: it names the file,
the key and what to write instead.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from rpa_scout.assumptions import Economics
from rpa_scout.errors import ConfigError
from rpa_scout.io.config import load_settings, read_config, read_standard_times
from rpa_scout.settings import HandlingSettings, ManualRules, RankConfig, ReadSettings, Settings

READ_KEYS = ("preset, case, activity, timestamp, resource, lifecycle, start_timestamp, instance, event_id, "
             "timestamp_format, timezone, delimiter, encoding, sheet, drop_duplicates, max_bytes, cache, "
             "epoch_clock")
SECTIONS = "read, filter, manual, handling, rank, economics, present"
MANUAL_KEYS = ("system_resources, person_resources, system_activities, manual_activities, "
               "machine_daily_events, off_hours_share, machine_off_hours_events, person_day_hours, "
               "quick_seconds, pattern_cases, tie_margin, trigger_share, record_share, zero_duration_seconds, "
               "burst_cases, activity_share")


@pytest.fixture
def config(tmp_path):
    """Write a config file; return its path."""
    def _config(text: str | bytes, name: str = "c.yaml"):
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return path
    return _config


def _message(path, text: str | None = None) -> str:
    with pytest.raises(ConfigError) as err:
        read_config(path) if text is None else read_standard_times(path)
    return str(err.value)


# ----------------------------------------------------------------- read_config: good files
def test_every_section_and_key_read(config, tmp_path):
    (tmp_path / "ajat.csv").write_text("activity;minutes\nTarkastus;6,5\n", encoding="utf-8")
    path = config(
        "read: {preset: fi, case: asia, activity: vaihe, timestamp: pvm, resource: tekijä,\n"
        "       lifecycle: tila, start_timestamp: alku, event_id: tunnus, timestamp_format: '%d.%m.%Y',\n"
        "       timezone: Europe/Amsterdam, delimiter: ';', encoding: cp1252, sheet: Loki,\n"
        "       drop_duplicates: true, max_bytes: 500M, cache: false, epoch_clock: utc}\n"
        "filter: {from: 2024-01-01, to: '31.12.2024', period_basis: events, where: ['label in 1,2', x=3],\n"
        "         min_cases: 5}\n"
        "manual: {system_resources: ['Basware.*'], person_resources: Aino, system_activities: [Maksuajo],\n"
        "         manual_activities: [Tarkastus], machine_daily_events: 300, off_hours_share: 0.4,\n"
        "         machine_off_hours_events: 90, person_day_hours: 12, quick_seconds: 8, pattern_cases: 4,\n"
        "         tie_margin: 0.1, record_share: 0.6, zero_duration_seconds: 3, burst_cases: 6,\n"
        "         activity_share: 0.7}\n"
        "handling: {standard_times: ajat.csv}\n"
        "rank: {weights: {rule_basedness: 1, volume: 0.5}, fit_threshold: 0.5, minimums: {variability: 0.3},\n"
        "       sort_by: fit, routines: false, bootstrap_rounds: 50, seed: 7}\n"
        "economics: {fte_hours: 1600, hourly_cost: 38, build_days: 15, day_rate: 700, licence_per_year: 0,\n"
        "            payback_horizon_months: 36}\n"
        "present: {lang: sv}\n")
    assert read_config(path) == {
        "read": {"preset": "fi", "case": "asia", "activity": "vaihe", "timestamp": "pvm", "resource": "tekijä",
                 "lifecycle": "tila", "start_timestamp": "alku", "event_id": "tunnus",
                 "timestamp_format": "%d.%m.%Y", "timezone": "Europe/Amsterdam", "delimiter": ";",
                 "encoding": "cp1252", "sheet": "Loki", "drop_duplicates": True, "max_bytes": 500 << 20,
                 "cache": False, "epoch_clock": "utc"},
        "filter": {"date_from": "2024-01-01", "date_to": "2024-12-31", "period_basis": "events",
                   "where": ("label in 1,2", "x=3"), "min_cases": 5},
        "manual": {"system_resources": ("Basware.*",), "person_resources": ("Aino",),
                   "system_activities": ("Maksuajo",), "manual_activities": ("Tarkastus",),
                   "machine_daily_events": 300.0, "off_hours_share": 0.4, "machine_off_hours_events": 90.0,
                   "person_day_hours": 12.0, "quick_seconds": 8.0, "pattern_cases": 4.0, "tie_margin": 0.1,
                   "record_share": 0.6, "zero_duration_seconds": 3.0, "burst_cases": 6.0,
                   "activity_share": 0.7},
        "handling": {"standard_times": {"Tarkastus": 6.5}},
        "rank": {"weights": {"rule_basedness": 1.0, "volume": 0.5}, "fit_threshold": 0.5,
                 "minimums": {"variability": 0.3}, "sort_by": "fit", "routines": False,
                 "bootstrap_rounds": 50, "seed": 7},
        "economics": {"fte_hours": 1600.0, "hourly_cost": 38.0, "build_days": 15.0, "day_rate": 700.0,
                      "licence_per_year": 0.0, "payback_horizon_months": 36.0},
        "present": {"lang": "sv"},
    }


def test_manual_keys_are_every_threshold_of_manual_rules():
    """The config knows exactly the ManualRules fields (the zone comes from read)."""
    fields = [f.name for f in dataclasses.fields(ManualRules) if f.name != "timezone"]
    assert sorted(fields) == sorted(MANUAL_KEYS.split(", "))


@pytest.mark.parametrize("text,expected", [
    ("", {}),
    ("# nothing but a comment\n", {}),
    ("manual:\nrank:\n", {"manual": {}, "rank": {}}),
    ("handling: {standard_times: null}\n", {"handling": {}}),
    ("read: {case: null, max_bytes: 1000}\n", {"read": {"case": None, "max_bytes": 1000}}),
    ("\ufeffeconomics: {hourly_cost: 40}\n", {"economics": {"hourly_cost": 40.0}}),
])
def test_empty_sections_and_values(config, text, expected):
    assert read_config(config(text)) == expected


def test_standard_times_path_absolute_or_beside_the_config(config, tmp_path):
    times = tmp_path / "sub" / "t.yaml"
    times.parent.mkdir()
    times.write_text("Kirjaus: 4\n", encoding="utf-8")
    assert read_config(config("handling: {standard_times: sub/t.yaml}\n"))["handling"] == {
        "standard_times": {"Kirjaus": 4.0}}
    assert read_config(config(f"handling: {{standard_times: '{times}'}}\n"))["handling"] == {
        "standard_times": {"Kirjaus": 4.0}}
    assert _message(config("handling: {standard_times: none.csv}\n")) == (
        f"{tmp_path / 'c.yaml'}: handling.standard_times: none.csv not found (looked for {tmp_path / 'none.csv'}; "
        "a relative name is read beside the config file)")


# ----------------------------------------------------------------- read_config: bad files
BAD = [
    ("- a\n", f"expected sections {SECTIONS} at the top level"),
    ("colour: red\nrank: {}\n", f"unknown section(s) colour; use {SECTIONS}"),
    ("manual: just a string\n", "manual must be a mapping of keys to values, got str 'just a string'"),
    ("rank: [1, 2]\n", "rank must be a mapping of keys to values, got list [1, 2]"),
    ("rank: [unclosed\n", "not valid YAML at line 2; check the indentation and colons"),
    # read
    ("read: {colour: 1}\n", f"read: unknown key(s) colour; known: {READ_KEYS}"),
    ("read: {drop_duplicates: 'yes'}\n", "read.drop_duplicates must be true or false, got 'yes'"),
    ("read: {max_bytes: true}\n", "read.max_bytes must be a size such as 500M or 8G, got True"),
    ("read: {max_bytes: lots}\n", "read.max_bytes: 'lots' is not a size; write e.g. 4G, 500M or 1000000"),
    ("read: {cache: 'yes'}\n", "read.cache must be true or false, got 'yes'"),
    ("read: {epoch_clock: mars}\n", "read.epoch_clock must be auto, utc or local, got 'mars'"),
    ("read: {case: 5}\n", "read.case must be text, got 5"),
    ("read: {sheet: [a]}\n", "read.sheet must be text, got ['a']"),
    ("read: {timezone: Mars/Base}\n",
     "read.timezone: unknown time zone 'Mars/Base'; write a zone name such as Europe/Helsinki, "
     "Europe/Stockholm or UTC"),
    # filter
    ("filter: {colour: 1}\n", "filter: unknown key(s) colour; known: from, to, period_basis, where, min_cases"),
    ("filter: {from: x}\n", "filter.from 'x' is not a date; write it as YYYY-MM-DD (or d.m.yyyy)"),
    ("filter: {period_basis: weeks}\n", "filter.period_basis must be cases or events, got 'weeks'"),
    ("filter: {min_cases: -1}\n", "filter.min_cases must be a whole number of 0 or more, got -1"),
    ("filter: {min_cases: true}\n", "filter.min_cases must be a whole number of 0 or more, got True"),
    ("filter: {where: 5}\n", "filter.where must be a list of conditions (COLUMN=VALUE, COLUMN!=VALUE, "
                             "'COLUMN in A,B' or 'COLUMN not in A,B'), got 5"),
    ("filter: {where: [x=1, town]}\n", "filter.where 'town': write COLUMN=VALUE, COLUMN!=VALUE, "
                                       "'COLUMN in A,B' or 'COLUMN not in A,B'"),
    ("filter: {where: ['=1']}\n", "filter.where '=1': a column and a value are needed; write COLUMN=VALUE, "
                                  "COLUMN!=VALUE, 'COLUMN in A,B' or 'COLUMN not in A,B'"),
    # present
    ("present: {colour: 1}\n", "present: unknown key(s) colour; known: lang"),
    ("present: {lang: de}\n", "present.lang must be one of fi, sv, en, got 'de'"),
    # handling
    ("handling: {colour: x}\n", "handling: unknown key(s) colour; known: standard_times"),
    ("handling: {standard_times: 5}\n", "handling.standard_times must be a file name, got 5"),
    # rank
    ("rank: {colour: 1}\n",
     "rank: unknown key(s) colour; known: weights, fit_threshold, minimums, sort_by, routines, "
     "bootstrap_rounds, seed, capacity_hours"),
    ("rank: {weights: [1]}\n", "rank.weights must be a mapping of keys to values, got list [1]"),
    ("rank: {weights: {rule_basedness: x}}\n", "rank.weights.rule_basedness must be a number, got 'x'"),
    ("rank: {weights: {rule_basedness: .nan}}\n", "rank.weights.rule_basedness must be a finite number, got nan"),
    ("rank: {weights: {rule_basedness: -1}}\n", "rank.weights must not be negative"),
    ("rank: {minimums: {variability: true}}\n", "rank.minimums.variability must be a number, got True"),
    ("rank: {fit_threshold: x}\n", "rank.fit_threshold must be a number, got 'x'"),
    ("rank: {sort_by: 3}\n", "rank.sort_by must be a word such as hours, got 3"),
    ("rank: {routines: 'no'}\n", "rank.routines must be true or false, got 'no'"),
    ("rank: {bootstrap_rounds: 0}\n", "rank.bootstrap_rounds must be a whole number from 1 to 10,000, got 0"),
    ("rank: {bootstrap_rounds: 1.5}\n", "rank.bootstrap_rounds must be a whole number from 1 to 10,000, got 1.5"),
    ("rank: {bootstrap_rounds: 10001}\n",
     "rank.bootstrap_rounds must be a whole number from 1 to 10,000, got 10001"),
    ("rank: {seed: -1}\n", "rank.seed must be a whole number from 0 to 4,294,967,295, got -1"),
    ("rank: {seed: true}\n", "rank.seed must be a whole number from 0 to 4,294,967,295, got True"),
    # economics
    ("economics: {colour: 1}\n",
     "economics: unknown key(s) colour; known: fte_hours, hourly_cost, build_days, day_rate, licence_per_year, "
     "payback_horizon_months"),
    ("economics: {hourly_cost: lots}\n", "economics.hourly_cost must be a number, got 'lots'"),
    ("economics: {hourly_cost: .inf}\n", "economics.hourly_cost must be a finite number, got inf"),
    ("economics: {build_days: true}\n", "economics.build_days must be a number, got True"),
    # manual
    ("manual: {colour: 1}\n", f"manual: unknown key(s) colour; known: {MANUAL_KEYS}"),
    ("manual: {quick_seconds: -1}\n", "manual.quick_seconds must not be negative"),
    ("manual: {quick_seconds: x}\n", "manual.quick_seconds must be a number, got 'x'"),
    ("manual: {system_resources: 5}\n",
     "manual.system_resources must be a list of names or regular expressions, got 5"),
    ("manual: {person_resources: [a, 5]}\n",
     "manual.person_resources must be a list of names or regular expressions, got ['a', 5]"),
    ("manual: {manual_activities: ['[x']}\n",
     "manual.manual_activities: '[x' is not a valid regular expression (unterminated character set "
     "at position 0); escape special characters such as ( [ * with a backslash"),
]


@pytest.mark.parametrize("text,message", BAD, ids=[m.split(" ")[0] for _, m in BAD])
def test_bad_value_gives_the_exact_message(config, text, message):
    path = config(text)
    assert _message(path) == f"{path}: {message}"


def test_long_values_are_shortened_in_the_message(config):
    path = config(f"read: {{case: [{', '.join(['x'] * 40)}]}}\n")
    shown = repr(["x"] * 40)
    assert _message(path) == f"{path}: read.case must be text, got {shown[:57]}..."  # 60 characters


def test_the_file_itself(config, tmp_path):
    assert _message(tmp_path / "none.yaml") == f"{tmp_path / 'none.yaml'}: no such file"
    assert _message(tmp_path) == f"{tmp_path}: is a folder; give the config file"
    path = config("manual: {manual_activities: [Käsittely]}\n".encode("cp1252"))
    assert _message(path) == f"{path}: not UTF-8 text (byte 31); save the config file as UTF-8"
    path = config("# " + "x" * (1 << 20) + "\n")
    assert _message(path) == f"{path}: larger than 1 MiB; this is not a config file"


# ----------------------------------------------------------------------- load_settings
def test_load_settings_defaults():
    assert load_settings() == Settings()
    assert load_settings(None, read={"case": None}, rank={"sort_by": None},
                         economics={"hourly_cost": None}) == Settings()


def test_load_settings_file_then_options(config, tmp_path):
    (tmp_path / "a.csv").write_text("Kirjaus;5\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("Päätös;2\n", encoding="utf-8")
    path = config("read: {timezone: Europe/Amsterdam, case: asia}\n"
                  "manual: {quick_seconds: 8}\n"
                  "handling: {standard_times: a.csv}\n"
                  "rank: {sort_by: fit, seed: 3}\n"
                  "economics: {hourly_cost: 38, build_days: 15}\n")
    settings = load_settings(path)
    assert settings == Settings(read=ReadSettings(timezone="Europe/Amsterdam", case="asia"),
                                manual=ManualRules(quick_seconds=8.0),
                                handling=HandlingSettings(standard_times={"Kirjaus": 5.0}),
                                rank=RankConfig(sort_by="fit", seed=3),
                                economics=Economics().with_overrides(hourly_cost=38, build_days=15))
    assert settings.manual.timezone == "Europe/Amsterdam"  # one zone, given once
    assert settings.economics.hourly_source == "supplied by the user"
    lines = [a.line() for a in settings.economics.assumptions()]
    assert "bot build effort: 15 person-days (supplied; from your option or config file)" in lines  # not 'assumed'
    assert any(line.startswith("bot build day rate: 800 €/day (assumed; ") for line in lines)
    # options win over the file; None leaves the file's value
    settings = load_settings(path, read={"timezone": "UTC", "case": None}, rank={"sort_by": "volume"},
                             economics={"hourly_cost": 40, "fte_hours": None},
                             standard_times=tmp_path / "b.csv")
    assert (settings.read.timezone, settings.read.case, settings.manual.timezone) == ("UTC", "asia", "UTC")
    assert (settings.rank.sort_by, settings.rank.seed) == ("volume", 3)
    assert (settings.economics.hourly_cost, settings.economics.build_days) == (40.0, 15.0)
    assert settings.handling.standard_times == {"Päätös": 2.0}


KNOWN_CRITERIA = ("rule_basedness, standardisation, variability, stability, rework, manual_share, volume, "
                  "handling")


@pytest.mark.parametrize("text,message", [
    ("rank: {sort_by: colour}\n",
     "rank.sort_by must be one of hours, fit, volume, handling, euros, payback, got 'colour'"),
    ("rank: {fit_threshold: 2}\n", "rank.fit_threshold must be between 0 and 1, got 2.0"),
    ("rank: {weights: {rule_basedness: 0}}\n", "rank.weights must be finite, non-negative and not all zero"),
    ("rank: {weights: {size: 1}}\n", f"rank.weights has unknown key(s) size; known: {KNOWN_CRITERIA}"),
    ("rank: {minimums: {colour: 0.5}}\n", f"rank.minimums has unknown key(s) colour; known: {KNOWN_CRITERIA}"),
    ("rank: {minimums: {variability: 2}}\n", "rank.minimums.variability must be between 0 and 1, got 2.0"),
    ("economics: {hourly_cost: -1}\n", "economics.hourly_cost must not be negative, got -1.0"),
    ("economics: {fte_hours: 0}\n", "economics.fte_hours must be positive, got 0.0"),
    ("economics: {payback_horizon_months: 0}\n", "economics.payback_horizon_months must be positive, got 0.0"),
    ("filter: {from: 2025-07-01, to: 30.6.2025}\n",
     "filter.from 2025-07-01 is after the period's last day, 2025-06-30"),
])
def test_values_the_settings_refuse(config, text, message):
    """Checked by the settings themselves, a value from the file is named by the file and
    key, as the values read_config refuses are."""
    path = config(text)
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert str(err.value) == f"{path}: {message}"


def test_a_refused_value_is_blamed_on_where_it_came_from(config):
    """An option's value is the option's fault, not the file's; an option that replaces a
    refused file value leaves nothing to refuse."""
    path = config("rank: {sort_by: colour, fit_threshold: 0.5}\neconomics: {hourly_cost: -1}\n")
    settings = load_settings(path, rank={"sort_by": "fit"}, economics={"hourly_cost": 40})
    assert (settings.rank.sort_by, settings.rank.fit_threshold, settings.economics.hourly_cost) == ("fit", 0.5, 40.0)
    with pytest.raises(ConfigError) as err:
        load_settings(config("rank: {fit_threshold: 0.5}\n"), rank={"fit_threshold": 2})
    assert str(err.value) == "fit_threshold must be between 0 and 1, got 2"
    path = config("filter: {to: 2014-01-01}\n")
    with pytest.raises(ConfigError) as err:
        load_settings(path, filters={"date_from": "1.1.2015"})
    assert str(err.value) == f"--from 2015-01-01 is after filter.to 2014-01-01 in {path}"
    with pytest.raises(ConfigError) as err:
        load_settings(path, filters={"date_from": "1.1.2015", "date_to": "2014-12-31"})
    assert str(err.value) == "--from 2015-01-01 is after --to 2014-12-31"


def test_load_settings_bad_standard_times_option(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("activity;minutes\nKirjaus;-1\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_settings(standard_times=path)
    assert str(err.value) == f"{path}: minutes for 'Kirjaus' must not be negative"


# ------------------------------------------------------------------ read_standard_times
@pytest.mark.parametrize("name,text,expected", [
    ("t.csv", "activity;minutes\nKirjaus;5\nTarkastus;2,5\n", {"Kirjaus": 5.0, "Tarkastus": 2.5}),
    ("t.csv", "Kirjaus;5\nTarkastus;2,5\n", {"Kirjaus": 5.0, "Tarkastus": 2.5}),
    ("t.tsv", "toimenpide\tminuutit\nKirjaus\t5\n\nPäätös\t1440\n", {"Kirjaus": 5.0, "Päätös": 1440.0}),
    ("t.txt", "\ufeffåtgärd,minuter\n Registrering , 0.5 \n", {"Registrering": 0.5}),
    ("t.csv", "activity;min\nKirjaus;0\n", {"Kirjaus": 0.0}),
    ("t.csv", "a;b;minutes\nKirjaus;3;x\n", {"Kirjaus": 3.0}),
    ("t.yaml", "Kirjaus: 5\nPäätös: '2.5'\n", {"Kirjaus": 5.0, "Päätös": 2.5}),
    ("t.YML", "7: 1.5\n", {"7": 1.5}),
])
def test_standard_times(write, name, text, expected):
    assert read_standard_times(write(name, text)) == expected


@pytest.mark.parametrize("name,text,message", [
    ("t.csv", "", "empty standard-times file"),
    ("t.csv", "\n \n", "empty standard-times file"),
    ("t.csv", "Kirjaus\n", "row 1 needs an activity and minutes separated by ; , or tab"),
    ("t.csv", "activity;minutes\n", "no standard times in the file; write 'activity;minutes' rows"),
    ("t.csv", "activity;minutes\nKirjaus\n", "row 2 needs an activity and minutes"),
    ("t.csv", "activity;minutes\nKirjaus;1\n ;5\n", "row 3 needs an activity and minutes"),
    ("t.csv", "activity;minutes\nKirjaus;abc\n", "minutes for 'Kirjaus' is not a number: 'abc'"),
    ("t.csv", "activity;minutes\nKirjaus;1 440\n", "minutes for 'Kirjaus' is not a number: '1 440'"),
    # a first row without minutes is a row, not a header (a review: it had been skipped)
    ("t.csv", "Kirjaus;\nPäätös;5\n", "minutes for 'Kirjaus' is not a number: ''"),
    ("t.csv", "Kirjaus;n/a\nPäätös;5\n", "minutes for 'Kirjaus' is not a number: 'n/a'"),
    ("t.csv", "activity;minutes\nKirjaus;-1\n", "minutes for 'Kirjaus' must not be negative"),
    ("t.csv", "activity;minutes\nKirjaus;nan\n", "minutes for 'Kirjaus' must be a finite number, got 'nan'"),
    ("t.csv", "activity;minutes\nKirjaus;1440,5\n",
     "minutes for 'Kirjaus' is 1,440.5, more than a day (1,440); give the minutes one execution takes"),
    ("t.yaml", "- Kirjaus\n", "expected 'activity: minutes' lines"),
    ("t.yaml", "{}\n", "no standard times in the file; write 'activity;minutes' rows"),
    ("t.yaml", "Kirjaus: true\n", "minutes for 'Kirjaus' must be a finite number, got True"),
    ("t.yaml", "Kirjaus: [1]\n", "minutes for 'Kirjaus' is not a number: [1]"),
    ("t.yaml", "Kirjaus: [unclosed\n", "not valid YAML at line 2; check the indentation and colons"),
])
def test_bad_standard_times(write, name, text, message):
    path = write(name, text)
    assert _message(path, "times") == f"{path}: {message}"


def test_standard_times_file_itself(write, tmp_path):
    assert _message(tmp_path / "none.csv", "times") == f"{tmp_path / 'none.csv'}: no such file"
    assert _message(tmp_path, "times") == f"{tmp_path}: is a folder; give the standard-times file"
    path = write("t.yaml", "Käsittely: 5\n", "cp1252")
    assert _message(path, "times") == f"{path}: not UTF-8 text (byte 2); save the standard-times file as UTF-8"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_standard_times_table_saved_by_excel_is_decoded_as_a_log_is(write, encoding):
    # Excel on Windows saves "CSV (;)" as cp1252 and "Unicode text" as UTF-16 with tabs.
    delimiter = "\t" if encoding == "utf-16" else ";"
    path = write("t.csv", f"toimenpide{delimiter}minuutit\nKäsittely{delimiter}5,5\nPäätös{delimiter}2\n", encoding)
    assert read_standard_times(path) == {"Käsittely": 5.5, "Päätös": 2.0}


@pytest.mark.parametrize("text,row,number", [
    ("activity,minutes\nKirjaus,2,5\n", 2, "2,5"),
    ("activity,minutes\nKirjaus,4\nPäätös, 12 , 75 \n", 3, "12,75"),
    ("Kirjaus,2,5\n", 1, "2,5"),
])
def test_comma_delimited_decimal_comma_is_not_read_as_its_whole_part(write, text, row, number):
    path = write("t.csv", text)
    assert _message(path, "times") == (
        f"{path}: row {row}: the decimal comma of {number} splits the minutes; separate the columns with ';', "
        f"quote the number (\"{number}\") or write it with a decimal point ({number.replace(',', '.')})")


@pytest.mark.parametrize("text,expected", [
    ('activity,minutes\nKirjaus,"2,5"\n', {"Kirjaus": 2.5}),          # quoted: one field
    ("activity,minutes\nKirjaus,2.5\n", {"Kirjaus": 2.5}),
    ("Kirjaus,2,note\n", {"Kirjaus": 2.0}),                           # a third column that is no decimal
    ("activity;minutes\nKirjaus;2;5\n", {"Kirjaus": 2.0}),            # ';' between: 2,5 would be one field
])
def test_comma_delimited_files_that_are_not_split_decimals(write, text, expected):
    assert read_standard_times(write("t.csv", text)) == expected


@pytest.mark.parametrize("text,expected", [
    ("Vaihe;Minuuttia\nAsiatarkastus;6,5\n", {"Asiatarkastus": 6.5}),
    ("Vaihe;Vakioaika (min)\nAsiatarkastus;6,5\nHyväksyntä;2\n", {"Asiatarkastus": 6.5, "Hyväksyntä": 2.0}),
    ("Vaihe;Minuutit;Huomautus\nAsiatarkastus;6,5;aikatutkimus 2024\nHyväksyntä;2;\n",
     {"Asiatarkastus": 6.5, "Hyväksyntä": 2.0}),
    ("Steg\tTid\tKälla\nRegistrering\t4\tmätning\n", {"Registrering": 4.0}),
    ('Vaihe,"Aika, min"\nKirjaus,"2,5"\n', {"Kirjaus": 2.5}),
])
def test_a_header_of_any_names_is_read_as_the_header(write, text, expected):
    """A header whose last cell was no word for minutes (``Vaihe;Minuuttia``, a third
    column of remarks) was read as a row: "minutes for 'Vaihe' is not a number". Row 1
    is the header when its minutes cell is no number."""
    assert read_standard_times(write("t.csv", text)) == expected


@pytest.mark.parametrize("text,message", [
    ("Vaihe,Minuutit\nKirjaus,2,5\n",   # the header's width tells a split decimal comma
     "row 2: the decimal comma of 2,5 splits the minutes; separate the columns with ';', quote the number "
     "(\"2,5\") or write it with a decimal point (2.5)"),
    ("Vaihe,Minuutit,Huomautus\nKirjaus,2,5,mitattu\n",
     "row 2: the decimal comma of 2,5 splits the minutes; separate the columns with ';', quote the number "
     "(\"2,5\") or write it with a decimal point (2.5)"),
    ("Vaihe;Minuutit\nKirjaus;noin viisi\n", "minutes for 'Kirjaus' is not a number: 'noin viisi'"),
    ("Kirjaus;1 440\n", "minutes for 'Kirjaus' is not a number: '1 440'"),  # a digit: a row, not a header
    ("Vaihe;Minuutit\n", "no standard times in the file; write 'activity;minutes' rows"),
])
def test_a_header_of_any_names_keeps_the_checks_of_the_rows(write, text, message):
    path = write("t.csv", text)
    assert _message(path, "times") == f"{path}: {message}"


@pytest.mark.parametrize("minutes,message", [
    (-5, "minutes for 'Kirjaus' must not be negative"),
    (float("inf"), "minutes for 'Kirjaus' must be a finite number, got inf"),
    (float("nan"), "minutes for 'Kirjaus' must be a finite number, got nan"),
    (5000, "minutes for 'Kirjaus' is 5,000, more than a day"),
    ("abc", "minutes for 'Kirjaus' is not a number: 'abc'"),
])
def test_settings_built_in_python_check_standard_times_as_the_file_does(minutes, message):
    """Settings.of(standard_times=...) took -5 minutes and showed -251 hours a year (QA)."""
    from rpa_scout import Settings

    with pytest.raises(ConfigError, match=re.escape(message)):
        Settings.of(standard_times={"Kirjaus": minutes})


def test_settings_built_in_python_check_the_time_zone():
    from rpa_scout import Settings

    with pytest.raises(ConfigError, match="unknown time zone 'Europe/Helsinky'"):
        Settings.of(timezone="Europe/Helsinky")
    assert Settings.of(timezone="Europe/Stockholm").timezone == "Europe/Stockholm"


def test_a_step_with_two_standard_times_is_refused(write):
    path = write("t.csv", "activity;minutes\nKirjaus;5\nTarkastus;2\nKirjaus;7\n")
    with pytest.raises(ConfigError, match=re.escape("'Kirjaus' has two standard times, 5 and 7 minutes; keep one row")):
        read_standard_times(path)
    assert read_standard_times(write("u.csv", "activity;minutes\nKirjaus;5\nKirjaus;5.0\n")) == {"Kirjaus": 5.0}


def test_an_economics_value_in_the_config_is_supplied_even_at_the_default(write):
    """payback_horizon_months: 60 in a config file read as 'assumed' (QA)."""
    path = write("c.yaml", "economics: {payback_horizon_months: 60, build_days: 20}\n")
    kinds = {a.line().split(":")[0]: a.kind for a in load_settings(path).economics.assumptions()}
    assert (kinds["payback horizon"], kinds["bot build effort"], kinds["bot build day rate"]) == \
        ("supplied", "supplied", "assumed")
    assert [a.kind for a in Economics().assumptions()][2:] == ["assumed"] * 4


def test_a_number_in_exponent_form_is_a_number(write):
    """YAML 1.1 reads 1e2 (no decimal point) as text: 'must be a number, got '1e2'' (QA)."""
    settings = load_settings(write("c.yaml", "economics: {hourly_cost: 1e2, licence_per_year: 5E+3}\n"))
    assert (settings.economics.hourly_cost, settings.economics.licence_per_year) == (100.0, 5000.0)
    with pytest.raises(ConfigError, match="economics.hourly_cost must be a number, got 'e2'"):
        load_settings(write("d.yaml", "economics: {hourly_cost: e2}\n"))


def test_settings_sections_must_be_their_settings_objects():
    """Settings(rank={"sort_by": "volume"}) was taken, then failed deep inside rank with an
    AttributeError ('dict' object has no attribute 'sort_by')."""
    from rpa_scout import RankConfig, Settings

    with pytest.raises(ConfigError, match=re.escape(
            "Settings(rank=...) must be a RankConfig (RankConfig(...), or left out for the defaults), not dict")):
        Settings(rank={"sort_by": "volume"})
    with pytest.raises(ConfigError, match=re.escape("Settings(read=...) must be a ReadSettings")):
        Settings(read=None)
    assert Settings(rank=RankConfig(sort_by="volume")).rank.sort_by == "volume"
