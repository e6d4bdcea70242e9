"""``rank --where kunta=…`` on a pooled Parquet log: rows chosen while reading, here or on
Spark, against reading the whole file first.

    python benchmarks/where_read.py [--towns 20] [--cases 25000] [--rounds 2] [--no-spark]

The pooled log is the one ``spark_compare.py`` makes (``--towns`` synthetic municipalities,
``--cases`` cases each, the municipality in ``kunta``; made once in ``benchmarks/.cache/``).
Every way runs ``python -m rpa_scout rank POOLED --where kunta=kunta-01 --out ranking.csv``
in fresh processes, alternating: the rows chosen by the Parquet reader; the rows chosen by
Spark (``--engine spark --spark-master local[2]``: this machine's two cores, the JVM
started by the command) and sent to the command to be ranked, from the file and from a
copy of it in a folder per municipality (``kunta=kunta-01/``, made once beside it, as
pooled data is often stored); and the whole file read and filtered after (``--where 'kunta
not in kunta-02, …'``, the same rows by a condition that only the filter decides), as
every ``--where`` was before.
Wall time includes imports (and Spark's start); memory is the peak of the resident
memory of the command's whole process tree (the JVM and Spark's Python workers too),
sampled every 0.1 s. The rankings written are checked equal. Results go to
``benchmarks/results/where_read.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spark_compare  # noqa: E402  (the pooled log, its cache, a command's process tree)
from _common import run_header, versions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
SPARK = ["--engine", "spark", "--spark-master", "local[2]"]
CHOSEN = ["--where", "kunta=kunta-01"]
#: The same rows by a condition left to the filter: ``not in`` is decided after reading.
WHOLE = ["--where", "kunta not in " + ", ".join(f"kunta-{k:02d}" for k in range(2, 100))]
#: way → (the source: the file or its copy in a folder per municipality, the options)
WAYS = {"rows chosen while reading": ("file", CHOSEN),
        "rows chosen by Spark (local[2])": ("file", [*CHOSEN, *SPARK]),
        "rows chosen by Spark from a folder per municipality (`kunta=…/`)": ("folder", [*CHOSEN, *SPARK]),
        "whole file, then filtered": ("file", WHOLE)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=20)
    parser.add_argument("--cases", type=int, default=25_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS / "where_read.md")
    parser.add_argument("--no-spark", action="store_true", help="leave out the way through Spark")
    args = parser.parse_args()
    path, zone = spark_compare.pooled(args.towns, args.cases)
    ways = {name: way for name, way in WAYS.items() if not (args.no_spark and "spark" in way[1])}
    sources = {"file": path, "folder": by_municipality(path) if not args.no_spark else None}
    runs: dict[str, list[dict]] = {name: [] for name in ways}
    for _ in range(args.rounds):
        for name, (source, extra) in ways.items():
            runs[name].append(run([str(sources[source]), "--timezone", zone, *extra]))
            print(f"{name}: {runs[name][-1]['wall_s']:.1f} s, {runs[name][-1]['peak_mb']:,.0f} MiB", flush=True)
    same = len({r["ranking"] for rs in runs.values() for r in rs}) == 1
    text = table(runs, args, path, same)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    if not same:
        sys.exit("the two ways' rankings differ")


def by_municipality(path: Path) -> Path:
    """The pooled file as a folder per municipality (``kunta=kunta-01/…``, the column in the
    folder names only), as pooled data is often stored (made once, beside the file)."""
    import pyarrow.parquet as pq

    folder = path.with_name(path.stem + "_by_kunta")
    if not folder.exists():
        part = folder.with_name(folder.name + ".part")
        pq.write_to_dataset(pq.read_table(path), part, partition_cols=["kunta"])
        part.rename(folder)
    return folder


def run(args: list[str]) -> dict:
    """``python -m rpa_scout rank ARGS --out ranking.csv`` in a fresh process: wall time,
    the peak RSS of its process tree, the ranking written and the lines on what was read."""
    found = spark_compare.run_tree(["rank", *args])
    lines = found["printed"].splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("#") or "No candidate" in line)
    return {"wall_s": found["wall_s"], "peak_mb": found["peak_mb"], "ranking": found["output"],
            "header": " ".join(lines[:start])}


def table(runs: dict[str, list[dict]], args: argparse.Namespace, path: Path, same: bool) -> str:
    import pyarrow.parquet as pq

    events = pq.ParquetFile(path).metadata.num_rows
    best = {n: min(r["wall_s"] for r in rs) for n, rs in runs.items()}
    peak = {n: max(r["peak_mb"] for r in rs) for n, rs in runs.items()}
    chosen, whole = next(iter(runs)), list(runs)[-1]
    lines = [run_header("rank --where on a pooled log: rows chosen while reading, here or on Spark, vs the whole file",
                        "where_read.py", versions("pandas", "numpy", "pyarrow"),
                        [f"--towns {args.towns} --cases {args.cases} --rounds {args.rounds}"]), "",
             f"Pooled log: `{path.name}`, {args.towns} municipalities, {events:,} events; "
             "`rank --where kunta=kunta-01`, fresh processes, alternating; memory is the peak of the "
             "whole process tree.", "",
             "| way | wall (best) | peak tree RSS | ÷ whole file: wall / memory | runs |",
             "|---|---:|---:|---:|---:|"]
    for name in runs:
        lines.append(f"| {name} | {best[name]:.1f} s | {peak[name]:,.0f} MiB | "
                     f"{best[name] / best[whole]:.2f}× / {peak[name] / peak[whole]:.2f}× | {len(runs[name])} |")
    lines += ["", f"Rankings: {'equal' if same else '**differ**'}.", "",
              f"What the first run said it read: {runs[chosen][0]['header']}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
