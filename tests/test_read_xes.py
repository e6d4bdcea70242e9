import gzip

import pytest

from rpa_scout import InputError, read_log

XES = """<?xml version="1.0" encoding="UTF-8" ?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
<trace><string key="concept:name" value="c1"/>
<event><string key="concept:name" value="A"/><string key="org:resource" value="r"/>
<string key="lifecycle:transition" value="START"/>
<date key="time:timestamp" value="2020-01-01T10:00:00.000+01:00"/></event>
<event><string key="concept:name" value="A"/><string key="org:resource" value="r"/>
<string key="lifecycle:transition" value="COMPLETE"/>
<date key="time:timestamp" value="2020-01-01T10:05:00.000+01:00"/></event>
</trace>
</log>
"""


def test_small_xes_and_gz(write):
    for name, data in (("a.xes", XES.encode()), ("a.xes.gz", gzip.compress(XES.encode()))):
        log, report = read_log(write(name, data))
        assert report.rows_read == report.rows_kept == len(log) == XES.count("<event>") == 2
        assert report.lifecycle["paired start+complete"] == 1
        assert str(log["time:timestamp"].iloc[0]) == "2020-01-01 09:00:00+00:00"


NEVER_EXPANDS = ("{}: the XML declares a DTD or entities (<!DOCTYPE or <!ENTITY before the root element), "
                 "which rpa_scout never expands; remove that block and read the file again")


@pytest.mark.parametrize("name,data,message", [
    ("t.xes", XES[: len(XES) // 2],
     "t.xes: the XES file is truncated or malformed (it does not end with </log>); export or download it again"),
    ("t.xes.gz", gzip.compress(XES.encode())[:-20], "t.xes.gz: the gzip file is truncated; download or export it again"),
    ("e.xes", "", "e.xes: the file is empty; export the log again"),
    ("j.xes", "this is not xml", "j.xes: not an XML file; XES logs start with '<?xml' or '<log'"),
    ("b.xes", '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
              '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n<log>&lol2;</log>\n', NEVER_EXPANDS.format("b.xes")),
    ("x.xes", '<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
              '\n<log><trace><string key="concept:name" value="&xxe;"/></trace></log>\n',
     NEVER_EXPANDS.format("x.xes")),
    ("n.xes", '<?xml version="1.0"?>\n<log xes.version="1.0"></log>\n', "n.xes: the XES file holds no events"),
])
def test_bad_xes(write, name, data, message):
    with pytest.raises(InputError) as err:
        read_log(write(name, data if isinstance(data, bytes) else data.encode()))
    assert str(err.value) == message


def test_missing_file_and_unknown_format(tmp_path, write):
    with pytest.raises(InputError) as err:
        read_log(tmp_path / "nope.xes")
    assert str(err.value) == f"{tmp_path / 'nope.xes'}: no such file; check the path"
    with pytest.raises(InputError) as err:
        read_log(write("log.json", "{}"))
    assert str(err.value) == ("log.json: unknown log format; supported: .csv, .csv.gz, .tsv, .tsv.gz, .txt, "
                              ".txt.gz, .ods, .xls, .xlsb, .xlsm, .xlsx, .parquet, .pq, .xes, .xes.gz")


@pytest.mark.parametrize("where", ["rakennuslupa.xes.gz", "receipt/receipt.xes.gz"])
def test_column_order_is_fixed(where):
    """r4pm's column order varies from run to run; read_log fixes one (roles, then names)."""
    from tests.conftest import SAMPLES, shared_log

    log, _ = read_log(shared_log(where) if "/" in where else SAMPLES / where)
    cols = list(log.columns)
    assert cols[:3] == ["case:concept:name", "concept:name", "time:timestamp"]
    rest = [c for c in cols if c not in ("case:concept:name", "concept:name", "time:timestamp",
                                         "org:resource", "lifecycle:transition")]
    assert rest == sorted(rest)


def test_resource_attribute_without_org_prefix_is_used(write):
    """Converted XES files (BPIC 2020's international declarations) name it ``Resource``."""
    data = XES.replace('key="org:resource"', 'key="Resource"')
    assert 'key="Resource"' in data
    log, report = read_log(write("r.xes", data.encode()))
    assert "org:resource" in log.columns and log["org:resource"].notna().all()
    assert report.mapping["resource"] == "Resource"
