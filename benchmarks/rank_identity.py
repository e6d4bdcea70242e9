"""Record ``rank``'s full output on every readable log, and check a later run equals it.

    python benchmarks/rank_identity.py record [--dir benchmarks/.cache/identity] [--only NAME ...]
    python benchmarks/rank_identity.py check  [--dir benchmarks/.cache/identity] [--only NAME ...]
                                              [--category-as-text] [--categorical-roles]

For each shipped sample (``eventlogs/``), each real log in ``../shared/eventlogs`` (skipped
when absent) and ``rank_speed.py``'s synthetic 1M-event log (when generated), read as the tests read it (zone per log), pseudonymised with a fixed key:
:func:`rpa_scout.rank_candidates`'s whole :class:`~rpa_scout.rank.Ranking` (candidates, all
columns; excluded; assumptions; notes; bootstrap rounds; method error; the handling result
it used) and a separate :func:`rpa_scout.estimate_handling_time` (instances and activities).
``record`` pickles them (git-ignored cache); ``check`` recomputes and compares: integers,
strings, order, dtypes and index exactly, floats within 1e-9 relative (NaN equal to NaN).
A speed-up must pass ``check`` on every log before it is merged. ``--category-as-text``
lets a text column that is now stored as categories (same values, a missing one as
``<NA>`` or ``NaN``) pass, for a change of storage only. ``--categorical-roles`` reads
each log as the ``rpa-scout`` commands do (``read_log(categorical_roles=True)``); check it
with ``--category-as-text`` against a record read with text roles.
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
import time
from dataclasses import fields, is_dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eventlogs"
SAMPLES = ROOT / "eventlogs"
KEY = "identity-check"
RTOL = 1e-9
BPIC15_ALL = dict(case="tid", activity="conceptName", timestamp="dateFinished", resource="executingResource")
#: name, path, zone, read options (the zones the tests and README use)
LOGS = (
    ("ostolaskut", SAMPLES / "ostolaskut.csv.gz", "Europe/Helsinki", {}),
    ("ostolaskut_complete_only", SAMPLES / "ostolaskut_complete_only.csv.gz", "Europe/Helsinki", {}),
    ("rakennuslupa", SAMPLES / "rakennuslupa.xes.gz", "Europe/Helsinki", {}),
    ("varhaiskasvatus", SAMPLES / "varhaiskasvatus.csv.gz", "Europe/Helsinki", {}),
    ("receipt", SHARED / "receipt/receipt.xes.gz", "Europe/Amsterdam", {}),
    ("bpic2012", SHARED / "bpic2012/bpic2012.xes.gz", "Europe/Amsterdam", {}),
    ("bpic15_1", SHARED / "bpic15/BPIC15_1.xes.gz", "Europe/Amsterdam", {}),
    ("bpic15_all5", SHARED / "bpic15/BPIC15_all5.parquet", "Europe/Amsterdam", BPIC15_ALL),
    ("road_fines", SHARED / "road_traffic_fines/Road_Traffic_Fine_Management_Process.xes.gz",
     "Europe/Rome", {}),
    ("production", SHARED / "two_timestamps/Production.xes.gz", "Europe/Tallinn", {}),
    ("purchasing", SHARED / "two_timestamps/PurchasingExample.xes.gz", "America/New_York", {}),
    ("synthetic_1m", ROOT / "benchmarks/.cache/ostolaskut_62000_seed7.parquet", "Europe/Helsinki", {}),
    *((f"bpic2020_{n}", SHARED / f"bpic2020/{n}.xes.gz", "Europe/Amsterdam", {})
      for n in ("PermitLog", "DomesticDeclarations", "InternationalDeclarations",
                "PrepaidTravelCost", "RequestForPayment")),
)


def snapshot(path: Path, zone: str, read: dict, categorical_roles: bool = False) -> dict:
    """Everything ``rank`` returns for one log, as plain values and DataFrames."""
    from rpa_scout import estimate_handling_time, pseudonymise, rank_candidates, read_log
    from rpa_scout.settings import Settings

    log, _ = read_log(path, timezone=zone, **read, categorical_roles=categorical_roles)
    log = pseudonymise(log, key=KEY)
    settings = Settings.of(timezone=zone)
    ranking = rank_candidates(log, settings=settings)
    handling = estimate_handling_time(log, settings=settings)
    return {
        "candidates": ranking.candidates, "excluded": ranking.excluded,
        "assumptions": [_plain(a) for a in ranking.assumptions],
        "notes": [_plain(n) for n in ranking.notes],
        "bootstrap": ranking.bootstrap, "method_error": ranking.method_error,
        "fit_threshold": ranking.fit_threshold, "economics": _plain(ranking.economics),
        "ranking.handling.instances": ranking.handling.instances,
        "ranking.handling.activities": ranking.handling.activities,
        "ranking.handling.working_hours": _plain(ranking.handling.working_hours),
        "handling.instances": handling.instances, "handling.activities": handling.activities,
        "handling.working_hours": _plain(handling.working_hours),
    }


def _plain(value):
    """Messages as (text, key, values); dataclasses as dicts; containers recursively."""
    if hasattr(value, "key") and hasattr(value, "values") and isinstance(value, str):
        return ("Message", str(value), value.key, _plain(value.values))
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)} | {"_type": type(value).__name__}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def differences(old, new, where: str = "") -> list[str]:
    """Where ``new`` differs from ``old`` (empty: equal under the rules of the module)."""
    if isinstance(old, pd.DataFrame) or isinstance(new, pd.DataFrame):
        return _frame_differences(old, new, where)
    if isinstance(old, dict) and isinstance(new, dict):
        if list(old) != list(new):
            return [f"{where}: keys {list(old)} != {list(new)}"]
        return [d for k in old for d in differences(old[k], new[k], f"{where}.{k}")]
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):
        if type(old) is not type(new) or len(old) != len(new):
            return [f"{where}: {type(old).__name__}[{len(old)}] != {type(new).__name__}[{len(new)}]"]
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in differences(a, b, f"{where}[{i}]")]
    return [] if _same_scalar(old, new) else [f"{where}: {old!r} != {new!r}"]


def _same_scalar(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, (float, np.floating)):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=RTOL, abs_tol=0.0)
    if a is pd.NaT or a is pd.NA or a is None:
        return b is a
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return repr(a) == repr(b)


def _frame_differences(old, new, where: str) -> list[str]:
    if old is None or new is None:
        return [] if old is None and new is None else [f"{where}: one is None"]
    if list(old.columns) != list(new.columns):
        return [f"{where}: columns {list(old.columns)} != {list(new.columns)}"]
    if not old.index.equals(new.index) or old.index.dtype != new.index.dtype:
        return [f"{where}: index differs"]
    found = []
    for name in old.columns:
        a, b = old[name], new[name]
        if CATEGORY_AS_TEXT and _text_and_category(a.dtype, b.dtype):  # missing: <NA> or NaN
            a, b = (c.astype(object).where(c.notna(), None) for c in (a, b))
        if a.dtype != b.dtype:
            found.append(f"{where}[{name}]: dtype {a.dtype} != {b.dtype}")
        elif not _same_column(a, b):
            found.append(f"{where}[{name}]: values differ")
    return found


#: ``--category-as-text``: a text column and a categorical one of the same values are equal.
CATEGORY_AS_TEXT = False


def _text_and_category(a, b) -> bool:
    kinds = {isinstance(a, pd.CategoricalDtype), isinstance(b, pd.CategoricalDtype)}
    other = b if isinstance(a, pd.CategoricalDtype) else a
    return kinds == {True, False} and (isinstance(other, pd.StringDtype) or other == object)


def _same_column(a: pd.Series, b: pd.Series) -> bool:
    if pd.api.types.is_float_dtype(a.dtype):
        x, y = a.to_numpy(dtype=float), b.to_numpy(dtype=float)
        return bool(np.array_equal(np.isnan(x), np.isnan(y))
                    and np.allclose(x[~np.isnan(x)], y[~np.isnan(y)], rtol=RTOL, atol=0.0))
    if a.dtype == object:
        return len(a) == len(b) and all(_same_scalar(x, y) or (pd.isna(x) is True and pd.isna(y) is True
                                                                and type(x) is type(y))
                                        for x, y in zip(a.tolist(), b.tolist()))
    return bool(a.isna().equals(b.isna()) and a[a.notna()].equals(b[b.notna()]))


def main() -> None:
    """Record or check every log that is present."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("record", "check"))
    parser.add_argument("--dir", type=Path, default=ROOT / "benchmarks" / ".cache" / "identity")
    parser.add_argument("--only", nargs="*", help="log names (default: all)")
    parser.add_argument("--category-as-text", action="store_true",
                        help="a text column now stored as categories passes when its values are the same")
    parser.add_argument("--categorical-roles", action="store_true",
                        help="read the case, activity and resource columns as categories, as the CLI does")
    args = parser.parse_args()
    global CATEGORY_AS_TEXT
    CATEGORY_AS_TEXT = args.category_as_text
    args.dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name, path, zone, read in LOGS:
        if args.only and name not in args.only:
            continue
        if not path.exists():
            print(f"{name}: skipped ({path} not found)")
            continue
        started = time.perf_counter()
        snap = snapshot(path, zone, read, args.categorical_roles)
        took = time.perf_counter() - started
        failed += record_or_check(args.mode, args.dir / f"{name}.pkl", snap, name, took,
                                  f"{len(snap['candidates'])} candidates",
                                  lambda old, new: differences(old, new, name))
    sys.exit(1 if failed else 0)


def record_or_check(mode: str, store: Path, result, label: str, took: float, size: str,
                    compare) -> bool:
    """``record``: pickle ``result`` to ``store``; ``check``: compare it with the stored one
    (``compare(old, new)`` lists the differences) and print them. True when it differs."""
    if mode == "record":
        store.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        print(f"{label}: recorded {size} ({took:.1f} s)", flush=True)
        return False
    found = compare(pickle.loads(store.read_bytes()), result)
    print(f"{label}: {'SAME' if not found else 'DIFFERENT'} ({took:.1f} s)", flush=True)
    for line in found[:30]:
        print("   ", line)
    return bool(found)


if __name__ == "__main__":
    main()
