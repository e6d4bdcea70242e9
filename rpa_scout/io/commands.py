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

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from rpa_scout.errors import ConfigError, InputError
from rpa_scout.io.files import check_input, check_output
from rpa_scout.io.formats import MAP_WRITE, RANK_WRITE, format_of, names, output_format
from rpa_scout.io.progress import SILENT, Progress
from rpa_scout.lang import Lang, Message, render
from rpa_scout.settings import FilterSettings, Settings

if TYPE_CHECKING:  # the heavy modules are imported where they are used: errors come fast
    import pandas as pd

    from rpa_scout.load_report import LoadReport

MAP_FORMATS = names(MAP_WRITE)
VIEWS = ("frequency", "performance")


def load(path: str | Path, settings: Settings, progress: Progress = SILENT, *,
         count_lifecycle: bool = True, chosen_by: FilterSettings | None = None,
         engine: str = "local", spark_master: str | None = None) -> tuple[pd.DataFrame, LoadReport]:
    """:func:`rpa_scout.read_log` with the ``read`` section of ``settings`` (the case,
    activity and resource columns as categories: ``categorical_roles=True``), then
    :func:`rpa_scout.filters.filter_log` with its ``filter`` section (the report says what
    the filters kept). The file is checked first, before pandas is imported.

    ``count_lifecycle=False`` leaves the lifecycle counts of a log with start events to
    the handling-time estimate's pairing (:func:`rpa_scout.clean.with_pairing`), unless
    filters change the log: the counts are those of the log as read.

    A Parquet file's rows are chosen by the ``where`` conditions as it is read
    (``read_log``'s ``filters``; ``chosen_by``'s, when given, for a pooled log filtered
    later, one organisation at a time): a file bigger than memory can be read one
    municipality at a time. ``engine="spark"`` reads ``path`` (Parquet files, a folder,
    a glob or a URL) on Spark (``spark_master``, default this machine), which chooses
    the rows (:func:`rpa_scout.io.spark_read.read_on_spark`).

    Example:
        >>> from rpa_scout.io.commands import load
        >>> from rpa_scout.settings import ReadSettings, Settings
        >>> settings = Settings(read=ReadSettings(timezone="UTC"))
        >>> log, report = load("eventlogs/varhaiskasvatus.csv.gz", settings)
        >>> report.rows_read, len(log)
        (47302, 47302)
    """
    if engine != "local" or spark_master is not None:
        return _load_on_spark(str(path), settings, progress, count_lifecycle, chosen_by, engine, spark_master)
    path = Path(path)
    check_input(path, settings.read.delimiter)
    from rpa_scout.io.read import read_log

    with progress.stage("progress.read", name=path.name, at_once=_big(path)):
        frame, report = read_log(path, **settings.read.keywords(), count_lifecycle=count_lifecycle,
                                 categorical_roles=True, filters=chosen_by or settings.filter)
    return filtered(frame, report, settings)


def _load_on_spark(source: str, settings: Settings, progress: Progress, count_lifecycle: bool,
                   chosen_by: FilterSettings | None, engine: str,
                   master: str | None) -> tuple[pd.DataFrame, LoadReport]:
    """:func:`load` with ``engine="spark"``."""
    from dataclasses import replace

    from rpa_scout.io.spark import check_engine

    check_engine(engine, master)
    from rpa_scout.io.spark_read import read_on_spark

    choosing = settings if chosen_by is None else replace(settings, filter=chosen_by)
    with progress.stage("progress.spark_read", name=Path(source).name, master=master or "local"):
        frame, report = read_on_spark(source, choosing, master=master, count_lifecycle=count_lifecycle)
    return filtered(frame, report, settings)


def filtered(frame: "pd.DataFrame", report: "LoadReport",
             settings: Settings) -> tuple["pd.DataFrame", "LoadReport"]:
    """:func:`rpa_scout.filters.filter_log` with the ``filter`` section of ``settings``, the
    report saying what the filters kept (the log and report as they are without filters).

    Raises:
        NothingKeptError: a filter keeps no events (named); ColumnError: a ``--where``
            column the log does not have.

    Example:
        >>> from rpa_scout import read_log
        >>> from rpa_scout.settings import FilterSettings
        >>> log, report = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> paper = Settings(filter=FilterSettings(where=("case:channel=paperi",)))
        >>> kept, report = filtered(log, report, paper)
        >>> len(kept), report.filters.cases_kept
        (3369, 360)
    """
    if not settings.filter.active:
        return frame, report
    from dataclasses import replace

    from rpa_scout.filters import filter_log

    if report.lifecycle is None:  # the filtered log's pairing would count other rows
        from rpa_scout.clean import with_lifecycle_counts

        report = with_lifecycle_counts(frame, report)
    frame, kept = filter_log(frame, settings=settings, aliases=source_names(report))
    return frame, replace(report, filters=kept)


#: Reading a file this big takes seconds, partly in native code: its progress shows at once.
BIG_FILE_BYTES = 1 << 20


def _big(path: Path) -> bool:
    try:
        return path.stat().st_size >= BIG_FILE_BYTES
    except OSError:
        return False


def _shown_steps(frame: pd.DataFrame, report: LoadReport, settings: Settings, label: str | None) -> pd.DataFrame:
    """The log as ``map`` and ``variants`` show its steps: by their display names
    (``--label``), a person named in a step's name by her pseudonym ("Palautettu: Aino
    Virtanen"; the accounts themselves are not shown)."""
    from rpa_scout.labels import relabel

    labels = labels_of(frame, report, label)
    frame, rename = pseudonymised(frame, settings)
    return relabel(frame, renamed_labels(labels, rename))


def pseudonymised(frame: pd.DataFrame, settings: Settings,
                  key: str | None = None) -> tuple[pd.DataFrame, Callable[[str], str]]:
    """The log pseudonymised with the run's one key (:func:`rpa_scout.privacy.run_key`),
    and what that makes of a step's name the user wrote as the log writes it.

    Example:
        >>> import pandas as pd
        >>> log = pd.DataFrame({"case:concept:name": ["131052-308T"], "org:resource": ["Aino Virtanen"],
        ...                     "concept:name": ["Palautettu: Aino Virtanen"]})
        >>> frame, rename = pseudonymised(log, Settings(), key="k")
        >>> frame["case:concept:name"][0], rename("Palautettu: Aino Virtanen")
        ('id-e945faa61b2a25f9', 'Palautettu: person-5737e3e5e7')
    """
    from rpa_scout.privacy import pseudonymise, pseudonymise_names, run_key

    key = run_key(key)   # one key for the log and the names
    rename = pseudonymise_names(frame, key=key, rules=settings.manual)
    return pseudonymise(frame, key=key, rules=settings.manual), rename


def renamed_labels(labels: Mapping[str, str] | None, rename: Callable[[str], str]) -> dict[str, str] | None:
    """``--label``'s display names (:func:`labels_of`) keyed by the steps' names as
    pseudonymising leaves them, a person in a display name pseudonymised too.

    Example:
        >>> renamed_labels({"Palautettu: Aino": "Returned: Aino"}, lambda t: t.replace("Aino", "person-1"))
        {'Palautettu: person-1': 'Returned: person-1'}
    """
    return None if labels is None else {rename(step): rename(shown) for step, shown in labels.items()}


def _lang(settings: Settings) -> Lang:
    return Lang(settings.present.lang)


def source_names(report: LoadReport) -> dict[str, str]:
    """Source column → the XES column reading renamed it to (``tid`` → the case column).

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from rpa_scout import read_log
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = Path(folder) / "loki.csv"
        ...     _ = path.write_text("asianumero;toimenpide;aikaleima\\nA1;Kirjaus;1.3.2024 9.00\\n",
        ...                         encoding="utf-8")
        ...     _, report = read_log(path)
        >>> source_names(report)
        {'asianumero': 'case:concept:name', 'toimenpide': 'concept:name', 'aikaleima': 'time:timestamp'}
    """
    from rpa_scout.columns import XES

    return {source: getattr(XES, role) for role, source in report.mapping.items() if source}


def labels_of(frame: pd.DataFrame, report: LoadReport, column: str | None) -> dict[str, str] | None:
    """Activity → display name from ``--label COLUMN`` (a log or source column), or ``None``.

    Example:
        >>> from rpa_scout.io.commands import labels_of, load
        >>> from rpa_scout.settings import Settings
        >>> frame, report = load("eventlogs/ostolaskut_complete_only.csv.gz", Settings())
        >>> labels = labels_of(frame, report, "activity_en")    # the sample's English names
        >>> labels["Asiatarkastus"], labels["Toinen hyväksyntä"]
        ('Inspection', 'Second approval')
        >>> labels_of(frame, report, None) is None
        True
    """
    if column is None:
        return None
    from rpa_scout.labels import activity_labels, label_column

    return activity_labels(frame, label_column(frame, column, source_names(report)))


def inspect_file(path: str | Path, settings: Settings, *, rejects: Path | None = None,
                 as_json: bool = False, width: int | None = None,
                 progress: Progress = SILENT, engine: str = "local",
                 spark_master: str | None = None) -> list[str]:
    """What is in the log and what reading it did to every row (text or JSON lines),
    and the columns that could name the activities (``--label``); text wrapped to
    ``width`` columns. ``engine``, ``spark_master``: where the log is read (:func:`load`).

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
    frame, report = load(path, settings, progress, engine=engine, spark_master=spark_master)
    import json

    from rpa_scout.inspect_log import summarise, summary_lines
    from rpa_scout.io.write import write_rejects
    from rpa_scout.labels import suggest_labels
    from rpa_scout.present import wrap

    summary = summarise(frame, timezone=settings.read.timezone)
    labels = suggest_labels(frame)
    if rejects is not None:
        write_rejects(report, rejects)
    if as_json:
        return [json.dumps({"summary": summary.to_dict(), "load_report": report.to_dict(),
                            "label_columns": [vars(s) for s in labels]}, indent=2, ensure_ascii=False)]
    lang = _lang(settings)
    lines = summary_lines(summary, report, lang, labels=[s.line(lang) for s in labels], width=width)
    if rejects is not None:
        written = lang.t("inspect.rejects_written", path=rejects)
        lines += ["  " + written] if width is None else wrap(written, width, indent="    ", first="  ")
    return lines


def map_file(path: str | Path, settings: Settings, *, view: str = "frequency",
             activities: float = 100.0, paths: float = 100.0, fmt: str | None = None,
             noise: float = 0.2, out: Path | None = None, label: str | None = None,
             progress: Progress = SILENT, noise_given: bool = False, engine: str = "local",
             spark_master: str | None = None) -> list[str]:
    """Draw or export the process map (or the BPMN model) of a log; says what was written.
    With ``label``, the activities are shown by their display names. ``engine``,
    ``spark_master``: where the log is read (:func:`load`).

    Raises:
        ConfigError: ``out``'s name says no map format and ``fmt`` is not given, or says
            another one; ``noise_given`` (``--noise`` set) for a map that is no BPMN model.

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
    source, path = path, Path(path)   # as given: a URL is no local path
    if out is not None:  # a folder or a missing one first: the name's format then
        check_output(out)
    fmt = output_format(out, fmt, MAP_WRITE) if out is not None else fmt or "svg"
    if noise_given and fmt != "bpmn":
        raise ConfigError(f"--noise is the inductive miner's threshold for --format bpmn; this map is {fmt}")
    if fmt == "bpmn" and (view != "frequency" or paths < 100):
        raise ConfigError("--view and --paths shape a drawn map; a BPMN model is mined from the activities "
                          "--activities keeps, and --noise filters its paths")
    out = out if out is not None else Path(path.name.split(".")[0] + f"_{view}.{fmt}")
    check_output(out)
    frame, report = load(source, settings, progress, engine=engine, spark_master=spark_master)
    frame = _shown_steps(frame, report, settings, label)
    if fmt == "bpmn":
        with progress.stage("progress.graph"):
            return [_write_bpmn(frame, noise, activities, out, _lang(settings))]
    with progress.stage("progress.map"):
        return [_write_map(frame, path.name, view, activities, paths, fmt, out, _lang(settings))]


def _write_bpmn(frame: pd.DataFrame, noise: float, activities: float, out: Path, lang: Lang) -> str:
    from rpa_scout.bpmn import bpmn_input, bpmn_tasks, discover_bpmn
    from rpa_scout.columns import XES
    from rpa_scout.io.pictures import write_bpmn
    from rpa_scout.safety import printable

    # BPMN is XML, which cannot hold control characters: the model names them escaped.
    names_shown = frame[XES.activity].astype("string").map(printable, na_action="ignore")
    frame = frame.assign(**{XES.activity: names_shown})
    model = discover_bpmn(frame, noise_threshold=noise, activities=activities)
    write_bpmn(model, out)
    wanted = set(bpmn_input(frame, activities=activities)[XES.activity].astype("string"))
    left_out = sorted(wanted - set(bpmn_tasks(model)))
    if not left_out:
        return lang.t("map.bpmn_written", path=out)
    shown = ", ".join(left_out[:5]) + (lang.t("map.bpmn_more", count=len(left_out) - 5) if len(left_out) > 5 else "")
    return lang.t("map.bpmn_written_some", path=out, modelled=len(wanted) - len(left_out), total=len(wanted),
                  noise=noise, names=shown)


def _write_map(frame: pd.DataFrame, name: str, view: str, activities: float, paths: float,
               fmt: str, out: Path, lang: Lang) -> str:
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
        drawn, note = drawable(graph, frame, lang=lang) if fmt in ("svg", "png") else (graph, "")
        shown = sum(1 for _, kind in drawn.nodes(data="kind", default="activity") if kind == "activity")
        title = lang.t("map.title", name=name, view=lang.t(f"map.view.{view}"),
                       kept=shown, total=info["activities_total"])
        pictures.write_dot_picture(to_dot(drawn, view=view, title=title, lang=lang), out, fmt,
                                   seconds=graph_seconds(drawn))
    return (lang.t("map.written", view=lang.t(f"map.view.{view}"), path=out, kept=info["activities_kept"],
                   total=info["activities_total"], paths_kept=info["edges_kept"], paths_total=info["edges_total"])
            + (f"; {note}" if note else ""))


def _counted(key: str, count: int, lang: Lang) -> str:
    """The word for ``count`` things (``case`` or ``cases``), as wide as the plural, so
    that the columns after it stay in line."""
    return lang.t(f"{key}_one" if count == 1 else key).ljust(len(lang.t(key)))


def variants_file(path: str | Path, settings: Settings, *, top: int = 10,
                  label: str | None = None, progress: Progress = SILENT, engine: str = "local",
                  spark_master: str | None = None) -> pd.DataFrame:
    """The ``top`` most frequent variants of a log with their coverage (activities by
    their display names with ``label``). ``engine``, ``spark_master``: where the log is
    read (:func:`load`).

    Example:
        >>> from rpa_scout.io.commands import variants_file
        >>> from rpa_scout.settings import Settings
        >>> table = variants_file("eventlogs/varhaiskasvatus.csv.gz", Settings(), top=2)
        >>> table[["rank", "cases", "steps"]].values.tolist()
        [[1, 773, 9], [2, 454, 7]]
    """
    frame, report = load(path, settings, progress, engine=engine, spark_master=spark_master)
    from rpa_scout.variant_table import variants

    return variants(_shown_steps(frame, report, settings, label), top=top)


def variant_lines(table: pd.DataFrame, lang: Lang | None = None, width: int | None = None) -> list[str]:
    """One line per variant: rank, cases, share, cumulative share, steps, the sequence;
    with ``width``, a sequence too long for the line goes on under itself, broken
    between steps where it can.

    Example:
        >>> import pandas as pd
        >>> from rpa_scout.io.commands import variant_lines
        >>> table = pd.DataFrame({"rank": [1, 2], "cases": [1234, 56], "share": [0.9, 0.04],
        ...                       "cumulative_share": [0.9, 0.94], "steps": [3, 4],
        ...                       "variant": ["Kirjaus → Tarkastus → Päätös", "Kirjaus → Päätös"]})
        >>> print("\\n".join(variant_lines(table)))
          1.   1,234 cases   90.0%  (cum.  90.0%)    3 steps  Kirjaus → Tarkastus → Päätös
          2.      56 cases    4.0%  (cum.  94.0%)    4 steps  Kirjaus → Päätös
        >>> print("\\n".join(variant_lines(table, width=60)[:3]))
          1.   1,234 cases   90.0%  (cum.  90.0%)    3 steps
              Kirjaus → Tarkastus → Päätös
          2.      56 cases    4.0%  (cum.  94.0%)    4 steps
        >>> for line in variant_lines(table, width=30)[:4]:
        ...     print(repr(line))
        '  1. 1,234 cases 90.0%'
        '      (cum. 90.0%) 3 steps'
        '      Kirjaus → Tarkastus →'
        '      Päätös'
    """
    from rpa_scout.present import wrap

    lang = lang or Lang()
    lines = []
    for row in table.itertuples(index=False):
        first = lang.t("variants.line", rank=row.rank, cases=lang.num(row.cases), share=lang.pct(row.share, 1),
                       cumulative=lang.pct(row.cumulative_share, 1), steps=row.steps, variant="",
                       cases_word=_counted("variants.cases", row.cases, lang),
                       steps_word=_counted("variants.steps", row.steps, lang))
        if width is None or len(first) + len(str(row.variant)) <= width:
            lines.append(first + str(row.variant))
            continue
        glued = " → ".join(step.replace(" ", "\u00a0") for step in str(row.variant).split(" → "))
        if width - len(first) >= 30:   # the steps beside the figures
            parts = wrap(glued, width, indent=" " * len(first), first=first)
        elif len(first.rstrip()) <= width:  # too narrow: under them
            parts = [first.rstrip(), *wrap(glued, width, indent=" " * 6)]
        else:                          # narrower still: the figures wrapped too, unaligned
            figures = re.sub(" +", " ", first.strip())
            figures = re.sub(r"\([^)]*\)|\d \w", lambda m: m.group(0).replace(" ", "\u00a0"), figures)
            parts = [*wrap(figures, width, indent=" " * 6, first="  "), *wrap(glued, width, indent=" " * 6)]
        lines += [part.replace("\u00a0", " ") for part in parts]
    return lines


@dataclass(frozen=True)
class RankRun:
    """What ``rank`` did: the ranking, the load report, the lines to show, the file written."""

    ranking: object  # rpa_scout.rank.Ranking
    report: "LoadReport"
    lines: list[str]
    written: Path | None = None


def rank_file(path: str | Path, settings: Settings, *, key: str | None = None, top: int = 10,
              include_all: bool = False, fmt: str | None = None, out: Path | None = None,
              label: str | None = None, explain: str | None = None, width: int = 80,
              progress: Progress = SILENT, engine: str = "local", spark_master: str | None = None) -> RankRun:
    """Read, pseudonymise and rank a log; write the ranking to ``out`` when given.

    With ``label``, candidates are shown by their display names (the figures and the
    activities' identity stay those of the log); with ``explain``, the lines are
    everything behind that one candidate's figure
    (:func:`rpa_scout.drilldown.explain_candidate`) instead of the table. With
    ``engine="spark"``, ``path`` is read on Spark (:func:`load`): Parquet files, a folder,
    a glob or a URL of a cluster's storage.

    The lines are in ``settings.present.lang``, wrapped to ``width`` columns; each stage
    reports to ``progress``. ``top`` limits the recommended candidates the lines show; the
    file holds them all; ``include_all`` adds those not recommended to both.

    Example:
        >>> import json, tempfile
        >>> from pathlib import Path
        >>> from rpa_scout.io.commands import rank_file
        >>> from rpa_scout.settings import Settings
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     run = rank_file("eventlogs/ostolaskut_complete_only.csv.gz", Settings(), top=2,
        ...                     out=Path(folder) / "ehdokkaat.json")
        ...     written = json.loads(run.written.read_text(encoding="utf-8"))
        >>> " ".join(run.lines[:2])      # the header, wrapped to 80 columns
        'ostolaskut_complete_only.csv.gz: 24,883 events kept of 24,883 read (0 rejected); ranked by hours'
        >>> [c["rank"] for c in written["candidates"]]   # the file holds every recommended one
        [1, 2, 3, 4]
        >>> [line for line in run.lines if line.startswith("  ...")]   # the terminal the top 2
        ['  ... and 2 more recommended (#3–#4): --top 4 shows them; a file written with']
        >>> run.lines[-1]
        'ranking written to .../ehdokkaat.json'
    """
    source, path = path, Path(path)   # as given: a URL is no local path
    if explain is not None and out is not None:
        raise ConfigError("--explain prints one candidate's figure; write the ranking with --out "
                          "in a run without --explain")
    if out is not None:
        check_output(out)
        fmt = output_format(out, fmt, RANK_WRITE)
    lang = _lang(settings)
    frame, report = load(source, settings, progress, count_lifecycle=False,  # ranking pairs it
                         engine=engine, spark_master=spark_master)
    from rpa_scout.clean import with_pairing
    from rpa_scout.labels import labelled_ranking
    from rpa_scout.present import terminal_lines, wrap

    labels = labels_of(frame, report, label)
    frame, ranking, rename = _rank(frame, settings, key, progress)
    labels = renamed_labels(labels, rename)
    report = with_pairing(report, ranking.handling)
    header = lang.t("rank.header", name=path.name, kept=report.rows_kept, read=report.rows_read,
                    rejected=report.rows_rejected, sort=lang.t(f"sort.{settings.rank.sort_by}"))
    header += filters_clause(report, lang)
    if explain is not None:
        from rpa_scout.drilldown import explain_candidate

        return RankRun(ranking, report, [*wrap(header, width), "",
                                         *explain_candidate(frame, ranking, rename(explain), settings=settings,
                                                            labels=labels, lang=lang, width=width)])
    shown = labelled_ranking(ranking, labels)
    lines = [*wrap(header, width), *terminal_lines(shown, top, include_all, lang=lang, width=width)]
    if out is None:
        return RankRun(ranking, report, lines)
    with progress.stage("progress.write", name=out.name):
        _write_ranking(ranking, frame, report, path.name, fmt, out, top, include_all, lang, labels)
    return RankRun(ranking, report, [*lines, "", lang.t("rank.written", path=out)], out)


def _rank(frame: pd.DataFrame, settings: Settings, key: str | None, progress: Progress):
    """Pseudonymise, estimate handling times and rank, stage by stage; also what the
    pseudonyms make of a step's name the user wrote (``--explain``)."""
    from rpa_scout.handling import estimate_handling_time
    from rpa_scout.rank import rank_candidates

    with progress.stage("progress.pseudonymise"):
        frame, rename = pseudonymised(frame, settings, key)
        settings = with_step_names(settings, rename)
    with progress.stage("progress.handling"):
        handling = estimate_handling_time(frame, settings=settings)
    with progress.stage("progress.rank"):
        return frame, rank_candidates(frame, settings=settings, handling=handling), rename


def with_step_names(settings: Settings, rename: Callable[[str], str]) -> Settings:
    """``settings`` whose time study and step patterns (``manual_activities``,
    ``system_activities``) name the steps as the pseudonymised log does: ``rename``
    (:func:`rpa_scout.privacy.pseudonymise_names`) gives a person named in a step's name
    her pseudonym.

    Example:
        >>> times = Settings.of(standard_times={"Palautettu: Aino": 5})
        >>> with_step_names(times, lambda t: t.replace("Aino", "person-1")).handling.standard_times
        {'Palautettu: person-1': 5}
    """
    from dataclasses import replace

    times, manual = settings.handling.standard_times, settings.manual
    return replace(settings, handling=replace(settings.handling,
                                              standard_times={rename(k): v for k, v in times.items()}),
                   manual=replace(manual, manual_activities=tuple(map(rename, manual.manual_activities)),
                                  system_activities=tuple(map(rename, manual.system_activities))))


#: The report's map holds at most this many activities (candidates first, then their
#: neighbours), so that its labels stay readable on a page.
REPORT_MAP_ACTIVITIES = 24


def filters_clause(report: LoadReport, lang: Lang | None = None) -> str:
    """``; filters kept … cases and … events`` when filters were applied, else ``""``;
    before it, ``; … rows outside the filters not read`` when rows were chosen as a Parquet
    file was read (then alone, when the filters dropped none of the rows read).

    Example:
        >>> from rpa_scout.io.commands import filters_clause, load
        >>> from rpa_scout.settings import FilterSettings, Settings
        >>> paper = Settings(filter=FilterSettings(where=("case:channel=paperi",)))
        >>> filters_clause(load("eventlogs/ostolaskut_complete_only.csv.gz", paper)[1])
        '; filters kept 360 of 3,000 cases and 3,369 of 24,883 events'
        >>> filters_clause(load("eventlogs/ostolaskut_complete_only.csv.gz", Settings())[1])
        ''
    """
    kept, lang = report.filters, lang or Lang()
    outside = "; " + lang.t("load.outside", rows=report.rows_outside) if report.rows_outside else ""
    if kept is None or not kept.steps or outside and (kept.cases_kept, kept.events_kept) == (
            kept.cases_before, kept.events_before):  # the filters dropped nothing reading had not left out
        return outside
    return outside + "; " + lang.t("load.filters_kept", cases=kept.cases_kept, cases_before=kept.cases_before,
                                   events=kept.events_kept, events_before=kept.events_before)


def _write_ranking(ranking, frame: pd.DataFrame, report: LoadReport, name: str, fmt: str,
                   out: Path, top: int, include_all: bool, lang: Lang,
                   labels: dict[str, str] | None = None) -> None:
    from rpa_scout.io.rank_output import write_ranking
    from rpa_scout.labels import labelled_ranking

    graph, note, subtitle = None, "", ""
    if fmt == "html":  # the candidates and the steps around them: a map dot can draw
        graph, note = _report_map(ranking, top, include_all, lang)
        subtitle = _subtitle(frame, name, lang, ranking.handling.working_hours.timezone)
        if labels:
            import networkx as nx

            graph = nx.relabel_nodes(graph, labels, copy=True)
    write_ranking(labelled_ranking(ranking, labels), out, fmt, title=lang.t("html.title", name=name),
                  graph=graph, report=report, top=top, include_all=include_all, map_note=note, lang=lang,
                  subtitle=subtitle)


def _report_map(ranking, top: int, include_all: bool, lang: Lang):
    """The map of the report: the first ``top`` recommended candidates (then the biggest
    knocked-out steps) and their neighbours, each activity marked with its role (every
    recommended step with its rank: the report lists them all)."""
    from rpa_scout.drawing import neighbourhood
    from rpa_scout.explain import why_not_label
    from rpa_scout.graph import graph_of_instances
    from rpa_scout.present import export_table
    from rpa_scout.render import mark_roles

    shown = export_table(ranking, top)
    table = ranking.candidates
    names = list(shown.loc[shown["kind"] == "activity", "candidate"]) if not shown.empty else []
    if not table.empty:
        rest = table[(table["kind"] == "activity") & ~table["recommended"]]
        names += list(rest.sort_values("hours_per_year", ascending=False, kind="stable")["candidate"].head(3))
        why = {str(r.candidate): why_not_label(r, lang) for r in rest.itertuples(index=False)}
    else:
        why = {}
    full = graph_of_instances(ranking.handling.instances)  # the log's map, paired once
    graph, note = neighbourhood(full, names, max_activities=REPORT_MAP_ACTIVITIES, lang=lang)
    graph.graph["totals"] = (sum(1 for _, d in full.nodes(data=True) if d.get("kind") == "activity"),
                             full.number_of_edges())
    return mark_roles(graph, export_table(ranking), table, ranking.excluded, why), note


def _subtitle(frame: pd.DataFrame, name: str, lang: Lang, timezone: str) -> str:
    from rpa_scout.columns import XES

    stamps = frame[XES.timestamp]
    return lang.t("html.subtitle", process=name, events=len(frame), cases=frame[XES.case].nunique(),
                  first=stamps.min().tz_convert(timezone), last=stamps.max().tz_convert(timezone))


def generate_file(process: str, cases: int, seed: int, out: Path, *,
                  complete_only: bool = False, automated: Sequence[str] = (), lang: Lang | None = None,
                  progress: Progress = SILENT) -> list[str]:
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
    from rpa_scout.io.write_log import output_format as log_format
    from rpa_scout.io.write_log import truth_path, write_log, write_truth
    from rpa_scout.synth import generate as simulate

    lang = lang or Lang()
    log_format(out)
    with progress.stage("progress.generate", process=process):
        synthetic = simulate(process, cases, seed, complete_only=complete_only, automated=automated)
    with progress.stage("progress.write", name=out.name):
        write_log(synthetic.log, out)
        truth = write_truth(synthetic.truth, truth_path(out))
    return [lang.t("generate.wrote", events=len(synthetic.log), cases=cases, process=synthetic.process, path=out),
            lang.t("generate.truth", path=truth)]


def convert_file(path: str | Path, out: Path | None = None, *, max_bytes: int | None = None,
                 lang: Lang | None = None, delimiter: str | None = None, encoding: str | None = None,
                 sheet: str | int | None = None) -> list[str]:
    """Convert an XES, CSV or Excel log to Parquet; says what was written, in ``lang``
    (English by default).

    XES goes in one streaming pass at flat memory (a file the streaming reader cannot
    read exactly is read by the full parser and written all the same). CSV and Excel are
    decoded as :func:`rpa_scout.read_log` decodes them (encoding, delimiter, sheet) and
    their columns written as the text they hold: reading the Parquet file later checks,
    repairs and rejects rows as reading the export would, and numbers them by the
    Parquet file's rows. Records that cannot be split into the header's columns are not
    written, and the lines say how many and which. ``out`` defaults to the log's name
    with ``.parquet``.

    Raises:
        InputError: the file is missing, unreadable or already Parquet.
        ConfigError: ``out`` is not named ``.parquet``.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from rpa_scout import read_log
        >>> from rpa_scout.io.commands import convert_file
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     print(convert_file("eventlogs/rakennuslupa.xes.gz", Path(folder) / "lupa.parquet")[0])
        ...     converted, _ = read_log(Path(folder) / "lupa.parquet")
        ...     print(convert_file("eventlogs/ostolaskut.csv.gz", Path(folder) / "laskut.parquet")[0])
        40,500 events of rakennuslupa.xes.gz written to .../lupa.parquet in ... s (... events/s, streaming)
        49,766 rows of ostolaskut.csv.gz written to .../laskut.parquet in ... s (their columns as text)
        >>> len(converted)
        40500
    """
    path = Path(path)
    fmt = check_input(path, delimiter)
    if fmt == "parquet":
        raise InputError(f"{path.name} is Parquet already; every command reads it as it is")
    out = out if out is not None else Path(path.name.split(".")[0] + ".parquet")
    if format_of(out, {".parquet": "parquet"}) is None:
        raise ConfigError(f"{out.name}: give the Parquet file a name ending .parquet")
    check_output(out)
    import time

    from rpa_scout.io.stream import Limits

    started, limits, lang = time.perf_counter(), Limits.with_max_bytes(max_bytes), lang or Lang("en")
    if fmt != "xes":
        return _convert_table(path, fmt, out, limits, lang, started, delimiter, encoding, sheet)
    from rpa_scout.io.xes_stream import NotStreamable, convert_xes

    try:
        events = convert_xes(path, out, limits).events
        how = Message("convert.streaming")
    except NotStreamable as exc:
        from rpa_scout.io.files import atomic_path
        from rpa_scout.io.xes import read_xes_table

        frame, _parser, _repairs = read_xes_table(path, limits, cache=False)
        with atomic_path(out) as tmp:
            frame.to_parquet(tmp, index=False)
        events, how = len(frame), Message("convert.full", why=str(exc))
    seconds = time.perf_counter() - started
    return [lang.t("convert.written", events=events, name=path.name, path=out, seconds=seconds,
                   rate=events / max(seconds, 1e-9), how=how)]


def _storable(frame: "pd.DataFrame") -> "pd.DataFrame":
    """``frame`` with each column of values of several kinds (an Excel column of dates and
    text, of numbers and text) as their text, which reading parses value by value as it
    parses the workbook's; Parquet holds one type a column."""
    mixed = [c for c in frame.columns if frame[c].dtype == object
             and len({type(v) for v in frame[c].dropna()}) > 1]
    if not mixed:
        return frame
    return frame.assign(**{c: frame[c].map(lambda v: v if v is None or v != v else str(v)).astype("string")
                           for c in mixed})


def _convert_table(path: Path, fmt: str, out: Path, limits, lang: Lang, started: float,
                   delimiter: str | None, encoding: str | None, sheet: str | int | None) -> list[str]:
    """A CSV or Excel log's rows as decoded, written to Parquet; the lines say so and
    name the records that could not be split."""
    import time

    from rpa_scout.io.files import atomic_path
    from rpa_scout.io.tables import read_csv_table, read_excel_table
    from rpa_scout.load_report import SAMPLE_ROWS

    table = (read_csv_table(path, delimiter=delimiter, encoding=encoding, limits=limits) if fmt == "csv"
             else read_excel_table(path, sheet=sheet, limits=limits))
    with atomic_path(out) as tmp:
        _storable(table.frame).to_parquet(tmp, index=False)
    lines = [lang.t("convert.rows_written", rows=len(table.frame), name=path.name, path=out,
                    seconds=time.perf_counter() - started)]
    lines += [lang.t("load.repaired", repair=render(repair, lang), count=count)
              for repair, count in table.repairs.items()]
    if table.bad_records:
        rows = sorted(table.bad_records)
        lines.append(lang.tn("convert.not_written", len(rows), name=path.name,
                            rows=", ".join(str(r) for r in rows[:SAMPLE_ROWS])
                            + (", ..." if len(rows) > SAMPLE_ROWS else "")))
    return lines


