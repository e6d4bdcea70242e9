"""Present a comparison of organisations: terminal lines, Markdown, HTML, export tables.

Pure strings and DataFrames. Terminal lines are escaped by the CLI as it prints them,
Markdown text passes :func:`rpa_scout.safety.markdown_text`, HTML :func:`html.escape`;
spreadsheet cells are made safe by the writer (:func:`rpa_scout.safety.spreadsheet_table`).
Activities are shown by their display name (the label, where ``--label`` gave one) and
the tables keep the activity code beside it.
"""

from __future__ import annotations

import html
import math
from typing import Any

import pandas as pd

from rpa_scout.compare import AUTOMATE, BY_PEOPLE, Comparison
from rpa_scout.safety import markdown_text, printable

#: Columns of the full table, in the order exported.
TABLE_COLUMNS = [
    "activity", "label", "organisation", "compared", "verdict", "cases", "instances",
    "volume_per_year", "manual_per_year", "manual_share", "timed_per_year", "handling_min",
    "handling_low_min", "handling_high_min", "handling_source", "variability", "handling_cv",
    "person_hours", "person_hours_low", "person_hours_high", "hours_per_year", "hours_low",
    "hours_high", "recommended", "best_practice", "benchmark", "saving_hours", "saving_low",
    "saving_high",
]


def export_tables(comparison: Comparison) -> dict[str, pd.DataFrame]:
    """The tables as written (sheet name → table); ``comparison`` holds everything,
    one row per activity and organisation, with its best-practice saving.

    Example:
        >>> from rpa_scout import compare_logs, read_log, split_by
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> found = compare_logs(split_by(log, "case:channel"))    # invoices by channel
        >>> tables = export_tables(found)
        >>> list(tables)
        ['comparison', 'totals', 'best_practice', 'proven_elsewhere', 'differs_most', 'local']
        >>> tables["comparison"][["activity", "organisation", "verdict"]].head(2).values.tolist()
        [['Asiatarkastus', 'paperi', 'manual'], ['Arkistointi', 'paperi', 'automated']]
    """
    table = comparison.table.copy()
    best = comparison.best_practice
    if not best.empty:
        key = best.set_index(["organisation", "activity"])
        index = pd.MultiIndex.from_arrays([table["organisation"], table["activity"]])
        for mine, theirs in (("best_practice", "kind"), ("benchmark", "benchmark"),
                             ("saving_hours", "hours"), ("saving_low", "hours_low"),
                             ("saving_high", "hours_high")):
            table[mine] = key[theirs].reindex(index).to_numpy()
    table = table[[c for c in TABLE_COLUMNS if c in table.columns]]
    return {"comparison": table, "totals": comparison.totals, "best_practice": best,
            "proven_elsewhere": comparison.proven, "differs_most": comparison.differs,
            "local": comparison.local}


def _shown(row: Any) -> str:
    """The display name of a row's activity (its label where there is one)."""
    label = getattr(row, "label", None)
    return str(label) if isinstance(label, str) and label else str(row.activity)


def _steps(n: int) -> str:
    return f"{n:,} step" + ("" if n == 1 else "s")


def _span(low: float, high: float) -> str:
    return f"{low:,.0f}–{high:,.0f}"


def _saving(r: Any) -> str:
    """One best-practice step in words."""
    if r.kind == AUTOMATE:
        return f"automate as {r.benchmark} does ({r.benchmark_share:.0%} by the system there)"
    apart = "" if r.separated else "; the intervals overlap"
    return (f"{r.handling_min:.1f} → {r.benchmark_min:.1f} min as in {r.benchmark} "
            f"({r.handling_source}{apart})")


def compare_lines(comparison: Comparison, top: int = 10) -> list[str]:
    """What the comparison found, for the terminal: proven elsewhere, the largest
    handling-time differences, each organisation's best-practice saving, the notes.

    Example:
        >>> from rpa_scout import compare_logs, read_log, split_by
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> found = compare_logs(split_by(log, "case:channel"))    # invoices by channel
        >>> print("\\n".join(compare_lines(found, top=1)[:6]))
        Compared 3 organisations (paperi, sähköposti, verkkolasku): 13 activities in two or more,
        0 local (found in one only)
        <BLANKLINE>
        Proven elsewhere: 0 steps done by people in one organisation and by the system in another
        <BLANKLINE>
        Handling time differs most (minutes per execution, from 10 or more timed executions)
          Toinen hyväksyntä: 2.9 in verkkolasku (estimated) vs 4.5 in sähköposti (estimated), ×1.5,
          intervals overlap
    """
    c = comparison
    compared = c.table.loc[c.table["compared"], "activity"].nunique()
    lines = [f"Compared {len(c.organisations)} organisations ({', '.join(c.organisations)}): "
             f"{compared:,} activities in two or more, {c.local['activity'].nunique():,} local "
             "(found in one only)", ""]
    lines += _proven_lines(c, top) + [""] + _differs_lines(c, top) + [""]
    lines += _best_lines(c, top) + ["", "Notes"] + [f"  - {n}" for n in c.notes]
    return lines


def _proven_lines(c: Comparison, top: int) -> list[str]:
    steps = list(dict.fromkeys(c.proven["activity"])) if not c.proven.empty else []
    lines = [f"Proven elsewhere: {_steps(len(steps))} done by people in one organisation and by "
             "the system in another"]
    for activity in steps[:top]:
        rows = c.proven[c.proven["activity"] == activity]
        part = lambda role: ", ".join(f"{r.organisation} ({r.volume_per_year:,.0f} a year)"  # noqa: E731
                                      for r in rows[rows["role"] == role].itertuples())
        lines.append(f"  {_shown(rows.iloc[0])}: by people in {part(BY_PEOPLE)}; by the system in "
                     f"{part('by the system')}")
    if len(steps) > top:
        lines.append(f"  ... and {len(steps) - top:,} more (--top, or --out for all)")
    return lines


def _differs_lines(c: Comparison, top: int) -> list[str]:
    lines = ["Handling time differs most (minutes per execution, from 10 or more timed executions)"]
    if c.differs.empty:
        return lines + ["  no step is done by hand, with enough timed executions, in two organisations"]
    for r in c.differs.head(top).itertuples():
        apart = "intervals apart" if r.separated else "intervals overlap"
        lines.append(f"  {_shown(r)}: {r.fastest_min:.1f} in {r.fastest} ({r.fastest_source}) vs "
                     f"{r.slowest_min:.1f} in {r.slowest} ({r.slowest_source}), ×{r.ratio:.1f}, {apart}")
    return lines


def _best_lines(c: Comparison, top: int) -> list[str]:
    lines = ["What adopting the best practice would save (hours a year, 80 % interval); each "
             "step counted once"]
    for t in c.totals.itertuples():
        steps = c.best_practice[c.best_practice["organisation"] == t.organisation] \
            if not c.best_practice.empty else c.best_practice
        lines.append(f"  {t.organisation}: {t.hours:,.0f} ({_span(t.hours_low, t.hours_high)}) h/yr "
                     f"from {_steps(len(steps))} ({t.steps_automate} automated elsewhere, "
                     f"{t.steps_faster} faster elsewhere)")
        for r in steps.head(top).itertuples():
            span = f"({_span(r.hours_low, r.hours_high)})"
            lines.append(f"    {r.hours:>7,.0f} {span:<13} {_shown(r)}: {_saving(r)}")
        if len(steps) > top:
            lines.append(f"    ... and {len(steps) - top:,} more")
    total = c.totals[["hours", "hours_low", "hours_high"]].sum()
    lines.append(f"  all organisations: {total['hours']:,.0f} ({_span(total['hours_low'], total['hours_high'])}) "
                 "h/yr (their steps added; no step of an organisation counted twice)")
    return lines


def _cell(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.0f}"
    return str(value)


def compare_markdown(comparison: Comparison, *, title: str, heatmap: str | None = None) -> str:
    """Markdown report: the findings, then the tables (as :func:`export_tables` names them).

    Example:
        >>> from rpa_scout import compare_logs, read_log, split_by
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> found = compare_logs(split_by(log, "case:channel"))    # invoices by channel
        >>> text = compare_markdown(found, title="Invoices by channel")
        >>> text.splitlines()[:3]
        ['# Invoices by channel', '', '```']
        >>> [line for line in text.splitlines() if line.startswith("## ")]
        ['## comparison', '## totals', '## best practice', '## proven elsewhere', '## differs most', '## local']
    """
    out = [f"# {markdown_text(title)}", ""]
    if heatmap:
        out += [f"Heatmap: `{markdown_text(heatmap)}`", ""]
    out += ["```", *(printable(line) for line in compare_lines(comparison, top=10)), "```", ""]
    for name, table in export_tables(comparison).items():
        out += [f"## {name.replace('_', ' ')}", "", *_markdown_table(table), ""]
    return "\n".join(out)


def _markdown_table(table: pd.DataFrame) -> list[str]:
    if table.empty:
        return ["(none)"]
    head = "| " + " | ".join(markdown_text(c) for c in table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    rows = ["| " + " | ".join(markdown_text(_cell(v)) for v in row) + " |"
            for row in table.itertuples(index=False)]
    return [head, rule, *rows]


def compare_html(comparison: Comparison, *, title: str, heatmap_svg: str | None,
                 load_lines: list[str]) -> str:
    """A self-contained HTML page: heatmap, findings, every table, load reports.

    Example:
        >>> from rpa_scout import compare_logs, read_log, split_by
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> found = compare_logs(split_by(log, "case:channel"))    # invoices by channel
        >>> page = compare_html(found, title="Invoices <by channel>", heatmap_svg=None,
        ...                     load_lines=["24,883 rows read"])
        >>> page.splitlines()[1]
        '<html lang="en"><head><meta charset="utf-8"><title>Invoices &lt;by channel&gt;</title>'
        >>> "<script" in page, "<li>24,883 rows read</li>" in page
        (False, True)
    """
    esc = lambda text: html.escape(printable(text))  # noqa: E731
    findings = "\n".join(esc(line) for line in compare_lines(comparison, top=20))
    tables = "\n".join(f"<h2>{esc(name.replace('_', ' '))}</h2>\n{_html_table(table)}"
                       for name, table in export_tables(comparison).items())
    load = "\n".join(f"<li>{esc(line.strip())}</li>" for line in load_lines)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1400px; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }}
td.n {{ text-align: right; white-space: nowrap; }}
th {{ background: #f3f3f3; position: sticky; top: 0; }}
pre {{ background: #f8f8f8; padding: 1em; overflow-x: auto; }}
</style></head><body>
<h1>{esc(title)}</h1>
<p>The same process in several organisations, analysed alike. No individual employee is named
or compared.</p>
<div class=heatmap>{heatmap_svg or ''}</div>
<h2>Findings</h2>
<pre>{findings}</pre>
{tables}
<h2>Load reports</h2><ul>
{load}
</ul>
</body></html>
"""


def _html_table(table: pd.DataFrame) -> str:
    if table.empty:
        return "<p>(none)</p>"
    esc = lambda text: html.escape(printable(text))  # noqa: E731
    head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
    rows = []
    for row in table.itertuples(index=False):
        cells = "".join(f"<td class=n>{esc(_cell(v))}</td>" if isinstance(v, (int, float)) and not
                        isinstance(v, bool) else f"<td>{esc(_cell(v))}</td>" for v in row)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"


__all__ = ["TABLE_COLUMNS", "compare_html", "compare_lines", "compare_markdown", "export_tables"]
