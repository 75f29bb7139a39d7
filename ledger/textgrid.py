"""Compact text tables (tabulate without its extra header padding), shared by all renderers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def grid(rows: Sequence[Sequence[Any]], headers: Sequence[str], fmt: str = "simple") -> str:
    import tabulate as tb

    tb.MIN_PADDING = 0  # headers as wide as their text: tables fit 100 columns
    return tb.tabulate(rows, headers=list(headers), tablefmt=fmt, disable_numparse=True)
