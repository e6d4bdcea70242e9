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


def run_python(argv: list[str], cwd) -> tuple[float, float, str]:
    """``python ARGV`` in a fresh process (``RPA_SCOUT_KEY`` set): wall seconds, peak RSS
    in MiB (``os.wait4``) and what it printed; raises when it fails."""
    import os
    import subprocess
    import sys
    import tempfile
    import time

    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *argv], stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                env={**os.environ, "RPA_SCOUT_KEY": "benchmark"})
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        printed = out.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv[:3])[:80]} failed: {printed[-2000:]}")
    return wall, usage.ru_maxrss / 1024.0, printed
