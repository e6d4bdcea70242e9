"""The person/system evidence follows --lang in human output (text, --explain, Markdown,
HTML, Excel) and stays English in data (the ``evidence`` columns, JSON).

Before, Finnish and Swedish output read "jo automatisoitu: 100% system account name".
"""

from __future__ import annotations

import json
import re
import string

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from rpa_scout import ManualRules, detect_manual, pair_lifecycle, read_log
from rpa_scout.accounts import behaviour_kinds
from rpa_scout.cli import main
from rpa_scout.lang import Lang, Message, catalogue
from rpa_scout.manual import activity_evidence, classify_instances
from rpa_scout.settings import AccountRules
from tests.conftest import SAMPLES, flat

LOG = str(SAMPLES / "ostolaskut_complete_only.csv.gz")
WIDE = {"COLUMNS": "250"}
#: An excluded step per language: the whole "not ranked" line, unwrapped.
EXPECTED = {
    "fi": ["Maksuajo: jo automatisoitu: 100 % järjestelmätunnus (nimen perusteella)",
           "Siirto maksatukseen: pääosin automatisoitu (järjestelmä tekee 91 % suorituksista, ihmiset loput): 84 % kirjattu 10 s kuluessa saman tunnuksen vaiheen "
           "'Hyväksyntä' kanssa; 9 % nimetty tekijä; 7 % kirjattu 10 s kuluessa saman tunnuksen vaiheen "
           "'Toinen hyväksyntä' kanssa",
           "Palautus tiliöintiin: pääosin automatisoitu (järjestelmä tekee 92 % suorituksista, ihmiset loput): 92 % kirjattu 10 s kuluessa saman tunnuksen vaiheen "
           "'Asiatarkastus' kanssa; 8 % nimetty tekijä"],
    "sv": ["Maksuajo: redan automatiserat: 100 % systemkonto (enligt namnet)",
           "Siirto maksatukseen: till största delen automatiserat (systemet står för 91 % av utförandena, människor för resten): 84 % registrerad inom 10 s från kontots steg "
           "'Hyväksyntä'; 9 % namngiven utförare; 7 % registrerad inom 10 s från kontots steg "
           "'Toinen hyväksyntä'",
           "Palautus tiliöintiin: till största delen automatiserat (systemet står för 92 % av utförandena, människor för resten): 92 % registrerad inom 10 s från kontots steg "
           "'Asiatarkastus'; 8 % namngiven utförare"],
}


def _english_evidence() -> list[str]:
    """The phrases of every English evidence message ("system account name", "with the
    account's step", ...): its literal text split at the values and parentheses."""
    out = []
    for key, template in catalogue("en").items():
        if key.startswith("evidence."):
            for literal, *_ in string.Formatter().parse(template):
                out += [p.strip(" ;'").removeprefix("s ") for p in re.split(r"[()]", literal)]
    return sorted({p for p in out if len(p) > 3})


def _english_in(text: str) -> list[str]:
    """English evidence phrases, and percentages written the English way (84%), in ``text``."""
    found = [p for p in _english_evidence() if p in text]
    return found + re.findall(r"\d%", text)


def _rank(*args: str) -> str:
    result = CliRunner().invoke(main, ["rank", LOG, "--key", "k", *args], env=WIDE)
    assert result.exit_code == 0, result.output
    return result.output


def test_the_english_phrases_are_found():
    """The check below would see today's English evidence."""
    assert {"system account name", "named resource", "with the account's step"} <= set(_english_evidence())
    assert _english_in(_rank("--lang", "en"))


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_rank_text_shows_the_evidence_in_the_language(code):
    text = _rank("--lang", code)
    lines = [flat(line) for line in flat(text.replace("\n  - ", "\n§")).split("§")]
    missing = [line for line in EXPECTED[code] if not any(shown.startswith(line) for shown in lines)]
    assert not missing, (missing, lines[-7:])
    assert not _english_in(text), _english_in(text)
    assert "84\u00a0%" in text  # a no-break space keeps the number with its sign


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_explain_of_an_excluded_step_shows_the_evidence_in_the_language(code):
    text = flat(_rank("--lang", code, "--explain", "Siirto maksatukseen"))
    assert EXPECTED[code][1].split(": ", 1)[1] in text, text
    assert not _english_in(text), _english_in(text)


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_markdown_html_and_workbook_show_the_evidence_in_the_language(code, tmp_path):
    shown = EXPECTED[code][0].split(": ", 1)[1]
    for fmt in ("md", "html"):
        out = tmp_path / f"r.{fmt}"
        _rank("--lang", code, "--out", str(out))
        page = re.sub(r"<style.*?</style>", "", out.read_text(encoding="utf-8"), flags=re.S)  # CSS: width 100%
        text = flat(page.replace("&nbsp;", " "))
        assert shown in text, fmt
        assert not _english_in(text), (fmt, _english_in(text))
    book = tmp_path / "r.xlsx"
    _rank("--lang", code, "--out", str(book))
    cells = [flat(str(c.value)) for sheet in load_workbook(book).worksheets for row in sheet.iter_rows()
             for c in row if isinstance(c.value, str)]
    assert any(shown in c for c in cells)
    assert not _english_in(" ".join(cells)), _english_in(" ".join(cells))


def test_labelled_activities_keep_their_evidence_in_the_language():
    text = flat(_rank("--lang", "sv", "--label", "activity_en"))
    assert "Payment run: redan automatiserat: 100 % systemkonto (enligt namnet)" in text
    assert not _english_in(text), _english_in(text)


def test_data_outputs_keep_the_english_evidence(tmp_path):
    out = tmp_path / "r.json"
    _rank("--lang", "fi", "--out", str(out))
    rows = {r["activity"]: r for r in json.loads(out.read_text(encoding="utf-8"))["not_ranked"]}
    assert rows["Maksuajo"]["evidence"] == "100% system account name"
    assert rows["Maksuajo"]["why"] == "already automated: 100% system account name"
    assert rows["Palautus tiliöintiin"]["evidence"] == (
        "92% recorded within 10 s with the account's step 'Asiatarkastus'; 8% named resource")


def test_every_reason_of_every_instance_is_a_message():
    """Nothing is left English-only: each distinct evidence text has its message, whose
    English is that text, in each of the samples."""
    for name in ("ostolaskut.csv.gz", "ostolaskut_complete_only.csv.gz", "rakennuslupa.xes.gz",
                 "varhaiskasvatus.csv.gz"):
        inst = pair_lifecycle(read_log(SAMPLES / name)[0]).instances
        reasons = classify_instances(inst, ManualRules())
        assert set(inst["evidence"].unique()) == set(reasons), name
        assert all(isinstance(m, Message) and str(m) == text for text, m in reasons.items())
        assert all(m.render(Lang("fi")) != text for text, m in reasons.items())


def test_activity_evidence_joins_shares_and_keeps_unknown_reasons_as_they_are():
    inst = pd.DataFrame({"concept:name": ["A"] * 4 + ["B"],
                         "evidence": ["named resource"] * 3 + ["x"] + ["named resource"]})
    plain = activity_evidence(inst)
    assert plain == {"A": "75% named resource; 25% x", "B": "100% named resource"}
    assert plain["A"].render(Lang("fi")) == "75\u00a0% named resource; 25\u00a0% x"
    named = activity_evidence(inst, {"named resource": Message("evidence.named_resource")})
    assert named["A"].render(Lang("sv")) == "75\u00a0% namngiven utförare; 25\u00a0% x"
    assert detect_manual(read_log(LOG)[0]).evidence["Maksuajo"].render(Lang("fi")) == (
        "100\u00a0% järjestelmätunnus (nimen perusteella)")


def test_a_reason_of_a_share_that_rounds_to_0_percent_is_left_out():
    """'99.9% named resource; 0% machine-like account' read as a contradiction (QA); a
    first reason is always shown."""
    inst = pd.DataFrame({"concept:name": ["A"] * 1000 + ["B"] * 200 + ["C"] * 3,
                         "evidence": ["named resource"] * 996 + ["x"] * 4 + ["named resource"] * 198 + ["y"] * 2
                         + ["z"] * 3})
    assert activity_evidence(inst) == {"A": "100% named resource", "B": "99% named resource; 1% y",
                                       "C": "100% z"}


def test_behaviour_evidence_in_every_language():
    rows = [("Ryhmä", pd.Timestamp("2025-03-03 04:00", tz="UTC") + pd.Timedelta(days=d, minutes=30 * i))
            for d in range(20) for i in range(36)]  # 18 clock hours a day: a team's login
    frame = pd.DataFrame(rows, columns=["r", "t"])
    seconds = (frame["t"] - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()
    kind, why = behaviour_kinds(frame["r"].astype("string"), seconds, np.ones(len(frame), bool),
                                "Europe/Helsinki", AccountRules(person_day_hours=12.5))["Ryhmä"]
    assert kind == "shared" and why == "shared account (busy in more than 12.5 clock hours a day)"
    assert why.render(Lang("fi")) == "yhteiskäyttöinen tunnus (toimii useampana kuin 12,5 kellotuntina päivässä)"
    assert why.render(Lang("sv")) == "delat konto (aktivt under fler än 12,5 klocktimmar per dag)"
