"""An activities × organisations heatmap as a self-contained SVG (pure: data in, text out).

Each cell is one activity in one organisation, coloured by its manual share (blue: the
system does it, red: people do it) or by the person hours a year spent on it; an empty
cell means the organisation does not have the step. Rows are the compared activities
that matter most (steps proven elsewhere first, then by person hours), at most
:data:`MAX_ROWS` so the picture stays readable; every cell carries a tooltip with its
figures. No scripts, fonts or styles are fetched: the file shows offline in any browser.
Every word and number is in the chosen language (:mod:`rpa_scout.lang`).
"""

from __future__ import annotations

import html
import math

import pandas as pd

from rpa_scout.arguments import require_type, top_count
from rpa_scout.compare import AUTOMATED, Comparison
from rpa_scout.errors import ConfigError
from rpa_scout.explain import source_name
from rpa_scout.lang import Lang, english
from rpa_scout.safety import printable

MAX_ROWS = 40
VALUES = ("manual", "hours")
ROW, FONT, PAD = 20, 12, 10
LABEL_CHARS, ORG_CHARS = 60, 14
#: Blue (system) through pale yellow to red (people): ColorBrewer's RdYlBu ends, which
#: stay apart for the common forms of colour blindness.
LOW, MID, HIGH = (44, 123, 182), (255, 255, 191), (215, 25, 28)
EMPTY = "#eeeeee"


def heatmap_svg(comparison: Comparison, *, value: str = "manual", top: int = MAX_ROWS,
                title: str | None = None, lang: Lang | None = None) -> str:
    """The heatmap of ``comparison`` as SVG text.

    Args:
        comparison: the result of :func:`rpa_scout.compare_logs`.
        value: ``manual`` (share of executions done by people) or ``hours`` (person
            hours a year on the step).
        top: how many activities to draw (at most :data:`MAX_ROWS` are readable).
        title: the picture's title (by default, what the colour shows).
        lang: the language of the words and numbers (English by default).

    Returns:
        An ``<svg>`` document.

    Example:
        >>> from rpa_scout import compare_logs, generate_log
        >>> logs = {n: generate_log("rakennuslupa", 200, seed=s).log for n, s in (("A", 1), ("B", 2))}
        >>> heatmap_svg(compare_logs(logs)).startswith("<svg")
        True
    """
    lang = lang or english()
    if value not in VALUES:
        raise ConfigError(f"value must be one of {', '.join(VALUES)}, got {value!r}")
    comparison = require_type(comparison, Comparison, "comparison", "a Comparison (from compare_logs)")
    grid, shown, total = _grid(comparison, value, top_count(top) or MAX_ROWS)
    title = title if title is not None else lang.t(f"heatmap.title.{value}")
    orgs = list(comparison.organisations)
    names = [_name(a, shown) for a in grid.index]
    label_w = PAD + int(0.62 * FONT * max([len(n) for n in names] + [10]))
    cell_w = max(56, int(0.62 * FONT * max(len(_short(o, ORG_CHARS)) for o in orgs)) + 12)
    top_y = 3 * ROW + PAD
    width = label_w + cell_w * len(orgs) + 2 * PAD
    height = top_y + ROW * len(grid) + 4 * ROW
    top_value = _top(grid) if value == "hours" else 1.0
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{FONT}">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             _text(PAD, ROW, title, weight="bold", size=FONT + 2),
             _text(PAD, 2 * ROW - 4, lang.t("heatmap.subtitle", shown=len(grid), total=total,
                                            what=lang.t(f"heatmap.what.{value}")), fill="#555")]
    for j, org in enumerate(orgs):
        x = label_w + j * cell_w + cell_w / 2
        parts.append(_text(x, top_y - 6, _short(org, ORG_CHARS), anchor="middle", weight="bold", tip=org))
    for i, (activity, row) in enumerate(grid.iterrows()):
        y = top_y + i * ROW
        parts.append(_text(label_w - 6, y + ROW - 6, _short(names[i], LABEL_CHARS), anchor="end",
                           tip=names[i]))
        for j, org in enumerate(orgs):
            figures = shown.loc[(activity, org)] if (activity, org) in shown.index else None
            where = lang.t("heatmap.where", activity=names[i], organisation=org)
            parts.append(_cell(label_w + j * cell_w, y, cell_w, (row[org], value, top_value), where,
                               figures, lang))
    parts.append(_legend(PAD, top_y + ROW * len(grid) + ROW, value, top_value, lang))
    return "\n".join(parts + ["</svg>"]) + "\n"


def _grid(comparison: Comparison, value: str, top: int) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The drawn rows (activity × organisation cells) and the rows' figures."""
    table = comparison.table[comparison.table["compared"]]
    proven = set(comparison.proven["activity"]) if not comparison.proven.empty else set()
    weight = table.groupby("activity").agg(hours=("person_hours", "sum"), volume=("volume_per_year", "sum"))
    weight["proven"] = weight.index.isin(list(proven))
    order = weight.sort_values(["proven", "hours", "volume"], ascending=[False, False, False],
                               kind="stable").head(min(top, MAX_ROWS)).index
    column = "manual_share" if value == "manual" else "person_hours"
    cells = table.pivot_table(index="activity", columns="organisation", values=column, aggfunc="first")
    cells = cells.reindex(index=order, columns=list(comparison.organisations))
    shown = table.set_index(["activity", "organisation"])
    return cells, shown, len(weight)


def _top(grid: pd.DataFrame) -> float:
    """The largest cell value (0 when there is none), the top of the hours scale."""
    top = float(pd.to_numeric(grid.stack(), errors="coerce").max()) if not grid.empty else 0.0
    return top if math.isfinite(top) else 0.0


def _name(activity: str, shown: pd.DataFrame) -> str:
    """The activity's display name (its label where the comparison has labels)."""
    if "label" not in shown.columns:
        return str(activity)
    return str(shown.xs(activity, level="activity")["label"].iloc[0])


def _cell(x: float, y: float, w: float, shade: tuple[float, str, float], where: str,
          figures: pd.Series | None, lang: Lang) -> str:
    """One cell: ``shade`` is its value, what the values are and the top of the scale."""
    v, value, top_value = shade
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return (f'<rect x="{x:.0f}" y="{y:.0f}" width="{w - 1:.0f}" height="{ROW - 1}" fill="{EMPTY}">'
                f'<title>{_esc(lang.t("heatmap.not_found", where=where))}</title></rect>')
    share = float(v) if value == "manual" else (math.log1p(float(v)) / math.log1p(top_value)
                                               if top_value > 0 else 0.0)
    colour = _colour(share)
    text = lang.pct(float(v)) if value == "manual" else f"{lang.num(float(v))} h"
    dark = share > 0.8 or share < 0.2
    tip = f"{where}: {text}" + _tip(figures, lang)
    return (f'<g><title>{_esc(tip)}</title><rect x="{x:.0f}" y="{y:.0f}" width="{w - 1:.0f}" '
            f'height="{ROW - 1}" fill="{colour}"/>'
            + _text(x + w / 2, y + ROW - 6, text, anchor="middle", fill="white" if dark else "#222")
            + "</g>")


def _tip(r: pd.Series | None, lang: Lang) -> str:
    """Verdict, volume and handling time of a cell's activity in its organisation."""
    if r is None:
        return ""
    minutes = "" if r["verdict"] == AUTOMATED or pd.isna(r["handling_min"]) else \
        lang.t("heatmap.tip_minutes", minutes=r["handling_min"], source=source_name(r["handling_source"], lang))
    key = f"verdict.{r['verdict']}"
    verdict = lang.t(key) if key in lang.messages else str(r["verdict"])
    return lang.t("heatmap.tip", verdict=verdict, volume=r["volume_per_year"], minutes=minutes)


def _colour(t: float) -> str:
    t = min(1.0, max(0.0, t))
    a, b, u = (LOW, MID, t * 2) if t < 0.5 else (MID, HIGH, (t - 0.5) * 2)
    return "#" + "".join(f"{round(p + (q - p) * u):02x}" for p, q in zip(a, b))


def _legend(x: float, y: float, value: str, top_value: float, lang: Lang) -> str:
    steps = 20
    parts = [f'<rect x="{x + i * 12}" y="{y}" width="12" height="12" fill="{_colour(i / (steps - 1))}"/>'
             for i in range(steps)]
    if value == "manual":
        ends = (lang.t("heatmap.legend.system"), lang.t("heatmap.legend.people"))
    else:
        ends = ("0 h", lang.t("heatmap.legend.hours", hours=top_value))
    parts.append(_text(x, y + 28, ends[0], fill="#555"))
    parts.append(_text(x + steps * 12, y + 28, ends[1], anchor="end", fill="#555"))
    parts.append(f'<rect x="{x + steps * 12 + 24}" y="{y}" width="12" height="12" fill="{EMPTY}"/>')
    parts.append(_text(x + steps * 12 + 42, y + 11, lang.t("heatmap.legend.empty"), fill="#555"))
    return "\n".join(parts)


def _text(x: float, y: float, text: str, *, anchor: str = "start", weight: str = "normal",
          size: int = FONT, fill: str = "#222", tip: str | None = None) -> str:
    title = f"<title>{_esc(tip)}</title>" if tip is not None and tip != text else ""
    return (f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}" font-weight="{weight}" '
            f'font-size="{size}" fill="{fill}">{title}{_esc(text)}</text>')


def _short(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _esc(text: object) -> str:
    return html.escape(printable(text), quote=True)


__all__ = ["MAX_ROWS", "VALUES", "heatmap_svg"]
