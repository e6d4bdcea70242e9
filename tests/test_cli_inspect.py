import csv
import json

import pytest
from click.testing import CliRunner

from rpa_scout.cli import main
from tests.conftest import SAMPLES, flat, terminal_rows

TEXT = ("case_id;activity;timestamp;resource\nc1;A;1.2.2024 10.00;x\n"
        "c1;B;1.2.2024 11.00;y\n;B;1.2.2024 11.00;y\n")


def test_inspect_text_and_json(write, tmp_path):
    path = write("l.csv", TEXT)
    runner = CliRunner()
    result = runner.invoke(main, ["inspect", str(path)])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "log            l.csv (csv)",
        "cases                     1",
        "events                    2",
        "activities                2",
        "resources                 2  (events with a resource: 2)",
        "time span      1 Feb 2024 – 1 Feb 2024",
        "timestamps     dd.mm.yyyy (assumed: no day above 12 in the column), read in",   # 80 columns
        "               Europe/Helsinki",
        "mapping        csv: case=case_id, activity=activity, timestamp=timestamp,",
        "               resource=resource",
        "",
        "load report",
        f"  rows read                 {len(TEXT.splitlines()) - 1}",
        "  rows kept                 2",
        "  rows rejected             1",
        "    missing case id: 1 (row 3)",
        "  note: encoding utf-8",
        "  note: delimiter ';'"]
    rejects = tmp_path / "r.csv"
    result = runner.invoke(main, ["inspect", str(path), "--json", "--rejects", str(rejects)])
    data = json.loads(result.stdout)
    assert data["load_report"]["rows_read"] == len(TEXT.splitlines()) - 1
    assert (data["load_report"]["rows_kept"], data["load_report"]["rejected"]) == (2, {"missing case id": 1})
    assert data["summary"]["resources"] == 2
    with rejects.open(encoding="utf-8", newline="") as fh:
        written = list(csv.reader(fh))
    assert [row[:2] for row in written[1:]] == [["3", "missing case id"]]


@pytest.mark.parametrize("name,content,options,line", [
    ("missing.csv", None, [], "Error: {folder}/missing.csv: no such file; check the path"),
    ("e.csv", "", [], "Error: e.csv: the file is empty; export the log again"),
    ("h.csv", "a,b\n1,2\n", [], "Error: h.csv: no case column found among 'a', 'b'; name it with --case COLUMN"),
    ("l.csv", "case,activity,timestamp\nc,A,2024-01-01\n", ["--timezone", "Mars/Base"],
     "Error: --timezone: unknown time zone 'Mars/Base'; write a zone name such as Europe/Helsinki, "
     "Europe/Stockholm or UTC"),
])
def test_inspect_errors_are_one_line(tmp_path, write, name, content, options, line):
    path = tmp_path / name if content is None else write(name, content)
    result = CliRunner().invoke(main, ["inspect", str(path), *options])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == line.format(folder=tmp_path) + "\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_usage_error_exit_2():
    result = CliRunner().invoke(main, ["inspect"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: Missing argument 'LOG'. (see main inspect --help)\n"


@pytest.mark.parametrize("columns", [80, 60, 40])
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_inspect_lines_fit_the_terminal(columns, lang):
    sample = str(SAMPLES / "ostolaskut_complete_only.csv.gz")
    result = CliRunner().invoke(main, ["inspect", sample, "--lang", lang], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # a word that cannot fit (a file name, a column mapping) stands whole after its label,
    # never cut in two: only such a line may run past the width
    over = [line for line in lines if len(line) > columns]
    assert all("  " not in line[:-len(line.split()[-1])].strip() for line in over), over
    assert columns < 60 or over == []
    if columns < 60:
        return
    # the column mapping goes on under its own value column
    at = next(i for i, line in enumerate(lines) if "case=case:concept:name" in line)
    column = lines[at].index("xes:")
    assert lines[at + 1].startswith(" " * column) and lines[at + 1][column] != " "


def test_the_time_span_is_in_the_logs_own_days(write):
    """Dates at midnight in Helsinki are the evening before in UTC: the span shows the
    log's own dates (they said 1 Jan – 3 Feb)."""
    path = write("d.csv", "Asianumero;Toimenpide;Päivämäärä\nA1;Vastaanotto;2.1.2024\nA1;Päätös;4.2.2024\n")
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert "time span      2 Jan 2024 – 4 Feb 2024" in result.output.splitlines()
    result = CliRunner().invoke(main, ["inspect", str(path), "--json"])
    assert json.loads(result.output)["summary"]["first_event"] == "2024-01-02T00:00:00+02:00"


@pytest.mark.parametrize("command", ["inspect", "rank"])
@pytest.mark.parametrize("start", ["", "xx"])
def test_a_start_column_with_no_readable_value_is_no_internal_error(tmp_path, command, start):
    """QA: ``--start-timestamp`` naming a column whose every value is empty or unreadable
    ended in 'Error: internal error (TypeError: Invalid comparison …)'. Every row is kept
    without a start, as in a log without the column."""
    rows = [(f"K{d}", step, f"2024-{1 + d // 28:02d}-{1 + d % 28:02d} {9 + i}:00:00", f"r{i}")
            for d in range(60) for i, step in enumerate(["Kirjaus", "Tarkastus", "Päätös"])]
    (tmp_path / "se.csv").write_text("case,activity,start,end,resource\n" + "".join(
        f"{case},{step},{start},{end},{who}\n" for case, step, end, who in rows), encoding="utf-8")
    (tmp_path / "end.csv").write_text("case,activity,end,resource\n" + "".join(
        f"{case},{step},{end},{who}\n" for case, step, end, who in rows), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, [command, str(tmp_path / "se.csv"), "--start-timestamp", "start",
                                  "--timestamp", "end"])
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    alone = runner.invoke(main, [command, str(tmp_path / "end.csv"), "--timestamp", "end"])
    if command == "rank":
        assert terminal_rows(result.stdout.splitlines()) == terminal_rows(alone.stdout.splitlines())
        assert terminal_rows(result.stdout.splitlines())
    else:
        assert flat(result.stdout).count("without a start: 180") == (1 if start else 0)
        assert "events 180" in flat(result.stdout)
