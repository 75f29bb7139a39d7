"""Foundation: init, upgrade, status, check, backup, schema-version refusals, pragmas."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from helpers import Ledger, one_line_error, sql, typed_rows
from ledger.errors import StorageBusy
from ledger.store import admin
from ledger.store.engine import Store
from ledger.store.schema import KNOWN_REVISIONS, SCHEMA_HEAD


def test_init_creates_a_ledger_at_head(ledger):
    st = ledger.json("db", "status")
    assert st["schema_revision"] == st["expected_revision"] == SCHEMA_HEAD
    assert st["state"] == "current"
    assert st["rows"]["event"] == 1
    res = ledger.ok("db", "check")
    assert "passed every check" in res.stderr


def test_init_refuses_a_ledger_that_holds_data(ledger):
    before = ledger.snapshot()
    res = ledger.run("db", "init")
    assert res.exit_code == 1
    assert "not empty" in one_line_error(res) or "already holds tables" in one_line_error(res)
    assert ledger.snapshot() == before


def test_init_refuses_a_non_empty_foreign_file(tmp_path):
    p = tmp_path / "notes.txt"
    p.write_text("my notes\n")
    res = Ledger(str(p)).run("db", "init")
    assert res.exit_code == 1
    one_line_error(res)
    assert p.read_text() == "my notes\n"


def test_migrations_produce_exactly_the_models(ledger):
    store = Store(ledger.target)
    try:
        with store.read() as conn:
            assert admin.schema_drift(conn) == []
    finally:
        store.dispose()


def test_single_head_equals_schema_head_constant():
    sd = admin.script_directory()
    assert sd.get_heads() == [SCHEMA_HEAD]
    revisions = [r.revision for r in reversed(list(sd.walk_revisions()))]
    assert tuple(revisions) == KNOWN_REVISIONS


def test_each_revision_upgrades_and_downgrades_cleanly(ledger):
    """The stairway: for every revision from head down, one step down and up again."""
    store = Store(ledger.target)
    try:
        revs = [r.revision for r in reversed(list(admin.script_directory().walk_revisions()))]
        assert revs[-1] == SCHEMA_HEAD
        for rev in reversed(revs):
            down = admin.script_directory().get_revision(rev).down_revision or "base"
            admin.downgrade(store, down)
            admin.migrate_to(store, rev)
            with store.read() as conn:
                assert admin.current_revision(conn) == rev
            admin.downgrade(store, down)
        admin.migrate_to(store, "head")
        with store.read() as conn:
            assert admin.current_revision(conn) == SCHEMA_HEAD
            assert admin.schema_drift(conn) == []
    finally:
        store.dispose()
    # down to base and back up leaves the schema without its history: the only problem left
    res = ledger.run("db", "check")
    assert res.exit_code == 1
    assert res.stderr.splitlines()[:-1] == [
        "problem: audit: the history is empty: every ledger starts with its db.init event "
        "(a ledger left half-made, or wiped)"]


def _downgrade(target: str, rev: str) -> None:
    store = Store(target)
    try:
        admin.downgrade(store, rev)
    finally:
        store.dispose()


def test_older_file_is_refused_then_upgraded_with_a_backup(ledger, tmp_path):
    _downgrade(ledger.target, "0001")
    res = ledger.run("db", "backup", str(tmp_path / "x.db"))
    assert res.exit_code == 3
    msg = one_line_error(res)
    assert "older than this ledger" in msg and "ledger db upgrade" in msg
    res = ledger.ok("db", "upgrade")
    assert "upgraded" in res.stderr and "0001 to " + SCHEMA_HEAD in res.stderr
    if ledger.is_sqlite:
        backups = list(Path(ledger.target).parent.glob("ledger.db.0001.*.bak"))
        assert len(backups) == 1
        bk = Ledger(str(backups[0]))
        assert bk.json("db", "status")["schema_revision"] == "0001"
    ledger.ok("db", "check")
    res = ledger.ok("db", "upgrade")
    assert "nothing to do" in res.stderr


def test_failed_upgrade_leaves_the_file_as_it_was(tmp_path):
    lg = Ledger(str(tmp_path / "l.db"))
    lg.ok("db", "init")
    _downgrade(lg.target, "0001")
    # a dangling foreign key written behind the tool's back: the upgrade's check must refuse
    con = sqlite3.connect(lg.target)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("INSERT INTO claim_tag (claim_id, tag) VALUES (999, 'orphan')")
    con.commit()
    con.close()
    before = Path(lg.target).read_bytes()
    res = lg.run("db", "upgrade")
    assert res.exit_code == 1
    assert "dangling foreign keys" in one_line_error(res)
    assert Path(lg.target).read_bytes() == before
    assert not list(tmp_path.glob("_alembic_tmp*"))


def test_file_stamped_with_unknown_revision_is_newer(ledger, tmp_path):
    sql(ledger.target, "UPDATE alembic_version SET version_num = 'ffffffffffff'")
    before = ledger.snapshot()
    for args in (["db", "backup", str(tmp_path / "x.db")], ["db", "upgrade"]):
        res = ledger.run(*args)
        assert res.exit_code == 3, args
        msg = one_line_error(res)
        assert "newer ledger" in msg and "upgrade ledger" in msg
    res = ledger.run("db", "check")
    assert res.exit_code == 1 and "newer ledger" in res.stderr
    assert ledger.snapshot() == before


def test_non_ledger_sqlite_file_is_refused(tmp_path):
    p = tmp_path / "other.db"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE recipes (name TEXT)")
    con.commit()
    con.close()
    before = p.read_bytes()
    lg = Ledger(str(p))
    for args in (["db", "backup", str(tmp_path / "x.db")], ["db", "upgrade"], ["db", "copy",
                 str(tmp_path / "y.db")]):
        res = lg.run(*args)
        assert res.exit_code == 3, (args, res.stderr)
        assert "is not a ledger" in one_line_error(res)
    assert p.read_bytes() == before


def test_non_database_file_is_refused(tmp_path):
    p = tmp_path / "photo.jpg"
    p.write_bytes(b"\xff\xd8\xff\xe0" + b"not a database" * 100)
    before = p.read_bytes()
    lg = Ledger(str(p))
    for args in (["db", "status"], ["db", "check"], ["db", "upgrade"]):
        res = lg.run(*args)
        assert res.exit_code == 3, args
        assert "not a SQLite database" in one_line_error(res)
    assert p.read_bytes() == before


def test_missing_file_is_not_created(tmp_path):
    res = Ledger(str(tmp_path / "nope.db")).run("db", "status")
    assert res.exit_code == 1
    assert "ledger db init" in one_line_error(res)
    assert not (tmp_path / "nope.db").exists()


def test_backup_passes_check_and_never_overwrites(ledger, tmp_path):
    dest = tmp_path / "backup.db"
    ledger.ok("db", "backup", str(dest))
    Ledger(str(dest)).ok("db", "check")
    assert typed_rows(str(dest)) == typed_rows(ledger.target)
    dest_bytes = dest.read_bytes()
    res = ledger.run("db", "backup", str(dest))
    assert res.exit_code == 1
    assert "never overwrites" in one_line_error(res)
    assert dest.read_bytes() == dest_bytes


def test_copy_to_a_new_ledger_keeps_everything(ledger, tmp_path):
    dest = tmp_path / "copy.db"
    ledger.ok("db", "copy", str(dest))
    Ledger(str(dest)).ok("db", "check")
    assert typed_rows(str(dest)) == typed_rows(ledger.target)


def test_sqlite_connection_pragmas(tmp_path):
    lg = Ledger(str(tmp_path / "p.db"))
    lg.ok("db", "init")
    store = Store(lg.target, wait=7)
    try:
        with store.read() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 7000
        assert store.journal_mode() == "delete"
        con = sqlite3.connect(lg.target)
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x4C454447
        con.close()
    finally:
        store.dispose()


def _hold_write_lock(path: str, seconds: float, started: threading.Event) -> None:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    started.set()
    time.sleep(seconds)
    con.execute("COMMIT")
    con.close()


def test_writer_waits_for_the_lock_and_reader_does_not_take_it(tmp_path):
    lg = Ledger(str(tmp_path / "w.db"))
    lg.ok("db", "init")
    started = threading.Event()
    t = threading.Thread(target=_hold_write_lock, args=(lg.target, 0.6, started))
    t.start()
    started.wait(5)
    store = Store(lg.target, wait=10)
    try:
        with store.read() as conn:  # a reader is not blocked by a RESERVED lock
            assert conn.exec_driver_sql("SELECT count(*) FROM event").scalar() == 1
        t0 = time.monotonic()
        with store.write() as conn:
            conn.exec_driver_sql("SELECT 1")
        waited = time.monotonic() - t0
    finally:
        t.join()
        store.dispose()
    assert waited >= 0.3  # it waited for the other writer instead of failing


def test_writer_gives_up_after_its_budget_with_one_sentence(tmp_path):
    lg = Ledger(str(tmp_path / "b.db"))
    lg.ok("db", "init")
    started = threading.Event()
    t = threading.Thread(target=_hold_write_lock, args=(lg.target, 1.5, started))
    t.start()
    started.wait(5)
    store = Store(lg.target, wait=0.2)
    try:
        with pytest.raises(StorageBusy) as exc, store.write():
            pass
    finally:
        t.join()
        store.dispose()
    assert "stayed locked by another writer" in str(exc.value)
    assert "LEDGER_BUSY_TIMEOUT" in str(exc.value)


def test_wal_on_request_and_refused_on_a_network_share(tmp_path, monkeypatch):
    lg = Ledger(str(tmp_path / "j.db"))
    lg.ok("db", "init")
    monkeypatch.setenv("LEDGER_ASSUME_NETWORK_FS", "1")
    res = lg.run("db", "journal", "wal")
    assert res.exit_code == 1
    assert "network filesystem" in one_line_error(res)
    monkeypatch.delenv("LEDGER_ASSUME_NETWORK_FS")
    lg.ok("db", "journal", "wal")
    assert lg.json("db", "status")["journal_mode"] == "wal"
    monkeypatch.setenv("LEDGER_ASSUME_NETWORK_FS", "1")
    res = lg.run("db", "backup", str(tmp_path / "x.db"))
    assert res.exit_code == 1
    assert "unsafe on a network share" in one_line_error(res)
    monkeypatch.delenv("LEDGER_ASSUME_NETWORK_FS")
    lg.ok("db", "journal", "delete")


def test_network_share_warning(tmp_path, monkeypatch):
    lg = Ledger(str(tmp_path / "n.db"))
    lg.ok("db", "init")
    monkeypatch.setenv("LEDGER_ASSUME_NETWORK_FS", "1")
    monkeypatch.delenv("LEDGER_QUIET_NETWORK_WARNING")
    res = lg.ok("db", "backup", str(tmp_path / "n2.db"))
    assert "network filesystem" in res.stderr


def test_utc_datetime_round_trips_the_same_on_both_backends(ledger):
    from sqlalchemy import select

    from ledger.store.tables import ANALYST as t

    store = Store(ledger.target)
    ny = timezone(timedelta(hours=-5))
    try:
        with store.write() as conn:
            at = datetime(2015, 12, 31, 18, tzinfo=ny)
            conn.execute(t.insert().values(name="tz", created_at=at))
        with store.read() as conn:
            got = conn.execute(select(t.c.created_at).where(t.c.name == "tz")).scalar_one()
            n = conn.execute(
                select(t.c.id).where(t.c.created_at == datetime(2015, 12, 31, 23, tzinfo=UTC))
            ).all()
        assert got == datetime(2015, 12, 31, 23, tzinfo=UTC)
        assert got.tzinfo is not None and got.utcoffset() == timedelta(0)
        assert len(n) == 1
        from sqlalchemy.exc import StatementError

        with pytest.raises(StatementError) as exc, store.write() as conn:
            conn.execute(t.insert().values(name="naive", created_at=datetime(2015, 1, 1)))
        assert isinstance(exc.value.orig, ValueError) and "naive" in str(exc.value)
    finally:
        store.dispose()


def test_constraints_live_in_the_database(ledger):
    """Rules hold even for a program that bypasses the tool."""
    import sqlalchemy.exc

    bad = [
        "INSERT INTO forecast (claim_id, analyst_id, made_on, probability, given, mapped, vague, "
        "recorded_by, recorded_at) VALUES (12345, 1, '2015-01-01', 0.5, '0.5', false, false, 1, "
        "'2015-01-01 00:00:00')",
    ]
    sql(ledger.target, "INSERT INTO analyst (name, created_at) VALUES ('a', '2015-01-01 00:00:00')")
    claim = (
        "INSERT INTO claim (key, statement, author_id, made_on, due_on, due_basis, "
        "recorded_by, recorded_at, version) VALUES ('{key}', 's', 1, '{made}', '{due}', "
        "'{basis}', 1, '2015-01-01 00:00:00', 1)"
    )
    bad += [
        claim.format(key="k1", made="2015-02-01", due="2015-01-01", basis="stated"),
        claim.format(key="k2", made="2015-01-01", due="2015-12-31", basis="guessed"),
    ]
    sql(ledger.target, claim.format(key="ok", made="2015-01-01", due="2015-12-31", basis="stated"))
    cid = sql(ledger.target, "SELECT id FROM claim WHERE key='ok'")[0][0]
    bad += [
        claim.format(key="ok", made="2015-01-01", due="2015-12-31", basis="stated"),
        f"INSERT INTO forecast (claim_id, analyst_id, made_on, probability, given, mapped, vague, "
        f"recorded_by, recorded_at) VALUES ({cid}, 1, '2015-01-01', 1.5, '1.5', false, false, 1, "
        "'2015-01-01 00:00:00')",
        f"INSERT INTO resolution (claim_id, revision, outcome, known_on, resolved_by, recorded_at) "
        f"VALUES ({cid}, 1, 'maybe', '2015-06-01', 1, '2015-06-01 00:00:00')",
    ]
    for statement in bad:
        with pytest.raises(sqlalchemy.exc.IntegrityError):
            _sql_fk(ledger.target, statement)


def _sql_fk(target: str, statement: str) -> None:
    """Like a careful foreign program: SQLite with foreign keys switched on."""
    if "://" in target:
        sql(target, statement)
        return
    from sqlalchemy import create_engine, event, text

    eng = create_engine(f"sqlite:///{target}")
    event.listen(eng, "connect", lambda c, _r: c.execute("PRAGMA foreign_keys=ON"))
    try:
        with eng.begin() as conn:
            conn.execute(text(statement))
    finally:
        eng.dispose()


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["db", "--help"]])
def test_light_commands_do_not_import_sqlalchemy_or_alembic(args):
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "ledger", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    imported = {line.split("|")[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    assert "typer" in imported  # the measurement itself works
    assert not {
        m
        for m in imported
        if m.split(".")[0] in ("sqlalchemy", "alembic", "pendulum", "matplotlib")
    }


COMMANDS = [
    ["list"],
    ["show", "x"],
    ["add", "X", "--due", "2030"],
    ["forecast", "x", "0.5"],
    ["resolve", "x", "true", "--on", "2016-01-01"],
    ["report"],
    ["export"],
    ["import", "f.jsonl"],
    ["seed"],
    ["log"],
    ["due"],
    ["source", "list"],
]


@pytest.mark.parametrize(
    "state,fragment",
    [
        ("older", "older than this ledger"),
        ("newer", "newer ledger"),
        ("foreign", "is not a ledger"),
    ],
)
def test_every_command_checks_the_schema_first(tmp_path, state, fragment):
    p = tmp_path / "l.db"
    if state == "foreign":
        con = sqlite3.connect(p)
        con.execute("CREATE TABLE notes (t TEXT)")
        con.commit()
        con.close()
    else:
        Ledger(str(p)).ok("db", "init")
        if state == "older":
            _downgrade(str(p), "0001")
        else:
            sql(str(p), "UPDATE alembic_version SET version_num = 'ffffffffffff'")
    (tmp_path / "f.jsonl").write_text('{"type":"ledger","format":1}\n')
    lg = Ledger(str(p))
    before = lg.snapshot()
    for args in COMMANDS:
        res = lg.run(*args)
        assert res.exit_code == 3, (args, res.stderr)
        assert fragment in one_line_error(res), args
    assert lg.snapshot() == before


def test_copy_refuses_a_ledger_that_holds_data(ledger, tmp_path):
    src = Ledger(str(tmp_path / "src.db"))
    src.ok("db", "init")
    before = ledger.snapshot()
    res = src.run("db", "copy", ledger.target)
    assert res.exit_code == 1
    msg = one_line_error(res)
    assert "not empty" in msg or "already holds tables" in msg
    assert ledger.snapshot() == before
