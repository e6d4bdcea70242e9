"""XES to Parquet in one streaming pass, at flat memory, and the Parquet cache beside a log.

XES is verbose XML: the road-fines log is 185 MB of text for 561,470 events. Parsing it
whole (r4pm's Rust parser, pm4py) holds it all in memory at once and takes seconds on
every run. :func:`convert_xes` instead reads the file in pieces of about 32 MB and
turns each into typed columns with array operations over its bytes (numpy finds the
tags and quotes, Arrow gathers and parses the values; no Python work per attribute),
in two threads while the next piece is read. Each piece goes to a temporary Arrow file;
at the end they become one Parquet file. Memory stays flat at any size, also when one
trace is longer than a piece (a log exported as a single trace): such a trace is cut
after an event, and each later piece repeats its opening and its attributes.
:func:`cache_path` names the copy kept beside the log by its content hash.

The fast path reads the XES that exporters write: ``<trace>`` and ``<event>`` elements,
attributes ``<string|date|int|float|boolean|id key="..." value="..."/>``. A file it
cannot read exactly (nested attributes, attributes written value-first, other elements
among the traces, prefixed element names) is recognised by its tags and left to the
full parser (:class:`NotStreamable`); the result is then the same, only slower. Types
follow r4pm's: a date is UTC, an int column with gaps is float, a boolean column with
gaps holds ``None``, trace attributes become ``case:`` columns.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import tempfile
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc  # noqa: F401 - pa.ipc
import pyarrow.parquet as pq

from rpa_scout.errors import InputError
from rpa_scout.io.files import atomic_path
from rpa_scout.io.parquet import read_parquet_frame
from rpa_scout.io.stream import Limits

_ATTR = re.compile(rb'<(string|date|int|float|boolean|id)\s+key="([^"]*)"\s+value="([^"]*)"\s*/>')
_GLOBAL = re.compile(rb'<global\s+scope="(trace|event)"\s*>(.*?)</global>', re.S)
KINDS = ("string", "date", "int", "float", "boolean", "id")
_TRACE, _END_TRACE, _EVENT, _END_EVENT, _ATTR_CODE = 1, 2, 3, 4, 5  # tag codes; 0: any other
_SPACE = np.isin(np.arange(256), list(b" \t\n\r\f\v"))  # what \s matches in bytes
#: what Arrow parses exactly as pandas does; other values take pandas' way
_EXACT = {"date": r"^[1-9]\d{3}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)$",
          "int": r"^(0|-?[1-9]\d{0,14})$", "float": r"^-?\d+(\.\d+)?([eE][+-]?\d{1,2})?$"}
PIECE_BYTES = 32 << 20
#: threads that parse pieces while the next is read (numpy and Arrow release the GIL)
WORKERS = 2
#: bump when the converter's output changes, so old caches are not read
FORMAT_VERSION = 2
#: The XES timestamp's key: kept as text when some of its values are no date.
TIMESTAMP_KEY = "time:timestamp"


class NotStreamable(Exception):
    """The fast path cannot read this file exactly; the full parser must."""


@dataclass
class ConvertResult:
    """What a conversion wrote: events, columns, the Parquet file and the repairs the
    checking pass counted (kept in the file's metadata, for the load report)."""

    path: Path
    events: int = 0
    columns: list[str] = field(default_factory=list)
    repairs: dict[str, int] = field(default_factory=dict)


def content_key(path: Path) -> str:
    """The first 16 hex digits of the SHA-256 of the file's bytes and the format version."""
    digest = hashlib.sha256(f"rpa_scout-xes-v{FORMAT_VERSION}".encode())
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def cache_path(path: Path, key: str) -> Path:
    """``.NAME.KEY.parquet`` beside the log, or in the user's cache folder
    (``$XDG_CACHE_HOME/rpa_scout`` or ``~/.cache/rpa_scout``) when that folder is not
    writable, or is marked read-only (no write permission for anyone: root could still
    write there, but a shared data folder so marked is not meant to be written)."""
    beside = path.with_name(f".{path.name}.{key}.parquet")
    if os.access(path.parent, os.W_OK) and os.stat(path.parent).st_mode & 0o222:
        return beside
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rpa_scout"
    return home / f"{path.name}.{key}.parquet"


Found = list  # of (kind, key, value) byte-string triples, as the regex finds them


def _words(text: bytes, at: np.ndarray) -> np.ndarray:
    """The 8 bytes of ``text`` from each position ``at`` as one little-endian number."""
    words = np.ndarray((len(text) - 7,), "<u8", text, strides=(1,))  # a view: a word a byte
    return words[np.minimum(at, len(words) - 1)]


def _is(words: np.ndarray, tag: bytes) -> np.ndarray:
    """Whether ``tag`` (at most 8 bytes) starts each of ``words``."""
    return (words & np.uint64((1 << 8 * len(tag)) - 1)) == np.uint64(int.from_bytes(tag, "little"))


_TAGS = {_TRACE: b"<trace>", _END_TRACE: b"</trace>", _EVENT: b"<event>", _END_EVENT: b"</event>",
         **{_ATTR_CODE + number: b"<" + kind.encode() for number, kind in enumerate(KINDS)}}
_CODE = np.zeros(1 << 16, np.int8)  # a tag's code by its two bytes after '<'
_WORD, _MASK, _NAME_END = np.zeros(16, np.uint64), np.zeros(16, np.uint64), np.zeros(16, np.intp)
for _number, _tag in _TAGS.items():
    _CODE[int.from_bytes(_tag[1:3], "little")] = _number
    _WORD[_number], _MASK[_number] = int.from_bytes(_tag, "little"), (1 << 8 * len(_tag)) - 1
    _NAME_END[_number] = len(_tag)


def _tags(text: bytes, lt: np.ndarray) -> np.ndarray:
    """What each ``<`` at ``lt`` opens: a tag code (attributes: ``_ATTR_CODE`` + kind;
    0: anything else)."""
    words = _words(text, lt)
    code = _CODE[((words >> np.uint64(8)) & np.uint64(0xFFFF)).astype(np.intp)]
    code[(words & _MASK[code]) != _WORD[code]] = 0
    attrs = np.flatnonzero(code >= _ATTR_CODE)  # the kind's name ends in white space
    after = np.frombuffer(text, np.uint8)[np.minimum(lt[attrs] + _NAME_END[code[attrs]], len(text) - 1)]
    code[attrs[~_SPACE[after]]] = 0
    return code


def _spans(text: bytes, starts: np.ndarray, kinds: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Where each attribute's key and value stand: rows (key from, key to, value from,
    value to). ``<kind key="K" value="V"/>`` is read from the quotes; a tag with other
    white space by the regular expression."""
    quotes = np.flatnonzero(np.frombuffer(text, np.uint8) == 34)  # '"'
    key = starts + _NAME_END[_ATTR_CODE + kinds]  # after '<kind'
    if len(quotes) == 4 * len(starts) and (quotes[::4] == key + 5).all():  # four each, no others
        spans = quotes.reshape(-1, 4) + np.array([1, 0, 1, 0])
    else:
        quotes = np.r_[quotes, [len(text)] * 4]
        at = np.searchsorted(quotes, key + 5)
        spans = np.stack([key + 6, quotes[at + 1], quotes[at + 2] + 1, quotes[at + 3]], axis=1)
    ok = _is(_words(text, key), b' key="') & (spans[:, 2] == spans[:, 1] + 9) & (spans[:, 3] < ends)
    ok &= _is(_words(text, spans[:, 1]), b'" value=') & _is(_words(text, spans[:, 3]), b'"/>')
    for i in np.flatnonzero(~ok):
        match = _ATTR.match(text, int(starts[i]))
        if match is None or match.end() > ends[i]:
            raise NotStreamable("attributes written in an unusual form")
        spans[i] = (*match.span(2), *match.span(3))
    return spans


def _piece(text: bytes, defaults: dict[str, Found], cut: tuple[int, bool] = (0, False)
           ) -> tuple["pa.Table", int, set[str]]:
    """The events of ``text`` (whole traces) as a typed table, their count and the
    columns that occur in them (defaults fill, but never add, a column); checks that
    every tag is a trace, an event or a flat attribute.

    ``cut``: the length of the opening that ``text`` repeats of a trace cut at the end of
    the previous piece (0: none), and whether the last trace is cut here. A cut trace
    gives each piece the attributes written before its first event; one written after an
    event would be missed by the pieces before it, so the file goes to the full parser."""
    lt = np.flatnonzero(np.frombuffer(text, np.uint8) == 60)  # '<'
    code = _tags(text, lt)
    if not code.all():
        raise NotStreamable("nested attributes or other elements among the events")
    trace, event = np.cumsum(code == _TRACE), np.cumsum(code == _EVENT)
    in_trace = trace - np.cumsum(code == _END_TRACE)
    in_event = event - np.cumsum(code == _END_EVENT)
    opens = code == _EVENT
    if in_trace.min() < 0 or in_trace.max() > 1 or in_event.min() < 0 or in_event.max() > 1 \
            or (in_trace[opens] != 1).any() or in_event[code <= _END_TRACE].any():
        raise NotStreamable("events or traces not nested as XES nests them")
    attrs = np.flatnonzero(code >= _ATTR_CODE)
    if (in_trace[attrs] == 0).any():
        raise NotStreamable("an attribute outside a trace")
    if cut[0] or cut[1]:
        of_trace = attrs[in_event[attrs] == 0]  # each trace's own attributes
        late = event[of_trace] > event[code == _TRACE][trace[of_trace] - 1]  # after an event
        if (cut[0] and ((trace[of_trace] == 1) & (lt[of_trace] >= cut[0])).any()) \
                or (cut[1] and (late & (trace[of_trace] == trace[-1])).any()):
            raise NotStreamable("a trace longer than a piece with attributes after its events")
    spans = _spans(text, lt[attrs], code[attrs] - _ATTR_CODE, np.r_[lt, len(text)][attrs + 1]).ravel()
    cells = pa.LargeBinaryArray.from_buffers(pa.large_binary(), max(len(spans) - 1, 0), [
        None, pa.py_buffer(spans if len(spans) else np.zeros(1, np.int64)), pa.py_buffer(text)])
    with contextlib.suppress(pa.ArrowInvalid):  # else a byte that is no UTF-8: column by column
        cells = cells.cast(pa.large_string())
    n = int(opens.sum())
    amp = b"&" in text or any(b"&" in value for found in defaults.values() for *_, value in found)
    columns = _Columns(n, cells, code[attrs] - _ATTR_CODE, amp)
    of_event = in_event[attrs] == 1
    columns.add(np.flatnonzero(of_event), event[attrs] - 1, n)
    columns.add(np.flatnonzero(~of_event), trace[attrs] - 1, int(trace[-1]), "case:", trace[opens] - 1)
    observed = set(columns.values)
    columns.fill(defaults["event"], "")
    columns.fill(defaults["trace"], "case:")
    return columns.table(), n, observed


class _Columns:
    """Typed columns of one piece of a log, from its attributes' value cells."""

    def __init__(self, n_events: int, cells: "pa.Array", kinds: np.ndarray, amp: bool) -> None:
        self.n, self.cells, self.kinds, self.amp = n_events, cells, kinds, amp
        self.values: dict[str, pa.Array] = {}
        self.types: dict[str, set[str]] = {}

    def add(self, rows: np.ndarray, owner: np.ndarray, owners: int, prefix: str = "",
            spread: np.ndarray | None = None) -> None:
        """Attributes ``rows``, attribute i belonging to ``owner[i]`` of ``owners``
        (events; or traces, whose values ``spread`` maps onto their events). A column
        is its key's values in one run; rows without the key are empty and null."""
        if not len(rows):
            return
        keys = pc.dictionary_encode(self.cells.take(pa.array(4 * rows)))
        codes = keys.indices.to_numpy().astype(np.int16 if len(keys.dictionary) < 1 << 15 else np.int32)
        kinds = np.bincount(codes * len(KINDS) + self.kinds[rows],  # each key's kinds
                            minlength=len(KINDS) * len(keys.dictionary)).reshape(-1, len(KINDS))
        order = np.argsort(codes, kind="stable")  # by key, then in file order
        owner, codes = owner[rows[order]], codes[order]
        last = np.r_[(owner[1:] != owner[:-1]) | (codes[1:] != codes[:-1]), True]
        order, owner, codes = order[last], owner[last], codes[last]  # of a key twice, the last
        bounds = np.searchsorted(codes, np.arange(len(keys.dictionary) + 1))
        # each key's values in a run: taken in file order first, so the bytes are near
        values = self.cells.take(pa.array(4 * rows + 2)).take(pa.array(order))
        offsets = np.frombuffer(values.buffers()[1], np.int64)
        for k, key in enumerate(keys.dictionary.to_pylist()):
            start, stop = bounds[k], bounds[k + 1]
            column = values.slice(start, stop - start)
            if stop - start < owners:
                held = np.zeros(owners, bool)
                held[owner[start:stop]] = True
                ends = offsets[start + np.cumsum(held)]
                column = pa.Array.from_buffers(values.type, owners, [
                    pa.py_buffer(np.packbits(held, bitorder="little")),
                    pa.py_buffer(np.r_[offsets[start], ends]), values.buffers()[2]], owners - stop + start)
            if spread is not None:
                column = column.take(pa.array(spread))
            name = prefix + (key if isinstance(key, str) else key.decode("utf-8", "replace"))
            self.values[name] = column
            self.types.setdefault(name, set()).update(KINDS[i] for i in np.flatnonzero(kinds[k]))

    def fill(self, defaults: Found, prefix: str) -> None:
        """Give the declared default value to every row that leaves an attribute out."""
        for kind, key, value in defaults:
            name = prefix + key.decode("utf-8", "replace")
            if self.cells.type == pa.large_string():
                value = value.decode("utf-8", "replace")
            column = self.values.get(name, pa.nulls(self.n, self.cells.type))
            self.values[name] = pc.fill_null(column, pa.scalar(value, self.cells.type))
            self.types.setdefault(name, set()).add(kind.decode())

    def table(self) -> "pa.Table":
        return pa.table({name: _typed(values, self.types[name], self.amp, name) for name, values in self.values.items()})


def _text(values: "pa.Array", amp: bool) -> "pa.Array":
    """UTF-8 byte strings (or nulls) as text (invalid bytes replaced), XML character
    references resolved (where ``amp``: there is an ``&``)."""
    try:
        text = values.cast(pa.large_string())
    except pa.ArrowInvalid:  # a byte that is no UTF-8 (counted as a repair by the scan)
        text = pa.array([None if v is None else v.decode("utf-8", "replace") for v in values.to_pylist()],
                        type=pa.large_string())
    if amp and pc.any(has := pc.fill_null(pc.match_substring(text, "&"), False)).as_py():
        some = [html.unescape(v) for v in text.filter(has).to_pylist()]  # XML character references
        text = pc.replace_with_mask(text, has, pa.array(some, pa.large_string()))
    return text


def _typed(values: "pa.Array", types: set[str], amp: bool, name: str = "") -> "pa.Array":
    """A column's values as r4pm would type them: by Arrow where it parses exactly as
    pandas does (the usual forms), else by pandas. A ``time:timestamp`` with values that
    are no date stays text: reading rejects those rows as unparseable, naming a value,
    as it does for a CSV file (parsed here, they were missing timestamps)."""
    text = _text(values, amp)
    kind = next(iter(types)) if len(types) == 1 else "string"
    if kind in _EXACT and pc.all(pc.match_substring_regex(text, _EXACT[kind])).as_py() is not False:
        try:
            typed = text.cast({"date": pa.timestamp("us", "UTC"), "int": pa.int64(), "float": pa.float64()}[kind])
            return typed.cast(pa.float64()) if kind == "int" and typed.null_count else typed
        except pa.ArrowInvalid:  # a date out of range and the like: pandas' way (NaT)
            pass
    if kind == "boolean":
        return pc.equal(text, "true")
    if kind not in ("date", "int", "float"):  # string, id
        return text
    series = pd.Series(text.to_pandas(types_mapper=lambda _: pd.StringDtype("pyarrow", na_value=np.nan)))
    if kind == "date":
        dates = pd.to_datetime(series, utc=True, format="ISO8601", errors="coerce").astype("datetime64[us, UTC]")
        if name == TIMESTAMP_KEY and (dates.isna() & series.notna()).any():
            return text
        series = dates
    else:
        numbers = pd.to_numeric(series, errors="coerce")
        series = numbers.astype("int64") if kind == "int" and numbers.notna().all() else numbers.astype(float)
    return pa.Array.from_pandas(series)


def _globals(header: bytes) -> dict[str, Found]:
    """The default attributes the log declares for every trace and event
    (``<global scope="trace|event">``), which fill what an element leaves out (as r4pm
    reads them)."""
    out: dict[str, Found] = {"trace": [], "event": []}
    for scope, body in _GLOBAL.findall(header):
        out[scope.decode()].extend(_ATTR.findall(body))
    return out


class _Writer:
    """Receives the file's bytes (as the checking pass reads them) and hands each piece
    to ``pool``, which parses it and writes it as a part while the next piece is read."""

    def __init__(self, folder: Path, pool: ThreadPoolExecutor) -> None:
        self.folder, self.pool, self.buffer, self.size = folder, pool, b"", 0
        self.pending: list[bytes] = []
        self.parts: list[Path] = []
        self.jobs: deque[Future] = deque()  # the parts being written, in order
        self.started = self.closed = False
        self.events = 0
        self.error: OSError | None = None  # what stopped the copy (a full disk)
        self.globals: dict[str, Found] = {"trace": [], "event": []}
        self.observed: set[str] = set()
        self.continued = 0  # the length of the opening of a trace cut at the end of the last part

    def write(self, data: bytes) -> None:
        self.pending.append(data)
        self.size += len(data)
        if self.started and self.size < PIECE_BYTES:
            return
        self.buffer += b"".join(self.pending)
        self.pending, self.size = [], 0
        if not self.started:
            at = self.buffer.find(b"<trace")
            if at < 0:
                if len(self.buffer) > PIECE_BYTES:
                    raise NotStreamable("a header longer than 32 MB")
                return
            self.globals = _globals(self.buffer[:at])
            self.buffer, self.started = self.buffer[at:], True
        if len(self.buffer) >= PIECE_BYTES:
            self.flush(final=False)

    def flush(self, final: bool) -> None:
        """Hand the whole traces in the buffer on as one part (all of them, and wait
        for every part, when ``final``)."""
        if final:
            self.write(b"")
            self.buffer += b"".join(self.pending)
            self.pending, self.size = [], 0
        cut = self.buffer.rfind(b"</trace>") + len(b"</trace>")
        if cut >= len(b"</trace>"):
            text, self.buffer = self.buffer[:cut], self.buffer[cut:]
            self._part(text, (self.continued, False))
            self.continued = 0
        if not final and len(self.buffer) >= PIECE_BYTES:  # one trace longer than a piece
            first = self.buffer.find(b"<event")
            cut = self.buffer.rfind(b"</event>") + len(b"</event>")
            if 0 <= first < cut:  # cut after its last whole event; the rest repeats its opening
                head = self.buffer[:first]
                text, self.buffer = self.buffer[:cut] + b"</trace>", head + self.buffer[cut:]
                self._part(text, (self.continued, True))
                self.continued = len(head)
        while len(self.jobs) > (0 if final else WORKERS):  # at most so many pieces in memory
            try:
                n, observed = self.jobs.popleft().result()
            except OSError as exc:  # kept: the checking pass goes on without its copy
                self.error = exc
                raise
            self.events += n
            self.observed |= observed

    def _part(self, text: bytes, cut: tuple[int, bool]) -> None:
        """Hand ``text`` (whole traces, or ``cut`` ones: see :func:`_piece`) to the pool
        as the next part (the end of a cut trace even without events: it is checked)."""
        if cut[0] or b"<event" in text:
            self.parts.append(self.folder / f"part-{len(self.parts):05d}.arrow")
            self.jobs.append(self.pool.submit(_write_part, text, self.globals, self.parts[-1], cut))

    def close(self) -> None:
        self.closed = True


def _write_part(text: bytes, defaults: dict[str, Found], part: Path,
                cut: tuple[int, bool] = (0, False)) -> tuple[int, set[str]]:
    """Parse one piece and write it as an Arrow part; its event count and columns."""
    table, n, observed = _piece(text, defaults, cut)
    with pa.OSFile(str(part), "wb") as sink, pa.ipc.new_file(sink, table.schema) as ipc:
        ipc.write_table(table)
    return n, observed


def convert_xes(path: Path, out: Path, limits: Limits | None = None) -> ConvertResult:
    """Convert an XES (or .xes.gz) log to Parquet in one streaming pass.

    The file is checked as it is read (:func:`rpa_scout.io.xes.scan_xes`: no DTD, within
    the limits, not truncated) and its events written to ``out`` (atomically).

    Raises:
        NotStreamable: the fast path cannot read this file exactly (use the full parser).
        InputError, LimitError: see :func:`rpa_scout.io.xes.scan_xes`.

    Example:
        >>> import tempfile, pandas as pd
        >>> from pathlib import Path
        >>> out = Path(tempfile.mkdtemp()) / "rakennuslupa.parquet"
        >>> convert_xes(Path("eventlogs/rakennuslupa.xes.gz"), out).events
        40500
    """
    from rpa_scout.io.xes import scan_xes

    with tempfile.TemporaryDirectory(prefix="rpa_scout_xes_") as folder, \
            ThreadPoolExecutor(WORKERS, thread_name_prefix="rpa_scout_xes") as pool:
        writer = _Writer(Path(folder), pool)
        scan = scan_xes(path, limits or Limits(), sink=writer)
        if writer.error is not None:
            raise writer.error
        writer.flush(final=True)
        if not writer.parts:
            raise InputError(f"{path.name}: the XES file holds no events")
        columns = _join(writer.parts, out, writer.observed, scan.repairs)
    return ConvertResult(out, writer.events, columns, dict(scan.repairs))


def read_cached(path: Path, cached: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """The events of a converted log and the repairs made while converting it."""
    from rpa_scout.io.xes import REPAIR_UTF8

    meta = (pq.read_schema(cached).metadata or {}).get(b"rpa_scout.repairs", b"{}")
    known = {REPAIR_UTF8: REPAIR_UTF8}  # kept as English text; shown in any language again
    return read_parquet_frame(cached), {known.get(key, key): count for key, count in json.loads(meta).items()}


def _join(parts: list[Path], out: Path, observed: set[str], repairs: dict[str, int]) -> list[str]:
    """Write the parts as one Parquet file with one schema (types widened where the
    pieces differ), one part in memory at a time."""
    schemas = []
    for part in parts:
        with pa.memory_map(str(part)) as source:
            schemas.append(pa.ipc.open_file(source).schema)
    names = sorted({n for s in schemas for n in s.names} & observed)
    types = {n: _wider([s.field(n).type for s in schemas if n in s.names]) for n in names}
    schema = pa.schema([(n, types[n]) for n in names],
                       metadata={b"rpa_scout.repairs": json.dumps(repairs).encode()})
    with atomic_path(out) as tmp, pq.ParquetWriter(tmp, schema) as sink:
        for part in parts:
            with pa.memory_map(str(part)) as source:
                table = pa.ipc.open_file(source).read_all()
                arrays = [table.column(n).cast(types[n]) if n in table.column_names
                          else pa.nulls(table.num_rows, types[n]) for n in names]
                sink.write_table(pa.Table.from_arrays(arrays, schema=schema))
    return names


def _wider(types: list) -> object:
    """One Arrow type for a column's types in several pieces."""
    distinct = list(dict.fromkeys(types))
    if len(distinct) == 1:
        return distinct[0]
    if all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in distinct):
        return pa.float64()
    if all(pa.types.is_boolean(t) or pa.types.is_null(t) for t in distinct):
        return pa.bool_()
    if all(pa.types.is_timestamp(t) for t in distinct):
        return distinct[0]
    return pa.string()
