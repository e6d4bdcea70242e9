"""``compare --by label`` against ``rank`` on BPIC15's five municipalities, side by side.

    python benchmarks/compare_speed.py [--rounds 2] [--log ../shared/eventlogs/bpic15/BPIC15_all5.parquet]

Both commands run through the real command line (``python -m rpa_scout``), each in a fresh
process, alternating (rank, compare, rank, compare, ...) so that both see the same
machine load; wall time includes imports and reading, peak RSS comes from ``os.wait4``.
``rank`` ranks the whole file as one log; ``compare`` splits it by ``label`` and runs
the whole pipeline on each municipality, then compares them. The aim: compare within
1.5 × rank's time. The table goes to ``benchmarks/results/compare_speed.md``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import run_header, run_python, versions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DEFAULT_LOG = ROOT.parent / "shared" / "eventlogs" / "bpic15" / "BPIC15_all5.parquet"
MAPPING = ["--case", "tid", "--activity", "conceptName", "--timestamp", "dateFinished",
           "--resource", "executingResource", "--timezone", "Europe/Amsterdam"]
COMMANDS = {"rank": ["rank"], "compare": ["compare", "--by", "label", "--label", "activityNameEN"]}
AIM = 1.5


def main() -> None:
    """Run both commands ``--rounds`` times, alternating; write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--log", type=Path, default=DEFAULT_LOG)
    parser.add_argument("--out", type=Path, default=RESULTS / "compare_speed.md")
    args = parser.parse_args()
    if not args.log.exists():
        sys.exit(f"{args.log} not found: the real logs live in ../shared/eventlogs")
    runs: dict[str, list[dict]] = {name: [] for name in COMMANDS}
    for r in range(args.rounds):
        for name, command in COMMANDS.items():
            result = run_fresh([*command[:1], str(args.log), *command[1:], *MAPPING])
            runs[name].append(result)
            print(f"round {r + 1} {name:<8} wall {result['wall_s']:6.1f} s  peak RSS "
                  f"{result['peak_rss_mb']:6.0f} MB", flush=True)
    text = table(runs, args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


def run_fresh(args: list[str]) -> dict:
    """``python -m rpa_scout ARGS`` in a fresh process: wall time, peak RSS, last lines."""
    wall, peak, text = run_python(["-m", "rpa_scout", *args], ROOT)
    return {"wall_s": wall, "peak_rss_mb": peak, "output": text}


def table(runs: dict[str, list[dict]], args: argparse.Namespace) -> str:
    """The results as Markdown: the best and median runs, the ratio, what compare found."""
    best = {n: min(r["wall_s"] for r in rs) for n, rs in runs.items()}
    median = {n: sorted(r["wall_s"] for r in rs)[len(rs) // 2] for n, rs in runs.items()}
    rss = {n: max(r["peak_rss_mb"] for r in rs) for n, rs in runs.items()}
    ratio = best["compare"] / best["rank"]
    found = [line for line in runs["compare"][0]["output"].splitlines()
             if line.startswith(("organisations:", "Compared", "Proven elsewhere", "  all organisations"))
             or (line.startswith("  ") and " h/yr from " in line)]
    lines = [run_header("compare --by label vs rank on BPIC15's five municipalities", "compare_speed.py",
                        versions("pandas", "numpy", "scikit-learn", "pyarrow"),
                        [f"--rounds {args.rounds}"]), "",
             f"Log: `{args.log.name}` ({' '.join(MAPPING)}). Fresh processes through "
             "`python -m rpa_scout`, alternating; wall time includes imports and reading.", "",
             "| command | wall (best) | wall (median) | peak RSS | runs |", "|---|---:|---:|---:|---:|"]
    for name, command in COMMANDS.items():
        lines.append(f"| `{' '.join(command)}` | {best[name]:.1f} s | {median[name]:.1f} s | "
                     f"{rss[name]:,.0f} MB | {len(runs[name])} |")
    verdict = "met" if ratio <= AIM else "**not met**"
    lines += ["", f"compare ÷ rank (best runs): **{ratio:.2f}×** (aim ≤ {AIM}×: {verdict}).", "",
              "What compare reported (first run):", "", "```", *found, "```", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
