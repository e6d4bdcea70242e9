"""Shared fixtures: the real logs in ../shared/eventlogs (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eventlogs"
SAMPLES = ROOT / "eventlogs"


def shared_log(relative: str) -> Path:
    """Path of a real log, or skip the test with the reason."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"real log {relative} not found: ../shared/eventlogs is absent in this checkout")
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
