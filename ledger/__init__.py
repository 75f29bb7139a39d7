"""ledger: a prediction ledger for research analysts. ``ledger.Ledger`` is the library entry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ledger.api import Ledger

__all__ = ["Ledger", "__version__"]


def __getattr__(name: str) -> Any:
    """``ledger.Ledger`` and ``ledger.__version__``, loaded on first use: the package import
    stays free of SQLAlchemy and package metadata, so every command starts fast."""
    if name == "Ledger":
        from ledger.api import Ledger

        return Ledger
    if name == "__version__":
        from ledger.version import __version__

        return __version__
    raise AttributeError(name)
