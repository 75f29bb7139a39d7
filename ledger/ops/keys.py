"""Signed history: analysts' public keys in the ledger, and the setting that requires
signatures (``ledger.store.signing`` signs and verifies). Each is one audited change, signed by
the key that vouches for it: a first key by itself, a new one by the key it replaces, a
revocation by the key it revokes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from ledger.core.keys import clean_text
from ledger.errors import RuleViolation, UsageError
from ledger.ops.changes import Done
from ledger.ops.lookup import analyst_id, names
from ledger.ops.settings import record_rows
from ledger.store.audit import Journal, clock, keys_of
from ledger.store.engine import Store
from ledger.store.signing import REQUIRE, Signer
from ledger.store.tables import ANALYST_KEY, insert_id


def add_key(store: Store, actor: str, new: Signer, *, note: str | None = None) -> Done:
    """Register ``new`` as the actor's key; their earlier keys are revoked by the same change
    (it must be signed by one of them: the store's signer)."""
    with store.read() as conn:
        held = keys_of(conn, actor)
    if not held:
        store.signer = new  # a first key vouches for itself, and signs from now on
    elif store.signer is None or store.signer.public_b64 == new.public_b64:
        raise RuleViolation(f"{actor} has a key already: the new one must be vouched for by "
                            "it, and it is not on this machine")
    with store.write() as conn:
        now = clock(conn)
        me = analyst_id(conn, actor, None, create=False)
        old = keys_of(conn, actor)
        j = Journal(conn, actor, "key.add", "analyst_key")
        for kid in old:
            j.snapshot("analyst_key", kid)
            conn.execute(update(ANALYST_KEY).where(ANALYST_KEY.c.id == kid).values(
                revoked_at=now))
        kid = insert_id(conn, ANALYST_KEY.insert().values(
            analyst_id=me, public_key=new.public_b64, fingerprint=new.fingerprint,
            added_at=now, note=clean_text(note, "note")))
        j.entity_id = kid
        j.touch("analyst_key", kid)
        ev = j.commit(at=now)
    return Done("analyst_key", kid, new.fingerprint, ev, detail=f"{len(old)} revoked")


def revoke(store: Store, actor: str, which: str | None = None, *,
           note: str | None = None) -> Done:
    """Revoke the actor's key (the one whose fingerprint starts with ``which``, else their
    only one); its signatures before now stay valid."""
    with store.write() as conn:
        now = clock(conn)
        mine = keys_of(conn, actor)
        if which:
            mine = [k for k in mine if conn.execute(select(ANALYST_KEY.c.fingerprint).where(
                ANALYST_KEY.c.id == k)).scalar_one().startswith(which.strip().lower())]
        if len(mine) != 1:
            raise UsageError(f"{actor} has {len(mine)} such keys; name one by its fingerprint "
                             "(`ledger key list`)" if mine else f"{actor} has no such key")
        j = Journal(conn, actor, "key.revoke", "analyst_key", mine[0])
        j.snapshot("analyst_key", mine[0])
        analyst_id(conn, actor, j, when=now)
        conn.execute(update(ANALYST_KEY).where(ANALYST_KEY.c.id == mine[0]).values(
            revoked_at=now, note=clean_text(note, "note")))
        fp = conn.execute(select(ANALYST_KEY.c.fingerprint).where(
            ANALYST_KEY.c.id == mine[0])).scalar_one()
        ev = j.commit(at=now)
    return Done("analyst_key", mine[0], str(fp), ev)


def require(store: Store, actor: str, on: bool, *, note: str | None = None) -> Done:
    """Make unsigned changes by analysts with a key fail at entry (or stop requiring it)."""
    value = "on" if on else "off"
    with store.write() as conn:
        ev, sid = record_rows(conn, actor, {REQUIRE: value}, note=note)
    return Done("setting", sid, REQUIRE, ev, detail=value)


def listing(store: Store) -> list[dict[str, Any]]:
    """Every key the ledger knows, with whose it is and when it signed."""
    with store.read() as conn:
        who = names(conn)
        return [{"analyst": who[int(r["analyst_id"])], "fingerprint": r["fingerprint"],
                 "added_at": r["added_at"], "revoked_at": r["revoked_at"], "note": r["note"]}
                for r in conn.execute(select(ANALYST_KEY).order_by(ANALYST_KEY.c.id))
                .mappings()]

