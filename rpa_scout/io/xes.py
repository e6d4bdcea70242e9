"""Read XES and XES.gz safely: r4pm's Rust importer first, pm4py's parser as fallback.

Before parsing, the file is checked: it must start like XML, declare no DTD or entity
(external entities and entity-expansion bombs are never expanded or read) and end with
``</log>`` (a truncated export is reported, never half-read).
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.util
import re
import tempfile
import zlib
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from rpa_scout._quiet import pm4py, quiet
from rpa_scout.errors import InputError

_CHUNK = 1 << 20
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def check_xes(path: Path) -> None:
    """Raise :class:`InputError` if ``path`` is empty, not XML, unsafe or truncated."""
    _check_parts(path, *_head_and_tail(path))


def _check_parts(path: Path, head: bytes, tail: bytes) -> None:
    name = path.name
    if not head.strip():
        raise InputError(f"{name}: the file is empty; export the log again")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text.startswith(b"<"):
        raise InputError(f"{name}: not an XML file; XES logs start with '<?xml' or '<log'")
    if _DTD.search(head):
        raise InputError(
            f"{name}: the XML declares a DTD or entities, which rpa_scout never expands; "
            "remove the <!DOCTYPE ...> block and read the file again"
        )
    if b"<log" not in head:
        raise InputError(f"{name}: no <log> element at the start; this is not an XES file")
    if not tail.rstrip().endswith(b"</log>"):
        raise InputError(
            f"{name}: the XES file is truncated or malformed (it does not end with </log>); "
            "export or download it again"
        )


def _head_and_tail(path: Path, sink: BinaryIO | None = None) -> tuple[bytes, bytes]:
    """First 64 KiB and last 4 KiB of the (decompressed) file.

    A gzipped file is decompressed once; with ``sink``, the decompressed bytes are also
    written there. If writing fails, ``sink.closed`` is set by closing it and the check
    goes on without it.
    """
    head = b""
    tail = b""
    try:
        if _is_gzip(path):
            with open(path, "rb") as fh:
                inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
                while chunk := fh.read(_CHUNK):
                    data = inflate.decompress(chunk)
                    while inflate.unused_data and inflate.eof:  # concatenated members
                        rest = inflate.unused_data
                        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
                        data += inflate.decompress(rest)
                    if len(head) < 65536:
                        head += data[: 65536 - len(head)]
                    tail = (tail + data[-4096:])[-4096:]
                    if sink is not None and not sink.closed:
                        _write(sink, data)
                if not inflate.eof:
                    raise InputError(f"{path.name}: the gzip file is truncated; download it again")
        else:
            with open(path, "rb") as fh:
                head = fh.read(65536)
                fh.seek(0, 2)
                size = fh.tell()
                fh.seek(max(0, size - 4096))
                tail = fh.read()
    except (OSError, zlib.error, EOFError) as exc:
        raise InputError(f"{path.name}: cannot decompress or read the file ({exc})") from None
    return head, tail


def _write(sink: BinaryIO, data: bytes) -> None:
    try:
        sink.write(data)
    except OSError:  # full disk and the like: read the gzip file itself instead
        with contextlib.suppress(OSError):
            sink.close()


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def read_xes_table(path: Path) -> tuple[pd.DataFrame, str]:
    """Return the events of an XES file as a table with XES column names, in file order.

    Timestamps come back tz-aware UTC. The second value names the parser used.
    """
    with contextlib.ExitStack() as stack:
        try:
            folder: Path | None = Path(stack.enter_context(
                tempfile.TemporaryDirectory(prefix="rpa_scout_xes_")))
        except OSError:  # no writable temp folder: r4pm inflates the gzip file itself
            folder = None
        plain = _check_and_decompress(path, folder)
        try:
            frame = _read_r4pm(plain or path)
            parser = "r4pm (Rust)"
        except ImportError:
            frame, parser = _read_pm4py(path), "pm4py"
        except Exception:  # r4pm refused the file: let pm4py try and report
            frame, parser = _read_pm4py(path), "pm4py (r4pm failed)"
    # r4pm returns the columns in a different order on every run: fix one order (the
    # XES roles first, then attributes by name) so the same file gives the same frame.
    frame = frame[sorted(frame.columns, key=_column_key)]
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col].dtype):
            if getattr(frame[col].dt, "tz", None) is None:
                frame[col] = frame[col].dt.tz_localize("UTC")
            else:
                frame[col] = frame[col].dt.tz_convert("UTC")
    return frame, parser


_ROLE_ORDER = ("case:concept:name", "concept:name", "time:timestamp", "org:resource",
               "lifecycle:transition")


def _column_key(name: object) -> tuple[int, str]:
    text = str(name)
    return (_ROLE_ORDER.index(text), "") if text in _ROLE_ORDER else (len(_ROLE_ORDER), text)


def _check_and_decompress(path: Path, folder: Path | None) -> Path | None:
    """:func:`check_xes`; a gzipped log is also decompressed into ``folder``, once.

    Returns the decompressed copy (r4pm reads plain XML faster than it inflates gzip
    itself), or ``None`` when the file is not gzipped or the copy could not be written.
    """
    if folder is None or not _is_gzip_safe(path) or importlib.util.find_spec("r4pm") is None:
        check_xes(path)
        return None
    plain = folder / "log.xes"
    try:
        sink = open(plain, "wb")  # noqa: SIM115 - closed below, or by _write on failure
    except OSError:
        check_xes(path)
        return None
    try:
        head, tail = _head_and_tail(path, sink)
    finally:
        written = not sink.closed
        try:
            sink.close()  # flushes: a failure here means an incomplete copy
        except OSError:
            written = False
    _check_parts(path, head, tail)
    return plain if written else None


def _is_gzip_safe(path: Path) -> bool:
    try:
        return _is_gzip(path)
    except OSError:
        return False


def _read_r4pm(path: Path) -> pd.DataFrame:
    import r4pm  # noqa: PLC0415 - optional fast path

    with quiet():
        table, _meta = r4pm.df.import_xes(str(path))
    if table.height == 0 and table.width == 0:
        raise ValueError("r4pm read no events")
    return table.to_pandas()


def _read_pm4py(path: Path) -> pd.DataFrame:
    module = pm4py()
    try:
        with quiet():
            frame = module.read_xes(str(path), variant="iterparse")
    except Exception as exc:
        raise InputError(f"{path.name}: malformed XES ({type(exc).__name__}: {exc}); "
                         "export the log again") from None
    return pd.DataFrame(frame)


def open_text(path: Path):
    """Open a possibly gzipped file as bytes."""
    return gzip.open(path, "rb") if _is_gzip(path) else open(path, "rb")
