"""Doctests (``pytest --doctest-modules rpa_scout``, part of scripts/run-tests.sh).

The examples in rpa_scout's docstrings read the shipped samples by paths relative to the
project folder (``eventlogs/ostolaskut.csv.gz``), so each doctest runs there. Examples
that draw with Graphviz skip, with the reason, where ``dot`` is not installed, as the
rendering tests do. No doctest reads ``../shared``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
#: Doctests that run Graphviz's ``dot``.
NEEDS_DOT = ("rpa_scout.io.pictures.run_dot", "rpa_scout.io.pictures.render_svg",
             "rpa_scout.io.pictures.write_dot_picture")


def pytest_collection_modifyitems(config, items):
    if shutil.which("dot") is not None:
        return
    skip = pytest.mark.skip(reason="Graphviz's dot is not installed")
    for item in items:
        if isinstance(item, pytest.DoctestItem) and item.name in NEEDS_DOT:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _doctests_run_in_the_project_folder(request, monkeypatch):
    if isinstance(request.node, pytest.DoctestItem):
        monkeypatch.chdir(ROOT)
        monkeypatch.delenv("RPA_SCOUT_KEY", raising=False)
