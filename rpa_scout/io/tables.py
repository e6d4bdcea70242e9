"""Read CSV/TSV (also gzipped), Parquet and Excel exports into raw tables.

CSV as municipal systems export it: delimiter ``,`` ``;`` tab or ``|`` detected;
UTF-8, UTF-8 with BOM, UTF-16 (with a byte-order mark, or detected by
charset-normalizer), cp1252 or lines of both detected (:mod:`rpa_scout.io.encodings`);
decimal comma in numeric attributes. Every value is first read as text so nothing is
lost; records with the wrong number of fields are kept aside with their record numbers
so the load report can reject them, and a text pandas' parser refuses is read record
by record (:mod:`rpa_scout.io.records`: empty fields at the end and stray quotes).
Every file is read within :class:`rpa_scout.io.stream.Limits`.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from rpa_scout.errors import InputError, LimitError
from rpa_scout.io.encodings import decode_text
from rpa_scout.io.parquet import read_parquet_frame, read_parquet_rows
from rpa_scout.io.records import holds_records, read_tolerant
from rpa_scout.io.stream import Limits, check_ratio, read_all, too_big
from rpa_scout.lang import Message
from rpa_scout.timestamps import str_fullmatch_all

_SAMPLE = 1 << 20
DELIMITERS = (";", ",", "\t", "|")
_DECIMAL = r"\s*-?\d{1,3}(?:[ \u00a0]?\d{3})*(?:,\d+)?\s*|\s*-?\d+(?:,\d+)?\s*"
# A field may be as long as a file may be: the csv module's 128 KiB default would make
# a valid file with one long text look like a file without a delimiter.
csv.field_size_limit(min(sys.maxsize, 2**63 - 1))


@dataclass(frozen=True)
class RawTable:
    """A table as read, plus records that could not be split into the header's fields."""

    frame: pd.DataFrame
    bad_records: dict[int, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    positions: pd.Series | None = None
    repairs: Mapping[str, int] = field(default_factory=dict)
    #: Rows of ``frame`` whose record had fewer fields than the header (the missing ones
    #: read as empty); ``None`` when every record had them all.
    short: np.ndarray | None = None
    #: Rows of the file that conditions left out while reading: counted, never read.
    outside: int = 0


def read_csv_table(path: Path, *, delimiter: str | None = None,
                   encoding: str | None = None, limits: Limits | None = None) -> RawTable:
    """Read a delimited text file; see the module docstring for what is detected.

    Raises:
        InputError: empty, undecodable, no header, no delimiter found, malformed.
        LimitError: beyond ``limits`` (size, compression ratio, columns).
    """
    limits = limits or Limits()
    from rpa_scout.io.csv_stream import NotStreamable, read_csv_blocks, worth_streaming

    if worth_streaming(path):
        try:
            return read_csv_blocks(path, delimiter=delimiter, encoding=encoding, limits=limits)
        except NotStreamable:
            pass  # read whole, as every file below the size
    data = read_all(path, limits)
    if not data.strip():
        raise InputError(f"{path.name}: the file is empty; export the log again")
    text, used, repairs = decode_text(data, encoding, path.name)
    if not text.strip():
        raise InputError(f"{path.name}: the file is empty; export the log again")
    if delimiter is None:
        delimiter = sniff_delimiter(text, path.name)
    notes = [Message("load.note.encoding", encoding=used), Message("load.note.delimiter", delimiter=repr(delimiter))]
    utf8 = data[3:] if used == "utf-8 with BOM" else data if used == "utf-8" else None
    skip, prefix, above = _title_lines(text, delimiter)
    if skip:  # a report's title above the header
        text = text[len(prefix):]
        utf8 = None if utf8 is None else utf8[len(prefix.encode("utf-8")):]
        notes.append(_title_note(skip, above))
    _check_columns(text, delimiter, path.name, limits)
    bad: dict[int, str] = {}
    positions = short = None
    frame = _read_arrow(text, utf8, delimiter)  # never a short record
    del data, utf8
    try:
        if frame is None:
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                                na_values=[], engine="c", skipinitialspace=False)
            if _shifted(frame) or _swallowed(frame, text, delimiter):
                raise pd.errors.ParserError("read again record by record")
            short = _short_records(frame, text, delimiter)
    except pd.errors.ParserError:
        records = read_tolerant(text, delimiter, path.name)
        frame, bad, positions, short = records.frame, records.bad, records.positions, records.short
        repairs = {**repairs, **records.repairs}
        notes.extend(records.notes)
    except pd.errors.EmptyDataError:
        raise InputError(f"{path.name}: the file has no header row; export the log again") from None
    frame = finish_columns(frame, delimiter, notes)
    return RawTable(frame, bad, tuple(notes), positions, repairs, short)


def finish_columns(frame: pd.DataFrame, delimiter: str, notes: list) -> pd.DataFrame:
    """A CSV's frame as read, its names trimmed, without the columns that have no header
    and hold nothing of the log, its decimal-comma columns as numbers; the notes that say
    so added to ``notes``."""
    frame.columns = [str(c).strip() for c in frame.columns]
    frame, dropped = _without_unnamed(frame)
    notes.extend(dropped)
    frame, converted = _decimal_columns(frame, delimiter)
    if converted:
        notes.append(Message("load.note.decimal_comma", columns=", ".join(converted)))
    return frame


def _short_records(frame: pd.DataFrame, text: str | io.TextIOBase, delimiter: str) -> np.ndarray | None:
    """The rows whose record ended before the header's last named column. The C parser fills
    the fields a record lacks with ``""``, as it reads an empty field, so the records are
    counted again where the last column holds an empty value at all. ``text``: the text
    the frame was read from, or a stream of it (opened only when the records are counted)."""
    named = [i for i, column in enumerate(frame.columns) if not _unnamed(str(column))]
    if not named or not frame.iloc[:, named[-1]].astype("string").eq("").any():
        return None
    width = named[-1] + 1  # a delimiter at the end of the header names no column
    lines = io.StringIO(text, newline="") if isinstance(text, str) else text
    fields = [len(r) for r in csv.reader(lines, delimiter=delimiter) if r]
    if len(fields) != len(frame) + 1:
        return None  # the two parsers split the text differently: nothing to tell
    short = np.array(fields[1:]) < width
    return short if short.any() else None


def _shifted(frame: pd.DataFrame) -> bool:
    """Whether pandas took the first field of each record for the row's label, because
    the first record has one more field than the header, where that is no column of row
    labels (as R's ``write.table`` writes, distinct): a delimiter at the end of some
    lines, or a stray field. Every value would stand in the column before its own.
    """
    if isinstance(frame.index, pd.RangeIndex) or not len(frame.columns):
        return False
    last = frame.iloc[:, -1].astype("string").str.strip().fillna("")
    return not last.ne("").any() or not frame.index.is_unique


def _swallowed(frame: pd.DataFrame, text: str, delimiter: str) -> bool:
    """Whether a field holds whole records after a line break: a stray quote at the start
    of a field, closed by another many lines below, made pandas read the lines between
    as one value. Looked for only where the text has more lines than records."""
    if '"' not in text:
        return False
    if text.count("\n") <= len(frame) + 1 or \
            text.count("\n") - text.count("\n\n") - text.count("\n\r\n") <= len(frame) + 1:
        return False  # no line break inside a field (blank lines aside)
    width = len(frame.columns)
    for column in frame.columns:
        values = frame[column]
        if not (pd.api.types.is_string_dtype(values.dtype) or values.dtype == object):
            continue
        broken = values[values.astype("string").str.contains("\n", regex=False).fillna(False)]
        if any(holds_records(str(v), delimiter, width) for v in broken):
            return True
    return False


#: At most this many rows above the header are taken for a report's title.
TITLE_ROWS = 10


def title_rows(rows: list[list[object]]) -> int:
    """How many of the first ``rows`` stand above the header: a report's title and blank
    rows, each with fewer than half as many filled cells as the widest row (and under
    two). 0 when the first row is the header, or when the row found is no header (a
    cell that is no text) or stands below :data:`TITLE_ROWS`.

    Example:
        >>> title_rows([["Raportti 2024", None, None], [], ["Asia", "Vaihe", "Aika"], ["A1", "V", "1.2.2024"]])
        2
        >>> title_rows([["Asia", "Vaihe", "Aika"], ["A1", "V", "1.2.2024"]])
        0
        >>> title_rows([["Asia"], ["A1", "V", "1.2.2024"]])   # a data row is no header
        0
    """
    filled = [sum(1 for v in row if _filled(v)) for row in rows]
    if not filled:
        return 0
    need = max(2, (max(filled) + 1) // 2)
    first = next((i for i, n in enumerate(filled) if n >= need), 0)
    if not 0 < first <= TITLE_ROWS or not all(_header_cell(v) for v in rows[first] if _filled(v)):
        return 0
    return first


def _header_cell(value: object) -> bool:
    """A column name: text that is no number, date or time (a data row is no header)."""
    return isinstance(value, str) and not re.fullmatch(r"[\d\s.,:/+\-]+", value)


def _title_lines(text: str, delimiter: str) -> tuple[int, str, list[list[str]]]:
    """:func:`title_rows` of a delimited text: the count, the text they take and the rows."""
    lines = _records(text, TITLE_ROWS + 1)
    reader = csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    ends: list[int] = []  # the physical lines read up to each record
    try:
        for row in reader:
            rows.append(row)
            ends.append(reader.line_num)
            if len(rows) > TITLE_ROWS:
                break
    except csv.Error:
        return 0, "", []
    skip = title_rows(rows)
    return skip, "".join(lines[:ends[skip - 1]]) if skip else "", rows[:skip]


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and str(value).strip() != ""


def _title_note(count: int, rows: list[list[object]]) -> Message:
    """The report's note on the rows above the header (the first filled one quoted)."""
    title = next((" ".join(str(v).strip() for v in row if _filled(v)) for row in rows
                  if any(_filled(v) for v in row)), "")
    return Message("load.note.title_rows", count=count, title=repr(title[:60]))


def _records(text: str, limit: int = 50) -> list[list[str]]:
    """The first ``limit`` records of ``text``'s first 1 MiB, read with each delimiter later.

    Records end only at ``\\n``, ``\\r\\n`` or ``\\r`` outside quotes (as pandas and
    pyarrow read them): a vertical tab or U+2028 inside a field is text. A record cut
    off by the end of the sample is left out.
    """
    sample = text[:_SAMPLE]
    lines = io.StringIO(sample, newline="").readlines()
    if len(text) > _SAMPLE and len(lines) > 1:
        lines = lines[:-1]
    return lines[: limit * 4]


def sniff_delimiter(text: str, name: str) -> str:
    """The delimiter that splits the first records into the same, largest number of fields.

    Where no delimiter does, the lines are split again with quotes read as characters:
    a quote that is not closed near the top would otherwise make the rest one record.

    Example:
        >>> sniff_delimiter('a;b;c\\n1;"x;2\\n3;y;4\\n5;z;6\\n', "loki.csv")
        ';'
    """
    lines = [ln for ln in _records(text) if ln.strip()]
    best = _best_delimiter(text, lines, csv.QUOTE_MINIMAL) or _best_delimiter(text, lines, csv.QUOTE_NONE)
    if best is None:
        raise InputError(
            f"{name}: cannot tell the delimiter (tried ; , tab |); name it with --delimiter"
        )
    return best


def _best_delimiter(text: str, lines: list[str], quoting: int) -> str | None:
    best, best_fields = None, 1
    for delim in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delim,
                                   quoting=quoting))[:50]
        except csv.Error:
            continue
        if len(text) > _SAMPLE and len(rows) > 1:
            rows = rows[:-1]  # possibly cut off inside a quoted field
        counts = [len(row) for row in rows if row]
        if not counts:
            continue
        typical = max(set(counts), key=counts.count)
        share = counts.count(typical) / len(counts)
        if typical > best_fields and share >= 0.8:
            best, best_fields = delim, typical
    return best


def _check_columns(text: str, delimiter: str, name: str, limits: Limits) -> None:
    try:
        header = next(csv.reader(io.StringIO(text[:_SAMPLE], newline=""), delimiter=delimiter), [])
    except csv.Error:
        return  # the readers report it
    if len(header) > limits.max_columns:
        raise LimitError(f"{name}: has {len(header):,} columns; rpa_scout reads at most "
                         f"{limits.max_columns:,}; export only the columns you need")


def _read_arrow(text: str, utf8: bytes | None, delimiter: str) -> pd.DataFrame | None:
    """The table pandas' C parser reads from ``text``, read by pyarrow's faster parser.

    Only for text where the two parsers provably agree: no quote character, no NUL or
    Ctrl-Z, only ``\\n`` or ``\\r\\n`` line ends, a header of two or more distinct
    non-blank names, and every non-blank line with exactly the header's number of fields
    (pyarrow refuses anything else, and then the C parser reads the text as before).
    Returns ``None`` whenever this does not hold. ``utf8`` is ``text`` encoded, if at hand.
    """
    if '"' in text or "\x00" in text or "\x1a" in text:
        return None
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return None
    header = arrow_header(text, delimiter)
    if header is None:
        return None
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        source = pa.BufferReader(utf8 if utf8 is not None else text.encode("utf-8"))
        table = pacsv.read_csv(source, **arrow_options(header, delimiter))
    except (pa.ArrowException, UnicodeError, ValueError):
        return None
    if table.num_rows == 0 or table.column_names != header:
        return None
    dtype = pd.StringDtype("pyarrow", na_value=float("nan"))  # what dtype=str gives
    return table.to_pandas(types_mapper=lambda t: dtype if pa.types.is_large_string(t) else None)


def arrow_header(text: str, delimiter: str, *, quoted: bool = False) -> list[str] | None:
    """The header of ``text`` when pyarrow may read it (see :func:`_read_arrow`): a
    delimiter of :data:`DELIMITERS`, a text that does not start with a line end or a
    byte-order mark, two or more distinct non-blank names; else ``None``. With ``quoted``
    the first line is split as :func:`arrow_options` with ``quoted`` reads it."""
    if delimiter not in DELIMITERS or text[:1] in ("\n", "\r", "\ufeff"):
        return None
    end = text.find("\n")
    line = (text if end < 0 else text[:end]).removesuffix("\r")
    header = _quoted_fields(line, delimiter) if quoted else line.split(delimiter)
    if header is None:
        return None
    if len(header) < 2 or len(set(header)) != len(header) or any(not h.strip() for h in header):
        return None
    return header


def arrow_options(header: list[str], delimiter: str, block_size: int | None = None, *,
                  quoted: bool = False) -> dict:
    """pyarrow's CSV options that read a text as pandas' C parser does (every column as
    text, nothing missing; quotes as characters, or with ``quoted`` as pandas reads
    them: a field opened by ``"`` runs to the next lone ``"``, ``""`` within it is one);
    ``block_size``: bytes a block."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read = pacsv.ReadOptions(column_names=None, encoding="utf8")
    if block_size:
        read.block_size = block_size
    return {
        "read_options": read,
        "parse_options": pacsv.ParseOptions(delimiter=delimiter, quote_char='"' if quoted else False,
                                            double_quote=quoted, escape_char=False,
                                            newlines_in_values=quoted, ignore_empty_lines=True),
        "convert_options": pacsv.ConvertOptions(
            column_types={name: pa.large_string() for name in header},
            strings_can_be_null=False, quoted_strings_can_be_null=False,
            null_values=[], include_columns=header),
    }


def _quoted_fields(line: str, delimiter: str) -> list[str] | None:
    """The fields of one ``line`` as pyarrow reads it with quotes; ``None`` when they
    are not all on it (a quote left open)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    width = line.count(delimiter) + 1
    names = [f"f{i}" for i in range(width)]
    options = arrow_options(names, delimiter, quoted=True)
    options["read_options"] = pacsv.ReadOptions(autogenerate_column_names=True, encoding="utf8")
    options["convert_options"].include_columns = []
    try:
        table = pacsv.read_csv(pa.BufferReader((line + "\n").encode("utf-8")), **options)
    except (pa.ArrowException, UnicodeError, ValueError):
        return None
    if table.num_rows != 1:
        return None
    return [str(v) for v in table.to_pylist()[0].values()]


def _unnamed(column: str) -> bool:
    """Whether a column has no header: blank, or pandas' ``Unnamed: 5``."""
    return column.strip() == "" or re.fullmatch(r"Unnamed: \d+", column) is not None


def _without_unnamed(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Message]]:
    """``frame`` without the columns that have no header (blank, or pandas' ``Unnamed: 5``)
    and hold nothing of the log, and the notes that say so:

    - no value in any row: what a delimiter at the end of every line makes;
    - the first column, when its values are distinct whole numbers: the row labels that
      pandas' ``to_csv()`` and ``to_excel()`` write by default. As an attribute the row
      number would stand beside the case data that the decision trees split on.
    """
    notes: list[Message] = []
    empty = [c for c in frame.columns if _unnamed(c)
             and not frame[c].astype("string").str.strip().replace("", pd.NA).notna().any()]
    if empty:
        frame = frame.drop(columns=empty)
        notes.append(Message("load.note.empty_unnamed", count=len(empty)))
    if len(frame.columns) and _unnamed(frame.columns[0]) and _row_labels(frame.iloc[:, 0]):
        notes.append(Message("load.note.row_labels", column=repr(frame.columns[0])))
        frame = frame.iloc[:, 1:]
    return frame, notes


def _row_labels(values: pd.Series) -> bool:
    """Whether ``values`` are distinct whole numbers, none missing (a DataFrame's index)."""
    numbers = pd.to_numeric(values.astype("string").str.strip(), errors="coerce")
    return (len(values) > 0 and bool(numbers.notna().all()) and bool((numbers % 1 == 0).all())
            and numbers.is_unique)


def _decimal_columns(frame: pd.DataFrame, delimiter: str) -> tuple[pd.DataFrame, list[str]]:
    """Columns whose every non-empty value is a number with a decimal comma → float. A
    column of categories (a large CSV's repeating column) is judged and converted by its
    categories in use, each row then taking its category's number."""
    if delimiter == ",":
        return frame, []
    converted = []
    for col in frame.columns:
        values = frame[col]
        codes = None
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.cat.remove_unused_categories()
            codes, values = values.cat.codes.to_numpy(), pd.Series(values.cat.categories)
        number = _decimal_numbers(values)
        if number is not None:
            frame[col] = number if codes is None else pd.Series(
                np.append(number.to_numpy(dtype=float), np.nan)[codes], index=frame.index)
            converted.append(col)
    return frame, converted


def _decimal_numbers(values: pd.Series) -> pd.Series | None:
    """``values`` as numbers when every non-empty one is a number with a decimal comma
    (and one has a comma); else ``None``."""
    # Blank values hold no comma: test the whole column before filtering out blanks.
    if not values.str.contains(",", regex=False).any():
        return None
    filled = values[values.str.strip() != ""]
    if not str_fullmatch_all(filled, _DECIMAL):
        return None
    # Removing the characters one by one is the regex [ \u00a0] without the regex.
    cleaned = (values.str.replace(" ", "", regex=False)
               .str.replace("\u00a0", "", regex=False)
               .str.replace(",", ".", regex=False))
    return pd.to_numeric(cleaned.mask(cleaned == ""), errors="coerce")


def read_parquet_table(path: Path, limits: Limits | None = None,
                       choose: tuple[Callable[[pd.DataFrame], np.ndarray], list[str]] | None = None) -> RawTable:
    """Read a Parquet file, after checking its size and shape in the file's metadata.

    With ``choose`` (a function of some columns' values, and those columns), only the
    rows it keeps are read (:func:`rpa_scout.io.parquet.read_parquet_rows`) and the
    limits apply to them: a national file holds more than one municipality's rows.

    Raises:
        InputError: not a readable Parquet file.
        LimitError: more columns, cells or bytes than ``limits`` allow.
    """
    limits = limits or Limits()
    meta = parquet_metadata(path, limits)
    inflated = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if choose is None:
        _within(path, limits, meta.num_rows, meta.num_columns, inflated)
    check_ratio(path.name, inflated, path.stat().st_size, limits)
    try:
        if choose is None:
            return RawTable(read_parquet_frame(path).reset_index(drop=True))
        chosen = read_parquet_rows(path, *choose)
    except Exception as exc:
        raise InputError(f"{path.name}: not a readable Parquet file ({type(exc).__name__}: {exc})") from None
    _within(path, limits, len(chosen.frame), meta.num_columns, inflated * len(chosen.frame) / max(chosen.total, 1))
    return RawTable(chosen.frame.reset_index(drop=True), positions=pd.Series(chosen.rows),
                    outside=chosen.total - len(chosen.frame))


def parquet_metadata(path: Path, limits: Limits):
    """A Parquet file's metadata, once its number of columns is checked.

    Raises:
        InputError: not a readable Parquet file. LimitError: too many columns.
    """
    import pyarrow.parquet as pq  # noqa: PLC0415 - heavy import only when needed

    try:
        meta = pq.ParquetFile(path).metadata
    except Exception as exc:
        raise InputError(f"{path.name}: not a readable Parquet file ({type(exc).__name__}: {exc}); "
                         "write it again, or check that it is the Parquet export and not another "
                         "format with a .parquet name") from None
    if meta.num_columns > limits.max_columns:
        raise LimitError(f"{path.name}: has {meta.num_columns:,} columns; rpa_scout reads at most "
                         f"{limits.max_columns:,}; export only the columns you need")
    return meta


def _within(path: Path, limits: Limits, rows: int, columns: int, inflated: float) -> None:
    if rows * columns > limits.max_cells or inflated > limits.max_bytes:
        raise too_big(path.name, limits)


def read_excel_table(path: Path, *, sheet: str | int | None = None,
                     limits: Limits | None = None) -> RawTable:
    """Read the named sheet of an Excel workbook, or the first that holds a table.

    Without ``sheet``, the first sheet whose header names at least three columns (a
    case, an activity and a time need three) is read, so a cover or instructions sheet
    before the log is passed over (and noted). The workbook (a ZIP file) is checked
    first: its members' sizes, compression ratios and worksheet sizes, then the sheet's
    number of columns. openpyxl parses the XML inside with defusedxml when it is
    installed (no DTDs, no entities).

    Raises:
        InputError: not a readable workbook or no such sheet (the sheets named).
        LimitError: beyond ``limits``.
    """
    from rpa_scout.io.formats import CALAMINE_SUFFIXES

    limits = limits or Limits()
    engine = "calamine" if path.name.lower().endswith(CALAMINE_SUFFIXES) else "openpyxl"
    _check_workbook(path, limits)
    try:
        with pd.ExcelFile(path, engine=engine) as book:
            names = [str(n) for n in book.sheet_names]
            if sheet is not None and sheet not in book.sheet_names and sheet not in range(len(names)):
                raise InputError(f"{path.name}: no sheet {sheet!r}; the sheets are "
                                 f"{', '.join(repr(n) for n in names)}; name one with --sheet")
            tops = ((n, _top(book, n)) for n in ([sheet] if sheet is not None else book.sheet_names))
            first = None
            for which, (skip, above) in tops:
                first = first or (which, skip, above)
                if sheet is not None or _named_columns(above, skip) >= 3:
                    break
            else:  # no sheet holds a table: read the first, whose columns the error names
                which, skip, above = first
            header = book.parse(which, nrows=0, header=skip)
            if header.shape[1] > limits.max_columns:
                raise LimitError(f"{path.name}: the sheet has {header.shape[1]:,} columns; rpa_scout reads "
                                 f"at most {limits.max_columns:,}; keep only the columns you need")
            frame = _as_cells(book.parse(which, header=skip, dtype=object))
    except ImportError:
        needs = "python-calamine" if engine == "calamine" else "openpyxl"
        raise InputError(f"reading {path.suffix} needs {needs}: pip install {needs}") from None
    except (LimitError, InputError):
        raise
    except Exception as exc:
        raise InputError(f"{path.name}: not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    frame, dropped = _without_unnamed(frame)
    if sheet is not None or str(which) == names[0]:  # named, or the first sheet holds the log
        note = Message("load.note.sheet", sheet=repr(names[which] if isinstance(which, int) else str(which)))
    else:
        passed = names[:names.index(str(which))]
        note = Message("load.note.sheet_found", sheet=repr(str(which)), passed=", ".join(map(repr, passed)))
    notes = (note, _title_note(skip, above[:skip])) if skip else (note,)
    frame, converted = _decimal_text_cells(frame)
    if converted:
        dropped.append(Message("load.note.decimal_comma", columns=", ".join(converted)))
    return RawTable(frame, notes=(*notes, *dropped))


def _decimal_text_cells(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """:func:`_decimal_columns` of a sheet's text columns: amounts a Finnish system wrote
    into text cells (``479,04``) are numbers, as they are in its CSV export."""
    text = [c for c in frame.columns if frame[c].dtype == object
            and pd.api.types.infer_dtype(frame[c], skipna=True) == "string"]
    if not text:
        return frame, []
    part, converted = _decimal_columns(frame[text].astype("string"), ";")
    if converted:
        frame = frame.assign(**{c: part[c] for c in converted})
    return frame, converted


def _as_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """A sheet read with ``dtype=object`` (each cell's own value), typed as its cells are.

    A column that holds a text cell keeps every text as written ("001" stays "001", as
    CSV and Parquet keep it) and its number cells become their text too (7 → "7"), so a
    number never merges with a text of the same value; the reading of text attributes
    then turns a column of plain numbers into numbers, as for CSV. Other columns (numbers,
    dates, booleans) get the dtype pandas infers for them without ``dtype=object``.

    Example:
        >>> import datetime as dt
        >>> cells = pd.DataFrame({"id": ["001", 7, None], "amount": [1, 2.5, None],
        ...                       "time": [dt.datetime(2025, 2, 5, 8, 22)] * 3}, dtype=object)
        >>> typed = _as_cells(cells)
        >>> typed["id"].tolist(), typed.dtypes.astype(str).tolist()
        (['001', '7', nan], ['object', 'float64', 'datetime64[us]'])
    """
    typed = {}
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if any(isinstance(v, str) for v in values.to_numpy()):
            typed[position] = values.map(_number_as_text).astype(object)
        else:
            typed[position] = _inferred(values)
    out = pd.DataFrame(typed, index=frame.index)
    out.columns = frame.columns
    return out


def _number_as_text(value: object) -> object:
    """A number cell as its text (a whole number without ".0"); other cells unchanged."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return value
    if value != value:  # an empty cell (NaN)
        return value
    return str(int(value)) if float(value).is_integer() else str(value)


def _inferred(values: pd.Series) -> pd.Series:
    """A column without text cells as pandas types it (numbers with empty cells as
    floats, booleans with empty cells too; dates as datetimes)."""
    out = values.infer_objects()
    if out.dtype == object:
        filled = out.dropna()
        if len(filled) and all(isinstance(v, (bool, int, float, np.bool_, np.number)) for v in filled):
            out = pd.to_numeric(out)
    return out


def _top(book: "pd.ExcelFile", sheet: str | int) -> tuple[int, list[list[object]]]:
    """The rows above the header of a sheet (:func:`title_rows`) and its first rows."""
    top = book.parse(sheet, header=None, nrows=TITLE_ROWS + 1)
    above = top.astype(object).where(top.notna(), None).values.tolist()
    return title_rows(above), above


def _named_columns(rows: list[list[object]], header: int) -> int:
    return sum(1 for v in rows[header] if _filled(v)) if header < len(rows) else 0


def _check_workbook(path: Path, limits: Limits) -> None:
    if path.name.lower().endswith(".xls"):  # Excel 97-2003: one binary file, no ZIP, no XML
        if path.stat().st_size > limits.max_bytes:
            raise too_big(path.name, limits)
        return
    try:
        with zipfile.ZipFile(path) as book:
            members = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{path.name}: not a readable Excel workbook ({exc})") from None
    if sum(m.file_size for m in members) > limits.max_bytes:
        raise too_big(path.name, limits)
    for member in members:
        check_ratio(path.name, member.file_size, member.compress_size, limits)
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml") \
                and member.file_size > limits.max_sheet_bytes:  # openpyxl's XML, not calamine's
            raise LimitError(
                f"{path.name}: the worksheet {member.filename.rsplit('/', 1)[-1]} holds more than "
                f"{limits.max_sheet_bytes >> 20:,} MiB of XML, which takes Excel's reader many minutes; "
                "save the log as CSV and read that")
