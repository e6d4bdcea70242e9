"""Checks of the public API's arguments: a wrong type or form is one named error that says
what is expected, not an ``AttributeError`` deep inside.

The checks are shared by every public function (pandas is imported only when a frame is
checked, so the CLI's ``--help`` stays fast).
"""

from __future__ import annotations

import numbers
import os
from typing import Any, Iterable

from rpa_scout.errors import ConfigError, InputError, RpaScoutError


def require_type(value: Any, kind: type | tuple[type, ...], name: str, what: str,
                 error: type[RpaScoutError] = ConfigError, *, optional: bool = True) -> Any:
    """``value`` when it is a ``kind`` (or ``None`` when ``optional``: the default of such
    an argument), else ``error`` naming the argument, what it must be and what it is.

    Example:
        >>> from rpa_scout import Settings
        >>> require_type(None, Settings, "settings", "a Settings (Settings.of(...))") is None
        True
        >>> require_type({"timezone": "UTC"}, Settings, "settings", "a Settings (Settings.of(...))")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: settings must be a Settings (Settings.of(...)), not dict
    """
    if value is None and optional or isinstance(value, kind):
        return value
    raise error(f"{name} must be {what}, not {type(value).__name__}")


def require_frame(log: Any, name: str = "log") -> Any:
    """``log`` when it is a pandas DataFrame, else :class:`InputError` saying so (a path
    is to be read with :func:`rpa_scout.read_log` first).

    Example:
        >>> require_frame("eventlogs/ostolaskut.csv.gz")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.InputError: log must be a pandas DataFrame (an event log), not str; read the file with read_log(path) first
    """
    import pandas as pd

    if isinstance(log, pd.DataFrame):
        return log
    hint = "; read the file with read_log(path) first" if isinstance(log, (str, os.PathLike)) else ""
    raise InputError(f"{name} must be a pandas DataFrame (an event log), not {type(log).__name__}{hint}")


def require_events(log: Any, where: str = "the log") -> None:
    """:class:`InputError` when ``log`` (a DataFrame) has no rows: there is nothing to
    classify, time or rank.

    Example:
        >>> import pandas as pd
        >>> require_events(pd.DataFrame({"concept:name": []}))
        Traceback (most recent call last):
        ...
        rpa_scout.errors.InputError: the log has no events; check the filters or the slice that made it
    """
    if len(log) == 0:
        raise InputError(f"{where} has no events; check the filters or the slice that made it")


def plain_index(log: Any) -> Any:
    """``log`` itself, or (when a level of its index is named like one of its columns, as
    ``log.set_index("case:concept:name", drop=False)`` leaves it) a copy without those
    levels: pandas cannot group by such a name. The caller's frame is not changed.

    Example:
        >>> import pandas as pd
        >>> log = pd.DataFrame({"case:concept:name": ["a", "b"], "x": [1, 2]})
        >>> keyed = log.set_index("case:concept:name", drop=False)
        >>> plain_index(keyed).index.tolist(), keyed.index.tolist()
        ([0, 1], ['a', 'b'])
        >>> plain_index(log) is log
        True
    """
    clash = [level for level in log.index.names if level is not None and level in log.columns]
    return log.reset_index(level=clash, drop=True) if clash else log


def text_items(values: str | Iterable[Any], name: str) -> tuple[str, ...]:
    """``values`` as a tuple of texts: one text is a list of one (not of its letters).

    Example:
        >>> text_items("Kustannuspaikan tiliöinti", "candidates")
        ('Kustannuspaikan tiliöinti',)
        >>> text_items(["A", "B"], "candidates")
        ('A', 'B')
        >>> text_items(5, "candidates")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: candidates must be a text or a list of texts, not int
    """
    if isinstance(values, str):
        return (values,)
    if not isinstance(values, Iterable) or isinstance(values, (bytes, dict)):
        raise ConfigError(f"{name} must be a text or a list of texts, not {type(values).__name__}")
    return tuple(str(value) for value in values)


def top_count(top: Any, name: str = "top") -> int | None:
    """``top`` as a count of rows to keep: a whole number of 1 or more, or ``None`` for all.

    Example:
        >>> top_count(5), top_count(None)
        (5, None)
        >>> top_count(-1)
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: top must be a whole number of 1 or more (None for all), got -1
    """
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        raise ConfigError(f"{name} must be a whole number of 1 or more (None for all), got {top!r}")
    return int(top)


__all__ = ["plain_index", "require_events", "require_frame", "require_type", "text_items", "top_count"]
