"""Shared fixtures: the real logs in ../shared/eventlogs (skipped when absent).

``RPA_SCOUT_SHARED=FOLDER`` reads the real logs from another folder; ``RPA_SCOUT_SHARED=``
(empty) runs the suite as a checkout without them would, so the tests that stand on
their own can be counted: ``RPA_SCOUT_SHARED= pytest -q tests -rs``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_SHARED_DEFAULT = ROOT.parent / "shared" / "eventlogs"
SHARED = (Path(os.environ["RPA_SCOUT_SHARED"]) if os.environ.get("RPA_SCOUT_SHARED")
          else None if "RPA_SCOUT_SHARED" in os.environ else _SHARED_DEFAULT)
SAMPLES = ROOT / "eventlogs"


def shared_log(relative: str) -> Path:
    """Path of a real log, or skip the test with the reason."""
    path = SHARED / relative if SHARED is not None else None
    if path is None or not path.exists():
        where = "RPA_SCOUT_SHARED is empty" if SHARED is None else f"{SHARED} is absent in this checkout"
        pytest.skip(f"real log {relative} not found: {where}")
    return path


def flat(text: str) -> str:
    """Terminal text as one line: wrapping and no-break spaces undone."""
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture
def write(tmp_path: Path):
    """Write text (or bytes) to a file in tmp_path with a given encoding; return the path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
        return path

    return _write
