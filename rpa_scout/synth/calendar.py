"""Time for the simulation: Finnish working days, office-hour blocks, job runs, arrivals.

Simulation time is whole seconds since :data:`ORIGIN` (2025-01-01 00:00 Europe/Helsinki).
Every wall-clock time is made in local time and localised with the zone's rules, so
daylight saving time is right. Working days are Monday to Friday except the Finnish
public holidays of :class:`holidays.Finland` (which include Midsummer Eve and Christmas
Eve).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, cached_property

import holidays
import numpy as np
import pandas as pd

TIMEZONE = "Europe/Helsinki"
ORIGIN = pd.Timestamp("2025-01-01", tz=TIMEZONE)
PERIOD_DAYS = 365          # cases arrive during the first year
HORIZON_DAYS = 4 * 365 + 1  # days of calendar available for the work to finish


def origin_epoch() -> int:
    """UTC epoch seconds of simulation time 0."""
    return int(ORIGIN.tz_convert("UTC").timestamp())


def local_to_sim(local: pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Naive Helsinki wall-clock times → simulation seconds (int64).

    Times in the spring-forward gap move forward; repeated autumn times are read as
    summer time.
    """
    index = pd.DatetimeIndex(local)
    aware = index.tz_localize(TIMEZONE, nonexistent="shift_forward",
                              ambiguous=np.ones(len(index), dtype=bool))
    return (aware.as_unit("s").asi8 - origin_epoch()).astype(np.int64)


@dataclass(frozen=True)
class WorkCalendar:
    """Days from :data:`ORIGIN` on, with the Finnish working-day flags."""

    days: pd.DatetimeIndex
    working: np.ndarray

    @cached_property
    def midnights(self) -> np.ndarray:
        """Simulation seconds of each day's local midnight."""
        return local_to_sim(self.days)

    def blocks(self, start_minute: int, end_minute: int, lunch_minute: int | None,
               off_days: np.ndarray) -> tuple[list[int], list[int]]:
        """Office-hour blocks of one person, as (starts, ends) in simulation seconds.

        Args:
            start_minute: local start of the day in minutes after midnight.
            end_minute: local end of the day.
            lunch_minute: start of a 30-minute lunch break, or ``None`` for none.
            off_days: boolean mask over :attr:`days` of the person's vacation days.

        Returns:
            Sorted block starts and ends; a person works only inside them.
        """
        day = self.days[self.working & ~off_days]
        parts = [(start_minute, end_minute)] if lunch_minute is None else \
            [(start_minute, lunch_minute), (lunch_minute + 30, end_minute)]
        starts, ends = [], []
        for lo, hi in parts:
            starts.append(local_to_sim(day + pd.Timedelta(minutes=lo)))
            ends.append(local_to_sim(day + pd.Timedelta(minutes=hi)))
        start = np.concatenate(starts)
        end = np.concatenate(ends)
        order = np.argsort(start, kind="stable")
        return start[order].tolist(), end[order].tolist()

    def runs(self, hour: int, minute: int, days: str) -> list[int]:
        """Simulation seconds of a scheduled job's runs (``working`` or ``daily`` days)."""
        if days not in ("working", "daily"):
            raise ValueError(f"unknown batch days {days!r}")
        day = self.days[self.working] if days == "working" else self.days
        return local_to_sim(day + pd.Timedelta(hours=hour, minutes=minute)).tolist()

    def vacation(self, first_week: int, weeks: int) -> np.ndarray:
        """Mask of a summer vacation starting on the Monday of ISO week ``first_week``."""
        iso = self.days.isocalendar()
        week = iso["week"].to_numpy()
        year = iso["year"].to_numpy()
        off = np.zeros(len(self.days), dtype=bool)
        for y in np.unique(year):
            off |= (year == y) & (week >= first_week) & (week < first_week + weeks)
        return off


@cache
def work_calendar() -> WorkCalendar:
    """The calendar from :data:`ORIGIN` for :data:`HORIZON_DAYS` days (built once)."""
    days = pd.date_range(ORIGIN.tz_localize(None), periods=HORIZON_DAYS, freq="D")
    years = sorted(set(days.year))
    public = holidays.Finland(years=years)
    holiday = np.array([d in public for d in days.date], dtype=bool)
    working = (days.day_of_week < 5) & ~holiday
    return WorkCalendar(days=days, working=np.asarray(working))


def arrival_times(rng: np.random.Generator, n: int, calendar: WorkCalendar,
                  month_weights: tuple[float, ...], weekday_weights: tuple[float, ...],
                  hour_weights: tuple[float, ...], holiday_weight: float) -> np.ndarray:
    """Draw ``n`` arrival times (sorted simulation seconds) in the first year.

    A day is drawn with weight month × weekday (× ``holiday_weight`` on a public holiday
    that falls on a weekday), an hour with ``hour_weights`` and a second uniformly.
    """
    days = calendar.days[:PERIOD_DAYS]
    weight = np.asarray(month_weights)[days.month - 1] * np.asarray(weekday_weights)[days.day_of_week]
    holiday = ~calendar.working[:PERIOD_DAYS] & (days.day_of_week < 5)
    weight = np.where(holiday, weight * holiday_weight, weight)
    day = rng.choice(PERIOD_DAYS, size=n, p=weight / weight.sum())
    hours = np.asarray(hour_weights, dtype=float)
    hour = rng.choice(24, size=n, p=hours / hours.sum())
    second = rng.integers(0, 3600, size=n)
    local = days[day] + pd.to_timedelta(hour * 3600 + second, unit="s")
    return np.sort(local_to_sim(local), kind="stable")


def sim_to_local(seconds: np.ndarray) -> pd.DatetimeIndex:
    """Simulation seconds → tz-aware Helsinki times."""
    utc = pd.to_datetime(np.asarray(seconds, dtype=np.int64) + origin_epoch(), unit="s", utc=True)
    return pd.DatetimeIndex(utc).tz_convert(TIMEZONE)
