"""Make text from a log safe for where it goes (pure: strings in, strings out).

Activity, attribute and file names come from files that anyone may have written. One
function per destination, and each destination uses only its own:

- :func:`printable` for the terminal and every text format: control characters
  (C0, DEL, C1), bidirectional overrides and line separators are shown escaped
  (``\\x1b``, ``\\u202e``), so no name can clear the screen, set the window title,
  reorder a line or start a new one;
- :func:`spreadsheet_cell` / :func:`spreadsheet_table` for CSV and Excel: a text cell
  that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed
  with ``'`` (OWASP's CSV-injection rule), so no spreadsheet runs it as a formula;
  numbers stay numbers;
- :func:`markdown_text` for Markdown: HTML is escaped (no ``<script>`` or event
  handler reaches a Markdown viewer), link brackets and table pipes too.

HTML pages use :func:`html.escape` (the HTML report) and SVG text is escaped by Graphviz.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


# C0 controls, DEL, C1 controls, the bidirectional embeddings, overrides and isolates,
# the line and paragraph separators, and the non-characters U+FFFE/U+FFFF.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                     "\u2066-\u2069\ufffe\uffff]")
# What json.dumps(ensure_ascii=False) leaves raw in strings (it escapes C0 itself; a raw
# C0 character in its output is structural whitespace).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                          "\u2066-\u2069\ufffe\uffff]")
#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """``text`` with control and bidirectional-control characters shown escaped.

    Args:
        text: any value; it is converted with ``str`` first.

    Returns:
        The text, every character of :data:`_UNSAFE` written as ``\\xNN`` or ``\\uNNNN``.
    """
    return _UNSAFE.sub(_escape, str(text))


def json_printable(text: str) -> str:
    """JSON text with the unsafe characters that ``json.dumps`` leaves raw as ``\\uNNNN``.

    ``json.dumps(..., ensure_ascii=False)`` escapes C0 controls but writes C1 controls
    and bidirectional overrides as they are; this escapes them the JSON way, so the
    text stays valid JSON with the same values.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def spreadsheet_cell(value: Any) -> Any:
    """A cell value that no spreadsheet runs as a formula; non-text values unchanged.

    Args:
        value: a cell value.

    Returns:
        For text: :func:`printable` text, prefixed with ``'`` when it begins with one of
        :data:`FORMULA_STARTS`. Anything else is returned as it is.
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    return printable(value)


def spreadsheet_table(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Copy of ``frame`` whose text cells and column names pass :func:`spreadsheet_cell`.

    Numeric, boolean and datetime columns are left as they are (numbers stay numbers).
    """
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        kind = out[col].dtype
        if pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_bool_dtype(kind) \
                or pd.api.types.is_datetime64_any_dtype(kind):
            continue
        out[col] = out[col].map(spreadsheet_cell, na_action="ignore").astype(object)
    out.columns = [spreadsheet_cell(str(c)) for c in out.columns]
    return out


_MARKDOWN_SPECIAL = str.maketrans({c: "\\" + c for c in "\\|[]`"})


def markdown_text(text: object) -> str:
    """Text for a Markdown table cell or list item, shown as it is and never run.

    HTML is escaped (``<``, ``>`` and ``&``: no ``<script>``, no tag, so no event
    handler), and so are backslashes, table pipes, the brackets of links (no
    ``[x](javascript:...)``) and backticks; control characters are :func:`printable`, so
    it stays one line. Quotes and apostrophes stay as they are: outside a tag they are
    text, and Markdown shows an entity such as ``&#x27;`` in a code span or a plain viewer.

    Example:
        >>> print(markdown_text("steps' hours | <b>"))
        steps' hours \\| &lt;b&gt;
    """
    return html.escape(printable(text).translate(_MARKDOWN_SPECIAL), quote=False)
