"""Present a ranking: terminal lines, Markdown and a one-page HTML report (pure strings).

Every word comes from the message catalogues (:mod:`rpa_scout.lang`) in the chosen
language, numbers in its conventions. Terminal text is wrapped to the terminal's width
at word boundaries and escaped by the CLI as it prints it; Markdown text passes
:func:`rpa_scout.safety.markdown_text`; the HTML report is a Jinja2 template with
autoescaping (names also pass :func:`~rpa_scout.safety.printable`).
"""

from __future__ import annotations

import math
import re
import textwrap
from typing import Any

import pandas as pd

from rpa_scout.explain import (knock_out_text, none_recommended, payback_cell, payback_text, pays_back,
                               reason, source_name, why_not_label)
from rpa_scout.lang import Lang, english, render
from rpa_scout.rank import Ranking
from rpa_scout.safety import markdown_text
from rpa_scout.summary import group_bots

EXPORT_COLUMNS = [
    "rank", "kind", "candidate", "candidate_code", "steps", "recommended", "fit", "hours_per_year", "hours_low",
    "hours_high", "nested_in_steps", "fte", "euros_per_year", "payback_months", "break_even_hours",
    "break_even_executions", "break_even_licence", "payback_text", "annual_executions",
    "annual_timed", "timed_share", "handling_min", "handling_low_min", "handling_high_min",
    "handling_source", "handling_bound", "automatable_share", "manual_share", "repeated_share", "knock_out",
    "knock_out_value", "knock_out_limit",
    "rule_basedness", "standardisation", "variability", "stability", "rework", "volume", "handling",
    "people_shown",
    "loose_share", "rule_accuracy_raw", "top_successor_share_raw", "rework_share_raw",
    "handling_cv_raw", "handling_spread_raw",
    "stability_cv_raw", "reason",
]
#: Width of the terminal text when the terminal does not say.
DEFAULT_WIDTH = 80


def export_table(ranking: Ranking, top: int | None = None, include_all: bool = False) -> pd.DataFrame:
    """The candidate table as shown and exported (no individual people in it): the
    recommended candidates (the first ``top`` of them when given), then, with
    ``include_all``, every candidate not recommended.

    ``--top`` limits what the terminal shows; the files hold every recommended candidate
    (``top=None``), so that the totals and bots they name trace to their rows. A
    break-even licence that no price reaches (zero or below) is empty, as the payback
    sentence (``payback_text``, English) says.

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> ranking = rank_candidates(read_log("eventlogs/ostolaskut_complete_only.csv.gz")[0])
        >>> from rpa_scout.present import export_table
        >>> table = export_table(ranking, top=2)
        >>> table[["rank", "candidate"]].values.tolist()
        [[1, 'Kustannuspaikan tiliöinti'], [2, 'Tilausvastaavuuden tarkistus']]
        >>> len(export_table(ranking)), len(export_table(ranking, include_all=True))   # recommended, all
        (4, 7)
        >>> len(export_table(ranking, top=2, include_all=True))   # the top 2, then the 3 not recommended
        5
    """
    table = ranking.candidates
    if table.empty:
        return table
    chosen = table[table["recommended"]]
    if top is not None:
        chosen = chosen.head(top)
    if include_all:
        chosen = pd.concat([chosen, table[~table["recommended"]]])
    table = chosen.reset_index(drop=True)
    if "break_even_licence" in table.columns:
        licence = table["break_even_licence"].astype(float)
        table = table.assign(break_even_licence=licence.where(licence > 0))
    if {"payback_months", "break_even_hours", "break_even_executions"} <= set(table.columns):
        e, english_ = ranking.economics, english()
        table = table.assign(payback_text=[
            payback_text(r, e.licence_per_year, e.payback_horizon_months, english_)
            for r in table.itertuples(index=False)])
    return table[[c for c in EXPORT_COLUMNS if c in table.columns]]


#: A number and its unit stay on one line ("80 %", "6 000 €", "1 558 h/v").
_GLUE = re.compile(r"(?<=\d) (?=[%€×]|h\b|h/|min\b|s\b|d\b|kk\b|mo\b|mån\b|vrk\b|dygn\b|pv\b)")


def wrap(text: str, width: int = DEFAULT_WIDTH, indent: str = "", first: str | None = None) -> list[str]:
    """``text`` wrapped at word boundaries to ``width`` columns; a number and its unit are
    never split, and a word longer than a line (a path, an address) stands whole on a line
    of its own, so that it can be copied.

    Example:
        >>> wrap("one two three four five six seven", 20, indent="  ")
        ['  one two three four', '  five six seven']
        >>> wrap("written to /a/very/long/folder/name/map.svg", 20)
        ['written to', '/a/very/long/folder/name/map.svg']
    """
    glued = _GLUE.sub("\u00a0", str(text))
    return textwrap.wrap(glued, width=max(width, 20), initial_indent=indent if first is None else first,
                         subsequent_indent=indent, break_on_hyphens=False,
                         break_long_words=False) or [indent.rstrip()]


def reason_in(r: Any, ranking: Ranking, lang: Lang) -> str:
    """A candidate's reason in ``lang``, with the payback sentence when it does not pay back.

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> ranking = rank_candidates(read_log("eventlogs/ostolaskut_complete_only.csv.gz")[0])
        >>> first = next(ranking.candidates.itertuples(index=False))
        >>> text = reason_in(first, ranking, Lang("en"))
        >>> text.startswith(first.reason)           # the reason column, then the payback
        True
        >>> print(text[len(first.reason):])
        ; does not pay back within 60 months at a licence of 6,000\\xa0€ a year: it would from 317 h a year
        (8,255 executions); at this volume no licence price makes it pay back
    """
    text = reason(r, ranking.fit_threshold, lang=lang)
    if not math.isfinite(r.payback_months):
        e = ranking.economics
        text += "; " + payback_text(r, e.licence_per_year, e.payback_horizon_months, lang)
    return text


def terminal_lines(ranking: Ranking, top: int | None = None, include_all: bool = False, *,
                   lang: Lang | None = None, width: int = DEFAULT_WIDTH) -> list[str]:
    """A readable table with each candidate's reason under it, the bots, the assumptions
    and notes, wrapped to ``width`` columns.

    The table holds the first ``top`` recommended candidates (a line counts the rest and
    says how to see them), then with ``include_all`` every candidate not recommended; the
    per-bot view lists the bots of the steps shown (and counts the others). The activities not ranked: ten, or with ``include_all`` all.

    Example:
        >>> from rpa_scout import read_log, rank_candidates
        >>> log, _ = read_log("eventlogs/ostolaskut.csv.gz")
        >>> lines = terminal_lines(rank_candidates(log), lang=Lang("fi"))
        >>> max(map(len, lines)) <= 80 and "Oletukset" in lines
        True
    """
    lang = lang or english()
    table = export_table(ranking, top, include_all)
    recommended = int(ranking.candidates["recommended"].sum()) if not ranking.candidates.empty else 0
    shown = int(table["recommended"].sum()) if not table.empty else 0
    if table.empty:
        lines = wrap(none_recommended(ranking.candidates, lang) if not ranking.candidates.empty
                     else lang.t("rank.no_candidates"), width)
    else:
        more = (lang.tn("rank.more_recommended", recommended - shown, first=shown + 1, last=recommended)
                if shown < recommended else "")
        lines = _table_lines(table, ranking, lang, width, after=shown, more=more)
    lines += _bot_lines(ranking, lang, width, shown=table if shown < recommended else None)
    lines += ["", *assumption_lines(ranking, lang, width)]
    if not ranking.excluded.empty:
        listed = ranking.excluded if include_all else ranking.excluded.head(10)
        lines += ["", lang.tn("section.not_ranked", len(ranking.excluded))]
        for r in listed.itertuples(index=False):
            lines += wrap(f"{r.activity}: {_why(r, ranking, lang)}", width, indent="    ", first="  - ")
        if len(ranking.excluded) > len(listed):
            lines.append("  - " + lang.t("word.and_more", count=len(ranking.excluded) - len(listed)))
    return lines


def assumption_lines(ranking: Ranking, lang: Lang, width: int = DEFAULT_WIDTH) -> list[str]:
    """The heading, then the ranking's assumptions and notes in ``lang``, wrapped to ``width``.

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> ranking = rank_candidates(read_log("eventlogs/ostolaskut_complete_only.csv.gz")[0])
        >>> lines = assumption_lines(ranking, Lang("sv"), width=60)
        >>> lines[0], max(map(len, lines)) <= 60, lines[1].startswith("  - ")
        ('Antaganden', True, True)
    """
    lines = [lang.t("section.assumptions")]
    for a in ranking.assumptions:
        lines += wrap(a.render(lang), width, indent="    ", first="  - ")
    for note in ranking.notes:
        lines += wrap(render(note, lang), width, indent="    ", first="  - ")
    return lines


def _why(r: Any, ranking: Ranking, lang: Lang) -> str:
    """Why the excluded activity of row ``r`` is not a candidate, its evidence in ``lang``."""
    from rpa_scout.explain import why_excluded

    evidence = ranking.evidence.get(str(r.activity), str(r.evidence))
    return why_excluded(str(r.verdict), evidence, str(r.source), lang, float(getattr(r, "system_share", 1.0)))


#: The width of a candidate's row of figures in columns (indent 5, then 30 + 6 + 10 + 2 + 14 + 1 + 7):
#: a payback head of 13 letters and a fit head of 8 ("takaisinmaksu", "sopivuus") stay two apart.
TABLE_WIDTH = 75


def _table_lines(table: pd.DataFrame, ranking: Ranking, lang: Lang, width: int, after: int = 0,
                 more: str = "") -> list[str]:
    """Header, then per candidate: rank and name, its numbers, its reason (wrapped); the
    ``more`` line after the first ``after`` rows (the recommended ones shown). Below
    :data:`TABLE_WIDTH` columns the figures are not aligned but wrapped, like the text."""
    heads = [lang.t(f"col.{key}") for key in ("hours_interval", "fte", "euros", "payback", "fit")]
    lines = [f"{lang.t('col.rank'):>3}  {lang.t('col.candidate')}"]
    lines += (["     " + _aligned(heads)] if width >= TABLE_WIDTH
              else wrap(" · ".join(heads), width, indent="     "))
    more_lines = wrap(more, width, indent="    ", first="  ") if more else []
    for i, r in enumerate(table.itertuples(index=False)):
        if i == after:
            lines += more_lines
        rank = f"{r.rank:>3}" if r.rank else "  -"
        lines += wrap(str(r.candidate), width, indent="     ", first=f"{rank}  ")
        cells = [f"{lang.hours(r.hours_per_year)} ({lang.num(r.hours_low)}–{lang.num(r.hours_high)})",
                 lang.num(r.fte, 2), lang.num(r.euros_per_year), payback_cell(r.payback_months, lang),
                 lang.num(r.fit, 2)]
        lines += (["     " + _aligned(cells)] if width >= TABLE_WIDTH
                  else wrap(" · ".join(cells), width, indent="     "))
        lines += wrap(reason_in(r, ranking, lang), width, indent="     ")
    if after >= len(table):
        lines += more_lines
    return lines


def _aligned(cells: list[str]) -> str:
    """Hours (interval), FTE, euros, payback and fit in the table's fixed columns, a
    space between any two however wide a figure is (12,000,000 € once ran into its FTE)."""
    span, fte, euros, payback, fit = cells
    return f"{span:<29} {fte:>6} {euros:>9}  {payback:<14} {fit:>7}".rstrip()


def _bot_lines(ranking: Ranking, lang: Lang, width: int, shown: pd.DataFrame | None = None) -> list[str]:
    """The per-bot view, when some bot runs more than one step; with ``shown`` (the
    candidates a cut table shows) the bots of the steps it shows, and a line counting
    the others."""
    bots = group_bots(ranking)
    if bots.empty or int(bots["n_steps"].max()) < 2:
        return []
    lines = ["", *wrap(lang.t("section.bots"), width)]
    listed = bots
    if shown is not None:  # a bot is listed when the table shows one of its steps
        seen = set(shown.loc[shown["kind"] == "activity", "candidate"].astype(str))
        listed = bots[[any(f" + {s} + " in f" + {b.steps} + " for s in seen) for b in bots.itertuples(index=False)]]
    for b in listed.itertuples(index=False):
        text = lang.t("bot.line", name=lang.t("bot.name", number=b.bot), hours=b.hours_per_year,
                      low=b.hours_low, high=b.hours_high,
                      euros=b.euros_per_year, payback=_bot_payback(b, ranking, lang), steps=b.steps)
        lines += wrap(text, width, indent="    ", first="  - ")
    if len(listed) < len(bots):
        recommended = int(ranking.candidates["recommended"].sum())
        lines += wrap(lang.tn("bot.more", len(bots) - len(listed), top=int(shown["recommended"].sum()),
                              last=recommended), width, indent="    ", first="  - ")
    return lines


def _bot_payback(b: Any, ranking: Ranking, lang: Lang) -> str:
    e = ranking.economics
    if math.isfinite(b.payback_months):
        return pays_back(b.payback_months, lang)
    if not math.isfinite(b.break_even_hours):
        return lang.t("payback.no_cost")
    price = (lang.t("payback.or_licence", price=b.break_even_licence) if b.break_even_licence > 0
             else lang.t("payback.no_licence"))
    return lang.t("payback.never_bot", licence=e.licence_per_year, horizon=e.payback_horizon_months,
                  hours=b.break_even_hours, price=price)


def markdown(ranking: Ranking, include_all: bool = False, *, lang: Lang | None = None) -> str:
    """Markdown report: candidate table with reasons, bots, assumptions, notes, not ranked.

    A file holds every recommended candidate (``--top`` limits the terminal only), so the
    bots it names are rows of its table; with ``include_all`` also those not recommended.

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> ranking = rank_candidates(read_log("eventlogs/ostolaskut_complete_only.csv.gz")[0])
        >>> print("\\n".join(markdown(ranking).splitlines()[:5]))
        # Candidates
        <BLANKLINE>
        | # | candidate | hours/yr | 80\\xa0% interval | FTE | €/yr | payback | fit | why |
        |---:|---|---:|---|---:|---:|---:|---:|---|
        | 1 | Kustannuspaikan tiliöinti | 97 | 7–250 | 0.06 | 2,807 | no payback | 0.90 | 97 h/yr: ... |
        >>> markdown(ranking, lang=Lang("fi")).splitlines()[0]
        '# Automaatioehdokkaat'
    """
    lang = lang or english()
    table = export_table(ranking, None, include_all)
    heads = [lang.t(k) for k in ("col.rank", "col.candidate", "col.hours", "col.interval", "col.fte",
                                 "col.euros", "col.payback", "col.fit", "col.why")]
    out = [f"# {lang.t('section.candidates')}", "", "| " + " | ".join(heads) + " |",
           "|---:|---|---:|---|---:|---:|---:|---:|---|"]
    for r in table.itertuples(index=False):
        out.append(f"| {r.rank or '-'} | {_md(r.candidate)} | {lang.hours(r.hours_per_year)} | "
                   f"{lang.num(r.hours_low)}–{lang.num(r.hours_high)} | {lang.num(r.fte, 2)} | "
                   f"{lang.num(r.euros_per_year)} | {_md(payback_cell(r.payback_months, lang))} | "
                   f"{lang.num(r.fit, 2)} | {_md(reason_in(r, ranking, lang))} |")
    bots = _bot_lines(ranking, lang, 10_000)
    if bots:
        out += ["", f"## {bots[1]}", ""] + [f"- {_md(line.strip()[2:])}" for line in bots[2:]]
    out += ["", f"## {lang.t('section.assumptions')}", ""]
    out += [f"- {_md(a.render(lang))}" for a in ranking.assumptions]
    out += [f"- {_md(render(n, lang))}" for n in ranking.notes]
    if not ranking.excluded.empty:
        out += ["", f"## {lang.tn('section.not_ranked', len(ranking.excluded))}", ""]
        out += [f"- {_md(r.activity)}: {_md(_why(r, ranking, lang))}"
                for r in ranking.excluded.itertuples(index=False)]
    return "\n".join(out) + "\n"


def _md(text: object) -> str:
    return markdown_text(text)


def not_recommended(ranking: Ranking, lang: Lang) -> pd.DataFrame:
    """The examined candidates that are not recommended, most hours first, with the reason.

    Example:
        >>> from rpa_scout import rank_candidates, read_log
        >>> ranking = rank_candidates(read_log("eventlogs/ostolaskut_complete_only.csv.gz")[0])
        >>> table = not_recommended(ranking, Lang("en"))
        >>> table[["candidate", "short"]].values.tolist()
        [['Asiatarkastus', 'variability'], ['Hyväksyntä', 'variability'], ['Toinen hyväksyntä', 'variability']]
        >>> table["why"].iloc[0]
        "variability 0.38 < 0.60 (handling time varies far more than this log's most uniform steps: judgement work?)"
    """
    table = ranking.candidates
    if table.empty:
        return pd.DataFrame(columns=["candidate", "kind", "hours_per_year", "hours_low", "hours_high", "fte",
                                     "euros_per_year", "why", "short", "reason_text"])
    out = table[~table["recommended"]].sort_values(["hours_per_year", "candidate"], ascending=[False, True],
                                                    kind="stable")
    why = [knock_out_text(r.knock_out, r.knock_out_value, r.knock_out_limit, lang) if r.knock_out
           else why_not_label(r, lang) for r in out.itertuples(index=False)]
    return out.assign(why=why, short=[why_not_label(r, lang) for r in out.itertuples(index=False)],
                      reason_text=[reason_in(r, ranking, lang) for r in out.itertuples(index=False)])


def handling_source(source: str, lang: Lang) -> str:
    """A handling-time source in ``lang`` (re-exported for the writers).

    Example:
        >>> handling_source("estimated", Lang("sv")), handling_source("supplied", Lang("fi"))
        ('uppskattad', 'annettu')
    """
    return source_name(source, lang)
