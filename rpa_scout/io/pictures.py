"""Write graphs: DOT always, SVG/PNG through Graphviz's ``dot``, GraphML, JSON, BPMN.

``dot`` runs with a time limit (:func:`rpa_scout.drawing.dot_seconds`); every file
appears whole or not at all (:mod:`rpa_scout.io.files`).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

import networkx as nx

from rpa_scout._quiet import pm4py, quiet_fds
from rpa_scout.bpmn import stable_ids
from rpa_scout.drawing import dot_seconds
from rpa_scout.errors import DotTimeout, RenderError
from rpa_scout.io.files import atomic_path, atomic_text, atomic_write, check_output
from rpa_scout.safety import printable

INSTALL_HINT = ("install Graphviz (Debian/Ubuntu: sudo apt-get install graphviz; "
                "macOS: brew install graphviz)")


def dot_available() -> bool:
    """Whether Graphviz's ``dot`` is on the PATH.

    Example:
        >>> import shutil
        >>> from rpa_scout.io.pictures import dot_available
        >>> dot_available() == (shutil.which("dot") is not None)
        True
    """
    return shutil.which("dot") is not None


def run_dot(dot_text: str, fmt: str, seconds: float | None = None) -> bytes:
    """Draw DOT text as ``fmt`` (svg, png) with ``dot`` and return the bytes.

    Args:
        dot_text: the graph.
        fmt: Graphviz output format.
        seconds: time limit; by default from the number of lines (about one per node
            and edge), see :func:`rpa_scout.drawing.dot_seconds`.

    Raises:
        RenderError: ``dot`` is missing or fails.
        DotTimeout: ``dot`` did not finish in time (it is stopped).

    Example:
        >>> from rpa_scout.io.pictures import run_dot
        >>> run_dot("digraph { Kirjaus -> Päätös }", "png")[:8]
        b'\\x89PNG\\r\\n\\x1a\\n'
    """
    if not dot_available():
        raise RenderError(f"Graphviz's 'dot' was not found; {INSTALL_HINT}")
    limit = dot_seconds(dot_text.count("\n")) if seconds is None else seconds
    try:
        done = subprocess.run(["dot", f"-T{fmt}"], input=dot_text.encode("utf-8"),
                              capture_output=True, check=False, timeout=limit)
    except subprocess.TimeoutExpired:
        raise DotTimeout(f"Graphviz did not finish drawing within {limit:.0f} s") from None
    except OSError as exc:
        raise RenderError(f"Graphviz could not be run ({exc.strerror or exc})") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz failed: {printable(message[0]) if message else 'unknown error'}")
    return done.stdout


def write_dot_picture(dot_text: str, path: Path, fmt: str, seconds: float | None = None) -> Path:
    """Write ``dot_text`` as ``fmt`` (dot, svg or png) to ``path``; return the path.

    Raises:
        RenderError: ``dot`` is missing, fails or runs out of time; the DOT file is
            written beside ``path`` first so nothing is lost.
        OutputError: ``path`` cannot be written.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from rpa_scout import discover_graph, read_log, to_dot
        >>> from rpa_scout.io.pictures import write_dot_picture
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     svg = write_dot_picture(to_dot(discover_graph(log)), Path(folder) / "map.svg", "svg")
        ...     svg.read_text(encoding="utf-8").count('class="node"')    # 13 activities, start, end, legend
        16
    """
    check_output(path)
    if fmt == "dot":
        return atomic_text(path, dot_text)
    if not dot_available():
        fallback = atomic_text(path.with_suffix(".dot"), dot_text)
        raise RenderError(f"Graphviz's 'dot' was not found, so {path.name} was not drawn; "
                          f"the DOT file was written to {fallback}; {INSTALL_HINT}")
    try:
        data = run_dot(dot_text, fmt, seconds)
    except RenderError as exc:
        fallback = atomic_text(path.with_suffix(".dot"), dot_text)
        raise type(exc)(f"{exc}, so {path.name} was not drawn; the DOT file was written to "
                        f"{fallback}; draw fewer activities and paths with --activities and --paths") from None
    return atomic_write(path, lambda fh: fh.write(data))


def render_svg(dot_text: str) -> str:
    """Draw DOT text as SVG with Graphviz (for notebooks: ``IPython.display.SVG``).

    Raises:
        RenderError: ``dot`` is missing (the message says how to install it), fails or
            runs out of time.

    Example:
        >>> from rpa_scout import discover_graph, read_log, render_svg, to_dot
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> svg = render_svg(to_dot(discover_graph(log), view="performance"))
        >>> svg.count('class="node"'), svg.count('class="edge"')    # 13 activities, start, end, legend
        (16, 25)
    """
    return run_dot(dot_text, "svg").decode("utf-8")


def write_graphml(graph: nx.DiGraph, path: Path) -> Path:
    """Write GraphML (attributes that are not numbers or text are left out).

    Names are written :func:`~rpa_scout.safety.printable`: XML cannot hold control
    characters.

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> import networkx as nx
        >>> from rpa_scout import discover_graph, read_log
        >>> from rpa_scout.io.pictures import write_graphml
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     back = nx.read_graphml(write_graphml(discover_graph(log), Path(folder) / "map.graphml"))
        >>> back.number_of_nodes(), back.nodes["Arkistointi"]["events"]
        (15, 3000)
    """
    clean = nx.DiGraph()
    names = {node: printable(node) for node in graph.nodes}
    for node, data in graph.nodes(data=True):
        clean.add_node(names[node], **_scalars(data))
    for a, b, data in graph.edges(data=True):
        clean.add_edge(names[a], names[b], **_scalars(data))
    with atomic_path(path) as tmp:
        nx.write_graphml(clean, tmp)
    return path


def write_graph_json(graph: nx.DiGraph, path: Path) -> Path:
    """Write node-link JSON (networkx's format, readable by d3 and others).

    Example:
        >>> import json, tempfile
        >>> from pathlib import Path
        >>> from rpa_scout import discover_graph, read_log
        >>> from rpa_scout.io.pictures import write_graph_json
        >>> log, _ = read_log("eventlogs/ostolaskut_complete_only.csv.gz")
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = write_graph_json(discover_graph(log), Path(folder) / "map.json")
        ...     data = json.loads(path.read_text(encoding="utf-8"))
        >>> len(data["nodes"]), len(data["edges"]), data["nodes"][2]["id"]
        (15, 25, 'Arkistointi')
    """
    data = nx.node_link_data(graph, edges="edges")
    return atomic_text(path, json.dumps(data, indent=1, ensure_ascii=False, default=_json_default) + "\n")


def write_bpmn(model: Any, path: Path) -> Path:
    """Write a pm4py BPMN model as a .bpmn file.

    pm4py lays the diagram out with Graphviz, which refuses some names; the model is
    then written without a layout (BPMN tools lay it out when they open it).

    Example:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from rpa_scout import discover_bpmn, read_log
        >>> from rpa_scout.io.pictures import write_bpmn
        >>> log, _ = read_log("eventlogs/rakennuslupa.xes.gz")
        >>> model = discover_bpmn(log, noise_threshold=0.2)
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     text = write_bpmn(model, Path(folder) / "lupa.bpmn").read_text(encoding="utf-8")
        >>> text.count("<bpmn:task "), "<bpmn:startEvent " in text
        (18, True)
    """
    with atomic_path(path) as tmp:
        with quiet_fds():
            try:
                pm4py().write_bpmn(model, str(tmp))
            except Exception:  # pm4py's layout step (dot) failed: the model without it
                pm4py().write_bpmn(model, str(tmp), auto_layout=False)
        tmp.write_text(stable_ids(tmp.read_text(encoding="utf-8")), encoding="utf-8")
    return path


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if isinstance(value, bool):
            out[key] = value
        elif isinstance(value, int):
            out[key] = value
        elif isinstance(value, str):
            out[key] = printable(value)
        elif isinstance(value, float) and math.isfinite(value):
            out[key] = value
    return out


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)
