"""One function per CLI command: read the log, run the stages, write the outputs.

The CLI parses options into a :class:`rpa_scout.settings.Settings` and calls exactly one
of these; each returns what there is to say (lines of text, or a table), and the CLI
prints it. Everything here is usable from Python too::

    >>> from rpa_scout.io.commands import rank_file
    >>> from rpa_scout.settings import Settings
    >>> run = rank_file("eventlogs/ostolaskut_complete_only.csv.gz", Settings(), key="k")
    >>> run.lines[0].startswith("ostolaskut_complete_only.csv.gz: 24,883 events kept")
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from rpa_scout.errors import ConfigError
from rpa_scout.io.files import check_output
from rpa_scout.io.formats import MAP_WRITE, RANK_WRITE, format_of, names
from rpa_scout.io.read import read_log
from rpa_scout.load_report import LoadReport
from rpa_scout.settings import Settings

MAP_FORMATS = names(MAP_WRITE)
RANK_FORMATS = names(RANK_WRITE)
VIEWS = ("frequency", "performance")


def load(path: str | Path, settings: Settings) -> tuple[pd.DataFrame, LoadReport]:
    """:func:`rpa_scout.read_log` with the ``read`` section of ``settings``.

    Example:
        >>> from rpa_scout.io.commands import load
        >>> from rpa_scout.settings import ReadSettings, Settings
        >>> settings = Settings(read=ReadSettings(timezone="UTC"))
        >>> log, report = load("eventlogs/varhaiskasvatus.csv.gz", settings)
        >>> report.rows_read, len(log)
        (47302, 47302)
    """
    return read_log(Path(path), **settings.read.keywords())


def inspect_file(path: str | Path, settings: Settings, *, rejects: Path | None = None,
                 as_json: bool = False) -> list[str]:
    """What is in the log and what reading it did to every row (text or JSON lines).

    Example:
        >>> import json
        >>> from rpa_scout.io.commands import inspect_file
        >>> from rpa_scout.settings import Settings
        >>> print("\\n".join(inspect_file("eventlogs/varhaiskasvatus.csv.gz", Settings())[:3]))
        log            varhaiskasvatus.csv.gz (csv)
        cases                 2,500
        events               47,302
        >>> (text,) = inspect_file("eventlogs/varhaiskasvatus.csv.gz", Settings(), as_json=True)
        >>> json.loads(text)["load_report"]["rows_kept"]
        47302
    """
    import json

    from rpa_scout.inspect_log import summarise, summary_lines
    from rpa_scout.io.write import write_rejects

    frame, report = load(path, settings)
    summary = summarise(frame)
    if rejects is not None:
        write_rejects(report, rejects)
    if as_json:
        return [json.dumps({"summary": summary.to_dict(), "load_report": report.to_dict()},
                           indent=2, ensure_ascii=False)]
    lines = summary_lines(summary, report)
    if rejects is not None:
        lines.append(f"  rejected rows written to {rejects}")
    return lines


def map_file(path: str | Path, settings: Settings, *, view: str = "frequency",
             activities: float = 100.0, paths: float = 100.0, fmt: str | None = None,
             noise: float = 0.2, out: Path | None = None) -> list[str]:
    """Draw or export the process map (or the BPMN model) of a log; says what was written.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from rpa_scout.io.commands import map_file
        >>> from rpa_scout.settings import Settings
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     out = Path(folder) / "vaka.dot"
        ...     map_file("eventlogs/varhaiskasvatus.csv.gz", Settings(), activities=80, out=out)
        ['frequency map written to .../vaka.dot (8 of 15 activities, 15 of 15 paths)']
    """
    path = Path(path)
    fmt = fmt or (format_of(out, MAP_WRITE) if out is not None else None) or "svg"
    out = out if out is not None else Path(path.name.split(".")[0] + f"_{view}.{fmt}")
    check_output(out)
    frame, _report = load(path, settings)
    if fmt == "bpmn":
        return [_write_bpmn(frame, noise, activities, out)]
    return [_write_map(frame, path.name, view, activities, paths, fmt, out)]


def _write_bpmn(frame: pd.DataFrame, noise: float, activities: float, out: Path) -> str:
    from rpa_scout.bpmn import discover_bpmn
    from rpa_scout.columns import XES
    from rpa_scout.io.pictures import write_bpmn
    from rpa_scout.safety import printable

    # BPMN is XML, which cannot hold control characters: the model names them escaped.
    names_shown = frame[XES.activity].astype("string").map(printable, na_action="ignore")
    frame = frame.assign(**{XES.activity: names_shown})
    write_bpmn(discover_bpmn(frame, noise_threshold=noise, activities=activities), out)
    return f"BPMN model written to {out}"


def _write_map(frame: pd.DataFrame, name: str, view: str, activities: float, paths: float,
               fmt: str, out: Path) -> str:
    from rpa_scout.drawing import drawable, graph_seconds
    from rpa_scout.graph import discover_graph, filter_graph
    from rpa_scout.io import pictures
    from rpa_scout.render import to_dot

    graph = filter_graph(discover_graph(frame), activities=activities, paths=paths, log=frame)
    info = graph.graph["filter"]
    note = ""
    if fmt == "graphml":
        pictures.write_graphml(graph, out)
    elif fmt == "json":
        pictures.write_graph_json(graph, out)
    else:
        drawn, note = drawable(graph, frame) if fmt in ("svg", "png") else (graph, "")
        title = f"{name} — {view} view, {info['activities_kept']}/{info['activities_total']} activities"
        pictures.write_dot_picture(to_dot(drawn, view=view, title=title), out, fmt,
                                   seconds=graph_seconds(drawn))
    return (f"{view} map written to {out} ({info['activities_kept']} of {info['activities_total']} "
            f"activities, {info['edges_kept']} of {info['edges_total']} paths)"
            + (f"; {note}" if note else ""))


def variants_file(path: str | Path, settings: Settings, *, top: int = 10) -> pd.DataFrame:
    """The ``top`` most frequent variants of a log with their coverage.

    Example:
        >>> from rpa_scout.io.commands import variants_file
        >>> from rpa_scout.settings import Settings
        >>> table = variants_file("eventlogs/varhaiskasvatus.csv.gz", Settings(), top=2)
        >>> table[["rank", "cases", "steps"]].values.tolist()
        [[1, 773, 9], [2, 454, 7]]
    """
    from rpa_scout.variants import variants

    frame, _report = load(path, settings)
    return variants(frame, top=top)


def variant_lines(table: pd.DataFrame) -> list[str]:
    """One line per variant: rank, cases, share, cumulative share, steps, the sequence.

    Example:
        >>> import pandas as pd
        >>> from rpa_scout.io.commands import variant_lines
        >>> table = pd.DataFrame({"rank": [1, 2], "cases": [1234, 56], "share": [0.9, 0.04],
        ...                       "cumulative_share": [0.9, 0.94], "steps": [3, 4],
        ...                       "variant": ["Kirjaus → Tarkastus → Päätös", "Kirjaus → Päätös"]})
        >>> print("\\n".join(variant_lines(table)))
          1.   1,234 cases   90.0%  (cum.  90.0%)    3 steps  Kirjaus → Tarkastus → Päätös
          2.      56 cases    4.0%  (cum.  94.0%)    4 steps  Kirjaus → Päätös
    """
    return [f"{row.rank:>3}. {row.cases:>7,} cases  {row.share:6.1%}  (cum. {row.cumulative_share:6.1%})"
            f"  {row.steps:>3} steps  {row.variant}" for row in table.itertuples(index=False)]


@dataclass(frozen=True)
class RankRun:
    """What ``rank`` did: the ranking, the load report, the lines to show, the file written."""

    ranking: object  # rpa_scout.rank.Ranking
    report: LoadReport
    lines: list[str]
    written: Path | None = None


def rank_file(path: str | Path, settings: Settings, *, key: str | None = None, top: int = 10,
              include_all: bool = False, fmt: str | None = None, out: Path | None = None) -> RankRun:
    """Read, pseudonymise and rank a log; write the ranking to ``out`` when given.

    Example:
        >>> import json, tempfile
        >>> from pathlib import Path
        >>> from rpa_scout.io.commands import rank_file
        >>> from rpa_scout.settings import Settings
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     run = rank_file("eventlogs/ostolaskut_complete_only.csv.gz", Settings(), top=2,
        ...                     out=Path(folder) / "ehdokkaat.json")
        ...     written = json.loads(run.written.read_text(encoding="utf-8"))
        >>> run.lines[0]
        'ostolaskut_complete_only.csv.gz: 24,883 events kept of 24,883 read (0 rejected); ranked by hours'
        >>> [c["candidate"] for c in written["candidates"]]
        ['Kustannuspaikan tiliöinti', 'Tilausvastaavuuden tarkistus']
        >>> run.lines[-1]
        'ranking written to .../ehdokkaat.json'
    """
    from rpa_scout.present import terminal_lines
    from rpa_scout.privacy import pseudonymise
    from rpa_scout.rank import rank_candidates

    path = Path(path)
    if out is not None:
        fmt = fmt or format_of(out, RANK_WRITE)
        if fmt is None:
            raise ConfigError(f"cannot tell the format of {out.name}; add --format {'|'.join(RANK_FORMATS)}")
        check_output(out)
    frame, report = load(path, settings)
    frame = pseudonymise(frame, key=key)
    ranking = rank_candidates(frame, settings=settings)
    lines = [f"{path.name}: {report.rows_kept:,} events kept of {report.rows_read:,} read "
             f"({report.rows_rejected:,} rejected); ranked by {settings.rank.sort_by}",
             *terminal_lines(ranking, top, include_all)]
    if out is None:
        return RankRun(ranking, report, lines)
    _write_ranking(ranking, frame, report, path.name, fmt, out, top, include_all)
    return RankRun(ranking, report, [*lines, "", f"ranking written to {out}"], out)


def _write_ranking(ranking, frame: pd.DataFrame, report: LoadReport, name: str, fmt: str,
                   out: Path, top: int, include_all: bool) -> None:
    from rpa_scout.drawing import neighbourhood
    from rpa_scout.graph import discover_graph
    from rpa_scout.io.rank_output import write_ranking
    from rpa_scout.present import export_table
    from rpa_scout.rank import annotate_graph

    graph, note = None, ""
    if fmt == "html":  # the candidates and the steps around them: a map dot can draw
        shown = export_table(ranking, top, include_all)
        activities = shown.loc[shown["kind"] == "activity", "candidate"] if not shown.empty else []
        graph, note = neighbourhood(discover_graph(frame), activities)
        graph = annotate_graph(graph, ranking)
    write_ranking(ranking, out, fmt, title=f"Automation candidates in {name}", graph=graph,
                  report=report, top=top, include_all=include_all, map_note=note)


def generate_file(process: str, cases: int, seed: int, out: Path, *,
                  complete_only: bool = False) -> list[str]:
    """Write a synthetic log and its ground truth; says what was written.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from rpa_scout.io.commands import generate_file
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     print("\\n".join(generate_file("rakennuslupa", 20, 7, Path(folder) / "lupa.csv.gz")))
        wrote 526 events of 20 rakennuslupa cases to .../lupa.csv.gz
        ground truth in .../lupa.truth.json
    """
    from rpa_scout.io.write_log import output_format, truth_path, write_log, write_truth
    from rpa_scout.synth import generate as simulate

    output_format(out)
    synthetic = simulate(process, cases, seed, complete_only=complete_only)
    write_log(synthetic.log, out)
    truth = write_truth(synthetic.truth, truth_path(out))
    return [f"wrote {len(synthetic.log):,} events of {cases:,} {synthetic.process} cases to {out}",
            f"ground truth in {truth}"]
