"""Personal identity codes in a log's values: found by their form and check digit.

A case id can be a citizen's personal identity code: early-education and social-service
systems key an application by the child's or the client's code, and exports carry it in
attribute columns (``hetu``, ``personnummer``). It is the most sensitive datum a log can
hold, so :func:`rpa_scout.pseudonymise` replaces every code it finds with a keyed
pseudonym, and such a column never splits, filters or labels anything.

Recognised, each only when its check character is right and its date exists:

- the Finnish *henkilötunnus* ``DDMMYYCZZZQ``: century sign ``+`` (1800s), ``-``/``U``–``Y``
  (1900s) or ``A``–``F`` (2000s; the signs of Government Decree 128/2010 as amended in
  2023), individual number, check character ``int(DDMMYYZZZ) mod 31`` in
  ``0123456789ABCDEFHJKLMNPRSTUVWXY`` (Digital and Population Data Services Agency);
- the Swedish *personnummer* and *samordningsnummer* ``(CC)YYMMDD-NNNC`` (``+`` past
  100 years; written without the separator too), check digit by the Luhn algorithm over
  the ten digits, a coordination number's day plus 60 (Skatteverket, SKV 704).

A random ten-digit number passes the Swedish checks about once in 150, so a column is
taken to hold codes only when at least :data:`CODE_SHARE` of its distinct values do
(:func:`holds_identity_codes`). In a step's name every code is replaced: an order
number that passes the checks becomes a pseudonym too, which costs nothing but its
readability.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Callable

import numpy as np
import pandas as pd

from rpa_scout.codes import map_distinct

#: A column holds identity codes when at least this share of its distinct values do.
CODE_SHARE = 0.5
#: Rows looked at first: a column with few codes there is passed over without reading more.
SAMPLE_ROWS = 20_000
#: ... and of those, the first distinct values (a column of thirty without codes costs
#: milliseconds, not a pass over twenty thousand values each).
FIRST_VALUES = 100

_FI_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_FI_CENTURY = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}
_FI = r"(?<![0-9A-Za-z])(\d{6})([-+A-FU-Ya-fu-y])(\d{3})([0-9A-Ya-y])(?![0-9A-Za-z])"
_SE = r"(?<![0-9])((?:18|19|20)?\d{6})([-+]?)(\d{4})(?![0-9])"
_PATTERNS = (re.compile(_FI), re.compile(_SE))
#: Codes that cannot be read as another number: a Finnish one, a Swedish one with its
#: separator or its century.
_WRITTEN = (_PATTERNS[0], re.compile(r"(?<![0-9])((?:18|19|20)\d{6}|\d{6})([-+])(\d{4})(?![0-9])"),
            re.compile(r"(?<![0-9])((?:18|19|20)\d{6})()(\d{4})(?![0-9])"))
#: A code's shape, for one vectorised pass before the checks in Python.
_SHAPE = r"\d{6}[-+A-Za-z]\d{3}[0-9A-Za-z]|\d{10}"
_WRITTEN_SHAPE = r"\d{6}[-+A-Za-z]\d{3}[0-9A-Za-z]|\d{12}"
#: What :func:`rpa_scout.pseudonymise` makes of a code: ``id-`` and 16 hex digits.
PSEUDONYM = re.compile(r"(?<![\w-])id-[0-9a-f]{16}(?![\w-])")


def identity_code(text: str) -> bool:
    """Whether ``text`` is (or holds) a valid Finnish or Swedish personal identity code.

    Example:
        >>> [identity_code(t) for t in ("131052-308T", "131052-308A", "811218-9876", "19811218-9876",
        ...                             "8112189876", "OL-2025-00067", "2025-01-07 12:00")]
        [True, False, True, True, True, False, False]
    """
    return any(_valid(m) for pattern in _PATTERNS for m in pattern.finditer(str(text)))


def holds_identity_codes(values: pd.Series) -> bool:
    """Whether at least :data:`CODE_SHARE` of the distinct values of ``values`` hold an
    identity code, or the pseudonym :func:`rpa_scout.pseudonymise` gives one (a column of
    codes stays one after pseudonymising: it still splits nothing); the first
    :data:`SAMPLE_ROWS` rows are looked at first.

    Example:
        >>> holds_identity_codes(pd.Series(["131052-308T", "010101A123N", "131052-308T"]))
        True
        >>> holds_identity_codes(pd.Series(["id-5737e3e5e7a1b2c3", "id-0a1b2c3d4e5f6a7b"]))
        True
        >>> holds_identity_codes(pd.Series([8112189876, 1, 2, 3]))
        False
    """
    parts = (values.iloc[:SAMPLE_ROWS], values) if len(values) > SAMPLE_ROWS else (values,)
    for i, part in enumerate(parts):
        distinct = pd.unique(part.dropna())
        for seen in ((distinct[:FIRST_VALUES], distinct) if i == 0 else (distinct,)):
            found = sum(identity_code(str(v)) or bool(PSEUDONYM.search(str(v))) for v in seen)
            if not len(seen) or found < CODE_SHARE * len(seen):
                return False
    return True


def replace_identity_codes(values: pd.Series, replace: Callable[[str], str], *, written: bool = False) -> pd.Series:
    """``values`` (as categories) with each identity code inside them replaced by
    ``replace(code)``, the code written one way (upper case; a Swedish one as its ten
    digits, so that ``19811218-9876`` and ``8112189876`` are one person's). ``written``:
    only codes that cannot be read as another number (a Finnish one; a Swedish one with
    its separator or century), for a column that does not hold codes by
    :func:`holds_identity_codes` but may hold some.

    Example:
        >>> replace_identity_codes(pd.Series(["Hakemus 131052-308T", "OL-1"]), lambda c: "***").tolist()
        ['Hakemus ***', 'OL-1']
        >>> replace_identity_codes(pd.Series(["8112189876", "811218-9876"]), lambda c: "*", written=True).tolist()
        ['8112189876', '*']
    """
    def change(texts: np.ndarray) -> np.ndarray | None:
        shape = _WRITTEN_SHAPE if written else _SHAPE
        maybe = np.flatnonzero(pd.Series(texts, dtype="string[pyarrow]").str.contains(shape, regex=True)
                               .fillna(False).to_numpy(dtype=bool))
        if not len(maybe):   # no text has a code's shape: one vectorised pass, no Python per value
            return None
        shown = texts.copy()
        for i in maybe:
            shown[i] = sub_identity_codes(shown[i], replace, written=written)
        return None if (shown[maybe] == texts[maybe]).all() else shown

    return map_distinct(values, change)


def sub_identity_codes(text: str, replace: Callable[[str], str], *, written: bool = False) -> str:
    """``text`` with each identity code replaced, as :func:`replace_identity_codes` does.

    Example:
        >>> sub_identity_codes("Lapsi 010101A123N, äiti 131052-308T", lambda code: "<" + code[-1] + ">")
        'Lapsi <N>, äiti <T>'
    """
    for pattern in _WRITTEN if written else _PATTERNS:
        text = pattern.sub(lambda m: replace(_normal(m)) if _valid(m) else m.group(0), text)
    return text


def _valid(match: re.Match) -> bool:
    """A Finnish (four groups) or Swedish (three) code whose date exists and whose check
    character is right."""
    if match.re.groups == 4:
        digits, sign, number, check = match.group(1, 2, 3, 4)
        return (_date(_FI_CENTURY[sign.upper()] + int(digits[4:]), int(digits[2:4]), int(digits[:2]))
                and _FI_CHECK[int(digits + number) % 31] == check.upper())
    born, sign, number = match.groups()
    short = born[-6:]
    day = int(short[4:])
    day = day - 60 if day > 60 else day   # a coordination number
    century = int(born[:2]) * 100 if len(born) == 8 else 1900 if int(short[:2]) > 25 else 2000
    return _date(century + int(short[:2]), int(short[2:4]), day) and _luhn(short + number)


def _normal(match: re.Match) -> str:
    """One way of writing a code (see :func:`replace_identity_codes`)."""
    if match.re.groups == 4:
        return match.group(0).upper()
    born, _, number = match.groups()
    return born[-6:] + number


def _date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(int(c) for c in digits):
        d = d * 2 if i % 2 == 0 else d
        total += d - 9 if d > 9 else d
    return total % 10 == 0
