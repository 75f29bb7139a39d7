"""``db check``'s audit: replay the hash chain and compare what the events say rows hold with
what the rows hold, streamed through temporary tables so memory stays flat at any size."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from ledger.core.jsonenc import canonical
from ledger.store.audit import (
    CHECK_BATCH,
    GENESIS,
    TRACKED,
    Head,
    digest,
    event_hash,
    rows_digest,
    states,
    without_later,
)
from ledger.store.tables import EVENT

CHECK_EXPECTED = "ledger_check_expected"
CHECK_ACTUAL = "ledger_check_actual"


def _fingerprint(state: Any) -> str | None:
    """What an event says a row holds, as one comparable value: the digest an import wrote,
    or the digest of the state an ordinary event wrote (None: the row was deleted)."""
    if state is None:
        return None
    if isinstance(state, str) and state.startswith("sha256:"):
        return state
    return digest(without_later(state))


def _check_tables(conn: Connection) -> None:
    for name in (CHECK_EXPECTED, CHECK_ACTUAL):
        conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
    conn.execute(text(f"CREATE TEMPORARY TABLE {CHECK_EXPECTED} (k VARCHAR(80) PRIMARY KEY, "
                      "fp VARCHAR(80), ev BIGINT NOT NULL)"))
    conn.execute(text(f"CREATE TEMPORARY TABLE {CHECK_ACTUAL} (k VARCHAR(80) PRIMARY KEY, "
                      "a VARCHAR(80) NOT NULL, b VARCHAR(80) NOT NULL)"))


def _expect(conn: Connection, batch: dict[str, tuple[str | None, int]]) -> None:
    """Record what the latest events say rows hold (a later event wins)."""
    if batch:
        conn.execute(text(
            f"INSERT INTO {CHECK_EXPECTED} (k, fp, ev) VALUES (:k, :fp, :ev) ON CONFLICT (k) "
            "DO UPDATE SET fp = excluded.fp, ev = excluded.ev"),
            [{"k": k, "fp": fp, "ev": ev} for k, (fp, ev) in batch.items()])
        batch.clear()


def state_batches(conn: Connection, entity: str,
                  size: int = CHECK_BATCH) -> Iterator[dict[str, dict[str, Any]]]:
    """Every row's state of one entity (``states``), a batch of rows at a time."""
    table, _ = TRACKED[entity]
    last = 0
    while True:
        ids = [int(i) for (i,) in conn.execute(select(table.c.id).where(table.c.id > last)
                                               .order_by(table.c.id).limit(size))]
        if not ids:
            return
        yield states(conn, entity, ids)
        last = ids[-1]


def verify(conn: Connection, anchor: Head | None = None) -> list[str]:
    """Every break in the chain and every row that differs from its last event, in log order;
    with an ``anchor``, also whether the history still holds that head at that position.

    Streams: the log is read an event at a time, and what the events say rows hold and what
    the rows hold are fingerprinted into temporary tables a batch at a time and compared
    there, so memory stays flat whatever the ledger's size."""
    t = EVENT
    problems: list[tuple[int, str]] = []
    prev = GENESIS
    prev_at: datetime | None = None
    expected_id = 1
    anchored = anchor is None or (anchor.events == 0 and anchor.head == GENESIS)
    _check_tables(conn)
    pending: dict[str, tuple[str | None, int]] = {}
    rows = conn.execute(select(t).order_by(t.c.id).execution_options(
        stream_results=True, yield_per=200)).mappings()
    for row in rows:
        ev = dict(row)
        if prev_at is not None and ev["at"] < prev_at:
            problems.append((ev["id"], f"event {ev['id']} is dated before the event before it "
                                       "(event times go backwards)"))
        prev_at = ev["at"]
        ev["at"] = json.loads(canonical(ev["at"]))
        if anchor is not None and (ev["id"] == anchor.events
                                   or (anchor.events < 0 and ev["hash"] == anchor.head)):
            anchored = ev["hash"] == anchor.head
        if ev["id"] == 1 and ev["action"] != "db.init":
            problems.append((1, "event 1 is not the ledger's creation (db.init): the history "
                                "does not start where every ledger's does"))
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
            if not isinstance(after, dict):
                problems.append((ev["id"], f"event {ev['id']} has unreadable content"))
                continue
            for key, state in after.items():
                if key.split("/")[0] in TRACKED:
                    pending[key] = (_fingerprint(state), ev["id"])
            if isinstance(after.get("rows"), dict):
                _expect(conn, pending)
                problems += _expect_rows(conn, ev["id"], after["rows"])
            del after
            if len(pending) >= CHECK_BATCH:
                _expect(conn, pending)
    _expect(conn, pending)
    unreadable = _fingerprint_rows(conn, problems)
    problems += _compare(conn, unreadable)
    for name in (CHECK_EXPECTED, CHECK_ACTUAL):
        conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
    if expected_id == 1:
        problems.append((0, "the history is empty: every ledger starts with its db.init event "
                            "(a ledger left half-made, or wiped)"))
    if not anchored and anchor is not None:
        problems.append((anchor.events, f"the history no longer holds the anchor {anchor}: "
                                        "events up to it were removed or rewritten"))
    problems += signature_problems(conn)
    problems.sort(key=lambda p: p[0])
    return [text for _, text in problems]


def _expect_rows(conn: Connection, event_id: int, summary: dict[str, Any]) -> list[
        tuple[int, str]]:
    """What a bulk event's rows say rows hold, from ``event_row``, and whether those are the
    fingerprints the event's chained digest covers."""
    problems = []
    if rows_digest(conn, event_id) != summary.get("digest"):
        problems.append((event_id, f"event {event_id}'s row fingerprints were edited: they no "
                                   "longer match the digest the event records"))
    conn.execute(text(
        f"INSERT INTO {CHECK_EXPECTED} (k, fp, ev) SELECT k, fp, event_id FROM event_row "
        "WHERE event_id = :ev ON CONFLICT (k) DO UPDATE SET "
        "fp = excluded.fp, ev = excluded.ev").bindparams(ev=event_id))
    return problems


def _fingerprint_rows(conn: Connection, problems: list[tuple[int, str]]) -> set[str]:
    """What every row holds, fingerprinted into the check table; the entities whose rows
    cannot be read (written behind the tool's back) are reported and returned."""
    unreadable: set[str] = set()
    insert = text(f"INSERT INTO {CHECK_ACTUAL} (k, a, b) VALUES (:k, :a, :b)")
    for entity in TRACKED:
        try:
            for batch in state_batches(conn, entity):
                conn.execute(insert, [{"k": k, "a": digest(st), "b": digest(without_later(st))}
                                      for k, st in batch.items()])
        except (ValueError, OverflowError, TypeError) as exc:
            unreadable.add(entity)
            problems.append((10**12, f"{entity} rows hold a value that cannot be read ({exc}): "
                                     "written behind the tool's back"))
    return unreadable


def _compare(conn: Connection, unreadable: set[str]) -> list[tuple[int, str]]:
    """Rows with no event, rows that differ from their last event, rows an event recorded
    that are gone: three joins of the check tables."""
    out: list[tuple[int, str]] = []
    for (key,) in conn.execute(text(
            f"SELECT a.k FROM {CHECK_ACTUAL} a LEFT JOIN {CHECK_EXPECTED} e ON e.k = a.k "
            "WHERE e.k IS NULL ORDER BY a.k")):
        entity, row_id = key.split("/")
        if entity not in unreadable:
            out.append((10**12, f"{entity} {row_id} has no event: it was added behind the "
                                "tool's back"))
    for key, ev in conn.execute(text(
            f"SELECT a.k, e.ev FROM {CHECK_ACTUAL} a JOIN {CHECK_EXPECTED} e ON e.k = a.k "
            "WHERE e.fp IS NULL OR (e.fp <> a.a AND e.fp <> a.b) ORDER BY a.k")):
        entity, row_id = key.split("/")
        out.append((int(ev), f"{entity} {row_id} differs from event {ev}, the last that "
                             "recorded it: edited behind the tool's back"))
    for key, ev in conn.execute(text(
            f"SELECT e.k, e.ev FROM {CHECK_EXPECTED} e LEFT JOIN {CHECK_ACTUAL} a ON a.k = e.k "
            "WHERE a.k IS NULL AND e.fp IS NOT NULL ORDER BY e.k")):
        entity, row_id = key.split("/")
        if entity not in unreadable:
            out.append((int(ev), f"{entity} {row_id} recorded by event {ev} is missing: "
                                 "deleted behind the tool's back"))
    return out


def signature_problems(conn: Connection) -> list[tuple[int, str]]:
    """Every signature that does not hold, and every change an analyst with a key made
    without one (``ledger.store.signing``): in log order. A key's signatures count from the
    change that added it until the one that revoked it; a key added while its analyst had
    another must be vouched for by that one; only its own analyst's keys change a key."""
    from ledger.store.signing import verify
    from ledger.store.tables import ANALYST, ANALYST_KEY

    keys = {int(r["id"]): r for r in conn.execute(select(ANALYST_KEY)).mappings()}
    signed = conn.execute(select(EVENT.c.id).where(EVENT.c.signature.is_not(None))
                          .limit(1)).first()
    if not keys and signed is None:
        return []
    ids = {str(n).casefold(): int(i) for i, n in conn.execute(select(ANALYST.c.id,
                                                                     ANALYST.c.name))}
    for (before,) in conn.execute(select(EVENT.c.before).where(
            EVENT.c.action == "analyst.rename")):  # the names analysts had before
        for key, state in (json.loads(before) if before else {}).items():
            if key.startswith("analyst/") and isinstance(state, dict):
                ids.setdefault(str(state.get("name", "")).casefold(), int(key.split("/")[1]))

    def valid(k: Any, at: datetime) -> bool:
        return bool(k["added_at"] <= at and (k["revoked_at"] is None or k["revoked_at"] >= at))

    problems: list[tuple[int, str]] = []
    q = select(EVENT.c.id, EVENT.c.at, EVENT.c.actor, EVENT.c.hash, EVENT.c.signature,
               EVENT.c.after).order_by(EVENT.c.id)
    for eid, at, actor, chained, sig, after in conn.execute(
            q.execution_options(stream_results=True, yield_per=500)):
        aid = ids.get(str(actor).casefold())
        held = [k for k in keys.values() if k["analyst_id"] == aid and valid(k, at)]
        if sig is None:
            if held:
                problems.append((eid, f"event {eid} by {actor} is not signed, but {actor} had "
                                      f"a key then ({held[0]['fingerprint'][:16]})"))
        else:
            kid, _, b64 = str(sig).partition(":")
            k = keys.get(int(kid)) if kid.isdigit() else None
            if k is None:
                problems.append((eid, f"event {eid} is signed with a key the ledger does not "
                                      "hold"))
            elif k["analyst_id"] != aid:
                problems.append((eid, f"event {eid} by {actor} is signed with another "
                                      "analyst's key"))
            elif not valid(k, at):
                problems.append((eid, f"event {eid} is signed with key {k['fingerprint'][:16]}"
                                      ", which was not valid then"))
            elif not verify(k["public_key"], chained, b64):
                problems.append((eid, f"event {eid} has a signature that does not match it "
                                      f"(key {k['fingerprint'][:16]})"))
            elif k["added_at"] == at and any(o["added_at"] < at for o in held):
                problems.append((eid, f"event {eid}: a new key of {actor} vouched for itself "
                                      "while an earlier key was valid"))
        if after and '"analyst_key/' in after:
            for key in json.loads(after):
                if key.startswith("analyst_key/"):
                    k = keys.get(int(key.split("/")[1]))
                    if k is not None and k["analyst_id"] != aid:
                        problems.append((eid, f"event {eid} by {actor} changed another "
                                              "analyst's key"))
    return problems
