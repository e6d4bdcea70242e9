"""The shape rules of the house: small functions, and an example in every public docstring
that runs as a doctest."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import shlex
import subprocess
import sys
from configparser import ConfigParser
from pathlib import Path

import rpa_scout

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rpa_scout"
MAX_LINES = 60
#: Besides the modules of ``rpa_scout.__all__``, the public functions of these modules are
#: what a newcomer calls first: the one function per CLI command, its config and output
#: (the ranking's terminal text and HTML report; the comparison's and its report).
ENTRY_MODULES = ("rpa_scout.routines", "rpa_scout.present", "rpa_scout.report_html", "rpa_scout.io.config",
                 "rpa_scout.io.commands", "rpa_scout.io.compare_commands", "rpa_scout.io.compare_output",
                 "rpa_scout.compare_report")
EXAMPLE = re.compile(r"^Examples?:\n(?:\s*\n)*\s*>>> ", re.MULTILINE)


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of a function, its docstring not counted (examples are welcome; logic is not)."""
    lines = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        lines -= first.end_lineno - first.lineno + 1
    return lines


def test_no_function_over_60_lines():
    long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = _code_lines(node)
                if lines > MAX_LINES:
                    long.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, "split these into named stages: " + "; ".join(long)


def test_docstrings_are_not_counted_but_code_is():
    body = "\n".join(f"    x{i} = {i}" for i in range(60))
    documented = ast.parse('def f():\n    """Doc.\n\n    Example:\n        >>> f()\n    """\n' + body + "\n").body[0]
    assert _code_lines(documented) == 61
    assert _code_lines(ast.parse("def g():\n" + body + "\n").body[0]) == 61


def _exports() -> dict[str, object]:
    """The functions and classes of ``rpa_scout.__all__`` (not the data: PRESETS, XES)."""
    objects = {name: getattr(rpa_scout, name) for name in rpa_scout.__all__}
    return {name: obj for name, obj in objects.items() if inspect.isclass(obj) or inspect.isfunction(obj)}


def _public_functions() -> dict[str, object]:
    """Every public function defined in a module of the public API, by qualified name."""
    modules = sorted({obj.__module__ for obj in _exports().values()} | set(ENTRY_MODULES))
    found = {}
    for name in modules:
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            if inspect.isfunction(obj) and not attr.startswith("_") and obj.__module__ == name:
                found[f"{name}.{attr}"] = obj
    return found


def _without_example(objects: dict[str, object]) -> list[str]:
    return [name for name, obj in objects.items() if not EXAMPLE.search(inspect.cleandoc(obj.__doc__ or ""))]


def test_every_export_has_a_docstring_with_an_example():
    assert len(_exports()) == len(rpa_scout.__all__) - 2  # all but PRESETS and XES
    assert _without_example(_exports()) == []


def test_no_submodule_shadows_an_exported_name():
    """Importing a submodule sets the package attribute of its name: a module named like an
    export (once ``rpa_scout/variants.py``) would replace the function for every later caller."""
    modules = {path.stem for path in (ROOT / "rpa_scout").glob("*.py")} | {
        path.name for path in (ROOT / "rpa_scout").iterdir() if (path / "__init__.py").exists()}
    assert sorted(set(rpa_scout.__all__) & modules) == []
    code = ("import importlib, pkgutil, rpa_scout\n"
            "names = [m.name for m in pkgutil.walk_packages(rpa_scout.__path__, 'rpa_scout.')]\n"
            "[importlib.import_module(n) for n in names if '.synth' not in n]\n"
            "import types\n"
            "print(sorted(n for n in rpa_scout.__all__ if isinstance(getattr(rpa_scout, n), types.ModuleType)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.stdout.strip() == "[]", done.stderr[-2000:]


def test_every_public_function_of_the_public_modules_has_an_example():
    functions = _public_functions()
    assert {"rpa_scout.routines.find_routines", "rpa_scout.report_html.html_report",
            "rpa_scout.io.config.read_standard_times", "rpa_scout.render.bpmn_to_dot",
            "rpa_scout.io.commands.rank_file", "rpa_scout.io.compare_commands.compare_files",
            "rpa_scout.compare.compare_logs"} <= set(functions)
    assert _without_example(functions) == []


def test_the_test_command_runs_the_examples_as_doctests():
    """scripts/run-tests.sh collects rpa_scout's doctests, with the option flags of
    setup.cfg, and every example above is one of them."""
    script = (ROOT / "scripts" / "run-tests.sh").read_text(encoding="utf-8")
    (command,) = [line for line in script.splitlines() if "-m pytest" in line]
    args = shlex.split(command)
    assert args[args.index("--doctest-modules") + 1] == "rpa_scout", command
    config = ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    assert config["tool:pytest"]["doctest_optionflags"].split() == ["NORMALIZE_WHITESPACE", "ELLIPSIS"]
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           "--doctest-modules", "rpa_scout"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    collected = {line.split("::")[-1] for line in done.stdout.splitlines() if "::" in line}
    expected = {f"{obj.__module__}.{obj.__qualname__}" for obj in _exports().values()} | set(_public_functions())
    assert sorted(expected - collected) == [], done.stdout[-2000:] + done.stderr[-2000:]
