import numpy as np
import pandas as pd

from rpa_scout import read_log
from rpa_scout.manual import ARTIFICIAL, PERSON, SYSTEM, ManualRules, detect_manual  # ManualRules re-exported
from rpa_scout.settings import Settings
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


def _evidence(result, activity):
    return result.activities.set_index("activity").loc[activity, "evidence"]


def test_names_records_and_missing_resources():
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
    assert v == {"Vastaanotto": "automated", "Tiliöinti": "manual", "Lähetys": "automated",
                 "Maksu": "unknown"}
    assert _evidence(result, "Lähetys") == "100% recorded within 10 s with the account's step 'Tiliöinti'"
    recorded = result.instances.set_index("concept:name")["recorded"]
    assert recorded["Lähetys"].all() and not recorded["Tiliöinti"].any()


def test_record_before_the_work_is_found_by_pattern_not_position():
    """A state change saved seconds before the work item closes (BPIC12's A_/O_ events):
    the state change always comes with the work, the work also comes alone, so the
    earlier step is the record."""
    rows = []
    for i in range(40):
        day = f"2024-04-{1 + i % 25:02d}"
        if i % 2 == 0:  # half the items end with a decision recorded 4 s before closing
            rows.append((f"c{i}", "A_DECIDED", f"{day} 10:{i:02d}:00", "Aino"))
        rows.append((f"c{i}", "W_Handle", f"{day} 10:{i:02d}:04", "Aino"))
    result = detect_manual(_log(rows))
    assert _verdicts(result) == {"W_Handle": "manual", "A_DECIDED": "automated"}
    assert "recorded within 10 s with the account's step 'W_Handle'" in _evidence(result, "A_DECIDED")


def _burst_rows(accepted="A_ACCEPTED"):
    """BPIC12's pattern without its starts: three people each work items of many cases
    in turn; in a quarter of the items the person accepts the application minutes before the item
    closes, in all of them it closes with state changes saved within a second of it."""
    rows = []
    for i in range(60):
        who = f"User_{i % 3}"
        day = f"2024-05-{1 + i // 12:02d}"
        minute = 10 * (i % 12 // 3) + 1   # each person's items one after another, cases apart
        hour = 8 + i % 3
        if i % 4 == 0:
            rows += [(f"c{i}", accepted, f"{day} {hour:02d}:{minute:02d}:00", who),
                     (f"c{i}", "O_SELECTED", f"{day} {hour:02d}:{minute + 3:02d}:00", who),
                     (f"c{i}", "A_FINALIZED", f"{day} {hour:02d}:{minute + 3:02d}:00", who)]
        rows.append((f"c{i}", "W_Complete", f"{day} {hour:02d}:{minute + 3:02d}:01", who))
    return rows


def test_a_state_saved_minutes_before_the_work_item_closes_is_the_systems():
    """BPIC12 with its starts dropped ranked ``A_ACCEPTED`` (saved minutes into the
    ``W_Completeren aanvraag`` item, never within seconds of anything) as 977 h/yr of manual
    work: its account always goes on with the same case, which no finished piece of work
    does. It is saved within the item, bounds nothing, and the item takes its time."""
    result = detect_manual(_log(_burst_rows()))
    assert _verdicts(result) == {"A_ACCEPTED": "automated", "O_SELECTED": "automated",
                                 "A_FINALIZED": "automated", "W_Complete": "manual"}
    assert _evidence(result, "A_ACCEPTED") == "100% saved during the account's step 'W_Complete' of the same case"
    inst = result.instances
    assert inst.loc[inst["concept:name"] == "A_ACCEPTED", "recorded"].all()


def test_steps_a_person_always_does_in_one_sitting_stay_work():
    """Two person steps always done back to back (each needs the other), and every step of
    an account that only ever works one case (an applicant's own): the account goes on
    with the case after them too, but nothing shows a step saved inside another."""
    rows = []
    for i in range(30):
        who, day = f"User_{i % 3}", f"2024-05-{1 + i // 6:02d}"
        hour = 8 + i % 6
        rows += [(f"c{i}", "Fill in", f"{day} {hour:02d}:05:00", who),
                 (f"c{i}", "Submit", f"{day} {hour:02d}:12:00", who)]
        own = f"applicant{i}"   # one case per account; the optional step is often skipped
        if i % 3 == 0:
            rows.append((f"a{i}", "Attach", f"{day} {hour:02d}:20:00", own))
        rows.append((f"a{i}", "Apply", f"{day} {hour:02d}:31:00", own))
    assert set(_verdicts(detect_manual(_log(rows))).values()) == {"manual"}


def _paper_rows(desk="Kirjaamo"):
    """A municipality's registry desk registers about half of the applications (its
    shared login, hours ahead); the paper ones the handler registers, then checks at once;
    someone else decides."""
    rows = []
    for i in range(40):
        who, day = f"handler{i % 4}", f"2024-05-{1 + i // 8:02d}"
        at = pd.Timestamp(f"{day} 08:00") + pd.Timedelta(minutes=90 * (i % 8 // 4))   # two cases a day
        if i % 5 in (0, 2):   # paper: registered by the handler ten minutes before the check
            rows.append((f"c{i}", "Kirjaus", str(at - pd.Timedelta(minutes=10)), who))
        else:
            rows.append((f"c{i}", "Kirjaus", str(at - pd.Timedelta(hours=20)), desk))
        rows += [(f"c{i}", "Tarkistus", str(at + pd.Timedelta(minutes=12)), who),
                 (f"c{i}", "Päätös", str(at + pd.Timedelta(hours=3)), "director")]
    return rows


def test_a_step_done_on_its_own_by_another_account_is_work_where_a_person_goes_on():
    """The registry desk registers 60 % of the cases and the handlers register the paper
    ones, then check them at once: after each of their registrations the handler goes on
    with the case, but the step is a piece of work of its own (the desk does it and goes
    no further), not a state saved inside the check. It stays the handlers' work."""
    result = detect_manual(_log(_paper_rows()))
    inst = result.instances
    by_handlers = inst[(inst["concept:name"] == "Kirjaus") & inst["org:resource"].str.startswith("handler")]
    assert len(by_handlers) == 16
    assert (by_handlers["performer"] == PERSON).all(), by_handlers["evidence"].unique()
    assert not by_handlers["recorded"].any()
    assert set(_verdicts(result).values()) == {"manual"}


def test_bpic2012_complete_only_state_changes_are_the_systems():
    """BPIC12 with only its completions (schedule and start rows dropped): ``A_``/``O_``
    state changes recorded by the system were 91.2 % right, ``A_ACCEPTED`` ranked as
    manual work; the items are all people's work."""
    log, _ = read_log(shared_log("bpic2012/bpic2012.xes.gz"))
    log = log[log["lifecycle:transition"].astype(str).str.lower() == "complete"].reset_index(drop=True)
    result = detect_manual(log, rules=ManualRules(timezone="Europe/Amsterdam"))
    inst = result.instances
    label = inst["concept:name"].astype(str).str.startswith("W_").to_numpy()
    person = (inst["performer"] == PERSON).to_numpy()
    assert person[label].mean() >= 0.999
    assert (~person[~label]).mean() >= 0.96, (~person[~label]).mean()
    assert _verdicts(result)["A_ACCEPTED"] == "automated"


def test_two_steps_always_together_the_later_is_the_record():
    rows = []
    for i in range(20):
        day = f"2024-04-{1 + i % 25:02d}"
        rows += [(f"c{i}", "Päätöskirje", f"{day} 09:{i:02d}:00", "Aino"),
                 (f"c{i}", "Päätös lähetetty", f"{day} 09:{i:02d}:05", "Aino")]
    assert _verdicts(detect_manual(_log(rows))) == {"Päätöskirje": "manual",
                                                    "Päätös lähetetty": "automated"}


def test_a_person_acting_after_a_system_step_makes_the_earlier_step_the_record():
    """Both under the applicant's account: the system fetches the student's data when the
    application opens, and the student files it seconds later, or minutes later when
    something must be filled in (ConsultaDataMining 2016-18). The two steps come
    together equally often, so position decided before: the fetch was called work."""
    rows = []
    for i in range(40):
        day, who = f"2024-04-{1 + i % 25:02d}", f"{9000 + i}"  # one account per applicant
        gap = [2, 1, 5, 3, 8][i % 5] if i % 3 else 60 * (2 + i % 7)  # a third take minutes
        rows += [(f"c{i}", "Fetch student data", f"{day} 10:{i:02d}:00", who),
                 (f"c{i}", "File application", (pd.Timestamp(f"{day} 10:{i:02d}:00")
                                                + pd.Timedelta(seconds=gap)).strftime("%Y-%m-%d %H:%M:%S"), who),
                 (f"c{i}", "Review", f"{day} 15:{i:02d}:00", "Aino")]
    result = detect_manual(_log(rows))
    assert _verdicts(result) == {"Fetch student data": "automated", "File application": "manual",
                                 "Review": "manual"}
    assert "recorded within 10 s with the account's step 'File application'" in _evidence(
        result, "Fetch student data")
    # The same pair where the later step always comes within seconds: the later is the record
    quick = [r if r[1] != "File application" or int(r[0][1:]) % 3 else
             (r[0], r[1], f"{r[2][:10]} 10:{int(r[0][1:]):02d}:04", r[3]) for r in rows]
    assert _verdicts(detect_manual(_log(quick)))["File application"] == "automated"


def test_a_step_measured_as_instant_is_the_systems_where_its_start_is_missing():
    """Starts logged for half the executions: the measured ones took no time (a
    notification sent by the system under the clerk's account), so the others are the
    system's too, not a person's step estimated from the gaps before it."""
    rows = []
    for i in range(30):
        day = f"2024-04-{1 + i % 25:02d}"
        rows.append((f"c{i}", "Päätös", f"{day} 09:{i:02d}:00", "Aino", "complete"))
        if i % 2 == 0:
            rows.append((f"c{i}", "Ilmoitus", f"{day} 13:{i:02d}:00", "Aino", "start"))
        rows.append((f"c{i}", "Ilmoitus", f"{day} 13:{i:02d}:01", "Aino", "complete"))
    result = detect_manual(_log(rows, with_lifecycle=True))
    assert _verdicts(result) == {"Päätös": "manual", "Ilmoitus": "automated"}
    assert _evidence(result, "Ilmoitus") == ("50% near-zero measured duration; 50% no start logged; "
                                             "its measured executions took near-zero time")


def test_rare_coincidences_and_shared_logins_make_no_records():
    rows = []
    for i in range(20):  # two steps seconds apart in only 3 cases: not a pattern
        day = f"2024-04-{1 + i % 25:02d}"
        rows.append((f"c{i}", "Check", f"{day} 09:{i:02d}:00", "Aino"))
        rows.append((f"c{i}", "Note", f"{day} {'09' if i < 3 else '11'}:{i:02d}:05", "Aino"))
    assert _verdicts(detect_manual(_log(rows))) == {"Check": "manual", "Note": "manual"}
    shared = [(c, a, t, "STAFF MEMBER") for c, a, t, _ in rows]
    for i in range(20):  # behind a shared login, steps seconds apart are two people's work
        shared.append((f"c{i}", "Note", f"2024-04-{1 + i % 25:02d} 09:{i:02d}:04", "STAFF MEMBER"))
    result = detect_manual(_log(shared))
    assert set(result.instances["performer"]) == {PERSON}
    assert set(result.instances["account"]) == {"shared"}


def test_artificial_start_and_end_events_are_not_work():
    rows = []
    for i in range(10):
        day = f"2024-05-{1 + i:02d}"
        rows += [(f"c{i}", "Start", f"{day} 08:00", "Start"),
                 (f"c{i}", "Work", f"{day} 08:30", "Aino"),
                 (f"c{i}", "End", f"{day} 08:30", "End")]
    result = detect_manual(_log(rows))
    assert _verdicts(result) == {"Start": "artificial", "Work": "manual", "End": "artificial"}
    # an activity named "End" in the middle of a case is work like any other
    middle = _log([("c1", "Begin", "2024-05-01 08:00", "Aino"), ("c1", "end", "2024-05-01 09:00", "Aino"),
                   ("c1", "Close", "2024-05-01 10:00", "Aino")])
    performers = detect_manual(middle).instances.set_index("concept:name")["performer"]
    assert performers["end"] == PERSON and performers["Begin"] == ARTIFICIAL


def test_event_inside_a_measured_work_item_is_recorded_by_the_system():
    rows = []
    for i in range(5):
        day = f"2024-03-0{i + 4}"
        rows += [(f"c{i}", "W_Check", f"{day} 10:00:00", "Aino", "start"),
                 (f"c{i}", "A_ACCEPTED", f"{day} 10:06:00", "Aino", "complete"),
                 (f"c{i}", "W_Check", f"{day} 10:09:00", "Aino", "complete")]
    result = detect_manual(_log(rows, with_lifecycle=True))
    assert _verdicts(result) == {"W_Check": "manual", "A_ACCEPTED": "automated"}
    assert "measured work item" in _evidence(result, "A_ACCEPTED")


def test_inside_a_measured_instance_is_each_event_against_each_instance_of_its_case_and_account():
    """The sweep per case and account finds what pairing every event with every measured
    instance of its case and account finds (a start strictly before it, a completion at
    or after it), with ties, unknown cases and accounts and instances without an end."""
    from rpa_scout.codes import Coded
    from rpa_scout.manual import _inside_measured

    rng = np.random.default_rng(0)
    for _ in range(200):
        n, cases, accounts = int(rng.integers(1, 120)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
        case = Coded(rng.integers(-1, cases, n), np.array([f"c{i}" for i in range(cases)], dtype=object))
        res = Coded(rng.integers(-1, accounts, n), np.array([f"r{i}" for i in range(accounts)], dtype=object))
        end = rng.integers(0, 40, n).astype(float)
        start = np.where(rng.random(n) < 0.5, end - rng.integers(0, 10, n), np.nan)
        end[rng.random(n) < 0.05] = np.nan
        same = (case.codes[:, None] == case.codes) & (res.codes[:, None] == res.codes)
        inside = same & (end[:, None] > start) & (end[:, None] <= end)   # event (row) in instance (column)
        lone = np.isnan(start) & ~np.isnan(end) & res.known
        expected = lone & inside.any(axis=1) if np.isfinite(start).any() else np.zeros(n, dtype=bool)
        assert (_inside_measured(case, res, end, start) == expected).all()


def test_batch_burst_and_configured_rules():
    rows = [(f"c{i}", "Maksuajo", "2024-03-05 02:00:00", "Aino") for i in range(8)]
    rows += [(f"c{i}", "Hyväksyntä", f"2024-03-04 1{i % 6}:{i:02d}:00", "Aino") for i in range(8)]
    v = _verdicts(detect_manual(_log(rows)))
    assert v["Maksuajo"] == "automated" and v["Hyväksyntä"] == "manual"
    rules = ManualRules(system_activities=("Hyväksyntä",))
    assert _verdicts(detect_manual(_log(rows), rules=rules))["Hyväksyntä"] == "automated"


def test_a_person_closing_cases_together_now_and_then_is_still_a_person():
    rows = [(f"b{i}", "Sulkeminen", "2024-03-05 12:00:00", "Aino") for i in range(6)]  # one burst
    rows += [(f"c{i}", "Sulkeminen", f"2024-03-{6 + i % 20:02d} 1{i % 6}:{i:02d}:00", "Aino") for i in range(20)]
    result = detect_manual(_log(rows))
    assert (result.instances["performer"] == PERSON).all()


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


def test_bpic2020_with_account_names_hidden_behaviour_alone():
    """The README's figure: names hidden, 82.6 % of PermitLog's events right (100 % named);
    the system account's batch is found as a batch."""
    log, _ = read_log(shared_log("bpic2020/PermitLog.xes.gz"), timezone="Europe/Amsterdam")
    system = (log["org:resource"] == "SYSTEM").to_numpy()
    hidden = log.assign(**{"org:resource": np.where(system, "u42", "u17")})
    inst = detect_manual(hidden, rules=Settings.of(timezone="Europe/Amsterdam").manual).instances
    right = (inst["performer"] == PERSON).to_numpy() == (inst["org:resource"] == "u17").to_numpy()
    assert right.mean() >= 0.825
    handled = inst[inst["concept:name"] == "Payment Handled"]
    assert (handled["performer"] == SYSTEM).mean() > 0.95


def test_road_fines_without_resources_are_unknown_not_manual():
    log, _ = read_log(shared_log("road_traffic_fines/Road_Traffic_Fine_Management_Process.xes.gz"))
    v = _verdicts(detect_manual(log))
    assert v["Create Fine"] == "manual"       # named police officers
    assert v["Send Fine"] == "unknown"        # no resource: never claimed as person work
    assert v["Add penalty"] == "unknown"


def test_bpic2012_work_items_are_people_and_state_changes_the_system():
    """Per instance: W_ = person work, A_/O_ = recorded by the system; at least 95 % right."""
    log, _ = read_log(shared_log("bpic2012/bpic2012.xes.gz"))
    inst = detect_manual(log, rules=ManualRules(timezone="Europe/Amsterdam")).instances
    label = inst["concept:name"].astype(str).str.startswith("W_").to_numpy()
    right = (inst["performer"] == PERSON).to_numpy() == label
    assert right.mean() >= 0.97, right.mean()
    # account 112 takes the online submissions round the clock: a machine, not a person
    submitted = inst[inst["concept:name"] == "A_SUBMITTED"]
    assert (submitted["performer"] == SYSTEM).all()
    assert submitted["evidence"].str.startswith("machine-like account").all()


def test_an_execution_without_account_takes_its_steps_clear_verdict():
    rows = []
    for i in range(20):
        day = f"2024-03-{1 + i % 20:02d}"
        rows += [
            # people do it; one execution in ten lost its account in the export
            (f"c{i}", "Tarkastus", f"{day} 09:{i:02d}:00", None if i % 10 == 0 else f"Person{i % 4}"),
            # the system does it; one in ten without account
            (f"c{i}", "Arkistointi", f"{day} 23:{i:02d}:00", None if i % 10 == 0 else "JÄRJESTELMÄ"),
            # mostly without account: the missing ones stay unknown
            (f"c{i}", "Maksu", f"{day} 12:{i:02d}:00", f"Person{i % 4}" if i % 10 == 0 else None),
        ]
    inst = detect_manual(_log(rows)).instances.set_index(["case:concept:name", "concept:name"])
    assert inst.loc[("c0", "Tarkastus"), "performer"] == PERSON
    assert inst.loc[("c0", "Tarkastus"), "evidence"] == "no resource recorded; the step is person work where one is"
    assert inst.loc[("c10", "Arkistointi"), "performer"] == SYSTEM
    assert inst.loc[("c1", "Maksu"), "performer"] == "unknown"


def test_bpic2012_without_starts_at_least_95_percent_right():
    """The issue's bar for manual detection from completions only (BPIC12, starts dropped):
    98.2 % when measured (W_ items without an account take their step's verdict; 95.1 %
    before ``A_ACCEPTED`` was found saved within its item)."""
    from rpa_scout.validation import hide_starts

    log, _ = read_log(shared_log("bpic2012/bpic2012.xes.gz"))
    inst = detect_manual(hide_starts(log), rules=ManualRules(timezone="Europe/Amsterdam")).instances
    label = inst["concept:name"].astype(str).str.startswith("W_").to_numpy()
    right = (inst["performer"] == PERSON).to_numpy() == label
    assert right.mean() >= 0.98, right.mean()


def test_production_start_end_added_by_the_export_never_work():
    log, _ = read_log(shared_log("two_timestamps/Production.xes.gz"))
    acts = detect_manual(log).activities.set_index("activity")
    assert acts.loc["Start", "verdict"] == "artificial" and acts.loc["End", "verdict"] == "artificial"


def test_performer_counts_equal_a_crosstab_of_the_text():
    """Counted on codes, the performers per activity are pandas' crosstab of the text:
    missing activities and performers left out, other performer values not counted."""
    import numpy as np

    from rpa_scout.codes import Coded
    from rpa_scout.manual import UNKNOWN, _performer_counts

    rng = np.random.default_rng(3)
    n = 500
    activity = pd.Series(rng.choice(["b", "a", "c", None, "only missing"], n), dtype="string")
    performer = pd.Series(rng.choice([PERSON, SYSTEM, UNKNOWN, ARTIFICIAL, None, "other"], n))
    performer[activity == "only missing"] = None
    kinds = [PERSON, SYSTEM, UNKNOWN, ARTIFICIAL]
    act = Coded.text(activity)
    expected = pd.crosstab(act.codes[act.known], performer.to_numpy(dtype=object)[act.known]).reindex(
        columns=kinds, fill_value=0)
    for column in (performer, performer.astype("category")):
        got = _performer_counts(act, column)
        assert got.index.tolist() == expected.index.tolist()
        assert got.to_numpy().tolist() == expected.to_numpy().tolist()


def test_moments_group_the_same_account_and_instant_as_hashing_does():
    import numpy as np

    from rpa_scout.manual import _moments

    rng = np.random.default_rng(4)
    account = rng.integers(0, 20, 5_000)
    instant = rng.integers(0, 300, 5_000).astype(float) * 0.5
    moment = _moments(account, instant)
    reference = pd.factorize(account.astype(np.int64) * 10_000 + pd.factorize(instant)[0])[0]
    assert (pd.factorize(moment)[0] == reference).all()  # the same partition of the rows
    assert moment.max() == len(set(zip(account.tolist(), instant.tolist()))) - 1
