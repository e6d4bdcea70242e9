"""Read a large CSV export a block at a time, at the memory of its table.

:func:`rpa_scout.io.tables.read_csv_table` holds a file's bytes, its decoded text and
the parser's copy of it at once: some seven times the file (a 1 GB export of 8.3 million
events took 7.1 GB). :func:`read_csv_blocks` reads the same file in two passes over its
bytes instead, holding only the table and a block:

1. a survey: the encoding (the whole file must be valid UTF-8 to be UTF-8, as
   :func:`rpa_scout.io.encodings.decode_text` decides), the bytes cp1252 cannot map, the
   quote, NUL and carriage-return counts that decide which parser may read it, and the
   file's first bytes, from which the delimiter, the title rows above the header and
   the column count are told exactly as from the whole text;
2. the parse: the text, decoded and passed on as UTF-8 a block at a time, read by
   pyarrow's parser where it provably agrees with pandas' C parser, else by the C
   parser itself in chunks of rows (the same tokenizer as the whole read).

The result is the :class:`~rpa_scout.io.tables.RawTable` the whole read gives, note for
note. Whatever the block reader does not read exactly as the whole read would (another
byte-order mark, UTF-16 without one, lines in both UTF-8 and cp1252, a record the C
parser refuses, a line break inside a field, a first record wider than the header)
raises :class:`NotStreamable`, and the whole read reads the file as before.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import numpy as np
import pandas as pd

from rpa_scout.io.stream import Limits, chunks, is_gzip
from rpa_scout.lang import Message

if TYPE_CHECKING:
    from rpa_scout.io.tables import RawTable

#: Files from this size (on disk; a gzip file counted at 8 times its size) are read a
#: block at a time. Below it the whole read is as fast and needs little memory anyway.
STREAM_FROM = 32 << 20
_HEAD = (4 << 20) + 8  # bytes that decode to more than the 1 MiB sample the checks read
_ROWS = 500_000  # rows a chunk of the C parser
_BLOCK = 16 << 20  # bytes a block of pyarrow's parser
_CP1252_UNMAPPED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


class NotStreamable(Exception):
    """The block reader cannot read this file exactly as the whole read; the whole read must."""


def worth_streaming(path: Path) -> bool:
    """Whether ``path`` is big enough to be read a block at a time (:data:`STREAM_FROM`).

    Example:
        >>> worth_streaming(Path("eventlogs/ostolaskut.csv.gz"))
        False
    """
    try:
        size = path.stat().st_size
    except OSError:
        return False  # the whole read says why
    return size * (8 if is_gzip(path) else 1) >= STREAM_FROM


@dataclass
class _Survey:
    """What the first pass over a file's bytes found."""

    codec: str = "utf-8"  # what the bytes are decoded with
    label: str = "utf-8"  # the encoding's name in the load report
    repairs: dict = field(default_factory=dict)
    skip: int = 0  # bytes of a byte-order mark
    head: bytes = b""  # the first bytes, from which the header and delimiter are told
    counts: np.ndarray = field(default_factory=lambda: np.zeros(256, np.int64))  # of each byte
    crlf: int = 0  # "\r\n" pairs
    last: int = -1  # the last byte


def read_csv_blocks(path: Path, *, delimiter: str | None = None, encoding: str | None = None,
                    limits: Limits | None = None) -> RawTable:
    """The :class:`~rpa_scout.io.tables.RawTable` of a delimited text file, read a block
    at a time (see the module docstring); what the whole read would read otherwise raises
    :class:`NotStreamable`.

    Raises:
        NotStreamable: the whole read must read this file.
        InputError: the delimiter cannot be told; the file cannot be read.
        LimitError: beyond ``limits`` (size, compression ratio, columns).

    Example:
        >>> table = read_csv_blocks(Path("eventlogs/ostolaskut.csv.gz"))
        >>> table.frame.shape, [str(note) for note in table.notes]
        ((49766, 11), ['encoding utf-8', "delimiter ','"])
    """
    from rpa_scout.io.tables import (RawTable, _check_columns, _title_lines, _title_note, finish_columns,
                                     sniff_delimiter)

    limits = limits or Limits()
    survey = _survey(path, encoding, limits)
    text = _head_text(survey)
    if not text.strip():
        raise NotStreamable("the file is blank at its start")
    delimiter = delimiter or sniff_delimiter(text, path.name)
    notes = [Message("load.note.encoding", encoding=survey.label),
             Message("load.note.delimiter", delimiter=repr(delimiter))]
    rows, prefix, above = _title_lines(text, delimiter)
    if rows:
        text = text[len(prefix):]
        notes.append(_title_note(rows, above))
    skip = survey.skip + len(prefix.encode(survey.codec, errors="replace"))
    _check_columns(text, delimiter, path.name, limits)
    frame, short = _parse(path, limits, survey, skip, text, prefix, delimiter)
    frame = finish_columns(frame, delimiter, notes)
    return RawTable(frame, {}, tuple(notes), None, survey.repairs, short)


def _survey(path: Path, encoding: str | None, limits: Limits) -> _Survey:
    """The first pass: byte counts, the head, the encoding (see the module docstring)."""
    survey, head = _Survey(), bytearray()
    decoder = _strict_decoder(encoding or "utf-8")
    valid, utf8_seen, last = True, False, -1
    for piece in chunks(path, limits):
        if not head and piece.startswith(_OTHER_BOMS):
            raise NotStreamable("a byte-order mark of UTF-16 or UTF-32")
        if len(head) < _HEAD:
            head += piece[:_HEAD - len(head)]
        data = np.frombuffer(piece, np.uint8)
        counts = np.bincount(data, minlength=256)
        survey.counts += counts
        survey.crlf += (piece.count(b"\r\n") if counts[0x0D] else 0) + (last == 0x0D and piece[:1] == b"\n")
        non_ascii = bool(counts[0x80:].any())
        if valid:
            try:
                utf8_seen |= not decoder.decode(piece).isascii()  # a character decoded
            except UnicodeDecodeError:
                valid = False
        if not valid and not encoding and non_ascii and not utf8_seen:
            utf8_seen = _utf8_pairs(data, last) > 0
        if not valid and not encoding and utf8_seen:
            raise NotStreamable("not UTF-8 as a whole, with UTF-8 characters: lines of both")
        last = int(data[-1]) if len(data) else last
    if valid:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            valid = False
    survey.head, survey.last = bytes(head), last
    return _encoding(survey, encoding, valid)


def _strict_decoder(codec: str) -> codecs.IncrementalDecoder:
    """An incremental decoder of ``codec`` that raises on bytes it cannot map; only for a
    codec that writes the delimiters, quotes and line ends as ASCII does."""
    try:
        ascii_like = "\n\r\";,\t|".encode(codec) == b"\n\r\";,\t|"
        decoder = codecs.getincrementaldecoder(codec)()
    except (LookupError, UnicodeError, TypeError):
        raise NotStreamable(f"an encoding the block reader does not read: {codec}") from None
    if not ascii_like:
        raise NotStreamable(f"an encoding the block reader does not read: {codec}")
    return decoder


def _utf8_pairs(data: np.ndarray, last: int) -> int:
    """Bytes that can lead a multi-byte UTF-8 character followed by a continuation byte
    (:func:`rpa_scout.io.encodings.utf8_share`'s pairs), the previous block's ``last``
    byte leading this block's first."""
    lead = (data >= 0xC2) & (data <= 0xF4)
    follow = (data & 0xC0) == 0x80
    inside = int(np.count_nonzero(lead[:-1] & follow[1:]))
    return inside + int(0xC2 <= last <= 0xF4 and len(data) > 0 and bool(follow[0]))


def _encoding(survey: _Survey, encoding: str | None, valid: bool) -> _Survey:
    """The codec and the load report's name of it, as the whole read's decode decides."""
    from rpa_scout.io.encodings import _SAMPLE, _undecodable

    if encoding:
        if not valid:
            raise NotStreamable("the file does not decode with the encoding named")
        if _head_text(_Survey(codec=encoding, head=survey.head)).startswith("\ufeff"):
            raise NotStreamable("a byte-order mark in the encoding named")
        survey.codec = survey.label = encoding
        return survey
    if survey.head.startswith(_UTF8_BOM):
        if not valid:
            raise NotStreamable("a UTF-8 byte-order mark, then bytes that are not UTF-8")
        survey.skip, survey.label = len(_UTF8_BOM), "utf-8 with BOM"
        return survey
    if b"\x00" in survey.head[:_SAMPLE]:
        raise NotStreamable("NUL bytes near the start: perhaps UTF-16 without a byte-order mark")
    if valid:
        return survey
    survey.codec = survey.label = "cp1252"
    survey.repairs = _undecodable(int(survey.counts[list(_CP1252_UNMAPPED)].sum()), "cp1252")
    return survey


def _head_text(survey: _Survey) -> str:
    """The text of the file's first bytes (a character cut off at their end left out)."""
    decoder = codecs.getincrementaldecoder(survey.codec)(errors="replace")
    return decoder.decode(survey.head[survey.skip:])


def _parse(path: Path, limits: Limits, survey: _Survey, skip: int, text: str, prefix: str,
           delimiter: str) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The second pass: the frame and the short records, as the whole read finds them."""
    from rpa_scout.io.tables import _short_records, arrow_header

    quoted = bool(survey.counts[ord('"')])
    header = arrow_header(text, delimiter, quoted=quoted) if _arrow_may_read(survey, prefix) else None
    if header is not None:
        frame = _read_arrow_blocks(path, limits, survey, skip, header, delimiter, quoted)
        if frame is not None:
            return frame, None
    frame = _read_c_chunks(path, limits, survey, skip, delimiter)
    return frame, _short_records(frame, _text_stream(path, limits, survey, skip), delimiter)


def _arrow_may_read(survey: _Survey, prefix: str) -> bool:
    """Whether the text below the title rows holds no NUL or Ctrl-Z and ends its lines
    with ``\\n`` or ``\\r\\n`` only (:func:`rpa_scout.io.tables._read_arrow`). Quotes
    pyarrow reads as pandas' C parser does (``tests/test_csv_stream.py`` tries them)."""
    counts = survey.counts.copy()
    above = np.bincount(np.frombuffer(prefix.encode("latin-1", errors="replace"), np.uint8),
                        minlength=256) if prefix.isascii() else None
    if above is None:
        return False  # a title with other characters: leave it to the C parser
    counts -= above
    return (counts[0] == 0 and counts[0x1A] == 0
            and counts[0x0D] == survey.crlf - prefix.count("\r\n"))


def _read_arrow_blocks(path: Path, limits: Limits, survey: _Survey, skip: int, header: list[str],
                       delimiter: str, quoted: bool) -> pd.DataFrame | None:
    """The table pyarrow reads block by block; ``None`` where it refuses a line or
    (``quoted``) reads a line break into a field, where the whole read has more to check."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from rpa_scout.io.parquet import _to_pandas
    from rpa_scout.io.tables import arrow_options

    options = arrow_options(header, delimiter, _BLOCK, quoted=quoted)
    try:
        source, options["read_options"].encoding = _arrow_source(path, limits, survey, skip)
    except OSError:
        return None  # gone since the survey: the C parser's read says so
    try:
        table = _repeats_as_dictionaries(pacsv.open_csv(source, **options))
    except (pa.ArrowException, UnicodeError, ValueError, OSError):
        return None
    finally:
        source.close()
    if table.num_rows == 0 or table.column_names != header:
        return None
    frame = _to_pandas(table)
    if not quoted or table.num_rows == _lines(survey, skip) - 1:
        return frame  # a record a line: no line break inside a field
    return None if _line_break_inside(frame) else frame


def _repeats_as_dictionaries(reader):
    """The table ``reader`` reads, the columns that repeat their values in its first
    block (:func:`rpa_scout.io.parquet.repeating`, the Parquet reader's rule) held as
    dictionaries block by block: a case id, a step or an attribute of the case takes a
    small integer a row instead of its text. They read as categories, which every
    command reads as the same text (the Parquet reader's categories, a property test
    there; ``tests/test_csv_stream.py`` reads logs both ways)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from rpa_scout.io.parquet import repeating

    batches, repeats = [], None
    for batch in reader:
        repeats = set(repeating(batch)) if repeats is None else repeats
        batches.append(pa.RecordBatch.from_arrays(
            [pc.dictionary_encode(column) if name in repeats else column
             for name, column in zip(batch.schema.names, batch.columns, strict=True)],
            names=batch.schema.names))
    return pa.Table.from_batches(batches, schema=reader.schema if not batches else None).unify_dictionaries()


def _arrow_source(path: Path, limits: Limits, survey: _Survey, skip: int):
    """What pyarrow reads and its encoding: a plain file itself, from ``skip`` (the survey
    has checked its size), where pyarrow decodes it as the whole read does (UTF-8; a codec
    with no byte it cannot map); else the pieces as UTF-8."""
    import pyarrow as pa

    if not is_gzip(path) and (survey.codec == "utf-8" or not survey.repairs):
        source = pa.input_stream(str(path), compression=None)
        source.read(skip)
        return source, "utf8" if survey.codec == "utf-8" else survey.codec
    return _Utf8Stream(_utf8_pieces(path, limits, survey, skip)), "utf8"


def _lines(survey: _Survey, skip: int) -> int:
    """The lines below the title rows (``skip``: the bytes above them, all ASCII or UTF-8)."""
    above = survey.head[:skip].count(b"\n")
    return int(survey.counts[0x0A]) - above + (survey.last not in (0x0A, -1))


def _read_c_chunks(path: Path, limits: Limits, survey: _Survey, skip: int,
                   delimiter: str) -> pd.DataFrame:
    """The table pandas' C parser reads, a chunk of rows at a time."""
    frames: list[pd.DataFrame] = []
    try:
        with pd.read_csv(_Utf8Stream(_utf8_pieces(path, limits, survey, skip)), sep=delimiter,
                         dtype=str, keep_default_na=False, na_values=[], engine="c",
                         skipinitialspace=False, encoding="utf-8", chunksize=_ROWS) as reader:
            for chunk in reader:
                if not isinstance(chunk.index, pd.RangeIndex):
                    raise NotStreamable("the first record is wider than the header")
                if _line_break_inside(chunk):
                    raise NotStreamable("a line break inside a field")
                frames.append(chunk)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        raise NotStreamable("a record the C parser refuses") from None
    if not frames:
        raise NotStreamable("no records below the header")
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _line_break_inside(frame: pd.DataFrame) -> bool:
    """Whether a value holds a line break (which the whole read checks for swallowed records)."""
    return any(frame[c].str.contains("\n", regex=False).any() for c in frame.columns)


def _text_stream(path: Path, limits: Limits, survey: _Survey, skip: int) -> io.TextIOBase:
    """The text below the title rows, as :func:`io.StringIO` with ``newline=""`` reads it."""
    return io.TextIOWrapper(io.BufferedReader(_Utf8Stream(_utf8_pieces(path, limits, survey, skip))),
                            encoding="utf-8", newline="")


def _utf8_pieces(path: Path, limits: Limits, survey: _Survey, skip: int) -> Iterator[bytes]:
    """The file's bytes from ``skip`` on, as UTF-8: passed on when they are, else decoded
    (U+FFFD for a byte the codec cannot map, as the whole read decodes) and encoded."""
    decoder = (None if survey.codec == "utf-8"
               else codecs.getincrementaldecoder(survey.codec)(errors="replace"))
    for piece in chunks(path, limits):
        if skip:
            piece, skip = piece[skip:], max(0, skip - len(piece))
        if piece:
            yield piece if decoder is None else decoder.decode(piece).encode("utf-8")
    if decoder is not None:
        yield decoder.decode(b"", final=True).encode("utf-8")


class _Utf8Stream(io.RawIOBase):
    """A readable binary stream of ``pieces``."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        super().__init__()
        self._pieces, self._piece, self._at = pieces, memoryview(b""), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while self._at >= len(self._piece):
            try:
                self._piece, self._at = memoryview(next(self._pieces)), 0
            except StopIteration:
                return 0
        n = min(len(buffer), len(self._piece) - self._at)
        buffer[:n] = self._piece[self._at:self._at + n]
        self._at += n
        return n


__all__ = ["NotStreamable", "STREAM_FROM", "read_csv_blocks", "worth_streaming"]
