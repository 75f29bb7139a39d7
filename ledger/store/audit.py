"""The append-only, hash-chained event log (``audit_check`` checks that rows still match it).

Every change is one transaction that appends one event. The event's ``after`` holds the full
state of every row the change created or altered (keyed ``"claim/12"``), ``before`` the state
they had. Each event's hash covers its content and the previous event's hash, so editing,
removing or reordering events breaks the chain; replaying ``after`` states and comparing them
with the tables finds rows edited behind the tool's back.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from ledger.core.jsonenc import canonical
from ledger.store.tables import (
    ANALYST,
    ANALYST_KEY,
    CLAIM,
    CLAIM_ALIAS,
    CLAIM_TAG,
    EVENT,
    EVENT_ROW,
    EVIDENCE,
    FORECAST,
    READING,
    REMINDER,
    RES_EVIDENCE,
    RESOLUTION,
    SETTING,
    SOURCE,
    SOURCE_AUTHOR,
)
from ledger.store.types import utcnow

GENESIS = "0" * 64
CHECK_BATCH = 5000  # rows a bulk write or a streamed read handles at a time


@dataclass(frozen=True)
class Fold:
    """A child table folded into its parent's state as a list under ``key``: one value per
    child row, or a dict when several columns make the value; in ``order``."""

    table: Table
    parent: str
    values: tuple[str, ...]
    key: str
    order: tuple[str, ...]


#: entity -> (table, child tables folded into its state). Every table but the event log.
TRACKED: dict[str, tuple[Table, tuple[Fold, ...]]] = {
    "analyst": (ANALYST, ()),
    "analyst_key": (ANALYST_KEY, ()),
    "source": (SOURCE, (Fold(SOURCE_AUTHOR, "source_id", ("analyst_id",), "authors",
                             ("position", "analyst_id")),)),
    "claim": (CLAIM, (Fold(CLAIM_TAG, "claim_id", ("tag",), "tags", ("tag",)),)),
    "forecast": (FORECAST, ()),
    "evidence": (EVIDENCE, ()),
    "resolution": (RESOLUTION, (
        Fold(RES_EVIDENCE, "resolution_id", ("evidence_id",), "evidence", ("evidence_id",)),
        Fold(READING, "resolution_id", ("outcome", "note"), "readings", ("position",)),
    )),
    "setting": (SETTING, ()),
    "claim_alias": (CLAIM_ALIAS, ()),
    "reminder": (REMINDER, ()),
}
#: State keys that migrations added after events were already written: an older event that
#: lacks one expects its empty value.
ADDED_LATER = frozenset({"withdrawn_at", "readings", "email", "retracted_at", "retracted_by",
                         "retracted_note"})

__all__ = ["Head", "Journal", "append", "canonical", "clock", "digest", "head", "without_later"]


def digest(state: Any) -> str:
    """A short fingerprint of a row state, used where an event records many rows (imports)."""
    return "sha256:" + hashlib.sha256(canonical(state).encode()).hexdigest()[:32]


def without_later(state: Any) -> Any:
    if not isinstance(state, dict):
        return state
    return {k: v for k, v in state.items() if not (k in ADDED_LATER and v in (None, []))}


def event_hash(prev_hash: str, ev: dict[str, Any]) -> str:
    body = canonical(
        {k: ev[k] for k in ("id", "at", "actor", "action", "entity", "entity_id", "claim_id",
                            "before", "after")}
    )
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def states(
    conn: Connection, entity: str, ids: Iterable[int] | None = None
) -> dict[str, dict[str, Any]]:
    """Current state of rows of one entity, keyed ``"entity/id"``."""
    table, folds = TRACKED[entity]
    q = select(table).order_by(table.c.id)
    id_list = None if ids is None else sorted(set(ids))
    if id_list is not None:
        q = q.where(table.c.id.in_(id_list))
    out: dict[str, dict[str, Any]] = {}
    for row in conn.execute(q).mappings():
        out[f"{entity}/{row['id']}"] = json.loads(canonical(dict(row)))
    for fold in folds:
        for state in out.values():
            state[fold.key] = []
        ct = fold.table
        cq = select(ct.c[fold.parent], *(ct.c[v] for v in fold.values)).order_by(
            ct.c[fold.parent], *(ct.c[o] for o in fold.order))
        if id_list is not None:
            cq = cq.where(ct.c[fold.parent].in_(id_list))
        for parent, *values in conn.execute(cq):
            k = f"{entity}/{parent}"
            if k in out:
                out[k][fold.key].append(
                    values[0] if len(values) == 1 else dict(zip(fold.values, values, strict=True)))
    return out


def clock(conn: Connection) -> datetime:
    """The time of a change, read inside its write transaction: now, but never before the last
    event (so history stays in time order even if the system clock steps back)."""
    last = conn.execute(select(EVENT.c.at).order_by(EVENT.c.id.desc()).limit(1)).scalar()
    now = utcnow()
    return now if last is None or last <= now else last


def last_hash(conn: Connection) -> tuple[int, str]:
    t = EVENT
    row = conn.execute(select(t.c.id, t.c.hash).order_by(t.c.id.desc()).limit(1)).first()
    return (0, GENESIS) if row is None else (int(row[0]), str(row[1]))


class Journal:
    """Collects what one change touches and appends its single event."""

    def __init__(
        self,
        conn: Connection,
        actor: str,
        action: str,
        entity: str,
        entity_id: int | None = None,
        claim_id: int | None = None,
    ) -> None:
        self.conn = conn
        self.actor = actor
        self.action = action
        self.entity = entity
        self.entity_id = entity_id
        self.claim_id = claim_id
        self.before: dict[str, Any] = {}
        self.touched: dict[str, set[int]] = defaultdict(set)

    def snapshot(self, entity: str, row_id: int) -> None:
        """Remember a row's state before the change alters it."""
        key = f"{entity}/{row_id}"
        if key not in self.before:
            self.before[key] = states(self.conn, entity, [row_id]).get(key)
        self.touched[entity].add(row_id)

    def touch(self, entity: str, row_id: int) -> None:
        self.touched[entity].add(row_id)

    def commit(self, at: datetime | None = None) -> int:
        after: dict[str, Any] = {}
        for entity, ids in self.touched.items():
            got = states(self.conn, entity, ids)
            for row_id in ids:
                after[f"{entity}/{row_id}"] = got.get(f"{entity}/{row_id}")
        return append(
            self.conn,
            actor=self.actor,
            action=self.action,
            entity=self.entity,
            entity_id=self.entity_id,
            claim_id=self.claim_id,
            before=self.before or None,
            after=after,
            at=at,
        )


class RowPrints:
    """The fingerprints of the rows one coming event adds in bulk, written beside it (table
    ``event_row``) a batch at a time; the event records their count and a digest over all of
    them in key order, so the chain still covers every one. The writer holds the write lock:
    the event's id is the next one."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.event_id = last_hash(conn)[0] + 1
        self.count = 0
        self._batch: list[dict[str, Any]] = []

    def add(self, key: str, state: Any) -> None:
        self._batch.append({"event_id": self.event_id, "k": key, "fp": digest(state)})
        self.count += 1
        if len(self._batch) >= CHECK_BATCH:
            self.flush()

    def flush(self) -> None:
        if self._batch:
            self.conn.execute(EVENT_ROW.insert(), self._batch)
            self._batch = []

    def summary(self) -> dict[str, Any]:
        """``{"count", "digest"}`` for the event (after the last row is written)."""
        self.flush()
        return {"count": self.count, "digest": rows_digest(self.conn, self.event_id)}


def rows_digest(conn: Connection, event_id: int) -> str:
    """A digest over an event's row fingerprints in key order (read a batch at a time)."""
    h = hashlib.sha256()
    for k, fp in conn.execute(select(EVENT_ROW.c.k, EVENT_ROW.c.fp).where(
            EVENT_ROW.c.event_id == event_id).order_by(EVENT_ROW.c.k).execution_options(
            stream_results=True, yield_per=CHECK_BATCH)):
        h.update(f"{k} {fp}\n".encode())
    return "sha256:" + h.hexdigest()


def append(
    conn: Connection,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    claim_id: int | None,
    before: Any,
    after: Any,
    at: datetime | None = None,
) -> int:
    """Append one event after the current last one; the caller holds the write lock."""
    last_id, prev = last_hash(conn)
    if isinstance(after, dict) and "rows" in after and not isinstance(after["rows"], dict):
        raise ValueError("an event's 'rows' is the summary of its RowPrints")
    ev = {
        "id": last_id + 1,
        "at": json.loads(canonical(at or utcnow())),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "claim_id": claim_id,
        "before": None if before is None else canonical(before),
        "after": None if after is None else canonical(after),
    }
    digest = event_hash(prev, ev)
    signature = _signature(conn, actor, digest, datetime.fromisoformat(ev["at"]))
    signed = {} if signature is None else {"signature": signature}  # (a migration may run
    conn.execute(                                                    # before 0007 added it)
        EVENT.insert().values(
            id=ev["id"],
            at=datetime.fromisoformat(ev["at"]),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            claim_id=claim_id,
            before=ev["before"],
            after=ev["after"],
            prev_hash=prev,
            hash=digest,
            **signed,
        )
    )
    return int(ev["id"])


def _signature(conn: Connection, actor: str, digest: str, at: datetime) -> str | None:
    """``KEY_ID:SIGNATURE`` when this write carries the actor's key and the ledger knows it;
    an unsigned change by an analyst with a key is refused when the ledger requires
    signatures."""
    from ledger.store import signing

    signer = conn.get_execution_options().get(signing.SIGNER)
    if signer is not None and signer.name.casefold() == actor.casefold():
        kid = conn.execute(select(ANALYST_KEY.c.id).where(  # valid now (or revoked by this)
            ANALYST_KEY.c.public_key == signer.public_b64,
            ANALYST_KEY.c.revoked_at.is_(None) | (ANALYST_KEY.c.revoked_at >= at))).scalar()
        if kid is not None:
            return f"{kid}:{signer.sign(digest)}"
    required = conn.execute(select(SETTING.c.value).where(SETTING.c.name == signing.REQUIRE)
                            .order_by(SETTING.c.recorded_at.desc(), SETTING.c.id.desc())
                            .limit(1)).scalar()
    if required == "on" and keys_of(conn, actor):
        from ledger.errors import RuleViolation

        raise RuleViolation(f"this ledger requires signatures, and {actor} has a key that is "
                            "not on this machine (`ledger key new` keeps it in your "
                            "configuration folder)")
    return None


def keys_of(conn: Connection, name: str) -> list[int]:
    """The unrevoked keys of the analyst ``name`` means (any case)."""
    ids = [int(i) for i, n in conn.execute(select(ANALYST.c.id, ANALYST.c.name))
           if str(n).casefold() == name.casefold()]
    if not ids:
        return []
    return [int(k) for (k,) in conn.execute(select(ANALYST_KEY.c.id).where(
        ANALYST_KEY.c.analyst_id.in_(ids), ANALYST_KEY.c.revoked_at.is_(None)))]


@dataclass(frozen=True)
class Head:
    """Where the history stood: how many events, and the last one's hash. Published with a
    scorecard, it lets anyone prove later that nothing before it was removed or rewritten."""

    events: int  # -1: not known (an anchor given as a bare hash)
    head: str

    def __str__(self) -> str:
        return self.head if self.events < 0 else f"{self.events}:{self.head}"

    def as_json(self) -> dict[str, Any]:
        return {"events": self.events, "head": self.head}


def head(conn: Connection, as_of: datetime | None = None) -> Head:
    """The chain head, or the head as it stood at an instant (events are in time order)."""
    q = select(EVENT.c.id, EVENT.c.hash).order_by(EVENT.c.id.desc()).limit(1)
    if as_of is not None:
        q = q.where(EVENT.c.at <= as_of)
    row = conn.execute(q).first()
    return Head(0, GENESIS) if row is None else Head(int(row[0]), str(row[1]))
