"""Reading the ledger: listings, the whole story of one claim, what is due, the audit log.

Every function returns plain rows in the JSON vocabulary documented in ``docs/json.md``: the
same snake_case names as the export (``made_on``, ``due_on``, ``probability``, ``tags`` as a
list), typed values, no display labels. ``on`` is the day statuses are worked out for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core import rules
from ledger.ops.lookup import analyst_ids, find_claim
from ledger.ops.lookup import names as analyst_names
from ledger.store.engine import Store
from ledger.store.order import forecast_order_sql
from ledger.store.settings import grace_days
from ledger.store.tables import (
    CLAIM,
    CLAIM_TAG,
    EVENT,
    SOURCE,
    SOURCE_AUTHOR,
)

Row = dict[str, Any]


@dataclass(frozen=True)
class ClaimFilter:
    """Which claims a listing holds (all of them by default)."""

    status: str | None = None  # a status, or resolved / unresolved
    author: str | None = None
    tag: str | None = None
    subject: str | None = None
    due_before: date | None = None
    due_by: date | None = None  # due on or before (the due queue)
    by: str | None = None  # the author or anyone with a standing forecast


def _claims_sql(conn: Connection, f: ClaimFilter, on: date) -> tuple[str, list[Any]]:
    """One query for a listing (unordered) and its parameters: status, the author's latest
    standing forecast and the filters all in the database
    (``ledger.scorecard.hindsight_sql.claim_status`` states the status rule)."""
    from sqlalchemy import Date, Integer, String, bindparam

    from ledger.scorecard.hindsight_sql import claim_status

    where, binds = ["1 = 1"], [bindparam("on", on, type_=Date()),
                               bindparam("grace", grace_days(conn), type_=Integer())]
    if f.author is not None:
        where.append("c.author_id IN :authors")
        binds.append(bindparam("authors", analyst_ids(conn, f.author) or [-1], expanding=True))
    if f.by is not None:
        where.append("(c.author_id IN :who OR EXISTS (SELECT 1 FROM forecast w WHERE "
                     "w.claim_id = c.id AND w.analyst_id IN :who AND w.retracted_at IS NULL))")
        binds.append(bindparam("who", analyst_ids(conn, f.by) or [-1], expanding=True))
    if f.tag is not None:
        where.append("EXISTS (SELECT 1 FROM claim_tag t WHERE t.claim_id = c.id AND "
                     "t.tag = :tag)")
        binds.append(bindparam("tag", f.tag.lower(), type_=String()))
    if f.subject is not None:
        where.append("c.subject = :subject")
        binds.append(bindparam("subject", f.subject, type_=String()))
    if f.due_before is not None:
        where.append("c.due_on < :due_before")
        binds.append(bindparam("due_before", f.due_before, type_=Date()))
    if f.due_by is not None:
        where.append("c.due_on <= :due_by")
        binds.append(bindparam("due_by", f.due_by, type_=Date()))
    status = ""
    if f.status is not None:
        rules.one_of(f.status, rules.STATUS_FILTERS, "status")
        wanted = (rules.OUTCOMES if f.status == "resolved" else rules.UNRESOLVED
                  if f.status == "unresolved" else (f.status,))
        status = f"WHERE x.status IN ({', '.join(repr(s) for s in wanted)})"
    return f"""
SELECT * FROM (
  SELECT c.id, c.key, c.author_id, c.made_on, c.due_on, r.known_on, c.subject, c.version,
         c.statement,
         (SELECT f.probability FROM forecast f
          WHERE f.claim_id = c.id AND f.analyst_id = c.author_id AND f.retracted_at IS NULL
          ORDER BY {forecast_order_sql("f", latest_first=True)} LIMIT 1) AS probability,
         {claim_status(conn)} AS status
  FROM claim c LEFT JOIN resolution r ON r.claim_id = c.id AND r.superseded_at IS NULL
  WHERE {" AND ".join(where)}
) x {status}""", binds


BATCH = 1000  # rows a listing holds at once


def claim_rows(store: Store, f: ClaimFilter, *, on: date,
               limit: int | None = None) -> Iterator[Row]:
    """The claims of a listing, by due date, a batch at a time: each with its status on
    ``on`` and the author's latest standing forecast."""
    from sqlalchemy import Date, Float, Integer, String, bindparam, text

    with store.read() as conn:
        names = analyst_names(conn)
        sql, binds = _claims_sql(conn, f, on)
        sql += " ORDER BY x.due_on, x.id"
        if limit is not None:
            sql += " LIMIT :limit"
            binds.append(bindparam("limit", limit, type_=Integer()))
        stmt = text(sql).bindparams(*binds).columns(
            id=Integer(), key=String(), author_id=Integer(), made_on=Date(), due_on=Date(),
            known_on=Date(), subject=String(), version=Integer(), statement=String(),
            probability=Float(), status=String()).execution_options(
            stream_results=True, yield_per=BATCH)
        for part in conn.execute(stmt).mappings().partitions(BATCH):
            tags: dict[int, list[str]] = defaultdict(list)
            for cid, t in conn.execute(select(CLAIM_TAG.c.claim_id, CLAIM_TAG.c.tag).where(
                    CLAIM_TAG.c.claim_id.in_([r["id"] for r in part])).order_by(
                    CLAIM_TAG.c.claim_id, CLAIM_TAG.c.tag)):
                tags[cid].append(t)
            for c in part:
                yield {"id": c["id"], "key": c["key"], "status": c["status"],
                       "author": names[c["author_id"]], "made_on": c["made_on"],
                       "due_on": c["due_on"], "known_on": c["known_on"],
                       "probability": c["probability"], "subject": c["subject"],
                       "tags": tags.get(c["id"], []), "version": c["version"],
                       "statement": c["statement"]}


def claim_count(store: Store, f: ClaimFilter, *, on: date) -> int:
    """How many claims a listing holds."""
    from sqlalchemy import text

    with store.read() as conn:
        sql, binds = _claims_sql(conn, f, on)
        return int(conn.execute(text(f"SELECT COUNT(*) FROM ({sql}) n").bindparams(
            *binds)).scalar_one())


def list_claims(store: Store, *, on: date, status: str | None = None,
                author: str | None = None, tag: str | None = None, subject: str | None = None,
                due_before: date | None = None) -> list[Row]:
    """One row per claim, with its status on ``on`` and the author's latest forecast."""
    return list(claim_rows(store, ClaimFilter(status, author, tag, subject, due_before),
                           on=on))


def due_claims(store: Store, *, until: date, on: date, by: str | None = None) -> list[Row]:
    """Unresolved claims that fall due by ``until``, overdue ones first; with ``by``, only
    those the analyst authored or holds a forecast on."""
    return list(claim_rows(store, ClaimFilter(status="unresolved", due_by=until, by=by),
                           on=on))


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
