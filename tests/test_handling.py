import numpy as np
import pandas as pd
import pytest

from rpa_scout import read_log
from rpa_scout.errors import ConfigError
from rpa_scout.handling import discover_working_hours, estimate_handling_time
from tests.conftest import shared_log


def _log(rows):
    frame = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp",
                                        "org:resource"])
    frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"]).dt.tz_localize("Europe/Helsinki").dt.tz_convert("UTC")
    return frame


def _busy_day(minutes=(12, 20, 8, 15)):
    """One person works cases back to back from 08:00; each case waited since the night."""
    rows, t = [], pd.Timestamp("2024-03-05 08:00")
    for day in range(60):
        t = pd.Timestamp("2024-03-05 08:00") + pd.Timedelta(days=day)
        if t.dayofweek >= 5:
            continue
        for i, m in enumerate(minutes * 3):
            case = f"d{day}c{i}"
            rows.append((case, "Saapunut", str(t.normalize() - pd.Timedelta(hours=2)), "JÄRJESTELMÄ"))
            t = t + pd.Timedelta(minutes=m)
            rows.append((case, "Käsittely", str(t), "Aino"))
    return _log(rows)


def test_estimates_back_to_back_work_exactly():
    result = estimate_handling_time(_busy_day())
    row = result.activities.set_index("activity").loc["Käsittely"]
    assert row["source"] == "estimated"
    assert row["mean_min"] == pytest.approx(np.mean([12, 20, 8, 15]), rel=0.02)
    assert row["low_min"] < row["mean_min"] < row["high_min"]
    # the naive inter-event time counts the night's waiting and is far larger
    assert row["naive_mean_min"] > 10 * row["mean_min"]
    assert result.activities.set_index("activity").loc["Saapunut", "source"] == "system"


def test_standard_times_override_and_cap():
    result = estimate_handling_time(_busy_day(), standard_times={"Käsittely": 7.5})
    row = result.activities.set_index("activity").loc["Käsittely"]
    assert row["source"] == "supplied" and row["mean_min"] == 7.5
    with pytest.raises(ConfigError):
        estimate_handling_time(_busy_day(), cap_hours=0)


def test_working_hours_discovered():
    log = _busy_day()
    hours = discover_working_hours(
        (log["time:timestamp"] - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()[1::2],
        "Europe/Helsinki")
    assert 8.0 <= hours.start_hour <= 8.25


def test_bpic2012_measured_equals_start_complete_differences():
    log, _ = read_log(shared_log("bpic2012/bpic2012.xes.gz"))
    w = log[log["concept:name"].str.startswith("W_")]
    result = estimate_handling_time(w)
    inst = result.instances
    measured = inst[inst["source"] == "measured"]
    diff = (measured["time:timestamp"] - measured["start_timestamp"]).dt.total_seconds()
    assert len(measured) > 70000
    assert np.allclose(measured["handling_s"].to_numpy(), diff.to_numpy())


def test_bpic2012_estimate_with_starts_hidden_beats_naive():
    log, _ = read_log(shared_log("bpic2012/bpic2012.xes.gz"))
    truth = estimate_handling_time(log).activities.set_index("activity")
    hidden = log[log["lifecycle:transition"] != "start"]
    est = estimate_handling_time(hidden).activities.set_index("activity")
    work = [a for a in truth.index if a.startswith("W_")]
    ape = ((est.loc[work, "mean_min"] - truth.loc[work, "mean_min"]).abs() / truth.loc[work, "mean_min"])
    naive = ((est.loc[work, "naive_mean_min"] - truth.loc[work, "mean_min"]).abs() / truth.loc[work, "mean_min"])
    assert ape.median() <= 0.25
    assert naive.median() > 10 * ape.median()


def test_bound_says_what_limited_each_estimate():
    log = _busy_day()
    # Bo's cases start with his own step at 14:00, his only work of the day: nothing in
    # the log but the working day bounds it, and he has no tightly bounded instance.
    extra = [(f"bo{d}", "Kirjaus", f"2024-03-{5 + d:02d} 14:00", "Bo") for d in range(4)]
    log = pd.concat([log, _log(extra)], ignore_index=True)
    result = estimate_handling_time(log)
    inst = result.instances.set_index("concept:name")
    assert set(inst.loc["Kirjaus", "bound"]) == {"working day"}
    work = inst.loc["Käsittely"].sort_values("time:timestamp")
    # The day's first case waited overnight, so only the working day bounds it: it takes
    # the mean of her back-to-back (person-bounded) instances instead.
    assert work["bound"].iloc[0] == "activity mean" and set(work["bound"].iloc[1:12]) == {"person"}
    tight = work.loc[work["bound"] == "person", "handling_s"].mean()
    assert work["handling_s"].iloc[0] == pytest.approx(tight)
    acts = result.activities.set_index("activity")
    assert acts.loc["Kirjaus", "loose_share"] == 1.0
    assert acts.loc["Käsittely", "loose_share"] == 0.0
