"""Record what ``read_log`` returns for every readable log, and check a later run equals it.

    python benchmarks/read_identity.py record [--dir benchmarks/.cache/read_identity] [--only NAME ...]
    python benchmarks/read_identity.py check  [--dir benchmarks/.cache/read_identity] [--only NAME ...]

The logs and zones of ``rank_identity.py`` (samples, the real logs in ``../shared/eventlogs``
when present, the synthetic 1M-event log when generated), each read twice: with the role
columns as text (``read_log``'s default) and as categories (``categorical_roles=True``, as
the commands read). ``check`` compares the log exactly (values, dtypes, categories, order,
index) and the load report field by field. A change to reading must pass ``check`` on
every log before it is merged. An XES log is read once first, so that its Parquet cache
exists and the report's note on it is the same in every run.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import fields
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from rank_identity import LOGS, ROOT, record_or_check  # noqa: E402


def differences(old: tuple, new: tuple) -> list[str]:
    """What differs between two ``read_log`` results: the log, then each report field."""
    found = []
    try:
        pd.testing.assert_frame_equal(old[0], new[0], check_exact=True)
    except AssertionError as exc:
        found.append(f"log: {' '.join(str(exc).split())[:300]}")
    found += [f"report.{f.name}: {getattr(old[1], f.name)!r} → {getattr(new[1], f.name)!r}"[:300]
              for f in fields(old[1]) if getattr(old[1], f.name) != getattr(new[1], f.name)]
    return found


def main() -> None:
    """Record or check every log that is present."""
    from rpa_scout import read_log

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("record", "check"))
    parser.add_argument("--dir", type=Path, default=ROOT / "benchmarks" / ".cache" / "read_identity")
    parser.add_argument("--only", nargs="*", help="log names (default: all)")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    failed = 0
    for name, path, zone, read in LOGS:
        if (args.only and name not in args.only) or not path.exists():
            continue
        if ".xes" in path.name:
            read_log(path, timezone=zone, **read)  # the Parquet cache, noted in the report
        for categorical in (False, True):
            started = time.perf_counter()
            result = read_log(path, timezone=zone, **read, categorical_roles=categorical)
            took = time.perf_counter() - started
            failed += record_or_check(args.mode, args.dir / f"{name}{'_categorical' if categorical else ''}.pkl",
                                      result, f"{name}{' (categorical roles)' if categorical else ''}",
                                      took, f"{len(result[0]):,} rows", differences)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
