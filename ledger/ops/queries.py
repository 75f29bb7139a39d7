"""Reading the ledger: listings, the whole story of one claim, what is due, the audit log.

Every function returns plain rows in the JSON vocabulary documented in ``docs/json.md``: the
same snake_case names as the export (``made_on``, ``due_on``, ``probability``, ``tags`` as a
list), typed values, no display labels. ``on`` is the day statuses are worked out for.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select

from ledger.core import hindsight, rules
from ledger.ops.lookup import analyst_ids, find_claim
from ledger.ops.lookup import names as analyst_names
from ledger.store.engine import Store
from ledger.store.settings import grace_days
from ledger.store.tables import (
    CLAIM,
    CLAIM_TAG,
    EVENT,
    FORECAST,
    RESOLUTION,
    SOURCE,
    SOURCE_AUTHOR,
)

Row = dict[str, Any]


def list_claims(store: Store, *, on: date, status: str | None = None,
                author: str | None = None, tag: str | None = None, subject: str | None = None,
                due_before: date | None = None) -> list[Row]:
    """One row per claim, with its status on ``on`` and the author's latest forecast."""
    if status is not None:
        rules.one_of(status, rules.STATUS_FILTERS, "status")
    with store.read() as conn:
        names = analyst_names(conn)
        q = (select(CLAIM, RESOLUTION.c.outcome, RESOLUTION.c.known_on)
             .outerjoin(RESOLUTION, (RESOLUTION.c.claim_id == CLAIM.c.id)
                        & RESOLUTION.c.superseded_at.is_(None))
             .order_by(CLAIM.c.due_on, CLAIM.c.id))
        if author:
            q = q.where(CLAIM.c.author_id.in_(analyst_ids(conn, author)))
        if tag:
            q = q.where(CLAIM.c.id.in_(select(CLAIM_TAG.c.claim_id)
                                       .where(CLAIM_TAG.c.tag == tag.lower())))
        if subject:
            q = q.where(CLAIM.c.subject == subject)
        if due_before:
            q = q.where(CLAIM.c.due_on < due_before)
        claims = [dict(r) for r in conn.execute(q).mappings()]
        grace = grace_days(conn)
        tags: dict[int, list[str]] = defaultdict(list)
        latest: dict[tuple[int, int], float] = {}
        if claims:
            for cid, t in conn.execute(select(CLAIM_TAG.c.claim_id, CLAIM_TAG.c.tag)
                                       .order_by(CLAIM_TAG.c.tag)):
                tags[cid].append(t)
            for cid, aid, p in conn.execute(
                select(FORECAST.c.claim_id, FORECAST.c.analyst_id, FORECAST.c.probability)
                .where(FORECAST.c.retracted_at.is_(None))
                .order_by(FORECAST.c.made_on, FORECAST.c.id)
            ):
                latest[(cid, aid)] = p
    rows = []
    for c in claims:
        st = rules.claim_status(withdrawn_on=hindsight.standing_withdrawal(
            c["withdrawn_on"], c["withdrawn_at"], c["due_on"], grace),
                                outcome=c["outcome"], due_on=c["due_on"], on=on)
        if status and not rules.status_matches(status, st):
            continue
        rows.append({
            "id": c["id"], "key": c["key"], "status": st, "author": names[c["author_id"]],
            "made_on": c["made_on"], "due_on": c["due_on"], "known_on": c["known_on"],
            "probability": latest.get((c["id"], c["author_id"])), "subject": c["subject"],
            "tags": tags.get(c["id"], []), "version": c["version"],
            "statement": c["statement"],
        })
    return rows


def due_claims(store: Store, *, until: date, on: date, by: str | None = None) -> list[Row]:
    """Unresolved claims that fall due by ``until``, overdue ones first; with ``by``, only
    those the analyst authored or holds a forecast on."""
    rows = [r for r in list_claims(store, status="unresolved", on=on) if r["due_on"] <= until]
    if by is None:
        return rows
    with store.read() as conn:
        ids = analyst_ids(conn, by)
        mine = {cid for (cid,) in conn.execute(
            select(FORECAST.c.claim_id).where(FORECAST.c.analyst_id.in_(ids),
                                              FORECAST.c.retracted_at.is_(None)).distinct())}
        mine |= {cid for (cid,) in conn.execute(
            select(CLAIM.c.id).where(CLAIM.c.author_id.in_(ids)))}
    return [r for r in rows if r["id"] in mine]


def show_claim(store: Store, ref: str, *, on: date) -> Row:
    """The whole story of one claim, as plain data (``ledger.ops.stories``)."""
    from ledger.ops.stories import Reader

    with store.read() as conn:
        return Reader(conn, on=on).stories([find_claim(conn, ref)])[0]


def claim_version(store: Store, ref: str) -> int:
    with store.read() as conn:
        return int(find_claim(conn, ref)["version"])


def list_sources(store: Store) -> list[Row]:
    """Every source with its authors and how many claims cite it."""
    with store.read() as conn:
        names = analyst_names(conn)
        authors: dict[int, list[str]] = defaultdict(list)
        for sid, aid in conn.execute(select(SOURCE_AUTHOR.c.source_id, SOURCE_AUTHOR.c.analyst_id)
                                     .order_by(SOURCE_AUTHOR.c.position)):
            authors[sid].append(names[aid])
        counts: dict[int, int] = defaultdict(int)
        for (sid,) in conn.execute(select(CLAIM.c.source_id).where(CLAIM.c.source_id.isnot(None))):
            counts[sid] += 1
        return [
            {"id": s["id"], "key": s["key"], "title": s["title"], "outlet": s["outlet"],
             "url": s["url"], "published_on": s["published_on"],
             "authors": authors.get(s["id"], []), "claim_count": counts.get(s["id"], 0)}
            for s in conn.execute(select(SOURCE).order_by(SOURCE.c.id)).mappings()
        ]


def log(store: Store, ref: str | None = None, *, limit: int | None = None) -> list[Row]:
    """Audit events, oldest first (the last ``limit`` of them)."""
    with store.read() as conn:
        q = select(EVENT).order_by(EVENT.c.id.desc())
        if ref is not None:
            q = q.where(EVENT.c.claim_id == find_claim(conn, ref)["id"])
        if limit:
            q = q.limit(limit)
        rows = [dict(r) for r in conn.execute(q).mappings()]
    rows.reverse()
    from ledger.ops.stories import event_row

    return [event_row(r) for r in rows]


def due_feed(store: Store, *, until: date, on: date, by: str | None = None) -> str:
    """``due_claims`` as an iCalendar feed whose entries keep their identity across rewrites
    (``ledger.core.ics``)."""
    from ledger.core import ics
    from ledger.store.types import utcnow

    rows = due_claims(store, until=until, on=on, by=by)
    with store.read() as conn:
        first = conn.execute(select(EVENT.c.hash).where(EVENT.c.id == 1)).scalar()
        criteria = dict(conn.execute(select(CLAIM.c.id, CLAIM.c.criteria).where(
            CLAIM.c.id.in_([r["id"] for r in rows] or [-1]))).all())
    return ics.feed([{**r, "criteria": criteria.get(r["id"])} for r in rows],
                    ledger_id=str(first), now=utcnow())
