import json
import shutil

import networkx as nx
import pytest
from click.testing import CliRunner

from rpa_scout.cli import main

LOG = ("case_id;activity;timestamp;resource\n"
       "c1;A;1.2.2024 10.00;x\nc1;B;1.2.2024 11.00;y\n"
       "c2;A;2.2.2024 10.00;x\nc2;C;2.2.2024 12.00;y\nc2;B;2.2.2024 13.00;y\n")


@pytest.mark.parametrize("fmt", ["dot", "graphml", "json", "bpmn"])
def test_map_formats(write, tmp_path, fmt):
    path = write("l.csv", LOG)
    out = tmp_path / f"m.{fmt}"
    result = CliRunner().invoke(main, ["map", str(path), "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    if fmt == "json":
        data = json.loads(out.read_text())
        assert any(n["id"] == "A" for n in data["nodes"])
    if fmt == "graphml":
        assert nx.read_graphml(out).number_of_nodes() == 5


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("view", ["frequency", "performance"])
def test_map_svg_png(write, tmp_path, view):
    path = write("l.csv", LOG)
    for fmt in ("svg", "png"):
        out = tmp_path / f"m.{fmt}"
        result = CliRunner().invoke(main, ["map", str(path), "--view", view, "--out", str(out)])
        assert result.exit_code == 0, result.output
        head = out.read_bytes()[:200]
        assert (b"<svg" in head or b"<?xml" in head) if fmt == "svg" else head.startswith(b"\x89PNG")


def test_missing_dot_writes_dot_and_says_how(write, tmp_path, monkeypatch):
    monkeypatch.setattr("rpa_scout.io.pictures.dot_available", lambda: False)
    out = tmp_path / "m.svg"
    result = CliRunner().invoke(main, ["map", str(write("l.csv", LOG)), "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: Graphviz's 'dot' was not found")
    assert "apt-get install graphviz" in result.output
    assert (tmp_path / "m.dot").exists()


def test_map_bad_options(write, tmp_path):
    path = write("l.csv", LOG)
    result = CliRunner().invoke(main, ["map", str(path), "--paths", "150"])
    assert result.exit_code == 2
    result = CliRunner().invoke(main, ["map", str(path), "--out", str(tmp_path / "no" / "m.dot")])
    assert result.exit_code == 1 and "does not exist" in result.output
    result = CliRunner().invoke(main, ["map", str(path), "--format", "bpmn", "--activities", "0",
                                       "--out", str(tmp_path / "m.bpmn")])
    assert result.exit_code == 1 and result.output.startswith("Error: --activities must be above 0")
    assert "Traceback" not in result.output


def test_variants_cli(write):
    result = CliRunner().invoke(main, ["variants", str(write("l.csv", LOG)), "--top", "1"])
    assert result.exit_code == 0
    assert "A → B" in result.output or "A → C → B" in result.output


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("relative", ["receipt/receipt.xes.gz", "bpic15/BPIC15_1.xes.gz"])
def test_real_maps_render(relative, tmp_path):
    from tests.conftest import shared_log

    out = tmp_path / "map.svg"
    result = CliRunner().invoke(main, ["map", str(shared_log(relative)), "--view", "performance",
                                       "--activities", "80", "--paths", "60", "--out", str(out)])
    assert result.exit_code == 0, result.output
    svg = out.read_text(encoding="utf-8")
    assert "<svg" in svg and "start" in svg and "end" in svg
