"""Variants: distinct activity sequences with their case counts and coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rpa_scout.arguments import top_count
from rpa_scout.columns import XES, LogColumns, require_columns
from rpa_scout.graph import encode

SEPARATOR = " → "


def variants(log: pd.DataFrame, *, top: int | None = None, columns: LogColumns = XES) -> pd.DataFrame:
    """Distinct activity sequences, most frequent first.

    Args:
        log: event log with XES column names.
        top: keep only the ``top`` most frequent variants (a whole number of 1 or more;
            all when ``None``).
        columns: column mapping.

    Returns:
        DataFrame with ``rank``, ``variant`` (activities joined by " → "), ``steps``,
        ``cases``, ``share`` and ``cumulative_share`` (of all cases). Ties are broken by
        the variant text so the order is stable.

    Example:
        >>> from rpa_scout import read_log, variants
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> top = variants(log, top=2)
        >>> top[["rank", "steps", "cases"]].to_dict("records")
        [{'rank': 1, 'steps': 7, 'cases': 870}, {'rank': 2, 'steps': 7, 'cases': 517}]
        >>> top["share"].round(3).tolist()
        [0.29, 0.172]
        >>> top["variant"].iloc[0].split(" → ")[:3]
        ['Lasku vastaanotettu', 'Kustannuspaikan tiliöinti', 'Asiatarkastus']
    """
    columns = require_columns(log, columns)
    top = top_count(top)
    trace = encode(log, columns=columns)
    if len(trace.case) == 0:
        return pd.DataFrame(columns=["rank", "variant", "steps", "cases", "share", "cumulative_share"])
    bounds = np.flatnonzero(np.r_[True, trace.case[1:] != trace.case[:-1], True])
    names = np.asarray(trace.names, dtype=object)
    seqs = [SEPARATOR.join(names[trace.activity[a:b]]) for a, b in zip(bounds[:-1], bounds[1:])]
    steps = np.diff(bounds)
    frame = pd.DataFrame({"variant": seqs, "steps": steps})
    out = frame.groupby("variant", sort=True).agg(steps=("steps", "first"),
                                                  cases=("steps", "size")).reset_index()
    out = out.sort_values(["cases", "variant"], ascending=[False, True], kind="stable")
    total = len(seqs)
    out["share"] = out["cases"] / total
    out["cumulative_share"] = out["share"].cumsum()
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out = out.reset_index(drop=True)
    return out if top is None else out.head(top)
