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


def run_header(title: str, script: str, versions_line: str, argv: list[str]) -> str:
    """The first lines of a results file: title, when and where, and the command."""
    import os
    from datetime import datetime, timezone

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"# {title}\n\n"
            f"Run {stamp} on {os.cpu_count()} CPUs ({platform.machine()}), {versions_line}.\n"
            f"Command: `{' '.join([f'python benchmarks/{script}', *argv])}`")
