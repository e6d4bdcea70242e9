"""Shared fixtures: the real logs in ../shared/eventlogs (skipped when absent).

``RPA_SCOUT_SHARED=FOLDER`` reads the real logs from another folder; ``RPA_SCOUT_SHARED=``
(empty) runs the suite as a checkout without them would, so the tests that stand on
their own can be counted: ``RPA_SCOUT_SHARED= pytest -q tests -rs``.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_SHARED_DEFAULT = ROOT.parent / "shared" / "eventlogs"
SHARED = (Path(os.environ["RPA_SCOUT_SHARED"]) if os.environ.get("RPA_SCOUT_SHARED")
          else None if "RPA_SCOUT_SHARED" in os.environ else _SHARED_DEFAULT)
SAMPLES = ROOT / "eventlogs"


def pytest_configure(config):
    """The CLI speaks the locale's language (LC_ALL, LC_MESSAGES, LANG); the tests read
    its English, so they run under a neutral locale whatever the machine's (module-scoped
    fixtures run the CLI too, so this is set for the whole session). Tests of other
    languages pass ``--lang`` or their own environment."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        os.environ.pop(name, None)
    os.environ["LANG"] = "C.UTF-8"


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


#: ``rank``'s terminal table (English): a candidate's rank ("-" when not recommended) and
#: name, the name's wrapped rest indented five spaces, then its numbers (hours with the
#: interval, FTE, euros, payback, fit), then its reason, wrapped and indented five spaces.
_RANK_LINE = re.compile(r"^ {0,2}(\d+|-)  (\S.*)$")
_NUMBERS = re.compile(r"^     ([\d,]+) \(([\d,]+)–([\d,]+)\) +([\d.]+) +([\d,]+)  ((?:<[ \xa0]1|\d+)[ \xa0]mo|no payback) +"
                      r"([\d.]+)$")


@dataclass(frozen=True)
class TerminalRow:
    """One candidate of ``rank``'s terminal table, as printed (numbers as text)."""

    rank: str
    candidate: str
    hours: str
    low: str
    high: str
    fte: str
    euros: str
    payback: str
    fit: str
    reason: str  # its lines joined, as one line (see flat)
    lines: tuple[str, ...]  # every line of the candidate, as printed


def terminal_rows(lines: list[str]) -> list[TerminalRow]:
    """The candidates of ``rank``'s terminal table, in the order shown."""
    rows, i = [], 0
    while i < len(lines):
        head = _RANK_LINE.match(lines[i])
        j = i + 1
        while head and j < len(lines) and lines[j].startswith("     ") and not _NUMBERS.match(lines[j]):
            j += 1  # the name's wrapped rest
        numbers = _NUMBERS.match(lines[j]) if head and j < len(lines) else None
        if numbers is None:
            i += 1
            continue
        k = j + 1
        while k < len(lines) and lines[k].startswith("     "):
            k += 1
        name = " ".join([head.group(2), *(line.strip() for line in lines[i + 1:j])])
        rows.append(TerminalRow(head.group(1), name, *numbers.groups(), flat("\n".join(lines[j + 1:k])),
                                tuple(lines[i:k])))
        i = k
    return rows


def payback_sentence(row, licence: float = 6000.0, horizon: float = 60.0) -> str:
    """What the reports add to a candidate's reason (a row of the ranking, or of its JSON)
    when it does not pay back within the horizon: the break-even volume and licence, from
    the row's own figures (English; the licence and horizon are the defaults)."""
    months = row["payback_months"]
    if months is not None and math.isfinite(months):
        return ""
    price = (f", or at a licence under {row['break_even_licence']:,.0f}\u00a0€ a year"
             if (row["break_even_licence"] or 0) > 0 else "; at this volume no licence price makes it pay back")
    return (f"; does not pay back within {horizon:.0f} months at a licence of {licence:,.0f}\u00a0€ a year: it would "
            f"from {row['break_even_hours']:,.0f} h a year ({row['break_even_executions']:,.0f} executions){price}")


@pytest.fixture
def write(tmp_path: Path):
    """Write text (or bytes) to a file in tmp_path with a given encoding; return the path."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        data = content if isinstance(content, bytes) else content.encode(encoding)
        path.write_bytes(data)
        return path

    return _write


def spark_missing() -> str | None:
    """Why Spark cannot run here (no PySpark, no Java), or ``None``."""
    import shutil

    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install -e '.[dev]')"
    if shutil.which("java") is None:
        return "Java is not installed (Debian: apt-get install default-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark():
    """One local Spark for the test session (each worker's): two worker threads; the
    tests that need it skip with the reason where it cannot run."""
    reason = spark_missing()
    if reason:
        pytest.skip(reason)
    from rpa_scout.io.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()

