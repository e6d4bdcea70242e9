"""The ``rpa-scout`` command line: parses options, calls the library, prints results.

Every error becomes one ``Error: ...`` line on stderr: named rpa_scout errors exit 1,
usage errors 2, and anything unexpected exits 1 with the error's type, never a
traceback. Everything printed passes :func:`rpa_scout.safety.printable`, so names from
a log cannot send escape sequences to the terminal.
"""

from __future__ import annotations

import functools
import sys
import warnings
from pathlib import Path
from typing import Any, Callable, Iterable

import click

from rpa_scout import __version__
from rpa_scout.columns import PRESETS
from rpa_scout.errors import RpaScoutError
from rpa_scout.io.formats import MAP_WRITE, RANK_WRITE, names
from rpa_scout.lang import LANGS
from rpa_scout.safety import json_printable, printable
from rpa_scout.settings import DEFAULT_TIMEZONE, EPOCH_CLOCKS, PERIOD_BASES, SORT_KEYS

VIEWS = ("frequency", "performance")


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


FILTER_OPTIONS = [
    click.option("--from", "date_from", metavar="DATE",
                 help="First day of the period (YYYY-MM-DD or d.m.yyyy, a local day in --timezone)."),
    click.option("--to", "date_to", metavar="DATE", help="Last day of the period (included)."),
    click.option("--period-basis", type=click.Choice(PERIOD_BASES), default=None,
                 help="cases: keep the cases that started in the period, with all their events "
                 "(Disco's 'started in timeframe'); events: keep the events in the period "
                 "(Disco's 'trim to timeframe') [default: cases]."),
    click.option("--where", "where", metavar="CONDITION", multiple=True,
                 help="Keep events where COLUMN=VALUE, COLUMN!=VALUE, 'COLUMN in A,B' or "
                 "'COLUMN not in A,B' holds (repeatable: all must hold)."),
    click.option("--min-cases", type=click.IntRange(min=0), default=None, metavar="N",
                 help="Drop activities performed in fewer than N cases."),
]
FILTER_NAMES = ("date_from", "date_to", "period_basis", "where", "min_cases")


def mapping_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options that say how to read a log (shared by every command that reads one)."""
    options = [
        click.option("--preset", type=click.Choice(tuple(PRESETS)),
                     help="Column preset; detected from the header when omitted."),
        click.option("--case", "case", metavar="COLUMN", help="Case id column."),
        click.option("--activity", "activity", metavar="COLUMN", help="Activity column."),
        click.option("--timestamp", "timestamp", metavar="COLUMN",
                     help="(Completion) timestamp column."),
        click.option("--resource", "resource", metavar="COLUMN", help="Resource column."),
        click.option("--lifecycle", "lifecycle", metavar="COLUMN",
                     help="Lifecycle transition column ('' for none: every row is then a "
                     "completion, the column an attribute)."),
        click.option("--start-timestamp", "start_timestamp", metavar="COLUMN",
                     help="Start timestamp column (each row then one instance with start and "
                     "end, also when a lifecycle column says complete)."),
        click.option("--instance", "instance", metavar="COLUMN",
                     help="Activity instance id column: a start pairs with the complete of the "
                     "same id (default: concept:instance or activity_instance_id when present; "
                     "else first in, first out)."),
        click.option("--event-id", "event_id", metavar="COLUMN",
                     help="Event identifier column: rows repeating an earlier row's id, case, "
                     "activity and timestamp are export duplicates and dropped (default: a "
                     "column named event_id, eventid, id or concept:instance; '' for none)."),
        click.option("--drop-duplicates", is_flag=True, default=None,
                     help="Drop rows that repeat an identical earlier row (kept by default, "
                     "as pm4py and Disco keep them, and counted in the load report)."),
        click.option("--timestamp-format", metavar="FMT",
                     help="strftime format, e.g. '%d.%m.%Y %H.%M'; wins over detection."),
        click.option("--timezone", metavar="ZONE",
                     help=f"Zone of the log: timestamps without an offset are read in it, and "
                     f"the working day is found in it [default: {DEFAULT_TIMEZONE}]."),
        click.option("--epoch-clock", type=click.Choice(EPOCH_CLOCKS), default=None,
                     help="Epoch numbers are UTC (utc), wall-clock time written as if UTC "
                     "(local: read in --timezone), or decided from the column (auto: local when "
                     "a tenth are dates at 00:00 UTC) [default: auto]."),
        click.option("--delimiter", metavar="CHAR", help="CSV delimiter (detected by default)."),
        click.option("--encoding", metavar="NAME", help="CSV encoding (detected by default)."),
        click.option("--sheet", metavar="NAME", help="Excel sheet (default: the first whose header names three or more columns; a cover sheet is passed over)."),
        click.option("--max-bytes", type=ByteSize(), default=None,
                     help="Read at most this much (uncompressed) data, e.g. 500M or 8G "
                     "[default: 4G]; see the README's Security and limits."),
        click.option("--cache/--no-cache", default=None,
                     help="Keep a Parquet copy of an XES log beside it (or in ~/.cache/rpa_scout), "
                     "named by its content hash, so the next run reads Parquet [default: cache]."),
        click.option("--config", "config_file", type=click.Path(path_type=Path), metavar="FILE",
                     help="YAML settings (sections read, filter, manual, handling, rank, "
                     "economics, present); options given here win."),
        *FILTER_OPTIONS,
    ]
    for option in reversed(options):
        func = option(func)
    return func


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--lang`` and ``--quiet``, on every command."""
    func = click.option("--quiet", "-q", is_flag=True,
                        help="No progress on stderr; with --out, nothing on stdout either.")(func)
    return click.option("--lang", type=click.Choice(LANGS), default=None,
                        help="Language of the text, Markdown, HTML and Excel output (CSV and JSON keep "
                        "English keys) [default: the locale's (LC_ALL, LC_MESSAGES or LANG), else en].")(func)


class FiniteRange(click.FloatRange):
    """A number in a range, and a number at all: ``nan`` passes click's range check (every
    comparison with it is false) and reached the figures as a blank euro column."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        import math

        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def economics_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--standard-times``, ``--hourly-cost`` and ``--fte-hours`` (rank and compare)."""
    options = [
        click.option("--standard-times", type=click.Path(path_type=Path), metavar="FILE",
                     help="CSV or YAML of activity → minutes from your own time study; overrides "
                     "estimates."),
        click.option("--hourly-cost", type=FiniteRange(min=0, max=100_000), metavar="EUR",
                     help="Cost of one hour of staff time (default 29 €/h, cited in the output)."),
        click.option("--fte-hours", type=FiniteRange(min=1, max=8784), metavar="H",
                     help="Working hours per FTE a year (default 1,558 h, cited in the output)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def width() -> int:
    """The terminal's width in columns (``COLUMNS`` when set; 80 when unknown)."""
    import shutil

    return max(40, shutil.get_terminal_size((80, 24)).columns)


def progress_for(settings: Any, quiet: bool):
    """Progress lines on stderr in the run's language, when stderr is a terminal."""
    from rpa_scout.io.progress import Progress
    from rpa_scout.lang import Lang

    return Progress.for_terminal(Lang(settings.present.lang), quiet=quiet)


READ_OPTIONS = ("preset", "case", "activity", "timestamp", "resource", "lifecycle",
                "start_timestamp", "instance", "event_id", "drop_duplicates", "timestamp_format", "timezone",
                "epoch_clock", "delimiter", "encoding", "sheet", "max_bytes", "cache")


def settings_of(opts: dict[str, Any], **overrides: Any):
    """The run's :class:`rpa_scout.settings.Settings` from the mapping options (popped
    from ``opts``), ``--lang``, the ``--config`` file and the command's own options; the
    language defaults to the locale's."""
    from rpa_scout.io.config import load_settings
    from rpa_scout.lang import lang_from_environment

    read = {name: opts.pop(name) for name in READ_OPTIONS}
    if read["delimiter"] in ("\\t", "tab", "TAB"):
        read["delimiter"] = "\t"
    filters = {name: opts.pop(name) for name in FILTER_NAMES}
    filters["where"] = tuple(filters["where"] or ())
    return load_settings(opts.pop("config_file"), read=read, filters=filters,
                         lang=opts.pop("lang", None), default_lang=lang_from_environment(), **overrides)


LOG_ARG = click.argument("log", type=click.Path(path_type=Path))
#: A LOG that ``--engine spark`` may read from a cluster's storage: text, as a URL is no path.
SOURCE_ARG = click.argument("log", metavar="LOG")
#: ``--engine`` of the commands that read one log.
READ_ENGINE = ("Where LOG is read: here, or on Spark, which chooses the rows the filters keep and sends "
               "only those here (LOG: Parquet files, a folder, a glob or a URL).")


def engine_options(engine_help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--engine local|spark`` (its help ``engine_help``) and ``--spark-master``."""
    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        command = click.option("--spark-master", metavar="URL", default=None,
                               help="The Spark cluster for --engine spark (spark://host:7077, yarn, "
                               "k8s://...; default: this machine).")(command)
        return click.option("--engine", type=click.Choice(("local", "spark")), default="local",
                            show_default=True, help=engine_help)(command)
    return decorate


LABEL_OPTION = click.option(
    "--label", metavar="COLUMN",
    help="Show each activity by the readable name in COLUMN (e.g. activityNameEN); codes that "
    "share a name are shown with the code. inspect names the columns that fit.")


@click.group(cls=OneLineGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rpa-scout")
def main() -> None:
    """Find the manual work in a case-system event log that software robots should take over."""


def _examples(*lines: str) -> str:
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


@main.command(epilog=_examples(
    "rpa-scout inspect eventlogs/ostolaskut.csv.gz",
    "rpa-scout inspect vienti.csv --preset fi --rejects hylatyt.csv",
    "rpa-scout inspect BPIC15_1.xes.gz --json --lang en"))
@SOURCE_ARG
@mapping_options
@output_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--rejects", type=click.Path(path_type=Path), metavar="FILE",
              help="Write the rejected rows, with row number and reason, to this CSV (as the export "
                   "holds them, names included: a file for mending the export, not for sharing).")
@engine_options(READ_ENGINE)
@_fail_cleanly
def inspect(log: str, as_json: bool, rejects: Path | None, engine: str, spark_master: str | None, quiet: bool,
            **opts: Any) -> None:
    """Show what is in LOG and what reading it did to every row."""
    from rpa_scout.io.commands import inspect_file

    settings = settings_of(opts)
    lines = inspect_file(log, settings, rejects=rejects, as_json=as_json, width=width(),
                         progress=progress_for(settings, quiet), engine=engine, spark_master=spark_master)
    if as_json:
        click.echo(json_printable(lines[0]))
    else:
        say(lines)


@main.command("map", epilog=_examples(
    "rpa-scout map eventlogs/rakennuslupa.xes.gz --out kartta.svg",
    "rpa-scout map log.xes.gz --view performance --lang fi --out kartta.svg",
    "rpa-scout map log.csv --format bpmn --noise 0.2 --out malli.bpmn"))
@SOURCE_ARG
@mapping_options
@output_options
@click.option("--view", type=click.Choice(VIEWS), default="frequency",
              show_default=True, help="Edges labelled by count, or coloured and labelled by waiting time.")
@click.option("--activities", type=FiniteRange(0, 100), default=100.0, show_default=True,
              help="Keep the most frequent activities covering this % of events.")
@click.option("--paths", type=FiniteRange(0, 100), default=100.0, show_default=True,
              help="Keep the most frequent paths covering this % of transitions.")
@click.option("--format", "fmt", type=click.Choice(names(MAP_WRITE)), default=None,
              help="Output format (default: from --out's suffix, else svg).")
@click.option("--noise", type=FiniteRange(0, 1), default=None,
              help="Inductive-miner noise threshold for --format bpmn (default 0.2).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output file (default: LOG's name, the view and the format's suffix, e.g. "
                   "receipt_frequency.svg, in the current folder).")
@LABEL_OPTION
@engine_options(READ_ENGINE)
@_fail_cleanly
def map_command(log: str, view: str, activities: float, paths: float, fmt: str | None,
                noise: float | None, out: Path | None, label: str | None, engine: str,
                spark_master: str | None, quiet: bool, **opts: Any) -> None:
    """Draw the process map of LOG (frequency or performance view), filtered like Disco."""
    from rpa_scout.io.commands import map_file

    settings = settings_of(opts)
    lines = map_file(log, settings, view=view, activities=activities, paths=paths, fmt=fmt,
                     noise=0.2 if noise is None else noise, noise_given=noise is not None, out=out,
                     label=label, progress=progress_for(settings, quiet), engine=engine,
                     spark_master=spark_master)
    if not quiet:
        say(_wrapped(lines))


def _wrapped(lines: list[str]) -> list[str]:
    from rpa_scout.present import wrap

    return [part for line in lines for part in (wrap(line, width(), indent="  ", first="") if line else [""])]


@main.command("variants", epilog=_examples(
    "rpa-scout variants eventlogs/ostolaskut.csv.gz",
    "rpa-scout variants log.xes.gz --top 20 --lang sv",
    "rpa-scout variants log.xes.gz --json"))
@SOURCE_ARG
@mapping_options
@output_options
@click.option("--top", type=click.IntRange(1), default=10, show_default=True,
              help="How many variants to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@LABEL_OPTION
@engine_options(READ_ENGINE)
@_fail_cleanly
def variants_command(log: str, top: int, as_json: bool, label: str | None, engine: str,
                     spark_master: str | None, quiet: bool, **opts: Any) -> None:
    """List the most frequent variants (activity sequences) of LOG with their coverage."""
    from rpa_scout.io.commands import variant_lines, variants_file
    from rpa_scout.lang import Lang

    settings = settings_of(opts)
    table = variants_file(log, settings, top=top, label=label, progress=progress_for(settings, quiet),
                          engine=engine, spark_master=spark_master)
    if as_json:
        click.echo(json_printable(table.to_json(orient="records", force_ascii=False, indent=1)))
    else:
        say(variant_lines(table, Lang(settings.present.lang), width()))


@main.command("rank", epilog=_examples(
    "rpa-scout rank eventlogs/ostolaskut.csv.gz",
    "rpa-scout rank BPIC15_1.xes.gz --timezone Europe/Amsterdam --out r.html",
    "rpa-scout rank 's3a://kuntadata/luvat/' --where kunta=Espoo --engine spark"))
@SOURCE_ARG
@mapping_options
@output_options
@click.option("--top", type=click.IntRange(1), default=10, show_default=True,
              help="How many recommended candidates the terminal shows (a file written with --out holds them all).")
@click.option("--all", "include_all", is_flag=True, help="Also list the candidates not recommended (below the fit "
              "threshold or a knock-out floor), with the reason, in the terminal and in the file, and every "
              "activity not ranked.")
@economics_options
@click.option("--sort", "sort_by", type=click.Choice(SORT_KEYS),
              default=None, help="Sort key (default: hours, or the config's).")
@click.option("--key", metavar="SECRET", help="Pseudonymisation key (or set RPA_SCOUT_KEY).")
@click.option("--format", "fmt", type=click.Choice(names(RANK_WRITE)), default=None,
              help="Output file format (default: from --out's suffix).")
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Also write the ranking here.")
@LABEL_OPTION
@click.option("--explain", metavar="NAME", help="Print everything behind one candidate's figure: "
              "volumes per month, handling-time histogram, criteria, knock-outs, assumptions.")
@engine_options(READ_ENGINE)
@_fail_cleanly
def rank_command(log: str, top: int, include_all: bool, standard_times: Path | None,
                 hourly_cost: float | None, fte_hours: float | None, sort_by: str | None,
                 key: str | None, fmt: str | None, out: Path | None, label: str | None,
                 explain: str | None, engine: str, spark_master: str | None, quiet: bool,
                 **opts: Any) -> None:
    """Rank the manual steps and routines of LOG that a software robot should take over."""
    from rpa_scout.io.commands import rank_file

    settings = settings_of(opts, rank={"sort_by": sort_by}, standard_times=standard_times,
                           economics={"hourly_cost": hourly_cost, "fte_hours": fte_hours})
    run = rank_file(log, settings, key=key, top=top, include_all=include_all, fmt=fmt, out=out,
                    label=label, explain=explain, width=width(), progress=progress_for(settings, quiet),
                    engine=engine, spark_master=spark_master)
    if not (quiet and out is not None):
        say(run.lines)


@main.command("compare", epilog=_examples(
    "rpa-scout compare BPIC15_1.xes.gz BPIC15_2.xes.gz BPIC15_3.xes.gz",
    "rpa-scout compare BPIC15.parquet --by case:municipality --heatmap kunnat.svg",
    "rpa-scout compare a.xes.gz b.xes.gz --name Espoo --name Vantaa --out vertailu.xlsx",
    "rpa-scout compare 's3a://kuntadata/rakennusluvat/*.parquet' --by kunta --engine spark "
    "--spark-master spark://klusteri:7077"))
@click.argument("logs", nargs=-1, required=True, metavar="LOG [LOG ...]")
@mapping_options
@output_options
@click.option("--by", metavar="COLUMN", help="Split one LOG into organisations by this case or "
              "event attribute (municipality, department, office).")
@click.option("--name", "names", metavar="NAME", multiple=True,
              help="Name of each LOG's organisation, in order (default: the file name).")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True,
              help="How many steps to show per finding.")
@economics_options
@click.option("--key", metavar="SECRET", help="Pseudonymisation key (or set RPA_SCOUT_KEY).")
@click.option("--format", "fmt", type=click.Choice(names(RANK_WRITE)), default=None,
              help="Output file format (default: from --out's suffix).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Write the full table here (csv, json, md, html, xlsx).")
@click.option("--heatmap", type=click.Path(path_type=Path), default=None, metavar="FILE.svg",
              help="Write the activities × organisations heatmap here (SVG, offline).")
@click.option("--heatmap-value", type=click.Choice(("manual", "hours")), default="manual",
              show_default=True, help="Colour the heatmap by manual share or person hours a year.")
@LABEL_OPTION
@engine_options("Where the organisations are analysed: here, or on Spark, one task each (LOG: "
                "the pooled log's Parquet files, folders, globs or URLs, with --by).")
@_fail_cleanly
def compare_command(logs: tuple[str, ...], by: str | None, names: tuple[str, ...], top: int,
                    standard_times: Path | None, hourly_cost: float | None, fte_hours: float | None,
                    key: str | None, fmt: str | None, out: Path | None, heatmap: Path | None,
                    heatmap_value: str, label: str | None, engine: str, spark_master: str | None,
                    quiet: bool, **opts: Any) -> None:
    """Compare organisations that run the same process: LOG --by COLUMN, or LOG_A LOG_B ...

    Per activity and organisation: volume, manual share, handling time, verdict; the steps
    people do in one organisation and the system in another; and what each organisation
    would save by adopting the best practice of the others.
    """
    from rpa_scout.io.compare_commands import compare_files

    settings = settings_of(opts, standard_times=standard_times,
                           economics={"hourly_cost": hourly_cost, "fte_hours": fte_hours})
    run = compare_files(logs, settings, by=by, names=names, label=label, key=key, top=top, fmt=fmt,
                        out=out, heatmap=heatmap, heatmap_value=heatmap_value, width=width(),
                        progress=progress_for(settings, quiet), engine=engine,
                        spark_master=spark_master)
    if not (quiet and out is not None):
        say(run.lines)


@main.command("cases", epilog=_examples(
    "rpa-scout cases eventlogs/ostolaskut.csv.gz --step 'Kustannuspaikan tiliöinti'",
    "rpa-scout cases BPIC15_1.xes.gz --label activityNameEN --step 'phase application received'",
    "rpa-scout cases eventlogs/ostolaskut.csv.gz --step Asiatarkastus --top 50 --json"))
@SOURCE_ARG
@mapping_options
@output_options
@click.option("--step", required=True, metavar="NAME",
              help="The step (activity) whose cases to list, by name or --label name.")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True,
              help="How many cases to list (those with the most handling time first).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@LABEL_OPTION
@engine_options(READ_ENGINE)
@_fail_cleanly
def cases_command(log: str, step: str, top: int, as_json: bool, label: str | None, engine: str,
                  spark_master: str | None, quiet: bool, **opts: Any) -> None:
    """List the cases behind one step of LOG: case, start, variant, the step's handling time
    and its source.

    The step is named with --step, because --activity names the activity column, as in
    every command.
    """
    from rpa_scout.io.compare_commands import cases_file

    settings = settings_of(opts)
    lines = cases_file(log, settings, step=step, top=top, label=label, as_json=as_json, width=width(),
                       progress=progress_for(settings, quiet), engine=engine, spark_master=spark_master).lines
    if as_json:
        click.echo(json_printable(lines[0]))
    else:
        say(lines)


@main.command("convert", epilog=_examples(
    "rpa-scout convert Road_Traffic_Fine_Management_Process.xes.gz",
    "rpa-scout convert bpic2012.xes.gz --out bpic2012.parquet",
    "rpa-scout convert toimenpiteet.csv --encoding cp1252 --out espoo.parquet"))
@LOG_ARG
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help="Parquet file (default: LOG's name with .parquet, in the current folder).")
@click.option("--max-bytes", type=ByteSize(), default=None,
              help="Read at most this much (uncompressed) data [default: 4G].")
@click.option("--delimiter", metavar="CHAR", help="CSV delimiter (detected by default).")
@click.option("--encoding", metavar="NAME", help="CSV encoding (detected by default).")
@click.option("--sheet", metavar="NAME", help="Excel sheet (default: the first whose header names three or more columns; a cover sheet is passed over).")
@output_options
@_fail_cleanly
def convert_command(log: Path, out: Path | None, max_bytes: int | None, delimiter: str | None,
                    encoding: str | None, sheet: str | None, lang: str | None, quiet: bool) -> None:
    """Convert the log LOG (XES, CSV or Excel) to Parquet: for the pooled logs that
    compare --engine spark reads, or to read a big log faster.

    XES goes in one streaming pass at flat memory; every command also keeps such a copy
    beside an XES log by itself (--no-cache to switch it off). CSV and Excel are decoded
    as every command decodes them and their columns written as text: reading the Parquet
    file checks and repairs the rows as reading the export would.
    """
    from rpa_scout.io.commands import convert_file
    from rpa_scout.lang import Lang, lang_from_environment

    lines = convert_file(log, out, max_bytes=max_bytes, lang=Lang(lang or lang_from_environment()),
                         delimiter=delimiter, encoding=encoding, sheet=sheet)
    if not quiet:
        say(lines)


@main.command(epilog=_examples(
    "rpa-scout generate ostolaskut --out ostolaskut.csv.gz",
    "rpa-scout generate rakennuslupa --cases 500 --seed 1 --out luvat.xes.gz",
    "rpa-scout generate varhaiskasvatus --complete-only --out vaka.parquet"))
@click.argument("process", metavar="PROCESS")
@output_options
@click.option("--cases", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Number of cases; they arrive over the year 2025.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Random seed; the same seed gives byte-identical files.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), required=True,
              metavar="FILE", help="Log file (.xes.gz, .xes, .csv, .csv.gz or .parquet); the "
              "ground truth goes beside it as <stem>.truth.json.")
@click.option("--complete-only", is_flag=True, help="Leave out the start events.")
@click.option("--automate", "automated", metavar="STEP", multiple=True,
              help="A rule-based manual step this municipality's software robot does (Finnish or "
              "English name; repeatable): the same process at another automation level.")
@_fail_cleanly
def generate(process: str, cases: int, seed: int, out: Path, complete_only: bool,
             automated: tuple[str, ...], lang: str | None, quiet: bool) -> None:
    """Write a synthetic Finnish municipal event log and its ground truth.

    PROCESS is ostolaskut (purchase invoices), rakennuslupa (building permits) or
    varhaiskasvatus (early-childhood-education applications).
    """
    from rpa_scout.io.commands import generate_file
    from rpa_scout.io.progress import Progress
    from rpa_scout.lang import Lang, lang_from_environment

    language = Lang(lang or lang_from_environment())
    lines = generate_file(process, cases, seed, out, complete_only=complete_only, automated=automated,
                          lang=language, progress=Progress.for_terminal(language, quiet=quiet))
    if not quiet:
        say(lines)
