"""Drill-down: the cases behind a step, and everything behind a candidate's figure
(issue 13, item 5)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from rpa_scout import generate_log, rank_candidates, read_log, variants
from rpa_scout.cli import main
from rpa_scout.drilldown import case_variants, cases_behind, explain_candidate
from rpa_scout.io.write_log import write_log
from tests.conftest import SAMPLES

CODING = "Kustannuspaikan tiliöinti"


@pytest.fixture(scope="module")
def invoices():
    log, _ = read_log(SAMPLES / "ostolaskut.csv.gz")
    return log


@pytest.fixture(scope="module")
def permits(tmp_path_factory):
    path = tmp_path_factory.mktemp("drill") / "permits.csv.gz"
    write_log(generate_log("rakennuslupa", 150, seed=4).log, path)
    return str(path)


def test_cases_behind_a_step(invoices):
    found = cases_behind(invoices, CODING, top=5)
    table = found.table
    assert list(table.columns) == ["case", "started", "variant", "variant_cases", "steps", "executions",
                                   "by_people", "handling_min", "source"]
    assert len(table) == 5 and found.cases == invoices[invoices["concept:name"] == CODING][
        "case:concept:name"].nunique()
    assert table["handling_min"].is_monotonic_decreasing
    assert set(table["source"]) == {"measured"}
    everything = cases_behind(invoices, CODING, top=None).table
    assert len(everything) == found.cases and everything["case"].is_unique


def test_variant_numbers_are_those_of_variants(invoices):
    per_case = case_variants(invoices)
    listed = variants(invoices, top=5)
    for rank in (1, 2, 5):
        mine = per_case[per_case["variant"] == rank]
        assert len(mine) == listed.iloc[rank - 1]["cases"] == mine["variant_cases"].iloc[0]
        assert mine["steps"].iloc[0] == listed.iloc[rank - 1]["steps"]


def test_variants_of_the_paired_instances_are_the_logs(invoices):
    """``cases`` passes the handling estimate's instances instead of pairing the log again."""
    from rpa_scout import estimate_handling_time

    pd.testing.assert_frame_equal(case_variants(invoices, instances=estimate_handling_time(invoices).instances),
                                  case_variants(invoices))


def test_cases_command(permits):
    result = CliRunner().invoke(main, ["cases", permits, "--step", "Fee invoice", "--label", "activity_en",
                                       "--top", "3"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # the title wraps at the terminal's 80 columns
    assert lines[2:4] == ["Fee invoice: 150 executions in 150 cases; the 3 with the most handling time",
                          "(times in Europe/Helsinki)"]
    assert lines[4].split() == ["case", "started", "variant", "steps", "times", "minutes", "source"]
    assert len(lines) == 8 and all(line.rstrip().endswith("measured") for line in lines[5:])
    data = json.loads(CliRunner().invoke(main, ["cases", permits, "--step", "Maksulaskun laadinta",
                                                "--json", "--top", "2"]).output)
    assert data["cases"] == 150 and len(data["listed"]) == 2 and data["listed"][0]["source"] == "measured"


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_cases_fit_a_narrow_terminal(permits, lang):
    """Below the table's width each case takes two lines: its id, then its figures named."""
    wide = CliRunner().invoke(main, ["cases", permits, "--step", "Maksulaskun laadinta", "--top", "3",
                                     "--lang", lang], env={"COLUMNS": "100"})
    narrow = CliRunner().invoke(main, ["cases", permits, "--step", "Maksulaskun laadinta", "--top", "3",
                                       "--lang", lang], env={"COLUMNS": "40"})
    assert wide.exit_code == narrow.exit_code == 0, narrow.output
    assert [line for line in narrow.stdout.splitlines() if len(line) > 40] == []
    table = wide.stdout.splitlines()[-3:]       # the wide table's three cases, in order
    ids = [line.split()[0] for line in table]
    lines = narrow.stdout.splitlines()
    at = [lines.index(case) for case in ids]    # each id alone on its line, in the same order
    assert at == sorted(at)
    figures = " ".join(line.strip() for line in lines[at[0] + 1:at[1]])
    assert figures.endswith(table[0].split()[-1]) and f"#{table[0].split('#')[1].split()[0]}" in figures


def test_cases_of_an_unknown_step_is_one_error_line(permits):
    result = CliRunner().invoke(main, ["cases", permits, "--step", "Maksulaskun laadint"])
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: no activity called 'Maksulaskun laadint' in the log; did "
                                     "you mean 'Maksulaskun laadinta'?")


def test_rank_explain(permits):
    result = CliRunner().invoke(main, ["rank", permits, "--explain", "Fee invoice", "--label", "activity_en",
                                       "--key", "k"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "\nFee invoice (activity; rank " in text
    for part in ("Executions by people per month (Europe/Helsinki)", "Handling time per execution, "
                 "minutes (measured", "Criteria (0–1, 1 = fits a robot", "rule_basedness", "fit ",
                 "Knock-outs", "Assumptions", "annualisation factor"):
        assert part in text, part
    assert "█" in text
    log, _ = read_log(permits)
    lines = explain_candidate(log, rank_candidates(log), "Lainvoimaisuus")
    assert lines == ["Lainvoimaisuus is not a candidate: already automated: 100% system account name"]


def test_explain_with_out_is_one_error_line(permits, tmp_path):
    result = CliRunner().invoke(main, ["rank", permits, "--explain", "Fee invoice", "--out",
                                       str(tmp_path / "r.json")])
    assert result.exit_code == 1
    assert result.stderr.strip() == ("Error: --explain prints one candidate's figure; write the ranking "
                                     "with --out in a run without --explain")


def test_explain_says_where_an_estimated_interval_comes_from(invoices):
    log, _ = read_log(SAMPLES / "ostolaskut_complete_only.csv.gz")
    ranking = rank_candidates(log)
    text = " ".join(line.strip() for line in explain_candidate(log, ranking, CODING, width=200))
    text = text.replace("\xa0", " ")
    row = ranking.handling.activities.set_index("activity").loc[CODING]
    assert row["source"] == "estimated"
    assert (f"from the shortest before one of its completions ({row['gap_low_min']:.1f} min) to their "
            f"mean ({row['gap_high_min']:.1f} min)") in text
    # measured handling times have no gap range to explain
    measured = " ".join(explain_candidate(invoices, rank_candidates(invoices), CODING, width=200))
    assert "own gaps" not in measured


def test_a_routines_charts_are_the_routines_own():
    """The months and the histogram count the routine's occurrences (its headline's
    timed executions), not its steps' own executions (QA: 3,929 a year × 16.7 min over
    charts of 46,638 executions, mean 6.0 min)."""
    import re

    log, _ = read_log(SAMPLES / "ostolaskut.csv.gz")
    ranking = rank_candidates(log)
    routine = ranking.candidates[ranking.candidates["kind"] == "routine"].iloc[0]
    lines = explain_candidate(log, ranking, routine["candidate"])
    months = lines[lines.index(next(l for l in lines if l.startswith("Executions by people per month"))) + 1:]
    months = months[:next(i for i, l in enumerate(months) if not l.strip())]
    assert sum(int(l.split()[-1].replace(",", "")) for l in months) == routine["timed_executions"]
    summary = next(l for l in lines if l.strip().startswith("mean "))
    mean, count = re.match(r"\s*mean ([\d.]+), median [\d.]+, ([\d,]+) timed", summary).groups()
    assert int(count.replace(",", "")) == routine["timed_executions"]
    assert float(mean) == pytest.approx(routine["handling_min"], abs=0.05)


def test_a_cases_source_is_that_of_its_person_minutes():
    """A case with one person execution beside two by the system was listed as
    'system' beside the person's minutes (QA)."""
    rows = []
    for c in range(30):
        t = pd.Timestamp("2025-03-03 09:00") + pd.Timedelta(days=c)
        rows += [(f"c{c}", "Tarkastus", t, "SYSTEM"), (f"c{c}", "Tarkastus", t + pd.Timedelta(minutes=1), "SYSTEM")]
        if c == 0:
            rows.append((f"c{c}", "Tarkastus", t + pd.Timedelta(minutes=20), "Aino"))
        rows.append((f"c{c}", "Päätös", t + pd.Timedelta(minutes=30 + c % 7), "Aino"))
    log = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp", "org:resource"])
    log["time:timestamp"] = log["time:timestamp"].dt.tz_localize("Europe/Helsinki").dt.tz_convert("UTC")
    table = cases_behind(log, "Tarkastus", top=None).table.set_index("case")
    assert table.loc["c0", "by_people"] == 1 and table.loc["c0", "source"] != "system"
    assert table.loc["c1", "source"] == "system"


def test_a_case_starts_at_its_first_start_where_starts_are_logged():
    """With a start column beside each completion (Disco's export), a case's start was
    its first completion (QA); the period filter already took the start."""
    from rpa_scout.drilldown import case_variants

    t = pd.to_datetime(["2025-01-02 10:00", "2025-01-02 11:00"], utc=True)
    log = pd.DataFrame({"case:concept:name": ["1", "1"], "concept:name": ["A", "B"], "time:timestamp": t,
                        "start_timestamp": t - pd.Timedelta("20min")})
    assert case_variants(log)["started"].iloc[0] == pd.Timestamp("2025-01-02 09:40", tz="UTC")


def test_explain_names_a_ranking_made_from_a_log_with_other_column_names():
    """A ranking of the XES-named log explained with a Disco-named copy raised a raw
    KeyError (API review)."""
    import pytest

    from rpa_scout import explain_candidate, rank_candidates, read_log
    from rpa_scout.errors import ConfigError

    log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
    disco = log.rename(columns={"concept:name": "Activity", "case:concept:name": "Case ID",
                                "time:timestamp": "Complete Timestamp", "org:resource": "Resource"})
    with pytest.raises(ConfigError, match="ranking has no column 'Case ID': it was made from a log with other"):
        explain_candidate(disco, rank_candidates(log), "Kustannuspaikan tiliöinti", columns="disco")
    lines = explain_candidate(disco, rank_candidates(disco, columns="disco"), "Kustannuspaikan tiliöinti",
                              columns="disco")
    assert lines[0] == "Kustannuspaikan tiliöinti (activity; rank 1, recommended)"
