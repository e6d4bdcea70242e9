"""``compare --engine spark`` (issue 15, item 2): a pooled log's organisations analysed on
Spark, one task each, give what the local engine gives on the same rows.

Spark runs in local mode (PySpark from the ``dev`` extra, Java from the system: the set-up
script installs Debian's ``default-jre-headless`` where it can); without either, the
tests that need Spark skip with the reason. The errors that come before Spark starts are
tested either way.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from rpa_scout import generate_log
from rpa_scout.cli import main
from rpa_scout.errors import EngineError, NothingKeptError
from rpa_scout.io.compare_commands import compare_files
from rpa_scout.io.write_log import write_log
from rpa_scout.settings import FilterSettings, ReadSettings, Settings
from tests.conftest import shared_log
from tests.test_compare import _error  # the one-line error of a command

TOWNS = {"Aura": (), "Bruno": ("FEE", "PUBLISH"), "Cella": ("FEE", "PUBLISH", "ARCHIVE", "REGISTER")}
BPIC15 = dict(case="tid", activity="conceptName", timestamp="dateFinished", resource="executingResource",
              timezone="Europe/Amsterdam")


@pytest.fixture(scope="module")
def towns() -> pd.DataFrame:
    """Three synthetic municipalities in one log, the municipality in ``kunta``."""
    frames = []
    for i, (name, automated) in enumerate(TOWNS.items()):
        log = generate_log("rakennuslupa", 120, seed=50 + i, automated=automated).log
        frames.append(log.assign(kunta=name, **{"case:concept:name": log["case:concept:name"].astype(str) + name}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def pooled(towns, tmp_path_factory):
    return write_log(towns, tmp_path_factory.mktemp("spark") / "kunnat.parquet")


def _same_frames(a: pd.DataFrame, b: pd.DataFrame, rtol: float) -> None:
    """Equal tables; floats equal within ``rtol`` (sums in another order)."""
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=rtol, atol=0.0)


def _same(spark_run, local_run, rtol: float = 1e-9) -> None:
    a, b = spark_run.comparison, local_run.comparison
    assert a.organisations == b.organisations
    for name in ("table", "proven", "differs", "best_practice", "totals", "local"):
        _same_frames(getattr(a, name), getattr(b, name), rtol)
    assert a.notes == b.notes
    for org in a.organisations:
        _same_frames(a.rankings[org].candidates, b.rankings[org].candidates, rtol)
    mine, theirs = spark_run.reports[0], local_run.reports[0]
    assert (mine.rows_read, mine.rows_kept, dict(mine.rejected), dict(mine.lifecycle or {}), mine.rows_outside) == (
        theirs.rows_read, theirs.rows_kept, dict(theirs.rejected), dict(theirs.lifecycle or {}), theirs.rows_outside)


def test_spark_gives_what_the_local_engine_gives(spark, pooled):
    settings = Settings()
    local = compare_files([pooled], settings, by="kunta", label="activity_en", key="k")
    on_spark = compare_files([pooled], settings, by="kunta", label="activity_en", key="k", engine="spark")
    _same(on_spark, local)
    assert on_spark.lines == local.lines
    assert on_spark.comparison.organisations == ("Aura", "Bruno", "Cella")
    for org, ranking in on_spark.comparison.rankings.items():   # no per-event data comes back
        theirs = local.comparison.rankings[org].handling
        assert ranking.handling.instances.empty and len(theirs.instances) > 0
        assert list(ranking.handling.instances.columns) == list(theirs.instances.columns)
        _same_frames(ranking.handling.activities, theirs.activities, 1e-9)
    assert "label" in on_spark.comparison.table.columns


def test_pooled_files_blanks_rejects_and_filters(spark, towns, tmp_path):
    """Several files read as one log; events without a --by value, rows reading rejects,
    and filters applied to each organisation by itself, all counted as the local engine
    counts them."""
    log = towns.copy()
    log["kunta"] = log["kunta"].astype(object)
    log.loc[:7, "kunta"] = None                               # in no organisation
    log["time:timestamp"] = log["time:timestamp"].astype(str).astype(object)
    log.loc[[20, 400], "time:timestamp"] = "not a time"       # rejected by reading
    whole = tmp_path / "whole.parquet"
    log.to_parquet(whole)
    folder = tmp_path / "parts"
    folder.mkdir()
    cut = int(log.index[log["kunta"] == "Cella"][0])
    log.iloc[:cut].to_parquet(folder / "part-1.parquet")
    log.iloc[cut:].to_parquet(folder / "part-2.parquet")
    for settings in (Settings(), Settings(filter=FilterSettings(where=("kunta!=Bruno",)))):
        local = compare_files([whole], settings, by="kunta", key="k")
        on_spark = compare_files([folder], settings, by="kunta", key="k", engine="spark")
        _same(on_spark, local)
        assert on_spark.reports[0].rows_rejected == 2
        assert on_spark.lines[1:] == local.lines[1:]          # the first names the source
    assert "8 events without a value in kunta are in no organisation" in " ".join(on_spark.lines)
    assert "Bruno" not in on_spark.comparison.organisations
    assert "filters kept" in on_spark.lines[0]


def test_rows_chosen_while_reading_on_both_engines(spark, pooled, towns):
    """A --where that chooses a pooled file's rows as it is read (locally, batch by batch;
    on Spark, before the rows are grouped): the same rows read and counted outside, and
    the same error when it chooses none."""
    settings = Settings(filter=FilterSettings(where=("kunta in Aura, Cella",)))
    local = compare_files([pooled], settings, by="kunta", key="k")
    on_spark = compare_files([pooled], settings, by="kunta", key="k", engine="spark")
    _same(on_spark, local)
    assert local.reports[0].rows_outside == int((towns["kunta"] == "Bruno").sum()) > 0
    assert on_spark.comparison.organisations == ("Aura", "Cella")
    assert "rows outside the filters not read" in on_spark.lines[0] and on_spark.lines[1:] == local.lines[1:]
    errors = []
    for engine in ("local", "spark"):
        with pytest.raises(NothingKeptError) as found:
            compare_files([pooled], Settings(filter=FilterSettings(where=("kunta=Turku",))), by="kunta", key="k",
                          engine=engine)
        errors.append(str(found.value))
    assert errors[0] == errors[1] and "kunta=Turku matches none of the" in errors[0]
    assert "(kunta has Aura, Bruno, Cella)" in errors[0]


def test_an_organisation_too_short_for_a_year_is_left_out_on_both_engines(spark, towns, tmp_path):
    short = towns[towns["kunta"] == "Aura"]
    short = short[short["time:timestamp"] < short["time:timestamp"].min() + pd.Timedelta(days=3)].assign(
        kunta="Dora", **{"case:concept:name": lambda f: f["case:concept:name"].astype(str) + "D"})
    path = write_log(pd.concat([towns, short], ignore_index=True), tmp_path / "kunnat.parquet")
    local = compare_files([path], Settings(), by="kunta", key="k")
    on_spark = compare_files([path], Settings(), by="kunta", key="k", engine="spark")
    _same(on_spark, local)
    assert on_spark.comparison.organisations == ("Aura", "Bruno", "Cella")
    assert any(str(note).startswith("left out: organisation Dora") for note in on_spark.comparison.notes)
    assert on_spark.lines == local.lines


def test_a_folder_partitioned_by_municipality_is_one_pooled_log(spark, pooled, tmp_path):
    """How pooled data is usually stored: one folder per value (``kunta=Aura/…``), the
    column in the folder names only."""
    import pyarrow.parquet as pq

    pq.write_to_dataset(pq.read_table(pooled), tmp_path / "kunnat", partition_cols=["kunta"])
    assert len(list((tmp_path / "kunnat").glob("kunta=*/*.parquet"))) == 3
    local = compare_files([pooled], Settings(), by="kunta", key="k")
    on_spark = compare_files([tmp_path / "kunnat"], Settings(), by="kunta", key="k", engine="spark")
    _same(on_spark, local)
    assert on_spark.lines[1:] == local.lines[1:]


def test_files_with_different_attributes_keep_every_column(spark, towns, tmp_path):
    """Exports from several systems: a column one file lacks is empty for its rows, not
    dropped for all (Spark would otherwise take one file's columns)."""
    folder = tmp_path / "systems"
    folder.mkdir()
    aura, bruno = (towns[towns["kunta"] == name] for name in ("Aura", "Bruno"))
    aura.drop(columns=["activity_en"]).to_parquet(folder / "aura.parquet")
    bruno.assign(lisatieto="x").to_parquet(folder / "bruno.parquet")
    found = compare_files([folder], Settings(), by="kunta", label="activity_en", key="k",
                          engine="spark").comparison
    named = found.table.set_index(["organisation", "activity"])["label"]
    assert found.organisations == ("Aura", "Bruno")
    assert (named["Aura"] != named["Aura"].index).all()       # named by Bruno's labels


def test_a_task_s_error_is_the_project_s_one_line_error(spark, pooled):
    result = CliRunner().invoke(main, ["compare", str(pooled), "--by", "kunta", "--engine", "spark",
                                       "--where", "väri=sininen", "--key", "k"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --where column 'väri' not found; the columns are")
    assert len(result.stderr.splitlines()) == 1


def cli_on_both_engines(args: list[str], out: Path) -> dict[str, tuple[str, Path]]:
    """``rpa-scout ARGS --engine E --key k --out FILE`` for each engine: what it printed
    (the file named ``OUT``) and the file it wrote (``out``'s name, the engine added)."""
    runs = {}
    for engine in ("local", "spark"):
        written = out.with_name(f"{engine}-{out.name}")
        result = CliRunner().invoke(main, [*args, "--engine", engine, "--key", "k", "--out", str(written)])
        assert result.exit_code == 0, result.output
        runs[engine] = (result.output.replace(str(written), "OUT"), written)
    return runs


def test_cli_prints_what_the_local_engine_prints(spark, pooled, tmp_path):
    runs = {engine: (printed, pd.read_csv(written)) for engine, (printed, written)
            in cli_on_both_engines(["compare", str(pooled), "--by", "kunta"], tmp_path / "table.csv").items()}
    assert runs["spark"][0] == runs["local"][0]
    _same_frames(runs["spark"][1], runs["local"][1], 1e-9)


@pytest.mark.slow
def test_bpic15_five_municipalities_on_spark(spark):
    """The real pooled log: five Dutch municipalities' building permits, 262,628 events."""
    path = shared_log("bpic15/BPIC15_all5.parquet")
    settings = Settings(read=ReadSettings(**BPIC15))
    local = compare_files([path], settings, by="label", label="activityNameEN", key="k")
    on_spark = compare_files([path], settings, by="label", label="activityNameEN", key="k", engine="spark")
    _same(on_spark, local, rtol=1e-6)
    assert on_spark.comparison.organisations == ("1", "2", "3", "4", "5")
    assert on_spark.lines == local.lines


def test_errors_before_spark_starts(pooled, tmp_path):
    csv = write_log(pd.DataFrame({"case:concept:name": ["a"], "concept:name": ["X"],
                                  "time:timestamp": pd.to_datetime(["2025-01-01"], utc=True)}),
                    tmp_path / "loki.csv")
    assert _error(["compare", str(pooled), "--engine", "spark"]) == (
        "Error: --engine spark splits one pooled log into organisations: give its Parquet files "
        "with --by COLUMN (and no --name)")
    assert _error(["compare", str(csv), "--by", "kunta", "--engine", "spark"]) == (
        "Error: loki.csv: --engine spark reads Parquet files; convert it with rpa-scout convert loki.csv "
        "--out LOG.parquet")
    assert _error(["compare", str(tmp_path / "ei.parquet"), "--by", "kunta", "--engine", "spark"]) == (
        f"Error: {tmp_path / 'ei.parquet'}: no such file; check the path")
    assert _error(["compare", str(pooled), "--by", "kunta", "--spark-master", "local[1]"]) == (
        "Error: --spark-master names the cluster of --engine spark; add --engine spark")


def test_without_pyspark_the_error_says_what_to_install(monkeypatch):
    from rpa_scout.io.spark import spark_session

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(EngineError, match=r"needs PySpark: pip install 'rpa-scout\[spark\]'"):
        spark_session()


def test_organisation_names_and_order_follow_split_by():
    """Numbers sort by value, text by its text, as :func:`rpa_scout.split_by` orders them."""
    from rpa_scout.compare import organisation_order

    assert organisation_order([10, 9, 100], "kunta", numeric=True) == [9, 10, 100]
    assert organisation_order(["10", "9"], "kunta", numeric=False) == ["10", "9"]


def test_a_column_name_with_a_dot_is_a_column(spark, towns, tmp_path):
    """Spark reads ``a.b`` as field ``b`` of a struct ``a``; an export's ``kunta.nimi`` is
    one column."""
    path = tmp_path / "pisteet.parquet"
    towns.rename(columns={"kunta": "kunta.nimi"}).to_parquet(path)
    found = compare_files([path], Settings(), by="kunta.nimi", key="k", engine="spark").comparison
    assert found.organisations == ("Aura", "Bruno", "Cella")


def test_no_timestamp_column_by_name_names_those_that_hold_timestamps_on_spark_too(spark, towns, tmp_path):
    """The local engine's hint, from the first rows Spark reads."""
    path = tmp_path / "nimetty.parquet"
    towns.rename(columns={"time:timestamp": "Toimenpiteen pvm"}).to_parquet(path)
    for engine in ("local", "spark"):
        message = _error(["compare", str(path), "--by", "kunta", "--engine", engine, "--key", "k"])
        assert "no timestamp column found" in message, engine
        assert "('Toimenpiteen pvm' holds timestamps)" in message, engine


def test_the_user_s_own_session_and_its_settings(spark, towns, pooled):
    """A notebook's session (Databricks, EMR) is used as it is: here one that passes plain
    Arrow types, which the tasks then give back."""
    from rpa_scout.io.spark import compare_on_spark

    spark.conf.set("spark.sql.execution.arrow.useLargeVarTypes", "false")
    try:
        found = compare_on_spark([str(pooled)], "kunta", Settings(), key="k", spark=spark)
    finally:
        spark.conf.set("spark.sql.execution.arrow.useLargeVarTypes", "true")
    local = compare_files([pooled], Settings(), by="kunta", key="k").comparison
    _same_frames(found.comparison.table, local.table, 1e-9)
    assert found.sizes == {name: (town["case:concept:name"].nunique(), len(town))
                           for name, town in towns.groupby("kunta")}


@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")
def test_a_spark_dataframe_is_a_pooled_log_too(spark, towns, pooled):
    """A notebook's table (``spark.table(...)``, a Delta table) goes in as it is: read from
    files, its rows keep their files' order; made in memory, its partitions' order."""
    from rpa_scout.io.spark import compare_on_spark

    local = compare_files([pooled], Settings(), by="kunta", key="k").comparison
    from_files = compare_on_spark(spark.read.parquet(str(pooled)), "kunta", Settings(), key="k")
    _same_frames(from_files.comparison.table, local.table, 1e-9)
    assert from_files.report.source == "Spark DataFrame"
    frame = towns.assign(**{"time:timestamp": towns["time:timestamp"].dt.tz_convert("UTC")})
    in_memory = compare_on_spark(spark.createDataFrame(frame), "kunta", Settings(), key="k")
    assert in_memory.comparison.organisations == local.organisations
    assert in_memory.report.rows_kept == len(towns)
    _same_frames(in_memory.comparison.table, local.table, 1e-9)   # no ties here to reorder


def test_a_file_spark_cannot_read_is_named_in_one_line(spark, pooled, tmp_path):
    folder = tmp_path / "sekaisin"
    folder.mkdir()
    (folder / "a.parquet").write_bytes(pooled.read_bytes())
    (folder / "b.parquet").write_text("tunnus;vaihe\n1;Kirjaus\n", encoding="utf-8")   # CSV, misnamed
    empty = tmp_path / "tyhja"
    empty.mkdir()
    for source, names in ((folder, "b.parquet"), (empty, "Unable to infer schema")):
        result = CliRunner().invoke(main, ["compare", str(source), "--by", "kunta", "--engine", "spark"])
        assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1, result.stderr
        assert result.stderr.startswith(f"Error: {source.name}: Spark cannot read it as Parquet (")
        assert names in result.stderr


def test_two_values_that_read_as_one_name_are_refused(spark, towns, tmp_path):
    """Codes written '1.0' and '1.00' both read as the number 1: two groups on Spark
    would become one organisation's name, so the comparison stops and says which."""
    path = tmp_path / "koodit.parquet"
    towns.assign(kunta=towns["kunta"].map({"Aura": "1.0", "Bruno": "1.00", "Cella": "2"})).to_parquet(path)
    result = CliRunner().invoke(main, ["compare", str(path), "--by", "kunta", "--engine", "spark"])
    assert result.exit_code == 1
    assert result.stderr == ("Error: --by column 'kunta': its values '1.0' and '1.00' both read as '1'; "
                             "write each organisation one way in the column\n")


def test_a_spark_that_cannot_start_is_one_line(pooled):
    """No Java where Spark looks for it: one line that says what Spark needs (a fresh
    process: one that already runs Spark gets its session back)."""
    import os
    import subprocess

    pytest.importorskip("pyspark", reason="PySpark is not installed (pip install -e '.[dev]')")
    done = subprocess.run([sys.executable, "-m", "rpa_scout", "compare", str(pooled), "--by", "kunta",
                           "--engine", "spark"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "JAVA_HOME": "/nonexistent-java", "RPA_SCOUT_KEY": "k"})
    assert done.returncode == 1 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("Error: Spark did not start on local[*] ([JAVA_GATEWAY_EXITED]")
    assert "Java 17 or newer (Debian: apt-get install default-jre-headless)" in done.stderr


def _refused_on_both_engines(path, column: str, why: str) -> None:
    """``compare --by column`` is the same one-line error on the local engine and on Spark."""
    for engine in ("local", "spark"):
        result = CliRunner().invoke(main, ["compare", str(path), "--by", column, "--engine", engine, "--key", "k"])
        assert result.exit_code == 1, result.output
        assert result.stderr == (f"Error: --by column {column!r} {why}: rpa_scout never singles out people; "
                                 "use a group, department or office column\n")


def test_a_column_of_the_handlers_is_refused_on_spark_as_locally(spark, towns, tmp_path):
    """The driver sees only the header; each task checks its rows, so a copy of the
    handlers under a header that says nothing is refused as the local engine refuses it
    (Spark had compared 70 single employees, some ids in clear)."""
    path = write_log(towns.assign(merkinta=towns["org:resource"]), tmp_path / "copy.parquet")
    _refused_on_both_engines(path, "merkinta", "names the same people as the resource column")


def test_a_column_of_identity_codes_is_refused_on_spark_as_locally(spark, towns, tmp_path):
    """An organisation a person's identity code (a column keyed by the client's code) was
    compared on Spark, whose driver had judged only the values as accounts."""
    codes = ["131052-308T", "010594Y9021", "020594X903P", "030594W903B", "050594U903M"]
    which = towns["case:concept:name"].astype(str).map(lambda c: codes[sum(map(ord, c)) % len(codes)])
    path = write_log(towns.assign(asiakas_x=which), tmp_path / "codes.parquet")
    _refused_on_both_engines(path, "asiakas_x", "holds personal identity codes")


def test_an_organisation_named_as_one_of_its_logins_is_compared_on_both_engines(spark, towns, tmp_path):
    """A review: Spark judged each organisation's one --by value alone, so a team login
    named as its unit ("Talous") made the whole column 'people' there, not locally."""
    name = towns["kunta"].iloc[0]
    logins = towns["org:resource"].astype(str).where(towns["kunta"] != name, name)
    path = write_log(towns.assign(**{"org:resource": logins}), tmp_path / "login.parquet")
    for engine in ("local", "spark"):
        result = CliRunner().invoke(main, ["compare", str(path), "--by", "kunta", "--engine", engine, "--key", "k"])
        assert result.exit_code == 0, result.output


def test_a_label_column_of_the_handlers_asks_for_step_names_on_spark_as_locally(spark, towns, tmp_path):
    """--label names the steps: a column of people is refused with the advice of a column
    of readable step names (--by's group column is no label), by either engine."""
    path = write_log(towns.assign(merkinta=towns["org:resource"]), tmp_path / "copy.parquet")
    for engine in ("local", "spark"):
        result = CliRunner().invoke(main, ["compare", str(path), "--by", "kunta", "--label", "merkinta",
                                           "--engine", engine, "--key", "k"])
        assert result.exit_code == 1, result.output
        assert result.stderr == ("Error: --label column 'merkinta' names the same people as the resource column: "
                                 "rpa_scout never singles out people; name a column of readable step names, as "
                                 "BPIC15's activityNameEN (inspect names the columns that can serve)\n"), engine


def test_a_time_study_of_a_person_named_step_is_used_on_spark_as_locally(spark, towns, tmp_path):
    """Each task gives a step whose name holds a person's her pseudonym; the time study
    names the step as the log does and is used on both engines."""
    import json

    from rpa_scout.privacy import pseudonym

    person = next(str(r) for r in towns["org:resource"].unique() if " " in str(r))
    done = towns[towns["org:resource"].astype(str) == person].copy()
    done["time:timestamp"] += pd.Timedelta(minutes=5)
    done["concept:name"] = f"Palautettu käsittelijälle {person}"
    path = write_log(pd.concat([towns, done], ignore_index=True), tmp_path / "named.parquet")
    times = tmp_path / "ajat.csv"
    times.write_text(f"activity;minutes\nPalautettu käsittelijälle {person};5\n", encoding="utf-8")
    for engine in ("local", "spark"):
        out = tmp_path / f"{engine}.json"
        result = CliRunner().invoke(main, ["compare", str(path), "--by", "kunta", "--engine", engine, "--key", "k",
                                           "--standard-times", str(times), "--format", "json", "--out", str(out)])
        assert result.exit_code == 0, result.output
        rows = [row for row in json.loads(out.read_text(encoding="utf-8"))["comparison"]
                if row["activity"] == f"Palautettu käsittelijälle {pseudonym(person, b'k')}"]
        assert rows and {row["handling_source"] for row in rows} == {"supplied"}, engine
