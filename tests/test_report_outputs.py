"""Issue 14's outputs: payback, bots, waits, the workbook, progress, --quiet."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from rpa_scout import discover_graph, read_log, rank_candidates
from rpa_scout.cli import main
from rpa_scout.io.progress import Progress
from rpa_scout.lang import Lang
from rpa_scout.summary import group_bots, headline
from rpa_scout.value import break_even, payback_months
from tests.conftest import SAMPLES, flat

DEMO = SAMPLES / "ostolaskut.csv.gz"


@pytest.fixture(scope="module")
def ranking():
    log, _ = read_log(DEMO)
    return rank_candidates(log)


def test_payback_is_months_or_nothing_never_inf():
    months = payback_months(16000.0, np.array([30000.0, 5000.0, 6100.0, 6000.0]), 6000.0, 60.0)
    assert months[0] == pytest.approx(8.0) and np.isnan(months[1:]).all()
    even = break_even(16000.0, 6000.0, 29.0, np.array([100.0]), np.array([1000.0]), np.array([2900.0]), 60.0)
    assert even["break_even_hours"][0] == pytest.approx((6000 + 3200) / 29)
    assert even["break_even_executions"][0] == pytest.approx(10 * (6000 + 3200) / 29)
    assert even["break_even_licence"][0] == pytest.approx(2900 - 3200)


def test_ranking_payback_and_reason(ranking):
    table = ranking.candidates
    months = table["payback_months"]
    assert not np.isinf(months).any() and (months.dropna() <= 60).all()
    from rpa_scout.present import terminal_lines

    lines = flat("\n".join(terminal_lines(ranking)))
    assert "inf" not in lines and "never" not in lines
    assert "does not pay back within 60 months at a licence of 6,000 € a year" in lines


def test_headline_total_never_double_counts(ranking):
    top = headline(ranking)
    singles = ranking.candidates[(ranking.candidates["kind"] == "activity") & ranking.candidates["recommended"]]
    assert top.hours == pytest.approx(singles["hours_per_year"].sum())
    assert top.low < top.hours < top.high
    assert top.fte == pytest.approx(top.hours / 1558.0)


def test_bots_group_steps_done_in_a_row(ranking):
    bots = group_bots(ranking)
    singles = ranking.candidates[(ranking.candidates["kind"] == "activity") & ranking.candidates["recommended"]]
    assert bots["n_steps"].sum() == len(singles)
    assert bots["hours_per_year"].sum() == pytest.approx(singles["hours_per_year"].sum())
    shared = bots[bots["n_steps"] > 1].iloc[0]
    assert shared["licence"] == 6000 and shared["build_cost"] == shared["n_steps"] * 16000
    assert "Kustannuspaikan tiliöinti" in shared["steps"] and "Tilausvastaavuuden tarkistus" in shared["steps"]


def test_waits_are_never_negative_and_overlaps_counted():
    t = pd.Timestamp("2024-03-01 09:00", tz="UTC")
    log = pd.DataFrame({
        "case:concept:name": ["c1"] * 4,
        "concept:name": ["A", "B", "A", "B"],
        "lifecycle:transition": ["start", "start", "complete", "complete"],
        "time:timestamp": [t, t + pd.Timedelta(minutes=5), t + pd.Timedelta(minutes=30), t + pd.Timedelta(minutes=40)],
    })
    edge = discover_graph(log).edges["A", "B"]
    assert edge["wait_median_s"] == 0 and edge["wait_mean_s"] == 0 and edge["overlaps"] == 1


def test_workbook_is_formatted(tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(main, ["rank", str(DEMO), "--lang", "fi", "--key", "k", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    # --all adds "Ei suositella"
    assert book.sheetnames == ["Ehdokkaat", "Roboteittain", "Ei arvioitu", "Oletukset", "Huomiot"]
    sheet = book["Ehdokkaat"]
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["#", "laji", "automaatioehdokas", "suositellaan", "h/v"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref and sheet["A1"].font.bold
    hours = sheet.cell(row=2, column=5)
    assert hours.value == round(hours.value) and hours.number_format == "#,##0"
    payback = [row[9].value for row in sheet.iter_rows(min_row=2)]
    assert all(v is None or (isinstance(v, float) and math.isfinite(v)) for v in payback)
    assert sheet.column_dimensions["C"].width > 20
    assumptions = [r[0].value for r in book["Oletukset"].iter_rows(min_row=2)]
    assert "henkilöstön työtunnin hinta" in assumptions


def test_progress_only_when_asked(tmp_path):
    out = io.StringIO()
    with Progress(Lang("sv"), enabled=True, stream=out, after=0).stage("progress.read", name="x.csv"):
        pass
    assert "läser x.csv" in out.getvalue() and "klart" in out.getvalue()
    silent = io.StringIO()
    with Progress(Lang("sv"), enabled=False, stream=silent, after=0).stage("progress.read", name="x.csv"):
        pass
    assert silent.getvalue() == ""
    result = CliRunner().invoke(main, ["rank", str(DEMO), "--key", "k"])
    assert result.stderr == ""  # not a terminal: no progress
    result = CliRunner().invoke(main, ["rank", str(DEMO), "--key", "k", "--quiet", "--out", str(tmp_path / "r.md")])
    assert result.exit_code == 0 and result.stdout == "" and (tmp_path / "r.md").exists()


def test_performance_map_legend_in_human_units(tmp_path):
    from rpa_scout.render import to_dot

    log, _ = read_log(DEMO)
    dot = to_dot(discover_graph(log), view="performance", lang=Lang("fi"))
    assert "odotusajan mediaani" in dot and "enintään 1 h" in dot.replace("\xa0", " ") and "yli 30 vrk" in dot
    assert " s\"" not in dot or "-" not in dot.split("->")[0]
    assert not [w for w in dot.split('label="')[1:] if w.startswith("-")]


def _report_graph(steps: int, paths_each: int):
    """A report map: ``steps`` candidate steps in a chain from start to end, each also
    joined to the ``paths_each`` steps after it by rarer paths."""
    import networkx as nx

    from rpa_scout.graph import END, START

    graph = nx.DiGraph(totals=(steps + 5, 500))
    graph.add_node(START, kind="start")
    graph.add_node(END, kind="end")
    names = [f"a{i:02d}" for i in range(steps)]
    for i, name in enumerate(names):
        graph.add_node(name, kind="activity", role="candidate", rank=i + 1, events=1000 - i)
    for a, b in zip([START, *names], [*names, END]):
        graph.add_edge(a, b, count=100)
    for i, name in enumerate(names):
        for other in names[i + 2:i + 2 + paths_each]:
            graph.add_edge(name, other, count=1)
    return graph


@pytest.mark.parametrize("paths_each, per_point, steps_left", [(6, 10.0, 12), (0, 200.0, 3)])
def test_a_wide_report_map_loses_its_rare_paths_before_its_steps(monkeypatch, paths_each, per_point, steps_left):
    """A map too wide for its paths keeps every step and only its frequent paths; one too
    wide for its steps then loses steps (a fake dot: width grows with paths and steps)."""
    import rpa_scout.io.rank_output as out

    drawn = []

    def fake_svg(graph, view="frequency", lang=None):
        width = per_point * graph.number_of_nodes() + 20.0 * graph.number_of_edges()
        drawn.append((graph.number_of_nodes(), graph.number_of_edges()))
        return f'<svg viewBox="0 0 {width} 10"></svg>', ""

    monkeypatch.setattr(out, "svg_of", fake_svg)
    graph = _report_graph(12, paths_each)
    svg, note = out.fitted_map(graph, "", Lang("en"))
    assert out._svg_width(svg) <= out.MAX_MAP_POINTS
    assert drawn[0] == (14, graph.number_of_edges()) and drawn[1][1] == 13  # the chain's paths only
    assert note.startswith(f"The map shows the {steps_left} candidate steps and 0 steps next to them")


def test_a_map_of_too_many_paths_is_thinned_before_dot_draws_it(monkeypatch):
    """dot's layout of hundreds of paths takes seconds and is never narrow enough: such a
    map goes to the paths filter undrawn, and the map shown is the one it would have been."""
    import rpa_scout.io.rank_output as out

    drawn = []

    def fake_svg(graph, view="frequency", lang=None):
        drawn.append(graph.number_of_edges())
        return f'<svg viewBox="0 0 {25.0 * graph.number_of_edges()} 10"></svg>', ""

    monkeypatch.setattr(out, "svg_of", fake_svg)
    graph = _report_graph(30, 6)
    assert graph.number_of_edges() > out.MAX_DRAWN_PATHS
    svg, note = out.fitted_map(graph, "", Lang("en"))
    assert drawn and max(drawn) <= out.MAX_DRAWN_PATHS
    assert drawn[-1] == 31 and out._svg_width(svg) <= out.MAX_MAP_POINTS     # the chain's paths
    assert note.startswith("The map shows the 30 candidate steps")
    drawn.clear()
    monkeypatch.setattr(out, "MAX_DRAWN_PATHS", 10_000)                      # drawn first: same map
    assert out.fitted_map(graph, "", Lang("en"))[0] == svg and drawn[0] == graph.number_of_edges()


def test_the_report_chart_numbers_its_bars_as_the_table(ranking):
    """The chart cut names at 44 characters mid-word, so that four routines read alike,
    and had no rank to tie a bar to its row (QA)."""
    from rpa_scout.lang import Lang
    from rpa_scout.report_html import _chart

    shown = ranking.candidates[ranking.candidates["recommended"]]
    svg = _chart(ranking, shown, Lang("en"))
    for r in shown.itertuples(index=False):
        assert f">{r.rank}. " in svg


@pytest.mark.parametrize("code,sheet", [("fi", "Huomiot"), ("sv", "Anmärkningar")])
def test_workbook_holds_the_notes_in_the_language(ranking, tmp_path, code, sheet):
    """The workbook had the assumptions but not the notes that Markdown, HTML and JSON
    carry (the working day, the year's total, accounts over a person's year): a last
    sheet holds them, in the language."""
    from openpyxl import load_workbook

    from rpa_scout.io.rank_output import write_ranking
    from rpa_scout.lang import render

    lang = Lang(code)
    book = load_workbook(write_ranking(ranking, tmp_path / "r.xlsx", "xlsx", lang=lang))
    assert book.sheetnames[-1] == sheet
    rows = list(book[sheet].iter_rows(values_only=True))
    assert rows[0] == (lang.t("col.note"),)
    assert [r[0] for r in rows[1:]] == [render(n, lang) for n in ranking.notes]
    assert {"note.working_day", "note.total"} <= {getattr(n, "key", None) for n in ranking.notes}


def test_files_leave_a_not_recommended_candidates_rank_empty_and_json_holds_the_total(tmp_path):
    """Not-recommended rows had rank 0 in CSV, JSON and Excel: sorted by rank they came first."""
    import json

    import pandas as pd
    from click.testing import CliRunner
    from openpyxl import load_workbook

    from rpa_scout.cli import main

    log = "eventlogs/ostolaskut_complete_only.csv.gz"
    for fmt in ("csv", "json", "xlsx"):
        result = CliRunner().invoke(main, ["rank", log, "--all", "--format", fmt, "--out", str(tmp_path / f"r.{fmt}")])
        assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "r.csv")
    assert table.loc[table["recommended"], "rank"].tolist() == [1, 2, 3, 4]
    assert table.loc[~table["recommended"], "rank"].isna().all() and (~table["recommended"]).sum() == 3
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [c["rank"] for c in data["candidates"]] == [1, 2, 3, 4, None, None, None]
    assert round(data["total"]["hours_per_year"]) == 184 and data["total"]["routines_added"] is False
    sheet = load_workbook(tmp_path / "r.xlsx").worksheets[0]
    assert [sheet.cell(r, 1).value for r in range(2, 9)] == [1, 2, 3, 4, None, None, None]


def test_the_html_headline_says_when_its_total_is_loose_or_no_bot_pays_back(tmp_path):
    """A board read "184 working hours a year … 5,330 €" with no caveat, beside rows that
    each said the interval was wider than the estimate and nothing paid back."""
    from click.testing import CliRunner

    from rpa_scout.cli import main

    for lang, wide, payback in (("en", "The 80 % interval is wider than the total itself",
                                 "None of the 2 bots pays back"),
                                ("fi", "80 %:n väli on leveämpi kuin itse summa", "Yksikään 2 robotista ei maksa"),
                                ("sv", "80 %-intervallet är bredare än själva summan", "Ingen av de 2 robotarna betalar")):
        out = tmp_path / f"r_{lang}.html"
        result = CliRunner().invoke(main, ["rank", "eventlogs/ostolaskut_complete_only.csv.gz", "--lang", lang,
                                           "--format", "html", "--out", str(out)])
        assert result.exit_code == 0, result.output
        headline = out.read_text(encoding="utf-8").split('id="headline"')[1].split("</section>")[0]
        headline = headline.replace("\u00a0", " ")   # "80 %" and "16 000 €" keep their parts together
        assert wide in headline and payback in headline
    assert "before the bots&#39; build and licence costs" not in headline   # (sv page) ...
    page = (tmp_path / "r_en.html").read_text(encoding="utf-8")
    assert "of staff time at 29" in page and "before the bots&#39; build and licence costs" in page


def test_the_html_headline_says_how_much_of_its_hours_rest_on_timed_executions(tmp_path):
    """BPIC15's headline gave its hours silently, though most of its steps' executions
    carry a date only and count no hours (report review)."""
    from click.testing import CliRunner

    from rpa_scout.cli import main
    from tests.conftest import shared_log

    out = tmp_path / "b15.html"
    result = CliRunner().invoke(main, ["rank", str(shared_log("bpic15/BPIC15_1.xes.gz")), "--format", "html",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    headline = out.read_text(encoding="utf-8").split('id="headline"')[1].split("</section>")[0]
    assert "The hours count only the executions logged with a clock time (39% of the recommended" in headline
    sample = tmp_path / "o.html"
    CliRunner().invoke(main, ["rank", "eventlogs/ostolaskut_complete_only.csv.gz", "--format", "html",
                              "--out", str(sample)])
    assert "clock time" not in sample.read_text(encoding="utf-8").split('id="headline"')[1].split("</section>")[0]
