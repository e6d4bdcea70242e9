"""The load report: every row read is kept or rejected with a reason; repairs are listed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import pandas as pd

SAMPLE_ROWS = 5


@dataclass(frozen=True)
class LoadReport:
    """What reading one log did to its rows.

    ``rows_read == rows_kept + sum(rejected.values())`` always holds. Row numbers are
    1-based positions in the source (data rows of a table, events of an XES file).
    """

    source: str
    format: str
    mapping: Mapping[str, str | None]
    mapping_name: str
    timestamp_method: str
    rows_read: int
    rows_kept: int
    repaired: Mapping[str, int] = field(default_factory=dict)
    rejected: Mapping[str, int] = field(default_factory=dict)
    samples: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    lifecycle: Mapping[str, int] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    rejected_rows: pd.DataFrame | None = field(default=None, repr=False, compare=False)

    @property
    def rows_rejected(self) -> int:
        """Rows not kept, over all reasons."""
        return int(sum(self.rejected.values()))

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready form (without the rejected rows themselves)."""
        return {
            "source": self.source,
            "format": self.format,
            "mapping": dict(self.mapping),
            "mapping_name": self.mapping_name,
            "timestamp_method": self.timestamp_method,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_rejected": self.rows_rejected,
            "repaired": dict(self.repaired),
            "rejected": dict(self.rejected),
            "sample_rows": {k: list(v) for k, v in self.samples.items()},
            "lifecycle": dict(self.lifecycle),
            "notes": list(self.notes),
        }

    def lines(self) -> list[str]:
        """Human-readable summary, one fact a line."""
        out = [
            f"rows read      {self.rows_read:>12,}",
            f"rows kept      {self.rows_kept:>12,}",
            f"rows rejected  {self.rows_rejected:>12,}",
        ]
        for reason, count in self.rejected.items():
            rows = ", ".join(str(r) for r in self.samples.get(reason, ()))
            out.append(f"  {reason}: {count:,}" + (f" (rows {rows}, ...)" if rows else ""))
        for repair, count in self.repaired.items():
            out.append(f"repaired: {repair}: {count:,}")
        for key, count in self.lifecycle.items():
            out.append(f"lifecycle {key}: {count:,}")
        out.extend(f"note: {note}" for note in self.notes)
        return out
