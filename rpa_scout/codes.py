"""Text columns as integer codes, made once per stage and shared by its steps.

Case ids, activities and accounts are text (Arrow-backed strings). Grouping, comparing
and sorting them as text again and again costs more than the analysis itself on a
million events, so each stage factorises them once (:class:`Coded`) and works on the
codes; text is looked up only for the few distinct values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Coded:
    """A column as integer codes (-1 where missing) and the distinct values they stand for.

    Example:
        >>> c = Coded.of(pd.Series(["b", "a", None, "b"], dtype="string"))
        >>> c.codes.tolist(), c.values.tolist(), c.spread(np.array([1, 2]), 0).tolist()
        ([0, 1, -1, 0], ['b', 'a'], [1, 2, 0, 1])
    """

    codes: np.ndarray
    values: np.ndarray  # object array, in order of first appearance

    @classmethod
    def of(cls, column: pd.Series) -> "Coded":
        """Codes of ``column`` (:func:`pandas.factorize`: equal values, equal codes)."""
        codes, uniques = pd.factorize(column)
        return cls(codes, np.asarray(uniques, dtype=object))

    @property
    def known(self) -> np.ndarray:
        """Rows with a value."""
        return self.codes >= 0

    def spread(self, per_value: np.ndarray, missing=None) -> np.ndarray:
        """One result per distinct value, given to every row of that value (``missing``
        to rows without one)."""
        return np.r_[per_value, np.array([missing], dtype=per_value.dtype)][self.codes]

    def code_of(self) -> dict:
        """Value → code."""
        return {v: i for i, v in enumerate(self.values.tolist())}
