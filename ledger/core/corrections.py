"""Corrections without a penalty, never silently: what a retracted forecast still counts for.

A forecast retracted within the correction window (the grace period of
``ledger.core.hindsight``, counted from when the forecast was recorded) and before the ledger
held any outcome for its claim is a typo fix: as if it had never been made. Any other
retraction is a withdrawal: the forecast counts for the days it stood and stops standing on the
day it was retracted (as a Metaculus withdrawal does). The scorecard states the same rule in
SQL (``ledger.scorecard.hindsight_sql.retraction``).
"""

from __future__ import annotations

from datetime import date, datetime

from ledger.core.hindsight import day_of


def is_correction(*, recorded_at: datetime, retracted_at: datetime,
                  first_resolution_at: datetime | None, grace_days: int) -> bool:
    """Retracted within the window and before any outcome was recorded: never counted."""
    if first_resolution_at is not None and retracted_at >= first_resolution_at:
        return False
    return (day_of(retracted_at) - day_of(recorded_at)).days <= grace_days


def stops_on(*, made_on: date, retracted_at: datetime) -> date:
    """The day a withdrawn forecast stops standing (never before it was made)."""
    return max(made_on, day_of(retracted_at))


def parse_ref(ref: str) -> tuple[str, int]:
    """``KEY#N``: the claim and the forecast's number on it (as the export numbers them)."""
    claim, sep, number = ref.strip().rpartition("#")
    number = number.strip().lstrip("f")
    if not sep or not claim or not number.isdigit() or int(number) < 1:
        raise ValueError(f"{ref!r} is not KEY#N (a claim and its forecast's number, as "
                         "`ledger show` lists them)")
    return claim, int(number)
