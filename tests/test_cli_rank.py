"""``rpa-scout rank`` on the shipped samples: every --format, --top, --all, --sort, --config,
--standard-times, --hourly-cost and --fte-hours, and the exact Error lines. A real log
(``../shared/eventlogs``, skipped when absent) is an extra layer at the end.

What the command shows and writes is compared with the library's ranking of the same
pseudonymised log, and the row counts with the rows of the sample counted here.
"""

from __future__ import annotations

import csv
import gzip
import html.parser
import io
import json
import math
import re

import pytest
from click.testing import CliRunner

from rpa_scout import pseudonymise, rank_candidates, read_log
from rpa_scout.cli import main
from rpa_scout.present import EXPORT_COLUMNS, export_table
from rpa_scout.safety import markdown_text
from rpa_scout.settings import SORT_KEYS
from tests.conftest import SAMPLES, flat, payback_sentence, shared_log, terminal_rows

SAMPLE = SAMPLES / "ostolaskut_complete_only.csv.gz"
KEY = "k"
#: The terminal's width in these tests.
COLUMNS = 80
#: The table's head: rank and candidate, then the numbers' columns on the next line
#: (hours with the interval <30, FTE >6, euros >10, payback <14, a space, fit >7).
TABLE_HEAD = ["  #  candidate",
              "     hours/yr (80\u00a0% interval)         FTE      €/yr  payback            fit"]


def _sample_rows() -> int:
    """Data rows of the sample, counted without rpa_scout: CSV records after the header."""
    with gzip.open(SAMPLE, "rt", encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh)) - 1


def _rank(*args: str):
    return CliRunner().invoke(main, ["rank", str(SAMPLE), "--key", KEY, *args], env={"COLUMNS": str(COLUMNS)})


def _ok(result) -> list[str]:
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    # wrapped to the terminal; the path of the file written is shown whole
    assert [line for line in lines if len(line) > COLUMNS and not line.startswith("ranking written to ")] == []
    return lines


def _header(lines: list[str]) -> str:
    """The header line above the table (wrapped to the terminal), as one line."""
    return flat(" ".join(lines[:lines.index(TABLE_HEAD[0])]))


def _items(lines: list[str], title: str) -> list[str]:
    """The items ("  - ...", wrapped) of the section under ``title``, each as one line."""
    items: list[str] = []
    for line in lines[lines.index(title) + 1:]:
        if not line:
            break
        if line.startswith("  - "):
            items.append(line[4:])
        else:
            assert line.startswith("    "), line
            items[-1] += " " + line.strip()
    return [flat(item) for item in items]


def _error(result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.stderr


def _written(value: float):
    """A number as JSON holds it: pandas writes 10 decimals (a product of two such: 1e-8)."""
    return pytest.approx(value, abs=1e-8, rel=0)


def _shown(lines: list[str]) -> list[tuple[str, str]]:
    """(rank, candidate) of every candidate of the terminal table."""
    return [(r.rank, r.candidate) for r in terminal_rows(lines)]


@pytest.fixture(scope="module")
def sample():
    """The sample's own row count and the library's ranking of the pseudonymised log."""
    log, report = read_log(SAMPLE)
    ranking = rank_candidates(pseudonymise(log, key=KEY))
    table = ranking.candidates
    return dict(rows=_sample_rows(), report=report, ranking=ranking,
                recommended=list(table.loc[table["recommended"], "candidate"]),
                others=list(table.loc[~table["recommended"], "candidate"]),
                excluded=list(ranking.excluded["activity"]))


def test_the_sample_has_recommended_and_other_candidates(sample):
    """The sample is fit for these tests: 24,883 rows (eventlogs/README.md), some
    candidates recommended and some not, and activities left out of the ranking."""
    assert sample["rows"] == 24_883
    assert (sample["report"].rows_read, sample["report"].rows_kept) == (24_883, 24_883)
    assert len(sample["recommended"]) == 4 and len(sample["others"]) == 3
    assert len(sample["excluded"]) == 7


def test_terminal_table(sample):
    lines = _ok(_rank())
    # the header wraps at 80 columns
    assert lines[:2] == [f"ostolaskut_complete_only.csv.gz: {sample['rows']:,} events kept of "
                         f"{sample['rows']:,} read (0 rejected);", "ranked by hours"]
    assert lines[2:4] == TABLE_HEAD
    rows = terminal_rows(lines)
    assert [(r.rank, r.candidate) for r in rows] == [(str(i), c) for i, c in enumerate(sample["recommended"], 1)]
    assert sum(len(r.lines) for r in rows) == lines.index("", 4) - 4  # the table is these rows, nothing else
    table = sample["ranking"].candidates.set_index("candidate")
    for shown in rows:
        row = table.loc[shown.candidate]
        assert (shown.hours, shown.low, shown.high) == (f"{row.hours_per_year:,.0f}", f"{row.hours_low:,.0f}",
                                                        f"{row.hours_high:,.0f}")
        payback = "no payback" if math.isnan(row.payback_months) else f"{row.payback_months:.0f} mo"
        assert (shown.fte, shown.euros, shown.fit, shown.payback) == (
            f"{row.fte:.2f}", f"{row.euros_per_year:,.0f}", f"{row.fit:.2f}", payback)
        assert shown.reason == flat(row.reason + payback_sentence(row))
    assert "Assumptions" in lines
    excluded = sample["ranking"].excluded
    title = f"Not ranked ({len(sample['excluded'])} activities)"
    assert _items(lines, title) == [flat(f"{a}: {w}") for a, w in zip(excluded["activity"], excluded["why"])]
    assert "" not in lines[lines.index(title):]  # the last section


@pytest.mark.parametrize("top", [1, 3])
def test_top_shows_exactly_that_many(sample, top):
    lines = _ok(_rank("--top", str(top)))
    expected = sample["recommended"][:top]
    assert _shown(lines) == [(str(i), c) for i, c in enumerate(expected, start=1)]


def test_all_lists_the_candidates_not_recommended_after_the_others(sample):
    lines = _ok(_rank("--all"))
    assert _shown(lines) == ([(str(i), c) for i, c in enumerate(sample["recommended"], start=1)]
                             + [("-", c) for c in sample["others"]])
    # --top counts the recommended ones; --all adds every one not recommended after them
    lines = _ok(_rank("--all", "--top", "2"))
    assert _shown(lines) == ([(str(i), c) for i, c in enumerate(sample["recommended"][:2], start=1)]
                             + [("-", c) for c in sample["others"]])
    assert flat(" ".join(line for line in lines if line.startswith("  ... ") or line.startswith("    --out"))) == (
        "... and 2 more recommended (#3–#4): --top 4 shows them; a file written with --out holds them all")


@pytest.fixture(scope="module")
def written(sample, tmp_path_factory):
    """Each format written once with --top 3: the terminal shows 3, the file holds all 4
    recommended candidates."""
    folder = tmp_path_factory.mktemp("rank")
    out = {}
    for fmt in ("csv", "json", "md", "html", "xlsx"):
        path = folder / f"r.{fmt}"
        lines = _ok(_rank("--top", "3", "--out", str(path)))
        assert lines[-2:] == ["", f"ranking written to {path}"]  # (short enough not to wrap)
        assert _shown(lines) == [(str(i), c) for i, c in enumerate(sample["recommended"][:3], start=1)]
        out[fmt] = path
    return out


def _expected_table(sample):
    """What a file holds: every recommended candidate, whatever --top."""
    return export_table(sample["ranking"])


def test_csv_output(sample, written):
    rows = list(csv.reader(io.StringIO(written["csv"].read_text(encoding="utf-8"))))
    expected = _expected_table(sample)
    assert rows[0] == [c for c in EXPORT_COLUMNS if c in expected.columns] == list(expected.columns)
    assert len(rows) == 1 + 4
    data = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert [d["candidate"] for d in data] == sample["recommended"]
    assert [d["rank"] for d in data] == ["1", "2", "3", "4"]
    assert [float(d["hours_per_year"]) for d in data] == expected["hours_per_year"].tolist()
    assert [d["recommended"] for d in data] == ["True"] * 4


def test_json_output(sample, written):
    data = json.loads(written["json"].read_text(encoding="utf-8"))
    assert list(data) == ["total", "candidates", "bots", "assumptions", "notes", "not_ranked", "load_report"]
    expected = _expected_table(sample)
    # the total of the recommended single steps, as the headline gives it (routines never added)
    from rpa_scout.summary import headline

    top = headline(sample["ranking"])
    singles = expected[expected["kind"] == "activity"]
    assert data["total"]["hours_per_year"] == pytest.approx(singles["hours_per_year"].sum(), rel=1e-9)
    assert data["total"]["hours_low"] <= data["total"]["hours_per_year"] <= data["total"]["hours_high"]
    assert (data["total"]["hours_low"], data["total"]["hours_high"]) == pytest.approx((top.low, top.high))
    assert data["total"]["recommended_steps"] == len(singles) and data["total"]["routines_added"] is False
    # every recommended single step in one bot, each bot with its interval
    assert sorted(s for b in data["bots"] for s in b["steps"].split(" + ")) == sorted(singles["candidate"])
    assert all(b["hours_low"] <= b["hours_per_year"] <= b["hours_high"] for b in data["bots"])
    assert [c["candidate"] for c in data["candidates"]] == sample["recommended"]
    # pandas writes JSON numbers with 10 decimals
    assert [c["hours_per_year"] for c in data["candidates"]] == _written(expected["hours_per_year"].tolist())
    assert list(data["candidates"][0]) == list(expected.columns)
    ranking = sample["ranking"]
    assert [a["name"] for a in data["assumptions"]] == [a.name for a in ranking.assumptions]
    assert data["notes"] == list(ranking.notes)
    assert [r["activity"] for r in data["not_ranked"]] == sample["excluded"]
    report = data["load_report"]
    assert (report["rows_read"], report["rows_kept"], report["rows_rejected"]) == (
        sample["rows"], sample["rows"], 0)
    assert report["source"] == "ostolaskut_complete_only.csv.gz"


def test_markdown_output(sample, written):
    lines = written["md"].read_text(encoding="utf-8").splitlines()
    assert lines[:4] == ["# Candidates", "",
                         "| # | candidate | hours/yr | 80\u00a0% interval | FTE | €/yr | payback | fit | why |",
                         "|---:|---|---:|---|---:|---:|---:|---:|---|"]
    rows = [line for line in lines if re.match(r"^\| \d+ \|", line)]
    expected = _expected_table(sample)
    assert [r.split(" | ")[1] for r in rows] == sample["recommended"]
    assert [r.split(" | ")[2] for r in rows] == [f"{h:,.0f}" for h in expected["hours_per_year"]]
    assert "## Assumptions" in lines and f"## Not ranked ({len(sample['excluded'])} activities)" in lines
    assert [line for line in lines if line.startswith("- ") and (": already automated" in line
                                                                      or ": mostly automated" in line)] == [
        f"- {markdown_text(name)}: {markdown_text(why)}" for name, why in zip(sample["excluded"], sample["ranking"].excluded["why"])]


class _Cells(html.parser.HTMLParser):
    """The text of each <td> of each <tr> in the document by the id of its <section>, and
    every tag name."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.sections: list[str | None] = []  # the section of each row
        self.tags: list[str] = []
        self._cell: list[str] | None = None
        self._section: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "section":
            self._section = dict(attrs).get("id")
        elif tag == "tr":
            self.rows.append([])
            self.sections.append(self._section)
        elif tag == "td":
            self._cell = []

    def section(self, name: str) -> list[list[str]]:
        """The rows with cells of one section."""
        return [row for row, section in zip(self.rows, self.sections) if section == name and row]

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_html_output(sample, written):
    text = written["html"].read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>\n")
    parser = _Cells()
    parser.feed(text)
    rows = parser.section("candidates")
    expected = _expected_table(sample)
    assert [r[0] for r in rows] == ["1", "2", "3", "4"]
    assert [r[1] for r in rows] == sample["recommended"]
    assert [r[2] for r in rows] == [f"{h:,.0f}" for h in expected["hours_per_year"]]
    assert [r[3] for r in rows] == [f"{lo:,.0f}–{hi:,.0f}" for lo, hi in zip(expected["hours_low"],
                                                                             expected["hours_high"])]
    # the steps not recommended only with --all (see test_every_format_holds_the_same_candidates);
    # those not examined, with the reasons
    assert parser.section("not-recommended") == []
    excluded = sample["ranking"].excluded
    assert parser.section("not-examined") == [[a, w] for a, w in zip(excluded["activity"], excluded["why"])]
    assert "<title>Automation candidates in ostolaskut_complete_only.csv.gz</title>" in text
    # offline: nothing is fetched
    assert not {"script", "link", "img", "iframe"} & set(parser.tags)
    assert re.findall(r"(?:src|href)=", text) == []


SHEETS = ["Candidates", "Per bot", "Not examined", "Assumptions", "Notes"]
#: The workbook's candidates sheet: the table the terminal shows, with headers for people.
XLSX_HEADS = ["#", "kind", "candidate", "recommended", "hours/yr", "hours/yr low (80\u00a0%)",
              "hours/yr high (80\u00a0%)", "FTE", "€/yr", "payback", "break-even h/yr", "break-even licence €/yr",
              "executions/yr", "handling min", "source", "automatable share", "fit", "reason"]


def _xlsx_rows(path, sheet: str = "Candidates") -> list[tuple]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    assert book.sheetnames == SHEETS
    return list(book[sheet].iter_rows(values_only=True))


def test_xlsx_output(sample, written):
    values = _xlsx_rows(written["xlsx"])
    expected = _expected_table(sample)
    assert list(values[0]) == XLSX_HEADS
    assert len(values) == 1 + 4
    column = {head: i for i, head in enumerate(XLSX_HEADS)}
    assert [v[column["#"]] for v in values[1:]] == [1, 2, 3, 4]
    assert [v[column["candidate"]] for v in values[1:]] == sample["recommended"]
    # values rounded as shown
    assert [v[column["hours/yr"]] for v in values[1:]] == expected["hours_per_year"].round(0).tolist()
    assert [v[column["FTE"]] for v in values[1:]] == expected["fte"].round(2).tolist()
    assert [v[column["recommended"]] for v in values[1:]] == ["yes"] * 4
    not_examined = _xlsx_rows(written["xlsx"], "Not examined")
    excluded = sample["ranking"].excluded
    assert not_examined == [("activity", "why"), *zip(excluded["activity"], excluded["why"])]


def test_format_option_wins_over_the_suffix(tmp_path):
    out = tmp_path / "ranking.txt"
    _ok(_rank("--top", "1", "--format", "json", "--out", str(out)))
    assert len(json.loads(out.read_text(encoding="utf-8"))["candidates"]) == 4  # every recommended one


_SORT_COLUMNS = {"hours": ("hours_per_year", False), "fit": ("fit", False),
                 "volume": ("annual_executions", False), "handling": ("handling_min", False),
                 "euros": ("euros_per_year", False), "payback": ("payback_months", True)}


#: How the header names each sort key.
_SORT_WORDS = {"hours": "hours", "fit": "fit", "volume": "volume", "handling": "handling time", "euros": "euros",
               "payback": "payback"}


@pytest.mark.parametrize("key", SORT_KEYS)
def test_sort(tmp_path, key):
    out = tmp_path / "r.json"
    lines = _ok(_rank("--sort", key, "--all", "--out", str(out)))
    assert _header(lines).endswith(f"; ranked by {_SORT_WORDS[key]}")
    rows = json.loads(out.read_text(encoding="utf-8"))["candidates"]
    column, ascending = _SORT_COLUMNS[key]
    value = {r["candidate"]: (r[column] if r[column] is not None else float("inf")) for r in rows}
    hours = {r["candidate"]: r["hours_per_year"] for r in rows}
    for group in (True, False):  # recommended first, each part in the key's order, ties by name
        names = [r["candidate"] for r in rows if r["recommended"] is group]
        if key == "payback":  # those that do not pay back after, ties (and those) by hours, then name
            assert names == sorted(names, key=lambda n: (value[n], -hours[n], n)), key
        else:
            assert names == sorted(names, key=lambda n: (value[n] if ascending else -value[n], n)), key
    assert [r["recommended"] for r in rows] == sorted((r["recommended"] for r in rows), reverse=True)
    assert _shown(lines) == [(str(r["rank"]) if r["rank"] else "-", r["candidate"]) for r in rows]
    if key == "fit":  # the sample's order by fit is not its order by hours
        assert [r["candidate"] for r in rows if r["recommended"]] == [
            "Tilausvastaavuuden tarkistus", "Kustannuspaikan tiliöinti",
            "Tilausvastaavuuden tarkistus → Kustannuspaikan tiliöinti", "Skannatun laskun tietojen tarkistus"]


def test_rank_options_and_errors(receipt, tmp_path):
    times = tmp_path / "times.csv"
    times.write_text("activity;minutes\nConfirmation of receipt;2,5\n")
    result = CliRunner().invoke(main, ["rank", receipt, "--standard-times", str(times),
                                       "--hourly-cost", "40", "--fte-hours", "1600", "--top", "50", "--all"])
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "(supplied)" in text and "40 €/h (supplied" in text
    bad = tmp_path / "c.yaml"
    bad.write_text("rank: {sort_by: colour}\n")
    result = CliRunner().invoke(main, ["rank", receipt, "--config", str(bad)])
    assert result.exit_code == 1 and result.output.startswith(f"Error: {bad}: rank.sort_by must be one of")
    bad.write_text("rank: {minimums: {colour: 0.5}}\n")
    result = CliRunner().invoke(main, ["rank", receipt, "--config", str(bad)])
    assert result.exit_code == 1 and result.output.startswith(f"Error: {bad}: rank.minimums has unknown key(s) colour")
    bad.write_text("rank: {minimums: {variability: 2}}\n")
    result = CliRunner().invoke(main, ["rank", receipt, "--config", str(bad)])
    assert result.exit_code == 1 and "between 0 and 1" in result.output
    bad.write_text("rank: [unclosed\n")
    result = CliRunner().invoke(main, ["rank", receipt, "--config", str(bad)])
    assert result.exit_code == 1 and "not valid YAML" in result.output
    result = CliRunner().invoke(main, ["rank", receipt, "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "cannot tell the format" in result.output


def test_config_file(tmp_path, sample):
    config = tmp_path / "c.yaml"
    config.write_text("rank: {sort_by: fit, fit_threshold: 0.9}\n"
                      "economics: {hourly_cost: 40, fte_hours: 1600}\n", encoding="utf-8")
    out = tmp_path / "r.json"
    lines = _ok(_rank("--config", str(config), "--all", "--out", str(out)))
    assert _header(lines).endswith("; ranked by fit")
    rows = json.loads(out.read_text(encoding="utf-8"))["candidates"]
    assert {r["candidate"] for r in rows if r["recommended"]} == {r["candidate"] for r in rows if r["fit"] >= 0.9}
    assert len([r for r in rows if r["recommended"]]) == 2
    for r in rows:
        assert r["euros_per_year"] == _written(r["hours_per_year"] * 40)
        assert r["fte"] == _written(r["hours_per_year"] / 1600)
    assumptions = _items(lines, "Assumptions")
    assert "hourly cost of staff time: 40 €/h (supplied; from your option or config file)" in assumptions
    assert "working hours per FTE: 1,600 h/yr (supplied; from your option or config file)" in assumptions
    # an option given on the command line wins over the file
    assert _header(_ok(_rank("--config", str(config), "--sort", "volume"))).endswith("; ranked by volume")


def test_config_read_section(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("read: {timezone: Europe/Amsterdam}\n", encoding="utf-8")
    lines = _ok(_rank("--config", str(config)))
    day = [item for item in _items(lines, "Assumptions") if item.startswith("working day ")]
    assert len(day) == 1 and " Europe/Amsterdam (discovered: " in day[0]


@pytest.mark.parametrize("suffix,text", [
    (".csv", "activity;minutes\nKustannuspaikan tiliöinti;2,5\n"),
    (".yaml", "Kustannuspaikan tiliöinti: 2.5\n"),
])
def test_standard_times(tmp_path, suffix, text):
    times = tmp_path / f"times{suffix}"
    times.write_text(text, encoding="utf-8")
    out = tmp_path / "r.json"
    lines = _ok(_rank("--standard-times", str(times), "--all", "--out", str(out)))
    rows = {r["candidate"]: r for r in json.loads(out.read_text(encoding="utf-8"))["candidates"]}
    row = rows["Kustannuspaikan tiliöinti"]
    assert (row["handling_source"], row["handling_min"]) == ("supplied", 2.5)
    assert row["handling_low_min"] == row["handling_high_min"] == 2.5
    assert row["hours_per_year"] == pytest.approx(row["annual_timed"] * 2.5 / 60 * row["automatable_share"],
                                                  rel=1e-4)
    assert row["reason"].startswith(f"{row['hours_per_year']:,.0f} h/yr: {row['annual_timed']:,.0f} a year "
                                    "× 2.5 min (supplied) × ")
    (shown,) = [r for r in terminal_rows(lines) if r.candidate == "Kustannuspaikan tiliöinti"]
    assert shown.reason == flat(row["reason"] + payback_sentence(row))
    # routines through the step mix its supplied time with their other steps' estimates
    assert {name: r["handling_source"] for name, r in rows.items()} == {
        name: "supplied" if name == "Kustannuspaikan tiliöinti" else
        "mixed" if "Kustannuspaikan tiliöinti" in name.split(" → ") else "estimated" for name in rows}


def test_hourly_cost_and_fte_hours(tmp_path):
    out = tmp_path / "r.json"
    lines = _ok(_rank("--hourly-cost", "40", "--fte-hours", "1600", "--out", str(out)))
    assumptions = _items(lines, "Assumptions")
    assert "hourly cost of staff time: 40 €/h (supplied; from your option or config file)" in assumptions
    assert "working hours per FTE: 1,600 h/yr (supplied; from your option or config file)" in assumptions
    for r in json.loads(out.read_text(encoding="utf-8"))["candidates"]:
        assert r["euros_per_year"] == _written(r["hours_per_year"] * 40)
        assert r["fte"] == _written(r["hours_per_year"] / 1600)


def test_rank_never_names_people(written, tmp_path):
    log, _ = read_log(SAMPLE)
    names = set(log["org:resource"].dropna().astype(str))
    people = names - set(pseudonymise(log, key=KEY)["org:resource"].dropna().astype(str))
    assert people == {"Eeva Niemi", "Juho Salonen", "Katja Lahtinen", "Laura Rantanen", "Petri Niemi",
                      "Päivi Tuominen"}
    texts = [path.read_text(encoding="utf-8") for fmt, path in written.items() if fmt != "xlsx"]
    texts += [str(cell) for sheet in SHEETS for row in _xlsx_rows(written["xlsx"], sheet) for cell in row]
    for fmt in ("json", "html"):  # every candidate, without a key (a random one)
        out = tmp_path / f"r.{fmt}"
        result = CliRunner().invoke(main, ["rank", str(SAMPLE), "--all", "--out", str(out)])
        texts += [*_ok(result), out.read_text(encoding="utf-8")]
    leaked = {name for name in people for part in name.split() if any(part in t for t in texts)}
    assert leaked == set()


def test_same_input_same_output_across_processes(tmp_path):
    """Two runs of the installed command, with different hash seeds (set and dict order of
    strings), write the same bytes."""
    import os
    import subprocess
    import sys

    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"r{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "rpa_scout", "rank", str(SAMPLE), "--all", "--key", KEY,
                               "--out", str(out)], capture_output=True, text=True, env=env, timeout=300)
        assert (done.returncode, done.stderr) == (0, ""), done.stderr
        outputs.append((done.stdout.replace(str(out), "OUT"), out.read_bytes()))
    assert outputs[0] == outputs[1]


# ------------------------------------------------------------------------------ errors
@pytest.mark.parametrize("text,message", [
    ("rank: {sort_by: colour}\n",
     "{p}: rank.sort_by must be one of hours, fit, volume, handling, euros, payback, got 'colour'"),
    ("rank: {minimums: {colour: 0.5}}\n",
     "{p}: rank.minimums has unknown key(s) colour; known: rule_basedness, standardisation, variability, "
     "stability, rework, manual_share, volume, handling"),
    ("rank: {minimums: {variability: 2}}\n", "{p}: rank.minimums.variability must be between 0 and 1, got 2.0"),
    ("rank: [unclosed\n", "{p}: not valid YAML at line 2; check the indentation and colons"),
    ("colour: red\n", "{p}: unknown section(s) colour; use read, filter, manual, handling, rank, economics, "
                      "present"),
])
def test_bad_config_is_one_error_line(tmp_path, text, message):
    config = tmp_path / "c.yaml"
    config.write_text(text, encoding="utf-8")
    assert _error(_rank("--config", str(config))) == f"Error: {message.format(p=config)}\n"


def test_bad_standard_times_is_one_error_line(tmp_path):
    times = tmp_path / "t.csv"
    times.write_text("activity;minutes\nKustannuspaikan tiliöinti;nan\n", encoding="utf-8")
    assert _error(_rank("--standard-times", str(times))) == (
        f"Error: {times}: minutes for 'Kustannuspaikan tiliöinti' must be a finite number, got 'nan'\n")
    assert _error(_rank("--standard-times", str(tmp_path / "none.csv"))) == \
        f"Error: {tmp_path / 'none.csv'}: no such file\n"


@pytest.mark.parametrize("zone", ["Mars/Base", "", "Europe/Helsinky"])
def test_unknown_timezone_names_the_option(tmp_path, zone):
    """A zone given as --timezone is named by the option, also over a config file's good one."""
    message = (f"Error: --timezone: unknown time zone {zone!r}; write a zone name such as Europe/Helsinki, "
               "Europe/Stockholm or UTC\n")
    assert _error(_rank("--timezone", zone)) == message
    config = tmp_path / "c.yaml"
    config.write_text("read: {timezone: Europe/Amsterdam}\n", encoding="utf-8")
    assert _error(_rank("--config", str(config), "--timezone", zone)) == message


def test_unknown_output_format(tmp_path):
    assert _error(_rank("--out", str(tmp_path / "x.pdf"))) == \
        "Error: cannot tell the format of x.pdf; add --format csv|json|md|html|xlsx or end the name with one of them\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args,message", [
    (["--top", "0"], "Invalid value for '--top': 0 is not in the range x>=1."),
    (["--sort", "colour"], "Invalid value for '--sort': 'colour' is not one of 'hours', 'fit', "
                           "'volume', 'handling', 'euros', 'payback'."),
    (["--format", "pdf"], "Invalid value for '--format': 'pdf' is not one of 'csv', 'json', 'md', "
                          "'html', 'xlsx'."),
    (["--hourly-cost", "-1"], "Invalid value for '--hourly-cost': -1.0 is not in the range 0<=x<=100000."),
    (["--fte-hours", "0"], "Invalid value for '--fte-hours': 0.0 is not in the range 1<=x<=8784."),
])
def test_usage_errors(args, message):
    assert _error(_rank(*args), code=2) == f"Error: {message} (see main rank --help)\n"


def test_rank_refuses_to_annualise_a_short_log(write):
    path = write("tiny.csv", "asianumero;toimenpide;aikaleima;käsittelijä\n"
                             "A1;Kirjaus;1.3.2024 9.00;Aino\nA1;Päätös;1.3.2024 9.20;Aino\n"
                             "A2;Kirjaus;1.3.2024 9.30;Aino\nA2;Päätös;1.3.2024 9.45;Aino\n")
    result = CliRunner().invoke(main, ["rank", str(path)])
    line = _error(result)
    assert re.fullmatch(r"Error: the log covers 0\.0 days \(.*\); .*export a longer period.*\n", line), line


def test_rank_of_a_log_at_one_instant_says_what_to_do(write):
    """One event, or every event at one instant: the error asks for a longer export too."""
    path = write("one.csv", "case_id,activity,timestamp,resource\nc1,Kirjaus,2024-03-01 09:00:00,Aino\n")
    assert _error(CliRunner().invoke(main, ["rank", str(path)])) == (
        "Error: the log spans no time (all its events at one instant); yearly figures need at least "
        "28 days of cases: export a longer period\n")


# ------------------------------------------------------------- a real log (extra layer)
@pytest.fixture(scope="module")
def receipt():
    return str(shared_log("receipt/receipt.xes.gz"))


def test_real_log_rank_json(receipt, tmp_path):
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["rank", receipt, "--top", "3", "--out", str(out), "--key", "k"],
                                env={"COLUMNS": str(COLUMNS)})
    lines = _ok(result)
    assert _header(lines) == "receipt.xes.gz: 8,577 events kept of 8,577 read (0 rejected); ranked by hours"
    data = json.loads(out.read_text(encoding="utf-8"))
    # 12 recommended (7 more of under an hour a year each are not: nothing to save)
    assert len(data["candidates"]) == 12 and data["load_report"]["rows_read"] == 8577
    assert _shown(lines) == [(str(c["rank"]), c["candidate"]) for c in data["candidates"]][:3]


def test_real_log_never_names_people(receipt, tmp_path):
    log, _ = read_log(receipt)
    people = set(log["org:resource"].dropna().astype(str)) - set(
        pseudonymise(log, key="k")["org:resource"].dropna().astype(str))
    assert people
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["rank", receipt, "--all", "--out", str(out)])
    text = "\n".join(_ok(result)) + out.read_text(encoding="utf-8")
    assert [n for n in people if f'"{n}"' in text or f" {n} " in text] == []


def test_real_log_standard_times_and_economics(receipt, tmp_path):
    times = tmp_path / "times.csv"
    times.write_text("activity;minutes\nConfirmation of receipt;2,5\n")
    result = CliRunner().invoke(main, ["rank", receipt, "--standard-times", str(times),
                                       "--hourly-cost", "40", "--fte-hours", "1600", "--top", "50", "--all"],
                                env={"COLUMNS": str(COLUMNS)})
    lines = _ok(result)
    (row,) = [r for r in terminal_rows(lines) if r.candidate == "Confirmation of receipt"]
    assert re.fullmatch(r"[\d,]+ h/yr: [\d,]+ a year × 2\.5 min \(supplied\) × .*", row.reason)
    assert "hourly cost of staff time: 40 €/h (supplied; from your option or config file)" in _items(lines, "Assumptions")


@pytest.mark.parametrize("fmt", ["csv", "json", "md", "html", "xlsx"])
def test_label_in_every_format_keeps_the_log_names_and_the_figures(tmp_path, fmt):
    """--label once crashed the HTML report (its headline looked up display names in the
    bootstrap table) and left the files without the log's own activity names."""
    plain, labelled = tmp_path / f"plain.{fmt}", tmp_path / f"labelled.{fmt}"
    assert _rank("--format", fmt, "--out", str(plain)).exit_code == 0
    result = _rank("--label", "activity_en", "--format", fmt, "--out", str(labelled))
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        rows = list(csv.DictReader(labelled.open(encoding="utf-8")))
        before = list(csv.DictReader(plain.open(encoding="utf-8")))
        assert rows[0]["candidate"] == "Cost-centre coding" and rows[0]["candidate_code"] == "Kustannuspaikan tiliöinti"
        assert [r["hours_per_year"] for r in rows] == [r["hours_per_year"] for r in before]
    elif fmt == "json":
        data, before = json.loads(labelled.read_text(encoding="utf-8")), json.loads(plain.read_text(encoding="utf-8"))
        first = data["candidates"][0]
        assert (first["candidate"], first["candidate_code"]) == ("Cost-centre coding", "Kustannuspaikan tiliöinti")
        assert {r["activity"]: r["activity_code"] for r in data["not_ranked"]}["Payment run"] == "Maksuajo"
        assert [c["hours_per_year"] for c in data["candidates"]] == [c["hours_per_year"] for c in before["candidates"]]
    elif fmt == "html":
        text = labelled.read_text(encoding="utf-8")
        headline = re.search(r'id="headline">(.*?)</', text, re.S).group(1)
        assert headline == re.search(r'id="headline">(.*?)</', plain.read_text(encoding="utf-8"), re.S).group(1)
        assert "Cost-centre coding" in text
    else:
        assert labelled.stat().st_size > 0


@pytest.mark.parametrize("columns", [60, 40])
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_narrow_terminal_lines_fit(columns, lang):
    """Below the table's 74 columns the figures wrap like the text instead of running over."""
    result = CliRunner().invoke(main, ["rank", str(SAMPLE), "--key", KEY, "--lang", lang],
                                env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line for line in lines if len(line) > columns] == []
    assert any("·" in line for line in lines)   # the figures, wrapped


def test_a_format_that_does_not_match_the_out_name_is_refused(tmp_path):
    """rank --out x.csv --format html wrote HTML into x.csv (QA); map refused it already."""
    from click.testing import CliRunner

    from rpa_scout.cli import main

    for command in (["rank", "eventlogs/ostolaskut.csv.gz"],
                    ["compare", "eventlogs/ostolaskut.csv.gz", "--by", "case:channel"]):
        out = tmp_path / "x.csv"
        result = CliRunner().invoke(main, [*command, "--out", str(out), "--format", "html"])
        assert result.exit_code == 1 and not out.exists()
        assert result.output.strip().splitlines()[-1] == ("Error: --format html does not match the name x.csv; "
                                                          "name it .html, or leave --format out")
