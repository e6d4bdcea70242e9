"""Read XES and XES.gz safely: r4pm's Rust importer first, pm4py's parser as fallback.

Before any parser sees the file, one streaming pass (:func:`scan_xes`) over its
(decompressed) bytes checks it: it must start like XML; nothing before the root element
may be a DTD or entity declaration (``<!DOCTYPE``, ``<!ENTITY``, wherever it stands
after comments and processing instructions), so external entities and entity-expansion
bombs never reach a parser; the root must be ``<log>`` (any namespace prefix) and the
file must end with its closing tag (a truncated export is reported, never half-read);
elements may nest at most :attr:`Limits.max_depth` deep; size and compression ratio
stay within :class:`Limits`. Invalid UTF-8 bytes (Latin-1 text in a UTF-8 file), which
the parsers turn into U+FFFD, are counted as repairs. The fallback parser runs with
entity resolution, DTD loading and network access off (defusedxml's rules).
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from rpa_scout._quiet import pm4py, quiet, quiet_fds
from rpa_scout.errors import InputError, LimitError
from rpa_scout.io.stream import Limits, chunks, is_gzip
from rpa_scout.lang import Message

TIMESTAMP = "time:timestamp"
_PROLOG_MAX = 1 << 20  # one declaration or processing instruction before the root
_NAME = re.compile(rb"<([A-Za-z_:][-\w.:]*)")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
REPAIR_UTF8 = Message("load.repair.invalid_utf8")


@dataclass
class XesScan:
    """What the checking pass found: the root's name, the depth and the repairs."""

    root: str | None = None
    encoding: str = "utf-8"
    depth: int = 0
    max_depth: int = 0
    bad_utf8: int = 0
    tail: bytes = b""
    size: int = 0
    repairs: dict[str, int] = field(default_factory=dict)


class _Prolog:
    """Walks the bytes before the root element: XML declaration, comments, PIs.

    Anything else that starts with ``<!`` there is a DTD or entity declaration and is
    refused. The body of a comment is skipped without being kept in memory.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.buf = b""
        self.in_comment = False
        self.root: bytes | None = None
        self.declaration = b""

    def feed(self, data: bytes) -> None:
        if self.root is not None:
            return
        buf = self.buf + data
        if not self.buf and not self.declaration:
            buf = buf.removeprefix(b"\xef\xbb\xbf")
        while self.root is None:
            if self.in_comment:
                end = buf.find(b"-->")
                if end < 0:
                    self.buf = buf[-2:]
                    return
                buf, self.in_comment = buf[end + 3:], False
                continue
            buf = buf.lstrip(b" \t\r\n")
            if len(buf) < 4:
                break
            if not buf.startswith(b"<"):
                raise InputError(f"{self.name}: not an XML file; XES logs start with '<?xml' or '<log'")
            if buf.startswith(b"<!--"):
                buf, self.in_comment = buf[4:], True
            elif buf.startswith(b"<!"):
                raise InputError(
                    f"{self.name}: the XML declares a DTD or entities (<!DOCTYPE or <!ENTITY before "
                    "the root element), which rpa_scout never expands; remove that block and read the file again")
            elif buf.startswith(b"<?"):
                end = buf.find(b"?>")
                if end < 0:
                    break
                if not self.declaration:
                    self.declaration = buf[:end] or b"<?"
                buf = buf[end + 2:]
            else:
                match = _NAME.match(buf)
                if match is None or match.end() == len(buf):
                    break  # the name may go on in the next piece
                self.root = match.group(1)
                self.buf = b""
                return
        if len(buf) > _PROLOG_MAX:
            raise InputError(f"{self.name}: not an XES file (no root element in the first "
                             f"{_PROLOG_MAX:,} bytes after the declarations)")
        self.buf = buf

    def finish(self) -> None:
        if self.root is None:
            self.feed(b"  ")  # a root name at the very end
        if self.root is None:
            raise InputError(f"{self.name}: not an XES file: no root element; XES logs hold <log>")


_BAD = threading.local()


def _count_bad(exc: UnicodeError) -> tuple[str, int]:
    _BAD.count = getattr(_BAD, "count", 0) + 1
    return "\ufffd", exc.end  # type: ignore[attr-defined]


codecs.register_error("rpa_scout.count", _count_bad)


def _depth(data: bytes, prev: int, depth: int) -> tuple[int, int]:
    """Nesting depth after ``data`` and the deepest point in it.

    ``<name`` opens, ``</`` and ``/>`` close; ``<!`` and ``<?`` do neither. ``/>`` inside
    an attribute value closes too many, so the depth is never overstated for real XES.
    ``prev`` is the last byte of the previous piece (a ``<`` there is counted here).
    """
    a = np.frombuffer(bytes([prev]) + data, np.uint8)
    lt = np.flatnonzero(a[:-1] == 60)      # '<' whose next byte is in this piece
    nxt = a[lt + 1]
    step = (nxt != 47).view(np.int8) - (nxt == 47).view(np.int8) - (nxt == 33).view(np.int8) \
        - (nxt == 63).view(np.int8)
    gt = np.flatnonzero(a[1:] == 62) + 1   # '>' of this piece
    shut = gt[a[gt - 1] == 47]             # '/>'
    if len(lt) == 0:
        return depth - len(shut), depth
    run = np.cumsum(step, dtype=np.int32)
    run -= np.searchsorted(shut, lt, side="left").astype(np.int32)
    return depth + int(run[-1]) + int(np.searchsorted(shut, lt[-1])) - len(shut), \
        max(depth, depth + int(run.max()))


def scan_xes(path: Path, limits: Limits, sink: BinaryIO | None = None) -> XesScan:
    """Check an XES file in one pass (see the module docstring); copy it into ``sink``.

    Raises:
        InputError: empty, not XML, a DTD or entity declaration, not XES, truncated.
        LimitError: too big, a decompression bomb or nested too deep.
    """
    name = path.name
    prolog = _Prolog(name)
    scan = XesScan()
    decoder = codecs.getincrementaldecoder("utf-8")("rpa_scout.count")
    _BAD.count = 0
    prev = 0
    for data in chunks(path, limits):
        scan.size += len(data)
        prolog.feed(data)
        scan.depth, deepest = _depth(data, prev, scan.depth)
        prev = data[-1]
        scan.max_depth = max(scan.max_depth, deepest)
        if scan.max_depth > limits.max_depth:
            raise LimitError(f"{name}: elements nest more than {limits.max_depth} deep; an XES "
                             "log needs a handful of levels, so this file is refused")
        decoder.decode(data)
        scan.tail = (scan.tail + data[-4096:])[-4096:]
        if sink is not None and not sink.closed:
            _write(sink, data)
    decoder.decode(b"", final=True)
    if scan.size == 0 or not scan.tail.strip():
        raise InputError(f"{name}: the file is empty; export the log again")
    prolog.finish()
    root = prolog.root.decode("ascii", "replace")
    if root.rsplit(":", 1)[-1] != "log":
        raise InputError(f"{name}: the root element is <{root}>, not <log>; this is not an XES file")
    if not scan.tail.rstrip().endswith(b"</" + prolog.root + b">"):
        raise InputError(f"{name}: the XES file is truncated or malformed (it does not end with "
                         f"</{root}>); export or download it again")
    scan.root = root
    declared = _ENCODING.search(prolog.declaration)
    scan.encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    scan.bad_utf8 = _BAD.count if scan.encoding.replace("_", "-") in ("utf-8", "utf8") else 0
    if scan.bad_utf8:
        scan.repairs[REPAIR_UTF8] = scan.bad_utf8
    return scan


def check_xes(path: Path, limits: Limits | None = None) -> XesScan:
    """:func:`scan_xes` without a copy."""
    return scan_xes(path, limits or Limits())


def _write(sink: BinaryIO, data: bytes) -> None:
    try:
        sink.write(data)
    except OSError:  # full disk and the like: read the gzip file itself instead
        with contextlib.suppress(OSError):
            sink.close()


def read_xes_table(path: Path, limits: Limits | None = None, *,
                   cache: bool = True) -> tuple[pd.DataFrame, str, dict[str, int]]:
    """Return the events of an XES file as a table with XES column names, in file order.

    Timestamps come back tz-aware UTC. The second value names the parser used, the
    third the repairs the parser made (counted by the checking pass). With ``cache``, a
    log is converted to Parquet once (:mod:`rpa_scout.io.xes_stream`, streaming, flat
    memory) and kept beside it under its content hash; the next read takes the Parquet.

    Raises:
        InputError: see :func:`scan_xes`; the file is malformed.
        LimitError: see :func:`scan_xes`; more attribute keys than ``max_columns``.
    """
    limits = limits or Limits()
    frame = parser = repairs = None
    if cache:
        frame, parser, repairs = _via_parquet(path, limits)
    if frame is None:
        frame, parser, repairs = _parse(path, limits)
    if frame.shape[1] > limits.max_columns:
        raise LimitError(f"{path.name}: has {frame.shape[1]:,} attribute keys; rpa_scout reads at most "
                         f"{limits.max_columns:,}; export only the attributes you need")
    return normalised(frame), parser, repairs


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """One column order (the XES roles first, then attributes by name: r4pm returns a
    different order on every run) and every date tz-aware UTC."""
    frame = frame[sorted(frame.columns, key=_column_key)]
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col].dtype):
            if getattr(frame[col].dt, "tz", None) is None:
                frame[col] = frame[col].dt.tz_localize("UTC")
            else:
                frame[col] = frame[col].dt.tz_convert("UTC")
    return frame


def _via_parquet(path: Path, limits: Limits) -> tuple[pd.DataFrame | None, str, dict[str, int]]:
    """The cached Parquet of ``path``, made first when there is none: by the streaming
    converter (faster than r4pm and flat in memory), or for a file it cannot read exactly
    by the full parser, whose result is kept the same way; ``None`` when no cache can be
    written."""
    from rpa_scout.io.xes_stream import (NotStreamable, cache_path, content_key, convert_xes,
                                         read_cached)

    cached = cache_path(path, content_key(path))
    if cached.exists():
        try:
            frame, repairs = read_cached(path, cached)
            return frame, Message("load.parser.cache", name=cached.name), repairs
        except Exception:  # noqa: BLE001 - a damaged cache: convert again
            with contextlib.suppress(OSError):
                cached.unlink()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        result = convert_xes(path, cached, limits)
    except NotStreamable:  # the full parser reads it; keep what it read
        frame, parser, repairs = _parse(path, limits)
        with contextlib.suppress(OSError):
            _keep(normalised(frame), cached, repairs)
            parser = Message("load.parser.kept", parser=parser, name=cached.name)
        return frame, parser, repairs
    except OSError:  # no place to keep a cache: read without one
        return None, "", {}
    frame, _ = read_cached(path, cached)
    return frame, Message("load.parser.streaming", name=cached.name), result.repairs


def _keep(frame: pd.DataFrame, cached: Path, repairs: dict[str, int]) -> None:
    """Write a parsed log as its Parquet cache (whole or not at all)."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from rpa_scout.io.files import atomic_path

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                           b"rpa_scout.repairs": json.dumps(repairs).encode()})
    with atomic_path(cached) as tmp:
        pq.write_table(table, tmp)


def _parse(path: Path, limits: Limits) -> tuple[pd.DataFrame, str, dict[str, int]]:
    """r4pm's parser (pm4py's when r4pm is missing or refuses) on the checked file."""
    with contextlib.ExitStack() as stack:
        try:
            folder: Path | None = Path(stack.enter_context(
                tempfile.TemporaryDirectory(prefix="rpa_scout_xes_")))
        except OSError:  # no writable temp folder: r4pm inflates the gzip file itself
            folder = None
        plain, scan = _check_and_decompress(path, folder, limits)
        try:
            frame = _read_r4pm(plain or path)
            parser = "r4pm (Rust)"
        except ImportError:
            frame, parser = _read_pm4py(plain or path, path.name), "pm4py"
        except Exception:  # r4pm refused the file: let pm4py try and report
            frame, parser = _read_pm4py(plain or path, path.name), Message("load.parser.pm4py_fallback")
        frame = _unread_dates_as_text(frame, plain or path)
    return frame, parser, scan.repairs


def _unread_dates_as_text(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``frame`` with its ``time:timestamp`` as the file's text where a parser left a
    value it could not read as no date at all: reading then rejects those rows as
    unparseable, naming a value, as it does for the streaming reader and CSV files.
    The text is read (one more pass) only where the column has gaps."""
    dates = frame.get(TIMESTAMP)
    if dates is None or not dates.isna().any():
        return frame
    text = pd.Series(_event_dates(path), dtype="string")
    if len(text) != len(frame) or not (dates.isna().to_numpy() & text.notna().to_numpy()).any():
        return frame  # the gaps are events without a time: missing, as read
    frame = frame.copy()
    frame[TIMESTAMP] = text.to_numpy()
    return frame


def _event_dates(path: Path) -> list[str | None]:
    """The ``time:timestamp`` text of every event of a checked XES file, in file order."""
    from lxml import etree  # noqa: PLC0415 - pm4py's own dependency

    values: list[str | None] = []
    with contextlib.ExitStack() as stack:
        source = stack.enter_context(gzip.open(path) if is_gzip(path) else open(path, "rb"))
        context = etree.iterparse(source, events=("end",), resolve_entities=False, no_network=True,
                                  load_dtd=False, huge_tree=True)
        for _, elem in context:
            if etree.QName(elem).localname != "event":
                continue
            value = next((child.get("value") for child in elem if isinstance(child.tag, str)
                          and etree.QName(child).localname == "date" and child.get("key") == TIMESTAMP), None)
            values.append(value)
            elem.clear(keep_tail=False)
    return values


_ROLE_ORDER = ("case:concept:name", "concept:name", "time:timestamp", "org:resource",
               "lifecycle:transition")


def _column_key(name: object) -> tuple[int, str]:
    text = str(name)
    return (_ROLE_ORDER.index(text), "") if text in _ROLE_ORDER else (len(_ROLE_ORDER), text)


def _check_and_decompress(path: Path, folder: Path | None, limits: Limits) -> tuple[Path | None, XesScan]:
    """:func:`scan_xes`; a gzipped log is also decompressed into ``folder``, once.

    Returns the decompressed copy (r4pm reads plain XML faster than it inflates gzip
    itself), or ``None`` when the file is not gzipped or the copy could not be written.
    """
    if folder is None or not is_gzip(path):
        return None, scan_xes(path, limits)
    plain = folder / "log.xes"
    try:
        sink = open(plain, "wb")  # noqa: SIM115 - closed below, or by _write on failure
    except OSError:
        return None, scan_xes(path, limits)
    try:
        scan = scan_xes(path, limits, sink)
    finally:
        written = not sink.closed
        try:
            sink.close()  # flushes: a failure here means an incomplete copy
        except OSError:
            written = False
    return (plain if written else None), scan


def _read_r4pm(path: Path) -> pd.DataFrame:
    import r4pm  # noqa: PLC0415 - optional fast path

    with quiet_fds():  # r4pm prints unparseable dates from Rust, past sys.stdout
        table, _meta = r4pm.df.import_xes(str(path))
    if table.height == 0 and table.width == 0:
        raise ValueError("r4pm read no events")
    return table.to_pandas()


def _forbid_dtd(context, name: str):
    """The events of an lxml ``iterparse`` context; a DTD refuses the file (defusedxml's
    ``forbid_dtd``), checked at the first event, before pm4py reads anything."""
    first = True
    for event, elem in context:
        if first:
            info = elem.getroottree().docinfo
            if info.internalDTD is not None or info.externalDTD is not None or info.doctype:
                raise InputError(f"{name}: the XML declares a DTD or entities, which rpa_scout never "
                                 "expands; remove the <!DOCTYPE ...> block and read the file again")
            first = False
        yield event, elem


def _read_pm4py(path: Path, name: str) -> pd.DataFrame:
    """pm4py's iterparse importer on an lxml parser with defusedxml's rules: no entity
    resolution, no DTD loading, no network, no DTD at all (:func:`_forbid_dtd`)."""
    module = pm4py()
    from lxml import etree  # noqa: PLC0415 - pm4py's own dependency
    from pm4py.objects.log.importer.xes.variants import iterparse  # noqa: PLC0415

    try:
        with quiet(), (gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")) as fh:
            context = etree.iterparse(fh, events=("start", "end"), resolve_entities=False,
                                      load_dtd=False, no_network=True, dtd_validation=False,
                                      huge_tree=False, remove_comments=True, remove_pis=True)
            log = iterparse.import_from_context(_forbid_dtd(context, name), 0,
                                                parameters={"show_progress_bar": False})
            frame = module.convert_to_dataframe(log)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{name}: malformed XES ({type(exc).__name__}: {exc}); "
                         "export the log again") from None
    return pd.DataFrame(frame)
