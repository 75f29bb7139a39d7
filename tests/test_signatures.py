"""Signed history (issue 25 #3): a change recorded by an analyst with a key carries their
signature; `db check` fails on a forged, missing or misplaced one, with or without an anchor."""

from __future__ import annotations

import os
import stat

import pytest
from sqlalchemy import select, update

from helpers import Ledger, one_line_error


@pytest.fixture
def keyed(ledger, tmp_path, monkeypatch) -> Ledger:
    """alice has a key (made here, in her configuration folder); bob has none."""
    monkeypatch.setenv("LEDGER_CONFIG", str(tmp_path / "home" / "config.toml"))
    ledger.ok("analyst", "add", "alice")
    ledger.ok("analyst", "add", "bob")
    ledger.ok("key", "new", user="alice")
    ledger.ok("add", "A call", "--key", "c", "--due", "2030", "--author", "alice", user="alice")
    return ledger


def _forge(target: str, actor: str, signature: str | None = None) -> int:
    """What anyone who can write the file can do: reword a claim and append a correctly
    hashed event for it, attributed to ``actor``."""
    from ledger.store.audit import Journal, clock
    from ledger.store.engine import Store
    from ledger.store.tables import CLAIM, EVENT

    store = Store(target)
    try:
        with store.write() as conn:
            cid = conn.execute(select(CLAIM.c.id).where(CLAIM.c.key == "c")).scalar_one()
            j = Journal(conn, actor, "claim.edit", "claim", cid, cid)
            j.snapshot("claim", cid)
            conn.execute(update(CLAIM).where(CLAIM.c.id == cid).values(
                statement="A call, reworded by someone else"))
            ev = j.commit(at=clock(conn))
            if signature is not None:
                conn.execute(update(EVENT).where(EVENT.c.id == ev).values(signature=signature))
            return ev
    finally:
        store.dispose()


def test_a_keyed_analysts_changes_are_signed(keyed, tmp_path):
    keys = list((tmp_path / "home" / "keys").iterdir())
    assert len(keys) == 1 and stat.S_IMODE(keys[0].stat().st_mode) == 0o600
    events = keyed.json("log")
    assert [e["signed"] for e in events if e["actor"] == "alice"] == [True, True]
    assert not any(e["signed"] for e in events if e["actor"] != "alice")
    assert "alice ✓" in keyed.ok("log").stdout
    [key] = keyed.json("key", "list")
    assert key["analyst"] == "alice" and key["revoked_at"] is None
    keyed.ok("db", "check")


@pytest.mark.parametrize("signature,needle", [
    (None, "is not signed, but alice had a key"),
    ("1:" + "A" * 88, "signature that does not match"),
    ("99:" + "A" * 88, "a key the ledger does not hold"),
])
def test_a_forged_event_fails_the_check_even_under_an_anchor(keyed, signature, needle):
    anchor = keyed.ok("db", "anchor").stdout.strip()
    ev = _forge(keyed.target, "alice", signature)
    res = keyed.run("db", "check", "--anchor", anchor)
    assert res.exit_code == 1 and f"event {ev}" in res.stdout + res.stderr
    assert needle in res.stdout + res.stderr
    assert "no longer holds the anchor" not in res.stdout + res.stderr  # the anchor held


def test_a_forged_change_by_someone_without_a_key_is_what_anchors_are_for(keyed):
    """bob has no key: a forged event in his name passes the signature check (the README says
    so), as it did before."""
    _forge(keyed.target, "bob")
    keyed.ok("db", "check")


def test_a_key_cannot_be_slipped_in_for_someone_who_has_one(keyed):
    """Registering a new key for alice needs her key: the tool refuses one that is not
    vouched for, and one slipped in behind its back (signing its own registration, and then
    a forged change) is found."""
    from ledger.api import Ledger as Library
    from ledger.store.audit import Journal, clock
    from ledger.store.engine import Store
    from ledger.store.signing import Signer, new_key
    from ledger.store.tables import ANALYST, ANALYST_KEY, insert_id

    mallory = Signer("alice", new_key())
    lib = Library(keyed.target, actor="alice")
    try:
        with pytest.raises(Exception, match="must be vouched for"):
            lib.add_key(mallory)
    finally:
        lib.close()
    store = Store(keyed.target)
    store.signer = mallory
    try:
        with store.write() as conn:
            now = clock(conn)
            me = conn.execute(select(ANALYST.c.id).where(ANALYST.c.name == "alice")).scalar()
            j = Journal(conn, "alice", "key.add", "analyst_key")
            kid = insert_id(conn, ANALYST_KEY.insert().values(
                analyst_id=me, public_key=mallory.public_b64, fingerprint=mallory.fingerprint,
                added_at=now))
            j.touch("analyst_key", kid)
            ev = j.commit(at=now)
    finally:
        store.dispose()
    res = keyed.run("db", "check")
    assert res.exit_code == 1
    assert f"event {ev}: a new key of alice vouched for itself" in res.stdout + res.stderr


def test_signatures_can_be_required_at_entry(keyed, tmp_path):
    keyed.ok("db", "require-signatures", "on", user="alice")
    home = tmp_path / "home" / "keys"
    os.rename(home, tmp_path / "elsewhere")  # alice on another machine, without her key
    before = keyed.snapshot()
    res = keyed.run("forecast", "c", "0.3", user="alice")
    assert res.exit_code == 1 and "requires signatures" in one_line_error(res)
    assert keyed.snapshot() == before
    keyed.ok("forecast", "c", "0.4", user="bob")  # no key: nothing to sign with
    os.rename(tmp_path / "elsewhere", home)
    keyed.ok("forecast", "c", "0.35", user="alice")
    keyed.ok("db", "check")


def test_rotation_and_revocation_keep_old_signatures_valid(keyed, tmp_path):
    keyed.ok("key", "new", "--note", "yearly rotation", user="alice")
    keyed.ok("forecast", "c", "0.6", user="alice")
    keys = keyed.json("key", "list")
    assert [k["revoked_at"] is None for k in keys] == [False, True]
    keyed.ok("db", "check")  # the first key's signatures still hold
    keyed.ok("key", "revoke", "--note", "laptop lost", user="alice")
    keyed.ok("forecast", "c", "0.7", user="alice")  # no valid key: unsigned, and fine
    assert keyed.json("log")[-1]["signed"] is False
    keyed.ok("db", "check")
    # a new key after a revocation vouches for itself again
    keyed.ok("key", "new", user="alice")
    keyed.ok("db", "check")


def test_a_private_key_others_can_read_is_refused(keyed, tmp_path):
    [key] = [p for p in (tmp_path / "home" / "keys").iterdir() if p.suffix == ".pem"]
    key.chmod(0o644)
    res = keyed.run("forecast", "c", "0.3", user="alice")
    assert res.exit_code == 1 and "chmod 600" in one_line_error(res)
