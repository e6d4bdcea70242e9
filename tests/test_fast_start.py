"""`rpa-scout --help` and error paths start fast: nothing heavy is imported for them.

Deterministic stand-in for a timing (times are for benchmarks): pandas, numpy, pm4py,
scikit-learn and networkx are what take the time, so the test checks they stay unloaded.
"""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "numpy", "pm4py", "sklearn", "networkx")


def _loaded_after(code: str) -> list[str]:
    probe = code + "\nimport sys\nprint(','.join(m for m in %r if m in sys.modules))" % (HEAVY,)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return [m for m in done.stdout.strip().split(",") if m]


def test_help_imports_nothing_heavy():
    code = ("from click.testing import CliRunner\nfrom rpa_scout.cli import main\n"
            "assert CliRunner().invoke(main, ['rank', '--help']).exit_code == 0")
    assert _loaded_after(code) == []


def test_bad_paths_and_options_fail_before_anything_heavy(tmp_path):
    for args in (["rank", str(tmp_path / "missing.csv")], ["inspect", str(tmp_path)],
                 ["map", "README.md"], ["rank", "x.csv", "--config", str(tmp_path / "none.yaml")]):
        code = ("from click.testing import CliRunner\nfrom rpa_scout.cli import main\n"
                f"r = CliRunner().invoke(main, {args!r})\nassert r.exit_code == 1, r.output")
        assert _loaded_after(code) == [], args


def test_import_rpa_scout_is_lazy():
    assert _loaded_after("import rpa_scout") == []
    assert "pandas" in _loaded_after("import rpa_scout\nrpa_scout.read_log")
