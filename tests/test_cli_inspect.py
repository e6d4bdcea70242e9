import json

from click.testing import CliRunner

from rpa_scout.cli import main


def test_inspect_text_and_json(write, tmp_path):
    path = write("l.csv", "case_id;activity;timestamp;resource\nc1;A;1.2.2024 10.00;x\n"
                          "c1;B;1.2.2024 11.00;y\n;B;1.2.2024 11.00;y\n")
    runner = CliRunner()
    result = runner.invoke(main, ["inspect", str(path)])
    assert result.exit_code == 0, result.output
    assert "cases                     1" in result.output
    assert "missing case id: 1 (rows 3" in result.output
    result = runner.invoke(main, ["inspect", str(path), "--json", "--rejects", str(tmp_path / "r.csv")])
    data = json.loads(result.output)
    assert data["load_report"]["rows_read"] == 3
    assert data["summary"]["resources"] == 2
    assert (tmp_path / "r.csv").read_text().splitlines()[1].startswith("3,missing case id")


def test_inspect_errors_are_one_line(tmp_path, write):
    runner = CliRunner()
    for args in (["inspect", str(tmp_path / "missing.csv")],
                 ["inspect", str(write("e.csv", ""))],
                 ["inspect", str(write("h.csv", "a,b\n1,2\n"))],
                 ["inspect", str(write("l.csv", "case,activity,timestamp\nc,A,2024-01-01\n")),
                  "--timezone", "Mars/Base"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_usage_error_exit_2():
    result = CliRunner().invoke(main, ["inspect"])
    assert result.exit_code == 2
