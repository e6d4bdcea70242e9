"""present: the exported table, the terminal lines, Markdown and the HTML report, on a
ranking built by hand (every figure known) and on a shipped sample."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from rpa_scout import Assumption, rank_candidates, read_log
from rpa_scout.load_report import LoadReport
from rpa_scout.present import EXPORT_COLUMNS, export_table, markdown, terminal_lines
from rpa_scout.report_html import html_report
from rpa_scout.rank import Ranking
from tests.conftest import SAMPLES


def _candidates() -> pd.DataFrame:
    """Three candidates as rank_candidates orders them: two recommended, one not."""
    return pd.DataFrame({
        "rank": [1, 2, 0],
        "kind": ["activity", "routine", "activity"],
        "candidate": ["Tiliöinti", "Tiliöinti → Hyväksyntä", "Tarkastus <b>|x|</b>"],
        "steps": [1, 2, 1],
        "recommended": [True, True, False],
        "fit": [0.904, 0.75, 0.4],
        "hours_per_year": [1234.4, 56.0, 7.6],
        "hours_low": [1000.0, 40.2, 3.0],
        "hours_high": [1500.0, 70.0, 12.0],
        "fte": [0.792, 0.036, 0.005],
        "euros_per_year": [35797.6, 1624.0, 220.4],
        "payback_months": [7.6, math.inf, math.inf],
        "reason": ["1,234 h/yr: many", "56 h/yr: some", "8 h/yr: few; not recommended: fit 0.40 < 0.60"],
        "people": [7, 3, 1],  # used by the ranking, never exported
    })


def _ranking(candidates: pd.DataFrame | None = None, excluded: int = 2) -> Ranking:
    activities = [f"Järjestelmä {i}" for i in range(excluded)]
    return Ranking(
        candidates=_candidates() if candidates is None else candidates,
        assumptions=(Assumption("hourly cost of staff time", 29.0, "€/h", "assumed", "Statistics Finland"),
                     Assumption("automatable share", math.nan, "", "estimated", "decision trees")),
        handling=None,
        excluded=pd.DataFrame({"activity": activities, "why": ["already automated: robot"] * excluded}),
        notes=("working day 08:00–16:00",))


# ------------------------------------------------------------------------ export_table
def test_export_table_recommended_only_in_export_order():
    table = export_table(_ranking())
    assert list(table.columns) == ["rank", "kind", "candidate", "steps", "recommended", "fit",
                                   "hours_per_year", "hours_low", "hours_high", "fte", "euros_per_year",
                                   "payback_months", "reason"]
    assert list(table.columns) == [c for c in EXPORT_COLUMNS if c in _candidates().columns]
    assert table["candidate"].tolist() == ["Tiliöinti", "Tiliöinti → Hyväksyntä"]
    assert table.index.tolist() == [0, 1]


@pytest.mark.parametrize("top,include_all,expected", [
    (None, True, ["Tiliöinti", "Tiliöinti → Hyväksyntä", "Tarkastus <b>|x|</b>"]),
    (1, False, ["Tiliöinti"]),
    (2, True, ["Tiliöinti", "Tiliöinti → Hyväksyntä"]),
    (5, False, ["Tiliöinti", "Tiliöinti → Hyväksyntä"]),
])
def test_export_table_top_and_all(top, include_all, expected):
    assert export_table(_ranking(), top, include_all)["candidate"].tolist() == expected


def test_export_table_of_no_candidates_is_empty():
    empty = pd.DataFrame(columns=list(_candidates().columns))
    assert export_table(_ranking(empty)).empty


# ------------------------------------------------------------------------ terminal
HEADER = "  #  hours/yr (80% interval)      FTE      €/yr  payback   fit  candidate"
TAIL = ["",
        "Assumptions",
        "  - hourly cost of staff time: 29 €/h (assumed; Statistics Finland)",
        "  - automatable share: decision trees (estimated)",
        "  - working day 08:00–16:00",
        "",
        "Not ranked (2 activities)",
        "  - Järjestelmä 0: already automated: robot",
        "  - Järjestelmä 1: already automated: robot"]


def test_terminal_lines():
    assert terminal_lines(_ranking()) == [
        HEADER,
        "  1  1,234 (1,000–1,500)         0.79    35,798     8 mo  0.90  Tiliöinti",
        "     1,234 h/yr: many",
        "  2  56 (40–70)                  0.04     1,624    never  0.75  Tiliöinti → Hyväksyntä",
        "     56 h/yr: some",
        *TAIL]


def test_terminal_lines_all_and_top():
    lines = terminal_lines(_ranking(), top=None, include_all=True)
    assert lines[5:7] == ["  -  8 (3–12)                    0.01       220    never  0.40  Tarkastus <b>|x|</b>",
                          "     8 h/yr: few; not recommended: fit 0.40 < 0.60"]
    assert terminal_lines(_ranking(), top=1) == [
        HEADER, "  1  1,234 (1,000–1,500)         0.79    35,798     8 mo  0.90  Tiliöinti",
        "     1,234 h/yr: many", *TAIL]


def test_terminal_lines_when_nothing_is_recommended_or_there_is_nothing():
    none = _candidates().assign(recommended=False, rank=0, knock_out=[None, "variability", "capacity"])
    assert terminal_lines(_ranking(none))[0] == (
        "No candidate is recommended (1 capacity, 1 fit below the threshold, 1 variability); "
        "--all lists them with the reasons")
    empty = pd.DataFrame(columns=list(_candidates().columns))
    assert terminal_lines(_ranking(empty)) == ["No candidates: no activity has measurable person work.",
                                               *TAIL]


def test_terminal_lines_show_ten_not_ranked_and_count_the_rest():
    lines = terminal_lines(_ranking(excluded=12))
    start = lines.index("Not ranked (12 activities)")
    assert lines[start + 1:] == [f"  - Järjestelmä {i}: already automated: robot" for i in range(10)] + [
        "  - ... and 2 more (see --format json)"]


# ------------------------------------------------------------------------ markdown
def test_markdown():
    assert markdown(_ranking(), include_all=True) == "\n".join([
        "# Automation candidates",
        "",
        "| # | candidate | hours/yr | 80 % interval | FTE | €/yr | payback | fit | why |",
        "|---:|---|---:|---|---:|---:|---:|---:|---|",
        "| 1 | Tiliöinti | 1,234 | 1,000–1,500 | 0.79 | 35,798 | 8 mo | 0.90 | 1,234 h/yr: many |",
        "| 2 | Tiliöinti → Hyväksyntä | 56 | 40–70 | 0.04 | 1,624 | never | 0.75 | 56 h/yr: some |",
        "| - | Tarkastus &lt;b&gt;\\|x\\|&lt;/b&gt; | 8 | 3–12 | 0.01 | 220 | never | 0.40 | "
        "8 h/yr: few; not recommended: fit 0.40 &lt; 0.60 |",
        "",
        "## Assumptions",
        "",
        "- hourly cost of staff time: 29 €/h (assumed; Statistics Finland)",
        "- automatable share: decision trees (estimated)",
        "- working day 08:00–16:00",
        "",
        "## Not ranked",
        "",
        "- Järjestelmä 0: already automated: robot",
        "- Järjestelmä 1: already automated: robot",
    ]) + "\n"


def test_markdown_without_excluded_has_no_not_ranked_section():
    text = markdown(_ranking(excluded=0), top=1)
    assert "## Not ranked" not in text
    assert [line for line in text.splitlines() if line.startswith("| 1 ")] == [
        "| 1 | Tiliöinti | 1,234 | 1,000–1,500 | 0.79 | 35,798 | 8 mo | 0.90 | 1,234 h/yr: many |"]
    assert not any(line.startswith("| 2 ") for line in text.splitlines())


# ------------------------------------------------------------------------ html
def _report() -> LoadReport:
    return LoadReport(source="l.csv", format="csv", mapping={}, mapping_name="fi", timestamp_method="iso",
                      rows_read=10, rows_kept=9, rejected={"missing case id": 1})


def test_html_report():
    page = html_report(_ranking(), title="Ehdokkaat <x>", map_svg="<svg>MAP</svg>", map_note="a note & more",
                       report=_report(), include_all=True)
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                           "<title>Ehdokkaat &lt;x&gt;</title>")
    assert "<h1>Ehdokkaat &lt;x&gt;</h1>" in page
    assert "<div class=map><svg>MAP</svg><p class=note>a note &amp; more</p></div>" in page
    rows = [line for line in page.splitlines() if line.startswith("<tr><td>")]
    assert rows == [
        "<tr><td>1</td><td>Tiliöinti</td><td class=n>1,234</td><td class=n>1,000–1,500</td><td class=n>0.79</td>"
        "<td class=n>35,798</td><td class=n>8 mo</td><td class=n>0.90</td><td>1,234 h/yr: many</td></tr>",
        "<tr><td>2</td><td>Tiliöinti → Hyväksyntä</td><td class=n>56</td><td class=n>40–70</td>"
        "<td class=n>0.04</td><td class=n>1,624</td><td class=n>never</td><td class=n>0.75</td>"
        "<td>56 h/yr: some</td></tr>",
        "<tr><td>-</td><td>Tarkastus &lt;b&gt;|x|&lt;/b&gt;</td><td class=n>8</td><td class=n>3–12</td>"
        "<td class=n>0.01</td><td class=n>220</td><td class=n>never</td><td class=n>0.40</td>"
        "<td>8 h/yr: few; not recommended: fit 0.40 &lt; 0.60</td></tr>"]
    items = [line for line in page.splitlines() if line.startswith("<li>")]
    assert items == ["<li>hourly cost of staff time: 29 €/h (assumed; Statistics Finland)</li>",
                     "<li>automatable share: decision trees (estimated)</li>",
                     "<li>working day 08:00–16:00</li>",
                     "<li>Järjestelmä 0: already automated: robot</li>",
                     "<li>Järjestelmä 1: already automated: robot</li>",
                     *[f"<li>{line.strip()}</li>" for line in _report().lines()]]
    assert "<li>missing case id: 1</li>" in items
    assert page.endswith("</body></html>\n")


def test_html_report_escapes_control_characters_and_fetches_nothing():
    hostile = _candidates().assign(candidate=["a\x1b]0;x\x07", "<script>alert(1)</script>", "c"])
    page = html_report(_ranking(hostile), title="t", map_svg=None, map_note="", report=None, include_all=True)
    assert "\x1b" not in page and "<td>a\\x1b]0;x\\x07</td>" in page
    assert "<script>" not in page and "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page
    assert "<div class=map></div>" in page
    for fetch in ("src=", "href=", "<link", "@import", "url("):
        assert fetch not in page


# ------------------------------------------------------------------------ on a sample
def test_present_a_sample_ranking_the_same_everywhere():
    log, _ = read_log(SAMPLES / "ostolaskut_complete_only.csv.gz")
    ranking = rank_candidates(log)
    table = export_table(ranking, 3)
    names = table["candidate"].tolist()
    assert len(names) == 3 and table["rank"].tolist() == [1, 2, 3]
    lines = terminal_lines(ranking, 3)
    assert [line.split("  ")[-1] for line in lines[1:7:2]] == names
    assert [line[5:] for line in lines[2:8:2]] == table["reason"].tolist()
    md_rows = [line for line in markdown(ranking, 3).splitlines() if line[:4] in ("| 1 ", "| 2 ", "| 3 ")]
    assert [row.split(" | ")[1] for row in md_rows] == names
    page = html_report(ranking, title="t", map_svg=None, map_note="", report=None, top=3)
    cells = [re.findall(r"<td>([^<]*)</td>", line) for line in page.splitlines() if line.startswith("<tr><td>")]
    assert [c[1] for c in cells] == names
