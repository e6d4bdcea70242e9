"""Epoch numbers written from wall-clock time (issue 13, item 2): BPIC15's Parquet file.

BPIC15_all5.parquet stores ``dateFinished`` as epoch seconds of the local (Amsterdam)
wall-clock time treated as UTC: its dates sit at exactly 00:00 UTC. Read as UTC, every
clock time ran 1–2 h late against BPIC15_1.xes.gz; now such a column is read in the
log's zone, and municipality 1 gets the same instants, verdicts and handling times from
either file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rpa_scout import Settings, estimate_handling_time, read_log, split_by
from rpa_scout.errors import ConfigError
from rpa_scout.timestamps import parse_timestamps, wall_clock_epoch
from tests.conftest import shared_log

AMSTERDAM = "Europe/Amsterdam"
PARQUET = dict(case="tid", activity="conceptName", timestamp="dateFinished",
               resource="executingResource", timezone=AMSTERDAM)


def _epochs(*local: str) -> pd.Series:
    """Epoch seconds of wall-clock times written as if UTC (what the Parquet file holds)."""
    return pd.Series([pd.Timestamp(t, tz="UTC").timestamp() for t in local])


def test_dates_at_midnight_utc_are_read_as_wall_clock_time():
    raw = _epochs("2014-01-10 00:00", "2014-07-10 00:00", "2014-07-10 09:37:17")
    parsed = parse_timestamps(raw, timezone=AMSTERDAM)
    assert parsed.values.tolist() == [pd.Timestamp("2014-01-09 23:00", tz="UTC"),
                                      pd.Timestamp("2014-07-09 22:00", tz="UTC"),
                                      pd.Timestamp("2014-07-10 07:37:17", tz="UTC")]
    assert parsed.method.startswith("epoch seconds of wall-clock time, read in Europe/Amsterdam "
                                    "(67% of the values are dates at 00:00 UTC")


def test_true_utc_epochs_stay_utc():
    # Dates exported correctly from Amsterdam sit at 22:00/23:00 UTC; clock times anywhere.
    raw = _epochs("2014-01-09 23:00", "2014-07-09 22:00", "2014-07-10 07:37:17")
    assert parse_timestamps(raw, timezone=AMSTERDAM).method == "epoch seconds"
    # In a zone at UTC there is nothing to tell apart.
    assert parse_timestamps(_epochs("2014-01-10", "2014-07-10"), timezone="UTC").method == "epoch seconds"


def test_a_nightly_job_at_two_in_winter_is_not_taken_for_dates():
    # 02:00 Helsinki is 00:00 UTC in winter only: the midnights lie in one season.
    winter = [f"2025-01-{d:02d} 00:00" for d in range(1, 29)]
    summer = [f"2025-07-{d:02d} 23:00" for d in range(1, 29)]
    stamps = np.array(winter + summer, dtype="datetime64[ns]")
    assert not wall_clock_epoch(stamps, "Europe/Helsinki")


def test_epoch_clock_can_be_named():
    raw = _epochs("2014-07-10 09:00", "2014-07-10 10:00")
    local = parse_timestamps(raw, timezone=AMSTERDAM, epoch_clock="local")
    assert local.values.iloc[0] == pd.Timestamp("2014-07-10 07:00", tz="UTC")
    assert "(--epoch-clock local)" in local.method
    dates = _epochs("2014-01-10", "2014-07-10")
    assert parse_timestamps(dates, timezone=AMSTERDAM, epoch_clock="utc").method == "epoch seconds"
    with pytest.raises(ConfigError, match="epoch clock must be one of auto, utc, local"):
        parse_timestamps(raw, epoch_clock="wall")


def test_epoch_text_in_a_csv_is_read_the_same(write):
    text = "case;activity;timestamp\n" + "".join(
        f"c{i};A;{int(v)}\n" for i, v in enumerate(_epochs("2014-01-10", "2014-07-10", "2014-07-10 09:00")))
    log, report = read_log(write("e.csv", text), timezone=AMSTERDAM)
    assert report.timestamp_method.startswith("epoch seconds of wall-clock time")
    assert log["time:timestamp"].iloc[2] == pd.Timestamp("2014-07-10 07:00", tz="UTC")


@pytest.mark.slow
def test_bpic15_municipality_1_is_the_same_from_parquet_and_xes():
    """Municipality 1 read from the five-municipality Parquet file (split by ``label``)
    and from its own XES file: the same events at the same instants, the same verdicts
    and the same handling times. The XES file's ``time:timestamp`` is another field
    (it differs from ``dateFinished`` in 65 % of events), so both are read by ``dateFinished``.
    """
    xes, _ = read_log(shared_log("bpic15/BPIC15_1.xes.gz"), timestamp="dateFinished", timezone=AMSTERDAM)
    both, report = read_log(shared_log("bpic15/BPIC15_all5.parquet"), **PARQUET)
    assert report.timestamp_method.startswith("epoch seconds of wall-clock time, read in Europe/Amsterdam")
    parquet = split_by(both, "label")["1"]
    stamps = lambda log: np.sort(log["time:timestamp"].astype("int64").to_numpy())  # noqa: E731
    assert len(parquet) == len(xes) == 52_217
    assert (stamps(parquet) == stamps(xes)).all()
    settings = Settings.of(timezone=AMSTERDAM)
    a = estimate_handling_time(xes, settings=settings).activities.set_index("activity")
    b = estimate_handling_time(parquet, settings=settings).activities.set_index("activity").reindex(a.index)
    assert len(a) == 398
    assert (a["verdict"] == b["verdict"]).all()
    assert np.allclose(a["mean_min"], b["mean_min"], equal_nan=True)
    # Read as UTC (the old way), every event ran 1–2 h late.
    late, _ = read_log(shared_log("bpic15/BPIC15_all5.parquet"), epoch_clock="utc", **PARQUET)
    shift = stamps(split_by(late, "label")["1"]) - stamps(xes)
    assert set(np.unique(shift // 3_600_000_000_000)) == {1, 2}


def test_epoch_clock_option_and_config(write, tmp_path):
    from click.testing import CliRunner

    from rpa_scout.cli import main

    text = "case;activity;timestamp\n" + "".join(
        f"c{i};A;{int(v)}\n" for i, v in enumerate(_epochs("2014-01-10", "2014-07-10")))
    path = write("e.csv", text)
    out = CliRunner().invoke(main, ["inspect", str(path), "--timezone", AMSTERDAM]).output
    assert "timestamps     epoch seconds of wall-clock time, read in Europe/Amsterdam" in out
    out = CliRunner().invoke(main, ["inspect", str(path), "--timezone", AMSTERDAM, "--epoch-clock", "utc"]).output
    assert "timestamps     epoch seconds\n" in out
    config = tmp_path / "c.yaml"
    config.write_text("read: {epoch_clock: sometimes}\n")
    result = CliRunner().invoke(main, ["inspect", str(path), "--config", str(config)])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {config}: read.epoch_clock must be auto, utc or local, "
                                     "got 'sometimes'")
