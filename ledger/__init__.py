"""ledger: a prediction ledger for research analysts. ``ledger.Ledger`` is the library entry."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("ledger")
except PackageNotFoundError:  # a source checkout that was never installed
    __version__ = "0+unknown"

if TYPE_CHECKING:
    from ledger.api import Ledger

__all__ = ["Ledger", "__version__"]


def __getattr__(name: str) -> Any:
    """``ledger.Ledger`` without importing SQLAlchemy for ``ledger --version``."""
    if name == "Ledger":
        from ledger.api import Ledger

        return Ledger
    raise AttributeError(name)
