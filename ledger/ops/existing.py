"""Rows already in the ledger, as export records: an import compares what it would add with
what is there, so running it twice changes nothing and a conflicting record is refused."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core.jsonenc import canonical
from ledger.ops.records import ImportFileError, Record
from ledger.store.tables import CLAIM, CLAIM_TAG, SOURCE, SOURCE_AUTHOR


def existing_source(conn: Connection, sid: int, names: dict[str, int]) -> Record:
    """A source of this ledger as an export record (for comparing with an imported one)."""
    by_id = {i: n for n, i in names.items()}
    s = dict(conn.execute(select(SOURCE).where(SOURCE.c.id == sid)).mappings().one())
    authors = [by_id[a] for (a,) in conn.execute(
        select(SOURCE_AUTHOR.c.analyst_id).where(SOURCE_AUTHOR.c.source_id == sid)
        .order_by(SOURCE_AUTHOR.c.position, SOURCE_AUTHOR.c.analyst_id))]
    return {"key": s["key"], "title": s["title"], "outlet": s["outlet"], "url": s["url"],
            "published_on": s["published_on"], "published_at": s["published_at"],
            "authors": authors, "recorded_by": by_id[s["recorded_by"]],
            "recorded_at": s["recorded_at"]}


def existing_claim(conn: Connection, cid: int, names: dict[str, int],
                   sources: dict[str, int]) -> Record:
    """A claim of this ledger as an export record (for comparing with an imported one)."""
    by_id = {i: n for n, i in names.items()}
    src = {i: k for k, i in sources.items()}
    c = dict(conn.execute(select(CLAIM).where(CLAIM.c.id == cid)).mappings().one())
    tags = [t for (t,) in conn.execute(select(CLAIM_TAG.c.tag).where(CLAIM_TAG.c.claim_id == cid)
                                       .order_by(CLAIM_TAG.c.tag))]
    return {"key": c["key"], "statement": c["statement"], "quote": c["quote"],
            "source": src.get(c["source_id"]), "author": by_id[c["author_id"]],
            "subject": c["subject"], "tags": tags, "made_on": c["made_on"],
            "due_on": c["due_on"], "due_basis": c["due_basis"], "due_note": c["due_note"],
            "criteria": c["criteria"], "withdrawn_on": c["withdrawn_on"],
            "withdrawn_note": c["withdrawn_note"], "recorded_by": by_id[c["recorded_by"]],
            "recorded_at": c["recorded_at"], "version": c["version"]}


def same_or_fail(no: str, rec: Record, have: Record) -> None:
    mine = {k: v for k, v in rec.items() if k != "type"}
    if rec["type"] == "claim":
        mine["tags"] = sorted(set(mine["tags"]))
    diff = sorted(k for k in mine if canonical(mine[k]) != canonical(have.get(k)))
    if diff:
        raise ImportFileError(f"{no}: {rec['type']} {rec['key']!r} already exists here with "
                              f"different {', '.join(diff)}; nothing was imported")
