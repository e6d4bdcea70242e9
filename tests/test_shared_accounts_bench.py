"""The statistics of ``benchmarks/shared_accounts.py`` on hand-made items whose answers are
known (no shared logs needed)."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from shared_accounts import account_stats, day_stats, overlap_stats, together, union  # noqa: E402

H = 3600.0


def local(zone, *stamps):
    """Epoch seconds of local wall-clock times."""
    return pd.DatetimeIndex(stamps).tz_localize(zone).as_unit("s").asi8.astype(float)


def test_an_item_open_across_two_others_counts_with_both():
    # 0–10 h holds 1–2 h and 3–4 h: the third item overlaps the first, not the second, so a
    # test of each item against its predecessor alone would miss it
    s, e = np.array([0.0, 1, 3]) * H, np.array([10.0, 2, 4]) * H
    busy, share2, mean_open, most = overlap_stats(s, e)
    assert busy == 10 * H  # the union, not the 12 h the items add up to
    assert share2 == pytest.approx(0.2) and mean_open == pytest.approx(1.2) and most == 2
    starts, ends = union(s, e)
    assert starts.tolist() == [0.0] and ends.tolist() == [10 * H]


def test_items_that_touch_do_not_overlap():
    s, e = np.array([0.0, 2, 4]) * H, np.array([2.0, 4, 5]) * H
    assert overlap_stats(s, e) == (5 * H, 0.0, 1.0, 1)
    assert len(union(s, e)[0]) == 3


def test_day_figures_cut_items_at_local_midnight():
    zone = "Europe/Helsinki"
    s = local(zone, "2024-01-01 09:00", "2024-01-01 10:00", "2024-01-01 12:00", "2024-01-01 23:00")
    e = local(zone, "2024-01-01 11:00", "2024-01-01 12:00", "2024-01-01 13:00", "2024-01-02 01:00")
    open_h, span_h = day_stats(s, e, zone)
    assert open_h.tolist() == [6.0, 1.0]  # 2 + 2 + 1 + 1 h on the 1st, 1 h on the 2nd
    assert span_h.tolist() == [15.0, 1.0]  # 09:00 to midnight; midnight to 01:00
    stats = account_stats(s, e, zone)
    assert stats["max_open"] == 2 and stats["busy_h"] == 6.0 and stats["share2"] == pytest.approx(1 / 6)
    assert stats["day_open_p90"] == pytest.approx(1 + 0.9 * 5)
    assert stats["clock_hours_med"] == 2.0  # completions in hours 11, 12, 13 of the 1st, 01 of the 2nd
    # in UTC the night item falls on one day: 21:00-23:00
    assert day_stats(s, e, "UTC")[1].tolist() == [16.0]


def test_a_day_has_its_own_length_across_a_clock_change():
    zone = "Europe/Amsterdam"  # 30 October 2011 had 25 hours, 27 March 2011 had 23
    open_h, span_h = day_stats(local(zone, "2011-10-29 12:00", "2011-03-26 12:00"),
                               local(zone, "2011-10-31 12:00", "2011-03-28 12:00"), zone)
    assert open_h.tolist() == [12.0, 23.0, 12.0, 12.0, 25.0, 12.0]
    assert span_h.tolist() == open_h.tolist()


def test_members_busy_at_once_are_told_from_one_member_holding_two_items():
    alone = (np.array([0.0, 1]) * H, np.array([2.0, 3]) * H)  # two items open at once
    other = (np.array([5.0]) * H, np.array([6.0]) * H)
    assert together([alone, other]) == 0.0
    assert together([(np.array([0.0]), np.array([2 * H])), (np.array([H]), np.array([3 * H]))]) == pytest.approx(1 / 3)
