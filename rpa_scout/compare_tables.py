"""A comparison's tables as people read them: titles, headers and words in a language.

Markdown, HTML and Excel show :func:`rpa_scout.compare_report.export_tables` with each
table's title and column headers from the message catalogues (:mod:`rpa_scout.lang`,
the ``col.*`` headers of rank's workbook where a column means the same), and the words in
its cells (verdicts, roles, kinds of saving, handling-time sources, yes and no) in the
chosen language. Numbers stay numbers; CSV and JSON keep the English keys and values.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

import numpy as np
import pandas as pd

from rpa_scout.compare import AUTOMATE, BY_PEOPLE, BY_SYSTEM, FASTER
from rpa_scout.explain import source_name
from rpa_scout.lang import Lang

#: Column → catalogue key of its header.
HEADERS = {
    "activity": "col.activity", "label": "col.label", "organisation": "col.organisation",
    "organisations": "col.organisations", "compared": "col.compared", "verdict": "col.verdict",
    "cases": "inspect.cases", "instances": "col.instances", "volume_per_year": "col.executions",
    "manual_per_year": "col.manual_year", "manual_share": "criterion.manual_share",
    "timed_per_year": "col.timed_year", "handling_min": "col.handling", "handling_low_min": "col.handling_low",
    "handling_high_min": "col.handling_high", "handling_source": "col.source",
    "variability": "criterion.variability", "handling_cv": "col.handling_cv",
    "person_hours": "col.person_hours", "person_hours_low": "col.person_hours_low",
    "person_hours_high": "col.person_hours_high", "hours_per_year": "col.hours", "hours_low": "col.hours_low",
    "hours_high": "col.hours_high", "recommended": "col.recommended", "best_practice": "col.best_practice",
    "kind": "col.best_practice", "benchmark": "col.benchmark", "benchmark_min": "col.benchmark_min",
    "benchmark_share": "col.benchmark_share", "hours": "col.saving", "saving_hours": "col.saving",
    "saving_low": "col.saving_low", "saving_high": "col.saving_high", "steps_automate": "col.steps_automate",
    "steps_faster": "col.steps_faster", "role": "col.role", "fastest": "col.fastest",
    "fastest_min": "col.fastest_min", "fastest_source": "col.fastest_source", "slowest": "col.slowest",
    "slowest_min": "col.slowest_min", "slowest_source": "col.slowest_source", "ratio": "col.ratio",
    "separated": "col.separated", "fte": "col.fte", "euros_per_year": "col.euros", "people": "col.people",
    "in_total": "col.in_total", "saving_in_total": "col.in_total", "overlap_hours": "col.overlap_saving",
    "overlap_low": "col.overlap_saving_low", "overlap_high": "col.overlap_saving_high",
    "steps_overlap": "col.steps_overlap",
}
#: In the totals and the best-practice table, the hours are the best practice's saving.
SAVING_HEADERS = {"hours_low": "col.saving_low", "hours_high": "col.saving_high"}
#: Excel number format kind (:data:`rpa_scout.io.spreadsheet.FORMATS`) per column; text otherwise.
KINDS = {
    **dict.fromkeys(("cases", "instances", "steps_automate", "steps_faster", "steps_overlap", "organisations",
                     "people"), "int"),
    **dict.fromkeys(("volume_per_year", "manual_per_year", "timed_per_year", "person_hours",
                     "person_hours_low", "person_hours_high", "hours_per_year", "hours_low", "hours_high",
                     "hours", "saving_hours", "saving_low", "saving_high", "overlap_hours", "overlap_low",
                     "overlap_high"), "hours"),
    **dict.fromkeys(("handling_min", "handling_low_min", "handling_high_min", "benchmark_min",
                     "fastest_min", "slowest_min"), "min"),
    **dict.fromkeys(("manual_share", "benchmark_share"), "share"),
    "fte": "fte", "euros_per_year": "eur",
    **dict.fromkeys(("variability", "handling_cv", "ratio"), "fit"),
}
_WORDS = {BY_PEOPLE: "compare.role.people", BY_SYSTEM: "compare.role.system",
          AUTOMATE: "compare.kind.automate", FASTER: "compare.kind.faster"}
_SOURCES = ("handling_source", "fastest_source", "slowest_source")


class ShownTable(NamedTuple):
    """One table for people: its title, the table (headers and words in the language)
    and the number format kind of each column."""

    title: str
    table: pd.DataFrame
    kinds: list[str]


def shown_tables(tables: Mapping[str, pd.DataFrame], lang: Lang) -> list[ShownTable]:
    """The export tables (name → table, as :func:`rpa_scout.compare_report.export_tables`
    gives them) in ``lang``, in the same order.

    Example:
        >>> import pandas as pd
        >>> shown = shown_tables({"local": pd.DataFrame({"activity": ["A"], "verdict": ["manual"]})},
        ...                      Lang("fi"))
        >>> shown[0].title, list(shown[0].table.columns), shown[0].table.iloc[0, 1]
        ('paikalliset', ['vaihe', 'tekotapa'], 'manuaalinen')
    """
    out = []
    for name, table in tables.items():
        keys = {**HEADERS, **(SAVING_HEADERS if name in ("totals", "best_practice") else {})}
        shown = pd.DataFrame({lang.t(keys[c]) if c in keys else c: _words(c, table[c], lang)
                              for c in table.columns}, index=table.index)
        out.append(ShownTable(lang.t(f"compare.table.{name}"), shown,
                              [KINDS.get(c, "text") for c in table.columns]))
    return out


def _words(column: str, values: pd.Series, lang: Lang) -> pd.Series:
    """A column with its words in ``lang`` (numbers and names as they are)."""
    if column == "verdict":
        return values.map(lambda v: _word(f"verdict.{v}", v, lang))
    if column in ("role", "kind", "best_practice"):
        return values.map(lambda v: _word(_WORDS.get(v, ""), v, lang))
    if column in _SOURCES:
        return values.map(lambda v: source_name(v, lang) if isinstance(v, str) else v)
    if pd.api.types.is_bool_dtype(values.dtype) or values.dtype == object:
        return values.map(lambda v: lang.t("word.yes" if v else "word.no") if isinstance(v, (bool, np.bool_))
                          else v)
    return values


def _word(key: str, value: Any, lang: Lang) -> Any:
    """``key`` in ``lang`` for a text ``value``; anything else (NaN, a key the catalogue
    has not) as it is."""
    return lang.t(key) if isinstance(value, str) and key in lang.messages else value


__all__ = ["HEADERS", "KINDS", "ShownTable", "shown_tables"]
