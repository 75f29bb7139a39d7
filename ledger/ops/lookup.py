"""Finding rows by what people type: claims and sources by id or key, analysts by name."""

from __future__ import annotations

import difflib
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from ledger.core.keys import NAME_LIMIT, required_text
from ledger.errors import NotFound, UsageError
from ledger.store.audit import Journal
from ledger.store.engine import NEW_ANALYSTS
from ledger.store.tables import ANALYST, CLAIM, CLAIM_ALIAS, RESOLUTION, SOURCE, insert_id
from ledger.store.types import utcnow

Row = dict[str, Any]
#: The largest id either database stores (a 64-bit integer).
MAX_ID = 2**63 - 1


def unique_key(conn: Connection, table: Table, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free."""
    taken = {r[0] for r in conn.execute(select(table.c.key).where(table.c.key.like(f"{base}%")))}
    if table is CLAIM:  # a merged claim's key still finds the claim it was merged into
        taken |= {r[0] for r in conn.execute(
            select(CLAIM_ALIAS.c.key).where(CLAIM_ALIAS.c.key.like(f"{base}%")))}
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def names(conn: Connection) -> dict[int, str]:
    return {int(i): str(n) for i, n in conn.execute(select(ANALYST.c.id, ANALYST.c.name))}


def analyst_id(conn: Connection, name: str, journal: Journal | None, *,
               create: bool | None = None, when: datetime | None = None) -> int:
    """The analyst a typed name means, whatever its case and surrounding space. An unknown
    name is refused with the nearest names, so a typo never becomes a new person, unless the
    write may add analysts (``create``, else the ``--new-analyst`` policy its store carries);
    a new one is recorded in the change's event."""
    name = required_text(name, "analyst name", limit=NAME_LIMIT)
    row = conn.execute(select(ANALYST.c.id).where(ANALYST.c.name == name)).first()
    if row is not None:
        return int(row[0])
    known = names(conn)
    folded = sorted(i for i, n in known.items() if n.casefold() == name.casefold())
    if len(folded) == 1:
        return folded[0]
    if folded:
        raise UsageError(f"{name!r} names {len(folded)} analysts ("
                         f"{', '.join(known[i] for i in folded)}); give the exact name, or "
                         "merge them (`ledger analyst merge A INTO B`)")
    allowed = conn.get_execution_options().get(NEW_ANALYSTS, False) if create is None \
        else create
    if not allowed:
        raise NotFound(f"no analyst named {name!r}{_nearest(name, known.values())}; add them "
                       f"with `ledger analyst add {_quoted(name)}` (or give --new-analyst)")
    new_id = insert_id(conn,
        ANALYST.insert().values(name=name, created_at=when or utcnow())
    )
    if journal is not None:
        journal.touch("analyst", new_id)
    return new_id


def _nearest(name: str, known: Any) -> str:
    pool = list(known)
    close = difflib.get_close_matches(name, pool, n=3, cutoff=0.5)
    close += [n for n in pool if name.casefold() in n.casefold() and n not in close]
    return f"; did you mean {', '.join(close[:3])}?" if close else ""


def _quoted(name: str) -> str:
    import shlex

    return shlex.quote(name)


def _find(conn: Connection, table: Table, what: str, ref: str | int) -> Row:
    """A row by numeric id or key; an unknown ref gets the nearest keys as a hint."""
    text = str(ref).strip()
    is_id = text.isascii() and text.isdigit()
    if is_id and int(text) > MAX_ID:
        raise NotFound(f"no {what} {text!r}: ids go up to {MAX_ID}")
    col = table.c.id if is_id else table.c.key
    value: Any = int(text) if is_id else text
    row = conn.execute(select(table).where(col == value)).mappings().first()
    if row is None and table is CLAIM and not is_id:  # the key of a claim merged into another
        merged = select(CLAIM_ALIAS.c.claim_id).where(CLAIM_ALIAS.c.key == text)
        row = conn.execute(select(table).where(table.c.id == merged.scalar_subquery())
                           ).mappings().first()
    if row is None:
        keys = [r[0] for r in conn.execute(select(table.c.key))]
        close = difflib.get_close_matches(text, keys, n=3, cutoff=0.5)
        hint = f"; nearest keys: {', '.join(close)}" if close else ""
        raise NotFound(f"no {what} {text!r}{hint}")
    return dict(row)


def find_claim(conn: Connection, ref: str | int) -> Row:
    return _find(conn, CLAIM, "claim", ref)


def find_source(conn: Connection, ref: str | int) -> Row:
    return _find(conn, SOURCE, "source", ref)


def current_resolution(conn: Connection, claim_id: int) -> Row | None:
    row = conn.execute(
        select(RESOLUTION).where(RESOLUTION.c.claim_id == claim_id,
                                 RESOLUTION.c.superseded_at.is_(None))
    ).mappings().first()
    return None if row is None else dict(row)


def analyst_ids(conn: Connection, name: str) -> list[int]:
    """The analysts a typed name means: an exact match, else the same name in any case
    (``alice`` finds Alice); an unknown name is refused with the nearest names."""
    name = required_text(name, "analyst name", limit=NAME_LIMIT)
    known = {int(i): str(n) for i, n in conn.execute(select(ANALYST.c.id, ANALYST.c.name))}
    exact = [i for i, n in known.items() if n == name]
    if exact:
        return exact
    folded = [i for i, n in known.items() if n.casefold() == name.casefold()]
    if folded:
        return folded
    raise NotFound(f"no analyst named {name!r}{_nearest(name, known.values())}")


def starting_with(target: str, column: str, prefix: str, limit: int = 200) -> list[str]:
    """Claim keys (``column="key"``) or analyst names that start with ``prefix``: for shell
    completion, so it opens the ledger for one short read and never waits for a lock."""
    from ledger.store.engine import Store

    col = CLAIM.c.key if column == "key" else ANALYST.c.name
    store = Store(target, wait=0)
    try:
        with store.read() as conn:
            q = select(col).where(col.like(f"{prefix}%")).order_by(col).limit(limit)
            return [str(v) for (v,) in conn.execute(q)]
    finally:
        store.dispose()
