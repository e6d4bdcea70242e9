"""rpa_scout: find the work in municipal case systems that software robots should take over.

The public API is function-first, in pm4py's vocabulary: the log DataFrame comes first,
columns follow the XES names, results are DataFrames, ``networkx.DiGraph`` objects and
frozen dataclasses. pm4py itself is imported only when a function needs it, and every
name below is imported on first use (PEP 562), so ``import rpa_scout`` and the CLI's
``--help`` start in a fraction of a second.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from rpa_scout.synth import SyntheticLog

__version__ = "0.1.0"

#: public name → the module that defines it
_WHERE = {
    "Assumption": "assumptions", "Economics": "assumptions",
    "PRESETS": "columns", "XES": "columns", "LogColumns": "columns",
    "RpaScoutError": "errors", "InputError": "errors", "LimitError": "errors",
    "ColumnError": "errors", "ConfigError": "errors", "OutputError": "errors",
    "RenderError": "errors", "EngineError": "errors",
    "discover_graph": "graph", "filter_graph": "graph",
    "HandlingResult": "handling", "estimate_handling_time": "handling",
    "render_svg": "io.pictures", "read_log": "io.read",
    "PairedInstances": "lifecycle", "pair_lifecycle": "lifecycle",
    "ManualResult": "manual", "detect_manual": "manual",
    "discover_bpmn": "bpmn", "pseudonymise": "privacy",
    "Ranking": "rank", "annotate_graph": "rank", "rank_candidates": "rank",
    "bpmn_to_dot": "render", "to_dot": "render",
    "repeated_event_share": "repeats",
    "HandlingSettings": "settings", "ManualRules": "settings", "RankConfig": "settings",
    "ReadSettings": "settings", "Settings": "settings",
    "LoadReport": "load_report", "RepeatedEvents": "load_report",
    "variants": "variant_table", "WhatIf": "whatif", "simulate_automation": "whatif",
    "FilterSettings": "settings", "FilterReport": "filters", "filter_log": "filters",
    "Comparison": "compare", "compare_logs": "compare", "split_by": "compare",
    "cases_behind": "drilldown", "explain_candidate": "drilldown", "heatmap_svg": "heatmap",
    "activity_labels": "labels", "suggest_labels": "labels",
    "Lang": "lang", "headline": "summary", "group_bots": "summary", "payback_months": "value",
}

__all__ = sorted([*_WHERE, "generate_log"])


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use."""
    if name not in _WHERE:
        raise AttributeError(f"module 'rpa_scout' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"rpa_scout.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


def generate_log(process: str, cases: int, seed: int = 0, *, complete_only: bool = False,
                 automated: Iterable[str] = ()) -> SyntheticLog:
    """A synthetic Finnish municipal log with its ground truth (:func:`rpa_scout.synth.generate`).

    ``automated`` names rule-based manual steps this municipality's robot does: the same
    process at another automation level. The simulator is imported only when called.

    Example:
        >>> generate_log("rakennuslupa", 20, seed=1).truth["cases"]
        20
    """
    from rpa_scout.arguments import text_items
    from rpa_scout.synth import generate

    automated = text_items(automated, "automated")  # one step's name: a list of one
    return generate(process, cases, seed, complete_only=complete_only, automated=automated)
