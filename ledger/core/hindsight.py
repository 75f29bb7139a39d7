"""When a record counts: the rules that keep hindsight out of a scorecard. Pure functions; the
scorecard's SQL (``ledger.scorecard.query``) states the same rules for whole tables, and a test
holds the two together.

A forecast *recorded* after its outcome could be known (the claim fell due, the outcome became
known, or the ledger first held a resolution) is **back-filled**: kept and shown, never scored.
Two exceptions: a typing delay (recorded at most the ledger's grace days after the date it
carries), and the published call itself (a forecast by an author of the source the claim cites,
dated on its publication day), which is how an article's calls, recorded years later, count.
A withdrawal recorded after the claim fell due (beyond the same grace) is **late**: the claim
stays live and scored on its standing forecasts.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime

from ledger.errors import RuleViolation

GRACE_SETTING = "grace_days"
DEFAULT_GRACE_DAYS = 2
MAX_GRACE_DAYS = 366


def check_grace(days: int) -> int:
    if not 0 <= days <= MAX_GRACE_DAYS:
        raise RuleViolation(f"grace days must be between 0 and {MAX_GRACE_DAYS}, not {days}",
                            "grace_days")
    return days


#: Days a record may carry beyond the UTC day it was recorded on: the recorder's own day may be
#: ahead of UTC (time zones reach UTC+14).
TIME_ZONE_SLACK_DAYS = 1


def check_recorded_after(day: date, recorded_at: datetime, what: str, field: str) -> None:
    """Nothing is recorded before the day it is about: that is the CLI's "not in the future",
    applied to history brought in from elsewhere as it stood when it was recorded."""
    if (day - day_of(recorded_at)).days > TIME_ZONE_SLACK_DAYS:
        raise RuleViolation(f"{what} {day.isoformat()} is after it was recorded "
                            f"({recorded_at.isoformat()}): it was in the future then", field)


def day_of(at: datetime) -> date:
    """The UTC day an instant falls on (the ledger's days are UTC days)."""
    return at.astimezone(UTC).date()


def published_call(*, analyst_id: int, made_on: date, source_authors: Collection[int],
                   published_on: date | None) -> bool:
    return published_on is not None and made_on == published_on and analyst_id in source_authors


def _after_the_fact(recorded_at: datetime, dated: date, deadline: date,
                    first_resolution_at: datetime | None, grace_days: int) -> bool:
    late = day_of(recorded_at) > deadline or (
        first_resolution_at is not None and recorded_at > first_resolution_at)
    return late and (day_of(recorded_at) - dated).days > grace_days


def backfilled(*, made_on: date, recorded_at: datetime, due_on: date, known_on: date | None,
               first_resolution_at: datetime | None, published: bool, grace_days: int) -> bool:
    """Was this forecast entered after its outcome could be known? (``known_on`` and
    ``first_resolution_at`` as the ledger stood: None while unresolved.)"""
    if published:
        return False
    deadline = due_on if known_on is None else min(known_on, due_on)
    return _after_the_fact(recorded_at, made_on, deadline, first_resolution_at, grace_days)


def late_withdrawal(*, withdrawn_on: date, withdrawn_at: datetime, due_on: date,
                    grace_days: int) -> bool:
    """Was this withdrawal recorded after the claim fell due (a back-dated escape)?"""
    return _after_the_fact(withdrawn_at, withdrawn_on, due_on, None, grace_days)


def standing_withdrawal(withdrawn_on: date | None, withdrawn_at: datetime | None, due_on: date,
                        grace_days: int) -> date | None:
    """The withdrawal date if the withdrawal counts, None if there is none or it was late."""
    if withdrawn_on is None or withdrawn_at is None:
        return withdrawn_on
    late = late_withdrawal(withdrawn_on=withdrawn_on, withdrawn_at=withdrawn_at, due_on=due_on,
                           grace_days=grace_days)
    return None if late else withdrawn_on
