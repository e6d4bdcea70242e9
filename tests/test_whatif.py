import pandas as pd
import pytest

from rpa_scout.errors import ConfigError
from rpa_scout.whatif import simulate_automation


def _log():
    rows = [
        ("c1", "Saapunut", "2024-03-04 08:00", "JÄRJESTELMÄ"),
        ("c1", "Tiliöinti", "2024-03-04 12:00", "Aino"),     # 4 h queue + work
        ("c1", "Hyväksyntä", "2024-03-05 10:00", "Bo"),
        ("c2", "Saapunut", "2024-03-04 09:00", "JÄRJESTELMÄ"),
        ("c2", "Hyväksyntä", "2024-03-04 15:00", "Bo"),
    ]
    frame = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp", "org:resource"])
    frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"], utc=True)
    return frame


def test_automating_a_step_removes_its_queue_and_work():
    result = simulate_automation(_log(), ["Tiliöinti"], robot_seconds=0)
    cases = result.cases.set_index("case")
    assert cases.loc["c1", "lead_before_h"] == 26
    assert cases.loc["c1", "lead_after_h"] == 22
    assert cases.loc["c2", "saved_h"] == 0
    assert result.summary.loc[0, "cases_affected"] == 1


def test_routines_expand_and_ranking_rows_give_hours():
    rows = pd.DataFrame({"candidate": ["Tiliöinti → Hyväksyntä"], "hours_per_year": [120.0]})
    result = simulate_automation(_log(), rows, robot_seconds=60)
    assert result.steps == ("Hyväksyntä", "Tiliöinti")
    assert result.hours_freed_per_year == 120.0
    assert result.cases.set_index("case").loc["c2", "lead_after_h"] == pytest.approx(1 / 60)


def test_unknown_step_is_an_error():
    with pytest.raises(ConfigError) as err:
        simulate_automation(_log(), ["Lentäminen"])
    assert str(err.value) == "unknown activity 'Lentäminen': it is not in the log"


def test_overlapping_routine_not_counted_twice_and_share_applied():
    rows = pd.DataFrame({"candidate": ["Tiliöinti", "Tiliöinti → Hyväksyntä", "Hyväksyntä"],
                         "hours_per_year": [100.0, 80.0, 50.0],
                         "automatable_share": [1.0, 1.0, 0.0]})
    result = simulate_automation(_log(), rows, robot_seconds=0)
    assert result.hours_freed_per_year == 150.0  # the routine's steps are both single rows
    cases = result.cases.set_index("case")
    assert cases.loc["c1", "saved_h"] == 4      # Tiliöinti automated (share 1)
    assert cases.loc["c2", "saved_h"] == 0      # Hyväksyntä stays with people (share 0)
    again = simulate_automation(_log(), rows, robot_seconds=0)
    pd.testing.assert_frame_equal(result.cases, again.cases)


def test_share_draw_is_seeded_and_proportional():
    from rpa_scout import read_log, rank_candidates
    from tests.conftest import SAMPLES

    log, _ = read_log(SAMPLES / "varhaiskasvatus.csv.gz")
    top = rank_candidates(log).candidates.head(1)
    full = simulate_automation(log, list(top["candidate"]))
    part = simulate_automation(log, top, seed=1)
    share = float(top["automatable_share"].iloc[0])
    affected = part.summary.loc[0, "cases_affected"] / full.summary.loc[0, "cases_affected"]
    assert affected == pytest.approx(share, abs=0.05)
    assert part.summary.equals(simulate_automation(log, top, seed=1).summary)
