import numpy as np
import pytest

from rpa_scout.worktime import exclusive_seconds

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
