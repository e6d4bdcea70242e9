"""Display labels beside activity codes (issue 13, item 4)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from rpa_scout import activity_labels, generate_log, read_log, suggest_labels
from rpa_scout.cli import main
from rpa_scout.errors import ColumnError
from rpa_scout.io.write_log import write_log
from rpa_scout.labels import display_names, find_activity, show
from tests.conftest import SAMPLES, shared_log


def _log(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    return pd.DataFrame({"case:concept:name": [f"c{i % 3}" for i in range(n)],
                         "time:timestamp": pd.date_range("2024-01-01", periods=n, freq="h", tz="UTC"),
                         **columns})


@pytest.fixture(scope="module")
def permits(tmp_path_factory):
    path = tmp_path_factory.mktemp("labels") / "permits.csv.gz"
    write_log(generate_log("rakennuslupa", 150, seed=4).log, path)
    return str(path)


def _run(*args: str):
    result = CliRunner().invoke(main, list(args))
    return result


def test_codes_that_share_a_label_stay_apart():
    log = _log(**{"concept:name": ["A", "B", "C", "D", "A", "B", "B"],
                  "name": ["send letter", "send letter", "decide", None, "send letter", "posted",
                           "send letter"]})
    assert activity_labels(log, "name") == {"A": "send letter (A)", "B": "send letter (B)",
                                            "C": "decide", "D": "D"}
    # A label that is another activity's code would make two names one: it gets its code.
    assert display_names({"X": "Y", "Y": None}) == {"X": "Y (X)", "Y": "Y"}
    assert show("A → C", {"A": "send", "C": "decide"}) == "send → decide"


def test_find_an_activity_by_code_label_or_letter_case():
    labels = {"A": "send letter (A)", "C": "decide"}
    assert find_activity("C", ["A", "C"], labels) == "C"
    assert find_activity("decide", ["A", "C"], labels) == "C"
    assert find_activity("DECIDE", ["A", "C"], labels) == "C"
    with pytest.raises(ColumnError, match=r"^no activity called 'decid' in the log; did you mean 'decide'\?$"):
        find_activity("decid", ["A", "C"], labels)


def test_suggestions_name_columns_that_map_to_the_activities():
    log = _log(**{"concept:name": ["A", "B", "C", "D"] * 3,
                  "en": ["a", "b", "c", "d"] * 3,            # 1:1
                  "short": ["x", "x", "c", "d"] * 3,         # n:1
                  "copy": ["A", "B", "C", "D"] * 3,          # the activity again
                  "phase": ["p", "p", "q", "q"] * 3,         # groups, does not name
                  "note": list("abcdefghijkl")})             # varies within an activity
    found = {s.column: s.kind for s in suggest_labels(log)}
    assert found == {"en": "1:1", "short": "n:1"}


def test_inspect_suggests_and_every_output_shows_labels(permits, tmp_path):
    out = _run("inspect", permits).output
    assert ("labels activity_en names the activities 1:1 (19 names for 19 activities): show "
            "it with --label activity_en") in " ".join(out.split())   # wrapped at 80 columns
    assert "Fee invoice" in _run("variants", permits, "--label", "activity_en", "--top", "3").output
    graph = tmp_path / "m.json"
    assert _run("map", permits, "--label", "activity_en", "--format", "json", "--out", str(graph)).exit_code == 0
    assert "Publication of decision" in graph.read_text()
    ranked = _run("rank", permits, "--label", "activity_en", "--all", "--key", "k",
                  "--out", str(tmp_path / "r.json"))
    assert ranked.exit_code == 0, ranked.output
    names = {c["candidate"] for c in json.loads((tmp_path / "r.json").read_text())["candidates"]}
    assert "Fee invoice" in names and "Maksulaskun laadinta" not in names
    assert "Fee invoice" in ranked.output


def test_label_errors_are_one_line(permits):
    result = _run("variants", permits, "--label", "nimi")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --label column 'nimi' not found; the columns are "
                                    "'case:concept:name', 'concept:name', 'activity_en'")
    result = _run("variants", permits, "--label", "org:resource")
    # --label asks for the steps' readable names, not the group --by and --where ask for
    assert result.stderr.strip() == ("Error: --label column 'org:resource' is the resource column: "
                                     "rpa_scout never singles out people; name a column of readable step "
                                     "names, as BPIC15's activityNameEN (inspect names the columns that can serve)")


def test_bpic15_names_its_codes_n_to_1():
    log, _ = read_log(shared_log("bpic15/BPIC15_all5.parquet"), case="tid", activity="conceptName",
                      timestamp="dateFinished", resource="executingResource")
    found = {s.column: (s.kind, s.labels, s.activities) for s in suggest_labels(log)}
    assert found == {"activityNameEN": ("n:1", 356, 500)}
    labels = activity_labels(log, "activityNameEN")
    assert len(set(labels.values())) == len(labels) == 500
    assert labels["01_HOOFD_010"] == "register submission date request"
    assert labels["01_BB_550_1"] == "treat objection subcase (01_BB_550_1)"


def test_sample_log_without_a_label_column_has_no_suggestion():
    log, _ = read_log(SAMPLES / "ostolaskut.csv.gz")
    assert [s.column for s in suggest_labels(log)] == ["activity_en"]


def test_steps_named_inside_the_evidence_take_their_display_names():
    """With labels, "recorded within 10 s with the account's step 'X'" names X by its label
    too, in the evidence and in the excluded table; without, by the log's own name."""
    import re

    from rpa_scout import rank_candidates
    from rpa_scout.labels import labelled_ranking
    from rpa_scout.lang import Lang, render

    log, _ = read_log(SAMPLES / "rakennuslupa.xes.gz")
    labels = activity_labels(log, "activity_en")
    ranking = rank_candidates(log)
    shown = labelled_ranking(ranking, labels)
    steps = lambda texts: {s for t in texts for s in re.findall(r"step '([^']+)'", t)}  # noqa: E731
    before = steps(str(w) for w in ranking.evidence.values())
    after = steps(str(w) for w in shown.evidence.values())
    assert before and before <= set(labels) and after == {labels[s] for s in before}
    assert steps(shown.excluded["evidence"]) <= set(labels.values())
    finnish = " ".join(render(w, Lang("fi")) for w in shown.evidence.values())
    assert all(name in finnish for name in after) and not any(f"'{s}'" in finnish for s in before)


def test_label_counts_of_parts_add_up_to_the_labels_of_the_whole():
    """What an engine that reads each organisation apart relies on: counts of the parts,
    added up, name the activities as the whole log does (shared and missing labels too)."""
    from rpa_scout.labels import label_counts, labels_from_counts

    log, _ = read_log("eventlogs/rakennuslupa.xes.gz")
    log = log.assign(name=log["activity_en"].astype(object))
    log.loc[log["concept:name"] == log["concept:name"].iloc[0], "name"] = None   # no label
    log.loc[log["activity_en"].isin(["Archiving", "Site review"]), "name"] = "shared"
    last = log["case:concept:name"].astype(str).str[-1]
    parts = [log[last.isin(list(digits))] for digits in ("0123", "456", "789")]
    whole = activity_labels(log, "name")
    assert labels_from_counts(pd.concat([label_counts(p, "name") for p in parts])) == whole
    assert sum(v.endswith(")") for v in whole.values()) >= 2
