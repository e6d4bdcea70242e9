"""Import pm4py lazily and keep its banner, warnings and progress bars off the terminal."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
from types import ModuleType
from typing import Iterator

_PM4PY: ModuleType | None = None


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence stdout, stderr, warnings and logging while pm4py works."""
    sink_out, sink_err = io.StringIO(), io.StringIO()
    previous = logging.root.manager.disable
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        try:
            with contextlib.redirect_stdout(sink_out), contextlib.redirect_stderr(sink_err):
                yield
        finally:
            logging.disable(previous)


@contextlib.contextmanager
def quiet_fds() -> Iterator[None]:
    """Also silence file descriptors 1 and 2 (what native code, such as r4pm's Rust
    parser, prints there bypasses ``sys.stdout``); falls back to :func:`quiet` alone
    where descriptors cannot be duplicated."""
    with quiet():
        try:
            saved = [os.dup(1), os.dup(2)]
        except OSError:  # pragma: no cover - no descriptors to save
            yield
            return
        try:
            with open(os.devnull, "wb") as sink:
                for fd in (1, 2):
                    os.dup2(sink.fileno(), fd)
                yield
        finally:
            for fd, copy in zip((1, 2), saved):
                os.dup2(copy, fd)
                os.close(copy)


def pm4py() -> ModuleType:
    """Return the pm4py module, imported once, quietly, with progress bars off."""
    global _PM4PY
    if _PM4PY is None:
        os.environ.setdefault("PM4PY_SHOW_PROGRESS_BAR", "False")
        with quiet():
            import pm4py as module  # noqa: PLC0415 - lazy by design

            try:
                from pm4py.util import constants

                constants.SHOW_PROGRESS_BAR = False
            except Exception:  # pragma: no cover - older pm4py
                pass
        _PM4PY = module
    return _PM4PY
