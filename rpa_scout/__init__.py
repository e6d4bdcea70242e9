"""rpa_scout: find the work in municipal case systems that software robots should take over.

The public API is function-first, in pm4py's vocabulary: the log DataFrame comes first,
columns follow the XES names, results are DataFrames, ``networkx.DiGraph`` objects and
frozen dataclasses. pm4py itself is imported only when a function needs it, and every
name below is imported on first use (PEP 562), so ``import rpa_scout`` and the CLI's
``--help`` start in a fraction of a second.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name → the module that defines it
_WHERE = {
    "Assumption": "assumptions", "Economics": "assumptions",
    "PRESETS": "columns", "XES": "columns", "LogColumns": "columns",
    "RpaScoutError": "errors", "InputError": "errors", "LimitError": "errors",
    "ColumnError": "errors", "ConfigError": "errors", "OutputError": "errors",
    "RenderError": "errors",
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
    "variants": "variants", "WhatIf": "whatif", "simulate_automation": "whatif",
    "Lang": "lang", "headline": "summary", "group_bots": "summary", "payback_months": "value",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use."""
    if name not in _WHERE:
        raise AttributeError(f"module 'rpa_scout' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"rpa_scout.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
