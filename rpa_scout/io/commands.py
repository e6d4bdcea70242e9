"""One function per CLI command: read the log, run the stages, write the outputs.

The CLI parses options into a :class:`rpa_scout.settings.Settings` and calls exactly one
of these; each returns what there is to say (lines of text, or a table), and the CLI
prints it. Everything here is usable from Python too::

    >>> from rpa_scout.io.commands import rank_file
    >>> from rpa_scout.settings import Settings
    >>> run = rank_file("eventlogs/ostolaskut.csv.gz", Settings(), key="k")
    >>> run.lines[0].startswith("ostolaskut.csv.gz: 49,766 events kept")
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import pandas as pd

from rpa_scout.errors import ConfigError
from rpa_scout.io.files import check_output
from rpa_scout.io.formats import MAP_WRITE, RANK_WRITE, format_of, names
from rpa_scout.io.formats import names as names_of
from rpa_scout.io.read import read_log
from rpa_scout.load_report import LoadReport
from rpa_scout.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from rpa_scout.compare import Comparison

MAP_FORMATS = names(MAP_WRITE)
RANK_FORMATS = names(RANK_WRITE)
VIEWS = ("frequency", "performance")


def load(path: str | Path, settings: Settings) -> tuple[pd.DataFrame, LoadReport]:
    """:func:`rpa_scout.read_log` with the ``read`` section of ``settings``, then
    :func:`rpa_scout.filters.filter_log` with its ``filter`` section (the report says
    what the filters kept)."""
    from dataclasses import replace

    from rpa_scout.filters import filter_log

    frame, report = read_log(Path(path), **settings.read.keywords())
    if not settings.filter.active:
        return frame, report
    frame, kept = filter_log(frame, settings=settings, aliases=source_names(report))
    return frame, replace(report, filters=kept)


def source_names(report: LoadReport) -> dict[str, str]:
    """Source column → the XES column reading renamed it to (``tid`` → the case column)."""
    from rpa_scout.columns import XES

    return {source: getattr(XES, role) for role, source in report.mapping.items() if source}


def labels_of(frame: pd.DataFrame, report: LoadReport, column: str | None) -> dict[str, str] | None:
    """Activity → display name from ``--label COLUMN`` (a log or source column), or ``None``."""
    if column is None:
        return None
    from rpa_scout.filters import resolve_column
    from rpa_scout.labels import activity_labels

    return activity_labels(frame, resolve_column(frame, column, source_names(report), "--label"))


def inspect_file(path: str | Path, settings: Settings, *, rejects: Path | None = None,
                 as_json: bool = False) -> list[str]:
    """What is in the log and what reading it did to every row (text or JSON lines),
    and the columns that could name the activities (``--label``)."""
    import json

    from rpa_scout.inspect_log import summarise, summary_lines
    from rpa_scout.io.write import write_rejects
    from rpa_scout.labels import suggest_labels

    frame, report = load(path, settings)
    summary = summarise(frame)
    labels = suggest_labels(frame)
    if rejects is not None:
        write_rejects(report, rejects)
    if as_json:
        return [json.dumps({"summary": summary.to_dict(), "load_report": report.to_dict(),
                            "label_columns": [vars(s) for s in labels]}, indent=2, ensure_ascii=False)]
    lines = summary_lines(summary, report)
    at = next((i for i, line in enumerate(lines) if line == ""), len(lines))
    lines[at:at] = [f"labels         {s.line()}" for s in labels]
    if rejects is not None:
        lines.append(f"  rejected rows written to {rejects}")
    return lines


def map_file(path: str | Path, settings: Settings, *, view: str = "frequency",
             activities: float = 100.0, paths: float = 100.0, fmt: str | None = None,
             noise: float = 0.2, out: Path | None = None, label: str | None = None) -> list[str]:
    """Draw or export the process map (or the BPMN model) of a log; says what was written.
    With ``label``, the activities are shown by their display names."""
    from rpa_scout.labels import relabel

    path = Path(path)
    fmt = fmt or (format_of(out, MAP_WRITE) if out is not None else None) or "svg"
    out = out if out is not None else Path(path.name.split(".")[0] + f"_{view}.{fmt}")
    check_output(out)
    frame, report = load(path, settings)
    frame = relabel(frame, labels_of(frame, report, label))
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


def variants_file(path: str | Path, settings: Settings, *, top: int = 10,
                  label: str | None = None) -> pd.DataFrame:
    """The ``top`` most frequent variants of a log with their coverage (activities by
    their display names with ``label``)."""
    from rpa_scout.labels import relabel
    from rpa_scout.variants import variants

    frame, report = load(path, settings)
    return variants(relabel(frame, labels_of(frame, report, label)), top=top)


def variant_lines(table: pd.DataFrame) -> list[str]:
    """One line per variant: rank, cases, share, cumulative share, steps, the sequence."""
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
              include_all: bool = False, fmt: str | None = None, out: Path | None = None,
              label: str | None = None, explain: str | None = None) -> RankRun:
    """Read, pseudonymise and rank a log; write the ranking to ``out`` when given.

    With ``label``, candidates are shown by their display names (the figures and the
    activities' identity stay those of the log); with ``explain``, the lines are
    everything behind that one candidate's figure
    (:func:`rpa_scout.drilldown.explain_candidate`) instead of the table.
    """
    from rpa_scout.labels import labelled_ranking
    from rpa_scout.present import terminal_lines
    from rpa_scout.privacy import pseudonymise
    from rpa_scout.rank import rank_candidates

    path = Path(path)
    if explain is not None and out is not None:
        raise ConfigError("--explain prints one candidate's figure; write the ranking with --out "
                          "in a run without --explain")
    if out is not None:
        fmt = fmt or format_of(out, RANK_WRITE)
        if fmt is None:
            raise ConfigError(f"cannot tell the format of {out.name}; add --format {'|'.join(RANK_FORMATS)}")
        check_output(out)
    frame, report = load(path, settings)
    labels = labels_of(frame, report, label)
    frame = pseudonymise(frame, key=key)
    ranking = rank_candidates(frame, settings=settings)
    head = (f"{path.name}: {report.rows_kept:,} events kept of {report.rows_read:,} read "
            f"({report.rows_rejected:,} rejected)" + _filtered(report))
    if explain is not None:
        from rpa_scout.drilldown import explain_candidate

        return RankRun(ranking, report, [head, "", *explain_candidate(frame, ranking, explain,
                                                                        settings=settings, labels=labels)])
    shown = labelled_ranking(ranking, labels)
    lines = [f"{head}; ranked by {settings.rank.sort_by}", *terminal_lines(shown, top, include_all)]
    if out is None:
        return RankRun(ranking, report, lines)
    _write_ranking(ranking, frame, report, path.name, fmt, out, top, include_all, labels)
    return RankRun(ranking, report, [*lines, "", f"ranking written to {out}"], out)


def _filtered(report: LoadReport) -> str:
    """``; filters kept … cases and … events`` when filters were applied."""
    kept = report.filters
    if kept is None or not kept.steps:
        return ""
    return (f"; filters kept {kept.cases_kept:,} of {kept.cases_before:,} cases and "
            f"{kept.events_kept:,} of {kept.events_before:,} events")


def _write_ranking(ranking, frame: pd.DataFrame, report: LoadReport, name: str, fmt: str,
                   out: Path, top: int, include_all: bool, labels: dict[str, str] | None = None) -> None:
    import networkx as nx

    from rpa_scout.drawing import neighbourhood
    from rpa_scout.graph import discover_graph
    from rpa_scout.io.rank_output import write_ranking
    from rpa_scout.labels import labelled_ranking
    from rpa_scout.present import export_table
    from rpa_scout.rank import annotate_graph

    graph, note = None, ""
    if fmt == "html":  # the candidates and the steps around them: a map dot can draw
        shown = export_table(ranking, top, include_all)
        activities = shown.loc[shown["kind"] == "activity", "candidate"] if not shown.empty else []
        graph, note = neighbourhood(discover_graph(frame), activities)
        graph = annotate_graph(graph, ranking)
        if labels:
            graph = nx.relabel_nodes(graph, labels, copy=True)
    write_ranking(labelled_ranking(ranking, labels), out, fmt, title=f"Automation candidates in {name}",
                  graph=graph, report=report, top=top, include_all=include_all, map_note=note)


def generate_file(process: str, cases: int, seed: int, out: Path, *,
                  complete_only: bool = False, automated: Sequence[str] = ()) -> list[str]:
    """Write a synthetic log and its ground truth; says what was written."""
    from rpa_scout.io.write_log import output_format, truth_path, write_log, write_truth
    from rpa_scout.synth import generate as simulate

    output_format(out)
    synthetic = simulate(process, cases, seed, complete_only=complete_only, automated=automated)
    write_log(synthetic.log, out)
    truth = write_truth(synthetic.truth, truth_path(out))
    return [f"wrote {len(synthetic.log):,} events of {cases:,} {synthetic.process} cases to {out}",
            f"ground truth in {truth}"]


@dataclass(frozen=True)
class CompareRun:
    """What ``compare`` did: the comparison, the load reports, the lines, the files written."""

    comparison: object  # rpa_scout.compare.Comparison
    reports: list[LoadReport]
    lines: list[str]
    written: tuple[Path, ...] = ()


def compare_files(paths: Sequence[str | Path], settings: Settings, *, by: str | None = None,
                  names: Sequence[str] = (), label: str | None = None, key: str | None = None,
                  top: int = 10, fmt: str | None = None, out: Path | None = None,
                  heatmap: Path | None = None, heatmap_value: str = "manual") -> CompareRun:
    """Compare organisations: one log split ``by`` a column, or one log per organisation.

    Every log is read and filtered with the same settings, pseudonymised with one key,
    and each organisation is analysed alike (:func:`rpa_scout.compare_logs`). Writes
    the full table to ``out`` (csv, json, md, html, xlsx) and the activities ×
    organisations heatmap to ``heatmap`` (SVG) when given.

    Raises:
        ConfigError: ``by`` with several logs, one log without ``by``, names that do
            not match the logs, an unknown output format; and what reading, filtering,
            splitting or ranking an organisation raises.
    """
    from rpa_scout.compare import compare_logs

    paths = [Path(p) for p in paths]
    fmt = _compare_checks(paths, by, names, fmt, out, heatmap)
    logs, reports, aliases = _organisation_logs(paths, settings, by, names, key)
    labels = _compare_labels(logs, label, aliases)
    comparison = compare_logs(logs, settings=settings, labels=labels)
    what = f"{paths[0].name} by {by}" if by else ", ".join(p.name for p in paths)
    lines = [*_read_lines(reports), *_organisation_lines(logs), "", *_comparison_lines(comparison, top)]
    written = _write_comparison(comparison, reports, what, fmt, out, heatmap, heatmap_value)
    lines += [""] + [f"{kind} written to {path}" for kind, path in written] if written else []
    return CompareRun(comparison, reports, lines, tuple(path for _, path in written))


def _comparison_lines(comparison: "Comparison", top: int) -> list[str]:
    from rpa_scout.compare_report import compare_lines

    return compare_lines(comparison, top=top)


def _compare_checks(paths: list[Path], by: str | None, names: Sequence[str], fmt: str | None,
                    out: Path | None, heatmap: Path | None) -> str | None:
    """The output format, after checking the logs, names and output files make sense."""
    from rpa_scout.io.formats import COMPARE_WRITE

    if by is not None and len(paths) != 1:
        raise ConfigError(f"--by splits one log; give one LOG with --by {by}, or several logs without it")
    if by is None and len(paths) < 2:
        raise ConfigError("compare needs two or more logs (one per organisation), or one log and "
                          "--by COLUMN")
    if names and (by is not None or len(names) != len(paths)):
        raise ConfigError(f"--name labels each log: give it once per log ({len(paths)} logs, "
                          f"{len(names)} names), and not with --by")
    if out is not None:
        fmt = fmt or format_of(out, COMPARE_WRITE)
        if fmt is None:
            raise ConfigError(f"cannot tell the format of {out.name}; add --format "
                              f"{'|'.join(names_of(COMPARE_WRITE))}")
        check_output(out)
    if heatmap is not None:
        if not heatmap.name.lower().endswith(".svg"):
            raise ConfigError(f"--heatmap {heatmap.name}: the heatmap is an SVG file; name it *.svg")
        check_output(heatmap)
    return fmt


def _organisation_logs(paths: list[Path], settings: Settings, by: str | None, names: Sequence[str],
                       key: str | None) -> tuple[dict[str, pd.DataFrame], list[LoadReport], dict[str, str]]:
    """Organisation → its pseudonymised log; the load reports; source column aliases."""
    import os
    import secrets

    from rpa_scout.compare import split_by
    from rpa_scout.io.formats import LOG_READ, strip_suffix
    from rpa_scout.privacy import KEY_VARIABLE, pseudonymise

    key = key or os.environ.get(KEY_VARIABLE) or secrets.token_hex(32)  # one key for every log
    logs: dict[str, pd.DataFrame] = {}
    reports, aliases = [], {}
    for i, path in enumerate(paths):
        frame, report = load(path, settings)
        reports.append(report)
        aliases.update(source_names(report))
        frame = pseudonymise(frame, key=key)
        if by is not None:
            logs = split_by(frame, by, aliases=aliases)
            continue
        name = names[i] if names else strip_suffix(path, LOG_READ)
        if name in logs:
            raise ConfigError(f"two logs are called {name!r}; name each with --name")
        logs[name] = frame
    return logs, reports, aliases


def _compare_labels(logs: dict[str, pd.DataFrame], label: str | None,
                    aliases: dict[str, str]) -> dict[str, str] | None:
    """Display names from every organisation's events together (one name per activity)."""
    if label is None:
        return None
    from rpa_scout.columns import XES
    from rpa_scout.filters import resolve_column
    from rpa_scout.labels import activity_labels

    first = next(iter(logs.values()))
    column = resolve_column(first, label, aliases, "--label")
    parts = [log[[XES.case, XES.activity, XES.timestamp, column]] for log in logs.values()
             if column in log.columns]
    return activity_labels(pd.concat(parts, ignore_index=True), column)


def _read_lines(reports: list[LoadReport]) -> list[str]:
    return [f"{r.source}: {r.rows_kept:,} events kept of {r.rows_read:,} read "
            f"({r.rows_rejected:,} rejected)" + _filtered(r) for r in reports]


def _organisation_lines(logs: dict[str, pd.DataFrame]) -> list[str]:
    from rpa_scout.columns import XES

    return ["organisations: " + "; ".join(
        f"{name} {log[XES.case].nunique():,} cases, {len(log):,} events" for name, log in logs.items())]


def _write_comparison(comparison: "Comparison", reports: list[LoadReport], what: str, fmt: str | None,
                      out: Path | None, heatmap: Path | None, value: str) -> list[tuple[str, Path]]:
    """Write the table and the heatmap; (what, where) for each file written."""
    from rpa_scout.heatmap import heatmap_svg
    from rpa_scout.io.compare_output import write_comparison
    from rpa_scout.io.files import atomic_text

    title = f"Organisations compared: {what}"
    written = []
    svg = heatmap_svg(comparison, value=value) if heatmap is not None or fmt == "html" else None
    if heatmap is not None:
        written.append(("heatmap", atomic_text(heatmap, svg)))
    if out is not None:
        written.append(("comparison", write_comparison(comparison, out, fmt, title=title, reports=reports,
                                                       heatmap_svg=svg,
                                                       heatmap_name=heatmap.name if heatmap else None)))
    return written


@dataclass(frozen=True)
class CasesRun:
    """What ``cases`` did: the table of cases, the load report and the lines to show."""

    cases: object  # rpa_scout.drilldown.CaseTable
    report: LoadReport
    lines: list[str]


def cases_file(path: str | Path, settings: Settings, *, step: str, top: int = 10,
               label: str | None = None, as_json: bool = False) -> CasesRun:
    """The cases behind one step of a log (:func:`rpa_scout.drilldown.cases_behind`):
    case id, start, variant, the step's handling time and its source."""
    import json

    from rpa_scout.drilldown import cases_behind

    frame, report = load(path, settings)
    labels = labels_of(frame, report, label)
    found = cases_behind(frame, step, settings=settings, top=top, labels=labels)
    if as_json:
        table = found.table.assign(started=found.table["started"].map(lambda t: t.isoformat()))
        payload = {"activity": found.activity, "cases": found.cases, "executions": found.executions,
                   "listed": json.loads(table.to_json(orient="records", force_ascii=False))}
        return CasesRun(found, report, [json.dumps(payload, indent=1, ensure_ascii=False)])
    head = (f"{Path(path).name}: {report.rows_kept:,} events kept of {report.rows_read:,} read "
            f"({report.rows_rejected:,} rejected)" + _filtered(report))
    return CasesRun(found, report, [head, "", *found.lines(labels, settings.read.timezone)])
