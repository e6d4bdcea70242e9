"""Stray timestamps: placeholder dates far from the rest of the log are rejected with a
reason, so they cannot stretch the period every yearly figure is annualised over."""

import numpy as np
import pandas as pd
import pytest

from rpa_scout import rank_candidates, read_log
from rpa_scout.stray import stray_events

DAY = 86_400.0
SPRING = 1.74e9 + DAY * np.arange(0, 60, 0.5)   # 120 events over two months of 2025


def test_a_regular_log_has_no_stray_events():
    assert not stray_events(SPRING).any()
    assert not stray_events(np.r_[SPRING, SPRING[-1] + 200 * DAY]).any()  # reopened months later


@pytest.mark.parametrize("placeholder", [0.0, -2208988800.0, 4.1e9])  # 1970, 1900, 2099
def test_a_placeholder_date_is_stray(placeholder):
    found = stray_events(np.r_[SPRING[:50], placeholder, SPRING[50:]])
    assert np.flatnonzero(found).tolist() == [50]


def test_placeholders_at_both_ends_are_found_together():
    assert np.flatnonzero(stray_events(np.r_[0.0, SPRING, 4.1e9])).tolist() == [0, 121]


def test_at_most_one_percent_and_never_a_long_log_or_a_small_one():
    """Two far events among 120 are more than the 1 % tail: left as they are (the log may
    really have two periods); a log of years with a gap of a year is a long log; fewer
    than 20 events say too little."""
    assert not stray_events(np.r_[0.0, 1.0, SPRING]).any()
    years = 1.5e9 + DAY * np.r_[np.arange(0, 1500, 5), np.arange(1900, 2000, 5)]
    assert not stray_events(years).any()
    assert not stray_events(np.r_[SPRING[:10], 0.0]).any()


def test_missing_timestamps_are_never_stray():
    found = stray_events(np.r_[np.nan, SPRING, 0.0])
    assert np.flatnonzero(found).tolist() == [121]


def test_a_placeholder_date_no_longer_divides_the_yearly_hours(tmp_path):
    """One event dated 01.01.1970 in a Finnish export stretched the period from two
    months to 55 years: the top candidate fell from 79 to 0 h a year (QA)."""
    lines = ["asianumero;toimenpide;aikaleima;käsittelijä"]
    for c in range(60):
        t = pd.Timestamp("2025-02-03 08:00") + pd.Timedelta(days=c)
        for k, step in enumerate(("Vastaanotto", "Tarkastus", "Hyväksyntä")):
            stamp = t + pd.Timedelta(minutes=20 * k + c % 7)
            lines.append(f"{c:03d};{step};{stamp:%d.%m.%Y %H.%M};h{(c + k) % 3}")
    clean = tmp_path / "clean.csv"
    clean.write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines[5] = lines[5].rsplit(";", 2)[0] + ";01.01.1970 00.00;" + lines[5].rsplit(";", 1)[1]
    placeholder = tmp_path / "placeholder.csv"
    placeholder.write_text("\n".join(lines) + "\n", encoding="utf-8")
    log, report = read_log(placeholder)
    assert report.rows_read == 180 and report.rows_kept == 179
    assert [str(r) for r in report.rejected] == [str(r) for r in report.rejected if "far from the rest" in str(r)]
    assert report.samples[next(iter(report.rejected))] == (5,)
    assert log["time:timestamp"].min() >= pd.Timestamp("2025-02-01", tz="UTC")
    hours = rank_candidates(log).candidates.set_index("candidate")["hours_per_year"]
    reference = rank_candidates(read_log(clean)[0]).candidates.set_index("candidate")["hours_per_year"]
    assert hours["Tarkastus"] == pytest.approx(reference["Tarkastus"], rel=0.05)
