"""Write output files whole or not at all, with one clear error when that cannot be done.

Every writer of rpa_scout goes through :func:`atomic_write` (it writes bytes to an open
file) or :func:`atomic_path` (for libraries that want a file name): the output is
written beside the target under a hidden ``.partial-PID-THREAD-NAME`` name and renamed over the
target only when complete, so a failure (an unwritable folder, a full disk, a name a
library refuses) leaves no truncated file and becomes one :class:`OutputError`.
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

from rpa_scout.errors import ConfigError, InputError, OutputError
from rpa_scout.io.formats import LOG_READ, format_of


def log_format(path: Path) -> str:
    """Format name from the file name, or :class:`InputError` naming what is supported.

    Example:
        >>> from pathlib import Path
        >>> from rpa_scout.io.read import log_format
        >>> log_format(Path("laskut.csv.gz")), log_format(Path("BPIC15.XES")), log_format(Path("loki.xlsx"))
        ('csv', 'xes', 'excel')
        >>> log_format(Path("loki.pdf"))
        Traceback (most recent call last):
        ...
        rpa_scout.errors.InputError: loki.pdf: unknown log format; supported: .csv, .csv.gz, ...
    """
    fmt = format_of(path, LOG_READ)
    if fmt is None:
        supported = ", ".join(sorted(LOG_READ, key=lambda s: (LOG_READ[s], s)))
        raise InputError(f"{path.name}: unknown log format; supported: {supported}")
    return fmt


def check_input(path: Path, delimiter: str | None = None) -> str:
    """The log's format, after checking that the file and the delimiter can be read.

    Cheap on purpose: a wrong path or option fails here, before any heavy import.
    """
    if delimiter is not None and (len(delimiter) != 1 or delimiter in "\"\r\n"):
        raise ConfigError(f"--delimiter must be one character other than a quote or a line break, "
                          f"got {delimiter!r}")
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the log file inside it")
    fmt = log_format(path)
    if path.stat().st_size == 0:
        raise InputError(f"{path.name}: the file is empty; export the log again")
    return fmt


def check_output(path: Path, option: str = "--out") -> None:
    """Raise :class:`OutputError` unless ``path`` can be a file in an existing folder.

    Called before the expensive work, so that a mistyped ``--out`` is reported at once.
    ``option`` names the option in the message (``--rejects``, ``--heatmap``). A link
    is followed (its target is written); a device, pipe or socket is refused: the file
    is written beside it and renamed over it, which would replace ``/dev/null``.
    """
    path = _target(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise OutputError(f"{path}: the folder {parent} does not exist; create it or choose {option} elsewhere")
    if not parent.is_dir():
        raise OutputError(f"{path}: {parent} is a file, not a folder; choose {option} elsewhere")
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; give a file name with {option}")
    if path.exists() and not path.is_file():
        raise OutputError(f"{path}: is not a regular file (a device, pipe or socket); give a file name with {option}")


def _target(path: Path) -> Path:
    """``path``, or the file a link at ``path`` points to (written in its place)."""
    path = Path(path)
    return path.resolve() if path.is_symlink() else path


@contextlib.contextmanager
def atomic_path(path: Path, option: str = "--out") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it to ``path`` when the block succeeds
    (to the file a link at ``path`` points to: the link stays).

    Raises:
        OutputError: the folder is missing or not writable, the disk is full, ``path`` is
            a device or pipe, or the writer inside the block failed with an ``OSError``
            or ``ValueError`` (libraries raise the latter for text they cannot store).
    """
    check_output(path, option)
    path = _target(path)
    # one per process and thread, so that two runs writing one file (two commands reading
    # the same XES for the first time both keep its Parquet) never write into each other's;
    # the suffix stays: libraries go by it
    tmp = path.with_name(f".partial-{os.getpid()}-{threading.get_ident()}-{path.name}")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        raise OutputError(f"{path}: cannot write the file ({exc.strerror or exc}); "
                          f"check the folder's permissions and free space, or choose {option} elsewhere") from None
    except (ValueError, TypeError) as exc:
        _remove(tmp)
        raise OutputError(f"{path}: cannot write the file ({type(exc).__name__}: {exc})") from None
    except BaseException:
        _remove(tmp)
        raise


def atomic_write(path: Path, write: Callable[[BinaryIO], object], option: str = "--out") -> Path:
    """Call ``write`` with a binary file open for writing; the result appears as ``path``.

    Returns:
        ``path``.

    Raises:
        OutputError: see :func:`atomic_path`.
    """
    with atomic_path(path, option) as tmp:
        with open(tmp, "wb") as fh:
            write(fh)
    return Path(path)


def atomic_text(path: Path, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` (see :func:`atomic_write`)."""
    data = text.encode("utf-8")
    return atomic_write(path, lambda fh: fh.write(data))


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)


__all__ = ["atomic_path", "atomic_text", "atomic_write", "check_output"]
