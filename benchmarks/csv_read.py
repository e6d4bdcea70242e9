"""A large Finnish CSV export read block by block against read whole, and against pandas
plus pm4py's ``format_dataframe``.

    python benchmarks/csv_read.py [--towns 20] [--cases 25000] [--rounds 2] [--no-rank]

The CSV is written once (in ``benchmarks/.cache/``) from the pooled log of
``spark_compare.py`` (``--towns`` synthetic municipalities, ``--cases`` cases each) as a
municipal case system exports it: cp1252, ``;``, every field quoted, Finnish headers,
``dd.mm.yyyy hh.mm`` wall-clock times, amounts with a decimal comma. Each way runs in a
fresh process, alternating, the rounds one after the other:

- **read, block by block**: ``read_log`` as it is (:mod:`rpa_scout.io.csv_stream`;
  timestamps read once per distinct value);
- **read whole**: ``read_log`` with the block reader and the reading by distinct value
  switched off (``STREAM_FROM`` and ``DISTINCT_FROM`` set out of reach), as before;
- **pandas + pm4py**: ``pandas.read_csv`` (``sep=";"``, ``encoding="cp1252"``) and
  ``pm4py.format_dataframe`` with the timestamp format given, the groundwork a pm4py
  user writes (no checks, no load report);
- **rank**, both ways of reading (``--no-rank`` leaves them out): the whole command; the
  rankings written are checked equal.

Wall time includes imports; memory is the process's peak resident set (``os.wait4``).
Results go to ``benchmarks/results/csv_read.md``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spark_compare  # noqa: E402  (the pooled log)
from _common import run_header, run_python, versions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
HEADER = ("Asianumero", "Toimenpide", "Aikaleima", "Käsittelijä", "Tila", "Toimittajatyyppi", "Summa", "Kunta")
WHOLE = ("import rpa_scout.io.csv_stream as s, rpa_scout.timestamps as t; "
         "s.STREAM_FROM = t.DISTINCT_FROM = 1 << 62; ")
READ = ("import sys; from rpa_scout import read_log; "
        "log, report = read_log(sys.argv[1], timezone=sys.argv[2]); print(len(log), report.rows_read)")
PM4PY = ("import sys, pandas as pd, pm4py; "
         "df = pd.read_csv(sys.argv[1], sep=';', encoding='cp1252'); "
         "df = pm4py.format_dataframe(df, case_id='Asianumero', activity_key='Toimenpide', "
         "timestamp_key='Aikaleima', timest_format='%d.%m.%Y %H.%M'); print(len(df))")
RANK = ("import sys; from rpa_scout.cli import main; "
        "sys.argv = ['rpa-scout', 'rank', sys.argv[1], '--timezone', sys.argv[2], '--out', sys.argv[3]]; main()")
WAYS = {"read, block by block": READ, "read whole (before)": WHOLE + READ, "pandas + pm4py format_dataframe": PM4PY,
        "rank, block by block": RANK, "rank, read whole (before)": WHOLE + RANK}


def export(towns: int, cases: int) -> tuple[Path, str]:
    """The pooled log as a Finnish CSV export (written once, a batch at a time)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    pooled, zone = spark_compare.pooled(towns, cases)
    out = pooled.with_suffix(".csv")
    if out.exists():
        return out, zone
    part = out.with_suffix(".part")
    with open(part, "wb") as fh:
        for i, batch in enumerate(pq.ParquetFile(pooled).iter_batches(batch_size=500_000)):
            local = pc.cast(batch["time:timestamp"], pa.timestamp("us", tz=zone))
            amount = pc.replace_substring(pc.cast(pc.round(batch["case:amount"], 2), pa.string()), ".", ",")
            columns = [batch["case:concept:name"], batch["concept:name"], pc.strftime(local, "%d.%m.%Y %H.%M"),
                       batch["org:resource"], batch["lifecycle:transition"], batch["case:supplier_type"],
                       amount, batch["kunta"]]
            table = pa.table([pc.cast(c, pa.string()) for c in columns], names=list(HEADER))
            sink = pa.BufferOutputStream()
            pacsv.write_csv(table, sink, pacsv.WriteOptions(delimiter=";", quoting_style="all_valid",
                                                            include_header=i == 0))
            fh.write(sink.getvalue().to_pybytes().decode("utf-8").encode("cp1252"))
    part.rename(out)
    return out, zone


def run(code: str, args: list[str]) -> dict:
    """``python -c CODE ARGS`` in a fresh process: wall time, peak RSS, what it printed."""
    wall, peak, printed = run_python(["-c", code, *args], ROOT)
    return {"wall_s": wall, "peak_mb": peak, "printed": printed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=20)
    parser.add_argument("--cases", type=int, default=25_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-rank", action="store_true", help="time the reads only")
    parser.add_argument("--out", type=Path, default=RESULTS / "csv_read.md")
    args = parser.parse_args()
    path, zone = export(args.towns, args.cases)
    ways = {n: c for n, c in WAYS.items() if not (args.no_rank and n.startswith("rank"))}
    runs: dict[str, list[dict]] = {name: [] for name in ways}
    rankings: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.rounds):
            for k, (name, code) in enumerate(ways.items()):
                out = Path(folder) / f"{round_}-{k}.csv"
                runs[name].append(run(code, [str(path), zone, str(out)]))
                if out.exists():
                    rankings[name] = out.read_text(encoding="utf-8")
                print(f"{name}: {runs[name][-1]['wall_s']:.1f} s, {runs[name][-1]['peak_mb']:,.0f} MiB", flush=True)
    same = len(set(rankings.values())) <= 1
    args.out.write_text(table(runs, args, path, same), encoding="utf-8")
    print(f"written {args.out}")


def table(runs: dict[str, list[dict]], args: argparse.Namespace, path: Path, same: bool) -> str:
    best = {n: min(r["wall_s"] for r in rs) for n, rs in runs.items()}
    peak = {n: max(r["peak_mb"] for r in rs) for n, rs in runs.items()}
    events = runs["read, block by block"][0]["printed"].split()[0]
    lines = [run_header("A large CSV export read block by block, read whole, and by pandas + pm4py",
                        "csv_read.py", versions("pandas", "numpy", "pyarrow", "pm4py"),
                        [f"--towns {args.towns} --cases {args.cases} --rounds {args.rounds}"
                         + (" --no-rank" if args.no_rank else "")]), "",
             f"The export: `{path.name}`, {path.stat().st_size / 2**20:,.0f} MiB, {int(events):,} events "
             "(cp1252, `;`, quoted, `dd.mm.yyyy hh.mm`, decimal commas); fresh processes, alternating.", "",
             "| way | wall (best) | peak RSS | ÷ read whole: wall / memory | runs |", "|---|---:|---:|---:|---:|"]
    for name in runs:
        base = "rank, read whole (before)" if name.startswith("rank") else "read whole (before)"
        lines.append(f"| {name} | {best[name]:.1f} s | {peak[name]:,.0f} MiB | "
                     f"{best[name] / best[base]:.2f}× / {peak[name] / peak[base]:.2f}× | {len(runs[name])} |")
    if any(n.startswith("rank") for n in runs):
        lines += ["", f"Rankings of the two ways: {'equal' if same else '**differ**'}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
