"""The installed version, read from the package metadata (pyproject.toml is the one source)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ledger")
except PackageNotFoundError:  # a source checkout that was never installed
    __version__ = "0+unknown"
