"""Write graphs: DOT always, SVG/PNG through Graphviz's ``dot``, GraphML, JSON, BPMN."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import networkx as nx

from rpa_scout._quiet import pm4py, quiet
from rpa_scout.errors import InputError, RenderError

INSTALL_HINT = ("install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; "
                "macOS: brew install graphviz)")


def dot_available() -> bool:
    """Whether Graphviz's ``dot`` is on the PATH."""
    return shutil.which("dot") is not None


def write_dot_picture(dot_text: str, path: Path, fmt: str) -> Path:
    """Write ``dot_text`` as ``fmt`` (dot, svg or png) to ``path``; return the path.

    Raises:
        RenderError: ``dot`` is missing or fails; the DOT file is written beside
            ``path`` first so nothing is lost.
    """
    _writable(path)
    if fmt == "dot":
        path.write_text(dot_text, encoding="utf-8")
        return path
    if not dot_available():
        fallback = path.with_suffix(".dot")
        fallback.write_text(dot_text, encoding="utf-8")
        raise RenderError(f"Graphviz's 'dot' was not found, so {path.name} was not drawn; "
                          f"the DOT file was written to {fallback}; {INSTALL_HINT}")
    done = subprocess.run(["dot", f"-T{fmt}", "-o", str(path)], input=dot_text.encode("utf-8"),
                          capture_output=True, check=False, timeout=600)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz failed to draw {path.name}: {message[0] if message else 'unknown error'}")
    return path


def render_svg(dot_text: str) -> str:
    """Draw DOT text as SVG with Graphviz (for notebooks: ``IPython.display.SVG``).

    Raises:
        RenderError: ``dot`` is missing (the message says how to install it) or fails.
    """
    if not dot_available():
        raise RenderError(f"Graphviz's 'dot' was not found, so the picture was not drawn; {INSTALL_HINT}")
    done = subprocess.run(["dot", "-Tsvg"], input=dot_text.encode("utf-8"), capture_output=True,
                          check=False, timeout=600)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz failed to draw the picture: {message[0] if message else 'unknown error'}")
    return done.stdout.decode("utf-8")


def write_graphml(graph: nx.DiGraph, path: Path) -> Path:
    """Write GraphML (attributes that are not numbers or text are left out)."""
    _writable(path)
    clean = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        clean.add_node(node, **_scalars(data))
    for a, b, data in graph.edges(data=True):
        clean.add_edge(a, b, **_scalars(data))
    nx.write_graphml(clean, path)
    return path


def write_graph_json(graph: nx.DiGraph, path: Path) -> Path:
    """Write node-link JSON (networkx's format, readable by d3 and others)."""
    _writable(path)
    data = nx.node_link_data(graph, edges="edges")
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=_json_default) + "\n",
                    encoding="utf-8")
    return path


def write_bpmn(model: Any, path: Path) -> Path:
    """Write a pm4py BPMN model as a .bpmn file."""
    _writable(path)
    with quiet():
        pm4py().write_bpmn(model, str(path))
    return path


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if isinstance(value, bool):
            out[key] = value
        elif isinstance(value, (int, str)):
            out[key] = value
        elif isinstance(value, float) and math.isfinite(value):
            out[key] = value
    return out


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _writable(path: Path) -> None:
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise InputError(f"{path}: the folder {parent} does not exist; create it or choose --out elsewhere")
