"""Can a shared login be told by its behaviour? Real single accounts against simulated ones.

    PYTHONPATH=. python benchmarks/shared_accounts.py [--zone ZONE] [--out PATH]

Issue 11 (item 3) asks to find an account that a team uses by its behaviour: "more
simultaneous open work than one person can hold, hours beyond one person's day". Measured
on the real logs that record start *and* complete times, in ``../shared/eventlogs``: BPI
Challenge 2012's ``W_`` work items, ``two_timestamps/Production.xes.gz`` and
``two_timestamps/PurchasingExample.xes.gz`` (without the ``Start``/``End`` events Disco
adds to every case).

Protocol: each log read with :func:`rpa_scout.read_log` (in the zone of its offsets, as
``handling_validation.py`` reads it) and paired with
:func:`rpa_scout.lifecycle.pair_lifecycle`; an *item* is an instance with a start, open
from its start to its completion, on the completion's account. Every account with 20
items or more is a *real* single account (the logs name people or person ids). A
*merged* account is k real accounts of one log relabelled as one, k = 2, 3, 5, 20 draws
each (``numpy.random.default_rng(0)`` per log): what a team on one login logs when its
members work as they did. Per account:

- ``share2``: share of its busy time (the union of its items) with 2 or more items open;
- ``mean_open``: mean number of items open while busy, weighted by time;
- ``max_open``: most items open at once (an item that ends as another starts does not
  overlap it);
- ``day_open_p90``: per local day (items cut at midnight), the hours its items are open,
  summed over items; the 90th percentile over its days;
- ``day_span_med``: per local day, hours from its first start to its last completion;
  the median over its days;
- ``clock_hours_med``: the shipped rule (:func:`rpa_scout.accounts.behaviour_kinds`):
  per local day the clock hours with a completion, median over days; shared above 13.

A statistic's best threshold with no false positive is the largest value any real
account of the three logs has; the share of merged accounts above it is what that
statistic would find. Also per log (a threshold fitted on the log itself) and, for the
merged accounts, the share of their busy time in which two or more *members* are busy at
once. Takes a few seconds; the tables go to ``benchmarks/results/shared_accounts.md``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import run_header, versions  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "eventlogs"
RESULTS = ROOT / "benchmarks" / "results"
ACT, TS, RES, START = "concept:name", "time:timestamp", "org:resource", "start_timestamp"
#: name, file, zone of the working day (of the offsets the file was written with), kept
#: activities (a prefix; None: all but the artificial ``Start``/``End``)
LOGS = (
    ("BPIC 2012", "bpic2012/bpic2012.xes.gz", "Europe/Amsterdam", "W_"),
    ("Production", "two_timestamps/Production.xes.gz", "Europe/Tallinn", None),
    ("PurchasingExample", "two_timestamps/PurchasingExample.xes.gz", "America/New_York", None),
)
ARTIFICIAL = ("Start", "End")
KS, DRAWS, MIN_ITEMS, SEED = (2, 3, 5), 20, 20, 0
HOUR = 3600.0
STATS = {
    "share2": "share of busy time with ≥ 2 items open",
    "mean_open": "time-weighted mean items open while busy",
    "max_open": "most items open at once",
    "day_open_p90": "open hours in a day, summed over items: 90th percentile of days",
    "day_span_med": "first start to last completion in a day (h): median day",
    "clock_hours_med": "clock hours with a completion in a day: median day (the shipped rule)",
}


def main() -> None:
    """Measure, print and write the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zone", help="one zone for every log's days (default: each log's own)")
    parser.add_argument("--out", type=Path, default=RESULTS / "shared_accounts.md")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"{SHARED} not found: the real two-timestamp logs are needed; nothing measured")
        return
    began = time.perf_counter()
    frames = []
    for name, relative, zone, prefix in LOGS:
        if not (SHARED / relative).exists():
            print(f"{SHARED / relative} not found: {name} left out")
            continue
        zone = args.zone or zone
        frames.append(accounts_table(name, load_items(SHARED / relative, zone, prefix), zone))
    results = pd.concat(frames, ignore_index=True)
    lines = [run_header("Can a shared login be told by its behaviour?", "shared_accounts.py",
                        versions("pandas", "numpy"), sys.argv[1:]), ""]
    lines += spread_tables(results) + separation_tables(results) + together_table(results)
    lines += [f"Measured in {time.perf_counter() - began:.0f} s."]
    text = "\n".join(lines) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


def load_items(path: Path, zone: str, prefix: str | None) -> pd.DataFrame:
    """The log's paired items with a start and an account: ``res``, ``s``, ``e`` (epoch s)."""
    from rpa_scout import read_log
    from rpa_scout.lifecycle import pair_lifecycle

    log, _ = read_log(path, timezone=zone)
    step = log[ACT].astype(str)
    if prefix is not None:
        keep = step.str.startswith(prefix)
    else:
        keep = ~step.isin(ARTIFICIAL) & ~log[RES].astype(str).isin(ARTIFICIAL)
    inst = pair_lifecycle(log[keep.to_numpy()].reset_index(drop=True)).instances
    inst = inst[inst[START].notna().to_numpy() & inst[RES].notna().to_numpy()]
    return pd.DataFrame({"res": inst[RES].astype(str).to_numpy(), "s": epoch(inst[START]),
                         "e": epoch(inst[TS])})


def epoch(values: pd.Series) -> np.ndarray:
    """Epoch seconds (float) of timezone-aware timestamps."""
    utc = pd.to_datetime(values, utc=True).dt.tz_localize(None)
    return utc.to_numpy().astype("datetime64[us]").astype(np.int64) / 1e6


# --- statistics of one account's items ------------------------------------------------

def overlap_stats(s: np.ndarray, e: np.ndarray) -> tuple[float, float, float, int]:
    """Busy seconds (union of the items), share of them with ≥ 2 open, time-weighted mean
    number open while busy, most open at once. Items [s, e]; one that ends as another
    starts does not overlap it."""
    t = np.concatenate([s, e])
    step = np.concatenate([np.ones(len(s)), -np.ones(len(e))])
    order = np.lexsort((step, t))  # at one instant, ends before starts
    t, step = t[order], step[order]
    level = np.cumsum(step)[:-1]
    dt = np.diff(t)
    busy = float(dt[level >= 1].sum())
    most = int(level.max(initial=0))
    if busy <= 0:
        return 0.0, np.nan, np.nan, most
    return busy, float(dt[level >= 2].sum() / busy), float((dt * level).sum() / busy), most


def day_pieces(s: np.ndarray, e: np.ndarray, zone: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The items cut at local midnights: (local day, start, end) of every piece. An item
    has a piece on every day from its start's to its completion's (one that ends at
    midnight leaves a piece of length 0 on the next day, as an instant item on its day)."""
    from rpa_scout.worktime import local_day_hour

    first, _ = local_day_hour(s, zone)
    last, _ = local_day_hour(e, zone)
    count = np.maximum(last - first + 1, 0).astype(np.int64)
    item = np.repeat(np.arange(len(s)), count)
    offset = np.arange(len(item)) - np.repeat(np.cumsum(count) - count, count)
    day = first[item] + offset
    days = np.unique(np.concatenate([day, day + 1]))
    wall = pd.DatetimeIndex(pd.to_datetime(days * 86400, unit="s"))
    midnight = wall.tz_localize(zone, ambiguous=np.ones(len(days), dtype=bool),
                                nonexistent="shift_forward").as_unit("s").asi8.astype(float)
    low = midnight[np.searchsorted(days, day)]
    high = midnight[np.searchsorted(days, day + 1)]
    return day, np.maximum(s[item], low), np.minimum(e[item], high)


def day_stats(s: np.ndarray, e: np.ndarray, zone: str) -> tuple[np.ndarray, np.ndarray]:
    """Per local day with an item: its items' open hours summed, and the hours from its
    first start to its last completion (both cut at midnight)."""
    day, low, high = day_pieces(s, e, zone)
    order = np.lexsort((low, day))
    day, low, high = day[order], low[order], high[order]
    _, first = np.unique(day, return_index=True)
    open_h = np.add.reduceat(high - low, first) / HOUR
    span_h = (np.maximum.reduceat(high, first) - low[first]) / HOUR
    return open_h, span_h


def clock_hours(e: np.ndarray, zone: str) -> np.ndarray:
    """Per local day with a completion: how many clock hours hold one."""
    from rpa_scout.worktime import local_day_hour

    day, hour = local_day_hour(e, zone)
    _, per_day = np.unique(np.unique(day * 24 + hour) // 24, return_counts=True)
    return per_day


def account_stats(s: np.ndarray, e: np.ndarray, zone: str) -> dict[str, float]:
    """The statistics of :data:`STATS` (and ``items``, ``busy_h``) of one account's items."""
    busy, share2, mean_open, most = overlap_stats(s, e)
    open_h, span_h = day_stats(s, e, zone)
    return {"items": len(s), "busy_h": busy / HOUR, "share2": share2, "mean_open": mean_open,
            "max_open": most, "day_open_p90": float(np.percentile(open_h, 90)),
            "day_span_med": float(np.percentile(span_h, 50)),
            "clock_hours_med": float(np.median(clock_hours(e, zone)))}


def together(members: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Share of the merged account's busy time in which ≥ 2 of its members are busy."""
    unions = [union(s, e) for s, e in members]
    return overlap_stats(np.concatenate([u[0] for u in unions]), np.concatenate([u[1] for u in unions]))[1]


def union(s: np.ndarray, e: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The union of intervals [s, e] as disjoint intervals (touching ones stay apart)."""
    order = np.argsort(s, kind="stable")
    s, e = s[order], np.maximum.accumulate(e[order])
    new = np.flatnonzero(np.r_[True, s[1:] >= e[:-1]])
    return s[new], np.maximum.reduceat(e, new)


# --- real and merged accounts ---------------------------------------------------------

def accounts_table(log: str, items: pd.DataFrame, zone: str) -> pd.DataFrame:
    """One row per real account (``k`` = 1) and per merged one (``k`` = 2, 3, 5)."""
    counts = items["res"].value_counts()
    eligible = sorted(counts[counts >= MIN_ITEMS].index)
    own = {r: (g["s"].to_numpy(), g["e"].to_numpy()) for r, g in items.groupby("res") if r in set(eligible)}
    rows = [{"log": log, "k": 1, "members": r, **account_stats(*own[r], zone)} for r in eligible]
    rng = np.random.default_rng(SEED)
    for k in KS:
        for _ in range(DRAWS):
            pick = [eligible[i] for i in rng.choice(len(eligible), size=k, replace=False)]
            s = np.concatenate([own[r][0] for r in pick])
            e = np.concatenate([own[r][1] for r in pick])
            rows.append({"log": log, "k": k, "members": " | ".join(pick), **account_stats(s, e, zone),
                         "together": together([own[r] for r in pick])})
    return pd.DataFrame(rows).assign(zone=zone)


# --- tables ---------------------------------------------------------------------------

def fmt(value: float) -> str:
    """Two decimals below 10, none above."""
    return "–" if value != value else (f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}")


def spread_tables(results: pd.DataFrame) -> list[str]:
    """Per log and statistic: min / median / max of the real and the merged accounts."""
    lines = ["## Real and merged accounts, per log", "",
             "Cells: min / median / max over the accounts. Real = the log's accounts with ≥ "
             f"{MIN_ITEMS} items; k = {', '.join(map(str, KS))}: {DRAWS} random sets of k real "
             "accounts of the same log, relabelled as one.", ""]
    for log, group in results.groupby("log", sort=False):
        kinds = [("real", group[group.k == 1])] + [(f"k = {k}", group[group.k == k]) for k in KS]
        lines += [f"### {log} (days in {group.zone.iloc[0]})", "", "| statistic | " + " | ".join(f"{n} ({len(x)})" for n, x in kinds) + " |",
                  "|---|" + "---:|" * len(kinds)]
        for stat in ["items", "busy_h", *STATS]:
            cells = [" / ".join(fmt(v) for v in x[stat].quantile([0, 0.5, 1])) for _, x in kinds]
            lines.append(f"| {stat} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def separation_tables(results: pd.DataFrame) -> list[str]:
    """Each statistic's best no-false-positive threshold and the merged accounts above it."""
    from rpa_scout.settings import AccountRules

    real, merged = results[results.k == 1], results[results.k > 1]
    logs = list(results.log.unique())
    head = [f"{log} k = {k}" for log in logs for k in KS]
    lines = ["## Best threshold with no real account above it", "",
             "Threshold = the largest value of any real account of the three logs (whose, in "
             "brackets); cells: share of merged accounts above it.", "",
             "| statistic | threshold | " + " | ".join(head) + " | all merged |",
             "|---|---|" + "---:|" * (len(head) + 1)]
    for stat in STATS:
        at = real[stat].idxmax()
        limit = real.loc[at, stat]
        cells = [f"{(merged[(merged.log == log) & (merged.k == k)][stat] > limit).mean():.0%}"
                 for log in logs for k in KS]
        lines.append(f"| {stat} | {fmt(limit)} ({real.loc[at, 'log']} {real.loc[at, 'members']}) | "
                     + " | ".join(cells) + f" | **{(merged[stat] > limit).mean():.0%}** |")
    rule = AccountRules().person_day_hours
    cells = [f"{(merged[(merged.log == log) & (merged.k == k)].clock_hours_med > rule).mean():.0%}"
             for log in logs for k in KS]
    lines += [f"| shipped rule: clock_hours_med > {rule:g} | real accounts above: "
              f"{(real.clock_hours_med > rule).sum()} of {len(real)} | " + " | ".join(cells)
              + f" | **{(merged.clock_hours_med > rule).mean():.0%}** |", ""]
    return lines + per_log_table(results)


def per_log_table(results: pd.DataFrame) -> list[str]:
    """The same with a threshold fitted on each log alone (the best a log can do for itself)."""
    logs = list(results.log.unique())
    lines = ["Threshold fitted on each log alone (its largest real value): share of that log's "
             "merged accounts above it (all k).", "",
             "| statistic | " + " | ".join(logs) + " |", "|---|" + "---:|" * len(logs)]
    for stat in STATS:
        cells = []
        for log in logs:
            group = results[results.log == log]
            limit = group[group.k == 1][stat].max()
            cells.append(f"{(group[group.k > 1][stat] > limit).mean():.0%} (> {fmt(limit)})")
        lines.append(f"| {stat} | " + " | ".join(cells) + " |")
    return lines + [""]


def together_table(results: pd.DataFrame) -> list[str]:
    """How often the members of a merged account actually work at the same time."""
    logs = list(results.log.unique())
    lines = ["## Do the members of a merged account work at once?", "",
             "Share of a merged account's busy time in which 2 or more of its members are busy "
             "(min / median / max over the draws).", "",
             "| log | " + " | ".join(f"k = {k}" for k in KS) + " |", "|---|" + "---:|" * len(KS)]
    for log in logs:
        group = results[results.log == log]
        cells = [" / ".join(f"{v:.2f}" for v in group[group.k == k].together.quantile([0, 0.5, 1]))
                 for k in KS]
        lines.append(f"| {log} | " + " | ".join(cells) + " |")
    return lines + [""]


if __name__ == "__main__":
    main()
