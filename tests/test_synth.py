"""Synthetic logs: determinism, ground truth against the events, office hours, formats, CLI."""

from __future__ import annotations

import json
import re

import holidays
import pandas as pd
import pytest
from click.testing import CliRunner

from rpa_scout import pair_lifecycle, read_log
from rpa_scout.cli import main
from rpa_scout.errors import ConfigError, InputError
from rpa_scout.io.write_log import truth_path, write_log, write_truth
from rpa_scout.synth import PROCESSES, generate
from tests.conftest import SAMPLES

HELSINKI = "Europe/Helsinki"
CORE = ["case:concept:name", "concept:name", "activity_en", "org:resource",
        "lifecycle:transition"]
SAMPLE_FILES = ("ostolaskut.csv.gz", "rakennuslupa.xes.gz", "varhaiskasvatus.csv.gz",
                "ostolaskut_complete_only.csv.gz")


@pytest.fixture(scope="module")
def logs():
    """One small log per process (same seed)."""
    return {p: generate(p, 150, seed=11) for p in PROCESSES}


def _events(log: pd.DataFrame) -> pd.DataFrame:
    """Comparable form: strings, UTC nanoseconds, case attributes as text."""
    out = pd.DataFrame({c: log[c].astype(str).to_numpy() for c in CORE})
    out["time:timestamp"] = log["time:timestamp"].dt.tz_convert("UTC").astype(
        "datetime64[ns, UTC]").to_numpy()
    for col in sorted(c for c in log.columns if c.startswith("case:") and c not in CORE):
        values = log[col]
        out[col] = [repr(float(v)) if isinstance(v, float) else str(v) for v in values] \
            if values.dtype.kind == "f" else values.astype(str).to_numpy()
    return out


# ----------------------------------------------------------------- determinism
def test_same_seed_same_log_and_bytes(tmp_path):
    first = generate("ostolaskut", 120, seed=3)
    again = generate("ostolaskut", 120, seed=3)
    pd.testing.assert_frame_equal(first.log, again.log)
    assert first.truth == again.truth
    for suffix in (".csv.gz", ".xes.gz", ".parquet", ".csv", ".xes"):
        a = write_log(first.log, tmp_path / "a" / f"log{suffix}")
        b = write_log(again.log, tmp_path / "b" / f"other{suffix}")
        assert a.read_bytes() == b.read_bytes(), suffix


def test_different_seed_different_log():
    a = generate("rakennuslupa", 60, seed=1).log
    b = generate("rakennuslupa", 60, seed=2).log
    assert not a.equals(b)
    assert a["time:timestamp"].tolist() != b["time:timestamp"].tolist()


# ----------------------------------------------------------------- ground truth
@pytest.mark.parametrize("process", PROCESSES)
def test_truth_agrees_with_events(logs, process):
    log, truth = logs[process].log, logs[process].truth
    assert truth["process"] == process and truth["seed"] == 11
    assert truth["cases"] == 150 == log["case:concept:name"].nunique()
    assert truth["events"] == len(log)
    inst = pair_lifecycle(log)
    assert inst.counts["unmatched complete (no start)"] == 0
    assert inst.counts["unmatched start (never completed)"] == 0
    frame = inst.instances
    minutes = (frame["time:timestamp"] - frame["start_timestamp"]).dt.total_seconds() / 60
    by_activity = minutes.groupby(frame["concept:name"].astype(str))
    counts = log[log["lifecycle:transition"] == "complete"]["concept:name"].astype(str).value_counts()
    for name, facts in truth["activities"].items():
        assert facts["executions"] == counts.get(name, 0), name
        if not facts["executions"]:
            continue
        assert facts["recorded_mean_handling_minutes"] == pytest.approx(
            by_activity.get_group(name).mean(), rel=0.01, abs=1e-4), name
        assert facts["annual_volume"] == pytest.approx(facts["executions"] * 365 / 365)
        if facts["manual"] and facts["rule_based"]:
            expected = facts["annual_volume"] * facts["recorded_mean_handling_minutes"] / 60 \
                * facts["automatable_share"]
            assert facts["annual_hours_saved"] == pytest.approx(expected, rel=0.01)
        else:
            assert facts["annual_hours_saved"] == 0
        if not facts["rule_based"]:
            assert facts["automatable_share"] == 0
        if not facts["manual"]:
            assert by_activity.get_group(name).max() <= 10 / 60, name  # seconds at most


def test_truth_design(logs):
    for synthetic in logs.values():
        facts = synthetic.truth["activities"]
        performers = {f["performer"] for f in facts.values()}
        assert performers == {"staff", "system", "user-triggered system", "batch"}
        assert sum(f["manual"] and f["rule_based"] for f in facts.values()) >= 3
        assert sum(f["manual"] and not f["rule_based"] for f in facts.values()) >= 1
        hours = [r["annual_hours_saved"] for r in synthetic.truth["ranking"]]
        assert hours == sorted(hours, reverse=True)
    judgement = {"Asiatarkastus", "Hyväksyntä", "Katselmus", "Päätösehdotuksen valmistelu",
                 "Sijoitus"}
    rule_based = {"Tilausvastaavuuden tarkistus", "Kustannuspaikan tiliöinti",
                  "Tulotietojen tarkistus", "Maksulaskun laadinta", "Päätöksen julkaisu",
                  "Päätöskirje"}
    for synthetic in logs.values():
        for name, f in synthetic.truth["activities"].items():
            if name in judgement:
                assert f["manual"] and not f["rule_based"], name
            if name in rule_based:
                assert f["manual"] and f["rule_based"], name


# ---------------------------------------------------------------- realism rules
@pytest.mark.parametrize("process", PROCESSES)
def test_manual_work_only_in_office_hours(logs, process):
    log, truth = logs[process].log, logs[process].truth
    manual = [n for n, f in truth["activities"].items() if f["manual"]]
    events = log[log["concept:name"].astype(str).isin(manual)]
    assert set(events["lifecycle:transition"].astype(str)) == {"start", "complete"}
    local = events["time:timestamp"].dt.tz_convert(HELSINKI)
    minute = local.dt.hour * 60 + local.dt.minute + local.dt.second / 60
    assert minute.min() >= 7 * 60 + 45 and minute.max() <= 16 * 60
    assert (local.dt.day_of_week < 5).all()
    public = holidays.Finland(years=range(2025, 2029))
    assert not any(day in public for day in local.dt.date)
    people = set(events["org:resource"].astype(str))
    assert all(re.fullmatch(r"[A-ZÄÖ][a-zäö]+ [A-ZÄÖ][a-zäö]+", p) for p in people), people


def test_user_triggered_steps_follow_the_same_person(logs):
    log, truth = logs["ostolaskut"].log, logs["ostolaskut"].truth
    triggered = {n for n, f in truth["activities"].items() if f["performer"] == "user-triggered system"}
    for _, case in log.groupby("case:concept:name", observed=True):
        rows = case.reset_index(drop=True)
        for i in rows.index[rows["concept:name"].astype(str).isin(triggered)
                            & (rows["lifecycle:transition"] == "start")]:
            before = rows.loc[i - 1]
            assert before["lifecycle:transition"] == "complete"
            assert before["org:resource"] == rows.loc[i, "org:resource"]
            gap = (rows.loc[i, "time:timestamp"] - before["time:timestamp"]).total_seconds()
            assert 0 < gap <= 5


def test_nightly_payment_run_is_a_batch(logs):
    log = logs["ostolaskut"].log
    runs = log[log["concept:name"] == "Maksuajo"]
    local = runs["time:timestamp"].dt.tz_convert(HELSINKI)
    assert ((local.dt.hour == 2) & (local.dt.minute == 0) & (local.dt.second == 0)).all()
    assert set(runs["org:resource"].astype(str)) == {"JÄRJESTELMÄ"}
    per_run = runs[runs["lifecycle:transition"] == "complete"]["time:timestamp"].value_counts()
    assert per_run.max() > 1  # several invoices paid with the same timestamp


def test_summer_dip_and_exact_volume():
    synthetic = generate("ostolaskut", 1500, seed=4)
    log = synthetic.log
    assert log["case:concept:name"].nunique() == 1500 == synthetic.truth["cases"]
    first = log.groupby("case:concept:name", observed=True)["time:timestamp"].min()
    month = first.dt.tz_convert(HELSINKI).dt.month.value_counts()
    assert month[7] < 0.7 * month.drop(7).mean()
    assert {"case:amount", "case:supplier_type", "case:channel"} <= set(log.columns)


def test_complete_only_has_no_starts(logs):
    full = logs["varhaiskasvatus"]
    only = generate("varhaiskasvatus", 150, seed=11, complete_only=True)
    assert set(only.log["lifecycle:transition"].astype(str)) == {"complete"}
    completes = full.log[full.log["lifecycle:transition"] == "complete"].reset_index(drop=True)
    pd.testing.assert_frame_equal(_events(only.log), _events(completes))
    assert only.truth["complete_only"] is True
    assert only.truth["activities"] == full.truth["activities"]


# ---------------------------------------------------------------------- formats
@pytest.mark.parametrize("suffix", [".xes.gz", ".xes", ".csv", ".csv.gz", ".parquet"])
def test_written_log_reads_back_the_same(logs, tmp_path, suffix):
    log = logs["rakennuslupa"].log
    path = write_log(log, tmp_path / f"rl{suffix}")
    back, report = read_log(path)
    assert report.rows_kept == report.rows_read == len(log)
    pd.testing.assert_frame_equal(_events(back), _events(log))


def test_csv_timestamps_have_offsets(logs, tmp_path):
    path = write_log(logs["ostolaskut"].log.head(3), tmp_path / "l.csv")
    line = path.read_text(encoding="utf-8").splitlines()[1]
    assert re.search(r",2025-\d\d-\d\dT\d\d:\d\d:\d\d\+0[23]:00,", line), line


def test_truth_file_name_and_errors(tmp_path):
    assert truth_path(tmp_path / "a.csv.gz") == tmp_path / "a.truth.json"
    assert truth_path(tmp_path / "b.xes.gz") == tmp_path / "b.truth.json"
    assert truth_path(tmp_path / "c.parquet") == tmp_path / "c.truth.json"
    written = write_truth({"ä": 1}, tmp_path / "t.truth.json")
    assert json.loads(written.read_text(encoding="utf-8")) == {"ä": 1}
    with pytest.raises(InputError) as err:
        write_log(pd.DataFrame(), tmp_path / "x.json")
    assert str(err.value) == ("x.json: unknown output format; name the file *.xes.gz, *.xes, *.csv, "
                              "*.csv.gz or *.parquet")
    for args, message in ((("laskut", 10), "unknown process 'laskut'; choose one of ostolaskut, "
                                           "rakennuslupa, varhaiskasvatus"),
                          (("ostolaskut", 0), "cases must be a whole number of at least 1, not 0"),
                          (("ostolaskut", 5, -1), "seed must be a whole number of at least 0, not -1")):
        with pytest.raises(ConfigError) as err:
            generate(*args)
        assert str(err.value) == message


# -------------------------------------------------------------------------- CLI
def test_cli_generate_writes_log_and_truth(tmp_path):
    out = tmp_path / "sub" / "vaka.csv.gz"
    result = CliRunner().invoke(main, ["generate", "varhaiskasvatus", "--cases", "40",
                                       "--seed", "2", "--out", str(out), "--complete-only"])
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "sub" / "vaka.truth.json").read_text(encoding="utf-8"))
    assert result.stdout.splitlines() == [
        f"wrote {truth['events']:,} events of 40 varhaiskasvatus cases to {out}",
        f"ground truth in {tmp_path / 'sub' / 'vaka.truth.json'}"]
    assert truth["cases"] == 40 and truth["seed"] == 2 and truth["complete_only"] is True
    log, report = read_log(out)
    assert report.rows_read == len(log) == truth["events"]
    assert log["case:concept:name"].nunique() == 40
    assert set(log["lifecycle:transition"].astype(str)) == {"complete"}


def test_cli_generate_errors(tmp_path):
    runner = CliRunner()
    for args, code, line in (
            (["laskut", "--out", str(tmp_path / "x.csv")], 1,
             "unknown process 'laskut'; choose one of ostolaskut, rakennuslupa, varhaiskasvatus"),
            (["ostolaskut", "--cases", "5", "--out", str(tmp_path / "x.txt")], 1,
             "x.txt: unknown output format; name the file *.xes.gz, *.xes, *.csv, *.csv.gz or *.parquet"),
            (["ostolaskut", "--cases", "0", "--out", str(tmp_path / "x.csv")], 2,
             "Invalid value for '--cases': 0 is not in the range x>=1. (see main generate --help)"),
            (["ostolaskut"], 2, "Missing option '--out'. (see main generate --help)")):
        result = runner.invoke(main, ["generate", *args])
        assert (result.exit_code, result.stdout, result.stderr) == (code, "", f"Error: {line}\n"), args
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- samples
@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_shipped_samples_regenerate_byte_identical(tmp_path, name):
    shipped = SAMPLES / name
    truth_file = truth_path(shipped)
    assert shipped.exists() and truth_file.exists(), f"eventlogs/{name} is missing"
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    options = ["--cases", str(truth["cases"]), "--seed", str(truth["seed"])]
    flag = ["--complete-only"] if truth["complete_only"] else []
    command = " ".join(["rpa-scout generate", truth["process"], *options, "--out",
                        f"eventlogs/{name}", *flag])
    assert command in (SAMPLES / "README.md").read_text(encoding="utf-8")
    args = ["generate", truth["process"], *options, "--out", str(tmp_path / name), *flag]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).read_bytes() == shipped.read_bytes()
    assert truth_path(tmp_path / name).read_bytes() == truth_file.read_bytes()


def test_sample_truth_ranks_clearly():
    for name in SAMPLE_FILES:
        truth = json.loads(truth_path(SAMPLES / name).read_text(encoding="utf-8"))
        hours = [r["annual_hours_saved"] for r in truth["ranking"]]
        assert len(hours) >= 3
        assert all(a >= 1.15 * b for a, b in zip(hours, hours[1:])), (name, hours)
