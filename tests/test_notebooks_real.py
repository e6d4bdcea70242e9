"""Notebook 03 on real logs, with its parameters set as a user would (nbclient).

The test command runs every notebook on its shipped sample (nbmake); this runs 03 on
two real logs whose long, similar routine names once broke it (``receipt``) and whose
zone is not Helsinki (``BPIC15_1``), in Finnish. Skipped when ../shared is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import shared_log

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _run(name: str, parameters: str) -> list[dict]:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.reads((NOTEBOOKS / name).read_text(encoding="utf-8"), as_version=4)
    cell = next(c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", []))
    cell.source = cell.source + "\n# injected by the test\n" + parameters
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return notebook.cells


@pytest.mark.slow
@pytest.mark.parametrize("relative,zone", [("receipt/receipt.xes.gz", "Europe/Amsterdam"),
                                           ("bpic15/BPIC15_1.xes.gz", "Europe/Amsterdam")])
def test_candidates_notebook_runs_on_real_logs(relative, zone):
    log = shared_log(relative)
    cells = _run("03_automation_candidates.ipynb",
                 f'LOG = {json.dumps(str(log))}\nTIMEZONE = "{zone}"\nLANG = "fi"\nTOP = 8\n')
    text = json.dumps([c.get("outputs", []) for c in cells], ensure_ascii=False)
    assert "Traceback" not in text
    assert "vuositasoistuskerroin" in text  # the assumptions in Finnish
