import pandas as pd

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
