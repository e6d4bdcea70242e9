import re

import pandas as pd
import pytest

from rpa_scout.variant_table import variants


def test_variants_ranked_with_coverage():
    rows = []
    for i in range(6):
        rows += [(f"c{i}", "A", f"2024-01-0{1 + i} 10:00"), (f"c{i}", "B", f"2024-01-0{1 + i} 11:00")]
    rows += [("x", "B", "2024-01-01 09:00"), ("x", "A", "2024-01-01 10:00")]
    log = pd.DataFrame(rows, columns=["case:concept:name", "concept:name", "time:timestamp"])
    log["time:timestamp"] = pd.to_datetime(log["time:timestamp"], utc=True)
    table = variants(log)
    assert table["variant"].tolist() == ["A → B", "B → A"]
    assert table["cases"].tolist() == [6, 1]
    assert table["cumulative_share"].iloc[-1] == 1.0
    assert table["share"].tolist() == [6 / 7, 1 / 7] and table["steps"].tolist() == [2, 2]
    pd.testing.assert_frame_equal(variants(log, top=1), table.head(1))


@pytest.mark.parametrize("lang,one,many", [("en", " 1 case ", " cases "), ("fi", " 1 asia ", " asiaa "),
                                           ("sv", " 1 ärende ", " ärenden ")])
def test_one_case_is_one_case_in_every_language(lang, one, many):
    """Variants read "1 cases" and "1 asiaa" (QA)."""
    from click.testing import CliRunner

    from rpa_scout.cli import main

    result = CliRunner().invoke(main, ["variants", "eventlogs/ostolaskut.csv.gz", "--top", "60", "--lang", lang])
    lines = [line for line in result.output.splitlines() if re.match(r"^ +\d+\. ", line)]
    singles = [line for line in lines if re.match(r"^ +\d+\. +1 ", line)]
    assert singles and all(one in line and many not in line for line in singles)
    assert all(many in line for line in lines if line not in singles)
    assert len({line.index("%") for line in lines}) == 1  # the columns stay in line
