"""Read a log where it lies, on Apache Spark: ``rank --engine spark``.

A municipality's own log is one process of one organisation; the national pool that
holds it may be Parquet files of billions of rows on a cluster's storage, or a table of
the cluster's catalogue. :func:`read_on_spark` reads such a source with Spark: Spark
chooses the rows the ``where`` conditions may keep, by the rule
:func:`rpa_scout.read_log` chooses a Parquet file's by (:mod:`rpa_scout.choose`, the
same code, applied to each condition column's distinct values), reading only the parts
of the source that hold them; only those rows come to this process, where they are read
as ``read_log`` reads a Parquet file (checks, repairs, load report) and ranked by the
same code as a file.
So ``rank --engine spark --where kunta=Espoo`` ranks one municipality of the national
pool at the memory of its own rows, without an export; the result is what ``rank``
gives the same rows read from one Parquet file.

What runs where, by design: the choosing runs on the cluster, in parallel (``=`` and
``in`` conditions, and a period over times held as times: :mod:`rpa_scout.choose_period`);
the checks, the filters that cannot choose rows as they are read (``!=``, people, times
held as text) and the ranking run in this process, on the rows chosen. A ranking needs every event of the
organisation at once (an account's day spans its cases), so it is not split further.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from rpa_scout.choose import may_meet
from rpa_scout.choose_period import Period, case_keys
from rpa_scout.errors import NothingKeptError, RpaScoutError
from rpa_scout.io.spark import (_FILE, _ROW, _check_sources, _col, _distinct, _in_file_order, _is_frame,
                                _job_failed, _no_pandas_warning, _read, _reading, _Reading, _source_name,
                                _spark_name, _standardised, spark_session)
from rpa_scout.settings import Condition, Settings, given_settings

if TYPE_CHECKING:  # pragma: no cover
    from rpa_scout.load_report import LoadReport


def read_on_spark(sources: str | Path | Sequence[str | Path] | Any, settings: Settings | None = None, *,
                  spark: Any = None, master: str | None = None,
                  count_lifecycle: bool = True) -> tuple["pd.DataFrame", "LoadReport"]:
    """Read a Parquet log on Spark, choosing its rows by the ``where`` conditions and the
    period there.

    Args:
        sources: a Parquet file, folder, glob or URL (``s3a://bucket/luvat/``,
            ``abfss://...``, ``hdfs://...``), several read as one table, or a Spark
            DataFrame of the raw export (``spark.table("luvat")``), its session used.
        settings: its ``read`` section says how the rows are read (columns, zone, ...),
            as :func:`rpa_scout.read_log`'s keywords do; its ``filter`` section's ``=``
            and ``in`` conditions and its period choose the rows on Spark (as
            ``read_log(filters=...)`` chooses a Parquet file's): the others are counted
            (:attr:`LoadReport.rows_outside`) and never leave the cluster. The filters
            are not applied here: :func:`rpa_scout.filter_log` applies them all.
        spark: a Spark session; else :func:`rpa_scout.io.spark.spark_session` for ``master``.
        master: the Spark master, when no session is given.
        count_lifecycle: as :func:`rpa_scout.read_log`'s.

    Returns:
        ``(log, report)`` as :func:`rpa_scout.read_log` with ``categorical_roles=True``
        gives them for the same rows in one Parquet file.

    Raises:
        InputError: a local source is missing or not Parquet, or Spark cannot read it.
        ColumnError: as :func:`rpa_scout.read_log`.
        NothingKeptError: nothing is chosen (the period, or the first condition that
            leaves none, named as the filter names it).
        EngineError: Spark cannot run, or its job fails.

    Example:
        >>> from rpa_scout.io.spark_read import read_on_spark
        >>> read_on_spark("eventlogs/ostolaskut.csv.gz")
        Traceback (most recent call last):
        ...
        rpa_scout.errors.InputError: ostolaskut.csv.gz: --engine spark reads Parquet files; convert it with rpa-scout convert ostolaskut.csv.gz --out LOG.parquet
    """
    settings = given_settings(settings)
    if _is_frame(sources):
        name = "Spark DataFrame"
        spark = spark if spark is not None else sources.sparkSession
    else:
        sources = [sources] if isinstance(sources, (str, Path)) else list(sources)
        name = ", ".join(Path(str(s)).name for s in sources)
        _check_sources(sources)
    with _no_pandas_warning():
        session = spark if spark is not None else spark_session(master)
        frame = _read(session, sources, name)
        header = [_source_name(c) for c in frame.columns if c not in (_FILE, _ROW)]
        reading = _reading(frame, header, settings, name)
        table, outside = _chosen(frame, reading)
        raw, rows = _in_file_order(table)
        del table
        return _standardised(raw, rows, reading, settings, outside, count_lifecycle=count_lifecycle)


def _chosen(frame: Any, reading: _Reading) -> tuple[Any, int]:
    """The rows the conditions choose, collected here as one Arrow table, and how many
    rows they left out.

    Raises:
        NothingKeptError: none chosen, as the local engine says it.
    """
    try:
        choice = _chosen_rows(frame, reading)
        table = choice.frame.toArrow()
        error = choice.error() if choice.error is not None and not table.num_rows else None
    except RpaScoutError:
        raise
    except Exception as exc:  # a failed Spark job: Py4J and PySpark errors have no common class
        raise _job_failed(exc) from None
    if error is not None:
        raise error
    return table, choice.total - table.num_rows if choice.error is not None else 0


@dataclass(frozen=True)
class _Choice:
    """The rows of a source that the ``where`` conditions and the period choose, chosen
    by Spark.

    A row's fate under a condition depends on its value in the condition's column alone
    (:func:`rpa_scout.choose.may_meet` judges value by value), so each condition
    column's distinct values are judged in Spark's tasks, and Spark chooses the rows by
    the values that may meet each condition: it reads only the row groups, files and
    partition folders (``kunta=Espoo/``) that hold them, and no row passes through
    Python on the way. A period (:mod:`rpa_scout.choose_period`) is Spark's own
    comparison of times; by case start, Spark finds each case's first and last time
    and chooses the rows of the cases that may start in it.

    Attributes:
        frame: the rows chosen (the source itself when nothing chooses).
        total: the rows of the source (0 when nothing chooses).
        error: what to say when no row is chosen, as the local engine says it (``None``
            when nothing chooses).
    """

    frame: Any
    total: int
    error: Callable[[], NothingKeptError] | None = None


def _chosen_rows(frame: Any, reading: _Reading) -> _Choice:
    """The :class:`_Choice` of ``reading``'s chooser from ``frame`` (a Spark DataFrame of the
    source, its columns with Spark's names). Counts the source's rows only when something
    chooses."""
    from pyspark.sql import functions as F  # noqa: N812, PLC0415 - only for --engine spark

    chooser = reading.chooser
    if chooser is None:
        return _Choice(frame, 0)
    kept = [_meeting(frame, condition, column) for condition, column in chooser.conditions]
    total = frame.count()
    values = lambda column: _distinct(frame, column)  # noqa: E731 - a column's values, for an error
    if chooser.period is None:
        def none() -> NothingKeptError:
            reached = [frame.where(_all(kept[:i])).count() for i in range(len(kept))]
            return replace(chooser, reached=reached).nothing_kept(reading.source, values)
        return _Choice(frame.where(_all(kept)), total, none)
    first, last = _walls(frame, chooser.period)
    if chooser.period.cases:
        return _case_choice(frame, reading, kept, (first, last), total)
    held = _may_hold(first, last, chooser.period)

    def no_row() -> NothingKeptError:
        in_period = frame.where(held).count()
        if not in_period:
            span = frame.agg(F.min(first), F.max(last)).first()
            return chooser.period.nothing_falls(*(_instant(t) for t in span))
        reached = [frame.where(held & _all(kept[:i])).count() for i in range(len(kept))]
        return replace(chooser, reached=reached, in_period=in_period).nothing_kept(reading.source, values)

    return _Choice(frame.where(held & _all(kept)), total, no_row)


def _case_choice(frame: Any, reading: _Reading, kept: list[Any], walls: tuple[Any, Any], total: int) -> _Choice:
    """The rows of the cases that may start in the period and have a row that may meet
    the conditions (:class:`rpa_scout.choose_period.CaseSpans`, on Spark): each case id's
    first and last time and counts, its key as reading cleans it (judged in Spark's tasks,
    once per id), the keys' spans, then the rows of the ids of the keys chosen."""
    from pyspark.sql import functions as F  # noqa: N812, PLC0415 - only for --engine spark
    from pyspark.sql import types as T  # noqa: N812, PLC0415

    chooser = reading.chooser
    case = _col(_spark_name(chooser.case_column))
    levels, passed = [], F.lit(True)
    for condition in kept:
        passed = passed & condition
        levels.append(F.sum(passed.cast("long")).alias(f"n{len(levels) + 1}"))
    first, last = walls
    per_id = frame.groupBy(case.alias("id")).agg(F.min(first).alias("first"), F.max(last).alias("last"),
                                                 F.count(F.lit(1)).alias("n0"), *levels)
    keys = per_id.select("id").mapInArrow(_keying, T.StructType([per_id.schema["id"],
                                                                 T.StructField("key", T.StringType())]))
    sums = [F.sum(f"n{i}").alias(f"n{i}") for i in range(len(kept) + 1)]
    per_key = per_id.join(keys, "id").groupBy("key").agg(F.min("first").alias("first"),
                                                         F.max("last").alias("last"), *sums)
    held = per_key.where(F.col("key").isNotNull() & _may_hold(F.col("first"), F.col("last"), chooser.period))
    chosen = keys.join(held.where(F.col(f"n{len(kept)}") > 0).select("key"), "key", "left_semi") \
        .select(F.col("id").alias(_CASE))
    rows = frame.join(chosen, case == F.col(_CASE), "left_semi")

    def none() -> NothingKeptError:
        if not held.count():
            span = per_key.agg(F.min("first"), F.max("first")).first()
            return chooser.period.nothing_falls(*(_instant(t) for t in span))
        reached = [int(n or 0) for n in held.agg(*(F.sum(f"n{i}") for i in range(len(kept)))).first()]
        return replace(chooser, reached=reached, case_column=None, period=None).nothing_kept(
            f"{reading.source} whose cases may start in the period", lambda column: _distinct(frame, column))

    return _Choice(rows, total, none)


#: The column of the case ids chosen, joined to the source's rows.
_CASE = "__rpa_scout_case"


def _keying(batches: Iterator[Any]) -> Iterator[Any]:
    """Spark's tasks: each case id with its key as reading cleans it."""
    import pyarrow as pa  # noqa: PLC0415

    for batch in batches:
        keys = case_keys(batch.column(0).to_pandas())
        yield pa.RecordBatch.from_arrays([batch.column(0), pa.array(keys.where(keys.notna(), None).tolist(),
                                                                    pa.string())], ["id", "key"])


def _all(conditions: list[Any]) -> Any:
    """All of the Spark ``conditions`` (true when there is none)."""
    from pyspark.sql import functions as F  # noqa: N812, PLC0415 - only for --engine spark

    return functools.reduce(operator.and_, conditions, F.lit(True))


def _walls(frame: Any, period: Period) -> tuple[Any, Any]:
    """Each row's earliest and latest time in the period's columns, as local wall times
    (``TIMESTAMP_NTZ``; a time with a zone shifted to the period's zone, through the
    session's zone, which rpa_scout's sessions keep at UTC)."""
    from pyspark.sql import functions as F  # noqa: N812, PLC0415 - only for --engine spark
    from pyspark.sql import types as T  # noqa: N812, PLC0415

    walls = []
    for column in period.columns:
        name = _spark_name(column)
        kind = frame.schema[name].dataType
        if isinstance(kind, T.TimestampType):
            walls.append(F.from_utc_timestamp(_col(name), period.zone).cast("timestamp_ntz"))
        else:   # a time without a zone, or a date
            walls.append(_col(name).cast("timestamp_ntz"))
    if len(walls) == 1:
        return walls[0], walls[0]
    return F.least(*walls), F.greatest(*walls)


def _may_hold(first: Any, last: Any, period: Period) -> Any:
    """:meth:`rpa_scout.choose_period.Period.may_hold` as Spark's condition."""
    keep = first.isNotNull() & last.isNotNull()
    if period.low is not None:
        keep = keep & (last >= _wall_literal(period.low))
    if period.high is not None:
        keep = keep & (first < _wall_literal(period.high))
    return keep


def _wall_literal(moment: pd.Timestamp) -> Any:
    from pyspark.sql import functions as F  # noqa: N812, PLC0415 - only for --engine spark

    return F.lit(moment.strftime("%Y-%m-%d %H:%M:%S")).cast("timestamp_ntz")


def _instant(value: Any) -> np.datetime64:
    return np.datetime64("NaT") if value is None else np.datetime64(pd.Timestamp(value).to_datetime64())


def _meeting(frame: Any, condition: Condition, column: str) -> Any:
    """The Spark condition that keeps the rows whose ``column`` holds a value that may
    meet ``condition``: the column's distinct values judged by
    :func:`rpa_scout.choose.may_meet` in Spark's tasks, those kept collected (a few)."""
    from pyspark.sql import functions as F  # noqa: N812, PLC0415

    values = frame.select(_col(_spark_name(column)).alias("value")).distinct()

    def judge(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa  # noqa: PLC0415

        for batch in batches:
            yield batch.filter(pa.array(may_meet(batch.column(0).to_pandas(), condition)))

    kept = values.mapInArrow(judge, values.schema).toArrow().column(0).to_pylist()
    return _col(_spark_name(column)).isin(kept) if kept else F.lit(False)


__all__ = ["read_on_spark"]
