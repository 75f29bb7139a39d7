"""Anchored history: a chain head published with a scorecard proves later that nothing before
it was removed or rewritten. Each tampering case is done as a careful attacker would (fixing
the hash chain afterwards, so the plain check cannot see it) and caught by
``db check --anchor`` with a head taken before it, on both backends."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Connection

from helpers import rehash_chain
from ledger.core.jsonenc import canonical
from ledger.store import audit
from ledger.store.engine import Store
from ledger.store.tables import EVENT, EVENT_ROW, TABLES_IN_LOAD_ORDER


def _tamper(target: str, change: Callable[[Connection], None]) -> None:
    store = Store(target)
    try:
        with store.write() as conn:
            change(conn)
    finally:
        store.dispose()


def _last_event(conn: Connection) -> dict:
    return dict(conn.execute(select(EVENT).order_by(EVENT.c.id.desc()).limit(1)).mappings().one())


def delete_newest_claim_and_event(conn: Connection) -> None:
    ev = _last_event(conn)
    cid = ev["claim_id"]
    for table in ("claim_tag", "forecast"):
        conn.execute(text(f"DELETE FROM {table} WHERE claim_id = :c"), {"c": cid})
    conn.execute(text("DELETE FROM claim WHERE id = :c"), {"c": cid})
    conn.execute(delete(EVENT).where(EVENT.c.id == ev["id"]))


def rewrite_newest_event(conn: Connection) -> None:
    ev = _last_event(conn)
    conn.execute(update(EVENT).where(EVENT.c.id == ev["id"]).values(actor="someone else"))
    rehash_chain(conn, ev["id"])


def rehash_whole_chain(conn: Connection) -> None:
    conn.execute(update(EVENT).where(EVENT.c.id == 1).values(actor="the real founder"))
    rehash_chain(conn)


def wipe_everything(conn: Connection) -> None:
    for table in reversed(TABLES_IN_LOAD_ORDER):
        conn.execute(delete(table))


def reorder_event_times(conn: Connection) -> None:
    ev = _last_event(conn)
    earlier = ev["at"] - timedelta(days=400)
    conn.execute(update(EVENT).where(EVENT.c.id == ev["id"]).values(at=earlier))
    rehash_chain(conn, ev["id"])


def edit_source_authors(conn: Connection) -> None:
    """Add a co-author to the seed's source, and rewrite the event that recorded it."""
    new = conn.execute(text("SELECT id FROM analyst WHERE name = 'Hindsight Harry'")).scalar()
    conn.execute(text("INSERT INTO source_author (source_id, analyst_id, position) "
                      "VALUES (1, :a, 1)"), {"a": new})
    state = audit.states(conn, "source", [1])["source/1"]
    for row in conn.execute(select(EVENT.c.id, EVENT.c.after)).all():
        after = json.loads(row.after or "null")
        if isinstance(after, dict) and "source/1" in after:
            after["source/1"] = audit.digest(state)
        elif conn.execute(select(EVENT_ROW.c.fp).where(
                EVENT_ROW.c.event_id == row.id, EVENT_ROW.c.k == "source/1")).first():
            # a bulk event: its row fingerprint, then the digest over them the event keeps
            conn.execute(update(EVENT_ROW).where(EVENT_ROW.c.event_id == row.id,
                                                 EVENT_ROW.c.k == "source/1").values(
                fp=audit.digest(state)))
            after["rows"]["digest"] = audit.rows_digest(conn, row.id)
        else:
            continue
        conn.execute(update(EVENT).where(EVENT.c.id == row.id).values(after=canonical(after)))
        rehash_chain(conn, row.id)
        return
    raise AssertionError("no event recorded source 1")


CASES = [delete_newest_claim_and_event, rewrite_newest_event, rehash_whole_chain,
         wipe_everything, reorder_event_times, edit_source_authors]


@pytest.mark.parametrize("tampering", CASES, ids=lambda f: f.__name__)
def test_every_tampering_case_fails_the_anchor(ledger, tampering):
    ledger.ok("seed")
    ledger.ok("forecast", "xiaomi-us-market-entry", "0.4", "--by", "Hindsight Harry",
              "--on", "2015-03-01")
    ledger.ok("add", "A late claim", "--key", "late-claim", "--author", "Neil Flynn",
              "--made", "2020-01-01", "--due", "2030-01-01", "--tag", "x", "--prob", "0.3")
    head = ledger.ok("db", "anchor").stdout.strip()
    assert re.fullmatch(r"\d+:[0-9a-f]{64}", head)
    ledger.ok("db", "check", "--anchor", head)
    _tamper(ledger.target, tampering)
    res = ledger.run("db", "check", "--anchor", head)
    assert res.exit_code == 1, res.stdout
    assert "no longer holds the anchor" in res.stderr or "event" in res.stderr
    if tampering is not edit_source_authors:
        assert f"no longer holds the anchor {head}" in res.stderr


def test_plain_check_misses_what_the_anchor_catches(ledger):
    """Why anchors exist: deleting the newest claim with its event leaves a valid chain."""
    ledger.ok("seed")
    ledger.ok("add", "A late claim", "--key", "late-claim", "--author", "Neil Flynn",
              "--made", "2020-01-01", "--due", "2030-01-01")
    head = ledger.ok("db", "anchor").stdout.strip()
    _tamper(ledger.target, delete_newest_claim_and_event)
    ledger.ok("db", "check")
    assert ledger.run("db", "check", "--anchor", head).exit_code == 1


def test_event_times_going_backwards_fail_the_plain_check(ledger):
    ledger.ok("seed")
    ledger.ok("add", "A late claim", "--key", "late-claim", "--made", "2020-01-01",
              "--due", "2030-01-01")
    _tamper(ledger.target, reorder_event_times)
    res = ledger.run("db", "check")
    assert res.exit_code == 1 and "event times go backwards" in res.stderr


def test_reordered_source_authors_fail_the_plain_check(ledger):
    ledger.ok("source", "add", "Joint note", "--key", "joint", "--author", "Ann", "--author",
              "Bob")
    ledger.ok("db", "check")
    _tamper(ledger.target, lambda c: c.execute(text(
        "UPDATE source_author SET position = 5 - position")))
    res = ledger.run("db", "check")
    assert res.exit_code == 1 and "source 1 differs" in res.stderr


@pytest.mark.parametrize("fmt", ["json", "text", "md", "csv", "html"])
def test_a_published_report_is_an_anchor(ledger, tmp_path, fmt):
    ledger.ok("seed")
    ledger.ok("add", "A late claim", "--key", "late-claim", "--author", "Neil Flynn",
              "--made", "2020-01-01", "--due", "2030-01-01")
    out = tmp_path / f"published.{fmt}"
    ledger.ok("report", "--format", fmt, "--out", str(out))
    head = ledger.ok("db", "anchor").stdout.strip()
    events, digest = head.split(":")
    if fmt == "json":
        assert json.loads(out.read_text())["chain"] == {"events": int(events), "head": digest}
    else:
        assert head in out.read_text()
    ledger.ok("db", "check", "--anchor", str(out))
    ledger.ok("add", "Later still", "--key", "later", "--made", "2020-01-01", "--due",
              "2030-01-01")
    ledger.ok("db", "check", "--anchor", str(out))  # history grew after it: still holds
    ledger.ok("db", "check", "--anchor", digest)  # a bare hash works too
    _tamper(ledger.target, rehash_whole_chain)
    assert ledger.run("db", "check", "--anchor", str(out)).exit_code == 1


def test_anchor_json_and_bad_anchors(ledger, tmp_path):
    ledger.ok("seed")
    head = ledger.json("db", "anchor")
    assert head["events"] == 2 and re.fullmatch(r"[0-9a-f]{64}", head["head"])
    for bad in ("zzz", "12:abc", str(tmp_path / "missing.json")):
        res = ledger.run("db", "check", "--anchor", bad)
        assert res.exit_code != 0 and res.stderr.count("\n") == 1
        assert "Traceback" not in res.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("no head here")
    res = ledger.run("db", "check", "--anchor", str(empty))
    assert res.exit_code != 0 and "no chain head" in res.stderr


def test_a_report_file_with_a_nonsense_chain_is_refused_in_one_line(ledger, tmp_path):
    ledger.ok("seed")
    for body in ('{"chain": {"events": 1e999, "head": "ab"}}', '{"chain": "x"}', "\x00\x01"):
        f = tmp_path / "r.json"
        f.write_text(body)
        res = ledger.run("db", "check", "--anchor", str(f))
        assert res.exit_code == 2 and res.stderr.count("\n") == 1, res.stderr


def test_a_wiped_ledger_fails_even_the_plain_check(ledger):
    ledger.ok("seed")
    _tamper(ledger.target, wipe_everything)
    res = ledger.run("db", "check")
    assert res.exit_code == 1 and "the history is empty" in res.stderr


def test_a_history_that_does_not_start_with_db_init_fails(ledger):
    ledger.ok("seed")

    def forge(conn: Connection) -> None:
        conn.execute(update(EVENT).where(EVENT.c.id == 1).values(action="claim.add"))
        rehash_chain(conn)

    _tamper(ledger.target, forge)
    res = ledger.run("db", "check")
    assert res.exit_code == 1 and "event 1 is not the ledger's creation" in res.stderr
