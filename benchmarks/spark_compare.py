"""``compare --by kunta`` on a pooled log: the local engine against ``--engine spark``.

    python benchmarks/spark_compare.py [--towns 8] [--cases 31000] [--rounds 2] [--master local[2]]

The pooled log is ``--towns`` synthetic municipalities (the ostolaskut log, start and
complete events, ``--cases`` cases each, each its own seed), in one Parquet file with
the municipality in ``kunta``; made once in ``benchmarks/.cache/``. Both engines run
through the real command line (``python -m rpa_scout``) in fresh processes, alternating
(local, spark, local, spark, ...) so that both see the same machine load. Wall time
includes imports, reading and, for Spark, starting its Java process. Memory is the peak
of the resident memory of the command's whole process tree (the Python driver, Spark's
Java process and its Python workers), sampled every 0.1 s: Spark's memory lives in other
processes than the one ``os.wait4`` reports on. The outputs of both engines are checked
equal (the full table as CSV, floats within 1e-6 relative). Results go to
``benchmarks/results/spark_compare.md``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rank_speed  # noqa: E402  (the synthetic logs and their cache)
from _common import run_header, versions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=8)
    parser.add_argument("--cases", type=int, default=31_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--out", type=Path, default=RESULTS / "spark_compare.md")
    args = parser.parse_args()
    path, zone = pooled(args.towns, args.cases)
    common = ["compare", str(path), "--by", "kunta", "--timezone", zone, "-q"]
    commands = {"local": common, "spark": [*common, "--engine", "spark", "--spark-master", args.master]}
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    for r in range(args.rounds):
        for name, command in commands.items():
            result = run_tree(command)
            runs[name].append(result)
            print(f"round {r + 1} {name:<6} wall {result['wall_s']:6.1f} s  peak tree RSS "
                  f"{result['peak_mb']:7.0f} MiB", flush=True)
    same = _same_tables(runs["local"][0]["output"], runs["spark"][0]["output"])
    text = table(runs, args, path, same)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    if not same:
        sys.exit("the two engines' outputs differ")


def pooled(towns: int, cases: int) -> tuple[Path, str]:
    """The pooled Parquet log of ``towns`` synthetic municipalities (made once)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    out = rank_speed.CACHE / f"kunnat_{towns}x{cases}.parquet"
    zone = rank_speed.SYNTHETIC_ZONE
    if out.exists():
        return out, zone
    part = out.with_suffix(".part")
    writer = None
    for k in range(towns):
        source, _ = rank_speed.log_file("synthetic", cases, 100 + k)
        table = pq.read_table(source)
        ids = table["case:concept:name"]
        town = f"kunta-{k + 1:02d}"
        table = table.set_column(table.schema.get_field_index("case:concept:name"), "case:concept:name",
                                 pc.binary_join_element_wise(pa.scalar(f"{town}~", ids.type), ids,
                                                             pa.scalar("", ids.type)))
        table = table.append_column("kunta", pa.array([town] * table.num_rows, pa.string()))
        writer = writer or pq.ParquetWriter(part, table.schema)
        writer.write_table(table)
        source.unlink()  # each town's own file is only a step on the way
    writer.close()
    part.rename(out)
    return out, zone


def run_tree(args: list[str]) -> dict:
    """``python -m rpa_scout ARGS`` in a fresh process: wall time, the peak resident memory
    of its process tree, and its output."""
    import psutil

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "table.csv"
        with tempfile.TemporaryFile("w+") as text:
            started = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "rpa_scout", *args, "--out", str(out)],
                                    stdout=text, stderr=subprocess.STDOUT, cwd=ROOT,
                                    env={**os.environ, "RPA_SCOUT_KEY": "benchmark"})
            peak = [0]
            done = threading.Event()

            def sample() -> None:
                root = psutil.Process(proc.pid)
                while not done.wait(0.1):
                    try:
                        tree = [root, *root.children(recursive=True)]
                        peak[0] = max(peak[0], sum(_rss(p) for p in tree))
                    except psutil.NoSuchProcess:
                        return

            watcher = threading.Thread(target=sample, daemon=True)
            watcher.start()
            code = proc.wait()
            wall = time.perf_counter() - started
            done.set()
            watcher.join()
            text.seek(0)
            output = text.read()
        if code != 0:
            raise RuntimeError(f"{' '.join(args[:4])} failed: {output[-2000:]}")
        table = out.read_text(encoding="utf-8")
    return {"wall_s": wall, "peak_mb": peak[0] / 2**20, "output": table, "printed": output}


def _same_tables(a: str, b: str) -> bool:
    """The two CSV tables are equal, floats within 1e-6 relative (sums in another order)."""
    import io

    import pandas as pd

    try:
        pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(a)), pd.read_csv(io.StringIO(b)),
                                      check_exact=False, rtol=1e-6, atol=0.0)
    except AssertionError:
        return False
    return True


def _rss(process) -> int:
    import psutil

    try:
        return process.memory_info().rss
    except psutil.NoSuchProcess:
        return 0


def table(runs: dict[str, list[dict]], args: argparse.Namespace, path: Path, same: bool) -> str:
    import pyarrow.parquet as pq

    events = pq.ParquetFile(path).metadata.num_rows
    best = {n: min(r["wall_s"] for r in rs) for n, rs in runs.items()}
    median = {n: sorted(r["wall_s"] for r in rs)[len(rs) // 2] for n, rs in runs.items()}
    peak = {n: max(r["peak_mb"] for r in rs) for n, rs in runs.items()}
    lines = [run_header("compare on a pooled log: local engine vs Spark", "spark_compare.py",
                        versions("pandas", "numpy", "pyarrow", "pyspark"),
                        [f"--towns {args.towns} --cases {args.cases} --rounds {args.rounds} "
                         f"--master {args.master}"]), "",
             f"Pooled log: `{path.name}`, {args.towns} municipalities, {events:,} events. Fresh "
             "processes through `python -m rpa_scout compare --by kunta`, alternating; peak "
             "memory of the whole process tree.", "",
             "| engine | wall (best) | wall (median) | peak tree RSS | runs |", "|---|---:|---:|---:|---:|"]
    for name in runs:
        lines.append(f"| {name} | {best[name]:.1f} s | {median[name]:.1f} s | {peak[name]:,.0f} MiB | "
                     f"{len(runs[name])} |")
    lines += ["", f"spark ÷ local (best runs): wall **{best['spark'] / best['local']:.2f}×**, "
              f"memory {peak['spark'] / peak['local']:.2f}×. Outputs (the full table as CSV, floats "
              f"within 1e-6 relative): {'equal' if same else '**differ**'}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
