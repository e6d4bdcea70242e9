"""Present a comparison of organisations: terminal lines, Markdown, HTML, export tables.

Pure strings and DataFrames, every word in the chosen language (:mod:`rpa_scout.lang`);
the export tables (CSV, JSON) keep English keys and plain numbers. Terminal lines are
escaped by the CLI as it prints them, Markdown text passes :func:`rpa_scout.safety.markdown_text`, HTML :func:`html.escape`;
spreadsheet cells are made safe by the writer (:func:`rpa_scout.safety.spreadsheet_table`).
Activities are shown by their display name (the label, where ``--label`` gave one) and
the tables keep the activity code beside it.
"""

from __future__ import annotations

import html
import math
from typing import Any, Sequence

import numpy as np
import pandas as pd

from rpa_scout.compare import AUTOMATE, BY_PEOPLE, BY_SYSTEM, MIN_TIMED, Comparison, grand_total
from rpa_scout.compare_tables import ShownTable, shown_tables
from rpa_scout.explain import source_name
from rpa_scout.lang import Lang, english, render
from rpa_scout.present import wrap
from rpa_scout.safety import markdown_text, printable

#: Columns of the full table, in the order exported.
TABLE_COLUMNS = [
    "activity", "label", "organisation", "compared", "verdict", "cases", "instances",
    "volume_per_year", "manual_per_year", "manual_share", "people", "timed_per_year", "handling_min",
    "handling_low_min", "handling_high_min", "handling_source", "variability", "handling_cv",
    "person_hours", "person_hours_low", "person_hours_high", "hours_per_year", "hours_low",
    "hours_high", "recommended", "best_practice", "benchmark", "saving_hours", "saving_low",
    "saving_high", "saving_in_total",
]


def export_tables(comparison: Comparison, *, total_label: str | None = None) -> dict[str, pd.DataFrame]:
    """The tables as written to CSV and JSON (English name → table, English columns);
    ``comparison`` holds everything, one row per activity and organisation, with its
    best-practice saving and whether that counts in the totals.
    :func:`rpa_scout.compare_tables.shown_tables` gives them to people in a language.

    With ``total_label`` (the files for people: Markdown, HTML, Excel) the totals end in
    a row of that name for all organisations (:func:`rpa_scout.compare.grand_total`);
    JSON holds it as an object of its own, so that its ``totals`` add up.

    Example:
        >>> from rpa_scout import compare_logs, read_log, split_by
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> found = compare_logs(split_by(log, "case:channel"))    # invoices by channel
        >>> tables = export_tables(found)
        >>> list(tables)
        ['comparison', 'totals', 'best_practice', 'proven_elsewhere', 'differs_most', 'local']
        >>> tables["comparison"][["activity", "organisation", "verdict"]].head(2).values.tolist()
        [['Asiatarkastus', 'paperi', 'manual'], ['Arkistointi', 'paperi', 'automated']]
        >>> export_tables(found, total_label="all")["totals"]["organisation"].tolist()
        ['paperi', 'sähköposti', 'verkkolasku', 'all']
    """
    table = comparison.table.copy()
    best = comparison.best_practice
    if not best.empty:
        key = best.set_index(["organisation", "activity"])
        index = pd.MultiIndex.from_arrays([table["organisation"], table["activity"]])
        for mine, theirs in (("best_practice", "kind"), ("benchmark", "benchmark"),
                             ("saving_hours", "hours"), ("saving_low", "hours_low"),
                             ("saving_high", "hours_high"), ("saving_in_total", "in_total")):
            table[mine] = key[theirs].reindex(index).to_numpy()
    table = table[[c for c in TABLE_COLUMNS if c in table.columns]]
    totals = comparison.totals
    if total_label is not None:
        whole = {k: v for k, v in grand_total(totals).items() if k in totals.columns}
        totals = pd.concat([totals, pd.DataFrame([{"organisation": total_label, **whole}])], ignore_index=True)
    return {"comparison": table, "totals": totals, "best_practice": best,
            "proven_elsewhere": comparison.proven, "differs_most": comparison.differs,
            "local": comparison.local}


def _shown(row: Any) -> str:
    """The display name of a row's activity (its label where there is one)."""
    label = getattr(row, "label", None)
    return str(label) if isinstance(label, str) and label else str(row.activity)


def _steps(n: int, lang: Lang) -> str:
    return lang.tn("compare.steps", n)


def _span(low: float, high: float, lang: Lang) -> str:
    return f"{lang.num(low)}–{lang.num(high)}"


def _fit(text: str, width: int | None, indent: str = "", first: str | None = None) -> list[str]:
    """``text`` as one line (``width`` None) or wrapped to ``width`` columns."""
    if width is None:
        return [(indent if first is None else first) + text]
    return wrap(text, width, indent=indent, first=first)


def _saving(r: Any, lang: Lang) -> str:
    """One best-practice step in words."""
    if r.kind == AUTOMATE:
        return lang.t("compare.saving_automate", benchmark=r.benchmark, share=r.benchmark_share)
    overlap = "" if r.separated else lang.t("compare.saving_overlap")
    return lang.t("compare.saving_faster", own=r.handling_min, best=r.benchmark_min, benchmark=r.benchmark,
                  source=source_name(r.handling_source, lang), overlap=overlap)


def compare_lines(comparison: Comparison, top: int = 10, *, lang: Lang | None = None,
                  width: int | None = None) -> list[str]:
    """What the comparison found, for the terminal: proven elsewhere, the largest
    handling-time differences, each organisation's best-practice saving, the notes.

    In ``lang`` (English by default), each line wrapped to ``width`` columns (not
    wrapped when ``None``).

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
          Toinen hyväksyntä: 2.8 in verkkolasku (estimated) vs 4.4 in sähköposti (estimated), ×1.5,
          intervals overlap
    """
    lang = lang or english()
    c = comparison
    compared = c.table.loc[c.table["compared"], "activity"].nunique()
    head = lang.t("compare.head", count=len(c.organisations), names=named(c.organisations, lang),
                  compared=lang.tn("compare.activities", compared),
                  local=lang.tn("compare.local_steps", c.local["activity"].nunique()))
    lines = [*_fit(head, width), ""]
    lines += _proven_lines(c, top, lang, width) + [""] + _differs_lines(c, top, lang, width) + [""]
    lines += _best_lines(c, top, lang, width) + ["", lang.t("section.notes")]
    for note in c.notes:
        lines += _fit(render(note, lang), width, "    ", "  - ")
    return lines


def _proven_lines(c: Comparison, top: int, lang: Lang, width: int | None) -> list[str]:
    steps = list(dict.fromkeys(c.proven["activity"])) if not c.proven.empty else []
    lines = _fit(lang.tn("compare.proven", len(steps), steps=_steps(len(steps), lang)), width)
    for activity in steps[:top]:
        rows = c.proven[c.proven["activity"] == activity]
        text = lang.t("compare.proven_line", name=_shown(rows.iloc[0]),
                      people=_per_year(rows[rows["role"] == BY_PEOPLE], lang),
                      system=_per_year(rows[rows["role"] == BY_SYSTEM], lang))
        lines += _fit(text, width, "    ", "  ")
    if len(steps) > top:
        lines.append("  " + lang.t("compare.more_top", count=len(steps) - top))
    return lines


#: Organisations the terminal names in one list (the head, a proven step's sides, the
#: best practice); a national pool of hundreds is summed up after these, and every
#: organisation is in the files (``--out``).
MAX_NAMED = 12


def named(names: Sequence[str], lang: Lang, sep: str = ", ") -> str:
    """The organisations' names (or what is said of each), the first :data:`MAX_NAMED` of
    them and how many more, joined by ``sep``.

    Example:
        >>> named(["Aura", "Bruno"], english())
        'Aura, Bruno'
        >>> named([f"kunta-{i}" for i in range(14)], english())[-30:]
        'kunta-10, kunta-11, and 2 more'
    """
    shown = sep.join(names[:MAX_NAMED])
    if len(names) <= MAX_NAMED:
        return shown
    return f"{shown}{sep}{lang.t('compare.and_more', count=len(names) - MAX_NAMED)}"


def _per_year(rows: pd.DataFrame, lang: Lang) -> str:
    """One side of a proven step: each organisation and its volume a year, the first
    :data:`MAX_NAMED`, then how many more and their volume."""
    parts = [lang.t("compare.per_year", organisation=r.organisation, volume=r.volume_per_year)
             for r in rows.head(MAX_NAMED).itertuples()]
    if len(rows) > MAX_NAMED:
        rest = rows.iloc[MAX_NAMED:]
        parts.append(lang.t("compare.and_more_per_year", count=len(rest), volume=rest["volume_per_year"].sum()))
    return ", ".join(parts)


def _differs_lines(c: Comparison, top: int, lang: Lang, width: int | None) -> list[str]:
    lines = _fit(lang.t("compare.differs", timed=MIN_TIMED), width)
    if c.differs.empty:
        return lines + _fit(lang.t("compare.differs_none"), width, "    ", "  ")
    for r in c.differs.head(top).itertuples():
        text = lang.t("compare.differs_line", name=_shown(r), fast=r.fastest_min, fastest=r.fastest,
                      fast_source=source_name(r.fastest_source, lang), slow=r.slowest_min, slowest=r.slowest,
                      slow_source=source_name(r.slowest_source, lang), ratio=r.ratio,
                      apart=lang.t("compare.apart" if r.separated else "compare.overlap"))
        lines += _fit(text, width, "    ", "  ")
    return lines


def _best_lines(c: Comparison, top: int, lang: Lang, width: int | None) -> list[str]:
    """Each organisation's best practice (the savings in the totals, then those whose
    intervals overlap), the organisations not named, and the total."""
    lines = _fit(lang.t("compare.best"), width)
    best = c.best_practice
    shown = c.totals  # many organisations: those with the most to save, in their order
    if len(shown) > MAX_NAMED:
        most = shown.sort_values(["hours", "overlap_hours"], ascending=False, kind="stable")
        shown = shown.loc[sorted(most.index[:MAX_NAMED])]
    for t in shown.itertuples():
        lines += _org_lines(t, best[best["organisation"] == t.organisation], top, lang, width)
    if len(shown) < len(c.totals):
        rest = c.totals.drop(index=shown.index)[["hours", "hours_low", "hours_high"]].sum()
        lines += _fit(lang.t("compare.best_more", count=len(c.totals) - len(shown), hours=rest["hours"],
                             low=rest["hours_low"], high=rest["hours_high"]), width, "    ", "  ")
    return lines + _total_lines(grand_total(c.totals), lang, width)


def _org_lines(t: Any, steps: pd.DataFrame, top: int, lang: Lang, width: int | None) -> list[str]:
    """One organisation's saving and its steps; apart, those whose intervals overlap."""
    kept, apart = steps[steps["in_total"]], steps[~steps["in_total"]]
    if kept.empty:
        text = lang.t("compare.best_org_none", organisation=t.organisation)
    else:
        text = lang.t("compare.best_org", organisation=t.organisation, hours=t.hours, low=t.hours_low,
                      high=t.hours_high, steps=_steps(len(kept), lang),
                      automate=lang.tn("compare.automated_elsewhere", t.steps_automate),
                      faster=lang.tn("compare.faster_elsewhere", t.steps_faster))
    lines = _fit(text, width, "    ", "  ") + _step_lines(kept, top, lang, width)
    if not apart.empty:
        text = lang.tn("compare.best_overlap", len(apart), hours=t.overlap_hours, low=t.overlap_low,
                       high=t.overlap_high, steps=_steps(len(apart), lang))
        lines += _fit(text, width, "      ", "    ") + _step_lines(apart, top, lang, width)
    return lines


def _step_lines(steps: pd.DataFrame, top: int, lang: Lang, width: int | None) -> list[str]:
    """The first ``top`` steps' savings, one a line, and how many more."""
    lines = []
    for r in steps.head(top).itertuples():
        first = f"    {lang.num(r.hours):>7} {'(' + _span(r.hours_low, r.hours_high, lang) + ')':<13} "
        lines += _fit(f"{_shown(r)}: {_saving(r, lang)}", width, " " * len(first), first)
    if len(steps) > top:
        lines.append("    " + lang.t("compare.more", count=len(steps) - top))
    return lines


def _total_lines(total: dict[str, Any], lang: Lang, width: int | None) -> list[str]:
    """All organisations: the savings shown, those left out (intervals overlapping), and
    a caution when the interval's low end is under an hour."""
    text = lang.t("compare.best_total", hours=total["hours"], low=total["hours_low"], high=total["hours_high"],
                  fte=total["fte"], euros=total["euros_per_year"])
    lines = _fit(text, width, "    ", "  ")
    if total["steps_overlap"]:
        text = lang.tn("compare.best_total_overlap", total["steps_overlap"], hours=total["overlap_hours"],
                       low=total["overlap_low"], high=total["overlap_high"],
                       steps=_steps(total["steps_overlap"], lang))
        lines += _fit(text, width, "      ", "    ")
    if total["interval_reaches_zero"]:
        lines += _fit(lang.t("compare.best_total_zero"), width, "      ", "    ")
    return lines


def _cell(value: object, lang: Lang) -> str:
    """A table cell as text: numbers in ``lang``'s conventions, NaN empty."""
    if isinstance(value, (bool, np.bool_)):
        return lang.t("word.yes" if value else "word.no")
    if isinstance(value, (float, np.floating)):
        if math.isnan(value):
            return ""
        return lang.num(value, 2) if abs(value) < 10 else lang.num(value, 0)
    if isinstance(value, (int, np.integer)):
        return lang.num(value, 0)
    return str(value)


def compare_markdown(comparison: Comparison, *, title: str, heatmap: str | None = None,
                     lang: Lang | None = None) -> str:
    """Markdown report: the findings, then every table (the full one last), in ``lang``.

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
    lang = lang or english()
    out = [f"# {markdown_text(title)}", ""]
    if heatmap:
        out += [f"{lang.t('compare.heatmap')}: `{markdown_text(heatmap)}`", ""]
    out += ["```", *(printable(line) for line in compare_lines(comparison, top=10, lang=lang)), "```", ""]
    for shown in people_tables(comparison, lang):
        out += [f"## {markdown_text(shown.title)}", "", *_markdown_table(shown.table, lang), ""]
    return "\n".join(out)


def people_tables(comparison: Comparison, lang: Lang) -> list[ShownTable]:
    """The tables for people (Markdown, HTML, Excel) in ``lang``: the export tables,
    the totals ending in a row for all organisations.

    Example:
        >>> from rpa_scout import compare_logs, read_log, split_by
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> found = compare_logs(split_by(log, "case:channel"))    # invoices by channel
        >>> totals = people_tables(found, Lang("fi"))[1]
        >>> totals.title, totals.table.iloc[-1, 0]
        ('yhteensä', 'kaikki organisaatiot')
    """
    return shown_tables(export_tables(comparison, total_label=lang.t("compare.all_organisations")), lang)


def _markdown_table(table: pd.DataFrame, lang: Lang) -> list[str]:
    if table.empty:
        return [lang.t("compare.none")]
    head = "| " + " | ".join(markdown_text(c) for c in table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    rows = ["| " + " | ".join(markdown_text(_cell(v, lang)) for v in row) + " |"
            for row in table.itertuples(index=False)]
    return [head, rule, *rows]


def compare_html(comparison: Comparison, *, title: str, heatmap_svg: str | None,
                 load_lines: list[str], lang: Lang | None = None) -> str:
    """A self-contained HTML page in ``lang``: heatmap, findings, every table, load reports.

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
    lang = lang or english()
    esc = lambda text: html.escape(printable(text))  # noqa: E731
    findings = "\n".join(esc(line) for line in compare_lines(comparison, top=20, lang=lang))
    tables = "\n".join(f"<h2>{esc(shown.title)}</h2>\n{_html_table(shown.table, lang)}"
                       for shown in people_tables(comparison, lang))
    load = "\n".join(f"<li>{esc(line.strip())}</li>" for line in load_lines)
    return f"""<!DOCTYPE html>
<html lang="{lang.code}"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1400px; }}
table {{ border-collapse: collapse; font-size: 0.85em; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }}
td.n {{ text-align: right; white-space: nowrap; }}
th {{ background: #f3f3f3; position: sticky; top: 0; }}
pre {{ background: #f8f8f8; padding: 1em; overflow-x: auto; }}
</style></head><body>
<h1>{esc(title)}</h1>
<p>{esc(lang.t("compare.intro"))}</p>
<div class=heatmap>{heatmap_svg or ''}</div>
<h2>{esc(lang.t("compare.findings"))}</h2>
<pre>{findings}</pre>
{tables}
<h2>{esc(lang.t("compare.load_reports"))}</h2><ul>
{load}
</ul>
</body></html>
"""


def _html_table(table: pd.DataFrame, lang: Lang) -> str:
    esc = lambda text: html.escape(printable(text))  # noqa: E731
    if table.empty:
        return f"<p>{esc(lang.t('compare.none'))}</p>"
    head = "".join(f"<th>{esc(c)}</th>" for c in table.columns)
    rows = []
    for row in table.itertuples(index=False):
        cells = "".join(f"<td class=n>{esc(_cell(v, lang))}</td>" if _number(v) else f"<td>{esc(_cell(v, lang))}</td>"
                        for v in row)
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(rows) + "\n</tbody></table>"


def _number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


__all__ = ["TABLE_COLUMNS", "compare_html", "compare_lines", "compare_markdown", "export_tables",
           "people_tables"]
