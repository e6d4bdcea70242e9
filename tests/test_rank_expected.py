"""rank's whole output on the shipped samples and on real logs equals stored expectations.

A change that alters a ranking, an interval, an assumption or a handling time fails
here; when the change is intended, explain it and regenerate with
``python -m tests.rank_expectations NAME`` (see :mod:`tests.rank_expectations`).
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import shared_log
from tests.rank_expectations import (REAL_LOGS, SAMPLE_LOGS, differences, expectation, path_of,
                                     run)


def _check(name: str, path, zone: str) -> None:
    expected = json.loads(path_of(name).read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(expectation(run(path, zone))))
    found = differences(expected, actual, name)
    assert not found, "rank's output changed:\n" + "\n".join(found[:20])


@pytest.mark.parametrize("name", sorted(SAMPLE_LOGS))
def test_samples_rank_as_stored(name):
    path, zone = SAMPLE_LOGS[name]
    _check(name, path, zone)


@pytest.mark.parametrize("name", sorted(REAL_LOGS))
def test_real_logs_rank_as_stored(name):
    relative, zone = REAL_LOGS[name]
    _check(name, shared_log(relative), zone)
