"""The commands that look across organisations and into cases: ``compare`` and ``cases``.

Like :mod:`rpa_scout.io.commands`, one function per command: read (with the ``read`` and
``filter`` settings), run the stages, write the outputs, and return what there is to say.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from rpa_scout.columns import XES
from rpa_scout.errors import ConfigError
from rpa_scout.io.commands import (filters_clause, labels_of, load, pseudonymised, renamed_labels, source_names,
                                   with_step_names)
from rpa_scout.io.files import check_output
from rpa_scout.io.formats import output_format
from rpa_scout.io.progress import SILENT, Progress
from rpa_scout.lang import Lang
from rpa_scout.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from rpa_scout.compare import Comparison
    from rpa_scout.load_report import LoadReport


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
                  heatmap: Path | None = None, heatmap_value: str = "manual", width: int | None = None,
                  progress: Progress = SILENT, engine: str = "local",
                  spark_master: str | None = None) -> CompareRun:
    """Compare organisations: one log split ``by`` a column, or one log per organisation.

    Every log is read and filtered with the same settings, pseudonymised with one key,
    and each organisation is analysed alike (:func:`rpa_scout.compare_logs`). Writes
    the full table to ``out`` (csv, json, md, html, xlsx) and the activities ×
    organisations heatmap to ``heatmap`` (SVG) when given. The lines and the files for
    people are in ``settings.present.lang``, the lines wrapped to ``width`` columns (not
    wrapped when ``None``).

    ``engine="spark"`` reads ``paths`` (Parquet files, folders, globs or URLs) as one
    pooled log on Spark (``spark_master``, default this machine) and analyses each
    organisation ``by`` in a task of its own (:func:`rpa_scout.io.spark.compare_on_spark`).

    Raises:
        ConfigError: ``by`` with several logs, one log without ``by``, names that do
            not match the logs, an unknown output format; and what reading, filtering,
            splitting or ranking an organisation raises.
        EngineError: ``engine="spark"`` and Spark cannot run or its job fails.

    Example:
        >>> import json, tempfile
        >>> from pathlib import Path
        >>> from rpa_scout.io.compare_commands import compare_files
        >>> from rpa_scout.settings import Settings
        >>> with tempfile.TemporaryDirectory() as folder:      # the invoices by channel
        ...     run = compare_files(["eventlogs/ostolaskut_complete_only.csv.gz"], Settings(),
        ...                         by="case:channel", key="k", out=Path(folder) / "kanavat.json")
        ...     written = json.loads(run.written[0].read_text(encoding="utf-8"))
        >>> print("\\n".join(run.lines[:2]))
        ostolaskut_complete_only.csv.gz: 24,883 events kept of 24,883 read (0 rejected)
        organisations: paperi 360 cases, 3,369 events; sähköposti 166 cases, 1,579 events;
        verkkolasku 2,474 cases, 19,935 events
        >>> run.lines[-1]
        'comparison written to .../kanavat.json'
        >>> written["organisations"]
        ['paperi', 'sähköposti', 'verkkolasku']
    """
    from rpa_scout.compare import compare_logs

    sources = [str(p) for p in paths]  # as given: a URL is no local path
    paths = [Path(p) for p in paths]
    lang = Lang(settings.present.lang)
    fmt = _compare_checks(paths, by, names, fmt, out, heatmap, engine, spark_master)
    if engine == "spark":
        from rpa_scout.io.spark import compare_on_spark

        with progress.stage("progress.spark", master=spark_master or "local"):
            pooled = compare_on_spark(sources, str(by), settings, key=_run_key(key), label=label,
                                      master=spark_master)
        comparison, reports, sizes = pooled.comparison, [pooled.report], pooled.sizes
        no_value = pooled.no_value
    else:
        logs, reports, aliases, no_value, rename = _organisation_logs(paths, settings, by, names, key, progress)
        settings = with_step_names(settings, rename)   # a time study names steps as the logs do
        labels = _compare_labels(logs, label, aliases)
        with progress.stage("progress.compare", count=len(logs)):
            comparison = compare_logs(logs, settings=settings, labels=labels)
        sizes = {name: (log[XES.case].nunique(), len(log)) for name, log in logs.items()}
    what = lang.t("compare.what_by", name=", ".join(p.name for p in paths), column=by) if by \
        else ", ".join(p.name for p in paths)
    lines = [*_read_lines(reports, lang, width), *_organisation_lines(sizes, lang, width),
             *(_wrapped(lang.tn("compare.no_value", no_value, events=no_value, column=by), width, indent="  ")
               if no_value else []), "",
             *_comparison_lines(comparison, top, lang, width)]
    written = _write_comparison(comparison, reports, lang.t("compare.title", what=what), fmt, out,
                                (heatmap, heatmap_value), lang)
    lines += [""] + [lang.t(key, path=path) for key, path in written] if written else []
    return CompareRun(comparison, reports, lines, tuple(path for _, path in written))


def _comparison_lines(comparison: "Comparison", top: int, lang: Lang, width: int | None) -> list[str]:
    from rpa_scout.compare_report import compare_lines

    return compare_lines(comparison, top=top, lang=lang, width=width)


def _compare_checks(paths: list[Path], by: str | None, names: Sequence[str], fmt: str | None,
                    out: Path | None, heatmap: Path | None, engine: str = "local",
                    spark_master: str | None = None) -> str | None:
    """The output format, after checking the logs, names and output files make sense."""
    from rpa_scout.io.formats import COMPARE_WRITE
    from rpa_scout.io.spark import check_engine

    check_engine(engine, spark_master)
    if engine == "spark" and (by is None or names):
        raise ConfigError("--engine spark splits one pooled log into organisations: give its "
                          "Parquet files with --by COLUMN (and no --name)")
    if by is not None and len(paths) != 1 and engine != "spark":
        raise ConfigError(f"--by splits one log; give one LOG with --by {by}, or several logs without it")
    if by is None and len(paths) < 2:
        raise ConfigError("compare needs two or more logs (one per organisation), or one log and "
                          "--by COLUMN")
    if names and (by is not None or len(names) != len(paths)):
        raise ConfigError(f"--name labels each log: give it once per log ({len(paths)} logs, "
                          f"{len(names)} names), and not with --by")
    if out is not None:
        check_output(out)
        fmt = output_format(out, fmt, COMPARE_WRITE)
    if heatmap is not None:
        if not heatmap.name.lower().endswith(".svg"):
            raise ConfigError(f"--heatmap {heatmap.name}: the heatmap is an SVG file; name it *.svg")
        check_output(heatmap, "--heatmap")
    return fmt


def _organisation_logs(paths: list[Path], settings: Settings, by: str | None, names: Sequence[str],
                       key: str | None, progress: Progress = SILENT
                       ) -> tuple[dict[str, pd.DataFrame], list[LoadReport], dict[str, str], int,
                                  Callable[[str], str]]:
    """Organisation → its pseudonymised log; the load reports; source column aliases; the
    events that ``--by`` gives to no organisation (no value there); what the pseudonyms
    make of a step's name (:func:`rpa_scout.privacy.pseudonymise_names`, every log's)."""
    from rpa_scout.io.formats import LOG_READ, strip_suffix
    from rpa_scout.privacy import pseudonymise, pseudonymise_names

    key = _run_key(key)
    logs: dict[str, pd.DataFrame] = {}
    reports, aliases, renames = [], {}, []
    for i, path in enumerate(paths):
        if by is not None:  # split first: organisations may share case ids
            return _pooled_logs(path, settings, by, key, progress)
        frame, report = load(path, settings, progress)
        reports.append(report)
        aliases.update(source_names(report))
        renames.append(pseudonymise_names(frame, key=key, rules=settings.manual))
        frame = pseudonymise(frame, key=key, rules=settings.manual)
        name = names[i] if names else strip_suffix(path, LOG_READ)
        if name in logs:
            raise ConfigError(f"two logs are called {name!r}; name each with --name")
        logs[name] = frame
    return logs, reports, aliases, 0, lambda text: functools.reduce(lambda t, rename: rename(t), renames, text)


def _pooled_logs(path: Path, settings: Settings, by: str, key: str, progress: Progress
                 ) -> tuple[dict[str, pd.DataFrame], list[LoadReport], dict[str, str], int,
                            Callable[[str], str]]:
    """:func:`_organisation_logs` of one pooled log split by ``by``: each organisation
    filtered by itself, as it would be in a file of its own and as the Spark engine does
    (filtered whole, two municipalities' case RL-2025-00001 were one case to the period
    and --min-cases filters). An organisation the filters leave empty is left out."""
    from dataclasses import replace

    from rpa_scout.clean import with_lifecycle_counts
    from rpa_scout.compare import check_organisations, split_by
    from rpa_scout.errors import NothingKeptError
    from rpa_scout.filters import FilterReport
    from rpa_scout.io.commands import filtered
    from rpa_scout.privacy import pseudonymise, pseudonymise_names
    from rpa_scout.settings import FilterSettings

    # a row's own conditions choose it as the file is read: they would keep it in its organisation too
    frame, report = load(path, replace(settings, filter=FilterSettings()), progress, chosen_by=settings.filter)
    aliases = source_names(report)
    rename = pseudonymise_names(frame, key=key, rules=settings.manual)
    frame = pseudonymise(frame, key=key, rules=settings.manual)
    logs = split_by(frame, by, aliases=aliases)
    no_value = len(frame) - sum(len(log) for log in logs.values())
    if not settings.filter.active:
        return logs, [report], aliases, no_value, rename
    if report.lifecycle is None:  # counted once, on the log as read
        report = with_lifecycle_counts(frame, report)
    kept, parts = {}, []
    for name, log in logs.items():
        try:
            kept[name], part = filtered(log, report, settings)
            parts.append(part.filters)
        except NothingKeptError:  # this organisation has none; another may have some
            parts.append(FilterReport(int(log[XES.case].nunique()), len(log)))
    if not kept:
        filtered(frame, report, settings)  # none has any: the error says so of the whole log
    check_organisations(len(kept), by, next(iter(kept)) if len(kept) == 1 else None)  # as Spark says it
    return kept, [replace(report, filters=FilterReport.added_up(parts))], aliases, no_value, rename


def _run_key(key: str | None) -> str:
    """The pseudonymisation key of the run: one for every log and organisation."""
    from rpa_scout.privacy import run_key

    return run_key(key)


def _compare_labels(logs: dict[str, pd.DataFrame], label: str | None,
                    aliases: dict[str, str]) -> dict[str, str] | None:
    """Display names from every organisation's events together (one name per activity)."""
    if label is None:
        return None
    from rpa_scout.columns import XES
    from rpa_scout.labels import activity_labels, label_column

    first = next(iter(logs.values()))
    column = label_column(first, label, aliases)
    parts = [log[[XES.case, XES.activity, XES.timestamp, column]] for log in logs.values()
             if column in log.columns]
    import pandas as pd

    return activity_labels(pd.concat(parts, ignore_index=True), column)


def _read_line(report: LoadReport, lang: Lang, width: int | None = None) -> list[str]:
    """What reading (and filtering) one log kept, in ``lang``, wrapped to ``width``."""
    text = lang.t("load.header", name=report.source, kept=report.rows_kept, read=report.rows_read,
                  rejected=report.rows_rejected) + filters_clause(report, lang)
    return _wrapped(text, width)


def _wrapped(text: str, width: int | None, indent: str = "") -> list[str]:
    """``text`` as one line (``width`` None), or wrapped to ``width`` columns."""
    if width is None:
        return [text]
    from rpa_scout.present import wrap

    return wrap(text, width, indent=indent, first="")


def _read_lines(reports: list[LoadReport], lang: Lang, width: int | None) -> list[str]:
    return [line for r in reports for line in _read_line(r, lang, width)]


def _organisation_lines(sizes: Mapping[str, tuple[int, int]], lang: Lang,
                        width: int | None) -> list[str]:
    """Each organisation's cases and events (``sizes``: name → (cases, events))."""
    from rpa_scout.compare_report import named

    text = lang.t("compare.organisations", organisations=named(
        [lang.t("compare.organisation", name=name, cases=lang.tn("filter.cases", cases),
                events=lang.tn("filter.events", events))
         for name, (cases, events) in sizes.items()], lang, sep="; "))
    return _wrapped(text, width, indent="  ")


def _write_comparison(comparison: "Comparison", reports: list[LoadReport], title: str, fmt: str | None,
                      out: Path | None, heatmap: tuple[Path | None, str], lang: Lang) -> list[tuple[str, Path]]:
    """Write the table and the heatmap (its file and what it shows); (message key, where)
    for each file written."""
    from rpa_scout.heatmap import heatmap_svg
    from rpa_scout.io.compare_output import write_comparison
    from rpa_scout.io.files import atomic_text

    where, value = heatmap
    written = []
    svg = heatmap_svg(comparison, value=value, lang=lang) if where is not None or fmt == "html" else None
    if where is not None:
        written.append(("compare.heatmap_written", atomic_text(where, svg)))
    if out is not None:
        written.append(("compare.written", write_comparison(comparison, out, fmt, title=title, reports=reports,
                                                            heatmap_svg=svg, lang=lang,
                                                            heatmap_name=where.name if where else None)))
    return written


@dataclass(frozen=True)
class CasesRun:
    """What ``cases`` did: the table of cases, the load report and the lines to show."""

    cases: object  # rpa_scout.drilldown.CaseTable
    report: LoadReport
    lines: list[str]


def cases_file(path: str | Path, settings: Settings, *, step: str, top: int = 10,
               label: str | None = None, as_json: bool = False, width: int | None = None,
               progress: Progress = SILENT, engine: str = "local", spark_master: str | None = None) -> CasesRun:
    """The cases behind one step of a log (:func:`rpa_scout.drilldown.cases_behind`):
    case id (a pseudonym where it holds a personal identity code), start, variant, the step's handling time and its source; the lines in
    ``settings.present.lang``, what was read wrapped to ``width`` columns (JSON in English).
    ``engine``, ``spark_master``: where the log is read (:func:`rpa_scout.io.commands.load`).

    Example:
        >>> from rpa_scout.io.compare_commands import cases_file
        >>> from rpa_scout.settings import Settings
        >>> run = cases_file("eventlogs/ostolaskut_complete_only.csv.gz", Settings(), step="Asiatarkastus",
        ...                  top=2)
        >>> print("\\n".join(run.lines))
        ostolaskut_complete_only.csv.gz: 24,883 events kept of 24,883 read (0 rejected)
        <BLANKLINE>
        Asiatarkastus: 3,254 executions in 3,000 cases; the 2 with the most handling time (times in Europe/Helsinki)
        case              started             variant  steps times   minutes  source
        OL-2025-00067     9 Jan 2025 15:11        #59     13     3      10.7  estimated
        OL-2025-01023     6 May 2025 08:32        #56     16     3       9.8  estimated
    """
    import json

    from rpa_scout.drilldown import cases_behind

    frame, report = load(path, settings, progress, engine=engine, spark_master=spark_master)
    labels = labels_of(frame, report, label)
    with progress.stage("progress.pseudonymise"):   # a case id can be a personal identity code
        frame, rename = pseudonymised(frame, settings)
        settings = with_step_names(settings, rename)
    labels = renamed_labels(labels, rename)
    with progress.stage("progress.handling"):
        found = cases_behind(frame, rename(step), settings=settings, top=top, labels=labels)
    if as_json:
        table = found.table.assign(started=found.table["started"].map(lambda t: t.isoformat()))
        payload = {"activity": found.activity, "cases": found.cases, "executions": found.executions,
                   "listed": json.loads(table.to_json(orient="records", force_ascii=False))}
        return CasesRun(found, report, [json.dumps(payload, indent=1, ensure_ascii=False)])
    lang = Lang(settings.present.lang)
    head, *lines = found.lines(labels, settings.read.timezone, lang=lang, width=width)
    return CasesRun(found, report, [*_read_line(report, lang, width), "", *_wrapped(head, width), *lines])
