"""What an output must never carry to its reader, stated once: terminal control sequences in
text, HTML in Markdown, formulas in CSV. The JSON and JSONL outputs stay exact (they are data
for programs, and JSON escapes control characters itself)."""

from __future__ import annotations

import re
from typing import Any

# C0 controls but newline, DEL, C1 controls, the line and paragraph separators, and the
# bidirectional overrides and isolates that make text display in an order other than the one
# it is stored in (CVE-2021-42574).
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                      "\u2066-\u2069]")
#: Cell starts a spreadsheet reads as a formula (OWASP, "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """Text with every control character shown escaped (``\\x1b``, ``\\u202e``), as git's
    ``core.quotePath`` does: safe on a terminal and in a pipe."""
    return _CONTROL.sub(_escape, text)


def for_markdown(text: str) -> str:
    """Markdown whose user-supplied strings cannot become HTML: the whole text escaped (the
    ledger's own Markdown uses no ``<``, ``>`` or ``&``), control characters shown escaped."""
    import html  # here, not at the top: text listings never need it

    return for_terminal(html.escape(text, quote=False))


def md_cell(text: str) -> str:
    """A Markdown table cell: a ``|`` in it would end the cell."""
    return text.replace("|", "\\|")


def csv_safe(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a string starting with ``= + - @``, tab or
    carriage return gets a leading ``'``. Numbers (a negative score) are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
