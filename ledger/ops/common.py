"""Helpers every change shares: finding claims and analysts, keys, today's date, claim state."""

from __future__ import annotations

import difflib
import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ledger.errors import NotFound, RuleViolation, UsageError
from ledger.store import models as m
from ledger.store.audit import Journal

ANALYST = m.Analyst.__table__
SOURCE = m.Source.__table__
SOURCE_AUTHOR = m.SourceAuthor.__table__
CLAIM = m.Claim.__table__
TAG = m.ClaimTag.__table__
FORECAST = m.Forecast.__table__
EVIDENCE = m.Evidence.__table__
RESOLUTION = m.Resolution.__table__
RES_EVIDENCE = m.ResolutionEvidence.__table__

OVERDUE_GRACE_DAYS = 30
KEY_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,119}")


def today() -> date:
    return date.today()


def check_key(key: str, what: str = "key") -> str:
    key = key.strip()
    if not KEY_RE.fullmatch(key) or key.isdigit():
        raise UsageError(
            f"{what} {key!r} is not valid: use lowercase letters, digits, '.', '_' or '-' "
            "(not only digits), 120 characters at most"
        )
    return key


def slugify(text: str, limit: int = 48) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    slug = ""
    for w in words:
        nxt = f"{slug}-{w}" if slug else w
        if len(nxt) > limit:
            break
        slug = nxt
    slug = slug or "claim"
    return f"c-{slug}" if slug.isdigit() else slug


def unique_key(conn: Connection, table: Any, base: str) -> str:
    taken = {r[0] for r in conn.execute(select(table.c.key).where(table.c.key.like(f"{base}%")))}
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def clean_text(value: str | None, what: str, *, required: bool = False,
               limit: int = 10_000) -> str | None:
    if value is None:
        if required:
            raise UsageError(f"{what} is required")
        return None
    value = value.strip()
    if not value:
        if required:
            raise UsageError(f"{what} must not be empty")
        return None
    if len(value) > limit:
        raise UsageError(f"{what} is longer than {limit} characters")
    return value


def analyst_id(conn: Connection, name: str, journal: Journal | None, *, create: bool = True,
               when: Any = None) -> int:
    """The analyst's id; created on first use (recorded in the change's event)."""
    name = clean_text(name, "analyst name", required=True, limit=200) or ""
    row = conn.execute(select(ANALYST.c.id).where(ANALYST.c.name == name)).first()
    if row is not None:
        return int(row[0])
    if not create:
        names = [r[0] for r in conn.execute(select(ANALYST.c.name))]
        close = difflib.get_close_matches(name, names, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise NotFound(f"no analyst named {name!r}{hint}")
    from ledger.store.types import utcnow

    new_id = conn.execute(
        ANALYST.insert().values(name=name, created_at=when or utcnow())
    ).inserted_primary_key[0]
    if journal is not None:
        journal.touch("analyst", int(new_id))
    return int(new_id)


def _find(conn: Connection, table: Any, what: str, ref: str | int) -> dict[str, Any]:
    """A row by numeric id or key; an unknown ref gets the nearest keys as a hint."""
    text = str(ref).strip()
    col = table.c.id if text.isdigit() else table.c.key
    value: Any = int(text) if text.isdigit() else text
    row = conn.execute(select(table).where(col == value)).mappings().first()
    if row is None:
        keys = [r[0] for r in conn.execute(select(table.c.key))]
        close = difflib.get_close_matches(text, keys, n=3, cutoff=0.5)
        hint = f"; nearest keys: {', '.join(close)}" if close else ""
        raise NotFound(f"no {what} {text!r}{hint}")
    return dict(row)


def find_claim(conn: Connection, ref: str | int) -> dict[str, Any]:
    return _find(conn, CLAIM, "claim", ref)


def find_source(conn: Connection, ref: str | int) -> dict[str, Any]:
    return _find(conn, SOURCE, "source", ref)


def current_resolution(conn: Connection, claim_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        select(RESOLUTION).where(RESOLUTION.c.claim_id == claim_id,
                                 RESOLUTION.c.superseded_at.is_(None))
    ).mappings().first()
    return None if row is None else dict(row)


def claim_status(claim: dict[str, Any], resolution: dict[str, Any] | None, on: date) -> str:
    """open, due, overdue, withdrawn, or the outcome of the current resolution."""
    if claim.get("withdrawn_on") is not None:
        return "withdrawn"
    if resolution is not None:
        return str(resolution["outcome"])
    if on < claim["due_on"]:
        return "open"
    if on < claim["due_on"] + timedelta(days=OVERDUE_GRACE_DAYS):
        return "due"
    return "overdue"


def not_future(day: date, what: str) -> None:
    if day > today():
        raise RuleViolation(f"{what} {day.isoformat()} is in the future (today is {today().isoformat()})")


def check_version(conn: Connection, claim: dict[str, Any], expected: int | None) -> None:
    """Refuse first, before any rule, if the claim changed since the caller read it."""
    from ledger.errors import Conflict

    if expected is not None and claim["version"] != expected:
        raise Conflict(conflict_message(conn, claim, expected, int(claim["version"])))


def bump_version(conn: Connection, claim: dict[str, Any], expected: int | None) -> int:
    """Optimistic check: refuse if someone changed the claim since the caller read it."""
    from ledger.errors import Conflict

    want = claim["version"] if expected is None else expected
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
    ev = m.Event.__table__
    rows = conn.execute(
        select(ev.c.id, ev.c.actor, ev.c.action, ev.c.at).where(
            ev.c.claim_id == claim["id"], ev.c.action.in_(VERSIONED_ACTIONS)
        ).order_by(ev.c.id.desc()).limit(max(1, now - seen))
    ).all()
    changes = "; ".join(f"{a.replace('claim.', '')} by {who} at {at:%Y-%m-%d %H:%M:%S} UTC (event {i})"
                        for i, who, a, at in reversed(rows))
    return (f"claim {claim['key']} changed since you read it (version {seen}, now {now}): "
            f"{changes or 'changed'}. Review with `ledger show {claim['key']}` and try again")


VERSIONED_ACTIONS = ("claim.resolve", "claim.revise", "claim.reopen", "claim.withdraw",
                     "claim.edit")


def count(conn: Connection, table: Any, *where: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())
