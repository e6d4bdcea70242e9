"""The ``rpa-scout`` command line: parses options, calls the library, prints results.

Every named rpa_scout error becomes one ``Error: ...`` line on stderr and exit code 1.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Callable

import click

from rpa_scout import __version__
from rpa_scout.errors import RpaScoutError


def _fail_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except RpaScoutError as exc:
            raise click.ClickException(str(exc)) from None
        except MemoryError:
            raise click.ClickException("out of memory; try a smaller log or a machine "
                                       "with more memory") from None
        except KeyboardInterrupt:  # pragma: no cover
            raise click.Abort() from None
    return wrapper


def mapping_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options that say how to read a log (shared by every command that reads one)."""
    options = [
        click.option("--preset", type=click.Choice(["xes", "csv", "disco", "fi", "sv"]),
                     help="Column preset; detected from the header when omitted."),
        click.option("--case", "case_col", metavar="COLUMN", help="Case id column."),
        click.option("--activity", "activity_col", metavar="COLUMN", help="Activity column."),
        click.option("--timestamp", "timestamp_col", metavar="COLUMN",
                     help="(Completion) timestamp column."),
        click.option("--resource", "resource_col", metavar="COLUMN", help="Resource column."),
        click.option("--lifecycle", "lifecycle_col", metavar="COLUMN",
                     help="Lifecycle transition column."),
        click.option("--start-timestamp", "start_col", metavar="COLUMN",
                     help="Start timestamp column."),
        click.option("--timestamp-format", metavar="FMT",
                     help="strftime format, e.g. '%d.%m.%Y %H.%M'; wins over detection."),
        click.option("--timezone", default="Europe/Helsinki", show_default=True,
                     help="Zone of timestamps that carry no offset."),
        click.option("--delimiter", metavar="CHAR", help="CSV delimiter (detected by default)."),
        click.option("--encoding", metavar="NAME", help="CSV encoding (detected by default)."),
        click.option("--sheet", metavar="NAME", help="Excel sheet (first by default)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def load(log: Path, opts: dict[str, Any]):
    """Call :func:`rpa_scout.read_log` with the mapping options of a command."""
    from rpa_scout.io.read import read_log

    delimiter = opts.pop("delimiter")
    if delimiter in ("\\t", "tab", "TAB"):
        delimiter = "\t"
    return read_log(
        log, opts.pop("preset"),
        case=opts.pop("case_col"), activity=opts.pop("activity_col"),
        timestamp=opts.pop("timestamp_col"), resource=opts.pop("resource_col"),
        lifecycle=opts.pop("lifecycle_col"), start_timestamp=opts.pop("start_col"),
        timestamp_format=opts.pop("timestamp_format"), timezone=opts.pop("timezone"),
        delimiter=delimiter, encoding=opts.pop("encoding"), sheet=opts.pop("sheet"),
    )


LOG_ARG = click.argument("log", type=click.Path(path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rpa-scout")
def main() -> None:
    """Find the manual work in a case-system event log that software robots should take over."""


@main.command()
@LOG_ARG
@mapping_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--rejects", type=click.Path(path_type=Path), metavar="FILE",
              help="Write the rejected rows, with row number and reason, to this CSV.")
@_fail_cleanly
def inspect(log: Path, as_json: bool, rejects: Path | None, **opts: Any) -> None:
    """Show what is in LOG and what reading it did to every row."""
    from rpa_scout.inspect_log import summarise
    from rpa_scout.io.write import write_rejects

    frame, report = load(log, opts)
    summary = summarise(frame)
    if rejects is not None:
        write_rejects(report, rejects)
    if as_json:
        click.echo(json.dumps({"summary": summary.to_dict(), "load_report": report.to_dict()},
                              indent=2, ensure_ascii=False))
        return
    s = summary
    span = f"{s.first_event:%Y-%m-%d} .. {s.last_event:%Y-%m-%d}" if s.first_event else "-"
    lines = [
        f"log            {report.source} ({report.format})",
        f"cases          {s.cases:>12,}",
        f"events         {s.events:>12,}",
        f"activities     {s.activities:>12,}",
        f"resources      {s.resources:>12,}  (events with a resource: {s.events_with_resource:,})",
        f"time span      {span}",
        f"timestamps     {report.timestamp_method}",
        f"mapping        {report.mapping_name}: "
        + ", ".join(f"{k}={v}" for k, v in report.mapping.items()),
    ]
    if s.lifecycle_values:
        lines.append("lifecycle      " + ", ".join(f"{k} {v:,}" for k, v in s.lifecycle_values.items()))
    if s.case_attributes:
        lines.append("case attrs     " + ", ".join(s.case_attributes))
    if s.attributes:
        lines.append("event attrs    " + ", ".join(s.attributes))
    lines.append("")
    lines.append("load report")
    lines.extend("  " + line for line in report.lines())
    if rejects is not None:
        lines.append(f"  rejected rows written to {rejects}")
    click.echo("\n".join(lines))


MAP_FORMATS = ("svg", "png", "dot", "graphml", "json", "bpmn")


@main.command("map")
@LOG_ARG
@mapping_options
@click.option("--view", type=click.Choice(["frequency", "performance"]), default="frequency",
              show_default=True, help="Edge widths by count, or colours by waiting time.")
@click.option("--activities", type=click.FloatRange(0, 100), default=100.0, show_default=True,
              help="Keep the most frequent activities covering this % of events.")
@click.option("--paths", type=click.FloatRange(0, 100), default=100.0, show_default=True,
              help="Keep the most frequent paths covering this % of transitions.")
@click.option("--format", "fmt", type=click.Choice(MAP_FORMATS), default=None,
              help="Output format (default: from --out's suffix, else svg).")
@click.option("--noise", type=click.FloatRange(0, 1), default=0.2, show_default=True,
              help="Inductive-miner noise threshold for --format bpmn.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output file (default: LOG's name with the format's suffix, in the current folder).")
@_fail_cleanly
def map_command(log: Path, view: str, activities: float, paths: float, fmt: str | None,
                noise: float, out: Path | None, **opts: Any) -> None:
    """Draw the process map of LOG (frequency or performance view), filtered like Disco."""
    from rpa_scout.graph import discover_graph, filter_graph
    from rpa_scout.io import pictures
    from rpa_scout.render import to_dot

    if fmt is None:
        suffix = out.suffix.lstrip(".").lower() if out is not None else ""
        fmt = suffix if suffix in MAP_FORMATS else "svg"
    if out is None:
        out = Path(log.name.split(".")[0] + f"_{view}.{fmt}")
    frame, _report = load(log, opts)
    if fmt == "bpmn":
        from rpa_scout.model import discover_bpmn

        pictures.write_bpmn(discover_bpmn(frame, noise_threshold=noise), out)
        click.echo(f"BPMN model written to {out}")
        return
    graph = filter_graph(discover_graph(frame), activities=activities, paths=paths, log=frame)
    info = graph.graph["filter"]
    if fmt == "graphml":
        pictures.write_graphml(graph, out)
    elif fmt == "json":
        pictures.write_graph_json(graph, out)
    else:
        title = f"{log.name} — {view} view, {info['activities_kept']}/{info['activities_total']} activities"
        pictures.write_dot_picture(to_dot(graph, view=view, title=title), out, fmt)
    click.echo(f"{view} map written to {out} ({info['activities_kept']} of "
               f"{info['activities_total']} activities, {info['edges_kept']} of "
               f"{info['edges_total']} paths)")


@main.command("variants")
@LOG_ARG
@mapping_options
@click.option("--top", type=click.IntRange(1), default=10, show_default=True,
              help="How many variants to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@_fail_cleanly
def variants_command(log: Path, top: int, as_json: bool, **opts: Any) -> None:
    """List the most frequent variants (activity sequences) of LOG with their coverage."""
    from rpa_scout.variants import variants

    frame, _report = load(log, opts)
    table = variants(frame, top=top)
    if as_json:
        click.echo(table.to_json(orient="records", force_ascii=False, indent=1))
        return
    for row in table.itertuples(index=False):
        click.echo(f"{row.rank:>3}. {row.cases:>7,} cases  {row.share:6.1%}  "
                   f"(cum. {row.cumulative_share:6.1%})  {row.steps:>3} steps  {row.variant}")
