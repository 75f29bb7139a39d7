"""ledger: a prediction ledger for research analysts. ``ledger.Ledger`` is the library entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ledger.version import __version__

if TYPE_CHECKING:
    from ledger.api import Ledger

__all__ = ["Ledger", "__version__"]


def __getattr__(name: str) -> Any:
    """``ledger.Ledger`` without importing SQLAlchemy for ``ledger --version``."""
    if name == "Ledger":
        from ledger.api import Ledger

        return Ledger
    raise AttributeError(name)
