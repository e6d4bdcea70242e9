import json

import pytest
from click.testing import CliRunner

from rpa_scout.cli import main
from tests.conftest import flat, shared_log


@pytest.fixture(scope="module")
def receipt():
    return str(shared_log("receipt/receipt.xes.gz"))


@pytest.mark.parametrize("fmt", ["csv", "json", "md", "html", "xlsx"])
def test_rank_outputs(receipt, tmp_path, fmt):
    out = tmp_path / f"r.{fmt}"
    result = CliRunner().invoke(main, ["rank", receipt, "--top", "3", "--out", str(out), "--key", "k"])
    assert result.exit_code == 0, result.output
    assert "h/yr" in result.output and "Assumptions" in result.output
    assert out.stat().st_size > 0
    if fmt == "json":
        data = json.loads(out.read_text())
        assert data["candidates"] and data["assumptions"] and data["load_report"]["rows_read"] == 8577
    if fmt == "html":
        text = out.read_text()
        assert "<table>" in text and "http://" not in text.replace("http://www.w3.org", "")


def test_rank_never_names_people(receipt, tmp_path):
    import pandas as pd
    from rpa_scout import read_log

    log, _ = read_log(receipt)
    names = set(log["org:resource"].dropna().astype(str))
    out = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["rank", receipt, "--all", "--out", str(out)])
    text = result.output + out.read_text()
    leaked = [n for n in names if f'"{n}"' in text or f" {n} " in text]
    assert not leaked


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
    assert result.exit_code == 1 and result.output.startswith("Error: unknown sort key")
    bad.write_text("rank: {minimums: {colour: 0.5}}\n")
    result = CliRunner().invoke(main, ["rank", receipt, "--config", str(bad)])
    assert result.exit_code == 1 and result.output.startswith("Error: unknown criterion minimum(s) colour")
    bad.write_text("rank: {minimums: {variability: 2}}\n")
    result = CliRunner().invoke(main, ["rank", receipt, "--config", str(bad)])
    assert result.exit_code == 1 and "between 0 and 1" in result.output
    bad.write_text("rank: [unclosed\n")
    result = CliRunner().invoke(main, ["rank", receipt, "--config", str(bad)])
    assert result.exit_code == 1 and "not valid YAML" in result.output
    result = CliRunner().invoke(main, ["rank", receipt, "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "cannot tell the format" in result.output


def test_rank_refuses_to_annualise_a_short_log(write):
    path = write("tiny.csv", "asianumero;toimenpide;aikaleima;käsittelijä\n"
                             "A1;Kirjaus;1.3.2024 9.00;Aino\nA1;Päätös;1.3.2024 9.20;Aino\n"
                             "A2;Kirjaus;1.3.2024 9.30;Aino\nA2;Päätös;1.3.2024 9.45;Aino\n")
    result = CliRunner().invoke(main, ["rank", str(path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: the log covers 0.0 days") and "export a longer period" in result.output
    assert "Traceback" not in result.output
