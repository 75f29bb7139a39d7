"""Render rows for people (text, md) and for programs (json, csv). Data to stdout only."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any


class Format(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"
    md = "md"


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def to_json(obj: Any) -> str:
    return json.dumps(obj, indent=2, sort_keys=False, default=_plain, ensure_ascii=False)


def table(rows: Sequence[dict[str, Any]], fmt: Format | str, columns: Sequence[str] | None = None,
          *, maxwidth: int | None = 40) -> str:
    """One listing in the chosen format; text and md are tabulate tables."""
    fmt = Format(fmt)
    cols = list(columns) if columns else (list(rows[0].keys()) if rows else [])
    if fmt is Format.json:
        return to_json([{c: _plain(r.get(c)) for c in cols} for r in rows])
    if fmt is Format.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r.get(c) is None else _plain(r.get(c)) for c in cols])
        return buf.getvalue().rstrip("\n")
    from ledger.tables import grid

    body = [[_cell(r.get(c), maxwidth if fmt is Format.text else None) for c in cols] for r in rows]
    if not rows:
        return "(none)"
    return grid(body, cols, "simple" if fmt is Format.text else "github")


def fitted(rows: Sequence[dict[str, Any]], columns: Sequence[str], shrink: str,
           width: int = 100, caps: dict[str, int] | None = None) -> str:
    """A text table no wider than ``width``: long cells are cut, ``shrink`` first."""
    caps = dict(caps or {})
    limit = caps.get(shrink, 60)
    while True:
        cut = [{c: _cut(r.get(c), caps.get(c) if c != shrink else limit) for c in columns}
               for r in rows]
        out = table(cut, Format.text, columns, maxwidth=None)
        over = max((len(line) for line in out.splitlines()), default=0) - width
        if over <= 0 or limit <= 8:
            return out
        limit = max(8, limit - over)


def _cut(value: Any, w: int | None) -> Any:
    if w is None or value is None:
        return value
    text = _cell(value, None)
    return text if len(text) <= w else text[: w - 1] + "…"


def _cell(value: Any, maxwidth: int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    text = str(_plain(value)).replace("\n", " ")
    if maxwidth and len(text) > maxwidth:
        return text[: maxwidth - 1] + "…"
    return text


def pairs(items: Sequence[tuple[str, Any]], fmt: Format | str) -> str:
    """A key/value record (``db status``, ``show`` headers)."""
    fmt = Format(fmt)
    if fmt is Format.json:
        return to_json({k: _plain(v) for k, v in items})
    if fmt is Format.csv:
        return table([{"field": k, "value": v} for k, v in items], fmt)
    from ledger.tables import grid

    return grid([[k, _cell(v, None)] for k, v in items],
                () if fmt is Format.text else ("field", "value"),
                "plain" if fmt is Format.text else "github")
