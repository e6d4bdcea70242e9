"""``rpa-scout rank``: one rule for which candidates each output holds.

``--top N`` limits the recommended candidates the terminal shows; every file (CSV, JSON,
Markdown, HTML, Excel) holds every recommended candidate, so that the totals and the
bots it names trace to its rows; ``--all`` adds every candidate not recommended, with
the reason, to the terminal and to every file. A break-even licence no price reaches is
empty in every file, never negative; Markdown shows apostrophes as they are.
"""

from __future__ import annotations

import csv
import json
import re

import pytest
from click.testing import CliRunner

from rpa_scout import pseudonymise, rank_candidates, read_log
from rpa_scout.cli import main
from rpa_scout.summary import group_bots
from tests.conftest import SAMPLES, terminal_rows
from tests.test_cli_rank import _Cells

FORMATS = ("csv", "json", "md", "html", "xlsx")
#: Two samples: 4 of 7 candidates recommended (most break-even licences below zero), and
#: 8 of 17 with a bot of two steps.
LOGS = ("ostolaskut_complete_only.csv.gz", "rakennuslupa.xes.gz")
KEY = "k"


def _run(log: str, *args: str) -> list[str]:
    result = CliRunner().invoke(main, ["rank", str(SAMPLES / log), "--key", KEY, *args], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def _ranking(log: str):
    frame, _ = read_log(SAMPLES / log)
    return rank_candidates(pseudonymise(frame, key=KEY))


def _md_cell(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _held(path, fmt: str) -> tuple[list[str], list[str]]:
    """(the candidates, the steps its bots name) a file holds."""
    if fmt == "csv":
        with path.open(encoding="utf-8", newline="") as fh:
            return [r["candidate"] for r in csv.DictReader(fh)], []
    if fmt == "json":
        return [c["candidate"] for c in json.loads(path.read_text(encoding="utf-8"))["candidates"]], []
    if fmt == "md":
        lines = path.read_text(encoding="utf-8").splitlines()
        table = lines[4:lines.index("", 4)]
        names = [_md_cell(line.split(" | ")[1]) for line in table]
        start = next((i for i, line in enumerate(lines) if line.startswith("## Per bot")), None)
        bots = [] if start is None else lines[start + 2:lines.index("", start + 2)]
        steps = [s for b in bots for s in _md_cell(re.match(r"- bot \d+ \((.*)\): ", b).group(1)).split(" + ")]
        return names, steps
    if fmt == "html":
        page = _Cells()
        page.feed(path.read_text(encoding="utf-8"))
        names = [r[1] for r in page.section("candidates")] + [r[1] for r in page.section("not-recommended")]
        return names, [s for r in page.section("bots") for s in r[1].split(" + ")]
    from openpyxl import load_workbook

    book = load_workbook(path)
    rows = list(book["Candidates"].iter_rows(values_only=True))
    bots = list(book["Per bot"].iter_rows(values_only=True))
    return [r[2] for r in rows[1:]], [s for r in bots[1:] for s in r[1].split(" + ")]


@pytest.mark.parametrize("log", LOGS)
@pytest.mark.parametrize("options", [(), ("--top", "2"), ("--all",), ("--top", "2", "--all")])
def test_every_format_holds_the_same_candidates(tmp_path, log, options):
    table = _ranking(log).candidates
    recommended = list(table.loc[table["recommended"], "candidate"])
    others = list(table.loc[~table["recommended"], "candidate"])
    expected = set(recommended) | (set(others) if "--all" in options else set())
    for fmt in FORMATS:
        out = tmp_path / f"r.{fmt}"
        _run(log, *options, "--out", str(out))
        names, steps = _held(out, fmt)
        assert sorted(names) == sorted(expected), fmt
        assert set(steps) <= set(names), fmt  # every step a bot names is a row of the same file
    # the terminal: the first N recommended (and with --all every one not recommended)
    top = int(options[1]) if options[:1] == ("--top",) else 10
    shown = [r.candidate for r in terminal_rows(_run(log, *options))]
    assert shown == recommended[:top] + (others if "--all" in options else [])
    # and with a --top that cuts nothing, the same set as the files
    rest = options[2:] if options[:1] == ("--top",) else options
    shown = [r.candidate for r in terminal_rows(_run(log, "--top", "100", *rest))]
    assert sorted(shown) == sorted(expected)


def test_the_terminal_names_the_bots_of_the_steps_it_shows():
    """--top 2 of 8 recommended: the bots listed are those of steps in the table (every
    step shown has its bot listed: BPIC15's #5 had none, as its bot's other step was cut;
    QA), the rest counted; without a cut every bot is listed."""
    log = LOGS[1]
    bots = group_bots(_ranking(log))
    assert len(bots) == 4 and bots["n_steps"].max() == 2
    lines = _run(log, "--top", "2")
    shown = {r.candidate for r in terminal_rows(lines)}
    start = lines.index("Per bot: steps one person does in a row share a bot (one licence)")
    items = " ".join(lines[start + 1:lines.index("", start)])
    listed = re.findall(r"- bot \d+ \((.*?)\): ", items)
    assert all(set(b.split(" + ")) & shown for b in listed)
    steps_of_bots = {s for b in bots["steps"] for s in b.split(" + ")}
    assert shown & steps_of_bots <= {s for b in listed for s in b.split(" + ")}
    assert re.search(rf"- \.\.\. and {len(bots) - len(listed)} more bots?, of steps beyond the top 2: --top 8", items)
    items = " ".join(_run(log, "--top", "8"))
    assert len(re.findall(r"- bot \d+ \(", items)) == 4 and "more bot" not in items


def test_no_negative_break_even_licence_in_any_file(tmp_path):
    """The terminal says 'at this volume no licence price makes it pay back'; the files
    leave the price empty (null) and say the same, where they once wrote -1,733 €."""
    log = LOGS[0]
    table = _ranking(log).candidates
    never = set(table.loc[table["break_even_licence"] <= 0, "candidate"])
    assert len(never) == 6
    for fmt in ("csv", "json", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        _run(log, "--all", "--out", str(out))
        if fmt == "csv":
            with out.open(encoding="utf-8", newline="") as fh:
                rows = list(csv.DictReader(fh))
            licence = {r["candidate"]: r["break_even_licence"] for r in rows}
            assert {n for n, v in licence.items() if v == ""} == never
            assert all(float(v) > 0 for v in licence.values() if v)
            text = {r["candidate"]: r["payback_text"] for r in rows}
            assert all(text[n].endswith("at this volume no licence price makes it pay back") for n in never)
        elif fmt == "json":
            rows = json.loads(out.read_text(encoding="utf-8"))["candidates"]
            assert {r["candidate"] for r in rows if r["break_even_licence"] is None} == never
            assert all(r["break_even_licence"] > 0 for r in rows if r["break_even_licence"] is not None)
        else:
            from openpyxl import load_workbook

            book = load_workbook(out)
            for sheet in ("Candidates", "Per bot"):
                rows = list(book[sheet].iter_rows(values_only=True))
                column = rows[0].index("break-even licence €/yr")
                assert all(r[column] is None or r[column] > 0 for r in rows[1:]), sheet
            bots = list(book["Per bot"].iter_rows(values_only=True))
            assert [r[-1].endswith("no licence price makes it pay back") for r in bots[1:]] == [
                r[column] is None for r in bots[1:]]


def test_markdown_shows_apostrophes(tmp_path):
    out = tmp_path / "r.md"
    _run(LOGS[0], "--all", "--out", str(out))
    text = out.read_text(encoding="utf-8")
    assert "steps' hours" in text and "&#x27;" not in text and "&#39;" not in text
