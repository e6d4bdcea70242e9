"""Writers: rejected rows and tables of results."""

from __future__ import annotations

from pathlib import Path

from rpa_scout.io.files import atomic_write
from rpa_scout.load_report import LoadReport
from rpa_scout.safety import spreadsheet_table


def write_rejects(report: LoadReport, path: Path) -> int:
    """Write the rejected rows (row number, reason, original values) as CSV; return count.

    The rows are the file's own, names included (a working file for mending the export,
    as personal as the export; not pseudonymised, so that each row can be found and
    fixed), but the CSV is opened in spreadsheets: text cells pass
    :func:`rpa_scout.safety.spreadsheet_table`.

    Raises:
        OutputError: the file cannot be written.
    """
    rows = report.rejected_rows
    text = "row,reason\n" if rows is None else spreadsheet_table(rows).to_csv(index=False)
    data = text.encode("utf-8")
    atomic_write(path, lambda fh: fh.write(data), option="--rejects")
    return 0 if rows is None else len(rows)
