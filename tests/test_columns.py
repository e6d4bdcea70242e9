"""The column mapping the analysis functions take: a LogColumns, a preset or its name, or a
dict; a timestamp column that holds no time-zone-aware times is named, not crashed on."""

from __future__ import annotations

import pandas as pd
import pytest

import rpa_scout as rs
from rpa_scout.columns import XES, require_columns
from rpa_scout.errors import ColumnError

DISCO = {"case:concept:name": "Case ID", "concept:name": "Activity",
         "time:timestamp": "Complete Timestamp", "org:resource": "Resource", "lifecycle:transition": "Lifecycle"}


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return rs.generate_log("ostolaskut", 150, seed=3).log


@pytest.mark.parametrize("columns", [rs.PRESETS["disco"], "disco", "Disco",
                                     {"case": "Case ID", "activity": "Activity",
                                      "timestamp": "Complete Timestamp", "resource": "Resource",
                                      "lifecycle": "Lifecycle"}],
                         ids=["preset", "preset name", "name in capitals", "dict"])
def test_a_preset_or_a_dict_names_a_log_built_by_hand(log, columns):
    expected = rs.rank_candidates(log).candidates
    renamed = log.rename(columns=DISCO)
    found = rs.rank_candidates(renamed, columns=columns).candidates
    pd.testing.assert_frame_equal(found, expected)
    graph = rs.discover_graph(renamed, columns=columns)
    assert graph.number_of_edges() == rs.discover_graph(log).number_of_edges()


def test_a_preset_whose_required_column_is_missing_names_it(log):
    with pytest.raises(ColumnError, match="no case column 'Case ID'"):
        rs.rank_candidates(log, columns="disco")
    with pytest.raises(ColumnError, match="unknown column role.*: case_id"):
        rs.rank_candidates(log, columns={"case_id": "x"})
    with pytest.raises(ColumnError, match="unknown column preset 'en'"):
        rs.rank_candidates(log, columns="en")
    with pytest.raises(ColumnError, match="columns must be a LogColumns"):
        rs.rank_candidates(log, columns=3)


@pytest.mark.parametrize("how", ["text", "no time zone"])
def test_timestamps_that_are_no_aware_times_are_named(log, how):
    times = log[XES.timestamp]
    log = log.assign(**{XES.timestamp: times.dt.strftime("%d.%m.%Y %H.%M") if how == "text"
                        else times.dt.tz_convert("Europe/Helsinki").dt.tz_localize(None)})
    match = "holds text or mixed values" if how == "text" else "holds times without a time zone"
    for call in (rs.rank_candidates, rs.detect_manual, rs.estimate_handling_time, rs.discover_graph,
                 rs.filter_log, rs.pair_lifecycle):
        with pytest.raises(ColumnError, match=f"timestamp column 'time:timestamp' {match}"):
            call(log)


def test_require_columns_returns_the_concrete_mapping(log):
    assert require_columns(log) is XES
    found = require_columns(log.rename(columns=DISCO), "disco")
    assert (found.case, found.activity, found.timestamp, found.resource, found.lifecycle) == tuple(DISCO.values())
    assert found.instance is None


@pytest.mark.parametrize("role", ["case", "activity", "timestamp"])
def test_empty_values_in_a_required_column_are_named(log, role):
    """A hand-built log with a few missing activities failed deep in NumPy ('list'
    argument must have no negative elements); read_log would have rejected the rows."""
    name = getattr(XES, role)
    log = log.copy()
    log.loc[[3, 7], name] = None
    for call in (rs.rank_candidates, rs.discover_graph, rs.detect_manual, rs.variants):
        with pytest.raises(ColumnError, match=rf"{role} column '{name}' is empty in 2 rows \(positions 3, 7\)"):
            call(log)
