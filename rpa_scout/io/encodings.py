"""Decode a CSV export's bytes: UTF-8, a byte-order mark, UTF-16/32, cp1252, or a mix.

A file that decodes as UTF-8 is UTF-8 (the common case, read in one step). A file that
does not is read line by line only where it must be: a line that is valid UTF-8 and
holds a multi-byte character is UTF-8, every other line cp1252, because a system that
appends to a log may have written some lines in one encoding and the rest in the other.
The file's encoding is the one most of its non-ASCII bytes are written in; the lines
in the other encoding are counted as repairs and named in the encoding's note. Bytes
that no encoding maps become U+FFFD and are counted as repairs too.

Example:
    >>> data = "tila;käsittelijä\\n1;Jönssön\\n".encode() + "2;Päätös\\n".encode("cp1252")
    >>> text, used, repairs = decode_text(data, None, "loki.csv")
    >>> text.splitlines()[2], str(used), list(repairs.values())
    ('2;Päätös', 'utf-8, except 1 line in cp1252 (line 3)', [1])
"""

from __future__ import annotations

import codecs
import re
import threading

import numpy as np

from rpa_scout.errors import InputError
from rpa_scout.lang import Message

_SAMPLE = 1 << 20
_CHUNK = 1 << 24
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
         (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
#: The first two bytes of every multi-byte UTF-8 character (and rarely of cp1252 text).
_UTF8_START = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_LINES_SHOWN = 5


def decode_text(data: bytes, encoding: str | None, name: str) -> tuple[str, str, dict[str, int]]:
    """Text, the encoding used (for the report's note) and the repairs made decoding.

    Args:
        data: the file's bytes.
        encoding: the user's ``--encoding``: strict, no detection; ``None`` to detect.
        name: the file's name, for errors.

    Raises:
        InputError: the file does not decode with the ``encoding`` named.

    Example:
        >>> decode_text("ä;b".encode("cp1252"), None, "x.csv")[:2]
        ('ä;b', 'cp1252')
    """
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(f"{name}: cannot decode with --encoding {encoding} ({exc})") from None
        return text.removeprefix("\ufeff"), encoding, {}
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            if codec == "utf-8":
                try:
                    return body.decode("utf-8"), "utf-8 with BOM", {}
                except UnicodeDecodeError:  # a BOM, then cp1252, or lines of both
                    return _mixed(body, "utf-8 with BOM", Message("load.encoding.after_bom", codec="cp1252"))
            return _lossy(body, codec, Message("load.encoding.bom", codec=codec))
    if b"\x00" in data[:_SAMPLE]:
        wide = _wide_encoding(data[:_SAMPLE])
        if wide:
            return _lossy(data, wide, Message("load.encoding.detected", codec=wide))
    try:
        return data.decode("utf-8"), "utf-8", {}
    except UnicodeDecodeError:
        return _mixed(data, "utf-8", "cp1252")


def _lossy(data: bytes, codec: str, label: str) -> tuple[str, str, dict[str, int]]:
    """Decode with U+FFFD for bytes ``codec`` cannot map, counted as a repair."""
    text = data.decode(codec, errors="replace")
    genuine = "\ufffd".encode(codec, errors="ignore")  # U+FFFD written in the file itself
    replaced = text.count("\ufffd") - (data.count(genuine) if genuine else 0)
    return text, label, _undecodable(replaced, label)


def _undecodable(count: int, label: str) -> dict[str, int]:
    return {Message("load.repair.undecodable", encoding=label): count} if count > 0 else {}


def _wide_encoding(sample: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte-order mark, as charset-normalizer tells; else None."""
    try:
        from charset_normalizer import from_bytes  # noqa: PLC0415 - only for NUL-laden files
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(sample[: 64 * 1024]).best()
    if best is None:
        return None
    codec = best.encoding.replace("_", "-").lower()
    return codec if codec.startswith(("utf-16", "utf-32")) else None


def utf8_share(data: bytes, keep: int = 1 << 16) -> tuple[float, np.ndarray | None]:
    """The share of ``data``'s non-ASCII bytes that start or continue a UTF-8 character
    (about 1 in UTF-8 text, about 0 in cp1252), and where those characters start, when
    there are at most ``keep`` of them (else ``None``).

    Counted with numpy a chunk at a time, from each byte that can lead a multi-byte
    character and the continuation byte after it: in UTF-8 each such pair stands for two
    to four bytes; cp1252 text seldom has one (``Ã¤`` is ``ä`` in UTF-8).

    Example:
        >>> utf8_share("Päätös".encode())[0], utf8_share("Päätös".encode("cp1252"))[0]
        (1.0, 0.0)
    """
    pairs = non_ascii = 0
    found: list[np.ndarray] | None = []
    for start in range(0, len(data), _CHUNK):
        size = min(_CHUNK, len(data) - start)
        chunk = np.frombuffer(data, np.uint8, count=min(size + 1, len(data) - start), offset=start)
        lead = (chunk[:size] >= 0xC2) & (chunk[:size] <= 0xF4)
        lead[:len(chunk) - 1] &= (chunk[1:] & 0xC0) == 0x80
        lead[len(chunk) - 1:] = False  # the file's last byte leads nothing
        count = int(np.count_nonzero(lead))
        pairs += count
        non_ascii += int(np.count_nonzero(chunk[:size] >= 0x80))
        if found is not None and count:
            found = found + [np.flatnonzero(lead) + start] if pairs <= keep else None
    share = min(1.0, 2.5 * pairs / non_ascii) if non_ascii else 0.0
    return share, None if found is None else (np.concatenate(found) if found else np.empty(0, np.int64))


def _mixed(data: bytes, utf8: str, cp1252: str) -> tuple[str, str, dict[str, int]]:
    """``data``, not valid UTF-8 as a whole: each line that is valid UTF-8 with a
    multi-byte character as UTF-8, the others as cp1252; ``utf8`` and ``cp1252`` are
    the report's names of the two. The file's encoding is UTF-8 when most non-ASCII
    bytes are UTF-8's (:func:`utf8_share`), and only the lines in the other are read
    one by one."""
    sep = b"\n" if b"\n" in data else b"\r"
    share, starts = utf8_share(data)
    if share > 0.5:
        text, lines, replaced = _cp1252_lines(data, sep)
        main, other = utf8, "cp1252"
    else:
        text, lines, replaced = _utf8_lines(data, sep, starts)
        main, other = cp1252, "utf-8"
    repairs = _undecodable(replaced, cp1252)
    if not lines:
        return text, main, repairs
    shown = ", ".join(map(str, lines[:_LINES_SHOWN])) + (", …" if len(lines) > _LINES_SHOWN else "")
    key = "load.encoding.mixed_one" if len(lines) == 1 else "load.encoding.mixed"
    used = Message(key, codec=main, other=other, count=len(lines), lines=shown)
    return text, used, {Message("load.repair.line_encoding", codec=main, other=other): len(lines), **repairs}


def _cp1252_lines(data: bytes, sep: bytes) -> tuple[str, list[int], int]:
    """``data`` as UTF-8, but each line with bytes that are not UTF-8 as cp1252: the
    text, those lines' numbers and the bytes cp1252 does not map either (U+FFFD)."""
    _BAD.positions = []
    data.decode("utf-8", errors=_NOTE_BAD)  # where the bytes that are not UTF-8 are
    bad, _BAD.positions = _BAD.positions, []
    pieces: list[str] = []
    lines: list[int] = []
    replaced = done = before = 0  # done: 0 or the end of the last line read as cp1252
    for found in bad:
        if found < done:
            continue  # a line already read
        start = data.rfind(sep, done, found) + 1 or done
        end = data.find(sep, found)
        end = len(data) if end < 0 else end
        line = data[start:end].decode("cp1252", errors="replace")
        replaced += line.count("\ufffd")
        before += data.count(sep, done, start)
        pieces += [data[done:start].decode("utf-8"), line]
        lines.append(before + 1)
        done = end
    return "".join(pieces) + data[done:].decode("utf-8"), lines, replaced


def _note_bad(exc: UnicodeError) -> tuple[str, int]:
    """The error handler of :func:`_cp1252_lines`: notes where a byte is not UTF-8."""
    _BAD.positions.append(exc.start)
    return "", exc.end


_BAD = threading.local()
_NOTE_BAD = "rpa_scout.note_bad"
codecs.register_error(_NOTE_BAD, _note_bad)


def _utf8_lines(data: bytes, sep: bytes, starts: np.ndarray | None) -> tuple[str, list[int], int]:
    """``data`` as cp1252, but each line that is valid UTF-8 with a multi-byte character
    as UTF-8 (``starts``: where such characters may start; ``None``: look for them): the
    text, those lines' numbers and the bytes left undecoded (U+FFFD)."""
    text = data.decode("cp1252", errors="replace")  # one character a byte: offsets agree
    replaced = text.count("\ufffd")
    if starts is None:
        starts = np.fromiter((m.start() for m in _UTF8_START.finditer(data)), np.int64)
    pieces: list[str] = []
    lines: list[int] = []
    done = tried = before = 0
    newline = sep.decode()
    for found in starts.tolist():
        if found < tried:
            continue  # a line already tried
        start = data.rfind(sep, 0, found) + 1
        end = data.find(sep, found)
        tried = end = len(data) if end < 0 else end
        try:
            line = data[start:end].decode("utf-8")
        except UnicodeDecodeError:  # cp1252 after all
            continue
        replaced -= text.count("\ufffd", start, end)  # cp1252 maps no byte to U+FFFD
        before += text.count(newline, done, start)
        pieces += [text[done:start], line]
        lines.append(before + 1)
        done = end
    return "".join(pieces) + text[done:] if pieces else text, lines, replaced


__all__ = ["decode_text", "utf8_share"]
