import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rpa_scout.worktime import exclusive_seconds, local_day_hour

H = 3600.0


def test_overlapping_items_share_the_time():
    accounts = np.array([0, 0, 0, 1])
    start = np.array([0.0, 50.0, 200.0, 0.0])
    end = np.array([100.0, 150.0, 300.0, 100.0])
    assert exclusive_seconds(accounts, start, end).tolist() == [75.0, 75.0, 100.0, 100.0]


def test_time_outside_the_working_day_is_not_work():
    day = (np.array([8.0, 8.0]), np.array([16.0, 16.0]))
    # 06:00–10:00 is two hours of work; 15:00 until 09:00 the next day is two hours too
    start, end = np.array([6 * H, 15 * H + 48 * H]), np.array([10 * H, 33 * H + 48 * H])
    out = exclusive_seconds(np.array([0, 1]), start, end, day=day, timezone="UTC")
    assert out / H == pytest.approx([2.0, 2.0])


def test_rows_without_account_or_start_keep_their_duration():
    out = exclusive_seconds(np.array([-1, 0]), np.array([0.0, np.nan]), np.array([50.0, 60.0]))
    assert out[0] == 50.0 and np.isnan(out[1])


def _shared_time(accounts, start, end):
    """Brute force: every stretch between two edges of an account, split evenly among the
    account's items open over it."""
    out = end - start
    for account in np.unique(accounts[accounts >= 0]):
        mine = np.flatnonzero(accounts == account)
        cuts = np.unique(np.r_[start[mine], end[mine]])
        share = np.zeros(len(mine))
        for t0, t1 in zip(cuts[:-1], cuts[1:]):
            open_ = (start[mine] <= t0) & (end[mine] >= t1)
            if open_.any():
                share[open_] += (t1 - t0) / open_.sum()
        out[mine] = share
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 3), st.integers(0, 20), st.integers(1, 10)), min_size=1, max_size=40))
def test_shared_time_equals_brute_force_with_ties(items):
    """Many items of one account start or end at the same instant: each account's time is
    still split exactly among its open items (the binary search of each account's edges)."""
    accounts = np.array([a for a, _, _ in items])
    start = np.array([float(s) for _, s, _ in items])
    end = start + np.array([float(d) for _, _, d in items])
    out = exclusive_seconds(accounts, start, end)
    assert out == pytest.approx(_shared_time(accounts, start, end))


@pytest.mark.parametrize("with_day", [False, True])
def test_batches_of_accounts_give_the_same_seconds_to_the_last_bit(monkeypatch, with_day):
    """Accounts worked on a few at a time (a batch of 50 rows here, 1M in use) give
    exactly what all at once gives: the running integral carries over in order."""
    import rpa_scout.worktime as worktime

    rng = np.random.default_rng(5)
    n = 2_000
    accounts = rng.integers(-1, 40, n)
    start = 1.7e9 + rng.uniform(0, 30 * 86400, n)
    end = start + rng.exponential(3 * H, n)
    start[rng.random(n) < 0.05] = np.nan
    day = (rng.choice([7.0, 8.0, np.nan], n), rng.choice([15.5, 16.0], n)) if with_day else None
    day = None if day is None else (np.where(np.isnan(day[0]), np.nan, day[0]), day[1])
    whole = exclusive_seconds(accounts, start, end, day=day, timezone="Europe/Helsinki")
    monkeypatch.setattr(worktime, "BATCH_ROWS", 50)
    batched = exclusive_seconds(accounts, start, end, day=day, timezone="Europe/Helsinki")
    assert np.array_equal(batched, whole, equal_nan=True)
    assert np.isfinite(whole).sum() > n * 0.9


@pytest.mark.parametrize("zone", ["Europe/Helsinki", "America/Sao_Paulo", "Asia/Kolkata", "UTC"])
def test_local_day_and_hour_are_pandas_own(zone):
    """The local day and hour from integer seconds are those of pandas' date fields, across
    daylight-saving changes, before 1970 and with fractions of a second."""
    rng = np.random.default_rng(5)
    spring = pd.Timestamp("2024-03-31 00:30", tz="UTC").timestamp()
    instants = np.r_[rng.uniform(-2e9, 2e9, 5000).round(3), spring + np.arange(0, 4 * 3600, 61.7),
                     -0.5, 0.0, 86399.999]
    local = pd.to_datetime(instants, unit="s", utc=True).tz_convert(zone)
    day, hour = local_day_hour(instants, zone)
    days = (local.tz_localize(None).normalize() - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)
    np.testing.assert_array_equal(day, np.asarray(days))
    np.testing.assert_array_equal(hour, np.asarray(local.hour))
    np.testing.assert_array_equal((day + 3) % 7, np.asarray(local.dayofweek))


def test_days_the_account_logged_nothing_on_are_no_work():
    """An item open from Friday 15:00 to Monday 09:00 (BPIC12 credited a weekend's hours):
    with the account's active days, Saturday and Sunday count nothing."""
    from rpa_scout.worktime import ActiveDays

    friday = 4 * 86400.0  # 5 January 1970 was a Monday; day 4 is a Friday
    start, end = np.array([friday + 15 * H]), np.array([friday + 3 * 86400 + 9 * H])
    day = (np.array([8.0]), np.array([16.0]))
    every_day = exclusive_seconds(np.array([0]), start, end, day=day, timezone="UTC")
    assert every_day / H == pytest.approx([1 + 8 + 8 + 1])
    active = ActiveDays.of(np.array([0, 0]), np.r_[start, end], "UTC")
    assert exclusive_seconds(np.array([0]), start, end, day=day, timezone="UTC", active=active) / H == \
        pytest.approx([1 + 1])


def test_rows_without_an_account_count_their_working_day_on_days_anyone_worked():
    """Measured items with no resource (8,018 of BPIC12's) kept their whole open time,
    nights included; now the time inside their day on days the log holds events."""
    from rpa_scout.worktime import ActiveDays

    start, end = np.array([15 * H, 15 * H]), np.array([86400 * 2 + 9 * H, 16 * H])
    day = (np.array([8.0, 8.0]), np.array([16.0, 16.0]))
    active = ActiveDays.of(np.array([-1, -1, 3]), np.array([15 * H, 86400 * 2 + 9 * H, 86400 + 10 * H]), "UTC")
    out = exclusive_seconds(np.array([-1, -1]), start, end, day=day, timezone="UTC", active=active)
    assert out / H == pytest.approx([1 + 8 + 1, 1])  # day 1 has an event (of account 3)
    alone = ActiveDays.of(np.array([-1, -1]), np.array([15 * H, 86400 * 2 + 9 * H]), "UTC")
    assert exclusive_seconds(np.array([-1]), start[:1], end[:1], day=(day[0][:1], day[1][:1]),
                             timezone="UTC", active=alone) / H == pytest.approx([2])
