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

from pathlib import Path

import pandas as pd

#: Rows read first to decide which text columns repeat their values.
SAMPLE_ROWS = 65_536


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
