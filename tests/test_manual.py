import pandas as pd

from rpa_scout import read_log
from rpa_scout.manual import ManualRules, detect_manual
from tests.conftest import shared_log


def _log(rows, with_lifecycle=False):
    cols = ["case:concept:name", "concept:name", "time:timestamp", "org:resource"]
    if with_lifecycle:
        cols.append("lifecycle:transition")
    frame = pd.DataFrame(rows, columns=cols)
    frame["time:timestamp"] = pd.to_datetime(frame["time:timestamp"], utc=True)
    return frame


def _verdicts(result):
    return dict(zip(result.activities["activity"], result.activities["verdict"]))


def test_names_behaviour_and_missing_resources():
    rows = []
    for i in range(30):
        day = f"2024-03-{1 + i % 20:02d}"
        rows += [
            (f"c{i}", "Vastaanotto", f"{day} 06:{i:02d}:00", "JÄRJESTELMÄ"),
            (f"c{i}", "Tiliöinti", f"{day} 08:{10 + i % 40:02d}:00", f"Person{i % 3}"),
            # system step logged under the user, 3 seconds after their manual step
            (f"c{i}", "Lähetys", f"{day} 08:{10 + i % 40:02d}:03", f"Person{i % 3}"),
            (f"c{i}", "Maksu", f"{day} 23:00:00", None),
        ]
    result = detect_manual(_log(rows))
    v = _verdicts(result)
    assert v["Vastaanotto"] == "automated"
    assert v["Tiliöinti"] == "manual"
    assert v["Lähetys"] == "automated"
    assert v["Maksu"] == "unknown"
    row = result.activities.set_index("activity").loc["Lähetys"]
    assert "seconds after the same account" in row["evidence"]


def test_batch_burst_and_configured_rules():
    rows = [(f"c{i}", "Maksuajo", "2024-03-05 02:00:00", "Aino") for i in range(8)]
    rows += [(f"c{i}", "Hyväksyntä", f"2024-03-04 1{i % 6}:{i:02d}:00", "Aino") for i in range(8)]
    v = _verdicts(detect_manual(_log(rows)))
    assert v["Maksuajo"] == "automated" and v["Hyväksyntä"] == "manual"
    rules = ManualRules(system_activities=("Hyväksyntä",))
    assert _verdicts(detect_manual(_log(rows), rules=rules))["Hyväksyntä"] == "automated"


def test_near_zero_measured_duration_is_system():
    rows = []
    for i in range(5):
        rows += [(f"c{i}", "Auto", "2024-03-04 10:00:00", "Aino", "start"),
                 (f"c{i}", "Auto", "2024-03-04 10:00:01", "Aino", "complete"),
                 (f"c{i}", "Work", f"2024-03-04 1{i}:05:00", "Aino", "start"),
                 (f"c{i}", "Work", f"2024-03-04 1{i}:35:00", "Aino", "complete")]
    v = _verdicts(detect_manual(_log(rows, with_lifecycle=True)))
    assert v == {"Auto": "automated", "Work": "manual"}


def test_bpic2020_staff_vs_system():
    log, _ = read_log(shared_log("bpic2020/PermitLog.xes.gz"))
    result = detect_manual(log)
    by_res = log.groupby("concept:name")["org:resource"].agg(lambda s: (s == "SYSTEM").mean())
    v = _verdicts(result)
    for activity, system_share in by_res.items():
        expected = "automated" if system_share > 0.5 else "manual"
        assert v[activity] == expected, activity


def test_road_fines_without_resources_are_unknown_not_manual():
    log, _ = read_log(shared_log("road_traffic_fines/Road_Traffic_Fine_Management_Process.xes.gz"))
    v = _verdicts(detect_manual(log))
    assert v["Create Fine"] == "manual"       # named police officers
    assert v["Send Fine"] == "unknown"        # no resource: never claimed as person work
    assert v["Add penalty"] == "unknown"


def test_system_account_names():
    import re

    from rpa_scout.manual import SYSTEM_NAME_PATTERN

    for name in ("JÄRJESTELMÄ", "Basware-robotti", "eAsiointi", "Lupapiste-integraatio",
                 "e-service", "Kunta-portaali", "batch_job"):
        assert re.search(SYSTEM_NAME_PATTERN, name), name
    for name in ("Aino Virtanen", "Asiointipiste Kallio", "Jobbe", "Sysmä"):
        assert not re.search(SYSTEM_NAME_PATTERN, name), name
