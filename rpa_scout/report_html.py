"""The one-page HTML report: headline, chart, map, tables (a Jinja2 template, pure strings).

In this order: the hours a year the recommended candidates free, with the interval, FTE
and euros, and what was examined; a chart of hours per candidate; the map of the
candidates and their neighbours with a legend; the candidates, the bots, the steps not
recommended and not examined with the reasons; the assumptions with their sources; the
load report. One offline file: styles inline, pictures inline SVG, no script, nothing
fetched. Text is escaped by the template (autoescape) after
:func:`~rpa_scout.safety.printable`; only the two SVGs, escaped where they are made,
are inserted as they are.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from rpa_scout.chart import Bar, hours_chart
from rpa_scout.explain import excluded_label, payback_cell, why_counts
from rpa_scout.lang import Lang, english, render
from rpa_scout.load_report import LoadReport
from rpa_scout.present import export_table, not_recommended, reason_in
from rpa_scout.rank import Ranking
from rpa_scout.safety import printable
from rpa_scout.summary import Headline, group_bots, headline

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Not-recommended steps shown in grey in the chart (most hours first).
CHART_NOT_RECOMMENDED = 5


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def html_report(ranking: Ranking, *, title: str, map_svg: str | None, map_note: str,
                report: LoadReport | None, top: int | None = None, include_all: bool = False,
                lang: Lang | None = None, subtitle: str = "", max_count: int = 0) -> str:
    """The report as one self-contained HTML page.

    Args:
        ranking: the result of :func:`rpa_scout.rank_candidates`.
        title, subtitle: the page's heading and the line under it.
        map_svg: the map as inline SVG (from Graphviz, which escapes its text), or None.
        map_note: what the map leaves out, or why there is none.
        report: the load report.
        top: how many recommended candidates the chart draws (the table lists them all,
            so that the headline and the bots trace to its rows).
        include_all: also list every candidate not recommended, with the reason (and
            draw the biggest of them in grey).
        lang: the language (English by default).
        max_count: how often the map's most frequent path is taken (for the legend).

    Example:
        >>> from rpa_scout import read_log, rank_candidates
        >>> log, report = read_log("eventlogs/ostolaskut.csv.gz")
        >>> page = html_report(rank_candidates(log), title="t", map_svg=None, map_note="",
        ...                    report=report, lang=Lang("sv"))
        >>> "Programvarurobotar kunde frigöra" in page and "<script" not in page
        True
    """
    from markupsafe import Markup

    lang = lang or english()
    shown = export_table(ranking, top)
    context = {
        "lang": lang.code, "title": printable(title), "subtitle": printable(subtitle),
        "headline": _headline(ranking, lang), "method": lang.t("html.method"),
        "chart": Markup(_chart(ranking, shown, lang, include_all)), "chart_title": lang.t("html.chart_title"),
        "legend": {"recommended": lang.t("html.chart_legend_recommended"),
                   "not_recommended": lang.t("html.chart_legend_not") if include_all else ""},
        "map_title": lang.t("html.map_title"), "map_svg": Markup(map_svg or ""),
        "map_note": printable(map_note), "map_legend": _map_legend(lang, max_count),
        **_tables(ranking, lang, include_all), "load": _load(report, lang),
        "footer": lang.t("html.footer", version=_version()),
    }
    return _environment().get_template("report.html.j2").render(**context)


def _version() -> str:
    from rpa_scout import __version__

    return __version__


def _headline(ranking: Ranking, lang: Lang) -> dict[str, str]:
    """The headline's sentences: total with interval, FTE and euros; what was examined."""
    top = headline(ranking)
    table = ranking.candidates
    if top.recommended:
        big = lang.t("html.headline", hours=top.hours)
        detail = lang.tn("html.headline_detail", top.recommended, low=top.low, high=top.high,
                         fte=top.fte, euros=top.euros, rate=ranking.economics.hourly_cost)
    else:
        big = lang.t("html.headline_none")
        detail = ""
    knocked = table[~table["recommended"]] if not table.empty else table
    examined = lang.t("html.examined", examined=top.examined, recommended=top.examined - top.not_recommended,
                      knocked=top.not_recommended, why=why_counts(knocked, lang) if len(knocked) else "–")
    not_examined = ""
    if top.not_examined:
        counts = ranking.excluded["verdict"].astype(str).map(lambda v: excluded_label(v, lang)).value_counts()
        why = ", ".join(f"{lang.num(n)} {label}" for label, n in sorted(counts.items()))
        not_examined = lang.tn("html.not_examined", top.not_examined, why=why)
    return {"big": big, "detail": detail, "examined": examined, "not_examined": not_examined,
            "nested": lang.t("html.routines_nested"), "caveats": _caveats(ranking, top, lang)}


def _caveats(ranking: Ranking, top: Headline, lang: Lang) -> list[str]:
    """What the headline's total does not say by itself: an interval wider than the
    total, and bots that do not pay back at the assumed costs."""
    if not top.recommended:
        return []
    out = [lang.t("html.headline_wide")] if top.high - top.low > top.hours > 0 else []
    table = ranking.candidates
    chosen = table[(table["kind"] == "activity") & table["recommended"]]
    timed = float(chosen["annual_timed"].sum() / max(chosen["annual_executions"].sum(), 1e-9))
    if timed < 0.95:   # dates without a clock time count no hours (BPIC15: 2 % of some steps timed)
        out.append(lang.t("html.headline_timed", share=timed))
    bots = group_bots(ranking)
    paying = int(bots["payback_months"].astype(float).notna().sum())
    if paying < len(bots):
        e = ranking.economics
        key = "html.headline_payback" if paying else "html.headline_payback_none"
        out.append(lang.t(key, count=paying if paying else len(bots), bots=len(bots), months=e.payback_horizon_months,
                          build=e.build_days * e.day_rate, licence=e.licence_per_year))
    return out


def _chart(ranking: Ranking, shown: pd.DataFrame, lang: Lang, include_all: bool = False) -> str:
    """Hours per shown candidate with the interval, then (``include_all``) the biggest
    not-recommended ones in grey: every bar a row of the report's tables."""
    bars = [Bar(f"{r.rank}. {printable(r.candidate)}", r.hours_per_year, r.hours_low, r.hours_high, True)
            for r in shown.itertuples(index=False) if r.recommended]  # the rank ties a bar to its table row
    rest = not_recommended(ranking, lang).head(CHART_NOT_RECOMMENDED if include_all else 0)
    bars += [Bar(printable(r.candidate), r.hours_per_year, r.hours_low, r.hours_high, False, r.short)
             for r in rest.itertuples(index=False)]
    return hours_chart(bars, lang, axis=lang.t("html.chart_axis"), title=lang.t("html.chart_title"))


def _map_legend(lang: Lang, max_count: int) -> list[tuple[str, str]]:
    """The map's legend lines; the arrow widths only when the map has a path taken at all."""
    width = [("width", lang.tn("html.legend.width", max_count))] if max_count > 0 else []
    return [("candidate", lang.t("html.legend.candidate")),
            ("not_recommended", lang.t("html.legend.knocked_out")),
            ("automated", lang.t("html.legend.automated")), ("other", lang.t("html.legend.other")),
            *width, ("startend", lang.t("html.legend.start_end"))]


def _tables(ranking: Ranking, lang: Lang, include_all: bool = False) -> dict[str, Any]:
    """The table sections: every recommended candidate, the bots, (``include_all``) every
    candidate not recommended, not examined, assumptions."""
    t = lang.t
    shown = export_table(ranking)
    candidates = [_row(r, lang, reason_in(r, ranking, lang)) for r in shown.itertuples(index=False) if r.recommended]
    rest = list(not_recommended(ranking, lang).itertuples(index=False)) if include_all else []
    return {
        "candidates_title": t("html.candidates_title"), "candidates": candidates,
        "candidate_heads": [(t(k), k not in ("col.candidate", "col.why")) for k in (
            "col.rank", "col.candidate", "col.hours", "col.interval", "col.fte", "col.euros", "col.payback",
            "col.fit", "col.why")],
        "bots_title": t("html.bots_title"), "bots": _bots(ranking, lang), "bots_note": t("assumption.bots"),
        "bot_heads": [(t(k), k in ("col.rank", "col.hours", "col.interval", "col.euros", "col.payback"))
                      for k in ("col.rank", "col.steps", "col.hours", "col.interval", "col.euros", "col.payback",
                                "col.why")],
        "not_recommended_title": t("html.not_recommended_title"),
        "not_recommended": [_row(r, lang, r.reason_text) for r in rest],
        "not_examined_title": t("html.not_examined_title"),
        "not_examined": _not_examined(ranking, lang),
        "assumptions_title": t("html.assumptions_title"), "assumptions": _assumptions(ranking, lang),
        "notes": [printable(render(n, lang)) for n in ranking.notes],
        "heads": {k: t(f"col.{k}") for k in ("candidate", "hours", "why", "activity", "name", "value")}
        | {"kind": t("col.assumption_kind"), "source": t("col.assumption_source")},
        "load_title": t("html.load_title"),
    }


def _row(r: Any, lang: Lang, reason: str) -> dict[str, str]:
    """A candidate's cells, recommended or not (one not recommended has no rank)."""
    return {"rank": r.rank if r.recommended else "–", "name": printable(r.candidate),
            "hours": lang.hours(r.hours_per_year), "interval": f"{lang.num(r.hours_low)}–{lang.num(r.hours_high)}",
            "fte": lang.num(r.fte, 2), "euros": lang.num(r.euros_per_year),
            "payback": payback_cell(r.payback_months, lang), "fit": lang.num(r.fit, 2), "reason": printable(reason)}


def _bots(ranking: Ranking, lang: Lang) -> list[dict[str, str]]:
    from rpa_scout.present import _bot_payback

    bots = group_bots(ranking)
    return [{"bot": lang.t("bot.name", number=b.bot), "steps": printable(b.steps), "hours": lang.hours(b.hours_per_year),
             "interval": f"{lang.num(b.hours_low)}–{lang.num(b.hours_high)}",
             "euros": lang.num(b.euros_per_year), "payback": payback_cell(b.payback_months, lang),
             "text": _bot_payback(b, ranking, lang)} for b in bots.itertuples(index=False)]


def _not_examined(ranking: Ranking, lang: Lang) -> list[dict[str, str]]:
    from rpa_scout.present import _why

    return [{"name": printable(r.activity), "why": printable(_why(r, ranking, lang))}
            for r in ranking.excluded.itertuples(index=False)]


def _assumptions(ranking: Ranking, lang: Lang) -> list[dict[str, str]]:
    out = []
    for a in ranking.assumptions:
        kind = lang.t(f"kind.{a.kind}") if f"kind.{a.kind}" in lang.messages else a.kind
        value = "" if math.isnan(a.value) else f"{lang.general(a.value)} {render(a.unit, lang)}".strip()
        out.append({"name": printable(render(a.name, lang)), "value": printable(value), "kind": kind,
                    "source": printable(render(a.source, lang))})
    return out


def _load(report: LoadReport | None, lang: Lang) -> dict[str, Any] | None:
    if report is None:
        return None
    summary = lang.t("html.load_summary", read=report.rows_read, kept=report.rows_kept,
                     rejected=report.rows_rejected)
    heads = 3  # the lines of rows read, kept and rejected: the summary says them
    if report.rows_outside:
        summary += " " + lang.t("load.outside", rows=report.rows_outside) + "."
        heads += 1
    return {"summary": summary, "details_title": lang.t("html.load_details"),
            "details": [printable(line.strip()) for line in report.lines(lang)[heads:]]}
