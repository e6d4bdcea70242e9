"""Write event logs as XES (``.xes``, ``.xes.gz``), CSV (``.csv``, ``.csv.gz``) or Parquet.

The same log always gives the same bytes: gzip headers carry no time or file name,
XES is written here (no creation time, no generated ids), Parquet by pyarrow with fixed
settings. Timestamps are written in local time with their UTC offset
(``2025-03-04T08:15:00+02:00``), so they read back as the same instants. Files appear
whole or not at all (written beside the target, then renamed).
"""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Mapping

import numpy as np
import pandas as pd

from rpa_scout.columns import XES, LogColumns
from rpa_scout.errors import InputError, OutputError
from rpa_scout.io.files import atomic_write
from rpa_scout.io.formats import LOG_WRITE, format_of, strip_suffix
from rpa_scout.timestamps import DEFAULT_TIMEZONE

CASE_PREFIX = "case:"
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XES_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
\t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
\t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
\t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
\t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
\t<classifier name="Activity" keys="concept:name"/>
"""


def output_format(path: str | Path) -> str:
    """``xes``, ``csv`` or ``parquet`` from the file name, or :class:`InputError`."""
    fmt = format_of(path, LOG_WRITE)
    if fmt is None:
        raise InputError(f"{Path(path).name}: unknown output format; name the file "
                         "*.xes.gz, *.xes, *.csv, *.csv.gz or *.parquet")
    return fmt


def truth_path(path: str | Path) -> Path:
    """``<stem>.truth.json`` beside a log file (``laskut.csv.gz`` → ``laskut.truth.json``)."""
    path = Path(path)
    return path.with_name(f"{strip_suffix(path, LOG_WRITE)}.truth.json")


def write_log(log: pd.DataFrame, path: str | Path, *, timezone: str = DEFAULT_TIMEZONE,
              columns: LogColumns = XES) -> Path:
    """Write an XES-named event log; the file name picks the format.

    Args:
        log: events with XES column names; ``case:``-prefixed columns are case
            attributes (XES trace attributes).
        path: ``.xes``, ``.xes.gz``, ``.csv``, ``.csv.gz`` or ``.parquet`` file.
        timezone: zone whose local time (with offset) XES and CSV timestamps show.
        columns: column names, XES by default.

    Returns:
        The path written.

    Raises:
        InputError: unknown format, missing case/activity/timestamp column.
        OutputError: the file cannot be written.
    """
    path = Path(path)
    fmt = output_format(path)
    missing = [c for c in (columns.case, columns.activity, columns.timestamp)
               if not isinstance(c, str) or c not in log.columns]
    if missing:
        raise InputError(f"cannot write {path.name}: the log has no column {missing[0]!r}")
    if fmt == "parquet":
        return _atomic_in_new_folder(path, lambda fh: _write_parquet(log, fh))
    gz = path.name.lower().endswith(".gz")
    if fmt == "csv":
        return _atomic_in_new_folder(path, lambda fh: _write_chunks(_csv_chunks(log, timezone), fh, gz))
    return _atomic_in_new_folder(path, lambda fh: _write_chunks(_xes_chunks(log, timezone, columns), fh, gz))


def write_truth(truth: Mapping[str, Any], path: str | Path) -> Path:
    """Write a ground-truth document as UTF-8 JSON (indented, keys in their order)."""
    text = json.dumps(truth, indent=2, ensure_ascii=False) + "\n"
    return _atomic_in_new_folder(Path(path), lambda fh: fh.write(text.encode("utf-8")))


def iso_timestamps(values: pd.Series, timezone: str = DEFAULT_TIMEZONE,
                   milliseconds: bool = False) -> np.ndarray:
    """Tz-aware timestamps → ISO 8601 local time with offset (``...T08:15:00+02:00``).

    Fractions of a second are written (to the microsecond) only when some value has
    them, or as milliseconds when ``milliseconds`` is true. Missing values become ``""``.
    """
    ts = pd.Series(values)
    if getattr(ts.dt, "tz", None) is None:
        ts = ts.dt.tz_localize("UTC")
    ts = ts.dt.tz_convert(timezone)
    missing = ts.isna().to_numpy()
    local = ts.dt.tz_localize(None).to_numpy().astype("datetime64[us]")
    utc = ts.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy().astype("datetime64[us]")
    offset = np.where(missing, 0, (local - utc).astype("timedelta64[m]").astype(np.int64))
    micro = local.astype(np.int64) % 1_000_000
    unit = "us" if (micro[~missing] % 1000).any() else \
        "ms" if milliseconds or micro[~missing].any() else "s"
    body = np.datetime_as_string(local.astype(f"datetime64[{unit}]"), unit=unit).astype(object)
    codes, uniques = pd.factorize(offset)
    signs = ["+" if m >= 0 else "-" for m in uniques]
    labels = np.array([f"{s}{abs(m) // 60:02d}:{abs(m) % 60:02d}" for s, m in zip(signs, uniques)],
                      dtype=object)
    out = body + labels[codes]
    out[missing] = ""
    return out


# --------------------------------------------------------------------------- CSV
def _csv_chunks(log: pd.DataFrame, timezone: str) -> Iterator[bytes]:
    frame = log.copy()
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.DatetimeTZDtype) or \
                pd.api.types.is_datetime64_any_dtype(frame[col].dtype):
            frame[col] = iso_timestamps(frame[col], timezone)
    step = 200_000
    for start in range(0, max(len(frame), 1), step):
        buffer = io.StringIO()
        frame.iloc[start:start + step].to_csv(buffer, index=False, header=start == 0,
                                              lineterminator="\n")
        yield buffer.getvalue().encode("utf-8")


# --------------------------------------------------------------------------- XES
def _xes_chunks(log: pd.DataFrame, timezone: str, columns: LogColumns) -> Iterator[bytes]:
    case_col = str(columns.case)
    codes, _ = pd.factorize(log[case_col].astype("string"), sort=False)
    if (codes < 0).any():
        raise InputError("cannot write XES: some events have no case id")
    order = np.argsort(codes, kind="stable")
    frame = log.iloc[order].reset_index(drop=True)
    codes = codes[order]
    bounds = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1], True])
    firsts = bounds[:-1]
    trace_cols = [c for c in frame.columns if str(c).startswith(CASE_PREFIX)]
    event_cols = [c for c in frame.columns if c not in trace_cols]
    trace_xml = np.full(len(firsts), "\t<trace>\n", dtype=object)
    head = frame.iloc[firsts].reset_index(drop=True)
    for col in [case_col] + [c for c in trace_cols if c != case_col]:
        key = "concept:name" if col == case_col else str(col)[len(CASE_PREFIX):]
        trace_xml = trace_xml + _attribute_xml(head[col], key, "\t\t", timezone)
    event_xml = np.full(len(frame), "\t\t<event>\n", dtype=object)
    for col in event_cols:
        event_xml = event_xml + _attribute_xml(frame[col], str(col), "\t\t\t", timezone)
    event_xml = event_xml + "\t\t</event>\n"
    yield _XES_HEAD.encode("utf-8")
    parts: list[str] = []
    size = 0
    for t in range(len(firsts)):
        parts.append(trace_xml[t])
        parts.extend(event_xml[bounds[t]:bounds[t + 1]])
        parts.append("\t</trace>\n")
        size += bounds[t + 1] - bounds[t]
        if size >= 50_000:
            yield "".join(parts).encode("utf-8")
            parts, size = [], 0
    parts.append("</log>\n")
    yield "".join(parts).encode("utf-8")


def _attribute_xml(values: pd.Series, key: str, indent: str, timezone: str) -> np.ndarray:
    """One XES attribute element per value (``""`` where the value is missing)."""
    dtype = values.dtype
    key_attr = _escape(key)
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        codes, uniques = pd.factorize(iso_timestamps(values, timezone, milliseconds=True))
        table = np.array([f'{indent}<date key="{key_attr}" value="{v}"/>\n' if v else ""
                          for v in uniques], dtype=object)
        return table[codes]
    if pd.api.types.is_bool_dtype(dtype):
        tag, fmt = "boolean", (lambda v: "true" if v else "false")
    elif pd.api.types.is_integer_dtype(dtype):
        tag, fmt = "int", (lambda v: str(int(v)))
    elif pd.api.types.is_float_dtype(dtype):
        tag, fmt = "float", (lambda v: repr(float(v)))
    else:
        tag, fmt = "string", (lambda v: _escape(str(v)))
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    rendered = [f'{indent}<{tag} key="{key_attr}" value="{fmt(v)}"/>\n' for v in uniques]
    table = np.array(rendered + [""], dtype=object)
    return table[np.where(codes < 0, len(rendered), codes)]


def _escape(text: str) -> str:
    text = _ILLEGAL_XML.sub("\ufffd", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
            .replace("\t", "&#9;"))


# ------------------------------------------------------------------------ Parquet
def _write_parquet(log: pd.DataFrame, fh: BinaryIO) -> None:
    import pyarrow as pa  # noqa: PLC0415 - heavy import only when needed
    import pyarrow.parquet as pq  # noqa: PLC0415

    table = pa.Table.from_pandas(log.reset_index(drop=True), preserve_index=False)
    pq.write_table(table, fh, compression="zstd", compression_level=3, use_dictionary=True,
                   write_statistics=True, row_group_size=1 << 20, version="2.6")


# -------------------------------------------------------------------------- files
def _write_chunks(chunks: Iterator[bytes], fh: BinaryIO, gz: bool) -> None:
    if not gz:
        for chunk in chunks:
            fh.write(chunk)
        return
    with gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=6) as out:
        for chunk in chunks:
            out.write(chunk)


def _atomic_in_new_folder(path: Path, write: Any) -> Path:
    """:func:`atomic_write`, creating the target's folder first (``generate --out new/x``)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the folder {path.parent} ({exc.strerror or exc})") from None
    return atomic_write(path, write)
