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
from rpa_scout.timestamps import str_fullmatch_all

_SAMPLE = 1 << 20
DELIMITERS = (";", ",", "\t", "|")
_DECIMAL = r"\s*-?\d{1,3}(?:[ \u00a0]?\d{3})*(?:,\d+)?\s*|\s*-?\d+(?:,\d+)?\s*"


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
    bad: dict[int, str] = {}
    positions = None
    utf8 = data[3:] if used == "utf-8 with BOM" else data if used == "utf-8" else None
    frame = _read_arrow(text, utf8, delimiter)
    try:
        if frame is None:
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                                na_values=[], engine="c", skipinitialspace=False)
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


def _read_arrow(text: str, utf8: bytes | None, delimiter: str) -> pd.DataFrame | None:
    """The table pandas' C parser reads from ``text``, read by pyarrow's faster parser.

    Only for text where the two parsers provably agree: no quote character, no NUL or
    Ctrl-Z, only ``\\n`` or ``\\r\\n`` line ends, a header of two or more distinct
    non-blank names, and every non-blank line with exactly the header's number of fields
    (pyarrow refuses anything else, and then the C parser reads the text as before).
    Returns ``None`` whenever this does not hold. ``utf8`` is ``text`` encoded, if at hand.
    """
    if delimiter not in DELIMITERS:
        return None
    if '"' in text or "\x00" in text or "\x1a" in text or text[:1] in ("\n", "\r", "\ufeff"):
        return None
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None
    end = text.find("\n")
    header = (text if end < 0 else text[:end]).removesuffix("\r").split(delimiter)
    if len(header) < 2 or len(set(header)) != len(header) or any(not h.strip() for h in header):
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pandas 3 needs pyarrow for strings anyway
        return None
    try:
        source = pa.BufferReader(utf8 if utf8 is not None else text.encode("utf-8"))
        table = pacsv.read_csv(
            source,
            read_options=pacsv.ReadOptions(column_names=None, encoding="utf8"),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char=False,
                                             double_quote=False, escape_char=False,
                                             newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.large_string() for name in header},
                strings_can_be_null=False, quoted_strings_can_be_null=False,
                null_values=[], include_columns=header),
        )
    except (pa.ArrowException, UnicodeError, ValueError):
        return None
    if table.num_rows == 0 or table.column_names != header:
        return None
    dtype = pd.StringDtype("pyarrow", na_value=float("nan"))  # what dtype=str gives
    return table.to_pandas(types_mapper=lambda t: dtype if pa.types.is_large_string(t) else None)


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
        # Blank values hold no comma: test the whole column before filtering out blanks.
        if not values.str.contains(",", regex=False).any():
            continue
        filled = values[values.str.strip() != ""]
        if str_fullmatch_all(filled, _DECIMAL):
            # Removing the characters one by one is the regex [ \u00a0] without the regex.
            cleaned = (values.str.replace(" ", "", regex=False)
                       .str.replace("\u00a0", "", regex=False)
                       .str.replace(",", ".", regex=False))
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
