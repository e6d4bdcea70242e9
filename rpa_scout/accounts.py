"""Who is behind an account: one person, a team sharing one login, or a system.

One decision, used everywhere: :func:`rpa_scout.detect_manual` classifies work with it,
:func:`rpa_scout.pseudonymise` keeps only system and shared account names readable and
hashes every other one, and the handling-time estimator bounds a step by the previous
work of its account only when that account is one person.

**By name** (:func:`account_kind`), on whole words, so that people whose names contain
such a word stay people (``Ben Bot``, ``Job Lindqvist``, ``user.mvirtanen``, ``User_14``):

- *system*: a word that only machines carry (``SYSTEM``, ``batch``, ``robotti``, ``RPA``,
  ``integraatio``, ``eAsiointi``, ``e-tjänst``, ``scheduler``, ...), or a name made only of
  weaker words and numbers (``bot``, ``job_17``, ``service``);
- *shared*: a name made only of words for a group of staff (``STAFF MEMBER``,
  ``henkilökunta``, ``kaikki käyttäjät``, ``personal``) and no number: a numbered
  ``User_14`` is one person's login;
- *person*: every other name. Ids such as ``112``, ``ID4618`` or ``mvirtanen`` are people.

**By behaviour** (:func:`behaviour_kinds`), for when names say nothing: an account that
does more than a person can (hundreds of events on a busy day, or mostly at night and on
weekends, or round the clock) is a machine; one busy in more clock hours a day than a
person's day can cover (:attr:`rpa_scout.settings.AccountRules.person_day_hours`) is a team sharing one login.
"""

from __future__ import annotations

import re
import unicodedata
import numpy as np
import pandas as pd

from rpa_scout.lang import Message
from rpa_scout.settings import AccountRules, ManualRules
from rpa_scout.worktime import local_day_hour

PERSON_ACCOUNT, SHARED_ACCOUNT, SYSTEM_ACCOUNT = "person", "shared", "system"

#: Words that only machine accounts carry (one is enough). Compared with whole words of
#: the name (letters and digits apart: ``robot2`` is ``robot`` and ``2``) and with two adjacent words written together (``e-asiointi`` = ``easiointi``).
STRONG_SYSTEM_WORDS = frozenset({
    "system", "systems", "sys", "järjestelmä", "jarjestelma", "systemet", "batch", "eräajo",
    "erajo", "robot", "robotti", "rpa", "automaatti", "automaattinen", "automatic",
    "automation", "automated", "automat", "automatisk", "integration", "integraatio",
    "scheduler", "daemon", "cron", "api", "interface", "rajapinta", "easiointi",
    "asiointipalvelu", "eservice", "etjänst", "etjanst", "portaali", "portal",
    "serviceaccount", "palvelutili", "noreply", "donotreply", "systeemi", "asiointi", "ajastettu",
    "ajastin", "ajastus",
})
#: Compounds, as Finnish and Swedish write them and exports run words together: a
#: machine's stem followed by a word for an account or a run ("järjestelmäkäyttäjä",
#: "eräajokäyttäjä", "integrationuser", "SYSTEMUSER", "batchjobb", "automaattikäsittely").
SYSTEM_STEMS = ("järjestelmä", "jarjestelma", "systeemi", "system", "integraatio", "integration",
                "robotti", "robot", "eräajo", "erajo", "batch", "automaatti", "automation", "automatic",
                "palvelu", "service", "rajapinta", "interface", "ajastettu", "scheduled", "scheduler")
ACCOUNT_WORDS = frozenset({"käyttäjä", "kayttaja", "tili", "tunnus", "user", "account", "konto", "användare",
                           "anvandare", "job", "jobb", "ajo", "käsittely", "kasittely", "prosessi", "process"})
#: ... or a word that ends in a system's name ("tietojärjestelmä", "verkkoasiointi").
SYSTEM_ENDINGS = ("järjestelmä", "jarjestelma", "asiointi")
#: Words that make a system account only when the name has nothing else but numbers
#: (``bot``, ``job_17``): "Ben Bot" and "Job Lindqvist" are people.
WEAK_SYSTEM_WORDS = frozenset({"bot", "job", "service", "svc", "agent", "process", "task",
                               "engine", "server", "auto"})
#: Words for a group of staff; a name made only of these (and no number) is a shared login.
SHARED_WORDS = frozenset({
    "staff", "member", "members", "employee", "employees", "user", "users", "team", "group",
    "all", "shared", "common", "general", "henkilöstö", "henkilokunta", "henkilökunta",
    "käyttäjä", "kayttaja", "käyttäjät", "kaikki", "yhteinen", "tiimi", "personal",
    "personalen", "anställd", "anvandare", "användare", "alla", "gemensam",
    # the desks that municipal teams log in as
    "kirjaamo", "neuvonta", "asiakaspalvelu", "palvelupiste", "toimisto", "kanslia", "servicedesk",
    "helpdesk", "desk", "service", "office", "registratur", "registraturen", "kundtjänst", "kundtjanst",
    "kansli", "kansliet",
})


def account_kind(name: object) -> str:
    """``"system"``, ``"shared"`` or ``"person"`` from an account name alone (see module).

    Example:
        >>> [account_kind(n) for n in ("SYSTEM", "batch_job_2", "Maria Portal", "Portal Sync",
        ...                            "noreply@espoo.fi", "pekka.nieminen@asiointi.espoo.fi",
        ...                            "Virtanen Matti (integraatio)", "STAFF MEMBER")]
        ['system', 'system', 'person', 'system', 'system', 'person', 'person', 'shared']
    """
    if name is None or (isinstance(name, float) and np.isnan(name)) or name is pd.NA:
        return PERSON_ACCOUNT
    text = _without_qualifiers(_mailbox(unicodedata.normalize("NFC", str(name)).strip()))
    if _written_as_a_name(text):
        return PERSON_ACCOUNT
    words = _words(text)
    if not words:
        return PERSON_ACCOUNT
    joined = {a + b for a, b in zip(words, words[1:])}
    if STRONG_SYSTEM_WORDS & (set(words) | joined) or any(_system_compound(w) for w in words):
        return SYSTEM_ACCOUNT
    letters = [w for w in words if not w.isdigit()]
    if letters and all(w in WEAK_SYSTEM_WORDS for w in letters):
        return SYSTEM_ACCOUNT
    if letters and len(letters) == len(words) and all(w in SHARED_WORDS for w in letters):
        return SHARED_ACCOUNT
    return PERSON_ACCOUNT


#: Account (or activity) names that export tools give the events they add at a case's
#: boundaries (Disco, ProM, Simod): not a person, and never work.
ARTIFICIAL_NAMES = frozenset({"start", "end", "▶", "■", "begin", "process start", "process end",
                              "start event", "end event", "artificial start", "artificial end",
                              "alku", "loppu", "början", "slut"})


def artificial_name(name: object) -> bool:
    """Whether an export tool gives this name to the events it adds (:data:`ARTIFICIAL_NAMES`).

    Example:
        >>> artificial_name(" END "), artificial_name("Aino")
        (True, False)
    """
    return str(name).strip().casefold() in ARTIFICIAL_NAMES


def matches(values: pd.Series, patterns: tuple[str, ...]) -> np.ndarray:
    """Which values a configured pattern matches: whole values, ignoring letter case (the
    config's ``system_resources``, ``person_resources``, ...).

    Example:
        >>> matches(pd.Series(["Basware Integration", "Aino"]), ("basware.*",)).tolist()
        [True, False]
    """
    if not patterns:
        return np.zeros(len(values), dtype=bool)
    joined = "|".join(f"(?:{p})" for p in patterns)
    return pd.Series(values, dtype="string").str.fullmatch(f"(?i)(?:{joined})", na=False).to_numpy(dtype=bool)


def person_names(names: pd.Series, rules: ManualRules | None = None) -> np.ndarray:
    """Which account names may be one person's, as :func:`rpa_scout.pseudonymise` hashes
    them and :func:`rpa_scout.detect_manual` first decides them: the config's
    ``person_resources`` are people and its ``system_resources`` are not; else a name
    an export tool gives its added events (``Start``) is not, and the rest are people
    unless their name says system or shared (:func:`account_kind`). Behaviour that shows
    a machine behind a person's name makes its work a system's, but the name stays
    hashed: privacy first.

    Example:
        >>> names = pd.Series(["Aino", "SYSTEM", "End", "Maria Portal", "Robotti Rolf"])
        >>> person_names(names).tolist()
        [True, False, False, True, False]
        >>> person_names(names, ManualRules(person_resources=("Robotti Rolf",))).tolist()
        [True, False, False, True, True]
    """
    names = pd.Series(names, dtype=object).reset_index(drop=True)
    known = names.notna().to_numpy()
    person = (account_kinds(names) == PERSON_ACCOUNT) & known
    person &= ~np.array([known[i] and artificial_name(n) for i, n in enumerate(names)], dtype=bool)
    if rules is not None:
        text = names.astype("string")
        person &= ~matches(text, rules.system_resources)
        person |= matches(text, rules.person_resources) & known
    return person


def account_kinds(values: pd.Series) -> np.ndarray:
    """:func:`account_kind` of every value, decided once per distinct name; missing
    values get ``""``."""
    codes, uniques = pd.factorize(values)
    kinds = np.array([account_kind(u) for u in uniques] + [""], dtype=object)
    return kinds[codes]


def behaviour_kinds(res: pd.Series, end_s: np.ndarray, timed: np.ndarray, timezone: str,
                    rules: AccountRules | None = None) -> dict[str, tuple[str, Message]]:
    """Accounts whose behaviour shows a machine or a team: account → (kind, evidence);
    the evidence is English text that can be shown in any language
    (:class:`rpa_scout.lang.Message`).

    Args:
        res: account of every event (missing for none).
        end_s: completion times, epoch seconds.
        timed: events whose timestamp has a clock time (not a date only).
        timezone: zone of the working day.
        rules: thresholds.
    """
    rules = rules if rules is not None else AccountRules()
    known = res.notna().to_numpy() & timed & np.isfinite(end_s)
    if not known.any():
        return {}
    day, clock = local_day_hour(end_s[known], timezone)
    off = (clock >= 22) | (clock < 6) | ((day + 3) % 7 >= 5)  # 1 Jan 1970 was a Thursday (3)
    account, names = pd.factorize(res[known])
    frame = pd.DataFrame({"r": account, "day": day, "clock": clock.astype(np.int8), "off": off}, copy=False)
    del day, clock, off
    days = frame.groupby(["r", "day"], sort=True).agg(size=("clock", "size"), hours=("clock", "nunique"))
    by_account = lambda values: values.set_axis(names[values.index.to_numpy()])  # noqa: E731
    busy = by_account(days["size"].groupby(level=0).quantile(0.9))
    typical = by_account(days["size"].groupby(level=0).median())
    covered = by_account(days["hours"].groupby(level=0).median())
    off = by_account(frame.groupby("r")["off"].mean())
    many = typical >= rules.machine_off_hours_events
    long_day = covered > rules.person_day_hours
    out: dict[str, tuple[str, Message]] = {}
    found = [(busy[busy > rules.machine_daily_events], SYSTEM_ACCOUNT, Message("evidence.machine_daily")),
             (off[(off > rules.off_hours_share) & many], SYSTEM_ACCOUNT, Message("evidence.machine_off_hours")),
             (covered[long_day & many], SYSTEM_ACCOUNT, Message("evidence.machine_round_clock")),
             (covered[long_day], SHARED_ACCOUNT, Message("evidence.shared_long_day", hours=rules.person_day_hours))]
    for accounts, kind, why in found:
        for name in sorted(accounts.index, key=str):
            out.setdefault(name, (kind, why))
    return out


def _system_compound(word: str) -> bool:
    """Whether ``word`` is a machine's stem and an account word, or ends in a system's name."""
    return any(word.startswith(stem) and word[len(stem):] in ACCOUNT_WORDS for stem in SYSTEM_STEMS) \
        or any(word.endswith(end) and len(word) > len(end) for end in SYSTEM_ENDINGS)


def _mailbox(name: str) -> str:
    """An e-mail address's mailbox (``pekka.nieminen`` of ``pekka.nieminen@rpa.espoo.fi``):
    the domain names the organisation's servers, not who reads the mail."""
    found = re.fullmatch(r"([^@\s]+)@[^@\s]+\.[^\W\d_]{2,}", name)
    return found.group(1) if found else name


def _without_qualifiers(name: str) -> str:
    """A person's name without what brackets add to it (``Virtanen Matti (integraatio)``,
    a unit); any other name as it is (``Basware (integraatio)`` is a system's)."""
    rest = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", name).strip()
    return rest if rest != name and _person_written(rest, machine_words=()) else name


#: A word written as a name is: a capital, then small letters (``Anna-Liisa``, ``O'Neil``).
_NAME_WORD = re.compile(r"[^\W\d_a-zà-ÿ][^\W\d_A-ZÀ-Þ]+(?:[-'][^\W\d_a-zà-ÿ][^\W\d_A-ZÀ-Þ]+)?")
#: Machines' words that are people's surnames too: "Maria Portal", "Jukka Cron", "Jan
#: Sys", "Helena Automat" (found by a privacy review; such a person had been kept
#: readable as a system account). Only as the last of the name's words: first, they name
#: a system ("Portal Sync", "Cron Nightly", "Automat Fakturering").
NAMES_TOO = frozenset({"portal", "cron", "sys", "automat", "daemon"})


def _written_as_a_name(text: str) -> bool:
    """Whether ``text`` is a person's name whose surname is a machine's word: two or more
    words apart by spaces, each a capital then small letters, the last one of
    :data:`NAMES_TOO` and the others no machine's or team's words. System accounts are
    written in capitals, run together or with other signs ("SYSTEM", "eAsiointi",
    "batch_job"), or begin with the machine's word ("Portal Sync")."""
    return _person_written(text, machine_words=NAMES_TOO)


def _person_written(text: str, machine_words: frozenset[str] | tuple[()]) -> bool:
    """Two or more capitalised words, none a machine's or team's word but a last one in
    ``machine_words`` (which must then be one)."""
    parts = text.split()
    if len(parts) < 2 or not all(_NAME_WORD.fullmatch(p) for p in parts):
        return False
    words = _words(text)
    *first, last = words
    if any(_machine_or_team_word(w) for w in first):
        return False
    return last in machine_words if machine_words else not _machine_or_team_word(last)


def _machine_or_team_word(word: str) -> bool:
    return (word in STRONG_SYSTEM_WORDS or word in WEAK_SYSTEM_WORDS or word in SHARED_WORDS
            or word in ACCOUNT_WORDS or _system_compound(word) or word.startswith(SYSTEM_STEMS))


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFC", name).casefold()
    return re.findall(r"[^\W\d_]+|\d+", text)
