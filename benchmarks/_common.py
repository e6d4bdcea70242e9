"""Helpers the benchmark scripts share (they run as ``python benchmarks/<name>.py``)."""

from __future__ import annotations

import importlib.metadata as md
import platform


def versions(*packages: str) -> str:
    """"Python 3.x.y, pandas a.b.c, ..." for the packages that are installed."""
    parts = [f"Python {platform.python_version()}"]
    for name in packages:
        try:
            parts.append(f"{name} {md.version(name)}")
        except md.PackageNotFoundError:
            pass
    return ", ".join(parts)
