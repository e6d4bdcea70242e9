import numpy as np
import pandas as pd
import pytest

from rpa_scout import read_log
from rpa_scout.calibration import DEFAULT_CALIBRATION, Calibration
from rpa_scout.handling import estimate_handling_time
from rpa_scout.settings import Settings
from rpa_scout.worktime import discover_working_hours
from tests.conftest import shared_log

EXACT = Calibration(work_share=1.0, error={("*", "*"): (0.5, 0.5)}, origin="test")


def _log(rows, lifecycle=False):
    cols = ["case:concept:name", "concept:name", "time:timestamp", "org:resource"] + (
        ["lifecycle:transition"] if lifecycle else [])
    frame = pd.DataFrame(rows, columns=cols)
    frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"]).dt.tz_localize(
        "Europe/Helsinki").dt.tz_convert("UTC")
    return frame


def _busy_days(minutes=(12, 20, 8, 15), days=60):
    """One person works cases back to back from 08:00; each case arrived in the night."""
    rows = []
    for day in range(days):
        t = pd.Timestamp("2024-03-05 08:00") + pd.Timedelta(days=day)
        if t.dayofweek >= 5:
            continue
        for i, m in enumerate(minutes * 3):
            case = f"d{day}c{i}"
            rows.append((case, "Saapunut", str(t.normalize() - pd.Timedelta(hours=2)), "JÄRJESTELMÄ"))
            t = t + pd.Timedelta(minutes=m)
            rows.append((case, "Käsittely", str(t), "Aino"))
    return _log(rows)


def test_back_to_back_work_is_its_upper_bounds_times_the_work_share():
    log = _busy_days()
    exact = estimate_handling_time(log, settings=Settings.of(calibration=EXACT)).activities.set_index("activity")
    row = exact.loc["Käsittely"]
    assert row["source"] == "estimated" and row["bound"] == "person"
    assert row["mean_min"] == pytest.approx(np.mean([12, 20, 8, 15]), rel=0.01)
    # the interval holds the shortest gap (8 min) and reaches e^0.5 above the estimate
    assert (row["gap_low_min"], row["gap_high_min"]) == pytest.approx((8.0, row["mean_min"]))
    assert (row["method_low_min"], row["method_high_min"]) == pytest.approx((8.0, row["mean_min"] * np.exp(0.5)))
    assert row["low_min"] == pytest.approx(8.0, rel=0.01)
    assert row["high_min"] == pytest.approx(row["mean_min"] * np.exp(0.5), rel=0.01)
    # the naive inter-event time counts the night's waiting and is far larger
    assert row["naive_mean_min"] > 10 * row["mean_min"]
    shipped = estimate_handling_time(log).activities.set_index("activity").loc["Käsittely"]
    assert shipped["mean_min"] == pytest.approx(DEFAULT_CALIBRATION.work_share * row["mean_min"], rel=0.02)
    assert exact.loc["Saapunut", "source"] == "system"


def test_the_interval_holds_the_gap_range_and_the_measured_reach():
    # half the gaps counted as work: the mean is 6.9 min; the gaps themselves run from
    # 8 to a mean of 13.75 min, beyond the estimator's measured reach of e^±0.1
    narrow = Calibration(work_share=0.5, error={("*", "*"): (0.1, 0.1)}, origin="test")
    row = estimate_handling_time(_busy_days(), settings=Settings.of(calibration=narrow)).activities
    row = row.set_index("activity").loc["Käsittely"]
    assert row["mean_min"] == pytest.approx(13.75 / 2, rel=0.02)
    assert row["method_low_min"] == pytest.approx(row["mean_min"] * np.exp(-0.1))
    assert row["method_high_min"] == pytest.approx(13.75, rel=0.01)
    assert row["low_min"] <= row["method_low_min"] and row["high_min"] >= row["method_high_min"]


def test_gap_range_uses_the_tight_bounds_when_there_are_enough():
    from rpa_scout.handling import MIN_TIGHT, gap_range

    upper = pd.Series([3.0] + [10.0] * MIN_TIGHT + [1.0, np.inf, 0.5, 2.0])
    bound = pd.Series(["working day"] + ["person"] * MIN_TIGHT + ["working day", "case", "batch", "none"])
    out = gap_range(upper, bound, pd.Series(["a"] * len(upper)))
    # low: the tight gaps' shortest (10), not the working day's 1; high: all finite bounded gaps
    assert out.loc["a", "low"] == 10.0
    assert out.loc["a", "high"] == pytest.approx((3.0 + 10.0 * MIN_TIGHT + 1.0) / (MIN_TIGHT + 2))
    few = gap_range(upper.iloc[:3], bound.iloc[:3], pd.Series(["b"] * 3))
    assert few.loc["b", "low"] == 3.0   # fewer than MIN_TIGHT tight gaps: every bounded gap


def test_what_bounded_each_estimate():
    log = _busy_days(days=20)
    result = estimate_handling_time(log, settings=Settings.of(calibration=EXACT))
    work = result.instances[result.instances["concept:name"] == "Käsittely"].sort_values("time:timestamp")
    first_of_day = work.groupby(work["time:timestamp"].dt.tz_convert("Europe/Helsinki").dt.date).head(1)
    assert set(first_of_day["bound"]) == {"working day"} and first_of_day["loose"].all()
    rest = work.drop(index=first_of_day.index)
    assert set(rest["bound"]) == {"person"} and not rest["loose"].any()
    # the loose first instances take their activity's mean, not the morning's upper bound
    assert first_of_day["handling_s"].max() <= first_of_day["upper_s"].max()


def test_standard_times_override():
    result = estimate_handling_time(_busy_days(), settings=Settings.of(standard_times={"Käsittely": 7.5}))
    row = result.activities.set_index("activity").loc["Käsittely"]
    assert row["source"] == "supplied" and row["mean_min"] == 7.5
    assert row["low_min"] == row["high_min"] == 7.5 and row["loose_share"] == 0.0


def test_working_hours_discovered():
    log = _busy_days()
    seconds = (log["time:timestamp"] - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()[1::2]
    hours = discover_working_hours(seconds, "Europe/Helsinki")
    assert 8.0 <= hours.start_hour <= 8.25


def test_capacity_no_account_credited_more_than_its_day():
    """One long upper bound a day: the estimate may not credit more than the working day."""
    rows = []
    for d in range(40):
        day = pd.Timestamp("2024-03-04") + pd.Timedelta(days=d)
        for k in range(8):  # a short task every hour from 8 to 15 ...
            rows.append((f"s{d}{k}", "Lyhyt", str(day + pd.Timedelta(hours=8 + k, minutes=5)), "Aino"))
        rows.append((f"l{d}", "Pitkä", str(day + pd.Timedelta(hours=16)), "Aino"))
    huge = Calibration(work_share=50.0, error={("*", "*"): (0.5, 0.5)})   # absurdly high
    inst = estimate_handling_time(_log(rows), settings=Settings.of(calibration=huge)).instances
    day = inst["time:timestamp"].dt.tz_convert("Europe/Helsinki").dt.date
    credited = inst.groupby(day)["handling_s"].sum() / 3600
    assert credited.max() <= 8.5 + 1e-6   # her day: 08:00–16:30 at most
    assert inst["capacity"].any()


def test_recorded_events_bound_nothing():
    """A state change saved seconds before the work closes must not cut the work short."""
    rows = []
    for i in range(40):
        day = pd.Timestamp("2024-04-01") + pd.Timedelta(days=i % 20)
        t = day + pd.Timedelta(hours=9, minutes=30 * (i // 20))
        rows.append((f"c{i}", "Saapunut", str(day), "JÄRJESTELMÄ"))
        if i % 2 == 0:  # half the items end with a decision saved before closing
            rows.append((f"c{i}", "A_DECIDED", str(t + pd.Timedelta(minutes=10)), "Aino"))
        rows.append((f"c{i}", "W_Handle", str(t + pd.Timedelta(minutes=10, seconds=4)), "Aino"))
    result = estimate_handling_time(_log(rows), settings=Settings.of(calibration=EXACT))
    acts = result.activities.set_index("activity")
    assert acts.loc["A_DECIDED", "source"] == "system"
    assert acts.loc["W_Handle", "mean_min"] > 5   # not the 4 s after the record


def test_no_step_of_a_case_began_before_the_case_existed():
    """The system fetches the applicant's data when the application opens and the
    applicant files it seconds or minutes later, both under the applicant's account
    (ConsultaDataMining 2016-18). The fetch is a record of the filing, so it bounds
    nothing; the filing is still bounded by the case's first moment, not by the
    working day (before: hours for a step of seconds)."""
    rows = []
    for i in range(40):
        day = pd.Timestamp("2024-04-01") + pd.Timedelta(days=i % 20)
        opened = day + pd.Timedelta(hours=10, minutes=i)
        gap = [2, 1, 5, 3, 8][i % 5] if i % 3 else 60 * (2 + i % 7)  # a third take minutes
        who = f"{9000 + i}"  # one account per applicant
        rows += [(f"c{i}", "Fetch student data", str(opened), who),
                 (f"c{i}", "File application", str(opened + pd.Timedelta(seconds=gap)), who),
                 (f"c{i}", "Review", str(day + pd.Timedelta(hours=15, minutes=i)), "Aino")]
    result = estimate_handling_time(_log(rows), settings=Settings.of(calibration=EXACT))
    inst = result.instances
    filed = inst[inst["concept:name"] == "File application"]
    fetch = inst[inst["concept:name"] == "Fetch student data"]
    assert fetch["recorded"].sum() >= 20                      # records of the filing, mostly
    gaps = (filed["time:timestamp"].to_numpy() - fetch["time:timestamp"].to_numpy()) / np.timedelta64(1, "s")
    assert (filed["bound"] == "case").all() and (filed["upper_s"].to_numpy() == gaps).all()
    assert result.activities.set_index("activity").loc["File application", "mean_min"] < 3


def _partly_started(measured: int, minutes: float = 12.0):
    """A step by one person, its start logged for the first ``measured`` executions only
    (a system that began to log starts on some date)."""
    rows = []
    for i in range(40):
        day = pd.Timestamp("2024-04-01") + pd.Timedelta(days=i)
        done = day + pd.Timedelta(hours=9, minutes=20 + minutes)
        rows.append((f"c{i}", "Saapunut", str(day + pd.Timedelta(hours=7)), "JÄRJESTELMÄ", "complete"))
        if i < measured:
            rows.append((f"c{i}", "Käsittely", str(done - pd.Timedelta(minutes=minutes)), "Aino", "start"))
        rows.append((f"c{i}", "Käsittely", str(done), "Aino", "complete"))
    return _log(rows, lifecycle=True)


def test_executions_without_a_start_take_the_measured_mean_of_their_step():
    """Starts logged for part of a step's executions: the others take the measured mean,
    not bounds that hold the morning's wait (here two hours and more)."""
    result = estimate_handling_time(_partly_started(15), settings=Settings.of(calibration=EXACT))
    inst = result.instances[result.instances["concept:name"] == "Käsittely"]
    assert inst["source"].astype(str).value_counts().to_dict() == {"measured on other executions": 25, "measured": 15}
    assert inst["handling_s"].to_numpy() == pytest.approx(720.0)
    act = result.activities.set_index("activity").loc["Käsittely"]
    assert act["mean_min"] == pytest.approx(12.0) and act["low_min"] == pytest.approx(12.0)
    few = estimate_handling_time(_partly_started(5), settings=Settings.of(calibration=EXACT)).instances
    assert (few.loc[few["start_timestamp"].isna() & (few["concept:name"] == "Käsittely"), "source"]
            == "estimated").all()   # five measured are too few to stand for the rest


def test_without_a_working_day_a_bound_from_yesterday_bounds_nothing():
    rows = [(f"c{d}", "Kirjaus", str(pd.Timestamp("2024-01-08 13:00") + pd.Timedelta(days=d)), "Aino")
            for d in range(60)]
    inst = estimate_handling_time(_log(rows)).instances
    assert set(inst["bound"]) == {"none"} and inst["loose"].all()


def test_bpic2012_measured_is_exclusive_working_time():
    log, _ = read_log(shared_log("bpic2012/bpic2012.xes.gz"))
    result = estimate_handling_time(log, settings=Settings.of(timezone="Europe/Amsterdam"))
    inst = result.instances
    measured = inst[inst["source"] == "measured"]
    raw = (measured["time:timestamp"] - measured["start_timestamp"]).dt.total_seconds()
    assert len(measured) > 70000
    assert (measured["handling_s"] <= raw + 1e-6).all()
    assert np.isclose(measured["handling_s"], raw).mean() > 0.8   # most items: nothing to remove
    # overlapping items share the time: no account is credited with more than the time
    # during which it had anything open
    for account, items in measured.groupby("org:resource"):
        spans = sorted(zip(_seconds(items["start_timestamp"]), _seconds(items["time:timestamp"])))
        covered, reach = 0.0, -np.inf
        for s, e in spans:
            covered += max(0.0, e - max(s, reach))
            reach = max(reach, e)
        assert items["handling_s"].sum() <= covered + 1.0, account


def _seconds(values):
    return (values - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy()


def _previous_end_by_groupby(group, end, eligible):
    """previous_end as it was first written, with pandas' grouped fill and shift."""
    n = len(end)
    order = np.lexsort((np.arange(n), end, group))
    g, t, ok = group[order], end[order], eligible[order]
    filled = pd.Series(np.where(ok, t, np.nan)).groupby(g).ffill()
    carried = filled.groupby(g).shift(1).to_numpy(dtype=float, copy=True)
    carried[g < 0] = np.nan
    out = np.empty(n)
    out[order] = carried
    return out


@pytest.mark.parametrize("seed", range(5))
def test_previous_end_equals_a_grouped_fill_and_shift(seed):
    """Ties at one instant (ordered by position), rows without a group or a completion,
    rows not eligible: the running maximum gives pandas' grouped fill and shift."""
    from rpa_scout.handling import previous_end

    rng = np.random.default_rng(seed)
    n = 3_000
    group = rng.integers(-1, 30, n)
    end = rng.integers(0, 200, n).astype(float)
    end[rng.random(n) < 0.02] = np.nan
    eligible = rng.random(n) < 0.7
    expected = _previous_end_by_groupby(group, end, eligible)
    assert np.array_equal(previous_end(group, end, eligible), expected, equal_nan=True)
    assert np.array_equal(previous_end(group, end), _previous_end_by_groupby(group, end, np.ones(n, bool)),
                          equal_nan=True)
    assert np.isfinite(expected).mean() > 0.5


def test_a_step_with_dates_only_says_so_not_system():
    """A person's step none of whose executions has a clock time is not measurable
    because of its dates (road fines' Create Fine), not 'system' (as it said)."""
    from rpa_scout.explain import why_excluded
    from rpa_scout.handling import DATES_ONLY

    days = pd.date_range("2024-01-01", periods=41, freq="D", tz="Europe/Helsinki").tz_convert("UTC")
    log = pd.DataFrame({"case:concept:name": [f"c{i}" for i in range(40)] * 2,
                        "concept:name": ["Kirjaus"] * 40 + ["Päätös"] * 40,   # two steps with dates only
                        "time:timestamp": list(days[:40]) + list(days[1:]), "org:resource": ["Aino", "Eero"] * 40})
    row = estimate_handling_time(log).activities.set_index("activity").loc["Päätös"]
    assert (row["verdict"], row["source"], row["timed_instances"]) == ("manual", DATES_ONLY, 0)
    assert why_excluded("manual", "", DATES_ONLY) == (
        "handling time not measurable: its executions carry a date but no clock time")


def _measured_days(days=30):
    """Aino opens and completes 10-minute checks each weekday from 09:00; Tuesday's last
    item is left open and closed by a night job the next morning."""
    rows = []
    for day in range(days):
        t = pd.Timestamp("2024-03-04 09:00") + pd.Timedelta(days=day)
        if t.dayofweek >= 5:
            continue
        for i in range(14):
            begin = t + pd.Timedelta(minutes=30 * i + day % 3)
            rows += [(f"d{day}c{i}", "Tarkastus", str(begin), "Aino", "start"),
                     (f"d{day}c{i}", "Tarkastus", str(begin + pd.Timedelta(minutes=10)), "Aino", "complete")]
        if day % 7 == 1:  # on Tuesdays the day's last item is left open
            rows.append((f"d{day}c99", "Tarkastus", str(t.replace(hour=16, minute=20)), "Aino", "start"))
            end = (t + pd.Timedelta(days=1)).replace(hour=6, minute=15)
            rows.append((f"d{day}c99", "Tarkastus", str(end), "Aino", "complete"))
    return _log(rows, lifecycle=True)


def test_an_item_closed_by_a_night_job_takes_its_steps_measured_mean():
    """BPIC12 closes open items at 06:15: their start-to-close time (the rest of the
    working day, shared with nothing) was 'measured' person work, a quarter of the
    step's hours. Such an execution takes the mean of the step's others."""
    settings = Settings.of(timezone="Europe/Helsinki")
    night = estimate_handling_time(_measured_days(), settings=settings)
    inst = night.instances
    closed = inst[inst["time:timestamp"].dt.tz_convert("Europe/Helsinki").dt.hour == 6]
    assert len(closed) and (closed["source"] == "measured on other executions").all()
    assert closed["handling_s"].tolist() == pytest.approx([600.0] * len(closed))
    assert night.activities.set_index("activity").loc["Tarkastus", "mean_min"] == pytest.approx(10.0)


def test_the_working_day_holds_the_starts_too():
    """Production's packer starts at 07:00 and completes at 08:00: a day found from the
    completions alone (08:00) put the hour's work outside it (5 of 60 minutes credited)."""
    rows = []
    for day in range(60):
        t = pd.Timestamp("2024-03-04 07:00") + pd.Timedelta(days=day, minutes=day % 5)
        rows += [(f"c{day}", "Pakkaus", str(t), "Aino", "start"),
                 (f"c{day}", "Pakkaus", str(t + pd.Timedelta(hours=1)), "Aino", "complete")]
    result = estimate_handling_time(_log(rows, lifecycle=True), settings=Settings.of(timezone="Europe/Helsinki"))
    assert result.working_hours.start_hour == 7.0
    assert result.activities.set_index("activity").loc["Pakkaus", "mean_min"] == pytest.approx(60.0)


def test_standard_times_find_a_step_whatever_its_letter_case():
    """A time study's "asiatarkastus" was not the log's "Asiatarkastus" (QA), while
    --explain finds steps ignoring case."""
    from rpa_scout import Settings, rank_candidates, read_log

    log, _ = read_log("eventlogs/ostolaskut.csv.gz")
    ranking = rank_candidates(log, settings=Settings.of(standard_times={" asiatarkastus": 5.3}))
    row = ranking.candidates.set_index("candidate").loc["Asiatarkastus"]
    assert (row["handling_source"], row["handling_min"]) == ("supplied", 5.3)
    assert not any("not in this log" in str(n) or "standard time" in str(n) for n in ranking.notes)


def test_a_handling_result_of_another_log_or_other_settings_is_refused():
    """A year's handling passed with a two-month filtered log ranked its steps at about
    six times their hours; standard times given beside it were silently ignored (API review)."""
    from rpa_scout import cases_behind, filter_log, rank_candidates, read_log
    from rpa_scout.errors import ConfigError
    from rpa_scout.settings import FilterSettings, Settings

    log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
    handling = estimate_handling_time(log)
    spring, _ = filter_log(log, settings=Settings(filter=FilterSettings(date_from="2025-03-01",
                                                                         date_to="2025-04-30")))
    with pytest.raises(ConfigError, match="estimated from another log .24,883 events"):
        rank_candidates(spring, handling=handling)
    with pytest.raises(ConfigError, match="another log"):
        cases_behind(spring, "Asiatarkastus", handling=handling)
    timed = Settings.of(standard_times={"Asiatarkastus": 10})
    with pytest.raises(ConfigError, match="with other settings"):
        rank_candidates(log, handling=handling, settings=timed)
    same = rank_candidates(log, handling=estimate_handling_time(log, settings=timed), settings=timed)
    assert same.candidates.equals(rank_candidates(log, settings=timed).candidates)
