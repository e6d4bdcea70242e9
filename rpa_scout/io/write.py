"""Writers: rejected rows and tables of results."""

from __future__ import annotations

from pathlib import Path

from rpa_scout.errors import InputError
from rpa_scout.report import LoadReport


def write_rejects(report: LoadReport, path: Path) -> int:
    """Write the rejected rows (row number, reason, original values) as CSV; return count."""
    rows = report.rejected_rows
    try:
        if rows is None:
            path.write_text("row,reason\n", encoding="utf-8")
            return 0
        rows.to_csv(path, index=False, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the rejected rows ({exc.strerror})") from None
    return len(rows)
