"""Where the folders that ship inside the package are: the Alembic environment and the seeds.

In an installed wheel they are ``ledger/migrations`` and ``ledger/seeds``; in a source checkout
(or an editable install) they are the top-level ``migrations/`` and ``seeds/`` folders.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def shipped(name: str, marker: str) -> Path:
    """The folder ``name`` holding ``marker`` (a file name or a glob)."""
    inside = PACKAGE / name
    if any(inside.glob(marker)):
        return inside
    return PACKAGE.parent / name
