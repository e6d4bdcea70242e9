"""Read CSV/TSV (also gzipped), Parquet and Excel exports into raw tables.

CSV as municipal systems export it: delimiter ``,`` ``;`` tab or ``|`` detected;
UTF-8, UTF-8 with BOM, or cp1252 detected; decimal comma in numeric attributes.
Every value is first read as text so nothing is lost; records with the wrong number of
fields are kept aside with their record numbers so the load report can reject them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from rpa_scout.errors import InputError
from rpa_scout.io.xes import open_text

_SAMPLE = 1 << 20
DELIMITERS = (";", ",", "\t", "|")


@dataclass(frozen=True)
class RawTable:
    """A table as read, plus records that could not be split into the header's fields."""

    frame: pd.DataFrame
    bad_records: dict[int, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    positions: pd.Series | None = None


def read_csv_table(path: Path, *, delimiter: str | None = None,
                   encoding: str | None = None) -> RawTable:
    """Read a delimited text file; see the module docstring for what is detected."""
    with open_text(path) as fh:
        try:
            data = fh.read()
        except (OSError, EOFError) as exc:
            raise InputError(f"{path.name}: cannot read the file ({exc})") from None
    if not data.strip():
        raise InputError(f"{path.name}: the file is empty; export the log again")
    text, used = _decode(data, encoding, path.name)
    if delimiter is None:
        delimiter = sniff_delimiter(text, path.name)
    notes = [f"encoding {used}", f"delimiter {delimiter!r}"]
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            na_values=[], engine="c", skipinitialspace=False)
        bad: dict[int, str] = {}
        positions = None
    except pd.errors.ParserError:
        frame, bad, positions = _read_tolerant(text, delimiter, path.name)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path.name}: the file has no header row; export the log again") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame, converted = _decimal_columns(frame, delimiter)
    if converted:
        notes.append("decimal comma read in " + ", ".join(converted))
    return RawTable(frame, bad, tuple(notes), positions)


def _decode(data: bytes, encoding: str | None, name: str) -> tuple[str, str]:
    if encoding:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"{name}: cannot decode with --encoding {encoding} ({exc})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8 with BOM"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(text: str, name: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of fields."""
    lines = [ln for ln in text[:_SAMPLE].splitlines()[:50] if ln.strip()]
    best, best_fields = None, 1
    for delim in DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delim)]
        except csv.Error:
            continue
        if not counts:
            continue
        typical = max(set(counts), key=counts.count)
        share = counts.count(typical) / len(counts)
        if typical > best_fields and share >= 0.8:
            best, best_fields = delim, typical
    if best is None:
        raise InputError(
            f"{name}: cannot tell the delimiter (tried ; , tab |); name it with --delimiter"
        )
    return best


def _read_tolerant(text: str, delimiter: str, name: str) -> tuple[pd.DataFrame, dict[int, str], pd.Series]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{name}: the file has no header row") from None
    good: list[list[str]] = []
    positions: list[int] = []
    bad: dict[int, str] = {}
    try:
        for number, record in enumerate(reader, start=1):
            if not record:
                continue
            if len(record) == len(header):
                good.append(record)
                positions.append(number)
            else:
                bad[number] = delimiter.join(record)
    except csv.Error as exc:
        raise InputError(f"{name}: malformed CSV near record {reader.line_num} ({exc})") from None
    frame = pd.DataFrame(good, columns=header, dtype=str)
    return frame, bad, pd.Series(positions)


def _decimal_columns(frame: pd.DataFrame, delimiter: str) -> tuple[pd.DataFrame, list[str]]:
    """Columns whose every non-empty value is a number with a decimal comma → float."""
    if delimiter == ",":
        return frame, []
    converted = []
    for col in frame.columns:
        values = frame[col]
        filled = values[values.str.strip() != ""]
        if filled.empty or not filled.str.contains(",", regex=False).any():
            continue
        if filled.str.fullmatch(r"\s*-?\d{1,3}(?:[ \u00a0]?\d{3})*(?:,\d+)?\s*|\s*-?\d+(?:,\d+)?\s*").all():
            cleaned = values.str.replace(r"[ \u00a0]", "", regex=True).str.replace(",", ".", regex=False)
            frame[col] = pd.to_numeric(cleaned.mask(cleaned == ""), errors="coerce")
            converted.append(col)
    return frame, converted


def read_parquet_table(path: Path) -> RawTable:
    """Read a Parquet file."""
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise InputError(f"{path.name}: not a readable Parquet file ({type(exc).__name__}: {exc})") from None
    return RawTable(frame.reset_index(drop=True))


def read_excel_table(path: Path, *, sheet: str | int | None = None) -> RawTable:
    """Read the first (or the named) sheet of an Excel workbook."""
    try:
        frame = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, engine="openpyxl")
    except ImportError:
        raise InputError("reading Excel needs openpyxl: pip install openpyxl") from None
    except Exception as exc:
        raise InputError(f"{path.name}: not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame, notes=(f"sheet {sheet if sheet is not None else 'first'}",))
