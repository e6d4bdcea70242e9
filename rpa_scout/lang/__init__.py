"""Every word a person reads, in Finnish, Swedish or English: one catalogue per language.

The catalogues (:mod:`rpa_scout.lang.en`, :mod:`~rpa_scout.lang.fi`,
:mod:`~rpa_scout.lang.sv`) map the same keys to templates. A template names its values
and how to show them, and :class:`Lang` writes numbers, shares, durations, dates and
money in the language's conventions (Babel's CLDR data: ``1 157`` and ``1,5 h`` in
Finnish, ``1,157`` and ``1.5 h`` in English)::

    >>> Lang("fi").t("unit.hours_year", hours=1157.4)
    '1\\xa0157 h/v'
    >>> Lang("en").t("unit.hours_year", hours=1157.4)
    '1,157 h/yr'

Value formats in templates (``{name:spec}``): ``n0``/``n1``/``n2`` (a number with that
many decimals), ``pct`` and ``pct1`` (a share 0–1 as a percentage), ``dur`` (seconds as
a duration: 45 s, 12 min, 1.5 h, 4.2 d), ``date`` (a timestamp), ``clock`` (an hour of the day: 8.00 in Finnish and Swedish, 08:00
in English), ``eur`` (euros,
rounded), ``g`` (a number with up to three significant decimals); text as it is.

A message about a number of things has a second key for one of them, ``{key}_one``
(``compare.steps_one``: "1 step"), and :meth:`Lang.tn` picks it by the count.

:class:`Message` is English text that remembers its key and values, so a library result
(the ranking's notes, its assumptions) reads as English and is shown in any language.
"""

from __future__ import annotations

import math
import os
from decimal import ROUND_HALF_EVEN, Decimal
import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

LANGS = ("fi", "sv", "en")
DEFAULT_LANG = "en"
# Explicit patterns, not CLDR's "short": Babel 2.19 (CLDR 47) changed sv_FI's short date
# from 2026-11-26 to 26.11.2026, which is how Finland-Swedish writes it (Institutet för
# de inhemska språken); spelling it out keeps output the same under every Babel.
_DATE_FORMATS = {"fi": "d.M.y", "sv": "d.M.y", "en": "d MMM y"}
_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}


def catalogue(code: str) -> Mapping[str, str]:
    """The message catalogue of a language (``fi``, ``sv`` or ``en``).

    Example:
        >>> catalogue("sv")["word.hours_short"]
        'h/år'
    """
    from rpa_scout.lang import en, fi, sv

    if code not in LANGS:
        from rpa_scout.errors import ConfigError

        raise ConfigError(f"unknown language {code!r}; choose one of {', '.join(LANGS)}")
    return {"en": en.MESSAGES, "fi": fi.MESSAGES, "sv": sv.MESSAGES}[code]


def lang_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language of the locale (``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``), else English.

    Example:
        >>> lang_from_environment({"LANG": "fi_FI.UTF-8"}), lang_from_environment({"LANG": "C"})
        ('fi', 'en')
    """
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(name) or "").strip()
        if value:
            code = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return code if code in LANGS else DEFAULT_LANG
    return DEFAULT_LANG


class _Formatter(string.Formatter):
    """``str.format`` whose format specs are the value kinds of the module docstring."""

    def __init__(self, lang: "Lang") -> None:
        super().__init__()
        self.kinds = {"n0": lambda v: lang.num(v, 0), "n1": lambda v: lang.num(v, 1),
                      "n2": lambda v: lang.num(v, 2), "n3": lambda v: lang.num(v, 3), "pct": lang.pct,
                      "pct1": lambda v: lang.pct(v, 1), "dur": lang.duration, "date": lang.date,
                      "clock": lang.clock,
                      "eur": lang.eur, "g": lang.general}

    def format_field(self, value: Any, format_spec: str) -> str:
        how = self.kinds.get(format_spec)
        return how(value) if how is not None else super().format_field(value, format_spec)


@dataclass(frozen=True)
class Lang:
    """Messages and number formats of one language.

    Example:
        >>> sv = Lang("sv")
        >>> sv.num(1157.4), sv.duration(5400), sv.pct(0.885)
        ('1\\xa0157', '1,5 h', '88\\xa0%')
    """

    code: str = DEFAULT_LANG

    def __post_init__(self) -> None:
        catalogue(self.code)  # an unknown language is a ConfigError here

    @property
    def messages(self) -> Mapping[str, str]:
        """The catalogue."""
        return catalogue(self.code)

    def t(self, key: str, **values: Any) -> str:
        """The message ``key`` with ``values`` written in this language's conventions; about
        one thing (``count`` 1) the catalogue's ``{key}_one`` where it has one, so that a
        :class:`Message` is singular in every language too.

        Example:
            >>> Lang("fi").t("load.ts.part", method="dd.mm.yyyy", count=1)
            'dd.mm.yyyy (1 arvo)'
        """
        if values.get("count") == 1 and f"{key}_one" in self.messages:
            key = f"{key}_one"
        shown = {k: self._shown(v) for k, v in values.items()}
        return _formatter(self).vformat(self.messages[key], (), shown)

    def tn(self, key: str, count: float, **values: Any) -> str:
        """The message ``key`` about ``count`` things (its ``{count}``): the catalogue's
        ``{key}_one`` when the count is one (the singular of fi, sv and en), else ``key``.

        Example:
            >>> Lang("en").tn("compare.steps", 1), Lang("sv").tn("compare.steps", 3)
            ('1 step', '3 steg')
        """
        return self.t(key, count=count, **values)

    def _shown(self, value: Any) -> Any:
        """A value ready to format: messages in this language, lists of them joined."""
        if isinstance(value, Message):
            return value.render(self)
        if isinstance(value, (list, tuple)):
            return ", ".join(str(self._shown(v)) for v in value)
        return value

    def num(self, value: float, digits: int = 0) -> str:
        """A number with ``digits`` decimals and the language's separators ('–' when unknown)."""
        if value is None or not math.isfinite(float(value)):
            return "–"
        return self._decimal(Decimal(float(value)), digits)

    def _decimal(self, exact: Decimal, digits: int) -> str:
        """An exact decimal rounded half-to-even as Python's own formatting does (``f"{x:,.0f}"``)."""
        rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)
        return _formatted(self.code, rounded + 0, digits)  # + 0: no negative zero

    def hours(self, value: float) -> str:
        """Hours as a whole number; a fraction of an hour as "< 1" (not "1" beside a
        reason that says "under one hour", nor "0" for something).

        Example:
            >>> Lang("fi").hours(1234.4), Lang("en").hours(0.8), Lang("en").hours(0.0)
            ('1\xa0234', '< 1', '0')
        """
        if value is not None and math.isfinite(float(value)) and 0 < float(value) < 1:
            return "< 1"
        return self.num(value)

    def general(self, value: float) -> str:
        """A number with as many decimals as it needs, at most three (0.59, 1.004, 12)."""
        if value is None or not math.isfinite(float(value)):
            return "–"
        text = f"{float(value):.3f}".rstrip("0").rstrip(".")
        digits = len(text.split(".")[1]) if "." in text else 0
        return self.num(float(value), digits if abs(float(value)) < 1000 else 0)

    def pct(self, share: float, digits: int = 0) -> str:
        """A share 0–1 as a percentage (``88 %`` in Finnish and Swedish, ``88%`` in English)."""
        if share is None or not math.isfinite(float(share)):
            return "–"
        text = self._decimal(Decimal(float(share) * 100), digits)  # as f"{share:.0%}" rounds
        return text + ("%" if self.code == "en" else "\u00a0%")

    def eur(self, value: float) -> str:
        """Euros, rounded to whole euros: ``33 553 €``."""
        return self.t("unit.eur", amount=self.num(value, 0))

    def duration(self, seconds: float | None) -> str:
        """A compact duration: 45 s, 12 min, 1.5 h, 4.2 d (in the language's units)."""
        if seconds is None or not math.isfinite(float(seconds)):
            return "–"
        seconds = float(seconds)
        if abs(seconds) < 90:
            return self.t("unit.seconds", value=self.num(seconds, 0))
        if abs(seconds) < 90 * 60:
            return self.t("unit.minutes", value=self.num(seconds / 60, 0))
        if abs(seconds) < 36 * 3600:
            return self.t("unit.hours", value=self.num(seconds / 3600, 1))
        return self.t("unit.days", value=self.num(seconds / 86400, 1))

    def clock(self, hour: float | None) -> str:
        """An hour of the day (8.25 is a quarter past eight) as the language writes it:
        ``8.15`` in Finnish and Swedish (Kotimaisten kielten keskus; Institutet för de
        inhemska språken for Finland-Swedish), ``08:15`` in English; '?' when unknown.

        Example:
            >>> Lang("fi").clock(8.25), Lang("sv").clock(16), Lang("en").clock(7.9999)
            ('8.15', '16.00', '08:00')
        """
        if hour is None or not math.isfinite(float(hour)):
            return "?"
        minutes = int(round(float(hour) * 60))
        h, m = divmod(minutes, 60)
        return f"{h:02d}:{m:02d}" if self.code == "en" else f"{h}.{m:02d}"

    def date(self, value: Any) -> str:
        """A date in the language's short form (26.11.2026, 26.11.2026, 26 Nov 2026)."""
        import pandas as pd
        from babel.dates import format_date

        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            return "–"
        return format_date(stamp.date(), format=_DATE_FORMATS[self.code], locale=_LOCALES[self.code])


@lru_cache(maxsize=None)
def _formatter(lang: Lang) -> _Formatter:
    """One formatter per language (it holds the language's value kinds)."""
    return _Formatter(lang)


@lru_cache(maxsize=1 << 16)
def _formatted(code: str, rounded: Decimal, digits: int) -> str:
    """``rounded`` (``digits`` decimals) with the separators of ``code``'s locale; a
    ranking writes the same shares and counts many times, and Babel takes 50 µs a number."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(rounded, format=pattern, locale=_LOCALES[code], decimal_quantization=True)


class Message(str):
    """English text that keeps its catalogue key and values, to be shown in any language.

    Example:
        >>> note = Message("unit.hours_year", hours=12.0)
        >>> str(note), note.render(Lang("fi"))
        ('12 h/yr', '12 h/v')
    """

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> "Message":
        text = super().__new__(cls, english().t(key, **values))
        text.key, text.values = key, dict(values)
        return text

    def __getnewargs_ex__(self) -> tuple[tuple[str], dict[str, Any]]:
        """Copied and pickled as its key and values (``str`` would give the English text).

        Example:
            >>> import pickle
            >>> pickle.loads(pickle.dumps(Message("unit.hours_year", hours=12.0))).render(Lang("sv"))
            '12 h/år'
        """
        return (self.key,), dict(self.values)

    def render(self, lang: "Lang | str") -> str:
        """The message in ``lang`` (a :class:`Lang` or its code, ``"fi"``, ``"sv"``, ``"en"``).

        Example:
            >>> Message("unit.hours_year", hours=2.0).render("fi")
            '2 h/v'
        """
        return (Lang(lang) if isinstance(lang, str) else lang).t(self.key, **self.values)


def render(text: str, lang: Lang) -> str:
    """``text`` in ``lang`` when it is a :class:`Message`; other text as it is.

    Example:
        >>> render(Message("unit.hours_year", hours=1157.4), Lang("sv")), render("08:00–16:00", Lang("sv"))
        ('1\\xa0157 h/år', '08:00–16:00')
    """
    return text.render(lang) if isinstance(text, Message) else str(text)


@lru_cache(maxsize=None)
def english() -> Lang:
    """The English :class:`Lang` (the library's own language)."""
    return Lang("en")


__all__ = ["LANGS", "DEFAULT_LANG", "Lang", "Message", "catalogue", "english",
           "lang_from_environment", "render"]
