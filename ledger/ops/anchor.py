"""Anchors: a chain head written down outside the ledger (in a published scorecard, a wiki, a
commit message), read back to prove that the history before it is intact."""

from __future__ import annotations

import json
import re
from pathlib import Path

from ledger.errors import UsageError
from ledger.store.audit import Head

_HEX = r"[0-9a-f]{64}"
_PAIR = re.compile(rf"\b(\d+):({_HEX})\b")
_BARE = re.compile(rf"{_HEX}")


def parse_anchor(text: str) -> Head:
    """``N:HASH``, a bare ``HASH``, or a report file (any format) that carries its chain head."""
    value = text.strip().lower()
    m = _PAIR.fullmatch(value)
    if m:
        return Head(int(m.group(1)), m.group(2))
    if _BARE.fullmatch(value):
        return Head(-1, value)
    path = Path(text)
    if not path.is_file():
        raise UsageError(f"anchor {text!r} is neither N:HASH, a 64-digit hash, nor a report file")
    return _from_report(path)


def _from_report(path: Path) -> Head:
    try:
        body = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read anchor file {path}: {exc}") from None
    try:
        chain = json.loads(body).get("chain")
        return Head(int(chain["events"]), str(chain["head"]))
    except (ValueError, AttributeError, TypeError, KeyError, OverflowError):
        pass
    found = {(int(n), h) for n, h in _PAIR.findall(body)}
    if len(found) != 1:
        what = "no chain head" if not found else "more than one chain head"
        raise UsageError(f"{path} holds {what} (expected one N:HASH, as every report prints)")
    n, h = found.pop()
    return Head(n, h)
