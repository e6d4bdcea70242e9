"""Progress on stderr for stages that take a while, only when a person is watching.

A stage that is still running after :data:`AFTER_SECONDS` (or one known to be long,
such as reading a file of megabytes) shows one line on stderr
("reading BPIC15_1.xes.gz … 3 s"), updated every second in place, and closes it with
the time taken. Nothing is written when stderr is not a terminal (pipes, files, CI) or
with ``--quiet``. The line goes to a copy of the terminal's descriptor taken when the
:class:`Progress` is made, so it stays visible while a native parser's own output is
silenced (:func:`rpa_scout._quiet.quiet_fds`).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from typing import IO, Iterator

from rpa_scout.lang import Lang, english
from rpa_scout.safety import printable

#: A stage shows progress once it has run this long.
AFTER_SECONDS = 2.0


class Progress:
    """Stage-by-stage progress lines on a terminal's stderr.

    Args:
        lang: the language of the lines.
        enabled: show anything at all (the CLI: stderr is a terminal and no ``--quiet``).
        stream: where to write (default: a copy of file descriptor 2).
        after: seconds a stage runs before its line appears (0: at once).

    Example:
        >>> import io
        >>> out = io.StringIO()
        >>> with Progress(Lang("fi"), enabled=True, stream=out, after=0).stage("progress.rank"):
        ...     pass
        >>> "järjestetään ehdokkaat" in out.getvalue()
        True
    """

    def __init__(self, lang: Lang | None = None, *, enabled: bool = False, stream: IO[str] | None = None,
                 after: float = AFTER_SECONDS) -> None:
        self.lang = lang or english()
        self.enabled = enabled
        self.after = after
        self._stream = stream
        self._own = False

    @classmethod
    def for_terminal(cls, lang: Lang, *, quiet: bool = False) -> "Progress":
        """Enabled when stderr is a terminal and not ``quiet``."""
        return cls(lang, enabled=not quiet and _is_terminal(sys.stderr))

    def _out(self) -> IO[str]:
        if self._stream is None:
            try:
                self._stream = os.fdopen(os.dup(sys.stderr.fileno()), "w", encoding="utf-8",
                                         errors="replace", closefd=True)
                self._own = True
            except (OSError, ValueError, AttributeError):  # pragma: no cover - no descriptor
                self._stream = sys.stderr
        return self._stream

    @contextlib.contextmanager
    def stage(self, key: str, *, at_once: bool = False, **values: object) -> Iterator[None]:
        """Show ``key``'s message (from the catalogue) while the block runs, once it runs long.

        ``at_once`` shows it from the start: for a stage known to be long (reading a big
        file), whose native code may hold the interpreter so that no timer can run.
        """
        if not self.enabled:
            yield
            return
        label = printable(self.lang.t(key, **values))
        out, start, done = self._out(), time.monotonic(), threading.Event()
        shown = threading.Event()

        def tick() -> None:
            wait = self.after
            while not done.wait(wait):
                shown.set()
                elapsed = time.monotonic() - start
                out.write("\r" + self.lang.t("progress.elapsed", label=label, seconds=elapsed) + "\x1b[K")
                out.flush()
                wait = 1.0

        if self.after <= 0 or at_once:
            shown.set()
            out.write(self.lang.t("progress.elapsed", label=label, seconds=0) + "\x1b[K")
            out.flush()
        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            yield
        finally:
            done.set()
            ticker.join()
            if shown.is_set():
                out.write("\r" + self.lang.t("progress.done", label=label, seconds=time.monotonic() - start)
                          + "\x1b[K\n")
                out.flush()

    def close(self) -> None:
        """Close the copy of the terminal's descriptor."""
        if self._own and self._stream is not None:
            self._stream.close()
            self._stream, self._own = None, False


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


#: Progress that shows nothing (library calls, tests).
SILENT = Progress()
