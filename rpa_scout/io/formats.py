"""Which file format a name means: one suffix table per kind of file, one lookup.

Every reader and writer asks :func:`format_of`, so ``laskut.CSV.GZ``, ``map.svg`` and
``ranking.xlsx`` are understood the same way everywhere, and the CLI's choices are built
from the same tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from rpa_scout.errors import ConfigError

#: Logs we read: suffix → reader.
LOG_READ = {
    ".xes": "xes", ".xes.gz": "xes",
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".csv.gz": "csv", ".tsv.gz": "csv", ".txt.gz": "csv",
    ".parquet": "parquet", ".pq": "parquet",
    ".xlsx": "excel", ".xlsm": "excel", ".xls": "excel", ".xlsb": "excel", ".ods": "excel",
}
#: Spreadsheets that openpyxl cannot read: calamine (Rust) reads them (Excel 97-2003,
#: binary Excel, LibreOffice/OpenDocument).
CALAMINE_SUFFIXES = (".xls", ".xlsb", ".ods")
#: Logs we write (``rpa-scout generate``).
LOG_WRITE = {".xes": "xes", ".xes.gz": "xes", ".csv": "csv", ".csv.gz": "csv", ".parquet": "parquet"}
#: Process maps (``rpa-scout map``).
MAP_WRITE = {f".{f}": f for f in ("svg", "png", "dot", "graphml", "json", "bpmn")}
#: Rankings (``rpa-scout rank --out``).
RANK_WRITE = {f".{f}": f for f in ("csv", "json", "md", "html", "xlsx")}
#: Comparisons (``rpa-scout compare --out``): the same formats as rankings.
COMPARE_WRITE = RANK_WRITE
#: Tables of cases (``rpa-scout cases --out``).
TABLE_WRITE = {f".{f}": f for f in ("csv", "json", "xlsx")}


def names(table: Mapping[str, str]) -> tuple[str, ...]:
    """The format names of a table, in table order, each once (for CLI choices)."""
    return tuple(dict.fromkeys(table.values()))


def format_of(path: str | Path, table: Mapping[str, str]) -> str | None:
    """The format whose suffix ``path`` ends with (longest suffix first; letter case
    ignored), or ``None``. A name that is only a suffix (``.csv``) has no format."""
    name = Path(path).name.lower()
    for suffix in sorted(table, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return table[suffix]
    return None


def output_format(out: Path, fmt: str | None, table: Mapping[str, str]) -> str:
    """The format to write ``out`` in: ``--format`` or the name's; :class:`ConfigError`
    when neither says one, or when they disagree (HTML once went into ``x.csv``).

    Example:
        >>> output_format(Path("x.csv"), None, RANK_WRITE), output_format(Path("x"), "md", RANK_WRITE)
        ('csv', 'md')
        >>> output_format(Path("x.csv"), "html", RANK_WRITE)
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: --format html does not match the name x.csv; name it .html, or leave --format out
    """
    named = format_of(out, table)
    if fmt is None and named is None:  # x.pdf held SVG
        raise ConfigError(f"cannot tell the format of {out.name}; add --format {'|'.join(names(table))} "
                          "or end the name with one of them")
    if fmt is not None and named is not None and named != fmt:  # a PNG named .svg
        raise ConfigError(f"--format {fmt} does not match the name {out.name}; name it .{fmt}, or leave "
                          "--format out")
    return fmt or named  # type: ignore[return-value]


def strip_suffix(path: str | Path, table: Mapping[str, str]) -> str:
    """The file name without the table's suffix (``laskut.csv.gz`` → ``laskut``)."""
    name = Path(path).name
    for suffix in sorted(table, key=len, reverse=True):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name
