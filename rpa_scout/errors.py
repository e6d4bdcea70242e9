"""Named exceptions. The CLI turns each into one ``Error: ...`` line and exit code 1."""

from __future__ import annotations


class RpaScoutError(Exception):
    """Base class for every error rpa_scout reports to the user."""


class InputError(RpaScoutError):
    """A log file cannot be read: missing, unknown format, empty, malformed or unsafe."""


class LimitError(InputError):
    """A file goes past a safety limit (size, compression ratio, columns, nesting depth)."""


class ColumnError(RpaScoutError):
    """A required column is missing or the column mapping is ambiguous."""


class ConfigError(RpaScoutError):
    """A configuration, standard-times or option value is invalid."""


class OutputError(RpaScoutError):
    """An output file cannot be written (missing or unwritable folder, full disk, ...)."""


class RenderError(RpaScoutError):
    """A picture cannot be rendered (for example Graphviz's ``dot`` is missing)."""


class DotTimeout(RenderError):
    """Graphviz did not finish drawing within its time limit."""
