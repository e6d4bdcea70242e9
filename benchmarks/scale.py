"""How ``rank``'s time and memory grow with the log, side by side with the pm4py groundwork.

    python benchmarks/scale.py [--cases 62000 186000 620000] [--seed 7] [--rounds 1] [--stack 5]

For each size, the synthetic ostolaskut log (start and complete events; 62,000 cases ≈
1.03M events) is generated once and cached as Parquet in ``benchmarks/.cache/``, then
both tools run on it in fresh subprocesses, alternating, exactly as
``benchmarks/rank_speed.py`` runs them (wall time with imports, peak RSS from
``os.wait4``). The table gives each size's time and memory, the ratio rpa_scout ÷ pm4py,
and the growth exponent between consecutive sizes: b in time ∝ events^b (1 is linear).
``--stack N`` adds one size beyond the largest: N copies of the largest log, each a year
(52 weeks, so weekdays and working hours stay as they were) after the one before, its
case ids prefixed with the copy (``2~OL-2025-000001``: a log in case and time order stays
so); written by streaming Parquet batches, so making it takes
little memory (50M events from the 10M log: a big city's invoices over five years).
Results go to ``benchmarks/results/scale.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rank_speed  # noqa: E402  (the same workers and measurement)

RESULTS = rank_speed.RESULTS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[62_000, 186_000, 620_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=1, help="runs of each tool per size (alternating)")
    parser.add_argument("--stack", type=int, default=0,
                        help="also N copies of the largest log, a year apart (0: none)")
    parser.add_argument("--out", type=Path, default=RESULTS / "scale.md")
    args = parser.parse_args()
    rows = []
    sizes = [(cases, *rank_speed.log_file("synthetic", cases, args.seed)) for cases in sorted(args.cases)]
    if args.stack > 1:
        largest, path, zone = sizes[-1]
        sizes.append((largest * args.stack, _stacked(path, args.stack), zone))
    for cases, path, zone in sizes:
        runs = rank_speed.measure(f"synthetic {cases:,} cases", path, zone, args.rounds)
        rows.append((cases, _events(path), {t: _best(r) for t, r in runs.items()}))
    text = _table(rows, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


def _stacked(path: Path, copies: int) -> Path:
    """``copies`` copies of the log at ``path``, each 52 weeks after the one before, case
    ids prefixed ``k~``; made once, batch by batch."""
    import datetime
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out = path.with_name(f"{path.stem}_x{copies}.parquet")
    if out.exists():
        return out
    source = pq.ParquetFile(path)
    schema = source.schema_arrow
    part = out.with_suffix(".part")
    with pq.ParquetWriter(part, schema) as writer:
        for k in range(copies):
            shift = pa.scalar(datetime.timedelta(weeks=52 * k), pa.duration("us"))
            for batch in source.iter_batches(batch_size=1_000_000):
                table = pa.Table.from_batches([batch], schema=schema)
                ids = table["case:concept:name"]
                case = pc.binary_join_element_wise(pa.scalar(f"{k}~", ids.type), ids, pa.scalar("", ids.type))
                table = table.set_column(table.schema.get_field_index("case:concept:name"), "case:concept:name", case)
                table = table.set_column(table.schema.get_field_index("time:timestamp"), "time:timestamp",
                                         pc.add(table["time:timestamp"], shift))
                writer.write_table(table)
    part.rename(out)
    return out


def _events(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


def _best(runs: list[dict]) -> dict:
    best = min(runs, key=lambda r: r["wall_s"])
    return {"wall_s": best["wall_s"], "peak_mb": max(r["peak_rss_mb"] for r in runs), "phases": best["phases"]}


def _exponent(a: tuple, b: tuple, tool: str, key: str) -> str:
    (_, n1, m1), (_, n2, m2) = a, b
    return f"{math.log(m2[tool][key] / m1[tool][key]) / math.log(n2 / n1):.2f}"


def _table(rows: list, args) -> str:
    import pandas as pd
    import numpy as np

    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# rank at growing log sizes, side by side with the pm4py groundwork", "",
        f"Run {now} with `python benchmarks/scale.py --cases {' '.join(map(str, args.cases))} "
        f"--rounds {args.rounds}" + (f" --stack {args.stack}" if args.stack > 1 else "")
        + (f" --out {args.out}" if args.out != RESULTS / "scale.md" else "") + "`.", "",
        f"Machine: {platform.node()}, {platform.machine()}, 2 cores (shared, noisy: the tools "
        f"alternate in one run). Python {platform.python_version()}, pandas {pd.__version__}, "
        f"numpy {np.__version__}.", "",
        "The synthetic ostolaskut log with start and complete events, read from Parquet by both "
        "tools; what each tool does is described in `benchmarks/rank_speed.py`.", "",
        "| events | rpa_scout wall | pm4py wall | rpa_scout ÷ pm4py | rpa_scout peak RSS | pm4py peak RSS "
        "| rpa_scout phases (s) |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for _, events, m in rows:
        r, p = m["rpa_scout"], m["pm4py"]
        phases = ", ".join(f"{k} {v:.1f}" for k, v in r["phases"].items())
        lines.append(f"| {events:,} | {r['wall_s']:.1f} s | {p['wall_s']:.1f} s | "
                     f"**{r['wall_s'] / p['wall_s']:.2f}×** | {r['peak_mb']:,.0f} MB | "
                     f"{p['peak_mb']:,.0f} MB | {phases} |")
    if len(rows) > 1:
        lines += ["", "Growth exponent b (time or memory ∝ events^b) between consecutive sizes:", "",
                  "| from → to | rpa_scout time | pm4py time | rpa_scout memory | pm4py memory |",
                  "|---|---:|---:|---:|---:|"]
        for a, b in zip(rows, rows[1:]):
            lines.append(f"| {a[1]:,} → {b[1]:,} | {_exponent(a, b, 'rpa_scout', 'wall_s')} | "
                         f"{_exponent(a, b, 'pm4py', 'wall_s')} | {_exponent(a, b, 'rpa_scout', 'peak_mb')} | "
                         f"{_exponent(a, b, 'pm4py', 'peak_mb')} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
