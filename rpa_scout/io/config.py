"""Read the ranking configuration (YAML) and standard-times files (CSV or YAML)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rpa_scout.errors import ConfigError


def _load_yaml(path: Path) -> Any:
    import yaml

    if not path.exists():
        raise ConfigError(f"{path}: no such file")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}: not valid YAML{where}; check the indentation and colons") from None


def read_config(path: Path) -> dict[str, Any]:
    """Read a YAML config with optional sections ``rank``, ``economics`` and ``manual``.

    Example::

        rank: {fit_threshold: 0.5, sort_by: hours, weights: {rule_basedness: 0.4}}
        economics: {hourly_cost: 38, fte_hours: 1600, build_days: 15}
        manual: {system_resources: ["Basware.*"], manual_activities: ["Tarkastus"]}
    """
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected sections rank/economics/manual at the top level")
    unknown = set(data) - {"rank", "economics", "manual"}
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; "
                          "use rank, economics and manual")
    return data


def read_standard_times(path: Path) -> dict[str, float]:
    """Activity → minutes from a CSV (columns activity;minutes, any delimiter) or YAML mapping."""
    if not path.exists():
        raise ConfigError(f"{path}: no such file")
    if path.suffix.lower() in (".yaml", ".yml"):
        data = _load_yaml(path)
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: expected 'activity: minutes' lines")
        items = list(data.items())
    else:
        import csv

        text = path.read_text(encoding="utf-8-sig")
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
        rows = list(csv.reader(text.splitlines(), dialect))
        if not rows:
            raise ConfigError(f"{path}: empty standard-times file")
        header = [h.strip().lower() for h in rows[0]]
        start = 1 if header and header[-1] in ("minutes", "minuutit", "min", "minuter") else 0
        items = []
        for number, row in enumerate(rows[start:], start=start + 1):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 2:
                raise ConfigError(f"{path}: row {number} needs an activity and minutes")
            items.append((row[0].strip(), row[1].strip().replace(",", ".")))
    out: dict[str, float] = {}
    for activity, minutes in items:
        try:
            value = float(minutes)
        except (TypeError, ValueError):
            raise ConfigError(f"{path}: minutes for {activity!r} is not a number: {minutes!r}") from None
        if value < 0:
            raise ConfigError(f"{path}: minutes for {activity!r} must not be negative")
        out[str(activity)] = value
    return out
