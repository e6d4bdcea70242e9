"""Split a delimited text that pandas' parser refused into records, one at a time.

Each record is kept when it has the header's number of fields, or fewer (the fields it
lacks read as empty, and it is flagged so that the load report can tell why a case id,
step or time is missing), and set aside by its record number when it has more, so that
the load report rejects it. Two mistakes of
hand-edited or appended exports are repaired and counted instead:

- empty fields beyond the header's at the end of a record (a delimiter or two at the
  end of some lines) are dropped;
- a quote that opens a field but is not closed on its line, so that the field would run
  over the following lines (to the end of the file, or to the next stray quote), is read
  as a character: its line is a record of its own and the lines after it are read again
  as records. A report's note names the records.

Example:
    >>> text = 'a;b;c\\n1;"x;2\\n3;y;4;\\n5;z;6\\n'
    >>> table = read_tolerant(text, ";", "loki.csv")
    >>> table.frame.values.tolist(), table.bad, [str(r) for r in table.repairs]
    ([['1', '"x', '2'], ['3', 'y', '4'], ['5', 'z', '6']], {}, ['stray quote read as a character', 'empty fields after the last column dropped'])
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from rpa_scout.errors import InputError
from rpa_scout.lang import Message

_ROWS_SHOWN = 5


@dataclass
class Records:
    """What :func:`read_tolerant` read: the kept records, the others, what it repaired."""

    frame: pd.DataFrame
    bad: dict[int, str]
    positions: pd.Series
    repairs: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: Which rows of ``frame`` had fewer fields than the header; ``None`` if none had.
    short: np.ndarray | None = None


def read_tolerant(text: str, delimiter: str, name: str) -> Records:
    """The records of ``text`` (its first line the header), each numbered from 1.

    Raises:
        InputError: no header row, or the csv module cannot split the text.

    Example:
        >>> records = read_tolerant("a,b\\n1,2\\n3\\n4,5,6\\n", ",", "x.csv")
        >>> records.bad, records.frame.values.tolist(), records.short.tolist()
        ({3: '4,5,6'}, [['1', '2'], ['3', '']], [False, True])
    """
    stream = io.StringIO(text)
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(f"{name}: the file has no header row") from None
    width = len(header)
    named = max((i + 1 for i, name in enumerate(header) if name.strip()), default=width)
    header = _distinct_names(header)
    good: list[list[str]] = []
    positions: list[int] = []
    bad: dict[int, str] = {}
    short: list[bool] = []
    trimmed, stray = 0, []
    number, lines = 0, reader.line_num
    try:
        while True:
            start = stream.tell()
            record = next(reader, None)
            if record is None:
                break
            number += 1
            spanned, lines = reader.line_num - lines, reader.line_num
            if spanned > 1 and _stray_quote(text, start, stream.tell(), record, width, delimiter):
                first = _first_line(text, start)
                record = _literal(first, delimiter)
                stream.seek(start + len(first))  # the lines after it are read again
                stray.append(number)
            if not record:
                continue
            if len(record) > width and not any(v.strip() for v in record[width:]):
                record, trimmed = record[:width], trimmed + 1
            if len(record) <= width:
                short.append(len(record) < named)  # a trailing delimiter names no column
                good.append(record + [""] * (width - len(record)))
                positions.append(number)
            else:
                bad[number] = delimiter.join(record)
    except csv.Error as exc:
        raise InputError(f"{name}: malformed CSV near record {reader.line_num} ({exc})") from None
    records = Records(pd.DataFrame(good, columns=header, dtype=str), bad, pd.Series(positions),
                      short=np.array(short) if any(short) else None)
    _account(records, trimmed, stray)
    return records


def _distinct_names(header: list[str]) -> list[str]:
    """``header`` with names that occur twice told apart as pandas' C parser tells them
    (``Summa``, ``Summa.1``; a blank name ``Unnamed: 3``), else as it is.

    Example:
        >>> _distinct_names(["A", "A", "", "", "A.1"])
        ['A', 'A.2', 'Unnamed: 2', 'Unnamed: 3', 'A.1']
    """
    if len(set(header)) == len(header):
        return header
    line = io.StringIO()
    csv.writer(line, quoting=csv.QUOTE_ALL).writerow(header)
    line.seek(0)
    return [str(c) for c in pd.read_csv(line, dtype=str, nrows=0, engine="c").columns]


def _stray_quote(text: str, start: int, end: int, record: list[str], width: int, delimiter: str) -> bool:
    """Whether a record read over several lines comes from a quote that is not closed:
    it ran to the end of the text with an odd number of quotes; or its first line, the
    quote read as a character, has the header's number of fields while the record has
    not, or holds in a field lines that are records themselves (:func:`holds_records`)."""
    if end >= len(text) and text.count('"', start, end) % 2:
        return True
    fields = _literal(_first_line(text, start), delimiter)
    if not (len(fields) == width or (len(fields) > width and not any(v.strip() for v in fields[width:]))):
        return False
    return len(record) != width or any(holds_records(value, delimiter, width) for value in record)


def holds_records(value: str, delimiter: str, width: int) -> bool:
    """Whether a field's text holds, after a line break, a line with as many delimiters as
    a record of ``width`` fields: the field ran on over records, from a stray quote.

    Example:
        >>> holds_records("Tarkastus;1.2.2024;Liisa\\n004;Maksu;2.2.2024;Anna", ";", 4)
        True
        >>> holds_records("first line\\nsecond line; with a semicolon", ";", 4)
        False
    """
    need = max(2, width - 1)
    return "\n" in value and any(line.count(delimiter) >= need for line in value.split("\n")[1:])


def _first_line(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end + 1]


def _literal(line: str, delimiter: str) -> list[str]:
    """``line`` split with quotes read as characters."""
    return next(csv.reader([line], delimiter=delimiter, quoting=csv.QUOTE_NONE), [])


def _account(records: Records, trimmed: int, stray: list[int]) -> None:
    """The repairs and the note of :func:`read_tolerant`."""
    if stray:
        kept = sum(1 for row in stray if row not in records.bad)
        if kept:
            records.repairs[Message("load.repair.stray_quote")] = kept
        shown = ", ".join(map(str, stray[:_ROWS_SHOWN])) + (", …" if len(stray) > _ROWS_SHOWN else "")
        key = "load.note.stray_quote_one" if len(stray) == 1 else "load.note.stray_quote"
        records.notes.append(Message(key, count=len(stray), rows=shown))
    if trimmed:
        records.repairs[Message("load.repair.empty_extra_fields")] = trimmed


__all__ = ["Records", "holds_records", "read_tolerant"]
