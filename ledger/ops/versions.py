"""Optimistic versions: a change to a claim names the version it read, and is refused, with
what changed in between, when someone else got there first.

``expected_version=None`` means "no check": the change applies to whatever the claim holds when
the write lock is taken. The CLI (through ``ledger.Ledger``) reads the version first, so two
analysts changing the same claim at once never silently overwrite each other.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.errors import Conflict
from ledger.store.tables import CLAIM, EVENT

VERSIONED_ACTIONS = ("claim.resolve", "claim.revise", "claim.reopen", "claim.withdraw",
                     "claim.edit", "claim.merge")


def check_version(conn: Connection, claim: dict[str, Any], expected: int | None) -> None:
    """Refuse first, before any rule, if the claim changed since the caller read it."""
    if expected is not None and claim["version"] != expected:
        raise Conflict(conflict_message(conn, claim, expected, int(claim["version"])))


def bump_version(conn: Connection, claim: dict[str, Any], expected: int | None) -> int:
    """The claim's next version, written only if it still holds the one the caller saw."""
    want = int(claim["version"] if expected is None else expected)
    res = conn.execute(
        CLAIM.update().where(CLAIM.c.id == claim["id"], CLAIM.c.version == want)
        .values(version=want + 1)
    )
    if res.rowcount != 1:
        now = conn.execute(select(CLAIM.c.version).where(CLAIM.c.id == claim["id"])).scalar()
        raise Conflict(conflict_message(conn, claim, want, int(now or 0)))
    return want + 1


def conflict_message(conn: Connection, claim: dict[str, Any], seen: int, now: int) -> str:
    """Name what changed between the version the caller saw and the current one."""
    rows = conn.execute(
        select(EVENT.c.id, EVENT.c.actor, EVENT.c.action, EVENT.c.at).where(
            EVENT.c.claim_id == claim["id"], EVENT.c.action.in_(VERSIONED_ACTIONS)
        ).order_by(EVENT.c.id.desc()).limit(max(1, now - seen))
    ).all()
    changes = "; ".join(
        f"{a.replace('claim.', '')} by {who} at {at:%Y-%m-%d %H:%M:%S} UTC (event {i})"
        for i, who, a, at in reversed(rows))
    return (f"claim {claim['key']} changed since you read it (version {seen}, now {now}): "
            f"{changes or 'changed'}. Review with `ledger show {claim['key']}` and try again")
