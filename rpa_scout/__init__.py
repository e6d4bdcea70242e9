"""rpa_scout: find the work in municipal case systems that software robots should take over.

The public API is function-first, in pm4py's vocabulary: the log DataFrame comes first,
columns follow the XES names, results are DataFrames, ``networkx.DiGraph`` objects and
frozen dataclasses. pm4py itself is imported only when a function needs it.
"""

from typing import TYPE_CHECKING, Iterable

from rpa_scout.assumptions import Assumption, Economics
from rpa_scout.columns import PRESETS, XES, LogColumns
from rpa_scout.compare import Comparison, compare_logs, split_by
from rpa_scout.errors import (ColumnError, ConfigError, InputError, LimitError, OutputError,
                              RenderError, RpaScoutError)
from rpa_scout.drilldown import cases_behind, explain_candidate
from rpa_scout.filters import FilterReport, filter_log
from rpa_scout.graph import discover_graph, filter_graph
from rpa_scout.handling import HandlingResult, estimate_handling_time
from rpa_scout.heatmap import heatmap_svg
from rpa_scout.io.pictures import render_svg
from rpa_scout.io.read import read_log
from rpa_scout.labels import activity_labels, suggest_labels
from rpa_scout.lifecycle import PairedInstances, pair_lifecycle
from rpa_scout.manual import ManualResult, detect_manual
from rpa_scout.bpmn import discover_bpmn
from rpa_scout.privacy import pseudonymise
from rpa_scout.rank import Ranking, annotate_graph, rank_candidates
from rpa_scout.render import bpmn_to_dot, to_dot
from rpa_scout.repeats import repeated_event_share
from rpa_scout.settings import (FilterSettings, HandlingSettings, ManualRules, RankConfig,
                                ReadSettings, Settings)
from rpa_scout.load_report import LoadReport, RepeatedEvents
from rpa_scout.variants import variants
from rpa_scout.whatif import WhatIf, simulate_automation

if TYPE_CHECKING:  # pragma: no cover
    from rpa_scout.synth import SyntheticLog

__version__ = "0.1.0"


def generate_log(process: str, cases: int, seed: int = 0, *, complete_only: bool = False,
                 automated: Iterable[str] = ()) -> "SyntheticLog":
    """A synthetic Finnish municipal log with its ground truth (:func:`rpa_scout.synth.generate`).

    ``automated`` names rule-based manual steps this municipality's robot does: the same
    process at another automation level. The simulator is imported only when called.

    Example:
        >>> generate_log("rakennuslupa", 20, seed=1).truth["cases"]
        20
    """
    from rpa_scout.synth import generate

    return generate(process, cases, seed, complete_only=complete_only, automated=automated)

__all__ = [
    "Assumption", "Economics", "PRESETS", "XES", "LogColumns", "LoadReport", "RepeatedEvents",
    "PairedInstances",
    "RpaScoutError", "InputError", "LimitError", "ColumnError", "ConfigError", "OutputError",
    "RenderError",
    "HandlingResult", "ManualResult", "ManualRules", "RankConfig", "Ranking", "WhatIf",
    "Settings", "ReadSettings", "HandlingSettings", "FilterSettings", "FilterReport", "Comparison",
    "read_log", "pair_lifecycle", "discover_graph", "filter_graph", "variants", "discover_bpmn",
    "to_dot", "bpmn_to_dot", "render_svg", "detect_manual", "estimate_handling_time", "rank_candidates", "annotate_graph",
    "pseudonymise", "simulate_automation", "repeated_event_share", "filter_log", "compare_logs",
    "split_by", "activity_labels", "suggest_labels", "generate_log", "heatmap_svg", "cases_behind",
    "explain_candidate",
]
