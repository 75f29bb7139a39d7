"""Shell completion of values that live in the ledger (claim keys, analyst names).

Completion runs on every Tab: it opens the ledger read-only for one query and stays silent on
any failure (no ledger yet, a locked file, a server down), offering nothing rather than an
error in the middle of a command line.
"""

from __future__ import annotations

import os
from typing import Any


def _target(ctx: Any) -> str:
    root = ctx.find_root() if ctx is not None else None
    given = root.params.get("db") if root is not None else None
    return str(given or os.environ.get("LEDGER_DB") or "ledger.db")


def _values(ctx: Any, column: str, incomplete: str) -> list[str]:
    try:
        from ledger.ops.lookup import starting_with

        return starting_with(_target(ctx), column, incomplete)
    except Exception:  # completion never fails a command line
        return []


def claim_keys(ctx: Any, incomplete: str) -> list[str]:
    return _values(ctx, "key", incomplete)


def analyst_names(ctx: Any, incomplete: str) -> list[str]:
    return _values(ctx, "name", incomplete)
