"""BPMN discovery: lifecycle logs mined per instance, noise and activity filters, DFG path."""

from __future__ import annotations

import pytest

from rpa_scout import discover_bpmn, read_log
from rpa_scout.errors import ConfigError
from tests.conftest import SAMPLES


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
        discover_bpmn(permits, activities=0)
    assert str(err.value) == "--activities must be above 0 and at most 100, got 0"
