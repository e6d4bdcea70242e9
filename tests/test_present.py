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
from tests.conftest import SAMPLES, flat, payback_sentence, terminal_rows


def _candidates() -> pd.DataFrame:
    """Three candidates as rank_candidates orders them: two recommended, one not; every
    figure a reason, a payback sentence or a table shows (columns not in export order)."""
    nan = math.nan
    return pd.DataFrame({
        "reason": REASONS,
        "candidate": ["Tiliöinti", "Tiliöinti → Hyväksyntä", "Tarkastus <b>|x|</b>"],
        "kind": ["activity", "routine", "activity"],
        "rank": [1, 2, 0],
        "steps": [1, 2, 1],
        "recommended": [True, True, False],
        "fit": [0.904, 0.75, 0.4],
        # hours = annual_timed × handling_min / 60 × automatable_share; FTE = hours / 1,558;
        # euros = hours × 29 €
        "hours_per_year": [1234.4, 56.0, 155.2],
        "hours_low": [1000.0, 40.2, 60.0],
        "hours_high": [1500.0, 70.0, 400.0],
        "fte": [0.7923, 0.0359, 0.0996],
        "euros_per_year": [35797.6, 1624.0, 4500.8],
        # the build (20 days × 800 €) from the savings above the licence (6,000 € a year), within
        # 60 months; else the hours that would pay back ((6,000 + 16,000 / 5) / 29 €), the
        # executions that save them, and the licence under which its savings would
        "payback_months": [6.44, nan, nan],
        "break_even_hours": [317.24, 317.24, 317.24],
        "break_even_executions": [3084.0, 3399.0, 6541.1],
        "break_even_licence": [32597.6, -1576.0, 1300.8],
        "annual_executions": [12000.0, 600.0, 4000.0],
        "annual_timed": [12000.0, 600.0, 3200.0],
        "timed_share": [1.0, 1.0, 0.8],
        "handling_min": [7.0, 8.0, 3.0],
        "handling_source": ["measured", "mixed", "estimated"],
        "automatable_share": [0.8817, 0.7, 0.97],
        "manual_share": [1.0, 1.0, 0.5],
        "repeated_share": [0.0, 0.08, 0.0],
        "knock_out": ["", "", ""],
        "knock_out_value": [nan, nan, nan],
        "knock_out_limit": [nan, nan, nan],
        "rule_basedness": [0.8817, 0.7, 0.97],
        "standardisation": [0.95, 0.6, 0.3],
        "variability": [0.9, 0.7, 0.45],
        "stability": [0.8, 0.5, 0.7],
        "rework": [0.97, 0.85, 1.0],
        "loose_share": [0.0, 0.3, 0.1],
        "people_shown": ["5 or more", "fewer than 5", "fewer than 5"],
        "people": [7, 3, 1],  # used by the ranking, never exported
    })


#: The candidates' reasons (the ``reason`` column, English): how the hours multiply, what
#: fits, and why not.
REASONS = [
    "1,234 h/yr: 12,000 a year × 7.0 min (measured) × 88% rule-predictable; 95% standard path, stable, "
    "done by 5 or more people",
    "56 h/yr: 600 a year × 8.0 min (mixed) × 70% rule-predictable; 60% standard path, volatile month to month, "
    "done by fewer than 5 people, 15% rework, 8% of its events repeat an identical row (counted as work; "
    "--drop-duplicates if they are export duplicates); its hours are part of its steps' hours (not added to the "
    "total); loose estimate: 30% of instances are upper bounds (bounded only by the working day, or by nothing)",
    "155 h/yr: 3,200 a year × 3.0 min (estimated) × 97% rule-predictable (4,000 a year, 80% with a clock time: "
    "hours count those); 30% standard path, stable, done by fewer than 5 people; the interval is wider than the "
    "estimate: time-study it and supply standard times (--standard-times); not recommended: fit 0.40 < 0.60, "
    "weakest standardisation",
]
#: What the reports add to a reason when the candidate does not pay back within 60 months
#: (the break-even hours and executions; the licence that would pay back, when there is one).
PAYBACK = [
    "",
    "; does not pay back within 60 months at a licence of 6,000\u00a0€ a year: it would from 317 h a year "
    "(3,399 executions); at this volume no licence price makes it pay back",
    "; does not pay back within 60 months at a licence of 6,000\u00a0€ a year: it would from 317 h a year "
    "(6,541 executions), or at a licence under 1,301\u00a0€ a year",
]


def _ranking(candidates: pd.DataFrame | None = None, excluded: int = 2) -> Ranking:
    activities = [f"Järjestelmä {i}" for i in range(excluded)]
    return Ranking(
        candidates=_candidates() if candidates is None else candidates,
        assumptions=(Assumption("hourly cost of staff time", 29.0, "€/h", "assumed", "Statistics Finland"),
                     Assumption("automatable share", math.nan, "", "estimated", "decision trees")),
        handling=None,
        excluded=pd.DataFrame({"activity": activities, "verdict": ["automated"] * excluded,
                               "instances": [10] * excluded, "source": ["system"] * excluded,
                               "evidence": ["robot"] * excluded, "why": ["already automated: robot"] * excluded}),
        notes=("working day 08:00–16:00",))


# ------------------------------------------------------------------------ export_table
def test_export_table_recommended_only_in_export_order():
    table = export_table(_ranking())
    assert list(table.columns) == [
        "rank", "kind", "candidate", "steps", "recommended", "fit", "hours_per_year", "hours_low", "hours_high",
        "fte", "euros_per_year", "payback_months", "break_even_hours", "break_even_executions",
        "break_even_licence", "payback_text", "annual_executions", "annual_timed", "timed_share", "handling_min",
        "handling_source", "automatable_share", "manual_share", "repeated_share", "knock_out", "knock_out_value",
        "knock_out_limit", "rule_basedness", "standardisation", "variability", "stability", "rework",
        "people_shown", "loose_share", "reason"]
    assert list(table.columns) == [c for c in EXPORT_COLUMNS if c in [*_candidates().columns, "payback_text"]]
    assert table["candidate"].tolist() == ["Tiliöinti", "Tiliöinti → Hyväksyntä"]
    assert table.index.tolist() == [0, 1]


def test_export_table_has_no_negative_licence_and_says_why():
    """A break-even licence of zero or below (no price pays back) is empty, as the
    terminal's sentence says, never a negative price; the sentence is in the table."""
    table = export_table(_ranking(), include_all=True)
    assert table["break_even_licence"].tolist()[0] == 32597.6
    assert math.isnan(table["break_even_licence"][1]) and table["break_even_licence"][2] == 1300.8
    assert table["payback_text"].tolist() == ["pays back the build in 6 months", PAYBACK[1][2:], PAYBACK[2][2:]]


@pytest.mark.parametrize("top,include_all,expected", [
    (None, True, ["Tiliöinti", "Tiliöinti → Hyväksyntä", "Tarkastus <b>|x|</b>"]),
    (1, False, ["Tiliöinti"]),
    # --top counts the recommended; --all adds every one not recommended
    (1, True, ["Tiliöinti", "Tarkastus <b>|x|</b>"]),
    (2, True, ["Tiliöinti", "Tiliöinti → Hyväksyntä", "Tarkastus <b>|x|</b>"]),
    (5, False, ["Tiliöinti", "Tiliöinti → Hyväksyntä"]),
])
def test_export_table_top_and_all(top, include_all, expected):
    assert export_table(_ranking(), top, include_all)["candidate"].tolist() == expected


def test_export_table_of_no_candidates_is_empty():
    empty = pd.DataFrame(columns=list(_candidates().columns))
    assert export_table(_ranking(empty)).empty


# ------------------------------------------------------------------------ terminal
#: The table's head: rank and candidate; under them the numbers' columns (hours with the
#: interval <30, FTE >6, euros >10, payback <14, a space, fit >7).
HEAD = ["  #  candidate",
        "     hours/yr (80\u00a0% interval)         FTE      €/yr  payback            fit"]
#: Each candidate in 80 columns: rank and name; its numbers; its reason and, when it does
#: not pay back, the payback sentence, wrapped at words (a number and its unit kept together).
ROWS = [
    ["  1  Tiliöinti",
     "     1,234 (1,000–1,500)             0.79    35,798  6 mo              0.90",
     "     1,234\u00a0h/yr: 12,000 a year × 7.0\u00a0min (measured) × 88% rule-predictable; 95%",
     "     standard path, stable, done by 5 or more people"],
    ["  2  Tiliöinti → Hyväksyntä",
     "     56 (40–70)                      0.04     1,624  no payback        0.75",
     "     56\u00a0h/yr: 600 a year × 8.0\u00a0min (mixed) × 70% rule-predictable; 60% standard",
     "     path, volatile month to month, done by fewer than 5 people, 15% rework, 8%",
     "     of its events repeat an identical row (counted as work; --drop-duplicates",
     "     if they are export duplicates); its hours are part of its steps' hours (not",
     "     added to the total); loose estimate: 30% of instances are upper bounds",
     "     (bounded only by the working day, or by nothing); does not pay back within",
     "     60 months at a licence of 6,000\u00a0€ a year: it would from 317\u00a0h a year (3,399",
     "     executions); at this volume no licence price makes it pay back"],
    ["  -  Tarkastus <b>|x|</b>",
     "     155 (60–400)                    0.10     4,501  no payback        0.40",
     "     155\u00a0h/yr: 3,200 a year × 3.0\u00a0min (estimated) × 97% rule-predictable (4,000",
     "     a year, 80% with a clock time: hours count those); 30% standard path,",
     "     stable, done by fewer than 5 people; the interval is wider than the",
     "     estimate: time-study it and supply standard times (--standard-times); not",
     "     recommended: fit 0.40 < 0.60, weakest standardisation; does not pay back",
     "     within 60 months at a licence of 6,000\u00a0€ a year: it would from 317\u00a0h a year",
     "     (6,541 executions), or at a licence under 1,301\u00a0€ a year"],
]
TAIL = ["",
        "Assumptions",
        "  - hourly cost of staff time: 29\u00a0€/h (assumed; Statistics Finland)",
        "  - automatable share: decision trees (estimated)",
        "  - working day 08:00–16:00",
        "",
        "Not ranked (2 activities)",
        "  - Järjestelmä 0: already automated: robot",
        "  - Järjestelmä 1: already automated: robot"]


def test_the_rows_hold_the_reasons_and_fit_80_columns():
    """The expected rows above say the reasons and payback sentences, wrapped."""
    assert [flat("\n".join(row[2:])) for row in ROWS] == [flat(r + p) for r, p in zip(REASONS, PAYBACK)]
    assert max(len(line) for row in ROWS for line in row) <= 80
    assert [payback_sentence(row) for _, row in _candidates().iterrows()] == PAYBACK


def test_terminal_lines():
    assert terminal_lines(_ranking()) == [*HEAD, *ROWS[0], *ROWS[1], *TAIL]


#: What the terminal says where --top cuts the recommended candidates.
MORE = ["  ... and 1 more recommended (#2): --top 2 shows it; a file written with --out",
        "    holds them all"]


def test_terminal_lines_all_and_top():
    assert terminal_lines(_ranking(), top=None, include_all=True) == [*HEAD, *ROWS[0], *ROWS[1], *ROWS[2], *TAIL]
    assert terminal_lines(_ranking(), top=1) == [*HEAD, *ROWS[0], *MORE, *TAIL]
    # --top counts the recommended ones; --all adds those not recommended after them
    assert terminal_lines(_ranking(), top=1, include_all=True) == [*HEAD, *ROWS[0], *MORE, *ROWS[2], *TAIL]


def test_terminal_lines_in_a_wide_terminal_keep_each_reason_on_one_line():
    lines = terminal_lines(_ranking(), include_all=True, width=1000)
    reasons = [lines[lines.index(row[0]) + 2] for row in ROWS]
    assert lines == [*HEAD, *ROWS[0][:2], reasons[0], *ROWS[1][:2], reasons[1], *ROWS[2][:2], reasons[2], *TAIL]
    assert all(line.startswith("     ") for line in reasons)
    assert [flat(line) for line in reasons] == [flat(r + p) for r, p in zip(REASONS, PAYBACK)]


def test_terminal_lines_when_nothing_is_recommended_or_there_is_nothing():
    none = _candidates().assign(recommended=False, rank=0, knock_out=[None, "variability", "capacity"])
    assert terminal_lines(_ranking(none)) == [
        "No candidate is recommended (1 capacity, 1 fit below the threshold, 1",
        "variability); --all lists them with the reasons", *TAIL]
    empty = pd.DataFrame(columns=list(_candidates().columns))
    assert terminal_lines(_ranking(empty)) == ["No candidates: no activity has measurable person work.",
                                               *TAIL]


def test_terminal_lines_show_ten_not_ranked_and_count_the_rest():
    lines = terminal_lines(_ranking(excluded=12))
    start = lines.index("Not ranked (12 activities)")
    assert lines[start + 1:] == [f"  - Järjestelmä {i}: already automated: robot" for i in range(10)] + [
        "  - ... and 2 more (--all lists them)"]
    lines = terminal_lines(_ranking(excluded=12), include_all=True)
    start = lines.index("Not ranked (12 activities)")
    assert lines[start + 1:] == [f"  - Järjestelmä {i}: already automated: robot" for i in range(12)]


def _with_a_bot() -> Ranking:
    """The third candidate recommended as a step the routine chains to the first: one bot
    for both, with one licence and a build per step."""
    candidates = _candidates()
    candidates.loc[2, ["candidate", "rank", "recommended", "fit"]] = ["Hyväksyntä", 3, True, 0.7]
    return _ranking(candidates)


def test_terminal_lines_and_markdown_name_the_bots():
    # 1,234.4 + 155.2 = 1,389.6 h × 29 € = 40,298 €; the builds (2 × 16,000 €) from the
    # savings above one licence: 32,000 / ((40,298.4 − 6,000) / 12) = 11.2 months
    lines = terminal_lines(_with_a_bot())
    start = lines.index("Per bot: steps one person does in a row share a bot (one licence)")
    assert lines[start - 1:start + 3] == [
        "", "Per bot: steps one person does in a row share a bot (one licence)",
        # its interval as a total's; without bootstrap rounds, the steps' ends added
        "  - bot 1 (Tiliöinti + Hyväksyntä): 1,390\u00a0h/yr (1,060–1,900), 40,298\u00a0€/yr; pays",
        "    back the build in 11 months"]
    assert lines[start + 3:] == TAIL
    text = markdown(_with_a_bot())
    assert ("\n\n## Per bot: steps one person does in a row share a bot (one licence)\n\n"
            "- bot 1 (Tiliöinti + Hyväksyntä): 1,390\u00a0h/yr (1,060–1,900), 40,298\u00a0€/yr; pays back the build in "
            "11 months\n"
            "\n## Assumptions\n") in text


# ------------------------------------------------------------------------ markdown
def _md(text: str) -> str:
    """Text as a Markdown cell holds it: tags escaped, apostrophes as they are (these hold
    no pipe, bracket or backslash)."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


MD_ROWS = [
    f"| 1 | Tiliöinti | 1,234 | 1,000–1,500 | 0.79 | 35,798 | 6 mo | 0.90 | {_md(REASONS[0])} |",
    f"| 2 | Tiliöinti → Hyväksyntä | 56 | 40–70 | 0.04 | 1,624 | no payback | 0.75 | "
    f"{_md(REASONS[1] + PAYBACK[1])} |",
    f"| - | Tarkastus &lt;b&gt;\\|x\\|&lt;/b&gt; | 155 | 60–400 | 0.10 | 4,501 | no payback | 0.40 | "
    f"{_md(REASONS[2] + PAYBACK[2])} |",
]


def test_markdown():
    assert markdown(_ranking(), include_all=True) == "\n".join([
        "# Candidates",
        "",
        "| # | candidate | hours/yr | 80\u00a0% interval | FTE | €/yr | payback | fit | why |",
        "|---:|---|---:|---|---:|---:|---:|---:|---|",
        *MD_ROWS,
        "",
        "## Assumptions",
        "",
        "- hourly cost of staff time: 29 €/h (assumed; Statistics Finland)",
        "- automatable share: decision trees (estimated)",
        "- working day 08:00–16:00",
        "",
        "## Not ranked (2 activities)",
        "",
        "- Järjestelmä 0: already automated: robot",
        "- Järjestelmä 1: already automated: robot",
    ]) + "\n"


def test_markdown_without_excluded_has_no_not_ranked_section():
    text = markdown(_ranking(excluded=0))
    assert "## Not ranked" not in text
    assert [line for line in text.splitlines() if line.startswith("| ")][1:] == MD_ROWS[:2]


def test_markdown_shows_apostrophes_and_escapes_what_markdown_needs():
    """No HTML entity for an apostrophe or a quote (Markdown would show it raw), but tags,
    pipes and brackets escaped."""
    text = markdown(_ranking(), include_all=True)
    assert "steps' hours" in text and "&#x27;" not in text and "&#39;" not in text
    assert "| Tarkastus &lt;b&gt;\\|x\\|&lt;/b&gt; |" in text


# ------------------------------------------------------------------------ html
def _report() -> LoadReport:
    return LoadReport(source="l.csv", format="csv", mapping={}, mapping_name="fi", timestamp_method="iso",
                      rows_read=10, rows_kept=9, rejected={"missing case id": 1})


def _html(text: str) -> str:
    """Text as the page holds it: HTML escaped."""
    return text.replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")


def _section(page: str, name: str, start: str = "<tr><td") -> list[str]:
    """The lines of one section of the page that begin with ``start`` (its table rows)."""
    (body,) = re.findall(rf'^<section[^>]* id="{name}">\n(.*?)^</section>', page, re.DOTALL | re.MULTILINE)
    return [line for line in body.splitlines() if line.startswith(start)]


def test_html_report():
    page = html_report(_ranking(), title="Ehdokkaat <x>", map_svg="<svg>MAP</svg>", map_note="a note & more",
                       report=_report(), include_all=True)
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                           "<title>Ehdokkaat &lt;x&gt;</title>")
    assert "<h1>Ehdokkaat &lt;x&gt;</h1>" in page
    # the recommended single step's hours, interval, FTE and euros (the routine is nested in it)
    assert _section(page, "headline", "<p") == [
        '<p class="big">Software robots could free 1,234 working hours a year</p>',
        "<p>from 1 recommended step (80\u00a0% interval 1,000–1,500 h), that is 0.79 full-time equivalents "
        "(FTE) or 35,798\u00a0€ a year of staff time at 29\u00a0€/h, before the bot&#39;s build and licence "
        "costs.</p>",
        "<p>3 steps and routines were examined: 2 recommended, 1 not recommended (1 fit below the "
        "threshold).</p>",
        "<p>2 activities were not examined: 2 already automated.</p><p class=\"small\">Routines (steps done in "
        "a row) regroup hours already counted in their steps and are not added. Hours saved a year = annual "
        "executions × handling time × automatable share, with an 80\u00a0% interval (bootstrap over cases, widened "
        "by the handling-time estimator&#39;s measured error). No employee is named or ranked.</p>"]
    assert '<div class="map"><svg>MAP</svg></div>\n<p class="note">a note &amp; more</p></section>' in page
    numbers = ['<td class="n">1,234</td><td class="n">1,000–1,500</td><td class="n">0.79</td>'
               '<td class="n">35,798</td><td class="n">6 mo</td><td class="n">0.90</td>',
               '<td class="n">56</td><td class="n">40–70</td><td class="n">0.04</td><td class="n">1,624</td>'
               '<td class="n">no payback</td><td class="n">0.75</td>']
    assert _section(page, "candidates") == [
        f'<tr><td class="n">1</td><td>Tiliöinti</td>{numbers[0]}<td>{_html(REASONS[0])}</td></tr>',
        f'<tr><td class="n">2</td><td>Tiliöinti → Hyväksyntä</td>{numbers[1]}'
        f"<td>{_html(REASONS[1] + PAYBACK[1])}</td></tr>"]
    # a bot per recommended step (no routine joins two of them): its build from its savings
    assert _section(page, "bots") == [
        '<tr><td class="n">bot 1</td><td>Tiliöinti</td><td class="n">1,234</td><td class="n">1,000–1,500</td>'
        '<td class="n">35,798</td>'
        '<td class="n">6 mo</td><td>pays back the build in 6 months</td></tr>']
    assert _section(page, "not-recommended") == [
        # the same columns as the recommended ones' (a board compares them), no rank
        f'<tr><td class="n">–</td><td>Tarkastus &lt;b&gt;|x|&lt;/b&gt;</td><td class="n">155</td>'
        '<td class="n">60–400</td><td class="n">0.10</td><td class="n">4,501</td><td class="n">no payback</td>'
        f'<td class="n">0.40</td><td>{_html(REASONS[2] + PAYBACK[2])}</td></tr>']
    assert _section(page, "not-examined") == [
        "<tr><td>Järjestelmä 0</td><td>already automated: robot</td></tr>",
        "<tr><td>Järjestelmä 1</td><td>already automated: robot</td></tr>"]
    assert _section(page, "assumptions") == [
        '<tr><td>hourly cost of staff time</td><td class="n">29 €/h</td><td>assumed</td>'
        "<td>Statistics Finland</td></tr>",
        '<tr><td>automatable share</td><td class="n"></td><td>estimated</td><td>decision trees</td></tr>']
    assert _section(page, "assumptions", "<li>") == ["<li>working day 08:00–16:00</li>"]
    assert _section(page, "load", "<p>") == ["<p>10 rows read, 9 kept, 1 rejected.</p>"]
    items = _section(page, "load", "<li>")
    assert items == [f"<li>{line.strip()}</li>" for line in _report().lines()[3:]]
    assert "<li>missing case id: 1</li>" in items
    assert page.endswith("</body></html>\n")


@pytest.mark.parametrize("code,one,two", [
    ("en", "<p>from 1 recommended step (80\u00a0% interval 1,000–1,500 h), that is 0.79",
     "from 2 recommended steps (80\u00a0% interval 1,000–1,500 h), that is 0.79"),
    ("fi", "<p>1 suositellusta vaiheesta (80\u00a0%:n väli 1\u00a0000–1\u00a0500 h), eli 0,79",
     "2 suositellusta vaiheesta (80\u00a0%:n väli 1\u00a0000–1\u00a0500 h), eli 0,79"),
    ("sv", "<p>från 1 rekommenderat steg (80\u00a0%-intervall 1\u00a0000–1\u00a0500 h), det vill säga 0,79",
     "från 2 rekommenderade steg (80\u00a0%-intervall 1\u00a0000–1\u00a0500 h), det vill säga 0,79"),
])
def test_headline_says_step_for_one_and_steps_for_more(code, one, two):
    from rpa_scout.lang import Lang

    page = html_report(_ranking(), title="t", map_svg=None, map_note="", report=None, lang=Lang(code))
    assert _section(page, "headline", "<p")[1].startswith(one)
    figures = {"low": 1000.0, "high": 1500.0, "fte": 0.7923, "euros": 35797.6, "rate": 29.0}
    assert Lang(code).tn("html.headline_detail", 2, **figures).startswith(two)


@pytest.mark.parametrize("code,counts,lines", [
    ("en", (0, 1, 2), [None, "arrow width: how often one step follows the other (thickest: 1 time)",
                       "arrow width: how often one step follows the other (thickest: 2 times)"]),
    ("fi", (0, 1, 2), [None, "nuolen paksuus: kuinka usein vaihe seuraa toista (paksuin: 1 kerta)",
                       "nuolen paksuus: kuinka usein vaihe seuraa toista (paksuin: 2 kertaa)"]),
    ("sv", (0, 1, 2), [None, "pilens bredd: hur ofta ett steg följer på ett annat (bredast: 1 gång)",
                       "pilens bredd: hur ofta ett steg följer på ett annat (bredast: 2 gånger)"]),
])
def test_map_legend_explains_widths_only_when_a_path_is_taken(code, counts, lines):
    from rpa_scout.lang import Lang

    for count, line in zip(counts, lines):
        page = html_report(_ranking(), title="t", map_svg=None, map_note="", report=None, lang=Lang(code),
                           max_count=count)
        legend = _section(page, "map", "<li>")
        assert len(legend) == (5 if line is None else 6)
        widths = [item for item in legend if 'class="sw width"' in item]
        assert widths == ([] if line is None else [f'<li><span class="sw width"></span>{line}</li>'])


def test_html_report_escapes_control_characters_and_fetches_nothing():
    hostile = _candidates().assign(candidate=["a\x1b]0;x\x07", "<script>alert(1)</script>", "c"])
    page = html_report(_ranking(hostile), title="t", map_svg=None, map_note="", report=None, include_all=True)
    assert "\x1b" not in page and "<td>a\\x1b]0;x\\x07</td>" in page
    assert "<script>" not in page and "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in page
    assert '<div class="map"></div>' in page
    for fetch in ("src=", "href=", "<link", "@import", "url("):
        assert fetch not in page


# ------------------------------------------------------------------------ on a sample
def test_present_a_sample_ranking_the_same_everywhere():
    log, _ = read_log(SAMPLES / "ostolaskut_complete_only.csv.gz")
    ranking = rank_candidates(log)
    table = export_table(ranking)
    names = table["candidate"].tolist()
    assert len(names) == 4 and table["rank"].tolist() == [1, 2, 3, 4]
    rows = terminal_rows(terminal_lines(ranking, 4))
    assert [r.candidate for r in rows] == names
    assert [r.reason for r in rows] == [flat(row["reason"] + payback_sentence(row)) for _, row in table.iterrows()]
    assert [r.candidate for r in terminal_rows(terminal_lines(ranking, 3))] == names[:3]  # --top: the terminal
    md_rows = [line for line in markdown(ranking).splitlines() if re.match(r"^\| \d+ \|", line)]
    assert [row.split(" | ")[1] for row in md_rows] == names
    page = html_report(ranking, title="t", map_svg=None, map_note="", report=None, top=3)
    cells = [re.findall(r"<td>([^<]*)</td>", line) for line in _section(page, "candidates")]
    assert [c[0] for c in cells] == names


# ------------------------------------------------------------------------ payback under a month
@pytest.mark.parametrize("code,cell,sentence", [
    ("en", "< 1 mo", "pays back the build in less than a month"),
    ("fi", "< 1 kk", "rakentaminen maksaa itsensä takaisin alle kuukaudessa"),
    ("sv", "< 1 mån", "bygget betalar sig på under en månad"),
])
def test_a_payback_under_a_month_is_never_0_months(code, cell, sentence):
    """0.3 months once showed as '0 mo' (Production, PermitLog): now '< 1 mo' in the
    table, the reports and the bots' sentence."""
    from rpa_scout.lang import Lang

    fast = _candidates().assign(payback_months=[0.3, math.nan, math.nan])
    lang = Lang(code)
    lines = terminal_lines(_ranking(fast), lang=lang, width=1000)
    assert f"  {cell}  " in lines[3]
    assert re.search(rf"\b0\s*{cell.split()[-1]}\b", "\n".join(lines)) is None
    assert f"| {cell.replace('<', '&lt;')} |" in markdown(_ranking(fast), lang=lang)
    page = html_report(_ranking(fast), title="t", map_svg=None, map_note="", report=None, lang=lang)
    assert f'<td class="n">{cell.replace("<", "&lt;")}</td>' in page
    from rpa_scout.explain import pays_back

    assert pays_back(0.3, lang) == sentence  # the payback sentence, of a candidate or a bot
    if code == "en":
        assert export_table(_ranking(fast))["payback_text"][0] == sentence


# ------------------------------------------------------------------------ Finnish and Swedish words
def test_finnish_terminal_head_keeps_payback_and_fit_apart():
    from rpa_scout.lang import Lang

    head = terminal_lines(_ranking(), lang=Lang("fi"))[1]
    assert re.search(r"takaisinmaksu {2,}sopivuus$", head), head


@pytest.mark.parametrize("code,annualised,total", [
    ("fi", "määrät muunnettu vuositasolle; perustana asioiden alkamispäivien aikaväli, 15,7 kuukautta",
     "suositellut yksittäiset vaiheet yhteensä: 407 h/v (80 %:n väli 300–500), 0,26 htv; työajan arvo 11 803 € "
     "vuodessa (robottien rakentamis- ja lisenssikuluja ei ole vähennetty);"),
    ("sv", "volymer omräknade till ett år över perioden då ärendena inleddes: 15,7 månader",
     "summa för de rekommenderade enskilda stegen: 407 h/år (80 %-intervall 300–500), 0,26 åak, arbetstid värd "
     "11 803 € om året, före robotarnas bygg- och licenskostnader;"),
])
def test_annualisation_and_total_notes_read_well(code, annualised, total):
    from rpa_scout.lang import Lang, Message

    lang = Lang(code)
    note = Message("note.annualised", basis=Message("basis.case_starts"), months=15.69,
                   first=pd.Timestamp("2010-10-02"), last=pd.Timestamp("2012-01-23"),
                   event_first=pd.Timestamp("2010-10-02"), event_last=pd.Timestamp("2012-01-23"), factor=0.765)
    assert note.render(lang).replace("\u00a0", " ").startswith(annualised)
    shown = lang.t("note.total", hours=407.0, low=300.0, high=500.0, fte=407 / 1558, euros=407 * 29.0, wide="")
    assert shown.replace("\u00a0", " ").startswith(total), shown
