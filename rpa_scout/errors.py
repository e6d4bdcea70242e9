"""Named exceptions. The CLI turns each into one ``Error: ...`` line and exit code 1."""

from __future__ import annotations


class RpaScoutError(Exception):
    """Base class for every error rpa_scout reports to the user.

    Catch it to show the one-line message, as the CLI does (``Error: ...``).

    Example:
        >>> from rpa_scout import RpaScoutError, read_log
        >>> try:
        ...     read_log("eventlogs/no-such-log.csv")
        ... except RpaScoutError as err:
        ...     print(f"Error: {err}")
        Error: eventlogs/no-such-log.csv: no such file; check the path
    """


class InputError(RpaScoutError):
    """A log file cannot be read: missing, unknown format, empty, malformed or unsafe.

    Example:
        >>> from rpa_scout import read_log
        >>> read_log("eventlogs/README.md")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.InputError: README.md: unknown log format; supported: .csv, ...
    """


class LimitError(InputError):
    """A file goes past a safety limit (size, compression ratio, columns, nesting depth).

    Example:
        >>> from rpa_scout import read_log
        >>> read_log("eventlogs/ostolaskut.csv.gz", max_bytes=1000)
        Traceback (most recent call last):
        ...
        rpa_scout.errors.LimitError: ostolaskut.csv.gz: holds more than 1000 bytes of data ...
    """


class ColumnError(RpaScoutError):
    """A required column is missing or the column mapping is ambiguous.

    Example:
        >>> from rpa_scout import read_log
        >>> read_log("eventlogs/ostolaskut.csv.gz", case="asianumero")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ColumnError: ostolaskut.csv.gz: --case column 'asianumero' not found; ...
    """


class ConfigError(RpaScoutError):
    """A configuration, standard-times or option value is invalid.

    Example:
        >>> from rpa_scout import RankConfig
        >>> RankConfig(sort_by="colour")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: unknown sort key 'colour'; choose one of hours, fit, ...
    """

    #: The setting whose value was refused (a field name, ``minimums.variability`` for
    #: one entry of a mapping), when the error is about one setting; else ``None``.
    key: str | None = None
    #: What is wrong with that value, worded to follow the setting's name.
    problem: str | None = None

    @classmethod
    def refused(cls, key: str, problem: str, message: str | None = None) -> "ConfigError":
        """The error for a value of the setting ``key`` that is refused: its text is
        ``message`` (by default the key followed by ``problem``), and it keeps ``key`` and
        ``problem`` so that a reader of a settings file can name its own file and key.

        Example:
            >>> err = ConfigError.refused("fit_threshold", "must be between 0 and 1, got 2")
            >>> str(err), err.key, err.problem
            ('fit_threshold must be between 0 and 1, got 2', 'fit_threshold', 'must be between 0 and 1, got 2')
        """
        error = cls(message if message is not None else f"{key} {problem}")
        error.key, error.problem = key, problem
        return error


class NothingKeptError(ConfigError):
    """The filters keep no events of a log (the message names the filter that kept none).

    Example:
        >>> from rpa_scout.errors import ConfigError, NothingKeptError
        >>> issubclass(NothingKeptError, ConfigError)
        True
    """


class PeriodError(ConfigError):
    """A log spans too little time to turn its counts into a year (at one instant, or
    under four weeks of cases); ``compare`` leaves such an organisation out.

    Example:
        >>> from rpa_scout.errors import ConfigError, PeriodError
        >>> issubclass(PeriodError, ConfigError)
        True
    """


class EngineError(RpaScoutError):
    """The engine asked for cannot run: PySpark or Java is missing, or Spark does not
    start or cannot reach its cluster (``--engine spark``).

    Example:
        >>> from rpa_scout.errors import EngineError
        >>> str(EngineError("--engine spark needs PySpark"))
        '--engine spark needs PySpark'
    """


class OutputError(RpaScoutError):
    """An output file cannot be written (missing or unwritable folder, full disk, ...).

    Example:
        >>> from pathlib import Path
        >>> from rpa_scout.io.files import check_output
        >>> check_output(Path("no-such-folder/map.svg"))
        Traceback (most recent call last):
        ...
        rpa_scout.errors.OutputError: no-such-folder/map.svg: the folder no-such-folder does ...
    """


class RenderError(RpaScoutError):
    """A picture cannot be rendered (for example Graphviz's ``dot`` is missing).

    Example:
        >>> from rpa_scout import RenderError, render_svg
        >>> try:
        ...     svg = render_svg("digraph { Kirjaus -> Päätös }")
        ... except RenderError as err:    # no Graphviz: the message says how to install it
        ...     svg = None
        >>> svg is None or svg.startswith("<?xml")
        True
    """


class DotTimeout(RenderError):
    """Graphviz did not finish drawing within its time limit."""
