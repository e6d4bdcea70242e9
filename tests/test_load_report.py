"""The load report's details follow --lang: reasons, row samples, repeats, repairs,
lifecycle counts, notes and the timestamp method, with the language's numbers; the
report's JSON and the library's keys stay English."""

from __future__ import annotations

import json
import pickle
import re

import pytest
from click.testing import CliRunner

from rpa_scout import read_log
from rpa_scout.cli import main
from rpa_scout.lang import Lang
from tests.conftest import SAMPLES, flat

COMPLETE_ONLY = str(SAMPLES / "ostolaskut_complete_only.csv.gz")
CASES = 1200
#: English words of the load report that Finnish and Swedish details must not hold (whole
#: words, option names such as --drop-duplicates left out).
ENGLISH = ("lifecycle", "instances", "paired", "unmatched", "note", "encoding", "delimiter", "numbers",
           "repaired", "rows", "row", "repeated", "identical", "events", "cases", "kept", "counted", "work",
           "drops", "dropped", "unparseable", "timestamp", "timestamps", "missing", "case", "surrounding",
           "whitespace", "removed", "spring", "gap", "moved", "offsets", "naive", "values", "read", "with",
           "look", "like", "were", "not", "their", "layout", "name", "exact", "duplicate")

EXPECTED = {
    "fi": {
        "timestamps": "aikaleimat ISO 8601 (arvot ilman aikavyöhykettä luettu aikavyöhykkeessä Europe/Helsinki)",
        "details": [
            "rivejä luettu 4 803",
            "rivejä hyväksytty 4 801",
            "rivejä hylätty 2",
            "asiatunnus puuttuu: 1 (rivi 4802)",
            "aikaleimaa ei voi lukea: 1 (rivi 4801)",
            "toistuvia samanlaisia tapahtumia: 1 200 kpl 1 200 asiassa, pidetty ja laskettu työksi; "
            "--drop-duplicates hylkää ne (rivit 4, 8, 12, 16, 20, ...)",
            "korjattu: vaihe: ympäröivät välilyönnit poistettu: 2 400",
            "korjattu: kesäaikaan siirtymisen aukkoon osuva aikaleima siirretty seuraavaan olemassa olevaan aikaan: 1",
            "elinkaari, suorituksia: 3 601",
            "elinkaari, aloitus ja valmistuminen parina: 1 200",
            "elinkaari, valmistuminen ilman aloitusta: 2 401",
            "huom.: merkistö utf-8",
            "huom.: erotin ','",
            "huom.: luvut luettu sarakkeissa summa",
            "huom.: lukukelvottomat aikaleimat ovat muotoa 'ei aikaa' (rivi 4801), eikä niitä luettu; anna niiden "
            "muoto valinnalla --timestamp-format",
        ],
    },
    "sv": {
        "timestamps": "tidsstämplar ISO 8601 (värden utan tidszon lästa i Europe/Helsinki)",
        "details": [
            "rader lästa 4 803",
            "rader godtagna 4 801",
            "rader avvisade 2",
            "ärende-id saknas: 1 (rad 4802)",
            "oläslig tidsstämpel: 1 (rad 4801)",
            "upprepade identiska händelser: 1 200 i 1 200 ärenden, behållna och räknade som arbete; "
            "--drop-duplicates tar bort dem (rader 4, 8, 12, 16, 20, ...)",
            "reparerat: steg: omgivande blanksteg borttagna: 2 400",
            "reparerat: tidsstämpel i luckan vid övergången till sommartid flyttad till nästa giltiga tid: 1",
            "livscykel, utföranden: 3 601",
            "livscykel, start och slutförande i par: 1 200",
            "livscykel, slutförande utan start: 2 401",
            "obs: teckenkodning utf-8",
            "obs: avgränsare ','",
            "obs: tal lästa i summa",
            "obs: olästa tidsstämplar ser ut som 'ei aikaa' (rad 4801) och lästes inte; ange deras format med "
            "--timestamp-format",
        ],
    },
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A log of 1,200 cases with every kind of detail: a start and complete of A, B with
    spaces around it (repaired) written twice (repeated), a time in the DST gap, a
    timestamp that is no time and a row without a case (rejected), a number column."""
    rows = ["tapaus,vaihe,aika,tekija,tila,summa"]
    for i in range(CASES):
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        rows += [f"k{i},A,{day} 09:00,u{i % 7},start,{i}", f"k{i},A,{day} 09:05,u{i % 7},complete,{i}",
                 f"k{i}, B ,{day} 10:00,u{i % 7},complete,{i}", f"k{i}, B ,{day} 10:00,u{i % 7},complete,{i}"]
    rows += ["k1,C,ei aikaa,u1,complete,1", ",C,2024-02-01 10:00,u1,complete,1",
             "k2,C,2024-03-31 03:30,u1,complete,1"]
    path = tmp_path_factory.mktemp("load") / "loki.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return str(path)


def _inspect(*args: str) -> list[str]:
    result = CliRunner().invoke(main, ["inspect", *args], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return [re.sub(r" {2,}", " ", flat(line)).strip() for line in result.output.splitlines()]


def _english_words(lines: list[str]) -> list[str]:
    text = re.sub(r"--[a-z-]+|\w+(?::\w+)+", " ", " ".join(lines))  # options, column names
    return sorted({word for word in ENGLISH if re.search(rf"\b{word}\b", text, flags=re.IGNORECASE)})


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_load_report_details_in_the_language(sample, code):
    lines = _inspect(sample, "--lang", code, "--case", "tapaus", "--activity", "vaihe", "--timestamp", "aika",
                     "--resource", "tekija", "--lifecycle", "tila")
    expected = EXPECTED[code]
    assert expected["timestamps"] in lines
    details = lines[lines.index(expected["details"][0]):]
    missing = [line for line in expected["details"] if line not in details]
    assert not missing, (missing, details)
    assert not _english_words([expected["timestamps"], *details]), details


@pytest.mark.parametrize("code,timestamps,lifecycle", [
    ("fi", "aikaleimat ISO 8601 ja UTC-poikkeama", ["elinkaari, suorituksia: 24 883",
                                                   "elinkaari, valmistuminen ilman aloitusta: 24 883",
                                                   "huom.: merkistö utf-8", "huom.: erotin ','"]),
    ("sv", "tidsstämplar ISO 8601 med UTC-förskjutning", ["livscykel, utföranden: 24 883",
                                                         "livscykel, slutförande utan start: 24 883",
                                                         "obs: teckenkodning utf-8", "obs: avgränsare ','"]),
])
def test_shipped_log_in_the_language(code, timestamps, lifecycle):
    lines = _inspect(COMPLETE_ONLY, "--lang", code)
    assert timestamps in lines
    assert all(line in lines for line in lifecycle), lines
    report = lines[lines.index("latausraportti" if code == "fi" else "inläsningsrapport"):]
    assert not _english_words([timestamps, *report]), report


def test_english_details_stay_as_they_were(sample):
    lines = _inspect(sample, "--case", "tapaus", "--activity", "vaihe", "--timestamp", "aika",
                     "--resource", "tekija", "--lifecycle", "tila", "--drop-duplicates")
    assert "timestamps ISO 8601 (naive values read in Europe/Helsinki)" in lines
    start = lines.index("rows read 4,803")
    assert lines[start:start + 16] == [
        "rows read 4,803", "rows kept 3,601", "rows rejected 1,202",
        "missing case id: 1 (row 4802)", "unparseable timestamp: 1 (row 4801)",
        "exact duplicate: 1,200 (rows 4, 8, 12, 16, 20, ...)",
        "repeated identical events: 1,200 in 1,200 cases, dropped (--drop-duplicates) (rows 4, 8, 12, 16, 20, ...)",
        "repaired: activity: surrounding whitespace removed: 2,400",
        "repaired: timestamp in the spring-forward DST gap moved to the next valid time: 1",
        "lifecycle instances: 2,401", "lifecycle paired start+complete: 1,200",
        "lifecycle unmatched complete (no start): 1,201", "lifecycle unmatched start (never completed): 0",
        "lifecycle non-work events (schedule, assign, ...): 0",
        "note: encoding utf-8", "note: delimiter ','"]


def test_dropped_repeats_in_finnish(sample):
    lines = _inspect(sample, "--lang", "fi", "--case", "tapaus", "--activity", "vaihe", "--timestamp", "aika",
                     "--lifecycle", "tila", "--drop-duplicates")
    assert "täsmälleen sama rivi: 1 200 (rivit 4, 8, 12, 16, 20, ...)" in lines
    assert ("toistuvia samanlaisia tapahtumia: 1 200 kpl 1 200 asiassa, hylätty (--drop-duplicates) "
            "(rivit 4, 8, 12, 16, 20, ...)") in lines


def test_json_keeps_english_keys_and_text(sample):
    result = CliRunner().invoke(main, ["inspect", sample, "--lang", "fi", "--json", "--case", "tapaus",
                                       "--activity", "vaihe", "--timestamp", "aika", "--lifecycle", "tila"])
    assert result.exit_code == 0, result.output
    load = json.loads(result.output)["load_report"]
    assert load["rejected"] == {"missing case id": 1, "unparseable timestamp": 1}
    assert load["sample_rows"] == {"missing case id": [4802], "unparseable timestamp": [4801]}
    assert load["timestamp_method"] == "ISO 8601 (naive values read in Europe/Helsinki)"
    assert load["lifecycle"]["instances"] == 3601 and "unmatched complete (no start)" in load["lifecycle"]
    assert load["repaired"]["activity: surrounding whitespace removed"] == 2400
    assert load["notes"][:3] == ["encoding utf-8", "delimiter ','", "numbers read in summa"]


def test_the_report_pickles_with_its_messages(sample):
    _, report = read_log(sample, case="tapaus", activity="vaihe", timestamp="aika", lifecycle="tila")
    again = pickle.loads(pickle.dumps(report))
    assert again.lines(Lang("sv")) == report.lines(Lang("sv")) and again.to_dict() == report.to_dict()
    assert report.lines() == report.lines(Lang("en")) and report.lines(Lang("fi")) != report.lines()


def test_repairs_of_a_cached_xes_stay_in_the_language(tmp_path):
    path = tmp_path / "rikki.xes"
    path.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="1.0">\n<trace>'
                     b'<string key="concept:name" value="c1"/>\n<event><string key="concept:name" value="A\xff"/>'
                     b'<date key="time:timestamp" value="2024-01-05T10:00:00+02:00"/></event>\n<event>'
                     b'<string key="concept:name" value="B"/><date key="time:timestamp" '
                     b'value="2024-01-05T11:00:00+02:00"/></event>\n</trace></log>\n')
    for parser in ("välimuistissa nimellä", "Parquet-välimuisti"):  # streamed and kept, then read from the cache
        _, report = read_log(path)
        lines = report.lines(Lang("fi"))
        assert "korjattu: teksti: virheelliset UTF-8-tavut korvattu merkillä U+FFFD: 1" in lines
        assert any(line.startswith("huom.: jäsennin") and parser in line for line in lines), lines
        assert dict(report.repaired) == {"text: invalid UTF-8 bytes replaced with U+FFFD": 1}
