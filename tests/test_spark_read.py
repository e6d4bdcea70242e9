"""``rank --engine spark`` (issue 15, item 2): a log read where it lies, Spark choosing the
rows ``--where`` keeps, ranks as the same rows ranked from one Parquet file.

Spark runs in local mode (the ``spark`` fixture of ``conftest.py``: skipped with the
reason where PySpark or Java is missing); the errors that come before Spark starts are
tested either way.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rpa_scout import generate_log, read_log
from rpa_scout.errors import NothingKeptError
from rpa_scout.io.commands import convert_file, rank_file
from rpa_scout.io.spark_read import read_on_spark
from rpa_scout.io.write_log import write_log
from rpa_scout.settings import FilterSettings, ReadSettings, Settings
from tests.conftest import shared_log
from tests.test_compare import _error  # the one-line error of a command
from tests.test_spark import cli_on_both_engines

SAMPLES = ("ostolaskut.csv.gz", "ostolaskut_complete_only.csv.gz", "rakennuslupa.xes.gz", "varhaiskasvatus.csv.gz")


@pytest.fixture(scope="module")
def pooled(tmp_path_factory) -> Path:
    """Three synthetic municipalities in one Parquet file, the municipality in ``kunta``."""
    frames = []
    for i, name in enumerate(("Aura", "Bruno", "Cella")):
        log = generate_log("rakennuslupa", 120, seed=70 + i, automated=("FEE",) * i).log
        frames.append(log.assign(kunta=name, **{"case:concept:name": log["case:concept:name"].astype(str) + name}))
    return write_log(pd.concat(frames, ignore_index=True), tmp_path_factory.mktemp("spark_read") / "kunnat.parquet")


def _same_ranking(a, b, where: str = "ranking") -> None:
    """Two rankings (or parts of one) field by field: tables, arrays and values equal (the
    same rows, read and ranked by the same code, give the same numbers to the bit)."""
    if dataclasses.is_dataclass(a):
        assert type(a) is type(b), where
        for field in dataclasses.fields(a):
            _same_ranking(getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}")
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, obj=where)
    elif isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _same_ranking(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), where
        for i, (mine, theirs) in enumerate(zip(a, b)):
            _same_ranking(mine, theirs, f"{where}[{i}]")
    elif isinstance(a, float) and np.isnan(a):
        assert isinstance(b, float) and np.isnan(b), where
    else:
        assert a == b, where


def _both(path, settings: Settings, **options):
    """``rank_file`` on the local engine and on Spark."""
    return (rank_file(path, settings, key="k", **options),
            rank_file(str(path), settings, key="k", engine="spark", **options))


@pytest.mark.parametrize("sample", SAMPLES)
def test_rank_on_spark_is_rank_of_the_file_on_every_sample(spark, sample, tmp_path):
    parquet = tmp_path / (sample.split(".")[0] + ".parquet")
    convert_file(Path("eventlogs") / sample, parquet)
    local, on_spark = _both(parquet, Settings(), include_all=True)
    _same_ranking(on_spark.ranking, local.ranking)
    assert on_spark.report == local.report
    assert on_spark.lines == local.lines
    assert len(local.ranking.candidates) > 0


@pytest.mark.parametrize("where", [("kunta=Bruno",), ("kunta in Aura, Cella", "concept:name!=FEE"),
                                   ("kunta != Aura",)])
def test_rows_chosen_on_spark_as_the_file_reader_chooses_them(spark, pooled, where):
    """``=`` and ``in`` choose the rows on Spark (the others counted, never sent), the
    rest is left to the filter: the rows, counts and ranking of the local reader."""
    settings = Settings(filter=FilterSettings(where=where))
    local, on_spark = _both(pooled, settings)
    _same_ranking(on_spark.ranking, local.ranking)
    assert on_spark.report == local.report
    assert on_spark.lines == local.lines
    kunta = read_log(pooled)[0]["kunta"]
    chosen = {"kunta=Bruno": kunta == "Bruno", "kunta in Aura, Cella": kunta != "Bruno"}.get(where[0])
    assert on_spark.report.rows_outside == (0 if chosen is None else int((~chosen).sum()))
    assert ("rows outside the filters not read" in " ".join(on_spark.lines[:3])) == (chosen is not None)


@pytest.mark.parametrize("where", [("alue=10",), ("alue in 10, Länsi",), ("luku=7",), ("alue=Länsi", "luku in 7, 8")])
def test_values_as_files_hold_them_are_chosen_as_the_file_reader_chooses(spark, pooled, tmp_path, where):
    """Padded values, NUL bytes, numbers written as text (``10.0`` is ``10`` once the
    column reads as numbers), blanks, a number column and a name in two Unicode forms:
    Spark chooses the rows the Parquet reader chooses."""
    log = read_log(pooled)[0]
    spots = np.arange(len(log)) % 7
    log["alue"] = pd.Series(np.array(["10", " 10.0", "Länsi", "La\u0308nsi ", "Itä\x00", None, "11"],
                                     dtype=object)[spots], dtype=object)
    log["luku"] = pd.Series(np.where(spots < 5, spots + 5, np.nan))
    path = write_log(log, tmp_path / "alueet.parquet")
    settings = Settings(filter=FilterSettings(where=where))
    local = read_log(path, categorical_roles=True, filters=settings.filter)
    on_spark = read_on_spark(path, settings, spark=spark)
    pd.testing.assert_frame_equal(on_spark[0], local[0])
    assert on_spark[1] == local[1] and 0 < on_spark[1].rows_outside < len(log)


@pytest.mark.parametrize("chosen", [dict(where=("kunta=Cella",), date_from="2025-03-01"),
                                    dict(where=("kunta in Aura, Bruno",), date_to="2025-04-30", period_basis="events"),
                                    dict(date_from="2025-02-01", date_to="2025-03-31")])
def test_a_period_chooses_the_same_rows_on_both_engines(spark, pooled, chosen):
    """By case start (the cases that may start in it, with every row: conditions choose
    cases, not rows) and by event time: Spark chooses the rows the local reader chooses."""
    local, on_spark = _both(pooled, Settings(filter=FilterSettings(**chosen)))
    _same_ranking(on_spark.ranking, local.ranking)
    assert on_spark.report == local.report and on_spark.report.rows_outside > 0


@pytest.mark.parametrize("kind", ["naive", "zoned", "dates"])
def test_times_of_every_kind_and_a_start_column_on_both_engines(spark, tmp_path, kind):
    from tests.test_choose_period import ZONE, _file

    rows = [(f"c{i // 4}", "AB"[i % 2], 7 * i - 30, ("Espoo", "Vantaa")[i % 3 == 0], (None, 2, 30)[i % 3])
            for i in range(60)]
    path = _file(tmp_path, rows, kind, start=True)
    for chosen in (dict(date_from="2024-03-05", date_to="2024-03-09"),
                   dict(date_from="2024-03-05", where=("kunta=Vantaa",), period_basis="events"),
                   dict(date_to="2024-03-03", where=("kunta=Espoo",))):
        settings = Settings(read=ReadSettings(timezone=ZONE), filter=FilterSettings(**chosen))
        local = read_log(path, timezone=ZONE, categorical_roles=True, filters=settings.filter)
        on_spark = read_on_spark(path, settings, spark=spark)
        pd.testing.assert_frame_equal(on_spark[0], local[0])
        assert on_spark[1] == local[1] and 0 < on_spark[1].rows_outside < len(rows), chosen
    errors = []
    for chosen in (dict(date_from="2025-01-01"), dict(date_from="2025-01-01", period_basis="events"),
                   dict(date_from="2024-03-05", where=("kunta=Turku",))):
        settings = Settings(read=ReadSettings(timezone=ZONE), filter=FilterSettings(**chosen))
        for read in (lambda: read_log(path, timezone=ZONE, filters=settings.filter),
                     lambda: read_on_spark(path, settings, spark=spark)):
            with pytest.raises(NothingKeptError) as found:
                read()
            errors.append(str(found.value))
    assert errors[0] == errors[1] and "nothing falls in 2025-01-01 .. …" in errors[0]
    assert errors[2] == errors[3] and "the log's events fall" in errors[2]
    assert errors[4] == errors[5] and "rows of loki_" in errors[4] and "whose cases may start in the period" in errors[4]


def test_no_row_chosen_is_the_local_engine_s_error(spark, pooled):
    errors = []
    for engine in ("local", "spark"):
        with pytest.raises(NothingKeptError) as found:
            rank_file(str(pooled), Settings(filter=FilterSettings(where=("kunta in Aura, Bruno", "kunta=Turku"))),
                      key="k", engine=engine)
        errors.append(str(found.value))
    assert errors[0] == errors[1]
    assert "kunta=Turku matches none of the 6," in errors[0] and "that the conditions before it keep" in errors[0]
    assert "(kunta has Aura, Bruno, Cella)" in errors[0]


def test_cli_writes_what_the_local_engine_writes(spark, pooled, tmp_path):
    runs = {engine: (printed, written.read_text(encoding="utf-8")) for engine, (printed, written)
            in cli_on_both_engines(["rank", str(pooled), "--where", "kunta=Aura"], tmp_path / "r.json").items()}
    assert runs["spark"] == runs["local"]
    assert runs["spark"][0].startswith("kunnat.parquet: ")


@pytest.mark.parametrize("command", [["inspect", "--json"], ["variants", "--json"], ["map", "--format", "dot"],
                                     ["cases", "--step", "Naapurien kuuleminen", "--json"]])
def test_every_command_that_reads_a_log_reads_it_on_spark(spark, pooled, tmp_path, monkeypatch, command):
    from click.testing import CliRunner

    import rpa_scout.io.spark_read as spark_read
    from rpa_scout.cli import main

    calls = []
    monkeypatch.setattr(spark_read, "read_on_spark",
                        lambda *args, **kwargs: calls.append(args) or read_on_spark(*args, **kwargs))
    outputs = {}
    for engine in ("local", "spark"):
        out = ["--out", str(tmp_path / f"{engine}.dot")] if command[0] == "map" else []
        result = CliRunner().invoke(main, [command[0], str(pooled), *command[1:], *out, "--where", "kunta=Bruno",
                                           "--from", "2025-03-01", "--engine", engine])
        assert result.exit_code == 0, result.output
        written = (tmp_path / f"{engine}.dot").read_text(encoding="utf-8") if out else ""
        outputs[engine] = (result.output.replace(str(tmp_path / f"{engine}.dot"), "OUT"), written)
    assert outputs["spark"] == outputs["local"] and len(calls) == 1   # read on Spark once: by --engine spark
    assert command[0] != "inspect" or '"rows_outside": ' in outputs["spark"][0]


def test_a_folder_partitioned_by_municipality_and_a_spark_dataframe(spark, pooled, tmp_path):
    """How pooled data is usually stored (one folder per value, ``kunta=Aura/…``) and a
    table of the session's catalogue: the rows of one municipality, as the file's."""
    import pyarrow.parquet as pq

    pq.write_to_dataset(pq.read_table(pooled), tmp_path / "kunnat", partition_cols=["kunta"])
    settings = Settings(filter=FilterSettings(where=("kunta=Bruno",)))
    log, report = read_log(pooled, categorical_roles=True, filters=settings.filter)
    from_folder, folder_report = read_on_spark(tmp_path / "kunnat", settings, spark=spark)
    pd.testing.assert_frame_equal(from_folder.drop(columns="kunta"), log.drop(columns="kunta"))
    assert (from_folder["kunta"] == "Bruno").all()
    assert (folder_report.rows_read, folder_report.rows_outside) == (report.rows_read, report.rows_outside)
    from_frame, frame_report = read_on_spark(spark.read.parquet(str(pooled)), settings)
    pd.testing.assert_frame_equal(from_frame, log)
    assert frame_report.rows_outside == report.rows_outside and frame_report.source == "Spark DataFrame"


def test_errors_before_spark_starts(pooled, tmp_path):
    csv = write_log(pd.DataFrame({"case:concept:name": ["a"], "concept:name": ["X"],
                                  "time:timestamp": pd.to_datetime(["2025-01-01"], utc=True)}),
                    tmp_path / "loki.csv")
    assert _error(["rank", str(csv), "--engine", "spark"]) == (
        "Error: loki.csv: --engine spark reads Parquet files; convert it with rpa-scout convert loki.csv "
        "--out LOG.parquet")
    assert _error(["rank", str(tmp_path / "ei.parquet"), "--engine", "spark"]) == (
        f"Error: {tmp_path / 'ei.parquet'}: no such file; check the path")
    for command in ("rank", "inspect", "map", "variants"):
        assert _error([command, str(pooled), "--spark-master", "local[1]"]) == (
            "Error: --spark-master names the cluster of --engine spark; add --engine spark")


@pytest.mark.slow
def test_one_municipality_of_bpic15_on_spark(spark):
    """The real pooled log: one of five Dutch municipalities' building permits."""
    settings = Settings(read=ReadSettings(case="tid", activity="conceptName", timestamp="dateFinished",
                                          resource="executingResource", timezone="Europe/Amsterdam"),
                        filter=FilterSettings(where=("label=3",)))
    local, on_spark = _both(shared_log("bpic15/BPIC15_all5.parquet"), settings)
    _same_ranking(on_spark.ranking, local.ranking)
    assert on_spark.report == local.report and on_spark.lines == local.lines
    assert on_spark.report.rows_outside > 200_000
