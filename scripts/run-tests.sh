#!/usr/bin/env bash
# Run the test suite (unit, CLI, real logs), the docstring examples of rpa_scout (doctests)
# and the notebooks (nbmake), in one pytest call, spread over the machine's cores
# (pytest-xdist). "No tests collected" is a failure.
set -u
BIN=${1:-.venv/bin}
"$BIN/python" -m pytest -q -n auto tests --doctest-modules rpa_scout --nbmake notebooks
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "Error: pytest collected no tests" >&2
  exit 1
fi
exit "$rc"
