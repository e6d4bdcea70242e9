"""Languages: complete catalogues, outputs in Finnish and Swedish, numbers as each writes them."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from click.testing import CliRunner

from rpa_scout.cli import main
from rpa_scout.lang import LANGS, Lang, catalogue, lang_from_environment
from tests.conftest import SAMPLES, shared_log

PACKAGE = Path(__file__).resolve().parents[1] / "rpa_scout"
DEMO = str(SAMPLES / "ostolaskut.csv.gz")


def _fields(template: str) -> set[str]:
    return {f[1] for f in string.Formatter().parse(template) if f[1]}


def test_every_language_has_every_key_with_the_same_values():
    english = catalogue("en")
    for code in LANGS:
        messages = catalogue(code)
        assert set(messages) == set(english), (code, sorted(set(messages) ^ set(english))[:10])
        for key, template in english.items():
            assert _fields(messages[key]) == _fields(template), (code, key)
            Lang(code).t(key, **{name: 1.5 for name in _fields(template)})  # every template formats


def test_every_key_the_code_uses_is_in_the_catalogue():
    used = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'''(?:\.t|Message|stage)\(\s*"([a-z_]+\.[a-z_.]+)"''', text))
        used |= set(re.findall(r'''lang\.t\(\s*"([a-z_]+\.[a-z_.]+)"''', text))
        for key in re.findall(r'''\.tn\(\s*"([a-z_]+\.[a-z_.]+)"''', text):  # and its singular
            used |= {key, f"{key}_one"}
    missing = sorted(k for k in used if k not in catalogue("en"))
    assert len(used) > 100 and not missing, missing


def test_language_from_the_environment():
    assert lang_from_environment({"LC_ALL": "sv_FI.UTF-8", "LANG": "fi_FI.UTF-8"}) == "sv"
    assert lang_from_environment({"LANG": "fi_FI.UTF-8"}) == "fi"
    assert lang_from_environment({"LANG": "de_DE.UTF-8"}) == "en"
    assert lang_from_environment({}) == "en"
    result = CliRunner().invoke(main, ["rank", DEMO, "--key", "k"], env={"LANG": "fi_FI.UTF-8", "LC_ALL": ""})
    assert result.exit_code == 0 and "Oletukset" in result.output and "tapahtumaa hyväksytty" in result.output
    result = CliRunner().invoke(main, ["rank", DEMO, "--key", "k", "--lang", "en"], env={"LANG": "fi_FI.UTF-8"})
    assert "Assumptions" in result.output


def test_numbers_dates_and_durations_in_each_language():
    fi, sv, en = Lang("fi"), Lang("sv"), Lang("en")
    assert (fi.num(1157), sv.num(1157), en.num(1157)) == ("1\u00a0157", "1\u00a0157", "1,157")
    assert (fi.duration(5400), en.duration(5400)) == ("1,5 h", "1.5 h")
    assert fi.date("2026-11-26") == "26.11.2026" and sv.date("2026-11-26") == "26.11.2026"
    assert fi.pct(0.25) == "25\u00a0%" and en.pct(0.25) == "25%"
    assert fi.eur(33553.2) == "33\u00a0553\u00a0€"


@pytest.mark.parametrize("code", LANGS)
def test_numbers_written_again_read_as_babel_writes_them(code):
    """Numbers are formatted once per language, value and digits, then reused: a repeat,
    a negative number and a negative one that rounds to zero read as Babel writes them."""
    from decimal import ROUND_HALF_EVEN, Decimal

    from babel.numbers import format_decimal

    from rpa_scout.lang import _LOCALES

    lang = Lang(code)
    locale = _LOCALES[code]
    for value, digits in [(1157.4, 0), (-1157.4, 0), (-0.4, 0), (0.4, 0), (-0.04, 1), (2.5, 0),
                          (3.5, 0), (-12345.678, 2), (0.885, 3), (1157.4, 0)]:
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN) + 0
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        expected = format_decimal(rounded, format=pattern, locale=locale, decimal_quantization=True)
        assert lang.num(value, digits) == lang.num(value, digits) == expected, (value, digits)
    assert lang.num(-0.4) == lang.num(0.4) == "0"


def _english_sentences() -> set[str]:
    """Literal runs of English catalogue text of three words or more that Swedish does not share."""
    swedish = " ".join(catalogue("sv").values())
    out = set()
    for template in catalogue("en").values():
        for literal, *_ in string.Formatter().parse(template):
            literal = literal.strip(" ;:,.()")
            if len(literal.split()) >= 3 and literal not in swedish:
                out.add(literal)
    return out


def test_swedish_output_holds_no_english_sentence(tmp_path):
    outputs = []
    for fmt in ("md", "html"):
        out = tmp_path / f"r.{fmt}"
        result = CliRunner().invoke(main, ["rank", DEMO, "--lang", "sv", "--all", "--key", "k",
                                           "--out", str(out)], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        outputs += [result.output, out.read_text(encoding="utf-8")]
    for command in (["inspect", DEMO], ["variants", DEMO]):
        outputs.append(CliRunner().invoke(main, [*command, "--lang", "sv"]).output)
    text = " ".join(outputs).replace("\u00a0", " ")
    sentences = _english_sentences()
    assert len(sentences) > 100
    found = sorted(s for s in sentences if s.replace("\u00a0", " ") in text)
    assert not found, found[:10]
    assert "Antaganden" in text and "Programvarurobotar kunde frigöra" in text


@pytest.mark.parametrize("which", ["demo", "receipt"])
def test_text_output_fits_80_columns(which):
    log = DEMO if which == "demo" else str(shared_log("receipt/receipt.xes.gz"))
    result = CliRunner().invoke(main, ["rank", log, "--lang", "fi", "--all", "--key", "k"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    long = [line for line in result.output.splitlines() if len(line) > 80]
    assert not long, long[:3]
    assert "säästetyt h/v" in result.output


def test_machine_formats_keep_english_keys_and_plain_numbers(tmp_path):
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["rank", DEMO, "--lang", "fi", "--key", "k", "--out", str(out)])
    assert result.exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    first = data["candidates"][0]
    assert isinstance(first["hours_per_year"], float) and "h/yr" in first["reason"]
    assert data["assumptions"][0]["name"] == "annualisation factor"
    csv = tmp_path / "r.csv"
    CliRunner().invoke(main, ["rank", DEMO, "--lang", "sv", "--key", "k", "--out", str(csv)])
    header = csv.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("rank,kind,candidate,steps,recommended,fit,hours_per_year")


def test_help_ends_with_examples():
    for command in ("inspect", "map", "variants", "rank", "generate"):
        text = CliRunner().invoke(main, [command, "--help"]).output
        tail = text.rstrip().splitlines()
        examples = tail.index("  Examples:") if "  Examples:" in tail else -1
        assert examples > 0 and 2 <= len(tail) - examples - 1 <= 3, command
        assert all(line.startswith("    rpa-scout ") for line in tail[examples + 1:]), command
        assert max(map(len, tail[examples:])) <= 80, command


@pytest.mark.parametrize("code,expected", [
    ("en", ["Not ranked (1 activity)", "pays back the build in 1 month", "1 activity was not examined: x.",
            "1. w: 1 case, 1 event left", "1. w: 2 cases, 5 events left"]),
    ("fi", ["Ei arvioitu (1 vaihe)", "rakentaminen maksaa itsensä takaisin 1 kuukaudessa",
            "1 vaihe jätettiin arvioimatta: x.", "1. w: jäljellä 1 asia, 1 tapahtuma",
            "1. w: jäljellä 2 asiaa, 5 tapahtumaa"]),
    ("sv", ["Inte bedömt (1 steg)", "bygget betalar sig på 1 månad", "1 steg bedömdes inte: x.",
            "1. w: 1 ärende, 1 händelse kvar", "1. w: 2 ärenden, 5 händelser kvar"]),
])
def test_one_thing_is_singular(code, expected):
    lang = Lang(code)

    def step(cases, events):
        return lang.t("filter.step", number=1, what="w", cases=lang.tn("filter.cases", cases),
                      events=lang.tn("filter.events", events))

    assert [lang.tn("section.not_ranked", 1), lang.tn("payback.pays", 1, months=1.2),
            lang.tn("html.not_examined", 1, why="x"), step(1, 1), step(2, 5)] == expected


def test_every_handling_source_has_a_name_in_every_language():
    """'system', 'artificial' and 'not estimable: dates only' showed in English under
    --lang fi and sv (cases, compare's tables; QA)."""
    from rpa_scout.explain import source_name
    from rpa_scout.handling import _SOURCES
    from rpa_scout.lang import Lang

    for code in ("fi", "sv"):
        for source in (*_SOURCES, "mixed"):
            assert source_name(source, Lang(code)) != source, (code, source)
