"""Stored expectations of ``rank``'s output, so that no change alters a ranking silently.

One JSON file per log in ``tests/expected/``: the ranking's candidates (every column),
excluded activities, assumptions, notes and method error, and the handling result's
per-activity table, in full; the bootstrap rounds and the instance table as digests (a
hash of each column, floats to 9 significant digits, and the sums of the float columns).
Floats compare within 1e-9 relative, everything else exactly (dtype, order, values).

Regenerate only when a change of results is intended and explained::

    python -m tests.rank_expectations [NAME ...]
"""

from __future__ import annotations

import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EXPECTED = Path(__file__).resolve().parent / "expected"
SHARED = ROOT.parent / "shared" / "eventlogs"
KEY = "identity-check"
RTOL = 1e-9
#: name → (path, zone): the shipped samples
SAMPLE_LOGS = {name: (ROOT / "eventlogs" / file, "Europe/Helsinki") for name, file in (
    ("ostolaskut", "ostolaskut.csv.gz"), ("ostolaskut_complete_only", "ostolaskut_complete_only.csv.gz"),
    ("rakennuslupa", "rakennuslupa.xes.gz"), ("varhaiskasvatus", "varhaiskasvatus.csv.gz"))}
#: name → (path under ../shared/eventlogs, zone): the zones the tests and the README use
REAL_LOGS = {
    "receipt": ("receipt/receipt.xes.gz", "Europe/Amsterdam"),
    "bpic2012": ("bpic2012/bpic2012.xes.gz", "Europe/Amsterdam"),
    "road_fines": ("road_traffic_fines/Road_Traffic_Fine_Management_Process.xes.gz", "Europe/Rome"),
    "production": ("two_timestamps/Production.xes.gz", "Europe/Tallinn"),
    "purchasing": ("two_timestamps/PurchasingExample.xes.gz", "America/New_York"),
    "permitlog": ("bpic2020/PermitLog.xes.gz", "Europe/Amsterdam"),
}
FULL = ("candidates", "excluded", "method_error", "handling.activities")
DIGESTED = ("bootstrap", "handling.instances")


def run(path: Path, zone: str) -> dict:
    """What ``rank`` gives for one log (pseudonymised with a fixed key), as the CLI reads it."""
    from rpa_scout import estimate_handling_time, pseudonymise, rank_candidates, read_log
    from rpa_scout.settings import Settings

    log, _ = read_log(path, timezone=zone)
    log = pseudonymise(log, key=KEY)
    settings = Settings.of(timezone=zone)
    ranking = rank_candidates(log, settings=settings)
    handling = estimate_handling_time(log, settings=settings)
    return {"candidates": ranking.candidates, "excluded": ranking.excluded,
            "assumptions": list(ranking.assumptions), "notes": list(ranking.notes),
            "bootstrap": ranking.bootstrap, "method_error": ranking.method_error,
            "handling.activities": handling.activities, "handling.instances": handling.instances}


def expectation(result: dict) -> dict:
    """The JSON-able form of :func:`run`'s result."""
    out = {name: _frame(result[name]) for name in FULL}
    out["assumptions"] = [_plain(a) for a in result["assumptions"]]
    out["notes"] = [_plain(n) for n in result["notes"]]
    out.update({name: _digest(result[name]) for name in DIGESTED})
    return out


def _frame(frame: pd.DataFrame | None) -> dict | None:
    if frame is None:
        return None
    return {"index": [_value(v) for v in frame.index.tolist()], "index_dtype": str(frame.index.dtype),
            "columns": [str(c) for c in frame.columns], "dtypes": [str(t) for t in frame.dtypes],
            "values": {str(c): [_value(v) for v in frame[c].tolist()] for c in frame.columns}}


def _value(v):
    """A cell as JSON: floats as floats (NaN as the string "nan"), timestamps as text."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return "nan" if math.isnan(v) else float(v)
    if isinstance(v, pd.Timestamp):
        return {"timestamp": v.isoformat()}
    return str(v)


def _plain(text) -> dict | str:
    """A Message as its text, key and values; other text as it is; numbers as in _value."""
    if isinstance(text, str) and hasattr(text, "key"):
        return {"text": str(text), "key": text.key, "values": {k: _plain(v) for k, v in text.values.items()}}
    if hasattr(text, "__dataclass_fields__"):
        return {f: _plain(getattr(text, f)) for f in text.__dataclass_fields__}
    if isinstance(text, (list, tuple)):
        return [_plain(v) for v in text]
    return _value(text)


def _digest(frame: pd.DataFrame | None) -> dict | None:
    """Each column's dtype and hash; float columns also their NaN count and sum."""
    if frame is None:
        return None
    out = {"rows": len(frame), "columns": {}}
    for name in frame.columns:
        col = frame[name]
        entry = {"dtype": str(col.dtype)}
        if pd.api.types.is_float_dtype(col.dtype):
            values = col.to_numpy(dtype=float)
            text = "\n".join("nan" if math.isnan(v) else f"{v:.9g}" for v in values.tolist())
            entry.update(nan=int(np.isnan(values).sum()), sum=float(np.nansum(values)))
        else:
            text = "\n".join("<NA>" if pd.isna(v) else str(v) for v in col.tolist())
        entry["sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
        out["columns"][str(name)] = entry
    return out


def differences(expected, actual, where: str = "") -> list[str]:
    """Where ``actual`` (JSON-able) differs from ``expected``: floats within 1e-9 relative."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        if list(expected) != list(actual):
            return [f"{where}: keys {list(expected)} != {list(actual)}"]
        return [d for k in expected for d in differences(expected[k], actual[k], f"{where}.{k}")]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{where}: {len(expected)} items != {len(actual)}"]
        return [d for i, (e, a) in enumerate(zip(expected, actual)) for d in differences(e, a, f"{where}[{i}]")]
    if isinstance(expected, float) and isinstance(actual, float):
        same = math.isclose(expected, actual, rel_tol=RTOL, abs_tol=0.0)
    else:
        same = type(expected) is type(actual) and expected == actual
    return [] if same else [f"{where}: expected {expected!r}, got {actual!r}"]


def path_of(name: str) -> Path:
    return EXPECTED / f"rank_{name}.json"


def write(name: str, result: dict) -> Path:
    """Store the expectation of one log."""
    EXPECTED.mkdir(parents=True, exist_ok=True)
    path = path_of(name)
    path.write_text(json.dumps(expectation(result), ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")
    return path


if __name__ == "__main__":
    logs = {**SAMPLE_LOGS, **{n: (SHARED / p, z) for n, (p, z) in REAL_LOGS.items()}}
    for name in sys.argv[1:] or logs:
        path, zone = logs[name]
        if path.exists():
            print(write(name, run(path, zone)))
