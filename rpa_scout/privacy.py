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

from typing import Iterable

import numpy as np
import pandas as pd

from rpa_scout.codes import factorisable, labels
from rpa_scout.columns import PRESETS, ROLES, XES, LogColumns, header_key
from rpa_scout.accounts import person_names
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
    if key:
        return key.encode("utf-8"), "option"
    env = os.environ.get(KEY_VARIABLE)
    if env:
        return env.encode("utf-8"), "environment"
    return secrets.token_bytes(32), "random"


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
    Virtanen") becomes the same pseudonym (:data:`MIN_NAME_IN_TEXT`).

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
    others = people_columns(log, columns=columns, rules=rules)
    if columns.resource not in log.columns and not others:
        return log
    secret, _ = resolve_key(key)
    out = log.copy(deep=False)  # copy-on-write: only the replaced columns are new
    spelling: dict[str, str] = {}
    if columns.resource in log.columns:
        out[columns.resource] = _hashed(out[columns.resource], secret, rules=rules)
        accounts = _distinct_text(log[columns.resource])
        spelling = dict(zip(_folded(accounts), accounts))
    for column in others:
        out[column] = _hashed(out[column], secret, rules=rules, spelling=spelling, numbers_as_text=True)
    if columns.resource in log.columns and columns.activity in log.columns:
        person = person_names(accounts, rules)
        shown = dict(zip(_folded(accounts), _distinct_names(list(accounts), person, secret)))
        named = [n for n, p in zip(accounts, person) if p and len(n.strip()) >= MIN_NAME_IN_TEXT
                 and re.search(r"[^\W\d_]", n)]
        out[columns.activity] = _names_in_text(out[columns.activity], named, shown)
    return out


#: A person's account inside an activity's name ("Palautettu käsittelijälle Maria
#: Portal") is replaced by its pseudonym when it has a letter and this many characters:
#: short ids such as ``112`` also stand in step codes (``01_HOOFD_112``).
MIN_NAME_IN_TEXT = 4


def _names_in_text(values: pd.Series, names: list[str], shown: dict[str, str]) -> pd.Series:
    """``values`` with the whole-word occurrences of ``names`` (any letter case) replaced by
    their pseudonyms (``shown``, by folded name); unchanged when none occurs."""
    if not names:
        return values
    found = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(unicodedata.normalize("NFC", n.strip()))
                                               for n in sorted(names, key=len, reverse=True)) + r")(?!\w)",
                       re.IGNORECASE)
    codes, distinct = pd.factorize(values, sort=False)
    texts = [unicodedata.normalize("NFC", str(v)) for v in distinct]
    replaced = [found.sub(lambda m: shown.get(m.group(0).strip().casefold(), m.group(0)), t) for t in texts]
    if replaced == texts:
        return values
    return pd.Series(labels(codes, replaced), index=values.index)


def _hashed(values: pd.Series, secret: bytes, *, rules: ManualRules | None = None,
            spelling: dict[str, str] | None = None, numbers_as_text: bool = False) -> pd.Series:
    """``values`` with each person's name replaced by its pseudonym, as categories (a log
    of ten million events holds a few thousand accounts). ``spelling`` gives a name the
    resource column's spelling of it (``AINO`` is ``Aino``: one person, one pseudonym)."""
    if numbers_as_text and pd.api.types.is_numeric_dtype(values.dtype):
        values = values.astype("string")  # ids read as numbers: hashed as their text
    res = factorisable(values)
    # Decide once per distinct name (a log has thousands of rows per account).
    codes, names = pd.factorize(res, sort=False)
    if spelling:
        folded = _folded(pd.Series(names, dtype="string"))
        names = np.array([spelling.get(f, n) for f, n in zip(folded, names)], dtype=object)
    once, back = pd.factorize(pd.Series(names, dtype=object), sort=False)
    shown = _distinct_names(back, person_names(pd.Series(back, dtype=object), rules), secret)
    return pd.Series(labels(codes, [shown[i] for i in once]), index=values.index)


_EMAIL = re.compile(r"[^\W\d_]+(?:[.\-'][^\W\d_]+)*@[\w.-]+")


def masked(text: str, people: Iterable[str] = ()) -> str:
    """``text`` with the log's people's names (``people``: its person accounts, any letter
    case) and e-mail addresses replaced by their shape (``Xxxxx Xxxxxxxxxx``), for the
    cells a message quotes: a cell that should have held a time or a lifecycle word
    can hold a name, and the load report goes into the reports one shares.

    Example:
        >>> masked("Odottaa: Maija Meikäläinen", ["maija meikäläinen"]), masked("anna.korhonen@espoo.fi")
        ('Odottaa: Xxxxx Xxxxxxxxxxx', 'xxxx.xxxxxxxx@xxxxx.xx')
        >>> masked("Awaiting Assignment", ["Maija Meikäläinen"]), masked("2025-13-45 08:00")
        ('Awaiting Assignment', '2025-13-45 08:00')
    """
    def shape(found: re.Match) -> str:
        return "".join("X" if c.isupper() else "x" if c.isalpha() else "9" if c.isdigit() else c
                       for c in found.group(0))

    text = _EMAIL.sub(shape, unicodedata.normalize("NFC", text))
    names = sorted({unicodedata.normalize("NFC", str(p)).strip() for p in people} - {""}, key=len, reverse=True)
    if names:
        found = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE)
        text = found.sub(shape, text)
    return text


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
#: Words for a person's role that a header ends in (``hyväksyjä``, ``monitoringResource``,
#: ``Responsible_actor``, ``pääkäsittelijä``, ``employee_id``) in Finnish, Swedish and
#: English; ``asiakastyyppi`` and ``customer_type`` end in another word and hold no person.
#: (Not ``creator``: XES names the tool that wrote a log so, and Disco copies it to every
#: case as ``case:creator``.)
PERSON_WORDS = (
    "käsittelijä", "kasittelija", "hyväksyjä", "hyvaksyja", "hakija", "valvoja", "asiakas", "henkilö",
    "henkilo", "työntekijä", "tyontekija", "esimies", "esihenkilö", "päättäjä", "virkailija", "kirjaaja",
    "valmistelija", "esittelijä", "ratkaisija", "käyttäjä", "kayttaja", "allekirjoittaja", "vastaanottaja",
    "lähettäjä", "handläggare", "handlaggare", "godkännare", "sökande", "kund", "anställd", "chef",
    "beslutsfattare", "användare", "anvandare", "mottagare", "avsändare", "resource", "user", "owner",
    "assignee", "approver", "applicant", "customer", "employee", "handler", "requester", "manager",
    "supervisor", "actor", "person", "officer", "clerk", "reviewer", "caseworker", "worker", "performer",
    "executor", "operator", "recipient", "sender", "author")
#: What follows the role word in a header of a person's id or name (``employee_id``,
#: ``asiakasnumero``, ``user name``).
_ID_ENDINGS = ("id", "nro", "numero", "nr", "nummer", "number", "no", "tunnus", "name", "nimi", "namn", "code")


def person_header(column: object) -> bool:
    """Whether a column's header names people: one of the presets' resource headers
    (:data:`PERSON_HEADERS`) or a header that ends in a word for a person's role
    (:data:`PERSON_WORDS`), perhaps followed by ``id``, ``nro`` or ``name``; ``case:``
    aside.

    Example:
        >>> [person_header(h) for h in ("case:Vastuuhenkilö", "Käsittelijän nimi", "hyväksyjä",
        ...                             "monitoringResource", "employee_id", "Kanava", "asiakastyyppi")]
        [True, True, True, True, True, False, False]
    """
    key = header_key(str(column).removeprefix("case:"))
    if key in PERSON_HEADERS:
        return True
    stems = {key, *(key[:-len(end)] for end in _ID_ENDINGS if key.endswith(end) and len(key) > len(end))}
    return any(stem.endswith(word) for stem in stems for word in PERSON_WORDS)


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
    named = [column for column in log.columns if by_header and column not in roles and person_header(column)]
    if columns.resource not in log.columns:
        return named
    accounts = _distinct_text(log[columns.resource])
    people = set(_folded(accounts[person_names(accounts, rules)]))
    if not people:
        return named
    return [column for column in log.columns if column in named
            or column not in roles and _names_people(log[column], set(_folded(accounts)), people)]


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

