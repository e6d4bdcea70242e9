"""Compare organisations on Apache Spark: a pooled log of many organisations, in Parquet
files on a cluster's storage, analysed where it lies, one organisation per task.

A municipality's log fits one machine (50M events rank in 8 GiB); the pooled log of
hundreds of municipalities that run one process does not. Every organisation's analysis
needs only its own events (its cases, its accounts, its working day), so Spark chooses
the rows the ``--where`` conditions and the period may keep (as the local engine chooses
a Parquet file's: :mod:`rpa_scout.io.spark_read`), groups them by the ``--by`` column,
and each task runs the whole local pipeline on one organisation's rows: reading's
checks and repairs (:func:`rpa_scout.clean.standardise`),
the filters, pseudonymisation with the run's key, person/system verdicts, handling
times and the ranking (:func:`rpa_scout.compare.organisation_figures`). Only each
organisation's per-activity figures, ranking and load report travel back to the driver,
which combines them as :func:`rpa_scout.compare.compare_logs` does
(:func:`rpa_scout.compare.combine`). The rows of a task are put back in file order first,
so an organisation's figures are those of the local engine on the same rows.

Where the two engines can differ, by design: a task reads only its organisation's rows,
so a text timestamp column's format is found per organisation, plain-number attributes
are found per organisation, and the filters (``--from``, ``--where``, ...) are applied to
each organisation by itself.

PySpark is imported only here, only for ``--engine spark``; the workers need rpa_scout
installed in the Python that Spark runs (locally: the driver's own).
"""

from __future__ import annotations

import os
import pickle
import re
import sys
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from rpa_scout.choose import RowChooser, row_chooser
from rpa_scout.columns import ROLES, XES, LogColumns
from rpa_scout.identity import holds_identity_codes
from rpa_scout.errors import (ColumnError, ConfigError, EngineError, InputError, NothingKeptError, PeriodError,
                              RpaScoutError)
from rpa_scout.load_report import LoadReport, added_up
from rpa_scout.privacy import PEOPLE_SHARE
from rpa_scout.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from rpa_scout.compare import Comparison

ENGINES = ("local", "spark")
#: The master of a Spark started by rpa_scout when no cluster is named: this machine,
#: one worker thread per core.
LOCAL_MASTER = "local[*]"
#: Columns added to put each task's rows back in file order.
_FILE, _ROW = "__rpa_scout_file", "__rpa_scout_row"
_PANDAS_INDEX = re.compile(r"__index_level_\d+__")
_INSTALL = ("pip install 'rpa-scout[spark]' (PySpark) and Java 17 or newer "
            "(Debian: apt-get install default-jre-headless)")


@dataclass(frozen=True)
class SparkComparison:
    """What comparing on Spark found.

    Attributes:
        comparison: the :class:`rpa_scout.compare.Comparison`; each organisation's
            ranking comes without its per-instance handling times
            (``rankings[name].handling.instances`` has its columns and no rows): they
            are per event, and only per-activity figures travel to the driver.
        report: the load report of the pooled source, counts added up over the
            organisations (and the events without a ``--by`` value).
        sizes: organisation → (cases, events), in the organisations' order.
        no_value: events kept that belong to no organisation (no ``--by`` value).
    """

    comparison: "Comparison"
    report: LoadReport
    sizes: Mapping[str, tuple[int, int]]
    no_value: int


def check_engine(engine: str, master: str | None) -> None:
    """Raise :class:`ConfigError` for an unknown engine, or a Spark master without Spark.

    Example:
        >>> check_engine("spark", "spark://klusteri:7077")
        >>> check_engine("local", "spark://klusteri:7077")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: --spark-master names the cluster of --engine spark; add --engine spark
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if master is not None and engine != "spark":
        raise ConfigError("--spark-master names the cluster of --engine spark; add --engine spark")


def spark_session(master: str | None = None) -> Any:
    """A Spark session: the active one, or one started for ``master`` (a cluster's URL,
    ``local[N]``; default :data:`LOCAL_MASTER`).

    Raises:
        EngineError: PySpark is not installed, or Spark does not start (no Java, an
            unreachable cluster).
    """
    try:
        from pyspark.sql import SparkSession  # noqa: PLC0415 - only for --engine spark
    except ImportError:
        raise EngineError(f"--engine spark needs PySpark: {_INSTALL}") from None
    if master is None:
        active = SparkSession.getActiveSession()
        if active is not None:
            return active
    master = master or LOCAL_MASTER
    if master.startswith("local"):  # workers on this machine run this Python
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (SparkSession.builder.master(master).appName("rpa-scout")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.ui.showConsoleProgress", "false")
               # an organisation's text column may pass Arrow's 2 GiB of a plain string array
               .config("spark.sql.execution.arrow.useLargeVarTypes", "true"))
    try:
        with _no_pandas_warning():
            session = _started(builder)
    except Exception as exc:  # Py4J/Java start-up failures have no common class
        raise EngineError(f"Spark did not start on {master} ({_reason(exc)}; Spark's log: {spark_log()}); "
                          f"it needs {_INSTALL}, or a cluster named with --spark-master") from None
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def _no_pandas_warning() -> Iterator[None]:
    """PySpark warns of pandas 3 on starting and on every conversion; what travels between
    Spark and rpa_scout is Arrow, converted by rpa_scout itself."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas",
                                category=FutureWarning)
        yield


def _started(builder: Any) -> Any:
    """``builder.getOrCreate()`` with what Java and Spark print on the way (start-up
    warnings, and later the log of the Java process and its Python workers) going to
    :func:`spark_log` instead of the terminal."""
    saved = os.dup(2)
    try:
        with open(spark_log(), "ab") as sink:
            os.dup2(sink.fileno(), 2)  # the Java process inherits this descriptor
        return builder.getOrCreate()
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _job_failed(exc: BaseException) -> EngineError:
    """The error of a failed Spark job: what went wrong, and what to do where it is known.

    Example:
        >>> str(_job_failed(RuntimeError("ModuleNotFoundError: No module named 'rpa_scout'")))[:90]
        "the Spark job failed (ModuleNotFoundError: No module named 'rpa_scout'); install rpa_scout"
    """
    reason = _reason(exc)
    todo = ("install rpa_scout in the Python the cluster's workers run (pip install rpa-scout, or "
            "spark.archives with PYSPARK_PYTHON); " if "No module named 'rpa_scout'" in reason else "")
    return EngineError(f"the Spark job failed ({reason}); {todo}Spark's log: {spark_log()}")


def _reason(exc: BaseException) -> str:
    r"""The line of a Spark or Py4J error that says what went wrong: the first that names
    Spark's error class (``[FAILED_READ_FILE...] ...``), else the last naming an error or
    exception (a Python worker's traceback ends with it), else the first line.

    Example:
        >>> _reason(RuntimeError("An exception was thrown from the Python worker:\n"
        ...                      "  File x.py\nValueError: no such thing"))
        'ValueError: no such thing'
        >>> _reason(RuntimeError("An error occurred while calling o33.parquet.\n"
        ...                      ": org.apache.spark.SparkException: [FAILED_READ_FILE] x.parquet\n"
        ...                      "\tat org.apache.spark.sql.errors.Q(Q.scala:1)"))
        'org.apache.spark.SparkException: [FAILED_READ_FILE] x.parquet'
    """
    lines = [_LEAD.sub("", line.strip()) for line in str(exc).splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("at ")]
    classed = [line for line in lines if _ERROR_CLASS.search(line)]
    named = [line for line in lines if _ERROR_LINE.match(line)]
    return (classed[0] if classed else named[-1] if named else lines[0] if lines
            else type(exc).__name__)[:300]


_LEAD = re.compile(r"^(:\s*|Caused by:\s*)+")
_ERROR_CLASS = re.compile(r"\[[A-Z][A-Z_.]+\]")
_ERROR_LINE = re.compile(r"^[\w.]*(Error|Exception)\b[^:]*:")


def spark_log() -> Path:
    """Where Spark's own messages go: a file per user in the temporary folder."""
    import tempfile  # noqa: PLC0415

    return Path(tempfile.gettempdir()) / f"rpa-scout-spark-{os.getuid()}.log"


def compare_on_spark(sources: Sequence[str | Path] | Any, by: str, settings: Settings, *, key: str,
                     label: str | None = None, spark: Any = None,
                     master: str | None = None) -> SparkComparison:
    """Compare the organisations of a pooled Parquet log on Spark, one task each.

    Args:
        sources: Parquet files, folders or globs, local or on the cluster's storage
            (``s3a://bucket/process/*.parquet``, ``abfss://...``, ``hdfs://...``), read as
            one table; or a Spark DataFrame of the raw export (``spark.table("luvat")``,
            a Delta table), its session used. A DataFrame read from files keeps their
            order as Parquet files do; another keeps ties (events of a case at the same
            instant) in its partitions' order, and its rows are numbered by Spark's ids.
        by: the column naming the organisation (a source column, or the XES name reading
            gives it).
        settings: every organisation is read, filtered and analysed with these.
        key: the pseudonymisation key (one for all organisations).
        label: a column of display names for the activities (``--label``), or ``None``.
        spark: a Spark session; else :func:`spark_session` for ``master``.
        master: the Spark master, when no session is given.

    Returns:
        A :class:`SparkComparison`.

    Raises:
        InputError: a local source is missing, or Spark cannot read the sources as Parquet.
        ColumnError: as :func:`rpa_scout.read_log` (columns) and
            :func:`rpa_scout.compare.split_by` (``by``, ``label``).
        ConfigError: fewer than two or too many organisations, or one that cannot be
            ranked (named).
        EngineError: Spark cannot run.
    """
    if _is_frame(sources):
        spark, name = sources.sparkSession, "Spark DataFrame"
    else:
        name = ", ".join(Path(str(s)).name for s in sources)
        _check_sources(sources)
    with _no_pandas_warning():
        return _compare(sources, by, settings, key, label,
                        spark if spark is not None else spark_session(master), name)


def _is_frame(sources: Any) -> bool:
    """Whether ``sources`` is a Spark DataFrame (classic or Spark Connect)."""
    return hasattr(sources, "sparkSession") and hasattr(sources, "groupBy")


def _compare(sources: Sequence[str | Path] | Any, by: str, settings: Settings, key: str,
             label: str | None, session: Any, name: str) -> SparkComparison:
    """:func:`compare_on_spark` on a running session."""
    from rpa_scout.io.spark_read import _chosen_rows  # noqa: PLC0415 - it reads through this module

    frame = _read(session, sources, name)
    header = [_source_name(c) for c in frame.columns if c not in (_FILE, _ROW)]
    plan = _plan(frame, header, by, label, settings, name)
    large = str(session.conf.get("spark.sql.execution.arrow.useLargeVarTypes", "false")).lower() == "true"
    # the rows are chosen before they are grouped: only those chosen are shuffled
    task = _task(replace(plan, reading=replace(plan.reading, chooser=None)), settings, key, large)
    try:
        choice = _chosen_rows(frame, plan.reading)
        results = (choice.frame.groupBy(_col(_spark_name(plan.by_source))).applyInArrow(task, "payload binary")
                   .collect())
    except RpaScoutError:
        raise
    except Exception as exc:  # a failed Spark job: Py4J and PySpark errors have no common class
        raise _job_failed(exc) from None
    if not results:   # no row chosen: as the local engine says it
        raise choice.error()
    # in the groups' order, not the order the tasks finished in
    parts = sorted((pickle.loads(bytes(row["payload"])) for row in results), key=lambda p: p["group"])
    comparison = _gathered(parts, by, plan.label is not None, settings, name)
    if plan.reading.chooser is None:
        return comparison
    outside = choice.total - comparison.report.rows_read
    return replace(comparison, report=replace(comparison.report, rows_outside=outside))


def _gathered(parts: list[dict[str, Any]], by: str, labelled: bool, settings: Settings,
              name: str) -> SparkComparison:
    """The tasks' results as one comparison: the first error raised, the organisations in
    :func:`rpa_scout.split_by`'s order, labels and load reports added up."""
    from rpa_scout.compare import combine, organisation_name, organisation_order  # noqa: PLC0415
    from rpa_scout.labels import labels_from_counts  # noqa: PLC0415

    for part in parts:
        if "error" in part:  # what a task could not analyse, as the local engine says it
            raise part["error"]
    among = [part["among"] for part in parts if "among" in part and part["value"] is not None]
    if among and sum(a for a, _ in among) >= PEOPLE_SHARE * len(among) and any(p for _, p in among):
        raise ColumnError(f"--by column {by!r} names the same people as the resource column: "
                          "rpa_scout never singles out people; use a group, department or office column")
    values = pd.Series([part["value"] for part in parts if part["value"] is not None], dtype=object)
    if len(values) and holds_identity_codes(values.astype(str)):   # as the local engine judges the column
        raise ColumnError(f"--by column {by!r} holds personal identity codes: "
                          "rpa_scout never singles out people; use a group, department or office column")
    named = {part["name"]: part for part in parts if part["name"] is not None}
    empty = [part["nothing_kept"] for part in parts if "nothing_kept" in part]
    if empty and not named and not any(part["no_value"] for part in parts):
        raise empty[0]
    if len(named) < sum(part["name"] is not None for part in parts):
        groups: dict[str, list[str]] = {}
        for part in parts:
            if part["name"] is not None:
                groups.setdefault(part["name"], []).append(part["group"])
        name, values = next((n, g) for n, g in groups.items() if len(g) > 1)
        raise ConfigError(f"--by column {by!r}: its values {values[0]!r} and {values[1]!r} both read as "
                          f"{name!r}; write each organisation one way in the column")
    short = {organisation_name(part["value"]): part for part in parts if "left_out" in part}
    values = [part["value"] for part in [*named.values(), *short.values()]]
    numeric = bool(values) and all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
                                   for v in values)
    everyone = [organisation_name(v) for v in organisation_order(values, by, numeric=numeric)]
    order = [org for org in everyone if org in named]
    found = {org: (named[org]["table"], named[org]["ranking"]) for org in order}
    labels = labels_from_counts(pd.concat([named[org]["labels"] for org in order], ignore_index=True)) \
        if labelled and order else None
    comparison = combine(found, settings=settings, labels=labels,
                         left_out=[short[org]["left_out"] for org in everyone if org in short])
    report = added_up([named[org]["report"] for org in order]
                      + [part["report"] for part in parts if part["name"] is None], name)
    sizes = {org: (named.get(org) or short[org])["size"] for org in everyone}  # as split_by's sizes
    return SparkComparison(comparison, report, sizes,
                           sum(part["no_value"] for part in parts))


@dataclass(frozen=True)
class _Reading:
    """How every part of a Parquet source is read, decided once on the driver."""

    source: str
    mapping: LogColumns
    notes: tuple[str, ...]
    event_id: str | None
    #: What chooses the rows before they are read (as the local engine chooses a file's):
    #: ``None`` when no condition can.
    chooser: RowChooser | None = None


@dataclass(frozen=True)
class _Plan:
    """What every task needs to know of the pooled source, decided once on the driver."""

    reading: _Reading
    by_source: str
    by: str
    label: str | None


def _check_sources(sources: Sequence[str | Path]) -> None:
    """Raise before starting Spark for a local source that is missing or not Parquet."""
    from rpa_scout.io.files import check_input  # noqa: PLC0415

    if not sources:
        raise ConfigError("--engine spark needs a LOG: Parquet files, folders or globs")
    for source in map(str, sources):
        if "://" in source or any(ch in source for ch in "*?[") or Path(source).is_dir():
            continue
        name = Path(source).name
        if check_input(Path(source)) != "parquet":
            raise InputError(f"{name}: --engine spark reads Parquet files; convert it with rpa-scout "
                             f"convert {name} --out LOG.parquet")


def _read(session: Any, sources: Sequence[str | Path] | Any, name: str) -> Any:
    """The sources as one Spark DataFrame, with each row's file and position in it."""
    try:
        # files from several systems may differ in their attributes: every column of any
        # file, empty in the files without it (Spark otherwise takes one file's columns)
        frame = sources if _is_frame(sources) else \
            session.read.option("mergeSchema", "true").parquet(*map(str, sources))
        return _ordered(frame, name)
    except RpaScoutError:
        raise
    except Exception as exc:  # AnalysisException and friends: not a class to import here
        raise InputError(f"{name}: Spark cannot read it as Parquet ({_reason(exc)})") from None


def _ordered(frame: Any, name: str) -> Any:
    """``frame`` with each row's file and position in it (Spark's row ids, where the
    rows come from no file), columns with dots renamed (:func:`_spark_name`)."""
    from pyspark.sql import functions as F  # noqa: N812, PLC0415

    # pandas stores its index as a column of this name; pandas reads it back as the index
    kept = [_col(c).alias(_spark_name(c)) for c in frame.columns if not _PANDAS_INDEX.fullmatch(c)]
    try:
        return frame.select(*kept, F.col("_metadata.file_path").alias(_FILE),
                            F.col("_metadata.row_index").alias(_ROW))
    except Exception:  # no file behind the rows: a DataFrame made in memory, a view
        return frame.select(*kept, F.lit(name).alias(_FILE), F.monotonically_increasing_id().alias(_ROW))


def _col(name: str) -> Any:
    """The Spark column of a source column, by its name as it is written (a dot in it is
    no struct field)."""
    from pyspark.sql import functions as F  # noqa: N812, PLC0415

    return F.col("`" + name.replace("`", "``") + "`")


#: What a dot in a column name is called inside Spark: PySpark's grouped functions read
#: a dotted name as a struct's field, whatever the quoting.
_DOT = "\u2024"


def _spark_name(name: str) -> str:
    return name.replace(".", _DOT)


def _source_name(name: str) -> str:
    return name.replace(_DOT, ".")


def _reading(frame: Any, header: list[str], settings: Settings, name: str) -> _Reading:
    """The column mapping (as :func:`rpa_scout.read_log` finds it) and the chooser of the
    rows, from the source's header and, where a role must be found, its values."""
    from rpa_scout.io.read import resolve_columns  # noqa: PLC0415

    read = settings.read
    explicit = {role: getattr(read, role) for role in ROLES}
    first: list[pd.DataFrame] = []  # the first rows, read once and only for an error's hint

    def head(column: str) -> pd.Series:
        if not first:
            first.append(frame.limit(200).toPandas())
        return first[0][_spark_name(column)]

    mapping, notes, event_id = resolve_columns(
        header, lambda column: _distinct(frame, column), read.preset, "parquet", name, explicit,
        read.event_id, head=head)
    return _Reading(name, mapping, notes, event_id,
                    row_chooser(settings.filter, header, mapping, _timed(frame).__contains__, read.timezone))


def _timed(frame: Any) -> set[str]:
    """The source columns that hold times or dates as such (not as text)."""
    from pyspark.sql import types as T  # noqa: N812, PLC0415

    kinds = (T.TimestampType, T.TimestampNTZType, T.DateType)
    return {_source_name(field.name) for field in frame.schema.fields if isinstance(field.dataType, kinds)}


def _distinct(frame: Any, column: str) -> pd.Series:
    """The distinct values of a source column."""
    return frame.select(_col(_spark_name(column))).distinct().toPandas().iloc[:, 0]


def _plan(frame: Any, header: list[str], by: str, label: str | None, settings: Settings,
          name: str) -> _Plan:
    """How the pooled source is read (:func:`_reading`), and the ``--by`` and ``--label``
    columns by their source and their log names."""
    from rpa_scout.clean import rename_roles  # noqa: PLC0415
    from rpa_scout.compare import check_organisations  # noqa: PLC0415
    from rpa_scout.filters import resolve_column  # noqa: PLC0415

    reading = _reading(frame, header, settings, name)
    rename = {getattr(reading.mapping, role): getattr(XES, role) for role in rename_roles(reading.mapping)}
    logged = pd.DataFrame(columns=[rename.get(c, c) for c in header])
    found = resolve_column(logged, by, rename, "--by")
    by_source = next((s for s, x in rename.items() if x == found), found)
    shown = resolve_column(logged, label, rename, "--label") if label is not None else None
    grouped = _col(_spark_name(by_source))
    check_organisations(frame.select(grouped).where(grouped.isNotNull()).distinct().count(), by)
    return _Plan(reading, by_source, found, shown)


def _task(plan: _Plan, settings: Settings, key: str, large: bool) -> Any:
    """The function each Spark task runs, typed as Spark tells a grouped Arrow map by
    (``large``: the session passes large Arrow types, and wants them back)."""
    import pyarrow as pa  # noqa: PLC0415

    def task(table: Any) -> Any:
        return _organisation_task(table, plan=plan, settings=settings, key=key, large=large)

    task.__annotations__ = {"table": pa.Table, "return": pa.Table}
    return task


def _organisation_task(table: Any, *, plan: _Plan, settings: Settings, key: str,
                       large: bool = False) -> Any:
    """One organisation's rows (an Arrow table) → one row holding its pickled results (or
    the project's error that stopped it, for the driver to raise)."""
    import pyarrow as pa  # noqa: PLC0415

    table = table.rename_columns([_source_name(c) for c in table.column_names])
    group = next((v for v in table.column(plan.by_source).to_pylist() if v is not None), None)
    try:
        out = _analysed(table, plan, settings, key)
    except RpaScoutError as exc:
        out = {"error": exc}
    out["group"] = "" if group is None else str(group)  # the parts' order on the driver
    payload = pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
    return pa.table({"payload": pa.array([payload], pa.large_binary() if large else pa.binary())})


def _frame(table: Any) -> pd.DataFrame:
    """An organisation's rows as the Parquet reader gives them: text that repeats its
    values as categories (:func:`rpa_scout.io.parquet.read_parquet_frame`)."""
    from rpa_scout.io.parquet import repeating  # noqa: PLC0415

    for name in repeating(table):
        table = table.set_column(table.schema.get_field_index(name), name,
                                 table.column(name).dictionary_encode())
    return table.to_pandas()


def _people_in(log: pd.DataFrame, plan: _Plan, settings: Settings) -> tuple[bool, bool]:
    """Whether the organisation's ``--by`` value is an account, and a person's (the driver
    judges the column over all organisations, as the local engine judges it whole: it saw
    the header only); a ``--label`` column of people raises :class:`ColumnError`."""
    from rpa_scout.filters import refuse_people  # noqa: PLC0415
    from rpa_scout.privacy import accounts_among  # noqa: PLC0415

    if plan.label is not None:
        refuse_people(log, plan.label, plan.label, "--label")
    values = log[plan.by].dropna()
    return accounts_among(values.iloc[0], log, rules=settings.manual) if len(values) else (False, False)


def _read_rows(table: Any, reading: _Reading, settings: Settings) -> tuple[pd.DataFrame, LoadReport]:
    """One organisation's rows (chosen by the ``where`` conditions before they were
    grouped) read as the local engine reads the pooled file: checked and repaired."""
    raw, rows = _in_file_order(table)
    return _standardised(raw, rows, reading, settings, 0)


def _in_file_order(table: Any) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows of the source (an Arrow table with each row's file and position) in file
    order, as the Parquet reader gives them, and their row numbers."""
    table = table.sort_by([(_FILE, "ascending"), (_ROW, "ascending")])
    return _frame(table.drop_columns([_FILE, _ROW])), table.column(_ROW).to_numpy() + 1


def _standardised(raw: pd.DataFrame, rows: np.ndarray, reading: _Reading, settings: Settings, outside: int, *,
                 count_lifecycle: bool = True) -> tuple[pd.DataFrame, LoadReport]:
    """Rows of the source (in file order, ``rows`` their numbers) read as
    :func:`rpa_scout.read_log` reads a Parquet file: checked, repaired and accounted
    for, ``outside`` rows counted as left unread."""
    from rpa_scout.clean import standardise, with_lifecycle_counts  # noqa: PLC0415

    read = settings.read
    log, report = standardise(
        raw, reading.mapping, source=reading.source, fmt="parquet", timestamp_format=read.timestamp_format,
        timezone=read.timezone, notes=reading.notes, row_numbers=rows, drop_duplicates=read.drop_duplicates,
        event_id=reading.event_id, epoch_clock=read.epoch_clock, categorical_roles=True)
    return log, replace(with_lifecycle_counts(log, report, pair=count_lifecycle), rows_outside=outside)


def _analysed(table: Any, plan: _Plan, settings: Settings, key: str) -> dict[str, Any]:
    """What one organisation's rows hold: its load report, figures, ranking and size."""
    from rpa_scout.compare import organisation_figures, organisation_name  # noqa: PLC0415
    from rpa_scout.privacy import pseudonymise  # noqa: PLC0415

    log, report = _read_rows(table, plan.reading, settings)
    del table
    from rpa_scout.io.commands import filtered  # noqa: PLC0415

    try:
        log, report = filtered(log, report, settings)
    except NothingKeptError as exc:  # this organisation has none; another may have some
        from rpa_scout.filters import FilterReport  # noqa: PLC0415

        none = FilterReport(int(log[XES.case].nunique()), len(log))
        return {"name": None, "value": None, "no_value": 0, "nothing_kept": exc,
                "report": replace(report, rejected_rows=None, filters=none)}
    try:
        among = _people_in(log, plan, settings)
    except ColumnError as exc:
        return {"name": None, "value": None, "no_value": 0, "error": exc, "report": report}
    from rpa_scout.io.commands import with_step_names  # noqa: PLC0415
    from rpa_scout.privacy import pseudonymise_names  # noqa: PLC0415

    # a time study and the config's step patterns name steps as this organisation's log does
    settings = with_step_names(settings, pseudonymise_names(log, key=key, rules=settings.manual))
    log = pseudonymise(log, key=key, rules=settings.manual)
    has_value = log[plan.by].notna().to_numpy()
    out: dict[str, Any] = {"name": None, "value": None, "report": replace(report, rejected_rows=None),
                           "no_value": int((~has_value).sum()), "among": among}
    if has_value.any():
        log = log.loc[has_value].reset_index(drop=True)
        value = log[plan.by].iloc[0]
        value = value.item() if isinstance(value, np.generic) else value
        try:
            figures, ranking = organisation_figures(organisation_name(value), log, settings)
        except PeriodError as exc:  # left out, as the local engine leaves it out
            out.update(value=value, left_out=exc, size=(int(log[XES.case].nunique()), len(log)))
            return out
        # the per-instance handling times are per event: they stay where the events are
        handling = replace(ranking.handling, instances=ranking.handling.instances.iloc[:0])
        out.update(name=organisation_name(value), value=value, table=figures,
                   ranking=replace(ranking, handling=handling),
                   size=(int(log[XES.case].nunique()), len(log)))
        if plan.label is not None:
            from rpa_scout.labels import label_counts  # noqa: PLC0415

            out["labels"] = label_counts(log, plan.label)
    return out

