"""Who is who: adding an analyst before they record anything, renaming one, and merging two
names for one person. Each is one audited change; the history keeps every earlier name (events
name their actor as it was then, and record each row's state before and after).
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.engine import Connection

from ledger.core.keys import NAME_LIMIT, check_email, clean_text, required_text
from ledger.errors import NotFound, UsageError
from ledger.ops.changes import Done
from ledger.ops.lookup import analyst_id, analyst_ids, names
from ledger.store.audit import TRACKED, Journal, clock
from ledger.store.engine import Store
from ledger.store.tables import ANALYST, REMINDER, SOURCE_AUTHOR, insert_id, metadata


def _taken(conn: Connection, name: str, but: int | None = None) -> str | None:
    """The analyst already called ``name`` in any case (other than ``but``), if any."""
    for i, n in names(conn).items():
        if i != but and n.casefold() == name.casefold():
            return n
    return None


def add(store: Store, actor: str, name: str, *, email: str | None = None,
        affiliation: str | None = None) -> Done:
    """Register an analyst, so that ``--by``, ``--author`` and ``--as`` may name them."""
    name = required_text(name, "analyst name", limit=NAME_LIMIT)
    address = check_email(email, what="--email") if email else None
    with store.write() as conn:
        now = clock(conn)
        other = _taken(conn, name)
        if other is not None:
            raise UsageError(f"{other!r} is already an analyst (names match in any case)")
        j = Journal(conn, actor, "analyst.add", "analyst")
        analyst_id(conn, actor, j, when=now)
        new = insert_id(conn, ANALYST.insert().values(
            name=name, email=address, affiliation=clean_text(affiliation, "affiliation"),
            created_at=now))
        j.entity_id = new
        j.touch("analyst", new)
        ev = j.commit(at=now)
    return Done("analyst", new, name, ev)


def _one(conn: Connection, name: str) -> int:
    ids = analyst_ids(conn, name)
    if len(ids) != 1:
        raise UsageError(f"{name!r} names {len(ids)} analysts; give the exact name")
    return ids[0]


def rename(store: Store, actor: str, old: str, new: str) -> Done:
    """Give an analyst another name; everything they recorded follows (it is kept by id)."""
    new = required_text(new, "new name", limit=NAME_LIMIT)
    with store.write() as conn:
        now = clock(conn)
        aid = _one(conn, old)
        other = _taken(conn, new, but=aid)
        if other is not None:
            raise UsageError(f"{other!r} is already an analyst; to make them one person, "
                             f"`ledger analyst merge {old} INTO {other}`")
        j = Journal(conn, actor, "analyst.rename", "analyst", aid)
        j.snapshot("analyst", aid)
        analyst_id(conn, actor, j, when=now)
        conn.execute(update(ANALYST).where(ANALYST.c.id == aid).values(name=new))
        ev = j.commit(at=now)
    return Done("analyst", aid, new, ev, detail=old)


#: table -> the audited entity whose state holds its rows (a folded table: its parent's)
_ENTITY = {table.name: entity for entity, (table, _) in TRACKED.items()}


def merge(store: Store, actor: str, duplicate: str, into: str) -> Done:
    """Make two names one person: everything ``duplicate`` made, recorded or authored becomes
    ``into``'s, and the duplicate name is removed (the history keeps it)."""
    with store.write() as conn:
        now = clock(conn)
        dup, keep = _one(conn, duplicate), _one(conn, into)
        if dup == keep:
            raise UsageError(f"{duplicate!r} and {into!r} are the same analyst")
        people = names(conn)
        if people[dup] == actor:
            raise UsageError(f"you are acting as {people[dup]!r}: act as someone else (--as) "
                             "to merge that name away")
        j = Journal(conn, actor, "analyst.merge", "analyst", keep)
        j.snapshot("analyst", dup)
        j.snapshot("analyst", keep)
        # rows both would hold after the merge: the duplicate's copy goes
        both_sources = select(SOURCE_AUTHOR.c.source_id).where(
            SOURCE_AUTHOR.c.analyst_id == keep).scalar_subquery()
        for (sid,) in conn.execute(select(SOURCE_AUTHOR.c.source_id).where(
                SOURCE_AUTHOR.c.analyst_id == dup, SOURCE_AUTHOR.c.source_id.in_(both_sources))):
            j.snapshot("source", int(sid))
            conn.execute(delete(SOURCE_AUTHOR).where(SOURCE_AUTHOR.c.source_id == sid,
                                                     SOURCE_AUTHOR.c.analyst_id == dup))
        kept = select(REMINDER.c.claim_id, REMINDER.c.sent_on).where(
            REMINDER.c.analyst_id == keep)
        seen = {(c, d) for c, d in conn.execute(kept)}
        for rid, cid, day in conn.execute(select(REMINDER.c.id, REMINDER.c.claim_id,
                                                 REMINDER.c.sent_on).where(
                REMINDER.c.analyst_id == dup)).all():
            if (cid, day) in seen:
                j.snapshot("reminder", int(rid))
                conn.execute(delete(REMINDER).where(REMINDER.c.id == rid))
        for table in metadata.sorted_tables:
            for fk in table.foreign_keys:
                if fk.column.table is not ANALYST:
                    continue
                col = fk.parent
                entity = _ENTITY.get(table.name)
                if entity is not None:
                    for (rid,) in conn.execute(select(table.c.id).where(col == dup)).all():
                        j.snapshot(entity, int(rid))
                else:  # a folded table: its parent's state changes
                    parent = SOURCE_AUTHOR.c.source_id if table is SOURCE_AUTHOR else None
                    if parent is None:
                        raise NotFound(f"no audited home for {table.name}")  # a bug
                    for (pid,) in conn.execute(select(parent).where(col == dup)).all():
                        j.snapshot("source", int(pid))
                conn.execute(update(table).where(col == dup).values({col.name: keep}))
        analyst_id(conn, actor, j, when=now)
        conn.execute(delete(ANALYST).where(ANALYST.c.id == dup))
        ev = j.commit(at=now)
    return Done("analyst", keep, people[keep], ev, detail=people[dup])
