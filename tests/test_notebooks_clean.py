"""The notebooks are committed clean: no outputs, no execution counts, public API only.

Outputs of a notebook run on a real log would carry its data (and possibly personal data)
into the repository; strip them with ``nbstripout notebooks/*.ipynb`` before committing.
The notebooks themselves are executed by ``pytest --nbmake notebooks`` (scripts/run-tests.sh).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
PRIVATE_IMPORT = re.compile(r"^\s*(?:from|import)\s+rpa_scout\.", re.MULTILINE)


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 4, "expected the four notebooks in notebooks/"


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
