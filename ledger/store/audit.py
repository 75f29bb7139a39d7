"""The append-only, hash-chained event log and the check that rows still match it.

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
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core.jsonenc import canonical
from ledger.store.tables import (
    ANALYST,
    CLAIM,
    CLAIM_TAG,
    EVENT,
    EVIDENCE,
    FORECAST,
    RES_EVIDENCE,
    RESOLUTION,
    SOURCE,
    SOURCE_AUTHOR,
)
from ledger.store.types import utcnow

GENESIS = "0" * 64

# entity -> (table, folded child table, parent column, child value column, state key)
TRACKED: dict[str, Any] = {
    "analyst": (ANALYST, None),
    "source": (SOURCE, (SOURCE_AUTHOR, "source_id", "analyst_id", "authors")),
    "claim": (CLAIM, (CLAIM_TAG, "claim_id", "tag", "tags")),
    "forecast": (FORECAST, None),
    "evidence": (EVIDENCE, None),
    "resolution": (RESOLUTION, (RES_EVIDENCE, "resolution_id", "evidence_id", "evidence")),
}

__all__ = ["Journal", "append", "canonical", "digest", "verify"]


def digest(state: Any) -> str:
    """A short fingerprint of a row state, used where an event records many rows (imports)."""
    return "sha256:" + hashlib.sha256(canonical(state).encode()).hexdigest()[:32]


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, str) and expected.startswith("sha256:"):
        return digest(actual) == expected
    return canonical(expected) == canonical(actual)


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
    table, child = TRACKED[entity]
    q = select(table).order_by(table.c.id)
    id_list = None if ids is None else sorted(set(ids))
    if id_list is not None:
        q = q.where(table.c.id.in_(id_list))
    out: dict[str, dict[str, Any]] = {}
    for row in conn.execute(q).mappings():
        out[f"{entity}/{row['id']}"] = json.loads(canonical(dict(row)))
    if child is not None:
        ctable, parent_col, value_col, key = child
        for state in out.values():
            state[key] = []
        cq = select(ctable.c[parent_col], ctable.c[value_col]).order_by(
            ctable.c[parent_col], ctable.c[value_col]
        )
        if id_list is not None:
            cq = cq.where(ctable.c[parent_col].in_(id_list))
        for parent, value in conn.execute(cq):
            k = f"{entity}/{parent}"
            if k in out:
                out[k][key].append(value)
    return out


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
    conn.execute(
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
        )
    )
    return int(ev["id"])


def verify(conn: Connection) -> list[str]:
    """Every break in the chain and every row that differs from its last event, in log order."""
    t = EVENT
    problems: list[tuple[int, str]] = []
    prev = GENESIS
    expected_id = 1
    expected: dict[str, Any] = {}
    recorded_by: dict[str, int] = {}
    rows = conn.execute(select(t).order_by(t.c.id)).mappings()
    for row in rows:
        ev = dict(row)
        ev["at"] = json.loads(canonical(ev["at"]))
        if ev["id"] != expected_id:
            problems.append(
                (expected_id, f"event {expected_id} is missing: the log jumps to event {ev['id']}")
            )
        if ev["prev_hash"] != prev:
            problems.append(
                (
                    ev["id"],
                    f"event {ev['id']} does not link to the event before it "
                    "(events removed or reordered)",
                )
            )
        if event_hash(ev["prev_hash"], ev) != ev["hash"]:
            problems.append(
                (ev["id"], f"event {ev['id']} was edited: its hash does not match its content")
            )
        prev = ev["hash"]
        expected_id = ev["id"] + 1
        if ev["after"]:
            try:
                after = json.loads(ev["after"])
            except ValueError:
                problems.append((ev["id"], f"event {ev['id']} has unreadable content"))
                continue
            for key, state in after.items():
                if key.split("/")[0] not in TRACKED:
                    continue
                expected[key] = state
                recorded_by[key] = ev["id"]
    actual: dict[str, Any] = {}
    for entity in TRACKED:
        actual.update(states(conn, entity))
    for key, state in actual.items():
        entity, row_id = key.split("/")
        if key not in expected:
            problems.append(
                (10**12, f"{entity} {row_id} has no event: it was added behind the tool's back")
            )
        elif not _same(expected[key], state):
            ev_id = recorded_by[key]
            problems.append(
                (
                    ev_id,
                    f"{entity} {row_id} differs from event {ev_id}, the last "
                    "that recorded it: edited behind the tool's back",
                )
            )
    for key, state in expected.items():
        if state is not None and key not in actual:
            entity, row_id = key.split("/")
            ev_id = recorded_by[key]
            problems.append(
                (
                    ev_id,
                    f"{entity} {row_id} recorded by event {ev_id} is missing: "
                    "deleted behind the tool's back",
                )
            )
    problems.sort(key=lambda p: p[0])
    return [text for _, text in problems]
