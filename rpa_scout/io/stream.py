"""Read input files in bounded pieces: the size, compression and shape limits of rpa_scout.

A small file must not take the machine. Every log is read through :func:`chunks`,
which inflates gzip streams piece by piece (never whole in memory) and refuses a file
that holds more than ``max_bytes`` of data or inflates more than ``max_ratio`` times its
compressed size (past ``ratio_floor``: small files may compress as well as they like).
The other limits are checked by the readers: columns (all formats), XML nesting depth
(XES), rows × columns (Parquet), sheet size (Excel). See :class:`Limits` for the
numbers and why.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from rpa_scout.errors import InputError, LimitError

GiB = 1 << 30
MiB = 1 << 20
#: Default of ``--max-bytes``: the largest real municipal export we size for is some
#: 10–20 million events of about 200 bytes (2–4 GB of CSV or XES); the reader holds
#: the log's table in memory (XES and a large CSV are read in pieces: reading a 1 GB
#: CSV of 8.3M events peaks at some 2.1 GiB, ``benchmarks/results/csv_read.md``).
DEFAULT_MAX_BYTES = 4 * GiB
CHUNK = 1 << 20
_GZ_CHUNK = 64 << 10  # compressed bytes a step: the ratio is checked closely
_OUT_CHUNK = 4 << 20


@dataclass(frozen=True)
class Limits:
    """What rpa_scout reads at most, and why.

    Attributes:
        max_bytes: uncompressed bytes of one log (``--max-bytes``).
        max_ratio: uncompressed ÷ compressed size past ``ratio_floor``. Real exports
            compress 13–62× (the BPI logs and the samples); gzip bombs 200–1,000×.
        ratio_floor: below this many inflated bytes the ratio is not checked.
        max_columns: columns or attribute keys of one log. Real logs have tens;
            per-column work makes 20,000 columns take minutes.
        max_depth: XML nesting depth of an XES file. XES needs 4 levels plus nested
            attributes; 200,000 levels crash the Rust parser.
        max_sheet_bytes: uncompressed worksheet XML of an Excel log; openpyxl reads
            about 3 MB of it a second, so 256 MiB (some 800,000 rows of a six-column
            log) takes a minute and a half. Bigger logs are better saved as CSV.
        max_cells: rows × columns of a Parquet log (8 bytes a cell in memory).
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_ratio: float = 150.0
    ratio_floor: int = 64 * MiB
    max_columns: int = 1000
    max_depth: int = 100
    max_sheet_bytes: int = 256 * MiB
    max_cells: int = DEFAULT_MAX_BYTES // 8

    @classmethod
    def with_max_bytes(cls, max_bytes: int | None) -> "Limits":
        """Default limits with ``max_bytes`` (and the cell limit that follows from it)."""
        if max_bytes is None:
            return cls()
        return cls(max_bytes=max_bytes, max_cells=max(1, max_bytes // 8))


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``"4G"``, ``"500MB"``, ``"2GiB"`` or ``"1000000"`` → bytes (K, M, G, T are powers of 1024).

    Raises:
        ValueError: not a size.
    """
    match = _SIZE.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a size; write e.g. 4G, 500M or 1000000")
    number, unit = float(match.group(1)), match.group(2).lower()
    value = int(number * (1 << (10 * " kmgt".index(unit))) if unit else number)
    if value < 1:
        raise ValueError(f"{text!r}: the size must be at least 1 byte")
    return value


def human_size(n: float) -> str:
    """Bytes as ``812 KiB``, ``64 MiB``, ``4.0 GiB``."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", 1024)):
        if n >= size:
            value = n / size
            return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    return f"{int(n)} bytes"


def is_gzip(path: Path) -> bool:
    """Whether ``path`` starts with gzip's magic bytes."""
    try:
        with open(path, "rb") as fh:
            return fh.read(2) == b"\x1f\x8b"
    except OSError as exc:
        raise InputError(f"{path.name}: cannot read the file ({exc.strerror or exc})") from None


def too_big(name: str, limits: Limits) -> LimitError:
    """The error for a file that holds more than ``limits.max_bytes``."""
    which = ("the most rpa_scout reads by default" if limits.max_bytes == DEFAULT_MAX_BYTES
             else "the --max-bytes limit of this run")
    return LimitError(
        f"{name}: holds more than {human_size(limits.max_bytes)} of data (uncompressed), "
        f"{which}; if the log is genuine, raise --max-bytes")


def check_ratio(name: str, inflated: int, compressed: int, limits: Limits) -> None:
    """Raise :class:`LimitError` when ``inflated`` bytes from ``compressed`` look like a bomb."""
    if inflated > limits.ratio_floor and inflated > limits.max_ratio * max(compressed, 1):
        raise LimitError(
            f"{name}: inflates more than {limits.max_ratio:.0f} times its compressed size "
            f"({human_size(inflated)} from {human_size(compressed)}); real exports compress "
            "at most some 60 times, so this is refused as a decompression bomb")


def chunks(path: Path, limits: Limits) -> Iterator[bytes]:
    """The file's (decompressed) bytes in pieces, checked against ``limits``.

    A gzip file may hold several members (as ``cat a.gz b.gz`` makes); bytes after the
    last member that are not another member are ignored, as gzip does.

    Raises:
        LimitError: more than ``max_bytes``, or a compression ratio beyond ``max_ratio``.
        InputError: the file cannot be read, or the gzip stream is corrupt or truncated.
    """
    name = path.name
    try:
        gz = is_gzip(path)
        if not gz and path.stat().st_size > limits.max_bytes:
            raise too_big(name, limits)
        with open(path, "rb") as fh:
            if not gz:
                while data := fh.read(CHUNK):
                    yield data
                return
            yield from _inflate(fh, name, limits)
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror or exc})") from None


def _inflate(fh, name: str, limits: Limits) -> Iterator[bytes]:
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    consumed = total = 0
    in_member = ended = False
    try:
        while (raw := fh.read(_GZ_CHUNK)) and not ended:
            consumed += len(raw)
            pending = raw
            while pending:
                if not in_member and not pending.startswith(b"\x1f\x8b"):
                    ended = True  # trailing bytes that are not a gzip member
                    break
                in_member = True
                out = inflate.decompress(pending, _OUT_CHUNK)
                if inflate.eof:
                    pending, in_member = inflate.unused_data, False
                    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
                else:
                    pending = inflate.unconsumed_tail
                if out:
                    total += len(out)
                    if total > limits.max_bytes:
                        raise too_big(name, limits)
                    check_ratio(name, total, consumed, limits)
                    yield out
    except zlib.error as exc:
        raise InputError(f"{name}: the gzip data is corrupt ({exc}); download or export it again") from None
    if in_member:
        raise InputError(f"{name}: the gzip file is truncated; download or export it again")


def read_all(path: Path, limits: Limits) -> bytes:
    """The whole (decompressed) file, read through :func:`chunks`."""
    buffer = bytearray()
    for piece in chunks(path, limits):
        buffer += piece
    return bytes(buffer)
