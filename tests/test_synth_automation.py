"""The same synthetic process at different automation levels (issue 13, item 6)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rpa_scout import detect_manual, generate_log
from rpa_scout.cli import main
from rpa_scout.errors import ConfigError
from rpa_scout.synth import ROBOT_ACCOUNT, generate

FEE, PUBLISH = "Maksulaskun laadinta", "Päätöksen julkaisu"


@pytest.fixture(scope="module")
def robot():
    return generate("rakennuslupa", 200, seed=5, automated=["FEE", "Publication of decision"])


def test_automated_steps_are_done_by_the_robot(robot):
    log, truth = robot.log, robot.truth
    assert truth["automated"] == [PUBLISH, FEE]
    for name in (FEE, PUBLISH):
        facts = truth["activities"][name]
        assert facts["manual"] is False and facts["performer"] == "system"
        assert facts["annual_hours_saved"] == 0 and facts["executions"] == 200
        rows = log[log["concept:name"] == name]
        assert set(rows["org:resource"].astype(str)) == {ROBOT_ACCOUNT}
    assert ROBOT_ACCOUNT in truth["system_accounts"]
    assert all(name not in {r["activity"] for r in truth["ranking"]} for name in (FEE, PUBLISH))
    verdicts = detect_manual(log).activities.set_index("activity")["verdict"]
    assert verdicts[FEE] == verdicts[PUBLISH] == "automated"
    assert verdicts["Arkistointi"] == "manual"


def test_without_automation_nothing_changes():
    plain = generate("rakennuslupa", 40, seed=5)
    assert "automated" not in plain.truth
    again = generate("rakennuslupa", 40, seed=5, automated=())
    assert plain.truth == again.truth and plain.log.equals(again.log)


def test_only_rule_based_manual_steps_can_be_automated():
    with pytest.raises(ConfigError, match=r"^rakennuslupa: cannot automate 'nope', 'Lupapäätös'; the "
                                          r"rule-based manual steps are Paperihakemuksen kirjaus \(Registration "
                                          r"of paper application\), "):
        generate("rakennuslupa", 10, automated=["Lupapäätös", "nope"])


def test_steps_to_automate_are_found_whatever_their_letter_case():
    """'fee invoice' was refused while 'Fee invoice' worked (QA); the error names the
    English names too, as --help says they are accepted."""
    assert generate("rakennuslupa", 10, automated=["fee invoice", "FEE INVOICE"]).truth["automated"] == \
        ["Maksulaskun laadinta"]


def test_public_api_and_cli(tmp_path):
    assert generate_log("varhaiskasvatus", 30, seed=2, automated=["Asiakasmaksupäätös"]).truth["automated"] \
        == ["Asiakasmaksupäätös"]
    out = tmp_path / "b.csv.gz"
    result = CliRunner().invoke(main, ["generate", "rakennuslupa", "--cases", "30", "--out", str(out),
                                       "--automate", "FEE"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "b.truth.json").read_text())["automated"] == [FEE]
