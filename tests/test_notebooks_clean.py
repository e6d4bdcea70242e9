"""The notebooks are committed clean: no outputs, no execution counts, public API only.

Outputs of a notebook run on a real log would carry its data (and possibly personal data)
into the repository; strip them with ``nbstripout notebooks/*.ipynb`` before committing.
The notebooks themselves are executed by ``pytest --nbmake notebooks`` (scripts/run-tests.sh).
"""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PRIVATE_IMPORT = re.compile(r"^\s*(?:from|import)\s+rpa_scout\.", re.MULTILINE)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def test_the_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01_explore_log.ipynb", "02_process_map.ipynb",
                                           "03_automation_candidates.ipynb", "04_what_if.ipynb",
                                           "05_compare_municipalities.ipynb"]


def test_the_test_command_executes_every_notebook():
    """CI runs ``make test``, which runs scripts/run-tests.sh, whose pytest call executes
    the notebooks with nbmake; nbmake collects each of them."""
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1] == "make test"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test: install\n\t@bash scripts/run-tests\.sh \$\(BIN\)$", makefile, re.MULTILINE)
    script = (ROOT / "scripts" / "run-tests.sh").read_text(encoding="utf-8")
    (command,) = [line for line in script.splitlines() if "-m pytest" in line]
    args = shlex.split(command)
    assert args[args.index("--nbmake") + 1] == "notebooks", command
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "--nbmake", "notebooks"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    collected = [line for line in done.stdout.splitlines() if line.startswith("notebooks/")]
    assert collected == [f"notebooks/{p.name}::{p.name}" for p in NOTEBOOKS], done.stdout + done.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs_or_execution_counts(path: Path):
    dirty = [i for i, cell in enumerate(_cells(path)) if cell["cell_type"] == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, (f"{path.name}: code cells {dirty} have outputs or execution counts; "
                       f"run: nbstripout notebooks/*.ipynb")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_starts_with_a_parameters_cell(path: Path):
    code = [cell for cell in _cells(path) if cell["cell_type"] == "code"]
    assert code, f"{path.name}: no code cells"
    first = code[0]
    assert "parameters" in first.get("metadata", {}).get("tags", []), \
        f"{path.name}: the first code cell must be tagged 'parameters'"
    assert re.search(r'^LOG = "\.\./eventlogs/', _source(first), re.MULTILINE), \
        f"{path.name}: the parameters cell must default LOG to a sample in ../eventlogs/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_uses_the_public_api_only(path: Path):
    private = [i for i, cell in enumerate(_cells(path))
               if cell["cell_type"] == "code" and PRIVATE_IMPORT.search(_source(cell))]
    assert not private, f"{path.name}: cells {private} import rpa_scout submodules; use `from rpa_scout import ...`"
