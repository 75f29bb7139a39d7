"""One ledger, many analysts: real processes writing at once, crashes, lost updates,
tampering and backups under load, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import synth
from helpers import Ledger, ledger_columns, ledger_exe, one_line_error, sql, typed_rows

pytestmark = pytest.mark.slow  # real processes; `pytest -m "not slow"` skips them

WORKERS = 8
ROUNDS = 4  # each round: add, forecast, forecast, evidence, resolve = 5 changes


def _worker_script(target: str, w: int, rounds: int = ROUNDS, gate: Path | None = None) -> str:
    """Shell commands for one worker; with ``gate``, it waits after its first round until the
    gate file exists (a condition, so the test controls when the rest is written)."""
    exe = f'"{ledger_exe()}" --db "{target}" --new-analyst'
    lines = ["set -e"]
    for r in range(rounds):
        if r == 1 and gate is not None:
            lines.append(f'while [ ! -e "{gate}" ]; do sleep 0.01; done')
        key = f"w{w}-c{r}"
        lines += [
            f'{exe} --as worker{w} add "Claim {r} by worker {w}" --key {key} '
            f"--made 2015-01-0{1 + r % 9} --due 2015-12-31 --prob 0.6",
            f'{exe} --as worker{w} forecast {key} 0.7 --by peer{w} '
            "--on 2015-03-01",
            f'{exe} --as worker{w} forecast {key} 0.4 --on 2015-06-01',
            f'{exe} --as worker{w} evidence {key} "Seen by {w}" --on 2015-07-01',
            f'{exe} --as worker{w} resolve {key} {"true" if r % 2 else "false"} '
            f"--on 2016-01-0{1 + w % 9}",
        ]
    return "\n".join(lines)


def test_concurrent_writers_lose_nothing(ledger):
    procs = [
        subprocess.Popen(
            ["bash", "-c", _worker_script(ledger.target, w)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WORKERS)
    ]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=False):
        assert p.returncode == 0, err
        assert "locked" not in err.lower()
    claims = ledger.json("list")
    assert len(claims) == WORKERS * ROUNDS
    assert {c["key"] for c in claims} == {
        f"w{w}-c{r}" for w in range(WORKERS) for r in range(ROUNDS)
    }
    st = ledger.json("db", "status")
    assert st["rows"]["forecast"] == WORKERS * ROUNDS * 3
    assert st["rows"]["evidence"] == WORKERS * ROUNDS
    assert st["rows"]["resolution"] == WORKERS * ROUNDS
    # one event per change, plus db.init
    assert st["rows"]["event"] == 1 + WORKERS * ROUNDS * 5
    log = ledger.json("log")
    assert [e["id"] for e in log] == list(range(1, len(log) + 1))
    ledger.ok("db", "check")


def test_a_writer_gives_up_with_who_holds_the_file(tmp_path):
    lg = Ledger(str(tmp_path / "held.db"))
    lg.ok("db", "init")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sqlite3, sys, time\n"
                f"c = sqlite3.connect({lg.target!r}, isolation_level=None)\n"
                "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(20)\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        before = lg.snapshot()
        t0 = time.monotonic()
        res = lg.proc("--wait", "0.5", "add", "X", "--due", "2030")
        waited = time.monotonic() - t0
        assert res.returncode == 75
        msg = one_line_error(res)
        assert f"pid {holder.pid}" in msg and "Try again" in msg and "LEDGER_BUSY_TIMEOUT" in msg
        assert waited < 10
        assert lg.snapshot() == before
    finally:
        holder.kill()
        holder.wait()


def _big_import(tmp_path: Path, claims: int) -> Path:
    path = tmp_path / "big.jsonl"
    synth.make(path, claims=claims, analysts=10, seed=3)
    return path


def _wait_for_write(lg: Ledger, proc: subprocess.Popen, timeout: float = 60) -> bool:
    """True once the process is inside its write transaction."""
    t0 = time.monotonic()
    journal = Path(lg.target + "-journal") if lg.is_sqlite else None
    while time.monotonic() - t0 < timeout and proc.poll() is None:
        if journal is not None:
            if journal.exists() and journal.stat().st_size > 0:
                return True
        else:
            held = sql(
                lg.target, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            )
            if held[0][0]:
                return True
        time.sleep(0.002)
    return False


def test_killed_import_leaves_nothing_half_written(ledger, tmp_path):
    ledger.ok("seed")
    before = typed_rows(ledger.target)
    path = _big_import(tmp_path, 8000)
    proc = subprocess.Popen(
        [ledger_exe(), "--db", ledger.target, "import", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert _wait_for_write(ledger, proc), "the import finished before it could be killed"
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    journal = Path(ledger.target + "-journal")
    if ledger.is_sqlite:
        # left behind: once the import had spilled pages into the file it is a hot journal,
        # which SQLite rolls back on the next open (ledger never deletes it)
        assert journal.exists()
    ledger.ok("db", "check")
    assert typed_rows(ledger.target) == before
    ledger.ok("import", str(path))  # and the same import then goes through
    ledger.ok("db", "check")
    assert not journal.exists()


def test_killed_migration_leaves_the_old_schema(tmp_path):
    lg = Ledger(str(tmp_path / "m.db"))
    lg.ok("db", "init")
    lg.ok("import", str(_big_import(tmp_path, 15000)))
    from ledger.store import admin
    from ledger.store.engine import Store

    store = Store(lg.target)
    admin.downgrade(store, "0001")
    store.dispose()
    old_schema = ledger_columns(lg.target)
    before = typed_rows(lg.target)
    proc = subprocess.Popen(
        [ledger_exe(), "--db", lg.target, "db", "upgrade"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # the upgrade first writes a backup, then migrates: wait for the migration's journal
    bak = None
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < 60:
        baks = list(tmp_path.glob("m.db.0001.*.bak"))
        j = Path(lg.target + "-journal")
        if baks and j.exists() and j.stat().st_size > 0:
            bak = baks[0]
            break
        time.sleep(0.001)
    assert bak is not None, "the upgrade finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(lg.target)  # recovery rolls the hot journal back
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    con.close()
    assert typed_rows(lg.target) == before
    res = lg.run("db", "check")
    assert res.exit_code == 1 and "older than this ledger" in res.stderr
    lg.ok("db", "upgrade")
    lg.ok("db", "check")
    after = typed_rows(lg.target, old_schema)  # the upgrade adds columns, never changes rows
    events = after.pop("event")
    assert after == {t: rows for t, rows in before.items() if t != "event"}
    assert events[:len(before["event"])] == before["event"]
    assert len(events) - len(before["event"]) <= 1  # at most its own db.upgrade event


def _race(lg: Ledger, commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
    """Start the commands at the same moment (each a real CLI process)."""
    procs = [
        subprocess.Popen(
            [ledger_exe(), "--db", lg.target, "--new-analyst", *c],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for c in commands
    ]
    return [
        subprocess.CompletedProcess(p.args, p.wait(timeout=120), *p.communicate()) for p in procs
    ]


def test_two_analysts_changing_one_claim_one_wins(ledger):
    ledger.ok(
        "add",
        "Contested",
        "--key",
        "k",
        "--made",
        "2015-01-01",
        "--due",
        "2015-12-31",
        "--prob",
        "0.5",
    )
    v = str(ledger.json("show", "k")["version"])  # both analysts read the claim
    results = _race(
        ledger,
        [
            ["--as", "alice", "resolve", "k", "true", "--on", "2016-01-01", "--if-version", v],
            ["--as", "bob", "resolve", "k", "false", "--on", "2016-01-02", "--if-version", v],
        ],
    )
    codes = sorted(r.returncode for r in results)
    assert codes == [0, 1]
    loser = next(r for r in results if r.returncode == 1)
    winner = next(r for r in results if r.returncode == 0)
    assert "changed since you read it" in loser.stderr
    who = "alice" if "alice" in winner.args else "bob"
    assert f"by {who}" in loser.stderr
    story = ledger.json("show", "k")
    assert len(story["resolutions"]) == 1 and story["resolutions"][0]["resolved_by"] == who
    # the same for a resolution revised twice at once
    v = str(story["version"])
    results = _race(
        ledger,
        [
            [
                "--as",
                "carol",
                "resolve",
                "k",
                "ambiguous",
                "--on",
                "2016-02-01",
                "--revise",
                "--if-version",
                v,
            ],
            [
                "--as",
                "dave",
                "resolve",
                "k",
                "annulled",
                "--on",
                "2016-02-02",
                "--revise",
                "--if-version",
                v,
            ],
        ],
    )
    assert sorted(r.returncode for r in results) == [0, 1]
    assert "changed since you read it" in next(r for r in results if r.returncode).stderr
    story = ledger.json("show", "k")
    assert [r["current"] for r in story["resolutions"]] == [False, True]
    ledger.ok("db", "check")


TAMPER = [
    ("event", "UPDATE event SET actor = 'mallory' WHERE id = 3", "event 3 was edited"),
    (
        "forecast",
        "UPDATE forecast SET probability = 0.99 WHERE id = 1",
        "forecast 1 differs from event 2",
    ),
    (
        "resolution",
        "UPDATE resolution SET outcome = 'true' WHERE id = 1",
        "resolution 1 differs from event 5",
    ),
    ("deleted event", "DELETE FROM event WHERE id = 4", "event 4 is missing"),
    (
        "added row",
        "INSERT INTO claim_tag (claim_id, tag) VALUES (1, 'sneaky')",
        "claim 1 differs from event 5",
    ),
]


@pytest.mark.parametrize("name,statement,fragment", TAMPER, ids=[t[0] for t in TAMPER])
def test_edits_behind_the_tools_back_are_found(ledger, name, statement, fragment):
    ledger.ok(
        "add",
        "A claim",
        "--key",
        "a",
        "--made",
        "2015-01-01",
        "--due",
        "2015-12-31",
        "--prob",
        "0.6",
    )  # event 2: the claim, its first forecast, the analyst
    ledger.ok("forecast", "a", "0.3", "--on", "2015-02-01", "--by", "bob")
    ledger.ok("evidence", "a", "Seen", "--on", "2015-03-01")
    ledger.ok("resolve", "a", "false", "--on", "2015-12-31")
    ledger.ok("db", "check")
    sql(ledger.target, statement)
    res = ledger.run("db", "check")
    assert res.exit_code == 1
    problems = [ln for ln in res.stderr.splitlines() if ln.startswith("problem:")]
    assert problems and fragment in problems[0], res.stderr


def _events(lg: Ledger) -> int:
    return int(sql(lg.target, "SELECT count(*) FROM event")[0][0])


def test_backup_under_load_is_a_consistent_prefix(ledger, tmp_path):
    gate = tmp_path / "gate"
    procs = [
        subprocess.Popen(
            ["bash", "-c", _worker_script(ledger.target, w, rounds=3, gate=gate)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    deadline = time.monotonic() + 300
    while _events(ledger) < 3 and time.monotonic() < deadline:  # wait for writes, not a time
        assert all(p.poll() is None for p in procs), "a worker stopped early"
        time.sleep(0.01)
    dest = tmp_path / "mid.db"
    ledger.ok("db", "backup", str(dest))  # workers are still writing their first round
    gate.touch()  # the rest of the history is written after the backup, by construction
    for p in procs:
        assert p.wait(timeout=600) == 0, p.stderr.read()
    Ledger(str(dest)).ok("db", "check")
    mid = typed_rows(str(dest))["event"]
    final = typed_rows(ledger.target)["event"]
    assert 1 < len(mid) < len(final)
    assert final[: len(mid)] == mid  # a prefix of the history, event for event


def test_move_a_sqlite_ledger_to_postgresql(tmp_path, pg_database):
    src = Ledger(str(tmp_path / "team.db"))
    src.ok("db", "init")
    src.ok("seed")
    src.ok("forecast", "xiaomi-us-market-entry", "0.4", "--by", "bob", "--on", "2015-03-01")
    res = src.ok("db", "copy", pg_database)
    assert "copied" in res.stderr
    dst = Ledger(pg_database)
    dst.ok("db", "check")
    assert typed_rows(pg_database) == typed_rows(src.target)
    assert dst.ok("export").stdout == src.ok("export").stdout
    # the copy is a working ledger: ids continue, the chain goes on
    dst.ok("forecast", "xiaomi-us-market-entry", "0.3", "--by", "carol", "--on", "2015-04-01")
    dst.ok("db", "check")
    assert (
        json.loads(dst.ok("report", "--format", "json").stdout)["overall"]["counts"]["scored"] >= 4
    )


def test_network_filesystem_detection_reads_the_mount_table(tmp_path, monkeypatch):
    from ledger.store import fs

    kind = fs.filesystem_type(tmp_path)
    if sys.platform.startswith("linux"):
        assert kind and kind not in fs.NETWORK_TYPES
    assert not fs.is_network(tmp_path)
    monkeypatch.setenv("LEDGER_ASSUME_NETWORK_FS", "1")
    assert fs.is_network(tmp_path)


def test_killed_copy_leaves_no_half_made_ledger_and_can_be_retried(tmp_path):
    """Schema and rows go in one transaction: a copy killed mid-way leaves a destination that
    holds nothing (a retry works), never a schema without its rows."""
    src = Ledger(str(tmp_path / "src.db"))
    src.ok("db", "init")
    src.ok("import", str(_big_import(tmp_path, 15000)))
    dest = tmp_path / "dest.db"
    proc = subprocess.Popen([ledger_exe(), "--db", src.target, "db", "copy", str(dest)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    journal = Path(str(dest) + "-journal")
    t0 = time.monotonic()
    while proc.poll() is None and time.monotonic() - t0 < 60:
        if journal.exists() and journal.stat().st_size > 0:
            break
        time.sleep(0.001)
    killed = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if killed:  # recovery rolls the hot journal back: no tables, no rows
        con = sqlite3.connect(dest)
        assert con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
        con.close()
    Ledger(src.target).ok("db", "copy", str(tmp_path / "other.db"))
    if killed:
        src.ok("db", "copy", str(dest))  # the retry is accepted
    dst = Ledger(str(dest))
    dst.ok("db", "check")
    assert dst.ok("export").stdout == src.ok("export").stdout


def test_init_never_deletes_a_path_that_existed(tmp_path):
    res = Ledger("/dev/null").run("db", "init")
    assert res.exit_code == 1 and "not a regular file" in res.stderr
    assert Path("/dev/null").exists()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    Ledger(str(empty)).ok("db", "init")  # an empty file may become a ledger
    Ledger(str(empty)).ok("db", "check")
