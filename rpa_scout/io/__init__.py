"""Readers and writers: the only modules of rpa_scout that touch files."""

from __future__ import annotations

from typing import Any

__all__ = ["read_log"]


def __getattr__(name: str) -> Any:
    """``read_log`` on first use (so the light ``io.formats`` imports nothing heavy)."""
    if name == "read_log":
        from rpa_scout.io.read import read_log

        return read_log
    raise AttributeError(f"module 'rpa_scout.io' has no attribute {name!r}")
