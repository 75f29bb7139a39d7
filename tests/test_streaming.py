"""Listings written a row at a time are the same bytes as the whole-table renderer, and the
status the database works out for a listing is the rule's (``ledger.core.rules``), on both
backends."""

from __future__ import annotations

import io
import json
import random
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import sql

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=40)
ROW = st.fixed_dictionaries({
    "id": st.integers(1, 10**6), "key": st.from_regex(r"[a-z0-9][a-z0-9:-]{0,50}", fullmatch=True),
    "status": st.sampled_from(["open", "due", "true"]), "author": TEXT,
    "due_on": st.dates(), "probability": st.one_of(st.none(), st.floats(0, 1)),
    "statement": TEXT, "tags": st.lists(TEXT, max_size=3), "made_on": st.dates(),
    "known_on": st.one_of(st.none(), st.dates()), "subject": st.one_of(st.none(), TEXT),
    "version": st.integers(1, 9)})


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(ROW, max_size=8), width=st.integers(40, 160),
       fmt=st.sampled_from(["text", "md", "json", "csv"]), held=st.sampled_from([0, 3, 5000]))
def test_streamed_listing_is_the_whole_table(rows, width, fmt, held):
    """Byte for byte what ``render`` writes, whether a table's cells are held in memory or
    moved to a temporary file (``held`` rows kept in memory)."""
    import os

    from ledger.cli import stream
    from ledger.cli.render import render
    from ledger.cli.review import CLAIMS
    from ledger.cli.stream import emit_rows

    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(width)
    kept, stream.HELD = stream.HELD, held
    try:
        whole = render(rows, fmt, CLAIMS) + "\n"
        buf = io.StringIO()
        real, sys.stdout = sys.stdout, buf
        try:
            emit_rows(lambda: iter(rows), fmt, CLAIMS)
        finally:
            sys.stdout = real
    finally:
        stream.HELD = kept
        if old is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = old
    assert buf.getvalue() == whole


def test_the_database_status_is_the_rule(ledger):
    """Random claims (withdrawals timely and late; outcomes; due dates around
    "today" and the overdue boundary) listed by the database, judged by the Python rule."""
    from ledger.core import hindsight, rules

    rng = random.Random(11)
    today = date(2026, 6, 15)
    grace = 2
    expected = {}
    ledger.ok("add", "seed claim", "--key", "k0", "--made", "2015-01-01", "--due", "2016-01-01")
    aid = sql(ledger.target, "SELECT author_id FROM claim")[0][0]
    for i in range(1, 120):
        due = today + timedelta(days=rng.randrange(-60, 30))
        made = due - timedelta(days=200)
        withdrawn_on = withdrawn_at = None
        if rng.random() < 0.3:
            withdrawn_on = made + timedelta(days=rng.randrange(1, 150))
            lag = rng.choice([0, 1, 2, 3, 40, 300])
            withdrawn_at = datetime.combine(withdrawn_on + timedelta(days=lag),
                                            datetime.min.time(), UTC)
        outcome = rng.choice([None, None, "true", "false", "ambiguous", "annulled"])
        at = datetime(2015, 1, 1, tzinfo=UTC).isoformat(sep=" ")
        sql(ledger.target, "INSERT INTO claim (key, statement, author_id, made_on, due_on, "
            "due_basis, recorded_by, recorded_at, version, withdrawn_on, withdrawn_at) VALUES "
            "(:k, 's', :a, :m, :d, 'stated', :a, :at, 1, :won, :wat)",
            k=f"k{i}", a=aid, m=made, d=due, at=at, won=withdrawn_on,
            wat=None if withdrawn_at is None else withdrawn_at.isoformat(sep=" "))
        if outcome:
            cid = sql(ledger.target, "SELECT id FROM claim WHERE key = :k", k=f"k{i}")[0][0]
            sql(ledger.target, "INSERT INTO resolution (claim_id, revision, outcome, known_on, "
                "resolved_by, recorded_at) VALUES (:c, 1, :o, :d, :a, :at)", c=cid, o=outcome,
                d=due, a=aid, at=at)
        standing = hindsight.standing_withdrawal(withdrawn_on, withdrawn_at, due, grace)
        expected[f"k{i}"] = rules.claim_status(withdrawn_on=standing, outcome=outcome,
                                               due_on=due, on=today)
    from ledger.ops.queries import ClaimFilter, claim_rows
    from ledger.store.engine import Store

    store = Store(ledger.target)
    try:
        got = {r["key"]: r["status"] for r in claim_rows(store, ClaimFilter(), on=today)}
        for wanted in ("unresolved", "resolved", "withdrawn", "overdue"):
            picked = {r["key"] for r in claim_rows(store, ClaimFilter(status=wanted), on=today)}
            assert picked == {k for k, s in got.items() if rules.status_matches(wanted, s)}
    finally:
        store.dispose()
    del got["k0"]
    assert got == expected
    assert {"withdrawn", "overdue", "due", "open", "true"} <= set(got.values())


def test_limit_and_count_come_from_the_database(ledger):
    for i in range(7):
        ledger.ok("add", f"Claim {i}", "--key", f"c{i}", "--made", "2015-01-01", "--due",
                  f"2030-01-0{i + 1}")
    res = ledger.ok("list", "--limit", "3", "--format", "json")
    assert [r["key"] for r in json.loads(res.stdout)] == ["c0", "c1", "c2"]
    assert "... and 4 more" in res.stderr
    assert ledger.ok("list", "--limit", "10").stderr == ""


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_empty_listing(ledger, fmt):
    out = ledger.ok("list", "--format", fmt).stdout
    assert out == ("(none)\n" if fmt == "text" else "[]\n")


def test_an_imports_row_fingerprints_live_beside_its_event_and_are_checked(ledger):
    """The rows an import adds are fingerprinted in event_row, covered by the digest the
    event keeps: editing one fingerprint (or the row it describes) is found, by name."""
    ledger.ok("seed")
    ledger.ok("db", "check")
    (count,) = sql(ledger.target, "SELECT COUNT(*) FROM event_row")[0]
    after = json.loads(sql(ledger.target, "SELECT after FROM event WHERE action = 'seed'")[0][0])
    # 1 analyst (who seeds it was registered by db init), 1 source, 10 claims, ...
    assert after["rows"]["count"] == count == 72
    assert not [k for k in after if "/" in k]  # no row inline in the event
    sql(ledger.target, "UPDATE event_row SET fp = 'sha256:0' WHERE k = 'claim/3'")
    res = ledger.run("db", "check")
    assert res.exit_code == 1
    assert "row fingerprints were edited" in res.stdout + res.stderr
    assert "claim 3 differs from event" in res.stdout + res.stderr
    assert "claim 4" not in res.stdout + res.stderr
