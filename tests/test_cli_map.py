"""``rpa-scout map`` and ``rpa-scout variants``: every output parsed, the exact lines."""

import csv
import gzip
import json
import re
import shutil
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import networkx as nx
import pytest
from click.testing import CliRunner

from rpa_scout.cli import main
from tests.conftest import SAMPLES, shared_log

LOG = ("case_id;activity;timestamp;resource\n"
       "c1;A;1.2.2024 10.00;x\nc1;B;1.2.2024 11.00;y\n"
       "c2;A;2.2.2024 10.00;x\nc2;C;2.2.2024 12.00;y\nc2;B;2.2.2024 13.00;y\n")
#: The log's map: start → A (2), A → B, A → C, C → B (1 each), B → end (2).
EDGES = {("▶ start", "A"): 2, ("A", "B"): 1, ("A", "C"): 1, ("C", "B"): 1, ("B", "■ end"): 2}
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SVG = "{http://www.w3.org/2000/svg}"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"
HAS_DOT = shutil.which("dot") is not None


def _map(path, out, *args, columns: int = 1000) -> str:
    """What ``map`` prints, in a terminal ``columns`` wide (wide enough: one line per message)."""
    result = CliRunner().invoke(main, ["map", str(path), "--out", str(out), *args], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def _written(out, view: str = "frequency") -> str:
    return f"{view} map written to {out} (3 of 3 activities, 5 of 5 paths)\n"


def _error(result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    return result.stderr


def test_map_dot(write, tmp_path):
    out = tmp_path / "m.dot"
    assert _map(write("l.csv", LOG), out, "--format", "dot") == _written(out)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("digraph process {\n") and text.endswith("}\n")
    assert '  labelloc=t; label="l.csv — frequency view, 3/3 activities";' in text.splitlines()
    labels = re.findall(r'^  (n\d) \[label="([^"]*)"', text, re.MULTILINE)
    assert labels == [("n0", ""), ("n1", ""), ("n2", "A\\n2"), ("n3", "B\\n2"), ("n4", "C\\n1")]
    names = {"n0": "▶ start", "n1": "■ end", "n2": "A", "n3": "B", "n4": "C"}
    edges = re.findall(r'^  (n\d) -> (n\d) \[label=" *(\d+)"', text, re.MULTILINE)
    assert {(names[a], names[b]): int(c) for a, b, c in edges} == EDGES


def test_map_message_is_wrapped_to_the_terminal(write, tmp_path, monkeypatch):
    """At 80 columns the message wraps at spaces, its rest indented two spaces."""
    monkeypatch.chdir(tmp_path)
    out = Path("a_folder_whose_name_is_long_enough_to_wrap") / "m.dot"
    out.parent.mkdir()
    lines = _map(write("l.csv", LOG), out, columns=80).splitlines()
    assert len(lines) > 1 and max(map(len, lines)) <= 80
    assert all(line.startswith("  ") and not line.startswith("   ") for line in lines[1:]), lines
    assert " ".join(line.strip() for line in lines) + "\n" == _written(out)


def test_a_path_longer_than_the_line_is_never_cut(write, tmp_path, monkeypatch):
    """A path longer than the terminal was cut in two ("…/o.bpm" and "n" on the next line),
    so that it could not be copied: it now stands whole on a line of its own."""
    monkeypatch.chdir(tmp_path)
    out = Path("a_folder_whose_name_is_long_enough_to_wrap" * 2) / "m.dot"
    out.parent.mkdir()
    lines = _map(write("l.csv", LOG), out, columns=80).splitlines()
    assert f"  {out}" in lines, lines


def test_map_graphml(write, tmp_path):
    out = tmp_path / "m.graphml"
    assert _map(write("l.csv", LOG), out) == _written(out)
    assert ElementTree.parse(out).getroot().tag == f"{GRAPHML}graphml"
    graph = nx.read_graphml(out)
    assert set(graph.nodes) == {"A", "B", "C", "▶ start", "■ end"}
    assert {(a, b): c for a, b, c in graph.edges(data="count")} == EDGES
    assert (graph.nodes["C"]["events"], graph.nodes["A"]["kind"]) == (1, "activity")


def test_map_json(write, tmp_path):
    out = tmp_path / "m.json"
    assert _map(write("l.csv", LOG), out) == _written(out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["graph"]["filter"] == {"activities_pct": 100.0, "paths_pct": 100.0, "activities_kept": 3,
                                       "activities_total": 3, "edges_kept": 5, "edges_total": 5}
    assert [(n["id"], n["kind"], n["events"]) for n in data["nodes"]] == [
        ("▶ start", "start", 2), ("■ end", "end", 2), ("A", "activity", 2), ("B", "activity", 2),
        ("C", "activity", 1)]
    assert {(e["source"], e["target"]): e["count"] for e in data["edges"]} == EDGES


def test_map_bpmn(write, tmp_path):
    out = tmp_path / "m.bpmn"
    result = CliRunner().invoke(main, ["map", str(write("l.csv", LOG)), "--format", "bpmn", "--out", str(out)])
    assert (result.exit_code, " ".join(result.stdout.split()), result.stderr) == (0, f"BPMN model written to {out}", "")
    root = ElementTree.parse(out).getroot()
    assert root.tag == f"{BPMN}definitions"
    process = root.find(f"{BPMN}process")
    elements = sorted((el.tag.removeprefix(BPMN), el.get("name")) for el in process
                      if el.tag != f"{BPMN}sequenceFlow")
    # A, then B directly or after C: an exclusive choice and its join
    assert elements == [("endEvent", "end"), ("exclusiveGateway", ""), ("exclusiveGateway", ""),
                        ("startEvent", "start"), ("task", "A"), ("task", "B"), ("task", "C")]
    assert len(process.findall(f"{BPMN}sequenceFlow")) == 7


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("view", ["frequency", "performance"])
def test_map_svg_png(write, tmp_path, view):
    path = write("l.csv", LOG)
    out = tmp_path / "m.svg"
    assert _map(path, out, "--view", view) == _written(out, view)
    root = ElementTree.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"A", "B", "C", f"l.csv — {view} view, 3/3 activities"} <= texts
    out = tmp_path / "m.png"
    assert _map(path, out, "--view", view) == _written(out, view)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"


def test_missing_dot_writes_dot_and_says_how(write, tmp_path, monkeypatch):
    monkeypatch.setattr("rpa_scout.io.pictures.dot_available", lambda: False)
    out = tmp_path / "m.svg"
    result = CliRunner().invoke(main, ["map", str(write("l.csv", LOG)), "--out", str(out)])
    assert _error(result) == (
        f"Error: Graphviz's 'dot' was not found, so m.svg was not drawn; the DOT file was written to "
        f"{tmp_path / 'm.dot'}; install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; "
        "macOS: brew install graphviz)\n")
    assert (tmp_path / "m.dot").read_text(encoding="utf-8").startswith("digraph process {\n")
    assert not out.exists()


def test_map_bad_options(write, tmp_path):
    path = write("l.csv", LOG)
    result = CliRunner().invoke(main, ["map", str(path), "--paths", "150"])
    assert _error(result, 2) == ("Error: Invalid value for '--paths': 150.0 is not in the range 0<=x<=100. "
                                 "(see main map --help)\n")
    out = tmp_path / "no" / "m.dot"
    result = CliRunner().invoke(main, ["map", str(path), "--out", str(out)])
    assert _error(result) == (f"Error: {out}: the folder {out.parent} does not exist; create it or "
                              "choose --out elsewhere\n")
    result = CliRunner().invoke(main, ["map", str(path), "--format", "bpmn", "--paths", "50",
                                       "--out", str(tmp_path / "m.bpmn")])
    assert _error(result) == ("Error: --view and --paths shape a drawn map; a BPMN model is mined from the "
                              "activities --activities keeps, and --noise filters its paths\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.csv"]


def test_variants_cli(write):
    path = write("l.csv", LOG)
    # one case each: the tie is broken by the variant's text
    one = "  1.         1 case     50.0%  (cum.   50.0%)    2 steps  A → B\n"
    two = "  2.         1 case     50.0%  (cum.  100.0%)    3 steps  A → C → B\n"
    result = CliRunner().invoke(main, ["variants", str(path), "--top", "1"])
    assert (result.exit_code, result.stdout, result.stderr) == (0, one, "")
    result = CliRunner().invoke(main, ["variants", str(path)])
    assert (result.exit_code, result.stdout) == (0, one + two)
    result = CliRunner().invoke(main, ["variants", str(path), "--top", "1", "--json"])
    assert json.loads(result.stdout) == [{"rank": 1, "variant": "A → B", "steps": 2, "cases": 1,
                                          "share": 0.5, "cumulative_share": 0.5}]
    result = CliRunner().invoke(main, ["variants", str(path), "--top", "0"])
    assert _error(result, 2) == ("Error: Invalid value for '--top': 0 is not in the range x>=1. "
                                 "(see main variants --help)\n")


def test_variants_of_a_sample():
    """The shipped sample's most frequent variants, counted here from its rows."""
    path = SAMPLES / "varhaiskasvatus.csv.gz"
    cases: dict[str, list[tuple[str, str]]] = {}
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["lifecycle:transition"] == "complete":
                cases.setdefault(row["case:concept:name"], []).append(
                    (row["time:timestamp"], row["concept:name"]))
    counts = Counter(" → ".join(a for _, a in sorted(events)) for events in cases.values())
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    result = CliRunner().invoke(main, ["variants", str(path), "--top", "3", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert [(v["variant"], v["cases"]) for v in shown] == top
    assert [v["share"] for v in shown] == pytest.approx([n / len(cases) for _, n in top])


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("relative", ["receipt/receipt.xes.gz", "bpic15/BPIC15_1.xes.gz"])
def test_real_maps_render(relative, tmp_path):
    from tests.conftest import shared_log

    out = tmp_path / "map.svg"
    result = CliRunner().invoke(main, ["map", str(shared_log(relative)), "--view", "performance",
                                       "--activities", "80", "--paths", "60", "--out", str(out)])
    assert result.exit_code == 0, result.output
    root = ElementTree.parse(out).getroot()
    assert root.tag == f"{SVG}svg"
    tooltips = {a.get("{http://www.w3.org/1999/xlink}title") for a in root.iter(f"{SVG}a")}
    assert {"start", "end"} <= tooltips


def _variants_at(columns: int) -> list[str]:
    """``variants`` of a sample in Finnish at a terminal this wide; no line wider."""
    sample = str(SAMPLES / "ostolaskut_complete_only.csv.gz")
    result = CliRunner().invoke(main, ["variants", sample, "--top", "3", "--lang", "fi"],
                                env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line for line in lines if len(line) > columns] == []
    return lines


def test_variants_fit_a_terminal_narrower_than_their_figures():
    lines = _variants_at(40)
    # the figures unaligned, the number with its word and the cumulative share whole
    assert lines[0] == "  1. 870 asiaa 29,0 % (kert. 29,0 %)" and lines[1] == "      7 vaihetta"


def test_variants_wrap_long_sequences_under_the_figures():
    lines = _variants_at(60)
    assert lines[0].split()[:3] == ["1.", "870", "asiaa"] and lines[1].startswith("      Lasku vastaanotettu → ")
    # the whole sequence is there, broken only between steps
    first = " ".join(line.strip() for line in lines[1:lines.index(next(l for l in lines[1:] if l.startswith("  2.")))])
    assert first.split(" → ")[:3] == ["Lasku vastaanotettu", "Kustannuspaikan tiliöinti", "Asiatarkastus"]


@pytest.mark.parametrize("args,message", [
    (["--out", "kartta.pdf"], "cannot tell the format of kartta.pdf; add --format svg|png|dot|graphml|json|bpmn"),
    (["--format", "png", "--out", "kartta.svg"], "--format png does not match the name kartta.svg"),
    (["--noise", "0.3", "--out", "kartta.svg"], "--noise is the inductive miner's threshold for --format bpmn"),
])
def test_a_map_file_is_what_its_name_says(tmp_path, args, message):
    """x.pdf held SVG, y.svg held PNG, and --noise without BPMN did nothing (QA)."""
    args = [a if not a.startswith("kartta") else str(tmp_path / a) for a in args]
    result = CliRunner().invoke(main, ["map", str(SAMPLES / "ostolaskut.csv.gz"), *args])
    assert result.exit_code == 1 and message in result.output
    assert not list(tmp_path.iterdir())


def test_a_capped_picture_counts_what_it_draws_in_its_title(tmp_path):
    """BPIC15_1's SVG drew 150 activities under the title "398/398 activities" (QA)."""
    out = tmp_path / "b15.svg"
    result = CliRunner().invoke(main, ["map", str(shared_log("bpic15/BPIC15_1.xes.gz")), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "BPIC15_1.xes.gz — frequency view, 150/398 activities" in out.read_text(encoding="utf-8")
    assert "drawn: the 150 most frequent of 398 activities" in " ".join(result.output.split())
