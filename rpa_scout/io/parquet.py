"""Read a Parquet file into a DataFrame, text that repeats its values as categories.

A log's text columns (case ids, activities, accounts, a case's type or channel) repeat
their values on many rows. Read as plain strings, ten million events of them take about
three times the memory of the same columns as dictionaries (Arrow's name for categories:
one small integer per row and each distinct value once), and reading them takes longer.
Columns whose values do not repeat (event ids, free text) stay strings: building a
dictionary of ten million distinct values takes some 25 s and several GiB.
:func:`rpa_scout.clean.standardise` reads a categorical text column as the same text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: Rows read first to decide which text columns repeat their values.
SAMPLE_ROWS = 65_536
#: Rows decoded at a time while rows are chosen as the file is read (:func:`read_parquet_rows`).
CHOOSING_ROWS = 1 << 16


def read_parquet_frame(path: Path) -> pd.DataFrame:
    """``pandas.read_parquet(path)``, with each text column whose first rows hold at most
    half as many distinct values as rows read as categories.

    Example:
        >>> import pyarrow as pa, pyarrow.parquet as pq, tempfile
        >>> file = Path(tempfile.mkdtemp()) / "log.parquet"
        >>> pq.write_table(pa.table({"kind": ["a", "b", "a", "a"], "id": ["1", "2", "3", "4"]}), file)
        >>> read_parquet_frame(file).dtypes.astype(str).tolist()
        ['category', 'str']
    """
    return pd.read_parquet(path, read_dictionary=repeating_text_columns(path) or None)


@dataclass(frozen=True)
class ChosenRows:
    """What :func:`read_parquet_rows` read: the rows chosen, their 1-based row numbers in
    the file, and the file's rows."""

    frame: pd.DataFrame
    rows: np.ndarray
    total: int


def read_parquet_rows(path: Path, choose: Callable[[pd.DataFrame], np.ndarray],
                      by: list[str]) -> ChosenRows:
    """The rows of a Parquet file that ``choose`` keeps, as :func:`read_parquet_frame`
    reads them, decoding :data:`CHOOSING_ROWS` rows at a time: ``choose`` gets their
    ``by`` columns and returns which to keep. Memory holds the rows kept and one batch,
    not the file: one municipality of a national file that would not fit.

    Example:
        >>> import pyarrow as pa, pyarrow.parquet as pq, tempfile
        >>> file = Path(tempfile.mkdtemp()) / "log.parquet"
        >>> pq.write_table(pa.table({"kunta": ["Espoo", "Vantaa", "Espoo"], "n": [1, 2, 3]}), file)
        >>> chosen = read_parquet_rows(file, lambda f: (f["kunta"] == "Espoo").to_numpy(), ["kunta"])
        >>> chosen.frame["n"].tolist(), chosen.rows.tolist(), chosen.total
        ([1, 3], [1, 3], 3)
    """
    import pyarrow as pa  # noqa: PLC0415 - heavy import only when needed
    import pyarrow.parquet as pq  # noqa: PLC0415

    file = pq.ParquetFile(path, read_dictionary=repeating_text_columns(path) or None)
    parts, rows, offset = [], [], 0
    for batch in file.iter_batches(batch_size=CHOOSING_ROWS):
        keep = np.asarray(choose(_columns_of(batch, by)), dtype=bool)
        if keep.any():
            parts.append(batch.filter(pa.array(keep)))
            rows.append(np.flatnonzero(keep) + offset + 1)
        offset += batch.num_rows
    table = pa.Table.from_batches(parts, schema=file.schema_arrow) if parts else file.schema_arrow.empty_table()
    del parts
    return ChosenRows(_to_pandas(table), np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64), offset)


def time_columns(path: Path) -> set[str]:
    """The columns of a Parquet file that hold times or dates as such (not as text).

    Example:
        >>> import pyarrow as pa, pyarrow.parquet as pq, tempfile, datetime as dt
        >>> file = Path(tempfile.mkdtemp()) / "log.parquet"
        >>> pq.write_table(pa.table({"t": [dt.datetime(2024, 1, 1)], "s": ["2024-01-01"]}), file)
        >>> time_columns(file)
        {'t'}
    """
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    schema = pq.ParquetFile(path).schema_arrow
    return {field.name for field in schema if pa.types.is_timestamp(field.type) or pa.types.is_date(field.type)}


def scan_parquet(path: Path, columns: list[str], visit: Callable[[pd.DataFrame], None]) -> None:
    """Give ``visit`` a Parquet file's ``columns``, :data:`CHOOSING_ROWS` rows at a time,
    as the rows' chooser gets them (the file's other columns are never decoded).

    Example:
        >>> import pyarrow as pa, pyarrow.parquet as pq, tempfile
        >>> file = Path(tempfile.mkdtemp()) / "log.parquet"
        >>> pq.write_table(pa.table({"case": ["a", "b"], "n": [1, 2]}), file)
        >>> seen = []
        >>> scan_parquet(file, ["case"], lambda batch: seen.extend(batch["case"]))
        >>> seen
        ['a', 'b']
    """
    import pyarrow.parquet as pq  # noqa: PLC0415

    file = pq.ParquetFile(path)
    for batch in file.iter_batches(batch_size=CHOOSING_ROWS, columns=columns):
        visit(_columns_of(batch, columns))


def _columns_of(batch, columns: list[str]) -> pd.DataFrame:
    """Some columns of an Arrow batch, as a chooser gets them."""
    return pd.DataFrame({c: batch.column(c).to_pandas() for c in columns})


def parquet_header(path: Path) -> list[str]:
    """The columns :func:`read_parquet_frame` gives a Parquet file (pandas' stored index
    is none of them), read from its schema alone."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    return [str(c) for c in _to_pandas(pq.ParquetFile(path).schema_arrow.empty_table()).columns]


def distinct_values(path: Path, column: str) -> pd.Series:
    """The distinct values of one column of a Parquet file, read a batch at a time
    (the column of a national file would not fit as a whole).

    Example:
        >>> import pyarrow as pa, pyarrow.parquet as pq, tempfile
        >>> file = Path(tempfile.mkdtemp()) / "log.parquet"
        >>> pq.write_table(pa.table({"tila": ["valmis", None, "valmis", "alku"]}), file)
        >>> sorted(distinct_values(file, "tila").dropna())
        ['alku', 'valmis']
    """
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    file = pq.ParquetFile(path)
    parts = [pc.unique(batch.column(0)) for batch in file.iter_batches(batch_size=CHOOSING_ROWS, columns=[column])]
    if not parts:
        return pd.Series([], dtype=object, name=column)
    values = pc.unique(pa.chunked_array(parts, type=file.schema_arrow.field(column).type))
    return pd.Series(values.to_pandas(), name=column)


def first_values(path: Path, column: str, rows: int) -> pd.Series:
    """The first ``rows`` values of one column of a Parquet file."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    batch = next(pq.ParquetFile(path).iter_batches(batch_size=rows, columns=[column]), None)
    return pd.Series([], dtype=object, name=column) if batch is None else batch.column(0).to_pandas().rename(column)


def _to_pandas(table) -> pd.DataFrame:
    """An Arrow table as ``pandas.read_parquet`` makes a frame of it (the dtypes of pandas'
    own conversion, which ``pyarrow.Table.to_pandas`` alone does not give in pandas 3)."""
    try:
        from pandas.io._util import arrow_table_to_pandas  # noqa: PLC0415 - what read_parquet calls
    except ImportError:  # pandas before 2.2
        return table.to_pandas()
    return arrow_table_to_pandas(table)


def repeating_text_columns(path: Path) -> list[str]:
    """The text columns of a Parquet file whose first :data:`SAMPLE_ROWS` rows hold at
    most half as many distinct values as rows (the rule by which
    :func:`rpa_scout.clean.standardise` keeps an attribute as categories)."""
    import pyarrow.parquet as pq  # noqa: PLC0415 - heavy import only when needed

    file = pq.ParquetFile(path)
    text = _text_columns(file.schema_arrow)
    if not text or file.metadata.num_rows == 0 or len(set(text)) < len(text):
        return []
    return repeating(next(file.iter_batches(batch_size=SAMPLE_ROWS, columns=text)))


def repeating(table) -> list[str]:
    """The text columns of an Arrow table or batch that repeat their values: at most half
    as many distinct values as rows in their first :data:`SAMPLE_ROWS` rows.

    Example:
        >>> import pyarrow as pa
        >>> repeating(pa.table({"kind": ["a", "b", "a", "a"], "id": ["1", "2", "3", "4"]}))
        ['kind']
    """
    import pyarrow.compute as pc  # noqa: PLC0415

    text = _text_columns(table.schema)
    sample = table.select(text).slice(0, SAMPLE_ROWS)
    # a column without a value in its first rows stays text: read as a dictionary, an
    # all-missing column would get categories of no type (object) where text gets str
    return [name for name, column in zip(text, sample.columns, strict=True)
            if column.null_count < sample.num_rows
            and 2 * pc.count_distinct(column, mode="all").as_py() <= sample.num_rows]


def _text_columns(schema) -> list[str]:
    import pyarrow as pa  # noqa: PLC0415

    return [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
