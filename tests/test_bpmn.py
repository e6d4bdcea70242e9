"""BPMN discovery: lifecycle logs mined per instance, noise and activity filters, DFG path."""

from __future__ import annotations

import pytest

from rpa_scout import discover_bpmn, read_log
from rpa_scout.errors import ConfigError
from tests.conftest import SAMPLES, shared_log


def _tasks_and_loops(model) -> tuple[set[str], int]:
    tasks = {n.get_name() for n in model.get_nodes() if type(n).__name__ == "Task"}
    # A flower model puts every task between one split and one join of the same loop:
    # count the gateways instead (a structured model has several).
    gateways = sum(1 for n in model.get_nodes() if "Gateway" in type(n).__name__)
    return tasks, gateways


@pytest.fixture(scope="module")
def permits():
    log, _ = read_log(SAMPLES / "rakennuslupa.xes.gz")
    return log


def test_lifecycle_log_is_mined_per_instance_not_as_a_flower(permits):
    model = discover_bpmn(permits, noise_threshold=0.2)
    tasks, gateways = _tasks_and_loops(model)
    assert "Katselmus" in tasks and "Lupapäätös" in tasks
    assert gateways >= 6


def test_categorical_roles_give_the_same_model(permits):
    """pm4py wants text columns: a log read as the CLI reads it (categories) is handed over
    as text, and mined as the same model."""
    coded, _ = read_log(SAMPLES / "rakennuslupa.xes.gz", categorical_roles=True)
    assert _tasks_and_loops(discover_bpmn(coded, noise_threshold=0.2)) == \
        _tasks_and_loops(discover_bpmn(permits, noise_threshold=0.2))


def test_dfg_path_applies_noise_and_activity_filters(permits):
    loose = discover_bpmn(permits, noise_threshold=0.0, dfg_threshold=1)
    strict = discover_bpmn(permits, noise_threshold=0.2, dfg_threshold=1)
    # Unfiltered, the interleaving of parallel branches and rework makes IMd fall back
    # to a flower-like model; filtered, structure (gateways) appears.
    assert _tasks_and_loops(strict)[1] > 2 * _tasks_and_loops(loose)[1]
    few = discover_bpmn(permits, activities=60)
    tasks, _ = _tasks_and_loops(few)
    assert 0 < len(tasks) < permits["concept:name"].nunique()
    with pytest.raises(ConfigError) as err:
        discover_bpmn(permits, activities=-1)
    assert str(err.value) == "activities (--activities) must be from 0 to 100, got -1"
    assert len(_tasks_and_loops(discover_bpmn(permits, activities=0))[0]) == 1  # as the map's slider at 0


def test_same_log_same_bpmn_file_and_picture_under_any_hash_seed(tmp_path):
    """pm4py keeps nodes and flows in sets ordered by random ids: without ordering them,
    each run wrote another file (and another layout)."""
    import os
    import subprocess
    import sys

    script = ("import sys\nfrom pathlib import Path\n"
              "from rpa_scout import bpmn_to_dot, discover_bpmn, read_log\n"
              "from rpa_scout.io.pictures import write_bpmn\n"
              "log, _ = read_log(sys.argv[1])\n"
              "for threshold, name in ((0.2, 'table'), (0.0, 'dfg')):\n"
              "    kw = {'dfg_threshold': 10} if name == 'dfg' else {}\n"
              "    model = discover_bpmn(log, noise_threshold=threshold, **kw)\n"
              "    write_bpmn(model, Path(sys.argv[2]) / f'{name}.bpmn')\n"
              "    (Path(sys.argv[2]) / f'{name}.dot').write_text(bpmn_to_dot(model), encoding='utf-8')\n")
    texts = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        subprocess.run([sys.executable, "-c", script, str(SAMPLES / "rakennuslupa.xes.gz"), str(out)],
                       check=True, env={**os.environ, "PYTHONHASHSEED": seed}, timeout=300)
        texts.append({p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())})
    assert len(texts[0]) == 4 and texts[0] == texts[1]
    assert 'id="id_1"' in texts[0]["table.bpmn"] and "-4" not in texts[0]["table.bpmn"].split('id="')[1][:40]


def test_the_message_names_the_activities_the_noise_filter_left_out(tmp_path):
    """At the default noise the miner left out steps and the message said only "BPMN
    model written" (QA): 12 of the sample's 13 activities."""
    from click.testing import CliRunner

    from rpa_scout.cli import main

    out = tmp_path / "o.bpmn"
    result = CliRunner().invoke(main, ["map", "eventlogs/ostolaskut.csv.gz", "--format", "bpmn", "--out", str(out)])
    assert result.exit_code == 0
    assert " ".join(result.output.split()) == (
        f"BPMN model written to {out}: 12 of 13 activities; the miner's noise filter (--noise 0.20) left out "
        "Palautus tiliöintiin; --noise 0 keeps them all")
    result = CliRunner().invoke(main, ["map", "eventlogs/ostolaskut.csv.gz", "--format", "bpmn", "--out", str(out),
                                       "--noise", "0"])
    assert " ".join(result.output.split()) == f"BPMN model written to {out}"


def test_many_activities_are_mined_from_the_graph():
    """BPIC15_1's 398 activities on the event table ran for over 14 minutes (QA)."""
    from rpa_scout.bpmn import DFG_ACTIVITIES, bpmn_tasks

    log, _ = read_log(shared_log("bpic15/BPIC15_1.xes.gz"))
    assert log["concept:name"].nunique() > DFG_ACTIVITIES
    assert len(bpmn_tasks(discover_bpmn(log, noise_threshold=0.0))) == log["concept:name"].nunique()
