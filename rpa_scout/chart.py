"""A bar chart of hours a year per candidate, as inline SVG text (pure: no files).

One bar per candidate with its 80 % interval as an error bar; recommended candidates in
the report's candidate colour, the rest grey with their reason under the name. Text is
escaped (names come from logs) and shown :func:`~rpa_scout.safety.printable`; no
script, no external font or stylesheet, so the chart prints as it shows.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from rpa_scout.lang import Lang
from rpa_scout.safety import printable

CANDIDATE_COLOUR = "#e6550d"
GREY = "#bdbdbd"
_WIDTH, _LABEL, _RIGHT, _ROW, _TOP = 760, 290, 70, 36, 28


@dataclass(frozen=True)
class Bar:
    """One candidate in the chart: its name, hours a year with the interval, and status."""

    label: str
    hours: float
    low: float
    high: float
    recommended: bool
    note: str = ""


def _esc(text: str) -> str:
    return html.escape(printable(text), quote=True)


def _short(text: str, width: int = 44) -> str:
    """``text`` in at most ``width`` characters: cut at a word, and a code in brackets at
    its end kept (it tells steps of the same name apart: BPIC15's ``(01_HOOFD_065_1)``).

    Example:
        >>> _short("enter senddate procedure confirmation for the applicant (01_HOOFD_065_1)")
        'enter senddate procedure… (01_HOOFD_065_1)'
        >>> _short("T10 Determine necessity to stop indication → T11 Create document X", 30)
        'T10 Determine necessity to…'
    """
    text = printable(text)
    if len(text) <= width:
        return text
    code = ""
    if text.endswith(")") and "(" in text:
        opened = text.rindex("(")
        if 0 < len(text) - opened <= width // 2:
            code, text = " " + text[opened:], text[:opened].rstrip()
    room = width - len(code) - 1
    cut = text[:room + 1].rsplit(" ", 1)[0] if " " in text[:room + 1] else text[:room]
    return cut[:room].rstrip(" →,;:-") + "…" + code


def _ticks(top: float) -> list[float]:
    """About five round tick values from 0 to at least ``top``."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(int(math.ceil(top / step)) + 1)]


def hours_chart(bars: list[Bar], lang: Lang, *, axis: str, title: str) -> str:
    """The chart as an ``<svg>`` element (empty string when there is nothing to show).

    Example:
        >>> svg = hours_chart([Bar("Tarkastus", 100, 80, 130, True)], Lang("fi"), axis="h/v", title="t")
        >>> svg.startswith("<svg") and "Tarkastus" in svg and "100" in svg
        True
    """
    if not bars:
        return ""
    ticks = _ticks(_axis_top(bars))
    scale = (_WIDTH - _LABEL - _RIGHT) / ticks[-1]
    height = _TOP + _ROW * len(bars) + 34
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_WIDTH} {height}" '
           f'width="{_WIDTH}" height="{height}" role="img" aria-label="{_esc(title)}" '
           'font-family="Helvetica, Arial, sans-serif" font-size="12">', f"<title>{_esc(title)}</title>"]
    for tick in ticks:
        x = _LABEL + tick * scale
        out.append(f'<line x1="{x:.1f}" y1="{_TOP - 6}" x2="{x:.1f}" y2="{height - 28}" stroke="#e3e3e3"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 14}" text-anchor="middle" fill="#444">{_esc(lang.num(tick))}</text>')
    out.append(f'<text x="{_LABEL + (_WIDTH - _LABEL - _RIGHT) / 2:.0f}" y="{height - 1}" '
               f'text-anchor="middle" fill="#444">{_esc(axis)}</text>')
    for i, bar in enumerate(bars):
        out.extend(_bar(bar, _TOP + i * _ROW, scale, lang))
    out.append("</svg>")
    return "\n".join(out)


def _axis_top(bars: list[Bar]) -> float:
    """The axis reaches the recommended bars' upper bounds (all bars' when none is
    recommended); longer grey bars are cut at the end of the axis and marked."""
    chosen = [b for b in bars if b.recommended] or bars
    return max(max(b.hours, b.high if math.isfinite(b.high) else 0.0) for b in chosen)


def _bar(bar: Bar, y: float, scale: float, lang: Lang) -> list[str]:
    """The SVG elements of one row: label (and reason), bar, error bar, value."""
    colour = CANDIDATE_COLOUR if bar.recommended else GREY
    mid = y + 11
    parts = [f'<g><title>{_esc(bar.label)}</title>',
             f'<text x="{_LABEL - 8}" y="{mid + 4}" text-anchor="end" fill="#222">{_esc(_short(bar.label))}</text>']
    if bar.note:
        parts.append(f'<text x="{_LABEL - 8}" y="{mid + 18}" text-anchor="end" fill="#666" font-size="11" '
                     f'font-style="italic">{_esc(_short(bar.note, 50))}</text>')
    end = _WIDTH - _RIGHT
    width = min(max(bar.hours, 0.0) * scale, end - _LABEL)
    parts.append(f'<rect x="{_LABEL}" y="{y + 2}" width="{width:.1f}" height="18" fill="{colour}"/>')
    right = _LABEL + width
    if math.isfinite(bar.low) and math.isfinite(bar.high) and bar.high > bar.low:
        lo, hi = min(_LABEL + bar.low * scale, end), min(_LABEL + bar.high * scale, end)
        parts += [f'<line x1="{lo:.1f}" y1="{mid}" x2="{hi:.1f}" y2="{mid}" stroke="#222" stroke-width="1.2"/>',
                  f'<line x1="{lo:.1f}" y1="{mid - 5}" x2="{lo:.1f}" y2="{mid + 5}" stroke="#222" stroke-width="1.2"/>',
                  f'<line x1="{hi:.1f}" y1="{mid - 5}" x2="{hi:.1f}" y2="{mid + 5}" stroke="#222" stroke-width="1.2"/>']
        right = max(right, hi)
    cut = "▸ " if max(bar.hours, bar.high if math.isfinite(bar.high) else 0.0) * scale > end - _LABEL else ""
    parts.append(f'<text x="{right + 5:.1f}" y="{mid + 4}" fill="#222">{_esc(cut + lang.num(bar.hours))}</text></g>')
    return parts
