"""The ``rpa-scout`` command line: parses options, calls the library, prints results.

Every error becomes one ``Error: ...`` line on stderr: named rpa_scout errors exit 1,
usage errors 2, and anything unexpected exits 1 with the error's type, never a
traceback. Everything printed passes :func:`rpa_scout.safety.printable`, so names from
a log cannot send escape sequences to the terminal.
"""

from __future__ import annotations

import functools
import json
import sys
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable

import click

from rpa_scout import __version__
from rpa_scout.errors import RpaScoutError
from rpa_scout.safety import json_printable, printable


def _one_line(message: object) -> str:
    return " ".join(printable(str(message).replace("\n", " ")).split()) or "unknown error"


def _fail_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # numeric and library warnings are not for the terminal
                return func(*args, **kwargs)
        except RpaScoutError as exc:
            raise click.ClickException(_one_line(exc)) from None
        except MemoryError:
            raise click.ClickException("out of memory; try a smaller log, a lower --max-bytes "
                                       "or a machine with more memory") from None
        except KeyboardInterrupt:  # pragma: no cover
            raise click.Abort() from None
        except click.ClickException:
            raise
        except Exception as exc:  # a bug: still one line, and the type to report it by
            raise click.ClickException(_one_line(
                f"internal error ({type(exc).__name__}: {exc}); please report it with the "
                "command and the file's first lines")) from None
    return wrapper


def say(lines: str | Iterable[str]) -> None:
    """Print lines on stdout with control characters shown escaped."""
    text = lines if isinstance(lines, str) else "\n".join(lines)
    click.echo("\n".join(printable(line) for line in text.split("\n")))


class OneLineGroup(click.Group):
    """A group whose usage errors are one ``Error:`` line too (exit 2)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # noqa: D102 - click's
        if not kwargs.get("standalone_mode", True):
            return super().main(*args, **kwargs)
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else "rpa-scout"
            click.echo(f"Error: {_one_line(exc.format_message())} (see {command} --help)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {_one_line(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Error: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


class ByteSize(click.ParamType):
    """A size such as ``4G``, ``500M`` or ``1000000`` (bytes)."""

    name = "SIZE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from rpa_scout.io.stream import parse_size

        if isinstance(value, int):
            return value
        try:
            return parse_size(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


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
                     help="Start timestamp column (each row then one instance with start and "
                     "end, also when a lifecycle column says complete)."),
        click.option("--event-id", "event_id_col", metavar="COLUMN",
                     help="Event identifier column: rows repeating an earlier row's id, case, "
                     "activity and timestamp are export duplicates and dropped (default: a "
                     "column named event_id, eventid, id or concept:instance; '' for none)."),
        click.option("--drop-duplicates", is_flag=True,
                     help="Drop rows that repeat an identical earlier row (kept by default, "
                     "as pm4py and Disco keep them, and counted in the load report)."),
        click.option("--timestamp-format", metavar="FMT",
                     help="strftime format, e.g. '%d.%m.%Y %H.%M'; wins over detection."),
        click.option("--timezone", default="Europe/Helsinki", show_default=True,
                     help="Zone of the log: timestamps without an offset are read in it, and the working day is found in it."),
        click.option("--delimiter", metavar="CHAR", help="CSV delimiter (detected by default)."),
        click.option("--encoding", metavar="NAME", help="CSV encoding (detected by default)."),
        click.option("--sheet", metavar="NAME", help="Excel sheet (first by default)."),
        click.option("--max-bytes", type=ByteSize(), default="4G", show_default=True,
                     help="Read at most this much (uncompressed) data, e.g. 500M or 8G; "
                     "see the README's Security and limits."),
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
        drop_duplicates=opts.pop("drop_duplicates"), event_id=opts.pop("event_id_col"),
        max_bytes=opts.pop("max_bytes"),
    )


LOG_ARG = click.argument("log", type=click.Path(path_type=Path))


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
        click.echo(json_printable(json.dumps({"summary": summary.to_dict(), "load_report": report.to_dict()},
                                             indent=2, ensure_ascii=False)))
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
    say(lines)


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
    from rpa_scout.columns import XES
    from rpa_scout.drawing import drawable, graph_seconds
    from rpa_scout.graph import discover_graph, filter_graph
    from rpa_scout.io import pictures
    from rpa_scout.io.files import check_output
    from rpa_scout.render import to_dot

    if fmt is None:
        suffix = out.suffix.lstrip(".").lower() if out is not None else ""
        fmt = suffix if suffix in MAP_FORMATS else "svg"
    if out is None:
        out = Path(log.name.split(".")[0] + f"_{view}.{fmt}")
    check_output(out)
    frame, _report = load(log, opts)
    if fmt == "bpmn":
        from rpa_scout.model import discover_bpmn

        # BPMN is XML, which cannot hold control characters: the model names them escaped.
        names = frame[XES.activity].astype("string").map(printable, na_action="ignore")
        frame = frame.assign(**{XES.activity: names})
        pictures.write_bpmn(discover_bpmn(frame, noise_threshold=noise, activities=activities), out)
        say(f"BPMN model written to {out}")
        return
    graph = filter_graph(discover_graph(frame), activities=activities, paths=paths, log=frame)
    info = graph.graph["filter"]
    note = ""
    if fmt == "graphml":
        pictures.write_graphml(graph, out)
    elif fmt == "json":
        pictures.write_graph_json(graph, out)
    else:
        drawn, note = drawable(graph, frame) if fmt in ("svg", "png") else (graph, "")
        title = f"{log.name} — {view} view, {info['activities_kept']}/{info['activities_total']} activities"
        pictures.write_dot_picture(to_dot(drawn, view=view, title=title), out, fmt,
                                   seconds=graph_seconds(drawn))
    say(f"{view} map written to {out} ({info['activities_kept']} of "
        f"{info['activities_total']} activities, {info['edges_kept']} of "
        f"{info['edges_total']} paths)" + (f"; {note}" if note else ""))


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
        click.echo(json_printable(table.to_json(orient="records", force_ascii=False, indent=1)))
        return
    say(f"{row.rank:>3}. {row.cases:>7,} cases  {row.share:6.1%}  "
        f"(cum. {row.cumulative_share:6.1%})  {row.steps:>3} steps  {row.variant}"
        for row in table.itertuples(index=False))


@main.command("rank")
@LOG_ARG
@mapping_options
@click.option("--top", type=click.IntRange(1), default=10, show_default=True,
              help="How many candidates to show.")
@click.option("--all", "include_all", is_flag=True, help="Also list the candidates not recommended (below the fit threshold or a knock-out floor).")
@click.option("--standard-times", type=click.Path(path_type=Path), metavar="FILE",
              help="CSV or YAML of activity → minutes from your own time study; overrides estimates.")
@click.option("--hourly-cost", type=click.FloatRange(min=0, max=100_000), metavar="EUR",
              help="Cost of one hour of staff time (default 29 €/h, cited in the output).")
@click.option("--fte-hours", type=click.FloatRange(min=1, max=8784), metavar="H",
              help="Working hours per FTE a year (default 1,558 h, cited in the output).")
@click.option("--config", "config_file", type=click.Path(path_type=Path), metavar="FILE",
              help="YAML with rank weights and threshold, economics and manual rules.")
@click.option("--sort", "sort_by", type=click.Choice(["hours", "fit", "volume", "handling", "euros", "payback"]),
              default=None, help="Sort key (default: hours, or the config's).")
@click.option("--key", metavar="SECRET", help="Pseudonymisation key (or set RPA_SCOUT_KEY).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "md", "html", "xlsx"]), default=None,
              help="Output file format (default: from --out's suffix).")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Also write the ranking here.")
@_fail_cleanly
def rank_command(log: Path, top: int, include_all: bool, standard_times: Path | None,
                 hourly_cost: float | None, fte_hours: float | None, config_file: Path | None,
                 sort_by: str | None, key: str | None, fmt: str | None, out: Path | None,
                 **opts: Any) -> None:
    """Rank the manual steps and routines of LOG that a software robot should take over."""
    from dataclasses import fields as dc_fields

    from rpa_scout.assumptions import Economics
    from rpa_scout.errors import ConfigError
    from rpa_scout.drawing import neighbourhood
    from rpa_scout.graph import discover_graph
    from rpa_scout.io.config import read_config, read_standard_times
    from rpa_scout.io.files import check_output
    from rpa_scout.io.rank_output import FORMATS, write_ranking
    from rpa_scout.present import export_table
    from rpa_scout.manual import ManualRules
    from rpa_scout.present import terminal_lines
    from rpa_scout.privacy import pseudonymise
    from rpa_scout.rank import RankConfig, annotate_graph, rank_candidates

    settings = read_config(config_file) if config_file else {}
    try:
        rank_cfg = RankConfig(**{**settings.get("rank", {}), **({"sort_by": sort_by} if sort_by else {})})
        economics = Economics().with_overrides(**settings.get("economics", {}))
        economics = economics.with_overrides(hourly_cost=hourly_cost, fte_hours=fte_hours)
        rules = ManualRules(timezone=opts["timezone"], **settings.get("manual", {}))
    except TypeError as exc:
        known = ", ".join(f.name for f in dc_fields(RankConfig))
        raise ConfigError(f"{config_file}: {exc}; rank keys are {known}") from None
    if out is not None and fmt is None:
        fmt = out.suffix.lstrip(".").lower()
        if fmt not in FORMATS:
            raise ConfigError(f"cannot tell the format of {out.name}; add --format {'|'.join(FORMATS)}")
    if out is not None:
        check_output(out)
    times = read_standard_times(standard_times) if standard_times else None
    frame, report = load(log, opts)
    frame = pseudonymise(frame, key=key)
    ranking = rank_candidates(frame, standard_times=times, economics=economics, config=rank_cfg, rules=rules)
    say([f"{log.name}: {report.rows_kept:,} events kept of {report.rows_read:,} read "
         f"({report.rows_rejected:,} rejected); ranked by {rank_cfg.sort_by}",
         *terminal_lines(ranking, top, include_all)])
    if out is not None:
        graph, note = None, ""
        if fmt == "html":  # the candidates and the steps around them: a map dot can draw
            shown = export_table(ranking, top, include_all)
            names = shown.loc[shown["kind"] == "activity", "candidate"] if not shown.empty else []
            graph, note = neighbourhood(discover_graph(frame), names)
            graph = annotate_graph(graph, ranking)
        write_ranking(ranking, out, fmt, title=f"Automation candidates in {log.name}", graph=graph,
                      report=report, top=top, include_all=include_all, map_note=note)
        say(f"\nranking written to {out}")


@main.command()
@click.argument("process", metavar="PROCESS")
@click.option("--cases", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Number of cases; they arrive over the year 2025.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Random seed; the same seed gives byte-identical files.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              metavar="FILE", help="Log file (.xes.gz, .xes, .csv, .csv.gz or .parquet); the "
              "ground truth goes beside it as <stem>.truth.json.")
@click.option("--complete-only", is_flag=True, help="Leave out the start events.")
@_fail_cleanly
def generate(process: str, cases: int, seed: int, out: Path, complete_only: bool) -> None:
    """Write a synthetic Finnish municipal event log and its ground truth.

    PROCESS is ostolaskut (purchase invoices), rakennuslupa (building permits) or
    varhaiskasvatus (early-childhood-education applications).
    """
    from rpa_scout.io.write_log import output_format, truth_path, write_log, write_truth
    from rpa_scout.synth import generate as simulate

    output_format(out)
    synthetic = simulate(process, cases, seed, complete_only=complete_only)
    write_log(synthetic.log, out)
    truth = write_truth(synthetic.truth, truth_path(out))
    click.echo(f"wrote {len(synthetic.log):,} events of {cases:,} {synthetic.process} cases "
               f"to {out}")
    click.echo(f"ground truth in {truth}")
