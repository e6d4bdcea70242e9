"""Pseudonymise people: a keyed hash replaces every resource identifier.

The key comes from an option or the ``RPA_SCOUT_KEY`` environment variable; without
one, a random key is drawn for the run, so pseudonyms cannot be reversed or linked
across runs. System and shared account names (``SYSTEM``, robots, batch jobs, ``STAFF
MEMBER``) are kept: they are not one person, and the evidence for manual-vs-system
verdicts depends on them. The decision is :func:`rpa_scout.accounts.account_kind`, the
same one that classifies work, so every account that may be a person is hashed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

import pandas as pd

from rpa_scout.codes import factorisable, labels
from rpa_scout.columns import XES, LogColumns
from rpa_scout.accounts import PERSON_ACCOUNT, account_kinds

KEY_VARIABLE = "RPA_SCOUT_KEY"


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


def pseudonymise(log: pd.DataFrame, *, key: str | None = None, columns: LogColumns = XES) -> pd.DataFrame:
    """Return a copy of ``log`` whose person resource identifiers are keyed hashes.

    The resource column of the copy is categorical (one small code per event).

    Args:
        log: event log with XES column names.
        key: secret key; ``RPA_SCOUT_KEY`` or a random per-run key when ``None``.
        columns: column mapping.

    Example:
        >>> import pandas as pd
        >>> from rpa_scout import pseudonymise
        >>> log = pd.DataFrame({"org:resource": ["Aino Virtanen", "JÄRJESTELMÄ", None]})
        >>> pseudonymise(log, key="k")["org:resource"].tolist()   # system accounts are kept
        ['person-5737e3e5e7', 'JÄRJESTELMÄ', nan]
    """
    if columns.resource not in log.columns:
        return log
    secret, _ = resolve_key(key)
    out = log.copy(deep=False)  # copy-on-write: only the replaced column is new
    res = factorisable(out[columns.resource])
    # Decide once per distinct name (a log has thousands of rows per account).
    codes, names = pd.factorize(res, sort=False)
    kinds = account_kinds(pd.Series(names, dtype="string"))
    shown = _distinct_names(names, kinds, secret)
    # as categories: a log of ten million events holds a few thousand accounts
    out[columns.resource] = pd.Series(labels(codes, shown), index=out.index)
    return out


def _distinct_names(names, kinds, secret: bytes) -> list[str]:
    """Each name's shown form: a pseudonym for a person, the name itself otherwise. Ten
    hex digits (40 bits) almost never collide (about 5 in 100,000 logs of 10,000 people);
    when two accounts would share one, every pseudonym gets the full 64, so that no two
    people are ever merged."""
    for digits in (10, 64):
        shown = [pseudonym(str(n), secret, digits) if k == PERSON_ACCOUNT else str(n)
                 for n, k in zip(names, kinds)]
        if len(set(shown)) == len(shown):
            break
    return shown

