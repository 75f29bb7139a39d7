"""Which of an analyst's forecasts on a claim came later: the one rule every reader uses (the
scorecard's SQL, ``list``, ``show``, ``due --by``, reminders, the export).

Forecasts follow each other by their day, then by the time each was recorded (a CLI forecast:
when it was typed; an imported one: the platform's own time), then by id. So two forecasts made
on one day stand in the order they were made, not in the order a file listed them; the id
decides only between forecasts recorded at the same instant, which an import writes in an order
of their content (``ledger.importers.batch``), never in the file's.
"""

from __future__ import annotations

from typing import Any

from ledger.store.tables import FORECAST

COLUMNS = ("made_on", "recorded_at", "id")


def forecast_order(*, latest_first: bool = False) -> list[Any]:
    """ORDER BY terms for the ``forecast`` table."""
    cols = [FORECAST.c[c] for c in COLUMNS]
    return [c.desc() for c in cols] if latest_first else cols


def forecast_order_sql(alias: str = "f", *, latest_first: bool = False) -> str:
    """The same order written out, for SQL text over ``forecast`` (or a table holding its
    columns under the same names; ``alias`` empty for none)."""
    prefix = f"{alias}." if alias else ""
    suffix = " DESC" if latest_first else ""
    return ", ".join(f"{prefix}{c}{suffix}" for c in COLUMNS)
