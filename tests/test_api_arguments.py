"""The Python API's arguments: every function that takes ``columns`` takes a dict or a
preset's name; a wrong type, an empty log, a single text for a list or a bad ``top`` is a
named error (or read as meant), never an AttributeError from deep inside."""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any, Callable

import pandas as pd
import pytest

import rpa_scout as rs
from rpa_scout.bpmn import bpmn_tasks
from rpa_scout.criteria import case_attributes
from rpa_scout.errors import ColumnError, ConfigError, InputError
from rpa_scout.settings import HandlingSettings, ManualRules
from tests.conftest import shared_log

DISCO = {"case:concept:name": "Case ID", "concept:name": "Activity", "time:timestamp": "Complete Timestamp",
         "org:resource": "Resource", "lifecycle:transition": "Lifecycle"}
AS_DICT = {"case": "Case ID", "activity": "Activity", "timestamp": "Complete Timestamp", "resource": "Resource",
           "lifecycle": "Lifecycle"}
STEP = "Kustannuspaikan tiliöinti"


@pytest.fixture(scope="module")
def log() -> pd.DataFrame:
    return rs.generate_log("ostolaskut", 150, seed=3).log


def _graph_filter(frame: pd.DataFrame, columns: Any) -> dict:
    graph = rs.filter_graph(rs.discover_graph(frame, columns=columns), activities=80, log=frame, columns=columns)
    return graph.graph["filter"]


def _explained(frame: pd.DataFrame, columns: Any) -> list[str]:
    return rs.explain_candidate(frame, rs.rank_candidates(frame, columns=columns), STEP, columns=columns)


def _compared(frame: pd.DataFrame, columns: Any) -> dict:
    found = rs.compare_logs(rs.split_by(frame, "case:channel", columns=columns), columns=columns)
    return found.totals.round(6).to_dict()


#: Each public function with a ``columns`` argument: a call on ``frame`` named by ``columns``
#: and a digest of its result without the column names (the same for any naming).
CALLS: dict[str, Callable[[pd.DataFrame, Any], Any]] = {
    "activity_labels": lambda f, c: rs.activity_labels(f, "activity_en", columns=c),
    "cases_behind": lambda f, c: rs.cases_behind(f, STEP, top=3, columns=c).table.to_dict("list"),
    "compare_logs": _compared,
    "detect_manual": lambda f, c: rs.detect_manual(f, columns=c).activities.to_dict("list"),
    "discover_bpmn": lambda f, c: bpmn_tasks(rs.discover_bpmn(f, columns=c)),
    "discover_graph": lambda f, c: sorted(rs.discover_graph(f, columns=c).edges),
    "estimate_handling_time": lambda f, c: rs.estimate_handling_time(f, columns=c).activities.to_dict("list"),
    "explain_candidate": _explained,
    "filter_graph": _graph_filter,
    "filter_log": lambda f, c: rs.filter_log(f, settings=rs.Settings(filter=rs.FilterSettings(min_cases=30)),
                                             columns=c)[1].steps,
    "pair_lifecycle": lambda f, c: rs.pair_lifecycle(f, columns=c).counts,
    "pseudonymise": lambda f, c: rs.pseudonymise(f, key="k", columns=c).iloc[:, 4].tolist(),
    "rank_candidates": lambda f, c: rs.rank_candidates(f, columns=c).candidates.to_dict("list"),
    "repeated_event_share": lambda f, c: rs.repeated_event_share(f, columns=c).to_dict(),
    "simulate_automation": lambda f, c: rs.simulate_automation(f, [STEP], columns=c).summary.to_dict("list"),
    "split_by": lambda f, c: {k: len(v) for k, v in rs.split_by(f, "case:channel", columns=c).items()},
    "suggest_labels": lambda f, c: [s.line() for s in rs.suggest_labels(f, columns=c)],
    "variants": lambda f, c: rs.variants(f, columns=c).to_dict("list"),
}


def _takes_columns() -> set[str]:
    return {name for name in rs.__all__ if inspect.isfunction(getattr(rs, name))
            and "columns" in inspect.signature(getattr(rs, name)).parameters}


def test_the_list_holds_every_public_function_that_takes_columns():
    assert _takes_columns() - {"read_log"} == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_columns_as_a_dict_or_a_preset_name_is_read_as_the_xes_names(log, name):
    expected = repr(CALLS[name](log, None))  # repr: NaN is NaN
    renamed = log.rename(columns=DISCO)
    assert repr(CALLS[name](renamed, AS_DICT)) == expected
    assert repr(CALLS[name](renamed, "disco")) == expected


def test_read_log_takes_a_dict_as_it_takes_role_keywords(log, tmp_path):
    path = tmp_path / "loki.csv"
    log.rename(columns={"concept:name": "vaihe"}).to_csv(path, index=False)
    by_keyword, _ = rs.read_log(path, activity="vaihe")
    by_dict, _ = rs.read_log(path, columns={"activity": "vaihe"})
    pd.testing.assert_frame_equal(by_dict, by_keyword)
    with pytest.raises(ColumnError, match="the activity column is named twice"):
        rs.read_log(path, columns={"activity": "vaihe"}, activity="activity_en")


@pytest.mark.parametrize("call", [rs.rank_candidates, rs.detect_manual, rs.estimate_handling_time,
                                  rs.discover_bpmn])
def test_an_empty_log_is_named(log, call):
    with pytest.raises(InputError, match="^the log has no events; check the filters"):
        call(log.iloc[:0])


def test_an_empty_log_has_no_label_to_suggest(log):
    assert rs.suggest_labels(log.iloc[:0]) == []


def test_an_index_named_like_a_column_ranks_as_without_it(log):
    keyed = log.set_index("case:concept:name", drop=False)
    pd.testing.assert_frame_equal(rs.rank_candidates(keyed).candidates, rs.rank_candidates(log).candidates)
    assert keyed.index.name == "case:concept:name"  # the caller's frame is not changed


@pytest.mark.parametrize("call,error,message", [
    (lambda log: rs.rank_candidates(log, settings={"timezone": "Europe/Helsinki"}), ConfigError,
     "settings must be a Settings (Settings.of("),
    (lambda log: rs.rank_candidates(log, handling=log), ConfigError,
     "handling must be a HandlingResult (from estimate_handling_time), not DataFrame"),
    (lambda log: rs.detect_manual(log, rules={"system_resources": ["x"]}), ConfigError,
     "rules must be a ManualRules, not dict"),
    (lambda log: rs.estimate_handling_time(log, manual="x"), ConfigError, "manual must be a ManualResult"),
    (lambda log: rs.compare_logs([log, log]), InputError,
     "logs must be a dict of organisation name to its log (split_by(log, column) makes one), not list"),
    (lambda log: rs.pseudonymise(log, key=5), ConfigError, "key must be a text (str), not int"),
    (lambda log: rs.read_log(log), InputError, "path must be a file path (str or pathlib.Path"),
    (lambda log: rs.rank_candidates("eventlogs/ostolaskut.csv.gz"), InputError,
     "log must be a pandas DataFrame (an event log), not str; read the file with read_log(path) first"),
    (lambda log: rs.variants([1, 2]), InputError, "log must be a pandas DataFrame (an event log), not list"),
    (lambda log: rs.repeated_event_share(log.drop(columns=["concept:name"])), ColumnError,
     "the log has no activity column 'concept:name'"),
    (lambda log: rs.simulate_automation(log, 5), ConfigError, "candidates must be a text or a list of texts"),
], ids=["settings", "handling", "rules", "manual", "logs", "key", "path", "log path", "log list",
        "no activity", "candidates"])
def test_a_wrong_argument_is_a_named_error(log, call, error, message):
    with pytest.raises(error) as raised:
        call(log)
    assert str(raised.value).startswith(message)


def test_heatmap_value_is_a_named_error(log):
    found = rs.compare_logs(rs.split_by(log, "case:channel"))
    with pytest.raises(ConfigError, match="^value must be one of manual, hours, got 'hour'$"):
        rs.heatmap_svg(found, value="hour")
    assert rs.heatmap_svg(found, top=None).startswith("<svg")


def test_one_text_for_a_list_is_a_list_of_one(log):
    assert rs.simulate_automation(log, STEP).steps == (STEP,)
    assert rs.FilterSettings(where="case:channel=paperi").where == ("case:channel=paperi",)
    assert ManualRules(system_activities=STEP).system_activities == (STEP,)
    assert rs.generate_log("ostolaskut", 5, automated="Kustannuspaikan tiliöinti").truth["automated"] \
        == rs.generate_log("ostolaskut", 5, automated=[STEP]).truth["automated"]


@pytest.mark.parametrize("top", [-1, 0, 2.5, True, "3"])
def test_top_is_a_whole_number_of_one_or_more(log, top):
    with pytest.raises(ConfigError, match="^top must be a whole number of 1 or more"):
        rs.variants(log, top=top)
    with pytest.raises(ConfigError, match="^top must be a whole number of 1 or more"):
        rs.cases_behind(log, STEP, top=top)


def test_top_none_is_all(log):
    assert len(rs.variants(log, top=None)) == len(rs.variants(log)) > len(rs.variants(log, top=2)) == 2


def test_filter_days_may_be_dates_or_timestamps_at_midnight():
    text = rs.FilterSettings(date_from="2025-03-01", date_to="2025-03-31")
    for start, end in ((dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
                       (pd.Timestamp("2025-03-01"), pd.Timestamp("2025-03-31")),
                       (dt.datetime(2025, 3, 1), pd.Timestamp("2025-03-31", tz="Europe/Helsinki"))):
        assert rs.FilterSettings(date_from=start, date_to=end) == text
    with pytest.raises(ConfigError, match=r"^date_from \(--from\) '2025-03-01 12:00:00' has a time of day"):
        rs.FilterSettings(date_from=pd.Timestamp("2025-03-01 12:00"))


@pytest.mark.parametrize("settings,message", [
    (dict(date_from="2025-13-45"), "date_from (--from) '2025-13-45' is not a date"),
    (dict(date_from="2025-05-01", date_to="2025-03-01"), "date_from (--from) 2025-05-01 is after date_to (--to)"),
    (dict(where=("case:channel",)), "where (--where) 'case:channel': write COLUMN=VALUE"),
    (dict(min_cases=-1), "min_cases (--min-cases) must be a whole number"),
    (dict(period_basis="foo"), "period_basis (--period-basis) must be one of"),
])
def test_filter_errors_from_the_api_name_the_setting_and_its_option(settings, message):
    with pytest.raises(ConfigError) as raised:
        rs.FilterSettings(**settings)
    assert str(raised.value).startswith(message)


def test_a_where_column_missing_names_the_setting_and_its_option(log):
    chosen = rs.Settings(filter=rs.FilterSettings(where="kanava=paperi"))
    with pytest.raises(ColumnError, match=r"^where \(--where\) column 'kanava' not found"):
        rs.filter_log(log, settings=chosen)


@pytest.mark.parametrize("times", [{"Asiatarkastus": 6.5, "asiatarkastus": 9},
                                   {"Asiatarkastus": 6.5, " ASIATARKASTUS ": 9.0}])
def test_one_step_with_two_standard_times_is_an_error(times):
    with pytest.raises(ConfigError, match=r"^standard times 'Asiatarkastus' and '.*' are one step .* 6.5 and 9"):
        rs.Settings.of(standard_times=times)
    assert HandlingSettings({"Asiatarkastus": 6.5, "asiatarkastus": 6.5}).standard_times  # the same: fine


def test_a_standard_times_file_with_one_step_twice_is_an_error(tmp_path):
    from rpa_scout.io.config import read_standard_times

    path = tmp_path / "ajat.yaml"
    path.write_text("Asiatarkastus: 6.5\nasiatarkastus: 9\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'Asiatarkastus' \('asiatarkastus'\) has two standard times, 6.5 and 9"):
        read_standard_times(path)


def test_pm4py_row_numbers_are_no_case_attribute(log):
    numbered = log.assign(**{"@@index": range(len(log)),
                             "@@case_index": log.groupby("case:concept:name", sort=False).ngroup()})
    assert case_attributes(numbered) == case_attributes(log)


def test_pm4py_formatted_receipt_ranks_as_read():
    """``pm4py.format_dataframe``'s ``@@case_index`` had moved BPIC receipt's total from
    393.11 to 395.49 hours a year: the tree split on the case's number."""
    path = shared_log("receipt/receipt.xes.gz")
    log, _ = rs.read_log(path, timezone="Europe/Amsterdam")
    settings = rs.Settings.of(timezone="Europe/Amsterdam")
    numbered = log.assign(**{"@@index": range(len(log)),
                             "@@case_index": log.groupby("case:concept:name", sort=False).ngroup()})
    assert rs.headline(rs.rank_candidates(numbered, settings=settings)).hours == pytest.approx(
        rs.headline(rs.rank_candidates(log, settings=settings)).hours, abs=1e-9)
