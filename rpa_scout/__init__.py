"""rpa_scout: find the work in municipal case systems that software robots should take over.

The public API is function-first, in pm4py's vocabulary: the log DataFrame comes first,
columns follow the XES names, results are DataFrames, ``networkx.DiGraph`` objects and
frozen dataclasses.
"""

from rpa_scout.columns import PRESETS, XES, LogColumns
from rpa_scout.errors import ColumnError, ConfigError, InputError, RenderError, RpaScoutError
from rpa_scout.io.read import read_log
from rpa_scout.lifecycle import PairedInstances, pair_lifecycle
from rpa_scout.report import LoadReport

__version__ = "0.1.0"

__all__ = [
    "PRESETS", "XES", "LogColumns", "LoadReport", "PairedInstances",
    "RpaScoutError", "InputError", "ColumnError", "ConfigError", "RenderError",
    "read_log", "pair_lifecycle",
]
