"""compare, cases and rank --explain in Finnish, Swedish and English (issue 14's rule):
the text, Markdown, HTML, Excel and SVG follow --lang; CSV and JSON keep English keys.

Three synthetic municipalities (those of test_compare) in one file, and the shipped
ostolaskut log. Exact lines are checked with wrapping and no-break spaces undone.
"""

from __future__ import annotations

import json
import re
import string

import pandas as pd
import pytest
from click.testing import CliRunner

from rpa_scout import compare_logs, generate_log, rank_candidates, read_log, split_by
from rpa_scout.cli import main
from rpa_scout.compare_report import compare_lines, export_tables
from rpa_scout.compare_tables import shown_tables
from rpa_scout.drilldown import cases_behind, explain_candidate
from rpa_scout.filters import FilterReport, FilterStep
from rpa_scout.heatmap import heatmap_svg
from rpa_scout.io.compare_output import write_comparison
from rpa_scout.io.write_log import write_log
from rpa_scout.labels import LabelSuggestion
from rpa_scout.lang import Lang, Message, catalogue
from tests.conftest import SAMPLES, flat

LEVELS = {"Aura": (), "Bruno": ("FEE", "PUBLISH"),
          "Cella": ("FEE", "PUBLISH", "NEIGHBOURS", "ARCHIVE", "STATEMENT_REQ", "REGISTER")}
INVOICES = str(SAMPLES / "ostolaskut.csv.gz")
CODING = "Kustannuspaikan tiliöinti"
WIDE = {"COLUMNS": "250"}
#: English words that must not appear in Finnish or Swedish output (as whole words).
ENGLISH = ("hours", "organisations", "organisation", "executions", "Proven", "Notes", "people", "a year",
           "measured", "interval", "intervals", "steps", "automate", "faster", "elsewhere", "compared",
           "activities", "cases", "events", "written", "heatmap", "weight", "threshold", "Criteria",
           "Knock-outs", "none", "mean", "started", "minutes", "source", "reason", "recommended",
           "Assumptions", "month", "not found", "share", "local", "best practice", "kept", "read", "rejected",
           "comparison", "totals", "differs", "Findings", "yes", "no", "True", "False", "by the system")


#: ... except those that are Swedish words too ("en organisation", "varje organisations").
SWEDISH_TOO = {"organisation", "organisations"}


def _english_in(text: str, code: str = "fi") -> list[str]:
    words = [w for w in ENGLISH if code != "sv" or w not in SWEDISH_TOO]
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


def _run(*args: str, columns: dict[str, str] = WIDE) -> str:
    result = CliRunner().invoke(main, list(args), env=columns)
    assert result.exit_code == 0, result.output
    return result.output


def _lines(text: str) -> list[str]:
    """The lines of unwrapped output, no-break spaces as spaces."""
    return [flat(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def kunnat(tmp_path_factory):
    """The three municipalities in one file, the municipality in column ``kunta``."""
    towns = {name: generate_log("rakennuslupa", 300, seed=30 + i, automated=steps).log
             for i, (name, steps) in enumerate(LEVELS.items())}
    frames = [log.assign(kunta=name, **{"case:concept:name": log["case:concept:name"].astype(str) + name})
              for name, log in towns.items()]
    path = tmp_path_factory.mktemp("kunnat") / "kunnat.csv.gz"
    write_log(pd.concat(frames, ignore_index=True), path)
    return path


@pytest.fixture(scope="module")
def compared(kunnat):
    """``compare --lang`` for each language: (output, Markdown, heatmap) with paths removed."""
    out = {}
    for code in ("fi", "sv", "en"):
        md, svg = kunnat.parent / f"c_{code}.md", kunnat.parent / f"c_{code}.svg"
        text = _run("compare", str(kunnat), "--by", "kunta", "--key", "k", "--top", "2", "--lang", code,
                    "--out", str(md), "--heatmap", str(svg))
        out[code] = (text.replace(str(kunnat.parent), ""), md.read_text(encoding="utf-8"),
                     svg.read_text(encoding="utf-8"))
    return out


@pytest.fixture(scope="module")
def found(kunnat):
    log, _ = read_log(kunnat)
    return compare_logs(split_by(log, "kunta"))


# ---------------------------------------------------------------------------- compare
COMPARE_LINES = {
    "fi": ["kunnat.csv.gz: 23 572 tapahtumaa hyväksytty, 23 572 luettu (0 hylätty)",
           "organisaatiot: Aura 300 asiaa, 8 106 tapahtumaa; Bruno 300 asiaa, 7 978 tapahtumaa; Cella 300 asiaa, "
           "7 488 tapahtumaa",
           "Verrattiin 3 organisaatiota (Aura, Bruno, Cella): 19 vaihetta kahdessa tai useammassa, 0 paikallista "
           "(vain yhdessä)",
           "Automatisoitu jo muualla: 6 vaihetta, jotka ihmiset tekevät yhdessä organisaatiossa ja järjestelmä "
           "toisessa",
           "Maksulaskun laadinta: ihmiset tekevät: Aura (306 vuodessa); järjestelmä tekee: Bruno (304 vuodessa), "
           "Cella (303 vuodessa)",
           "Täydellisyyden tarkistus: Bruno 11,6 (mitattu), Cella 18,1 (mitattu), ×1,6, välit erillään",
           "Aura: 286 (266–306) h/v, 7 vaihetta (6 muualla automatisoitua, 1 muualla nopeampi)",
           "ei mukana summassa: 8 (2–14) h/v, 1 vaihe, joka näyttää muualla nopeammalta, mutta ero ei ole "
           "varma (välit ovat limittäin)",
           "82 (79–85) Naapurien kuuleminen: automatisoi kuten Cella (siellä järjestelmä tekee 100 %)",
           "58 (35–82) Päätösehdotuksen valmistelu: 55,6 → 44,9 min, vertailukohta Bruno (mitattu)",
           "... ja 5 muuta",
           "kaikki organisaatiot: 577 (486–668) h/v = 0,37 htv, 16 729 € vuodessa (vaiheet laskettu yhteen; "
           "organisaation vaihetta ei lasketa kahdesti)",
           "summan ulkopuolelle jää: 48 (5–102) h/v, 4 vaihetta, joiden välit ovat limittäin: tee niistä "
           "aikatutkimus ennen kuin lasket niiden varaan",
           "Huomiot", "lämpökartta kirjoitettu tiedostoon /c_fi.svg", "vertailu kirjoitettu tiedostoon /c_fi.md"],
    "sv": ["kunnat.csv.gz: 23 572 händelser godtagna av 23 572 lästa (0 avvisade)",
           "Jämförde 3 organisationer (Aura, Bruno, Cella): 19 steg i två eller fler, 0 lokala (bara i en)",
           "Redan automatiserat på annat håll: 6 steg som människor gör i en organisation och systemet i en annan",
           "Maksulaskun laadinta: av människor i Aura (306 om året); av systemet i Bruno (304 om året), Cella "
           "(303 om året)",
           "Täydellisyyden tarkistus: 11,6 i Bruno (uppmätt) mot 18,1 i Cella (uppmätt), ×1,6, intervallen åtskilda",
           "Aura: 286 (266–306) h/år från 7 steg (6 automatiserade på annat håll, 1 snabbare på annat håll)",
           "inte med i summan: 8 (2–14) h/år från 1 steg som verkar gå snabbare på annat håll, men skillnaden "
           "är osäker (intervallen överlappar)",
           "58 (35–82) Päätösehdotuksen valmistelu: 55,6 → 44,9 min som i Bruno (uppmätt)",
           "Anmärkningar", "värmekartan skriven till /c_sv.svg"],
    "en": ["kunnat.csv.gz: 23,572 events kept of 23,572 read (0 rejected)",
           "Compared 3 organisations (Aura, Bruno, Cella): 19 activities in two or more, 0 local (found in one only)",
           "Proven elsewhere: 6 steps done by people in one organisation and by the system in another",
           "Täydellisyyden tarkistus: 11.6 in Bruno (measured) vs 18.1 in Cella (measured), ×1.6, intervals apart",
           "Aura: 286 (266–306) h/yr from 7 steps (6 automated elsewhere, 1 faster elsewhere)",
           "not in the total: 30 (0–70) h/yr from 2 steps that seem faster elsewhere, but the difference is "
           "uncertain (the intervals overlap)",
           "outside the total: 48 (5–102) h/yr from 4 steps whose intervals overlap: time-study them before "
           "counting on them",
           "82 (79–85) Naapurien kuuleminen: automate as Cella does (100% by the system there)",
           "Notes", "heatmap written to /c_en.svg"],
}


@pytest.mark.parametrize("code", ["fi", "sv", "en"])
def test_compare_lines_in_each_language(compared, code):
    lines = _lines(compared[code][0])
    missing = [line for line in COMPARE_LINES[code] if line not in lines]
    assert not missing, missing
    if code != "en":
        assert not _english_in(compared[code][0], code), _english_in(compared[code][0], code)


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_compare_markdown_and_heatmap_in_the_language(compared, code):
    _, md, svg = compared[code]
    heads = {"fi": ["# Organisaatioiden vertailu: kunnat.csv.gz sarakkeen kunta mukaan", "Lämpökartta: `c_fi.svg`",
                    "## vertailu", "## yhteensä", "## paras käytäntö", "## automatisoitu muualla",
                    "## eroaa eniten", "## paikalliset", "(ei yhtään)",
                    "| organisaatio | säästö h/v | säästö h/v alaraja (80 %) | säästö h/v yläraja (80 %) | "
                    "muualla automatisoituja vaiheita | muualla nopeampia vaiheita (välit erillään) | htv | €/v | "
                    "säästö h/v, välit limittäin (ei summassa) | säästö h/v, välit limittäin, alaraja (80 %) | "
                    "säästö h/v, välit limittäin, yläraja (80 %) | muualla nopeampia vaiheita (välit limittäin) |",
                    "| Aura | 286 | 266 | 306 | 6 | 1 | 0,18 | 8\xa0297 | 30 | 0,00 | 70 | 2 |",
                    "| kaikki organisaatiot | 577 | 486 | 668 | 10 | 6 | 0,37 | 16\xa0729 | 48 | 4,51 | 102 | 4 |"],
             "sv": ["# Jämförelse av organisationer: kunnat.csv.gz enligt kolumnen kunta", "## bästa praxis",
                    "## skiljer sig mest", "(inga)"]}[code]
    lines = md.splitlines()
    assert not [h for h in heads if h not in lines], [h for h in heads if h not in lines]
    shown = md.replace("c_fi.svg", "").replace("c_sv.svg", "")
    assert not _english_in(shown, code), _english_in(shown, code)
    assert re.search(r"\| 1,00 \|", md) and not re.search(r"\| 1\.00 \|", md)   # decimal comma in the cells
    title = {"fi": "Manuaalinen osuus vaiheittain ja organisaatioittain",
             "sv": "Manuell andel per steg och organisation"}[code]
    assert f">{title}</text>" in svg
    svg_words = " ".join(re.findall(r">([^<>]+)<", svg))
    assert not _english_in(svg_words, code), _english_in(svg_words, code)


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_compare_html_and_workbook_in_the_language(found, tmp_path, code):
    lang = Lang(code)
    page = write_comparison(found, tmp_path / "c.html", "html", title="T", reports=[],
                            heatmap_svg=heatmap_svg(found, lang=lang), lang=lang).read_text(encoding="utf-8")
    assert f'<html lang="{code}">' in page
    for key in ("compare.intro", "compare.findings", "compare.load_reports", "compare.table.best_practice"):
        assert lang.t(key) in page, key
    words = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*</style>", "", page, flags=re.S))
    assert not _english_in(words, code), _english_in(words, code)
    book = pd.read_excel(write_comparison(found, tmp_path / "c.xlsx", "xlsx", title="T", reports=[], lang=lang),
                         sheet_name=None)
    assert list(book) == [lang.t(f"compare.table.{n}") for n in (*export_tables(found), "notes")]
    first = book[lang.t("compare.table.comparison")]
    assert list(first.columns[:5]) == [lang.t(k) for k in ("col.activity", "col.organisation", "col.compared",
                                                           "col.verdict", "inspect.cases")]
    assert set(first[lang.t("col.compared")]) == {lang.t("word.yes")}
    assert pd.api.types.is_numeric_dtype(first[lang.t("col.executions")])   # numbers stay numbers
    words = " ".join(str(v) for table in book.values() for v in [*table.columns, *table.to_numpy().ravel()]
                     if isinstance(v, str))
    assert not _english_in(words, code), _english_in(words, code)


def test_shown_tables_have_distinct_headers(found):
    for code in ("fi", "sv", "en"):
        for shown in shown_tables(export_tables(found), Lang(code)):
            assert shown.table.columns.is_unique, (code, shown.title)
            assert len(shown.kinds) == len(shown.table.columns)


def test_compare_json_and_csv_keep_english_keys(found, tmp_path):
    out, csv = (write_comparison(found, tmp_path / f"c.{fmt}", fmt, title="T", reports=[], lang=Lang("fi"))
                for fmt in ("json", "csv"))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"best_practice", "proven_elsewhere", "differs_most"} <= set(data)
    assert data["notes"][1] == "compared: activities found in two or more organisations; the others are local"
    assert data["best_practice"][0]["kind"] == "automate" and isinstance(data["totals"][0]["hours"], float)
    assert csv.read_text(encoding="utf-8").splitlines()[0].startswith("activity,organisation,compared,verdict")


def test_compare_fits_80_columns_in_finnish(found):
    lines = compare_lines(found, lang=Lang("fi"), width=80)
    long = [line for line in lines if len(line) > 80]
    assert not long, long[:3]
    assert "Huomiot" in lines and max(map(len, compare_lines(found, lang=Lang("fi")))) > 80


def test_notes_are_messages_shown_in_any_language(found):
    assert all(isinstance(n, Message) for n in found.notes)
    assert found.notes[0].render(Lang("sv")).startswith("3 organisationer, analyserade på samma sätt")


# ------------------------------------------------------------------------------ cases
CASES_LINES = {
    "fi": ["ostolaskut.csv.gz: 49 766 tapahtumaa hyväksytty, 49 766 luettu (0 hylätty)",
           "Kustannuspaikan tiliöinti: 2 509 suoritusta 2 321 asiassa; ne 2, joissa käsittelyaikaa on eniten "
           "(ajat vyöhykkeellä Europe/Helsinki)",
           "asia alkoi variantti vaiheet kertaa minuuttia lähde",
           "OL-2025-01023 6.5.2025 klo 8.32 #56 16 3 15,5 mitattu"],
    "sv": ["ostolaskut.csv.gz: 49 766 händelser godtagna av 49 766 lästa (0 avvisade)",
           "Kustannuspaikan tiliöinti: 2 509 utföranden i 2 321 ärenden; de 2 med mest handläggningstid (tider i "
           "Europe/Helsinki)",
           "ärende började variant steg gånger minuter källa",
           "OL-2025-01023 6.5.2025 kl. 8.32 #56 16 3 15,5 uppmätt"],
    "en": ["ostolaskut.csv.gz: 49,766 events kept of 49,766 read (0 rejected)",
           "Kustannuspaikan tiliöinti: 2,509 executions in 2,321 cases; the 2 with the most handling time (times "
           "in Europe/Helsinki)",
           "case started variant steps times minutes source",
           "OL-2025-01023 6 May 2025 08:32 #56 16 3 15.5 measured"],
}


@pytest.mark.parametrize("code", ["fi", "sv", "en"])
def test_cases_in_each_language(code):
    text = _run("cases", INVOICES, "--step", CODING, "--top", "2", "--lang", code)
    lines = [line for line in _lines(text) if line]
    assert lines[:4] == CASES_LINES[code]
    assert len(lines) == 5
    if code != "en":
        assert not _english_in(text, code), _english_in(text, code)


def test_cases_columns_stay_apart_in_finnish():
    head = _run("cases", INVOICES, "--step", CODING, "--top", "1", "--lang", "fi").splitlines()[3]
    assert "variantti vaiheet kertaa minuuttia" in head


# ---------------------------------------------------------------------- rank --explain
EXPLAIN_LINES = {
    "fi": ["Kustannuspaikan tiliöinti (vaihe; sija 1, suositellaan)",
           "156 h/v (80 %:n väli 151–160) = 2 519 kellonajallista suoritusta vuodessa × 4,1 min (mitattu) × "
           "90 % säännöin ennustettavissa",
           "2 519 ihmisten tekemää suoritusta vuodessa, 100 % kellonajalla; 0,10 htv, 4 525 € vuodessa",
           "Ihmisten tekemät suoritukset kuukausittain (Europe/Helsinki)",
           "Käsittelyaika suoritusta kohden, minuuttia (mitattu; keskiarvon 80 %:n väli 4,1–4,2)",
           "2–5 ████████████████████████████████████████ 1 804",
           "keskiarvo 4,1, mediaani 3,9, 2 509 kellonajallista suoritusta",
           "Kriteerit (0–1, 1 = sopii robotille; paino soveltuvuudessa; raaka-arvo)",
           "sääntöpohjaisuus 0,90 paino 0,30; päätöspuun osumatarkkuus 0,90",
           "soveltuvuus 0,90 kynnys 0,60", "Poissulkuperusteet: ei yhtään", "Oletukset"],
    "sv": ["Kustannuspaikan tiliöinti (steg; plats 1, rekommenderas)",
           "2 519 utföranden av människor om året, 100 % med klockslag; 0,10 åak, 4 525 € om året",
           "Handläggningstid per utförande, minuter (uppmätt; medelvärdets 80 %-intervall 4,1–4,2)",
           "regelbundenhet 0,90 vikt 0,30; beslutsträdets träffsäkerhet 0,90",
           "lämplighet 0,90 tröskel 0,60", "Uteslutande skäl: inga", "Antaganden"],
    "en": ["Kustannuspaikan tiliöinti (activity; rank 1, recommended)",
           "156 h/yr (80 % interval 151–160) = 2,519 timed executions a year × 4.1 min (measured) × 90% "
           "rule-predictable",
           "2–5 ████████████████████████████████████████ 1,804",
           "rule-basedness 0.90 weight 0.30; decision-tree accuracy 0.90",
           "fit 0.90 threshold 0.60", "Knock-outs: none", "Assumptions"],
}


@pytest.mark.parametrize("code", ["fi", "sv", "en"])
def test_explain_in_each_language(code):
    text = _run("rank", INVOICES, "--explain", CODING, "--key", "k", "--lang", code)
    lines = _lines(text)
    missing = [line for line in EXPLAIN_LINES[code] if line not in lines]
    assert not missing, missing
    if code != "en":
        assert not _english_in(text, code), _english_in(text, code)
        reason = next(line for line in lines if line.startswith(("perustelu:", "motivering:")))
        assert Lang(code).t("reason.stable") in reason


@pytest.fixture(scope="module")
def invoices():
    log, _ = read_log(INVOICES)
    return log, rank_candidates(log)


def test_explain_of_a_step_that_is_no_candidate_and_of_a_knock_out(invoices):
    log, ranking = invoices
    assert explain_candidate(log, ranking, "Arkistointi", lang=Lang("fi")) == [
        "Arkistointi ei ole automaatioehdokas: jo automatisoitu: 100\u00a0% järjestelmätunnus",
        "(nimen perusteella)"]
    text = flat("\n".join(explain_candidate(log, ranking, "Asiatarkastus", lang=Lang("sv"))))
    assert text.startswith("Asiatarkastus (steg; rekommenderas inte)")
    assert "Uteslutande skäl variation 0,37 < 0,60 (handläggningstiden varierar" in text


def test_explain_fits_80_columns_in_finnish(invoices):
    lines = explain_candidate(*invoices, CODING, lang=Lang("fi"), width=80)
    long = [line for line in lines if len(line) > 80]
    assert not long, long[:3]


# ------------------------------------------------------------- labels and filter lines
def test_label_suggestion_and_filter_lines_in_inspect():
    log = str(SAMPLES / "rakennuslupa.xes.gz")
    fi = _lines(_run("inspect", log, "--lang", "fi", "--where", "case:channel=Lupapiste", "--from", "2025-03-01"))
    assert ("nimisarakkeet activity_en nimeää vaiheet 1:1 (18 nimeä 18 vaiheelle): näytä se valinnalla "
            "--label activity_en") in fi
    assert ("rajaukset jättivät 1 221/1 500 asiaa ja 32 756/40 500 tapahtumaa (pois jäi 279 asiaa, 7 744 "
            "tapahtumaa), tässä järjestyksessä:") in fi
    assert ("1. asiat, jotka alkoivat 2025-03-01 .. … (paikalliset päivät, Europe/Helsinki), kaikkine "
            "tapahtumineen (--period-basis cases): jäljellä 1 331 asiaa, 35 988 tapahtumaa") in fi
    data = json.loads(_run("inspect", log, "--lang", "sv", "--json", "--min-cases", "2"))
    assert data["load_report"]["filters"]["steps"][0]["filter"] == "activities in fewer than 2 cases dropped (0 of 19)"


def test_filter_and_label_lines_render_in_any_language():
    report = FilterReport(10, 100, (FilterStep(Message("filter.rare", min=3, dropped=2, total=9), 8, 70),))
    assert report.lines(Lang("sv")) == [
        "filtren behöll 8 av 10 ärenden och 70 av 100 händelser (bort föll 2 ärenden, 30 händelser), i denna "
        "ordning:", "  1. steg i färre än 3 ärenden borttagna (2 av 9): 8 ärenden, 70 händelser kvar"]
    assert report.lines()[1] == "  1. activities in fewer than 3 cases dropped (2 of 9): 8 cases, 70 events left"
    suggestion = LabelSuggestion("activityNameEN", "n:1", 1157, 1200)
    assert suggestion.line(Lang("fi")) == ("activityNameEN nimeää vaiheet n:1 (1\u00a0157 nimeä 1\u00a0200 vaiheelle): "
                                           "näytä se valinnalla --label activityNameEN")
    assert suggestion.line() == ("activityNameEN names the activities n:1 (1,157 names for 1,200 activities): "
                                 "show it with --label activityNameEN")


def test_the_new_keys_read_as_their_language():
    """No new Finnish or Swedish entry is the English one (names and symbols aside)."""
    english = catalogue("en")
    prefixes = ("compare.", "heatmap.", "cases.", "explain.", "filter.", "label.", "verdict.", "load.header")
    same_ok = {"heatmap.tip_minutes", "compare.steps_one", "compare.steps", "cases.col.variant"}
    for code in ("fi", "sv"):
        messages = catalogue(code)
        same = [k for k in english if k.startswith(prefixes) and k not in same_ok
                and _literal(messages[k]) and _literal(messages[k]) == _literal(english[k])]
        assert not same, (code, same)


def _literal(template: str) -> str:
    return "".join(literal for literal, *_ in string.Formatter().parse(template)).strip(" ;:,.()")


def _english_runs(code: str) -> set[str]:
    """Literal runs of English catalogue text of three words or more that ``code``'s
    catalogue does not share (as test_lang checks rank's Swedish output)."""
    theirs = " ".join(catalogue(code).values())
    out = set()
    for template in catalogue("en").values():
        for literal, *_ in string.Formatter().parse(template):
            literal = literal.strip(" ;:,.()")
            if len(literal.split()) >= 3 and literal not in theirs:
                out.add(literal)
    return out


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_no_english_sentence_in_compare_cases_or_explain(compared, invoices, code):
    lang = Lang(code)
    log, ranking = invoices
    text = "\n".join([*compared[code][:2], *explain_candidate(log, ranking, CODING, lang=lang, width=10_000),
                      *explain_candidate(log, ranking, "Asiatarkastus", lang=lang, width=10_000),
                      *cases_behind(log, CODING, handling=ranking.handling).lines(lang=lang)])
    text = flat(text)
    found = sorted(s for s in _english_runs(code) if s in text)
    assert not found, found[:10]
