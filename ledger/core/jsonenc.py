"""The one JSON encoding of ledger values: dates as ISO days, instants as ISO UTC with
microseconds. The audit chain, the JSONL export and every ``--format json`` share it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any


def plain(value: Any) -> Any:
    """A date or datetime as its ISO text; anything JSON can hold is refused otherwise."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def canonical(obj: Any) -> str:
    """Deterministic JSON on one line: sorted keys, no spaces, ISO dates (hashes and JSONL)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=plain,
                      ensure_ascii=False)


def pretty(obj: Any) -> str:
    """Indented JSON for people and programs reading a command's output."""
    return json.dumps(obj, indent=2, default=plain, ensure_ascii=False)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: empty for missing, lists joined with ';', dates as in JSON, and
    text that a spreadsheet would run as a formula neutralised (``ledger.core.safety``)."""
    from ledger.core.safety import csv_safe

    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return csv_safe(";".join(str(_raw_cell(v)) for v in value))
    return csv_safe(_raw_cell(value))


def _raw_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return plain(value)
    return value
