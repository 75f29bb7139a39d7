"""Corrections: retract a forecast, merge a claim recorded twice. Each is one audited event
that ``show`` and ``log`` display; nothing is deleted that the history cannot show.

What a retraction still counts for is ``ledger.core.corrections``; a merge moves the
duplicate's forecasts and evidence to the claim it duplicates, and the duplicate's key keeps
finding that claim (``claim_alias``), so nothing counts as withdrawn.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from ledger.core import corrections
from ledger.core.keys import clean_text
from ledger.errors import NotFound, RuleViolation, UsageError
from ledger.ops.changes import Done
from ledger.ops.lookup import analyst_id, find_claim
from ledger.ops.versions import bump_version
from ledger.store.audit import Journal, clock
from ledger.store.engine import Store
from ledger.store.settings import grace_days
from ledger.store.tables import (
    CLAIM,
    CLAIM_ALIAS,
    CLAIM_TAG,
    EVIDENCE,
    FORECAST,
    REMINDER,
    RESOLUTION,
    insert_id,
)


def forecast_ids(conn: Connection, claim_id: int) -> list[int]:
    """A claim's forecasts in the order ``show`` and the export number them (``KEY#N``)."""
    return [i for (i,) in conn.execute(
        select(FORECAST.c.id).where(FORECAST.c.claim_id == claim_id)
        .order_by(FORECAST.c.recorded_at, FORECAST.c.made_on, FORECAST.c.id))]


def retract(store: Store, actor: str, ref: str, *, note: str | None = None) -> Done:
    """Retract forecast ``KEY#N``: a correction within the window, a withdrawal after it."""
    try:
        claim_ref, number = corrections.parse_ref(ref)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with store.write() as conn:
        now = clock(conn)
        claim = find_claim(conn, claim_ref)
        ids = forecast_ids(conn, claim["id"])
        if number > len(ids):
            raise NotFound(f"claim {claim['key']} has {len(ids)} forecast(s); there is no "
                           f"#{number}")
        fid = ids[number - 1]
        f = dict(conn.execute(select(FORECAST).where(FORECAST.c.id == fid)).mappings().one())
        if f["retracted_at"] is not None:
            raise RuleViolation(f"forecast {claim['key']}#{number} was already retracted on "
                                f"{f['retracted_at'].date().isoformat()}")
        j = Journal(conn, actor, "forecast.retract", "forecast", fid, claim["id"])
        j.snapshot("forecast", fid)
        me = analyst_id(conn, actor, j, when=now)
        conn.execute(update(FORECAST).where(FORECAST.c.id == fid).values(
            retracted_at=now, retracted_by=me, retracted_note=clean_text(note, "note")))
        first_res = conn.execute(select(func.min(RESOLUTION.c.recorded_at)).where(
            RESOLUTION.c.claim_id == claim["id"])).scalar()
        kind = "correction" if corrections.is_correction(
            recorded_at=f["recorded_at"], retracted_at=now, first_resolution_at=first_res,
            grace_days=grace_days(conn)) else "withdrawal"
        ev = j.commit(at=now)
    return Done("forecast", fid, f"{claim['key']}#{number}", ev, kind)


def merge(store: Store, actor: str, duplicate_ref: str, into_ref: str, *,
          note: str | None = None) -> Done:
    """Merge a claim recorded twice into the one it duplicates."""
    with store.write() as conn:
        now = clock(conn)
        dup = find_claim(conn, duplicate_ref)
        into = find_claim(conn, into_ref)
        if dup["id"] == into["id"]:
            raise UsageError(f"{duplicate_ref} and {into_ref} are the same claim")
        if conn.execute(select(RESOLUTION.c.id).where(RESOLUTION.c.claim_id == dup["id"])).first():
            raise RuleViolation(f"claim {dup['key']} has been resolved; merge only an unresolved "
                                "duplicate (its resolutions would have nowhere to go)")
        early = conn.execute(select(func.min(FORECAST.c.made_on)).where(
            FORECAST.c.claim_id == dup["id"])).scalar()
        if early is not None and early < into["made_on"]:
            raise RuleViolation(f"claim {dup['key']} has a forecast dated {early.isoformat()}, "
                                f"before {into['key']} was made ({into['made_on'].isoformat()}); "
                                f"move {into['key']}'s made date first (`ledger edit --made`)")
        j = Journal(conn, actor, "claim.merge", "claim", into["id"], into["id"])
        j.snapshot("claim", dup["id"])
        j.snapshot("claim", into["id"])
        moved = {t: [i for (i,) in conn.execute(select(t.c.id).where(t.c.claim_id == dup["id"]))]
                 for t in (FORECAST, EVIDENCE, REMINDER, CLAIM_ALIAS)}
        for table, ids in moved.items():
            for i in ids:
                j.snapshot(table.name, i)
            conn.execute(update(table).where(table.c.claim_id == dup["id"]).values(
                claim_id=into["id"]))
        have = {t for (t,) in conn.execute(select(CLAIM_TAG.c.tag).where(
            CLAIM_TAG.c.claim_id == into["id"]))}
        for (t,) in conn.execute(select(CLAIM_TAG.c.tag).where(
                CLAIM_TAG.c.claim_id == dup["id"])).all():
            if t not in have:
                conn.execute(CLAIM_TAG.insert().values(claim_id=into["id"], tag=t))
        conn.execute(delete(CLAIM_TAG).where(CLAIM_TAG.c.claim_id == dup["id"]))
        me = analyst_id(conn, actor, j, when=now)
        alias = insert_id(conn, CLAIM_ALIAS.insert().values(
            key=dup["key"], claim_id=into["id"], recorded_by=me, recorded_at=now,
            note=clean_text(note, "note") or f"merged into {into['key']}"))
        j.touch("claim_alias", alias)
        conn.execute(delete(CLAIM).where(CLAIM.c.id == dup["id"]))
        bump_version(conn, into, None)
        ev = j.commit(at=now)
    return Done("claim", into["id"], into["key"], ev, dup["key"])


