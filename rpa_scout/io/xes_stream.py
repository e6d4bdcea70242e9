"""XES to Parquet in one streaming pass, at flat memory, and the Parquet cache beside a log.

XES is verbose XML: the road-fines log is 185 MB of text for 561,470 events. Parsing it
whole (r4pm's Rust parser, pm4py) holds it all in memory at once and takes seconds on
every run. :func:`convert_xes` instead reads the file in pieces of about 32 MB, turns
each piece's events into typed columns with a few whole-piece regular expressions (no
Python work per attribute), writes them to Parquet row groups, and keeps nothing else:
memory stays flat at any size. :func:`cached_parquet` keeps the result beside the log,
named by the log's content hash, so the next run reads Parquet.

The fast path reads the XES that exporters write: ``<trace>`` and ``<event>`` elements,
attributes ``<string|date|int|float|boolean|id key="..." value="..."/>``. A file it
cannot read exactly (nested attributes inside events, attributes written value-first,
prefixed element names) is recognised by its counts and left to the full parser
(:class:`NotStreamable`); the result is then the same, only slower. Types follow
r4pm's: a date is UTC, an int column with gaps is float, a boolean column with gaps
holds ``None``, trace attributes become ``case:`` columns.
"""

from __future__ import annotations

import hashlib
import html
from operator import itemgetter
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rpa_scout.errors import InputError
from rpa_scout.io.files import atomic_path
from rpa_scout.io.stream import Limits

_ATTR = re.compile(rb'<(string|date|int|float|boolean|id)\s+key="([^"]*)"\s+value="([^"]*)"\s*/>')
_NESTED = re.compile(rb"</(?:string|date|int|float|boolean|id|list|container|values)>")
_GLOBAL = re.compile(rb'<global\s+scope="(trace|event)"\s*>(.*?)</global>', re.S)
PIECE_BYTES = 32 << 20
#: bump when the converter's output changes, so old caches are not read
FORMAT_VERSION = 1


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
    writable."""
    beside = path.with_name(f".{path.name}.{key}.parquet")
    if os.access(path.parent, os.W_OK):
        return beside
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rpa_scout"
    return home / f"{path.name}.{key}.parquet"


Found = list  # of (kind, key, value) byte-string triples, as the regex finds them


class _Columns:
    """Typed columns of one piece of a log, built from its events' attribute texts."""

    def __init__(self, n_events: int) -> None:
        self.n = n_events
        self.values: dict[str, np.ndarray] = {}
        self.types: dict[str, set[bytes]] = {}

    def add(self, found: Found, owner: np.ndarray, owners: int, prefix: str = "",
            spread: np.ndarray | None = None) -> None:
        """Attributes ``found`` of ``owners`` owners, attribute i belonging to
        ``owner[i]`` (events; or traces, whose values ``spread`` maps onto their events)."""
        if not found:
            return
        kind_codes, kind_names = pd.factorize(np.array(list(map(itemgetter(0), found)), dtype=object))
        codes, names = pd.factorize(np.array(list(map(itemgetter(1), found)), dtype=object))
        values = np.array(list(map(itemgetter(2), found)), dtype=object)
        order = np.argsort(codes, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(codes, minlength=len(names)))]
        for k, key in enumerate(names):
            rows = order[bounds[k]:bounds[k + 1]]
            column = np.full(owners, None, dtype=object)
            column[owner[rows]] = values[rows]
            name = prefix + key.decode("utf-8", "replace")
            self.values[name] = column[spread] if spread is not None else column
            self.types.setdefault(name, set()).update(kind_names[np.unique(kind_codes[rows])])

    def fill(self, defaults: Found, prefix: str) -> None:
        """Give the declared default value to every row that leaves an attribute out."""
        for kind, key, value in defaults:
            name = prefix + key.decode("utf-8", "replace")
            column = self.values.setdefault(name, np.full(self.n, None, dtype=object))
            column[pd.isna(column)] = value
            self.types.setdefault(name, set()).add(kind)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({name: _typed(values, {t.decode() for t in self.types[name]})
                             for name, values in self.values.items()})


def _text(values: np.ndarray) -> pd.Series:
    """UTF-8 byte strings (or None) as a text column (invalid bytes replaced)."""
    import pyarrow as pa

    raw = pa.array(values, type=pa.binary(), from_pandas=True)
    try:
        text = raw.cast(pa.string())
    except pa.ArrowInvalid:  # a byte that is no UTF-8 (counted as a repair by the scan)
        text = pa.array([None if v is None else v.decode("utf-8", "replace") for v in values],
                        type=pa.string())
    return pd.Series(text.to_pandas(types_mapper=lambda _: pd.StringDtype("pyarrow", na_value=np.nan)))


def _typed(values: np.ndarray, types: set[str]) -> pd.Series:
    """A column's text values as r4pm would type them."""
    text = _text(values)
    amp = text.str.contains("&", regex=False).fillna(False).to_numpy(dtype=bool)
    if amp.any():  # XML character references in a few values
        text = text.copy()
        text[amp] = [html.unescape(v) for v in text[amp]]
    kind = next(iter(types)) if len(types) == 1 else "string"
    if kind == "date":
        return pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce").astype("datetime64[us, UTC]")
    if kind in ("int", "float"):
        numbers = pd.to_numeric(text, errors="coerce")
        return numbers.astype("int64") if kind == "int" and numbers.notna().all() else numbers.astype(float)
    if kind == "boolean":
        flags = (text == "true").astype(object).where(text.notna(), None)
        return flags.astype(bool) if text.notna().all() else flags
    return text


def _globals(header: bytes) -> dict[str, Found]:
    """The default attributes the log declares for every trace and event
    (``<global scope="trace|event">``), which fill what an element leaves out (as r4pm
    reads them)."""
    out: dict[str, Found] = {"trace": [], "event": []}
    for scope, body in _GLOBAL.findall(header):
        out[scope.decode()].extend(_ATTR.findall(body))
    return out


def _piece(text: bytes, defaults: dict[str, Found]) -> tuple[pd.DataFrame, int, set[str]]:
    """The events of ``text`` (whole traces) as a typed frame, their count and the
    columns that occur in them (defaults fill, but never add, a column); checks counts."""
    parts = text.split(b"<event>")
    if text.count(b"<event") != len(parts) - 1 or text.count(b"<trace") != text.count(b"</trace>"):
        raise NotStreamable("unusual <event> or <trace> tags")
    events, gaps = [], [parts[0]]
    for part in parts[1:]:
        inside, closed, rest = part.partition(b"</event>")
        if not closed:
            raise NotStreamable("an event without its closing tag")
        events.append(inside)
        gaps.append(rest)
    n = len(events)
    trace_of, trace_texts = _traces(gaps)
    body = b"\x00".join(events)
    if _NESTED.search(body):
        raise NotStreamable("nested attributes inside events")
    found = _ATTR.findall(body)
    counts = np.fromiter((e.count(b"key=") for e in events), dtype=np.int64, count=n)
    if len(found) != int(counts.sum()):
        raise NotStreamable("attributes written in an unusual form")
    columns = _Columns(n)
    columns.add(found, np.repeat(np.arange(n), counts), n)
    traces = b"\x00".join(trace_texts)
    if _NESTED.search(traces):
        raise NotStreamable("nested attributes of a trace")
    trace_found = _ATTR.findall(traces)
    per_trace = np.fromiter((t.count(b"key=") for t in trace_texts), dtype=np.int64, count=len(trace_texts))
    if len(trace_found) != int(per_trace.sum()):
        raise NotStreamable("trace attributes written in an unusual form")
    owners = np.repeat(np.arange(len(trace_texts)), per_trace)
    columns.add(trace_found, owners, len(trace_texts), "case:", spread=trace_of)
    observed = set(columns.values)
    columns.fill(defaults["event"], "")
    columns.fill(defaults["trace"], "case:")
    return columns.frame(), n, observed


def _traces(gaps: list[bytes]) -> tuple[np.ndarray, list[bytes]]:
    """For each event (the text before event i is ``gaps[i]``; the last gap follows the
    last event), the index of its trace; and each trace's own attribute text, wherever
    it stands among its events (before, between or after them)."""
    trace_of = np.empty(len(gaps) - 1, dtype=np.int64)
    texts: list[bytes] = []
    for i, gap in enumerate(gaps):
        segments = gap.split(b"<trace")
        if texts:
            texts[-1] += segments[0]
        for segment in segments[1:]:
            texts.append(segment[segment.index(b">") + 1:])
        if i < len(trace_of):
            if not texts:
                raise NotStreamable("an event outside a trace")
            trace_of[i] = len(texts) - 1
    return trace_of, texts


class _Writer:
    """Receives the file's bytes (as the checking pass reads them) and writes parts."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.buffer = b""
        self.pending: list[bytes] = []
        self.size = 0
        self.started = False
        self.parts: list[Path] = []
        self.events = 0
        self.closed = False
        self.globals: dict[str, Found] = {"trace": [], "event": []}
        self.observed: set[str] = set()


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
        """Write the whole traces in the buffer as one part (all of them when ``final``)."""
        if final:
            self.write(b"")
            self.buffer += b"".join(self.pending)
            self.pending, self.size = [], 0
        cut = self.buffer.rfind(b"</trace>") + len(b"</trace>")
        if cut < len(b"</trace>"):
            return
        text, self.buffer = self.buffer[:cut], self.buffer[cut:]
        if b"<event" not in text:
            return
        part = self.folder / f"part-{len(self.parts):05d}.parquet"
        self.parts.append(part)
        n, observed = _write_part(text, self.globals, part)
        self.events += n
        self.observed |= observed

    def close(self) -> None:
        self.closed = True


def _write_part(text: bytes, defaults: dict[str, Found], part: Path) -> tuple[int, set[str]]:
    """Parse one piece and write it as a Parquet part; its event count and columns."""
    frame, n, observed = _piece(text, defaults)
    frame.to_parquet(part, index=False, compression=None)
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

    with tempfile.TemporaryDirectory(prefix="rpa_scout_xes_") as folder:
        writer = _Writer(Path(folder))
        scan = scan_xes(path, limits or Limits(), sink=writer)
        writer.flush(final=True)
        if not writer.parts:
            raise InputError(f"{path.name}: the XES file holds no events")
        columns = _join(writer.parts, out, writer.observed, scan.repairs)
    return ConvertResult(out, writer.events, columns, dict(scan.repairs))


def read_cached(path: Path, cached: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """The events of a converted log and the repairs made while converting it."""
    import json

    import pyarrow.parquet as pq

    from rpa_scout.io.xes import REPAIR_UTF8

    table = pq.read_table(cached)
    meta = (table.schema.metadata or {}).get(b"rpa_scout.repairs", b"{}")
    known = {REPAIR_UTF8: REPAIR_UTF8}  # kept as English text; shown in any language again
    return table.to_pandas(), {known.get(key, key): count for key, count in json.loads(meta).items()}


def _join(parts: list[Path], out: Path, observed: set[str], repairs: dict[str, int]) -> list[str]:
    """Write the parts as one Parquet file with one schema (types widened where the
    pieces differ), one part in memory at a time."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    schemas = [pq.read_schema(p) for p in parts]
    names = sorted({n for s in schemas for n in s.names} & observed)
    types = {n: _wider([s.field(n).type for s in schemas if n in s.names]) for n in names}
    schema = pa.schema([(n, types[n]) for n in names],
                       metadata={b"rpa_scout.repairs": json.dumps(repairs).encode()})
    with atomic_path(out) as tmp, pq.ParquetWriter(tmp, schema) as sink:
        for part in parts:
            table = pq.read_table(part)
            arrays = [table.column(n).cast(types[n]) if n in table.column_names
                      else pa.nulls(table.num_rows, types[n]) for n in names]
            sink.write_table(pa.Table.from_arrays(arrays, schema=schema))
    return names


def _wider(types: list) -> object:
    """One Arrow type for a column's types in several pieces."""
    import pyarrow as pa

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
