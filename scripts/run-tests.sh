#!/usr/bin/env bash
# Run the test suite (unit, CLI, real logs), the docstring examples of rpa_scout (doctests)
# and the notebooks (nbmake), in one pytest call. "No tests collected" is a failure.
set -u
BIN=${1:-.venv/bin}
"$BIN/python" -m pytest -q tests --doctest-modules rpa_scout --nbmake notebooks
rc=$?
if [ "$rc" -eq 5 ]; then
  echo "Error: pytest collected no tests" >&2
  exit 1
fi
exit "$rc"
