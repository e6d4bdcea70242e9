"""Pseudonymise people: a keyed hash replaces every resource identifier.

The key comes from an option or the ``RPA_SCOUT_KEY`` environment variable; without
one, a random key is drawn for the run, so pseudonyms cannot be reversed or linked
across runs. System and shared account names (``SYSTEM``, robots, batch jobs, ``STAFF
MEMBER``) are kept: they are not one person, and the evidence for manual-vs-system
verdicts depends on them. The decision is :func:`rpa_scout.accounts.account_kind`, the
same one that classifies work (:func:`rpa_scout.accounts.person_names`: the config's
``person_resources`` and ``system_resources`` first, the names export tools give the events
they add, then the name), so every account that may be a person is hashed.

People are named in other columns too: a copy of the resource column (Simod's XES
exports carry ``Resource`` beside ``org:resource``), the person who monitors or is
responsible for a case (BPIC 2015's ``monitoringResource``, ``Responsible_actor``).
:func:`people_columns` finds them by their values, the resource column's people, and
they are hashed with the same key (one person, one pseudonym in every column) and, like
the resource column, never split, filter or label anything.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import unicodedata

from typing import Callable, Iterable

import numpy as np
import pandas as pd

from rpa_scout.codes import factorisable, labels, map_distinct
from rpa_scout.arguments import require_type
from rpa_scout.columns import PRESETS, ROLES, XES, LogColumns, as_columns, header_key
from rpa_scout.accounts import person_names
from rpa_scout.identity import holds_identity_codes, replace_identity_codes, sub_identity_codes
from rpa_scout.settings import ManualRules

KEY_VARIABLE = "RPA_SCOUT_KEY"
#: A column besides the resource column holds people when at least this share of its
#: distinct values are accounts of the resource column (one of them a person's).
PEOPLE_SHARE = 0.5
#: Rows looked at first: a column that shares few values with the resource column there
#: is passed over without reading the rest (logs of ten million events).
_SAMPLE = 20_000


def resolve_key(key: str | None = None) -> tuple[bytes, str]:
    """The key to use and where it came from ("option", "environment" or "random").

    Example:
        >>> from rpa_scout.privacy import resolve_key
        >>> resolve_key("salaisuus")
        (b'salaisuus', 'option')
    """
    if require_type(key, str, "key", "a text (str)"):
        return key.encode("utf-8"), "option"
    env = os.environ.get(KEY_VARIABLE)
    if env:
        return env.encode("utf-8"), "environment"
    return secrets.token_bytes(32), "random"


def run_key(key: str | None = None) -> str:
    """The key a run uses everywhere: ``key``, else ``RPA_SCOUT_KEY``, else a random one
    drawn once (so that the log, its other columns and the names a user writes get the
    same pseudonyms).

    Example:
        >>> run_key("salaisuus"), len(run_key()) > 0
        ('salaisuus', True)
    """
    return key or os.environ.get(KEY_VARIABLE) or secrets.token_hex(32)


def pseudonym(name: str, key: bytes, digits: int = 10) -> str:
    """``person-`` and ``digits`` hex digits of HMAC-SHA256(key, name).

    Example:
        >>> from rpa_scout.privacy import pseudonym
        >>> pseudonym("Aino Virtanen", b"k")
        'person-5737e3e5e7'
    """
    return "person-" + hmac.new(key, name.encode("utf-8"), hashlib.sha256).hexdigest()[:digits]


def pseudonymise(log: pd.DataFrame, *, key: str | None = None, columns: LogColumns = XES,
                 rules: ManualRules | None = None) -> pd.DataFrame:
    """Return a copy of ``log`` whose person resource identifiers are keyed hashes.

    The resource column of the copy is categorical (one small code per event).

    Args:
        log: event log with XES column names.
        key: secret key; ``RPA_SCOUT_KEY`` or a random per-run key when ``None``.
        columns: column mapping.
        rules: the config's ``person_resources`` and ``system_resources`` (the same ones
            :func:`rpa_scout.detect_manual` is given).

    A person's name inside an activity's name ("Palautettu käsittelijälle Aino
    Virtanen") becomes the same pseudonym (:class:`NamesInText`).

    Example:
        >>> import pandas as pd
        >>> from rpa_scout import pseudonymise
        >>> log = pd.DataFrame({"org:resource": ["Aino Virtanen", "JÄRJESTELMÄ", None],
        ...                     "concept:name": ["Kirjaus", "Siirto", "Palautettu: aino virtanen"]})
        >>> out = pseudonymise(log, key="k")
        >>> out["org:resource"].tolist()   # system accounts are kept
        ['person-5737e3e5e7', 'JÄRJESTELMÄ', nan]
        >>> out["concept:name"].tolist()
        ['Kirjaus', 'Siirto', 'Palautettu: person-5737e3e5e7']
    """
    columns = as_columns(columns, log)
    rules = require_type(rules, ManualRules, "rules", "a ManualRules")
    require_type(key, str, "key", "a text (str)")
    others = people_columns(log, columns=columns, rules=rules)
    secret, _ = resolve_key(key)
    out, coded = _without_identity_codes(log, secret, columns)
    others = [c for c in others if c not in coded]
    if columns.resource not in log.columns and not others:
        return out
    out = log.copy(deep=False) if out is log else out  # copy-on-write: only the replaced columns are new
    if columns.resource not in log.columns:
        for column in others:
            out[column] = _hashed(out[column], secret, rules=rules, numbers_as_text=True)
        return out
    out[columns.resource] = _hashed(out[columns.resource], secret, rules=rules)
    shown, named = _accounts_shown(log[columns.resource], secret, rules)
    for column in others:
        out[column] = _hashed(out[column], secret, rules=rules, spelling=shown.spelling, numbers_as_text=True)
    for column in _named_in(log, columns, others):
        out[column] = named.replaced(out[column], shown.of)
    return out


#: Text columns of at most this many distinct values (step names and their readable
#: names, statuses, units: what --label, --by and --where show) have people's names
#: inside their values pseudonymised too; longer ones are ids and free text.
NAMED_TEXT_VALUES = 10_000


def _named_in(log: pd.DataFrame, columns: LogColumns, hashed: list[str]) -> list[str]:
    """The columns whose values may name a person inside them: the activity column and
    the short text columns (:data:`NAMED_TEXT_VALUES`), but not the resource column and
    the columns of people (hashed whole)."""
    skip = {columns.resource, columns.case, columns.timestamp, *hashed}
    out = [columns.activity] if columns.activity in log.columns else []
    for column in log.columns:
        if column in skip or column in out or not _text_like(log[column]):
            continue
        values = log[column]
        distinct = len(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype) else \
            values.iloc[:_SAMPLE].nunique()
        if distinct <= NAMED_TEXT_VALUES:
            out.append(column)
    return out


def _without_identity_codes(log: pd.DataFrame, secret: bytes, columns: LogColumns) -> tuple[pd.DataFrame, list[str]]:
    """``log`` with every personal identity code replaced by its pseudonym: every form
    of one in the case column and the columns that hold codes (:func:`holds_identity_codes`:
    a column of them splits nothing) and in step names, the forms that cannot be another
    number anywhere else (a case id keyed by a child's code in 40 % of the cases is still
    a code). Also the columns that hold codes."""
    text = [c for c in log.columns if c != columns.resource and _text_like(log[c])]
    coded = [c for c in text if holds_identity_codes(log[c])]
    out = log
    for column in text:
        every = column in coded or column == columns.activity
        shown = replace_identity_codes(log[column], lambda code: _code_pseudonym(code, secret), written=not every)
        if shown is not log[column]:
            out = out.copy(deep=False) if out is log else out   # copy-on-write: only replaced columns are new
            out[column] = shown
    return out, coded


def _text_like(values: pd.Series) -> bool:
    kind = values.dtype
    return pd.api.types.is_string_dtype(kind) or isinstance(kind, pd.CategoricalDtype) or kind == object


def _code_pseudonym(code: str, secret: bytes) -> str:
    """``id-`` and 16 hex digits of HMAC-SHA256(key, code): 64 bits, so that a million
    case ids keyed by codes collide about once in 30 million logs."""
    return "id-" + hmac.new(secret, code.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def pseudonymise_names(log: pd.DataFrame, *, key: str | None = None, columns: LogColumns = XES,
                       rules: ManualRules | None = None) -> Callable[[str], str]:
    """What :func:`pseudonymise` (with the same ``key``) makes of a step's name: a text
    the user wrote as the log does (a standard time's step, ``--explain NAME``) stays
    the step's name once the people in it are pseudonyms. Give a key: without one each
    call draws its own.

    Example:
        >>> log = pd.DataFrame({"org:resource": ["Aino Virtanen"], "concept:name": ["Palautettu: Aino Virtanen"]})
        >>> pseudonymise_names(log, key="k")("Palautettu: AINO VIRTANEN")
        'Palautettu: person-5737e3e5e7'
    """
    secret = resolve_key(key)[0]
    columns = as_columns(columns, log)

    def codes(text: str) -> str:   # a personal identity code in a step's name, as pseudonymise does
        return sub_identity_codes(text, lambda code: _code_pseudonym(code, secret))

    if columns.resource not in log.columns:
        return codes
    shown, named = _accounts_shown(log[columns.resource], secret, rules)
    return lambda text: named.sub(codes(text), shown.of)


def _accounts_shown(resource: pd.Series, secret: bytes,
                    rules: ManualRules | None) -> tuple["_Spelling", "NamesInText"]:
    """The resource column's accounts with what each shows as, and its people's names
    to find in other text."""
    accounts = _distinct_text(resource)
    person = person_names(accounts, rules)
    shown = _Spelling(list(accounts), _distinct_names(list(accounts), person, secret))
    return shown, NamesInText([n for n, p in zip(accounts, person) if p])


class _Spelling:
    """The resource column's accounts and what they show as: a name written in another
    column is its account by the exact spelling first, else by :func:`_folded` (``AINO``
    is ``Aino``: one person, one pseudonym), the first spelling winning."""

    def __init__(self, accounts: list[str], shown: list[str]) -> None:
        self.exact = dict(zip(accounts, shown))
        self.folded: dict[str, str] = {}
        self.spelt: dict[str, str] = {}
        for name in accounts:
            self.folded.setdefault(_fold(name), self.exact[name])
            self.spelt.setdefault(_fold(name), name)

    def spelling(self, name: str) -> str:
        """The resource column's spelling of ``name`` (itself when it has none)."""
        return name if name in self.exact else self.spelt.get(_fold(name), name)

    def of(self, name: str) -> str:
        """What ``name`` shows as (its pseudonym, for a person)."""
        return self.exact.get(name) or self.folded.get(_fold(name), name)


def _fold(name: str) -> str:
    """One name as :func:`_folded` writes a column's."""
    return unicodedata.normalize("NFC", name).strip().casefold()


#: A person's account inside other text (a step's name, "Palautettu käsittelijälle
#: Maria Portal"; a cell the load report quotes) is found when it has a letter and this
#: many characters: short ids such as ``112`` also stand in step codes (``01_HOOFD_112``)
#: and dates.
MIN_NAME_IN_TEXT = 4


class NamesInText:
    """The whole-word occurrences of people's names in text, any letter case.

    Example:
        >>> found = NamesInText(["Maija Meikäläinen", "112", "Ed"])
        >>> found.sub("Odottaa: MAIJA MEIKÄLÄINEN 2024-11-12", lambda name: "***")
        'Odottaa: *** 2024-11-12'
        >>> found.sub("Approved", lambda name: "***")
        'Approved'
    """

    def __init__(self, names: Iterable[str]) -> None:
        kept = sorted({unicodedata.normalize("NFC", str(n)).strip() for n in names
                       if len(str(n).strip()) >= MIN_NAME_IN_TEXT and re.search(r"[^\W\d_]", str(n))},
                      key=len, reverse=True)
        self.pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, kept)) + r")(?!\w)",
                                  re.IGNORECASE) if kept else None
        # a text is searched only when it holds a name's first word: thousands of steps
        # against thousands of names stay fast
        self.firsts = {_first_word(n) for n in kept}

    def sub(self, text: str, replace: Callable[[str], str]) -> str:
        """``text`` with each name found replaced by ``replace(name as written)``."""
        text = unicodedata.normalize("NFC", text)
        if self.pattern is None or not self.firsts & set(re.findall(r"\w+", text.casefold())):
            return text
        return self.pattern.sub(lambda m: replace(m.group(0)), text)

    def replaced(self, values: pd.Series, replace: Callable[[str], str]) -> pd.Series:
        """``values`` with :meth:`sub` applied to each distinct value; unchanged when no
        name occurs."""
        if self.pattern is None:
            return values

        def change(texts: np.ndarray) -> list[str] | None:
            subbed = [self.sub(t, replace) for t in texts]
            return None if subbed == [unicodedata.normalize("NFC", t) for t in texts] else subbed

        return map_distinct(values, change)


def _first_word(name: str) -> str:
    words = re.findall(r"\w+", name.casefold())
    return words[0] if words else ""


def _hashed(values: pd.Series, secret: bytes, *, rules: ManualRules | None = None,
            spelling: Callable[[str], str] | None = None, numbers_as_text: bool = False) -> pd.Series:
    """``values`` with each person's name replaced by its pseudonym, as categories (a log
    of ten million events holds a few thousand accounts). ``spelling`` gives a name the
    resource column's spelling of it (``AINO`` is ``Aino``: one person, one pseudonym)."""
    if numbers_as_text and pd.api.types.is_numeric_dtype(values.dtype):
        values = values.astype("string")  # ids read as numbers: hashed as their text
    res = factorisable(values)
    # Decide once per distinct name (a log has thousands of rows per account).
    codes, names = pd.factorize(res, sort=False)
    if spelling is not None:
        names = np.array([spelling(str(n)) for n in names], dtype=object)
    once, back = pd.factorize(pd.Series(names, dtype=object), sort=False)
    shown = _distinct_names(back, person_names(pd.Series(back, dtype=object), rules), secret)
    return pd.Series(labels(codes, [shown[i] for i in once]), index=values.index)


_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def masked(text: str, people: Iterable[str] = ()) -> str:
    """``text`` with the log's people's names (``people``: its person accounts, any letter
    case, whole words of :data:`MIN_NAME_IN_TEXT` characters or more), e-mail addresses
    and personal identity codes replaced by their shape (``Xxxxx Xxxxxxxxxx``), for the cells a message quotes: a
    cell that should have held a time or a lifecycle word can hold a name, and the load
    report goes into the reports one shares.

    Example:
        >>> masked("Odottaa: Maija Meikäläinen", ["maija meikäläinen"]), masked("matti_v2@espoo.fi")
        ('Odottaa: Xxxxx Xxxxxxxxxxx', 'xxxxx_x9@xxxxx.xx')
        >>> masked("Approved 2024-13-45", ["Ed", "2024"]), masked("Awaiting Assignment", ["Maija"])
        ('Approved 2024-13-45', 'Awaiting Assignment')
        >>> masked("Hakija 131052-308T")   # a personal identity code (rpa_scout.identity)
        'Hakija 999999-999X'

    """
    def shape(found: str) -> str:
        return "".join("X" if c.isupper() else "x" if c.isalpha() else "9" if c.isdigit() else c for c in found)

    text = _EMAIL.sub(lambda m: shape(m.group(0)), unicodedata.normalize("NFC", text))
    text = sub_identity_codes(text, shape)
    return NamesInText(people).sub(text, shape)


def people_of(accounts: pd.Series) -> list[str]:
    """The distinct names in a resource column that are people's (as :func:`pseudonymise`
    decides), for :func:`masked`.

    Example:
        >>> people_of(pd.Series(["Aino", "SYSTEM", "Aino", None]))
        ['Aino']
    """
    names = _distinct_text(accounts)
    return names[person_names(names)].tolist()


def _person_headers() -> frozenset[str]:
    """The headers that name people: every preset's resource headers (a responsible
    person's ``vastuuhenkilö`` beside the handler, a ``Resource`` copy), matched as
    presets match headers."""
    names = {n for preset in PRESETS.values() for n in
             (preset.resource if isinstance(preset.resource, tuple) else (preset.resource,)) if n}
    return frozenset(header_key(n) for n in names)


PERSON_HEADERS = _person_headers()
#: Words for a person's role that a header's last word ends in, as Finnish and Swedish
#: write compounds (``vastuuhenkilö``, ``pääkäsittelijä``, ``enhetschef``, ``huoltaja``).
PERSON_STEMS = (
    "käsittelijä", "kasittelija", "hyväksyjä", "hyvaksyja", "hakija", "valvoja", "henkilö", "henkilo",
    "työntekijä", "tyontekija", "esimies", "esihenkilö", "päättäjä", "päätöksentekijä", "virkailija", "kirjaaja",
    "valmistelija", "esittelijä", "ratkaisija", "käyttäjä", "kayttaja", "allekirjoittaja", "vastaanottaja",
    "lähettäjä", "laatija", "huoltaja", "omistaja", "asianosainen", "handläggare", "handlaggare", "godkännare",
    "sökande", "anställd", "chef", "beslutsfattare", "användare", "anvandare", "mottagare", "avsändare",
    "föredragande", "beredare", "vårdnadshavare", "ansvarig")
#: Words for a person's role that are a header's whole last word (``monitoringResource``,
#: ``Responsible_actor``, ``employee_id``, ``lapsi``): in English, and words that end
#: other words too (``Risk factor`` is no actor, ``sekund`` no ``kund``, ``riskitekijä``
#: no ``tekijä``); ``asiakkaa``, ``lapse`` and ``esimiehe`` are what their genitives
#: (``Asiakkaan nimi``) leave without the ``n``.
PERSON_WORDS = (
    "hetu", "sotu", "ssn",   # a personal identity code's column (its values: rpa_scout.identity)
    "asiakas", "asiakkaa", "kund", "tekijä", "lapsi", "lapse", "esimiehe", "barn", "resource", "user", "owner",
    "assignee", "approver",
    "applicant", "customer", "employee", "handler", "requester", "manager", "supervisor", "actor", "person",
    "officer", "clerk", "reviewer", "caseworker", "worker", "performer", "executor", "operator", "recipient",
    "sender", "author", "guardian", "child", "responsible")
#: (Not ``creator``: XES names the tool that wrote a log so, and Disco copies it to every
#: case as ``case:creator``.)
#: What follows the role word in a header of a person's id or name (``employee_id``,
#: ``asiakasnumero``, ``user name``).
_ID_ENDINGS = ("id", "nro", "numero", "nr", "nummer", "number", "no", "tunnus", "name", "nimi", "namn", "code")


def person_header(column: object) -> bool:
    """Whether a column's header names people: one of the presets' resource headers
    (:data:`PERSON_HEADERS`), or a header whose last word is a word for a person's role
    (:data:`PERSON_WORDS`) or ends in one (:data:`PERSON_STEMS`), perhaps followed by
    ``id``, ``nro`` or ``name``; ``case:`` aside.

    Example:
        >>> [person_header(h) for h in ("case:Vastuuhenkilö", "Käsittelijän nimi", "hyväksyjä",
        ...                             "monitoringResource", "employee_id", "Kanava", "asiakastyyppi",
        ...                             "Risk factor", "riskitekijä", "föredragande")]
        [True, True, True, True, True, False, False, False, False, True]
    """
    text = str(column).removeprefix("case:")
    if header_key(text) in PERSON_HEADERS:
        return True
    spaced = re.sub(r"(?<=[^\W\d_])(?=[A-ZÅÄÖ][a-zåäö])", " ", unicodedata.normalize("NFC", text))
    words = [w for w in re.split(r"[\W_\d]+", spaced.casefold()) if w]
    if not words:
        return False
    last = words[-1]
    lasts = {last, *(last[:-len(end)] for end in _ID_ENDINGS if last.endswith(end) and len(last) > len(end) + 2)}
    if last in _ID_ENDINGS and len(words) > 1:   # "hakijan nimi", "Sökandens namn": a genitive
        owner = words[-2]
        lasts |= {owner, *(owner[:-len(end)] for end in ("n", "ns", "ens", "ets", "s")
                           if owner.endswith(end) and len(owner) > len(end) + 2)}
    return any(w in PERSON_WORDS or w.endswith(PERSON_STEMS) for w in lasts)


def people_columns(log: pd.DataFrame, *, columns: LogColumns = XES, by_header: bool = True,
                   rules: ManualRules | None = None) -> list[str]:
    """The columns besides the resource column that name its people: at least
    :data:`PEOPLE_SHARE` of their distinct values are accounts of the resource column,
    a person's among them (compared as text), or their header is one that names people
    in any preset (:data:`PERSON_HEADERS`: ``Vastuuhenkilö`` beside ``Käsittelijä``,
    whoever is in it; not with ``by_header`` false). Role columns (case, activity, ...)
    are never among them.

    Example:
        >>> import pandas as pd
        >>> log = pd.DataFrame({"org:resource": ["Aino", "Eero", "SYSTEM"],
        ...                     "Resource": ["Aino", "Eero", "SYSTEM"],
        ...                     "case:team": ["Lupa", "Lupa", "Talous"],
        ...                     "monitoringResource": ["Eero", "Eero", None]})
        >>> people_columns(log)
        ['Resource', 'monitoringResource']
    """
    roles = {getattr(columns, role) for role in ROLES}
    named = [column for column in log.columns if column not in roles and (
        by_header and person_header(column) or _codes_column(log[column]))]
    if columns.resource not in log.columns:
        return named
    accounts = _distinct_text(log[columns.resource])
    people = set(_folded(accounts[person_names(accounts, rules)]))
    if not people:
        return named
    return [column for column in log.columns if column in named
            or column not in roles and _names_people(log[column], set(_folded(accounts)), people)]


def _codes_column(values: pd.Series) -> bool:
    """A column of text (not numbers, dates or flags) that holds personal identity codes."""
    return (_text_like(values) or pd.api.types.is_integer_dtype(values.dtype)) and holds_identity_codes(values)


def _folded(values: pd.Series) -> pd.Series:
    """Names as one person's name is written in every column: NFC, no surrounding spaces,
    letter case aside (``ANNA.KORHONEN@ESPOO.FI`` is ``anna.korhonen@espoo.fi``)."""
    return values.str.normalize("NFC").str.strip().str.casefold()


def _distinct_text(values: pd.Series) -> pd.Series:
    """The distinct non-missing values of ``values`` as text (of a categorical column:
    the categories it uses)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        used = np.unique(values.cat.codes.to_numpy())
        return pd.Series(values.cat.categories[used[used >= 0]].astype(str), dtype="string")
    return pd.Series(pd.unique(values.dropna()), dtype=object).astype(str).astype("string")


def _names_people(values: pd.Series, accounts: set[str], people: set[str]) -> bool:
    """Whether :data:`PEOPLE_SHARE` of the distinct values (a sample's first) are
    ``accounts`` and one of them is in ``people`` (both :func:`_folded`)."""
    kind = values.dtype
    if not (pd.api.types.is_string_dtype(kind) or isinstance(kind, pd.CategoricalDtype)
            or pd.api.types.is_integer_dtype(kind) or kind == object):
        return False
    for part in (values.iloc[:_SAMPLE], values) if len(values) > _SAMPLE else (values,):
        distinct = _folded(_distinct_text(part))
        if not len(distinct) or distinct.isin(accounts).mean() < PEOPLE_SHARE:
            return False
    return bool(distinct.isin(people).any())


def accounts_among(value: object, log: pd.DataFrame, *, columns: LogColumns = XES,
                   rules: ManualRules | None = None) -> tuple[bool, bool]:
    """Whether ``value`` (one organisation's ``--by`` value) is an account of ``log``'s
    resource column, and a person's (letter case aside): the Spark engine's tasks say so
    for their organisation, and the driver refuses the column as :func:`people_columns`
    would (:data:`PEOPLE_SHARE` of the values accounts, a person's among them).

    Example:
        >>> log = pd.DataFrame({"org:resource": ["Aino", "SYSTEM"]})
        >>> accounts_among("AINO", log), accounts_among("SYSTEM", log), accounts_among("Espoo", log)
        ((True, True), (True, False), (False, False))
    """
    if columns.resource not in log.columns or value is None or pd.isna(value):
        return False, False
    accounts = _distinct_text(log[columns.resource])
    folded = _folded(pd.Series([str(value)], dtype="string"))[0]
    is_account = _folded(accounts) == folded
    return bool(is_account.any()), bool((is_account.to_numpy() & person_names(accounts, rules)).any())


def _distinct_names(names, person: np.ndarray, secret: bytes) -> list[str]:
    """Each name's shown form: a pseudonym for a person, the name itself otherwise. Ten
    hex digits (40 bits) almost never collide (about 5 in 100,000 logs of 10,000 people);
    when two accounts would share one, every pseudonym gets the full 64, so that no two
    people are ever merged."""
    for digits in (10, 64):
        shown = [pseudonym(str(n), secret, digits) if p else str(n) for n, p in zip(names, person)]
        if len(set(shown)) == len(shown):
            break
    return shown

