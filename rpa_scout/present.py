"""Present a ranking: terminal table, Markdown and an offline HTML report (pure strings).

Markdown text passes :func:`rpa_scout.safety.markdown_text` and HTML text
:func:`html.escape`; the terminal lines are escaped by the CLI as it prints them.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from rpa_scout.explain import none_recommended
from rpa_scout.rank import Ranking
from rpa_scout.load_report import LoadReport
from rpa_scout.safety import markdown_text, printable

EXPORT_COLUMNS = [
    "rank", "kind", "candidate", "steps", "recommended", "fit", "hours_per_year", "hours_low",
    "hours_high", "nested_in_steps", "fte", "euros_per_year", "payback_months", "annual_executions",
    "annual_timed", "timed_share", "handling_min", "handling_low_min", "handling_high_min",
    "handling_source", "handling_bound", "automatable_share", "manual_share", "repeated_share", "knock_out",
    "knock_out_value", "knock_out_limit",
    "rule_basedness", "standardisation", "variability", "stability", "rework", "volume", "handling",
    "people_shown",
    "loose_share", "rule_accuracy_raw", "top_successor_share_raw", "rework_share_raw",
    "handling_cv_raw", "handling_spread_raw",
    "stability_cv_raw", "reason",
]


def export_table(ranking: Ranking, top: int | None = None, include_all: bool = False) -> pd.DataFrame:
    """The candidate table as exported (no individual people in it).

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> ranking = rank_candidates(read_log("eventlogs/ostolaskut_complete_only.csv.gz")[0])
        >>> from rpa_scout.present import export_table
        >>> table = export_table(ranking, top=2)
        >>> table[["rank", "candidate"]].values.tolist()
        [[1, 'Kustannuspaikan tiliöinti'], [2, 'Tilausvastaavuuden tarkistus']]
        >>> len(export_table(ranking)), len(export_table(ranking, include_all=True))   # recommended, all
        (4, 7)
    """
    table = ranking.candidates
    if table.empty:
        return table
    if not include_all:
        table = table[table["recommended"]]
    if top is not None:
        table = table.head(top)
    return table[[c for c in EXPORT_COLUMNS if c in table.columns]].reset_index(drop=True)


def _payback(months: float) -> str:
    return "never" if not math.isfinite(months) else f"{months:.0f} mo"


def terminal_lines(ranking: Ranking, top: int | None = None, include_all: bool = False) -> list[str]:
    """A readable table with each candidate's reason under it, then assumptions and notes.

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> ranking = rank_candidates(read_log("eventlogs/ostolaskut_complete_only.csv.gz")[0])
        >>> from rpa_scout.present import terminal_lines
        >>> print("\\n".join(terminal_lines(ranking, top=2)[:4]))
          #  hours/yr (80% interval)      FTE      €/yr  payback   fit  candidate
          1  100 (4–267)                 0.06     2,906    never  0.90  Kustannuspaikan tiliöinti
             100 h/yr: 2,519 a year × 2.7 min (estimated) × 90% rule-predictable; ...
          2  67 (3–180)                  0.04     1,953    never  0.93  Tilausvastaavuuden tarkistus
    """
    table = export_table(ranking, top, include_all)
    lines = []
    if table.empty:
        lines.append(none_recommended(ranking.candidates) if not ranking.candidates.empty
                     else "No candidates: no activity has measurable person work.")
    else:
        lines.append(f"{'#':>3}  {'hours/yr (80% interval)':<26}{'FTE':>6}{'€/yr':>10}{'payback':>9}"
                     f"{'fit':>6}  candidate")
        for r in table.itertuples(index=False):
            rank = f"{r.rank:>3}" if r.rank else "  -"
            span = f"{r.hours_per_year:,.0f} ({r.hours_low:,.0f}–{r.hours_high:,.0f})"
            lines.append(f"{rank}  {span:<26}{r.fte:>6.2f}{r.euros_per_year:>10,.0f}"
                         f"{_payback(r.payback_months):>9}{r.fit:>6.2f}  {r.candidate}")
            lines.append(f"     {r.reason}")
    lines.append("")
    lines.append("Assumptions")
    lines.extend(f"  - {a.line()}" for a in ranking.assumptions if not math.isnan(a.value))
    lines.extend(f"  - {a.name}: {a.source} ({a.kind})" for a in ranking.assumptions if math.isnan(a.value))
    lines.extend(f"  - {note}" for note in ranking.notes)
    if not ranking.excluded.empty:
        lines.append("")
        lines.append(f"Not ranked ({len(ranking.excluded)} activities)")
        for r in ranking.excluded.head(10).itertuples(index=False):
            lines.append(f"  - {r.activity}: {r.why}")
        if len(ranking.excluded) > 10:
            lines.append(f"  - ... and {len(ranking.excluded) - 10} more (see --format json)")
    return lines


def markdown(ranking: Ranking, top: int | None = None, include_all: bool = False) -> str:
    """Markdown report: candidate table with reasons, assumptions, notes.

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> ranking = rank_candidates(read_log("eventlogs/ostolaskut_complete_only.csv.gz")[0])
        >>> from rpa_scout.present import markdown
        >>> print("\\n".join(markdown(ranking, top=1).splitlines()[:5]))
        # Automation candidates
        <BLANKLINE>
        | # | candidate | hours/yr | 80 % interval | FTE | €/yr | payback | fit | why |
        |---:|---|---:|---|---:|---:|---:|---:|---|
        | 1 | Kustannuspaikan tiliöinti | 100 | 4–267 | 0.06 | 2,906 | never | 0.90 | 100 h/yr: ... |
    """
    table = export_table(ranking, top, include_all)
    out = ["# Automation candidates", "",
           "| # | candidate | hours/yr | 80 % interval | FTE | €/yr | payback | fit | why |",
           "|---:|---|---:|---|---:|---:|---:|---:|---|"]
    for r in table.itertuples(index=False):
        out.append(f"| {r.rank or '-'} | {_md(r.candidate)} | {r.hours_per_year:,.0f} | "
                   f"{r.hours_low:,.0f}–{r.hours_high:,.0f} | {r.fte:.2f} | {r.euros_per_year:,.0f} | "
                   f"{_payback(r.payback_months)} | {r.fit:.2f} | {_md(r.reason)} |")
    out += ["", "## Assumptions", ""]
    out += [f"- {_md(a.line())}" if not math.isnan(a.value) else f"- {_md(f'{a.name}: {a.source} ({a.kind})')}"
            for a in ranking.assumptions]
    out += [f"- {_md(n)}" for n in ranking.notes]
    if not ranking.excluded.empty:
        out += ["", "## Not ranked", ""]
        out += [f"- {_md(r.activity)}: {_md(r.why)}" for r in ranking.excluded.itertuples(index=False)]
    return "\n".join(out) + "\n"


def _md(text: object) -> str:
    return markdown_text(text)


def html_report(ranking: Ranking, *, title: str, map_svg: str | None, map_note: str,
                report: LoadReport | None, top: int | None = None, include_all: bool = False) -> str:
    """A self-contained HTML page: map coloured by score, candidates, assumptions, load report.

    Nothing is fetched from the network: styles are inline and the map is inline SVG.

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> ranking = rank_candidates(read_log("eventlogs/ostolaskut_complete_only.csv.gz")[0])
        >>> from rpa_scout.present import html_report
        >>> page = html_report(ranking, title="Ostolaskut", map_svg=None, map_note="", report=None, top=2)
        >>> page.startswith("<!DOCTYPE html>"), "<h1>Ostolaskut</h1>" in page, page.count("<tr><td>")
        (True, True, 2)
    """
    def esc(text: object) -> str:
        return html.escape(printable(text))

    table = export_table(ranking, top, include_all)
    rows = "\n".join(
        f"<tr><td>{r.rank or '-'}</td><td>{esc(str(r.candidate))}</td><td class=n>{r.hours_per_year:,.0f}</td>"
        f"<td class=n>{r.hours_low:,.0f}–{r.hours_high:,.0f}</td><td class=n>{r.fte:.2f}</td>"
        f"<td class=n>{r.euros_per_year:,.0f}</td><td class=n>{_payback(r.payback_months)}</td>"
        f"<td class=n>{r.fit:.2f}</td><td>{esc(str(r.reason))}</td></tr>"
        for r in table.itertuples(index=False))
    assumptions = "\n".join(
        f"<li>{esc(a.line() if not math.isnan(a.value) else f'{a.name}: {a.source} ({a.kind})')}</li>"
        for a in ranking.assumptions)
    notes = "\n".join(f"<li>{esc(n)}</li>" for n in ranking.notes)
    excluded = "\n".join(f"<li>{esc(str(r.activity))}: {esc(str(r.why))}</li>"
                         for r in ranking.excluded.itertuples(index=False))
    load = "\n".join(f"<li>{esc(line.strip())}</li>" for line in report.lines()) if report else ""
    figure = (map_svg or "") + (f"<p class=note>{esc(map_note)}</p>" if map_note else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1200px; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 6px; vertical-align: top; text-align: left; }}
td.n {{ text-align: right; white-space: nowrap; }}
th {{ background: #f3f3f3; }}
.map svg {{ max-width: 100%; height: auto; }}
.note {{ color: #666; }}
</style></head><body>
<h1>{esc(title)}</h1>
<p class=note>Hours saved per year = annual manual executions × handling time × automatable share,
with an 80 % interval (bootstrap over cases, widened by the handling-time estimator's measured
error). No individual employee is named or ranked.</p>
<h2>Process map, coloured by candidate fit</h2>
<div class=map>{figure}</div>
<h2>Candidates</h2>
<table><thead><tr><th>#</th><th>candidate</th><th>hours/yr</th><th>80 % interval</th><th>FTE</th>
<th>€/yr</th><th>payback</th><th>fit</th><th>why</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<h2>Assumptions</h2><ul>
{assumptions}
{notes}
</ul>
<h2>Not ranked</h2><ul>
{excluded}
</ul>
<h2>Load report</h2><ul>
{load}
</ul>
</body></html>
"""
