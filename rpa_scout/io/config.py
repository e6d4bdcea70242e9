"""Read the ranking configuration (YAML) and standard-times files (CSV or YAML).

Every value is checked here, at the edge, so that a bad file gives one error naming
the file, the key and what to write instead: sections must be mappings, numbers
finite numbers, patterns valid regular expressions, minutes between 0 and
:data:`MAX_STANDARD_MINUTES`.
"""

from __future__ import annotations

import contextlib
import csv
import math
import re
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from rpa_scout.assumptions import Economics
from rpa_scout.errors import ConfigError
from rpa_scout.settings import MAX_STANDARD_MINUTES, standard_minutes, two_times_for_one_step

if TYPE_CHECKING:
    from rpa_scout.settings import Settings


#: A time-study figure for one step longer than a working day is a typing error.
#: Config and standard-times files are small; a bigger one is not one of them.
MAX_CONFIG_BYTES = 1 << 20
RANK_NUMBERS = ("fit_threshold", "capacity_hours")
RANK_MAPPINGS = ("weights", "minimums")
SECTIONS = ("read", "filter", "manual", "handling", "rank", "economics", "present")
PRESENT_KEYS = ("lang",)
READ_KEYS = ("preset", "case", "activity", "timestamp", "resource", "lifecycle", "start_timestamp", "instance",
             "event_id", "timestamp_format", "timezone", "delimiter", "encoding", "sheet",
             "drop_duplicates", "max_bytes", "cache", "epoch_clock")
RANK_KEYS = ("weights", "fit_threshold", "minimums", "sort_by", "routines", "bootstrap_rounds", "seed",
             "capacity_hours")
#: YAML keys of the ``filter`` section and the :class:`rpa_scout.settings.FilterSettings`
#: fields they set.
FILTER_KEYS = {"from": "date_from", "to": "date_to", "period_basis": "period_basis",
               "where": "where", "min_cases": "min_cases"}
ECONOMICS_KEYS = ("fte_hours", "hourly_cost", "build_days", "day_rate", "licence_per_year",
                  "payback_horizon_months")
PATTERN_KEYS = ("system_resources", "person_resources", "system_activities", "manual_activities")


def _read_text(path: Path, what: str, *, detect: bool = False) -> str:
    """The file as UTF-8 text (a BOM is dropped), or :class:`ConfigError` saying why not.

    ``detect`` decodes it as a CSV export is decoded (cp1252, UTF-16 with its byte-order
    mark, or lines of both): a standard-times table saved from Excel on Windows is cp1252.
    """
    if not path.exists():
        raise ConfigError(f"{path}: no such file")
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; give the {what} file")
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: larger than 1 MiB; this is not a {what} file")
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} file ({exc.strerror or exc})") from None
    if detect:
        from rpa_scout.io.encodings import decode_text

        return decode_text(data, None, str(path))[0]
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start + 1}); save the {what} file "
                          "as UTF-8") from None


def _load_yaml(path: Path, what: str = "config") -> Any:
    import yaml

    text = _read_text(path, what)

    class Loader(yaml.SafeLoader):
        """YAML without its own dates: 2025-13-45 is text that the key's check names
        (YAML's date check failed the whole file, naming no key)."""

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    try:
        return yaml.load(text, Loader=Loader) or {}  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}: not valid YAML{where}; check the indentation and colons") from None
    except ValueError as exc:  # a date-like value that is no date (2024-13-01): YAML's own check
        raise ConfigError(f"{path}: not valid YAML ({exc}); write dates as YYYY-MM-DD") from None


def read_config(path: Path) -> dict[str, Any]:
    """Read and check a YAML config with optional sections ``read``, ``filter``, ``manual``,
    ``handling``, ``rank``, ``economics`` and ``present`` (those of
    :class:`rpa_scout.settings.Settings`).

    A config file::

        read: {timezone: Europe/Amsterdam, drop_duplicates: false}
        filter: {from: 2014-01-01, to: 2014-12-31, period_basis: cases,
                 where: ["label in 1,2"], min_cases: 5}
        manual: {system_resources: ["Basware.*"], manual_activities: ["Tarkastus"]}
        handling: {standard_times: ajat.csv}     # beside the config file
        rank: {fit_threshold: 0.5, sort_by: hours, weights: {rule_basedness: 0.4}}
        economics: {hourly_cost: 38, fte_hours: 1600, build_days: 15}
        present: {lang: fi}

    Returns:
        The sections, checked: numbers finite, patterns valid, ``manual`` pattern lists as
        tuples, ``handling.standard_times`` read into activity → minutes.

    Raises:
        ConfigError: unreadable, not YAML, an unknown section or key, or a value of the
            wrong kind, naming the file and the key.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from rpa_scout.io.config import read_config
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     config = Path(folder) / "rpa.yaml"
        ...     _ = config.write_text("rank: {fit_threshold: 0.5}\\nmanual: {system_resources: Basware}\\n")
        ...     read_config(config)
        {'manual': {'system_resources': ('Basware',)}, 'rank': {'fit_threshold': 0.5}}
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     config = Path(folder) / "rpa.yaml"
        ...     _ = config.write_text("rank: {fit_treshold: 0.5}\\n")
        ...     read_config(config)
        Traceback (most recent call last):
        ...
        rpa_scout.errors.ConfigError: .../rpa.yaml: rank: unknown key(s) fit_treshold; known: weights, ...
    """
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected sections {', '.join(SECTIONS)} at the top level")
    unknown = set(map(str, data)) - set(SECTIONS)
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; "
                          f"use {', '.join(SECTIONS)}")
    out = {section: _mapping(data[section], f"{path}: {section}") for section in SECTIONS if section in data}
    if "read" in out:
        out["read"] = _read_section(out["read"], path)
    if "filter" in out:
        out["filter"] = _filter_section(out["filter"], path)
    if "handling" in out:
        out["handling"] = _handling_section(out["handling"], path)
    if "rank" in out:
        out["rank"] = _rank_section(out["rank"], path)
    if "economics" in out:
        out["economics"] = {k: _number(v, f"{path}: economics.{k}")
                            for k, v in _known(out["economics"], ECONOMICS_KEYS, f"{path}: economics").items()}
    if "manual" in out:
        out["manual"] = _manual_section(out["manual"], path)
    if "present" in out:
        out["present"] = _present_section(out["present"], path)
    return out


def _present_section(section: dict[str, Any], path: Path) -> dict[str, Any]:
    from rpa_scout.lang import LANGS

    where = f"{path}: present"
    _known(section, PRESENT_KEYS, where)
    lang = section.get("lang")
    if lang is not None and lang not in LANGS:
        raise ConfigError(f"{where}.lang must be one of {', '.join(LANGS)}, got {_short(lang)}")
    return {k: v for k, v in section.items() if v is not None}


def load_settings(path: Path | None = None, *, read: Mapping[str, Any] | None = None,
                  rank: Mapping[str, Any] | None = None, economics: Mapping[str, Any] | None = None,
                  standard_times: Path | None = None, filters: Mapping[str, Any] | None = None,
                  lang: str | None = None, default_lang: str | None = None) -> "Settings":
    """The one :class:`rpa_scout.settings.Settings` of a run: defaults, then the config
    file at ``path``, then the given overrides (``None`` values leave a setting alone).

    Args:
        path: YAML config (see :func:`read_config`), or ``None``.
        read, rank, economics: values that win over the file (the CLI's options).
        filters: :class:`rpa_scout.settings.FilterSettings` fields that win over the
            file's ``filter`` section (an empty ``where`` leaves the file's).
        standard_times: a standard-times file that wins over ``handling.standard_times``.
        lang: the language that wins over ``present.lang`` (``--lang``).
        default_lang: the language when neither gives one (the CLI: the locale's).

    Raises:
        ConfigError: naming the file and key, or the option, and what is wrong.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from rpa_scout.io.config import load_settings
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     config = Path(folder) / "rpa.yaml"
        ...     _ = config.write_text("read: {timezone: Europe/Amsterdam}\\nrank: {sort_by: fit}\\n")
        ...     settings = load_settings(config, rank={"sort_by": "volume"}, economics={"hourly_cost": None})
        >>> settings.timezone, settings.rank.sort_by, settings.economics.hourly_cost   # the option wins
        ('Europe/Amsterdam', 'volume', 29.0)
        >>> load_settings() == load_settings(None, read={"timezone": None})
        True
    """
    from rpa_scout.settings import (FilterSettings, HandlingSettings, ManualRules, PresentSettings,
                                    RankConfig, ReadSettings, Settings)

    sections = read_config(path) if path is not None else {}
    if (read or {}).get("timezone") is not None:
        _zone(read["timezone"], "--timezone")
    given = {"read": read, "filter": filters, "rank": rank, "economics": economics, "present": {"lang": lang}}
    times = read_standard_times(standard_times) if standard_times else sections.get("handling", {}).get(
        "standard_times", {})

    def build(section: str, make: Any, defaults: Mapping[str, Any] | None = None) -> Any:
        return _built(make, path, section, sections.get(section, {}), given.get(section), defaults)

    where_from_file = "where" in sections.get("filter", {}) and not (filters or {}).get("where")
    # the errors name a file's conditions by its file and key, the options as the command line does
    filter_names = {"where_name": f"{path}: filter.where"} if where_from_file else {}
    filter_names["options_only"] = True
    try:
        return Settings(read=build("read", ReadSettings), filter=build("filter", FilterSettings, filter_names),
                        manual=build("manual", ManualRules), handling=HandlingSettings(standard_times=times),
                        rank=build("rank", RankConfig),
                        economics=build("economics", lambda **values: Economics().with_overrides(**values)),
                        present=build("present", PresentSettings, {"lang": default_lang} if default_lang else {}))
    except TypeError as exc:  # a key the dataclass does not know (checked above; a guard)
        raise ConfigError(f"{path or 'options'}: {exc}") from None


def _built(make: Any, path: Path | None, section: str, in_file: Mapping[str, Any],
           options: Mapping[str, Any] | None, defaults: Mapping[str, Any] | None) -> Any:
    """``make(**values)``: the defaults, then the file's section, then the options that are
    given (not ``None``, not empty). A value the settings refuse that came from the file is
    a :class:`ConfigError` naming the file and key, as :func:`read_config`'s own are."""
    chosen = {k: v for k, v in (options or {}).items() if v is not None and v != ()}
    try:
        return make(**{**(defaults or {}), **in_file, **chosen})
    except ConfigError as exc:
        top = (exc.key or "").split(".")[0]
        if path is not None and (section, top) == ("filter", "date_from") and "date_to" in in_file \
                and top in chosen and "date_to" not in chosen:  # --from after the file's filter.to
            raise ConfigError(f"--from {exc.problem.split()[0]} is after filter.to {in_file['date_to']} "
                              f"in {path}") from None
        if path is None or exc.problem is None or top not in in_file or top in chosen:
            raise  # not the file's value: the message names the option or setting
        name = {field: key for key, field in FILTER_KEYS.items()}.get(top, top) if section == "filter" else top
        raise ConfigError(f"{path}: {section}.{name}{exc.key[len(top):]} {exc.problem}") from None


def _read_section(section: dict[str, Any], path: Path) -> dict[str, Any]:
    where = f"{path}: read"
    _known(section, READ_KEYS, where)
    out: dict[str, Any] = {}
    for key, value in section.items():
        if key in ("drop_duplicates", "cache"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}.{key} must be true or false, got {_short(value)}")
        elif key == "max_bytes":
            value = _size(value, f"{where}.{key}")
        elif value is not None and not isinstance(value, str):
            raise ConfigError(f"{where}.{key} must be text, got {_short(value)}")
        out[key] = value
    if "timezone" in out:
        _zone(out["timezone"], f"{where}.timezone")
    if out.get("epoch_clock") not in (None, "auto", "utc", "local"):
        raise ConfigError(f"{where}.epoch_clock must be auto, utc or local, got {_short(out['epoch_clock'])}")
    return out


def _filter_section(section: dict[str, Any], path: Path) -> dict[str, Any]:
    """The ``filter`` section as :class:`rpa_scout.settings.FilterSettings` fields, checked."""
    from rpa_scout.settings import PERIOD_BASES, WHERE_FORMS, Condition, parse_day

    where = f"{path}: filter"
    _known(section, tuple(FILTER_KEYS), where)
    out: dict[str, Any] = {}
    for key, value in section.items():
        name = f"{where}.{key}"
        if value is None:
            continue
        if key in ("from", "to"):
            value = parse_day(value, name)  # YAML reads 2014-01-01 as a date: str() is ISO
        elif key == "where":
            value = [value] if isinstance(value, str) else value
            if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
                raise ConfigError(f"{name} must be a list of conditions ({WHERE_FORMS}), got {_short(value)}")
            value = tuple(str(v) for v in value)
            for condition in value:
                Condition.parse(condition, name)
        elif key == "min_cases" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ConfigError(f"{name} must be a whole number of 0 or more, got {_short(value)}")
        elif key == "period_basis" and value not in PERIOD_BASES:
            raise ConfigError(f"{name} must be {' or '.join(PERIOD_BASES)}, got {_short(value)}")
        out[FILTER_KEYS[key]] = value
    return out


def _handling_section(section: dict[str, Any], path: Path) -> dict[str, Any]:
    where = f"{path}: handling"
    _known(section, ("standard_times",), where)
    value = section.get("standard_times")
    if value is None:
        return {}
    if not isinstance(value, str):
        raise ConfigError(f"{where}.standard_times must be a file name, got {_short(value)}")
    found = (path.parent / value) if not Path(value).is_absolute() else Path(value)
    if not found.is_file():
        raise ConfigError(f"{where}.standard_times: {value} not found (looked for {found}; a relative "
                          "name is read beside the config file)")
    return {"standard_times": read_standard_times(found)}


def _size(value: Any, where: str) -> int:
    from rpa_scout.io.stream import parse_size

    if isinstance(value, bool):
        raise ConfigError(f"{where} must be a size such as 500M or 8G, got {_short(value)}")
    try:
        return value if isinstance(value, int) else parse_size(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _zone(name: str, where: str) -> None:
    from rpa_scout.timestamps import check_timezone

    try:
        check_timezone(name)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a mapping of keys to values, got {type(value).__name__} "
                          f"{_short(value)}")
    return {str(k): v for k, v in value.items()}


def _known(section: Mapping[str, Any], keys: tuple[str, ...], where: str) -> Mapping[str, Any]:
    unknown = sorted(set(section) - set(keys))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(keys)}")
    return section


def _number(value: Any, where: str) -> float:
    if isinstance(value, str):  # YAML 1.1 reads 1e12 (no decimal point) as text
        with contextlib.suppress(ValueError):
            value = float(value.strip()) if re.fullmatch(r"\s*[-+]?\d+(\.\d*)?[eE][-+]?\d+\s*", value) else value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where} must be a number, got {_short(value)}")
    if not math.isfinite(value):
        raise ConfigError(f"{where} must be a finite number, got {value}")
    return float(value)


def _rank_section(section: dict[str, Any], path: Path) -> dict[str, Any]:
    where = f"{path}: rank"
    _known(section, RANK_KEYS, where)
    out = dict(section)
    for key in RANK_MAPPINGS:
        if key in out:
            values = _mapping(out[key], f"{where}.{key}")
            out[key] = {k: _number(v, f"{where}.{key}.{k}") for k, v in values.items()}
    if "weights" in out and any(v < 0 for v in out["weights"].values()):
        raise ConfigError(f"{where}.weights must not be negative")
    for key in RANK_NUMBERS:
        if key in out:
            out[key] = _number(out[key], f"{where}.{key}")
    if "sort_by" in out and not isinstance(out["sort_by"], str):
        raise ConfigError(f"{where}.sort_by must be a word such as hours, got {_short(out['sort_by'])}")
    if "routines" in out and not isinstance(out["routines"], bool):
        raise ConfigError(f"{where}.routines must be true or false, got {_short(out['routines'])}")
    for key, low, high in (("bootstrap_rounds", 1, 10_000), ("seed", 0, 2**32 - 1)):
        if key in out:
            value = out[key]
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ConfigError(f"{where}.{key} must be a whole number from {low} to {high:,}, "
                                  f"got {_short(value)}")
    return out


def _manual_section(section: dict[str, Any], path: Path) -> dict[str, Any]:
    from rpa_scout.settings import ManualRules  # the names of its thresholds

    numbers = tuple(f.name for f in fields(ManualRules) if f.name not in PATTERN_KEYS + ("timezone",))
    where = f"{path}: manual"
    _known(section, PATTERN_KEYS + numbers, where)
    out: dict[str, Any] = {}
    for key, value in section.items():
        if key in numbers:
            out[key] = _number(value, f"{where}.{key}")
            if out[key] < 0:
                raise ConfigError(f"{where}.{key} must not be negative")
            continue
        patterns = [value] if isinstance(value, str) else value
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise ConfigError(f"{where}.{key} must be a list of names or regular expressions, "
                              f"got {_short(value)}")
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"{where}.{key}: {pattern!r} is not a valid regular expression "
                                  f"({exc}); escape special characters such as ( [ * with a backslash") from None
        out[key] = tuple(patterns)
    return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def read_standard_times(path: Path) -> dict[str, float]:
    """Activity → minutes from a CSV (columns activity;minutes, any delimiter) or YAML mapping.

    A CSV's first row is a header when its minutes cell is no number (``Vaihe;Minuuttia``);
    columns after the minutes (a remark) are not read.

    Raises:
        ConfigError: unreadable, no activity and minutes columns, or minutes that are not
            a finite number from 0 to :data:`MAX_STANDARD_MINUTES`.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from rpa_scout.io.config import read_standard_times
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     times = Path(folder) / "ajat.csv"
        ...     _ = times.write_text("toimenpide;minuutit\\nAsiatarkastus;6,5\\nHyväksyntä;2\\n",
        ...                          encoding="utf-8")
        ...     read_standard_times(times)
        {'Asiatarkastus': 6.5, 'Hyväksyntä': 2.0}
    """
    if path.suffix.lower() in (".yaml", ".yml"):
        data = _load_yaml(path, "standard-times")
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected 'activity: minutes' lines")
        items = [(str(k), v) for k, v in data.items()]
    else:
        items = _standard_rows(path)
    times = [(activity, _minutes(path, activity, minutes)) for activity, minutes in items]
    clash = two_times_for_one_step(times)  # letter case and surrounding spaces aside
    if clash is not None:
        named = repr(clash[0]) if clash[0] == clash[1] else f"{clash[0]!r} ({clash[1]!r})"
        raise ConfigError(f"{path}: {named} has two standard times, {clash[2]:g} and {clash[3]:g} "
                          "minutes; keep one row for it")
    out = dict(times)
    if not out:
        raise ConfigError(f"{path}: no standard times in the file; write 'activity;minutes' rows")
    return out


def _standard_rows(path: Path) -> list[tuple[str, Any]]:
    text = _read_text(path, "standard-times", detect=True)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise ConfigError(f"{path}: empty standard-times file")
    delimiter = next((d for d in (";", "\t", ",") if d in lines[0]), None)
    if delimiter is None:
        raise ConfigError(f"{path}: row 1 needs an activity and minutes separated by ; , or tab")
    rows = list(csv.reader(lines, delimiter=delimiter))
    header = [h.strip().lower() for h in rows[0]]
    start = 1 if _is_header(header) else 0
    width = max(2, len(header)) if start else 2
    items = []
    for number, row in enumerate(rows[start:], start=start + 1):
        if not "".join(row).strip():
            continue
        if len(row) < 2 or not row[0].strip():
            raise ConfigError(f"{path}: row {number} needs an activity and minutes")
        split = _split_decimal(row, width) if delimiter == "," else None
        if split:
            raise ConfigError(f"{path}: row {number}: the decimal comma of {split} splits the minutes; "
                              f"separate the columns with ';', quote the number (\"{split}\") or write it "
                              f"with a decimal point ({split.replace(',', '.')})")
        value = row[1].strip()
        items.append((row[0].strip(), value.replace(",", ".") if value.count(",") == 1 else value))
    return items


def _is_header(cells: list[str]) -> bool:
    """Whether row 1 (its cells stripped) names the columns: its minutes cell (the second)
    is no number (``Vaihe;Minuuttia``, ``Vaihe;Vakioaika (min);Huomautus``), or its last
    cell is a word for minutes. Then the activity is the first column and the minutes the
    second, whatever their names; other columns are not read. A minutes cell with a digit
    (``1 440``) or fewer than three letters (empty, ``n/a``) is a row of data, whose error
    then says what is wrong with it."""
    if cells and cells[-1] in ("minutes", "minuutit", "min", "minuter"):
        return True
    if len(cells) < 2 or re.search(r"\d", cells[1]) or len(re.findall(r"[^\W\d_]", cells[1])) < 3:
        return False   # a digit, or too few letters for a name (empty, "n/a"): a row of data
    try:
        float(cells[1])  # nan, inf: a number, refused as a row's minutes
    except ValueError:
        return True
    return False


def _split_decimal(row: list[str], width: int) -> str | None:
    """``2,5`` when a comma-separated row has a field more than the header and its minutes
    and that field read as a number with a decimal comma (``Kirjaus,2,5``); else ``None``."""
    if len(row) <= width:
        return None
    whole, part = row[1].strip(), row[2].strip()
    return f"{whole},{part}" if re.fullmatch(r"-?\d+", whole) and re.fullmatch(r"\d+", part) else None


def _minutes(path: Path, activity: str, minutes: Any) -> float:
    try:
        return standard_minutes(activity, minutes)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
