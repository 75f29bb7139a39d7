"""The hostile review's reproductions (../shared/reference/hardening.md, classes 2, 4 and 5),
each held as a promise: the documented exit code, one line on stderr, no traceback, and the
ledger exactly as it was."""

from __future__ import annotations

import json
import subprocess

import pytest

from helpers import ledger_exe


def refused(ledger, *args, code=None, env=None, user=None):
    before = ledger.snapshot()
    res = ledger.run(*args, env=env, user=user)
    assert res.exit_code != 0 and res.exit_code != 70, (args, res.exit_code, res.stderr)
    if code is not None:
        assert res.exit_code == code, (args, res.exit_code, res.stderr)
    lines = res.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert "Traceback" not in res.stderr
    assert ledger.snapshot() == before
    return lines[0]


@pytest.fixture
def seeded(ledger):
    ledger.ok("seed")
    return ledger


def test_values_a_validator_used_to_let_through(seeded):
    assert "ids go up to" in refused(seeded, "forecast", "99999999999999999999", "0.5", code=1)
    refused(seeded, "log", "--limit", "99999999999999999999", code=2)
    assert "no claim" in refused(seeded, "show", "²", code=1)
    assert "out of range" in refused(seeded, "source", "add", "X", "--published",
                                     "0001-01-01T00:00+14:00", code=2)
    assert "--wait" in refused(seeded, "--wait", "inf", "list", code=2)
    assert "--wait" in refused(seeded, "--wait", "nan", "list", code=2)
    assert "LEDGER_BUSY_TIMEOUT" in refused(seeded, "list", env={"LEDGER_BUSY_TIMEOUT": "nan"},
                                            code=2)
    assert "must name someone" in refused(seeded, "add", "x", "--made", "2015-01-01", "--due",
                                          "2015-02-01", user="   ", code=2)


@pytest.mark.parametrize("url", ["postgresql+psycopg://postgres:pw@127.0.0.1:abc/test",
                                 "postgresql+asyncpg://postgres@127.0.0.1/test"])
def test_a_bad_database_url_is_a_usage_error(url):
    from helpers import Ledger

    res = Ledger(url).run("list")
    assert res.exit_code == 2 and res.stderr.count("\n") == 1, res.stderr
    assert "cannot use the database URL" in res.stderr and "pw" not in res.stderr


def test_limits_are_the_same_on_both_backends(seeded):
    """SQLite has no length limits: the tool checks before any database sees the value."""
    assert "outlet is longer than 300" in refused(seeded, "source", "add", "Y", "--outlet",
                                                  "o" * 301, code=2)
    assert "subject is longer than 200" in refused(seeded, "add", "x", "--made", "2015-01-01",
                                                   "--due", "2015-02-01", "--subject", "s" * 201)
    seeded.ok("source", "add", "Y", "--outlet", "o" * 300)


@pytest.mark.parametrize(("name", "why"), [("a\\u0000b", "NUL"), ("a\\ud800b", "surrogate"),
                                           ("   ", "blank"), ("n" * 201, "longer than 200")])
def test_import_refuses_text_no_database_can_store(seeded, tmp_path, name, why):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"format":1,"type":"ledger"}\n{"type":"analyst","name":"' + name
                 + '","affiliation":null,"created_at":"2026-01-01T00:00:00+00:00"}\n')
    assert why in refused(seeded, "import", str(f), code=1)


def test_unreadable_inputs(seeded, tmp_path):
    assert "not a regular file" in refused(seeded, "import", "/dev/zero", code=1)
    deep = tmp_path / "deep.jsonl"
    deep.write_text("[" * 200_000 + "\n")
    assert "nested too deeply" in refused(seeded, "import", str(deep), code=1)
    for body, why in [('phrases = "x"\n', "must be a table"),
                      ('[phrases.x]\np = 0.5\naliases = [1, 2]\n', "aliases"),
                      ('[phrases.x]\np = 0.5\naliases = 5\n', "aliases")]:
        table = tmp_path / "p.toml"
        table.write_text(body)
        assert why in refused(seeded, "phrases", env={"LEDGER_PHRASES": str(table)}, code=1)
        assert why in refused(seeded, "forecast", "xiaomi-us-market-entry", "likely",
                              env={"LEDGER_PHRASES": str(table)})
    table.write_bytes(b"\xff\xfe\x00")
    assert "not UTF-8" in refused(seeded, "phrases", env={"LEDGER_PHRASES": str(table)})


def test_a_seed_file_with_a_byte_order_mark_is_read(ledger, tmp_path):
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + (root / "seeds" / "xiaomi-2015-02-20.toml").read_bytes())
    assert "10 claim" in ledger.ok("seed", str(bom)).stderr


def test_stdout_on_a_full_disk_is_one_line(tmp_path):
    db = tmp_path / "l.db"
    subprocess.run([ledger_exe(), "--db", str(db), "demo"], capture_output=True, check=True)
    with open("/dev/full", "w") as full:
        res = subprocess.run([ledger_exe(), "--db", str(db), "export"], stdout=full,
                             stderr=subprocess.PIPE, text=True)
    assert res.returncode == 1 and res.stderr.count("\n") == 1, res.stderr
    assert "No space left on device" in res.stderr


def test_tampered_rows_are_reported_not_crashed_on(ledger, tmp_path):
    if not ledger.is_sqlite:
        pytest.skip("writes an impossible date straight into the SQLite file")
    import sqlite3

    ledger.ok("seed")
    con = sqlite3.connect(ledger.target)
    con.execute("UPDATE claim SET made_on = '2015-13-45' WHERE id = 1")
    con.execute("UPDATE event SET after = '\"x\"' WHERE id = 2")
    con.commit()
    con.close()
    res = ledger.run("db", "check")
    assert res.exit_code == 1 and "cannot be read" in res.stderr
    assert "unreadable content" in res.stderr and "Traceback" not in res.stderr
    res = ledger.run("list")
    assert res.exit_code == 1 and "cannot read" in res.stderr and res.stderr.count("\n") == 1


EVIL = '<img src=x onerror="document.body.dataset.pwned=1">'


def test_markdown_outputs_escape_html_in_user_strings(ledger):
    ledger.ok("source", "add", "Col", "--key", "col", "--published", "2015-01-01", "--author",
              EVIL)
    ledger.ok("add", f"S {EVIL} | pipe", "--key", "c1", "--author", EVIL, "--source", "col",
              "--made", "2015-01-01", "--due", "2015-12-31", "--prob", "0.7", "--tag", "t")
    ledger.ok("resolve", "c1", "true", "--on", "2015-12-31")
    for args in (["report", "--format", "md"], ["show", "c1", "--format", "md"],
                 ["list", "--format", "md"]):
        out = ledger.ok(*args).stdout
        assert "<img" not in out and "&lt;img" in out, args
    assert "\\|" in ledger.ok("list", "--format", "md").stdout  # a pipe cannot end a cell


def test_csv_outputs_neutralise_formulas_and_jsonl_stays_exact(ledger, tmp_path):
    ledger.ok("add", "=HYPERLINK(\"http://x\")", "--key", "c1", "--author", "@bob",
              "--made", "2015-01-01", "--due", "2015-12-31", "--subject", "-2+3")
    lst = ledger.ok("list", "--format", "csv").stdout
    assert "'=HYPERLINK" in lst and "'@bob" in lst and "'-2+3" in lst
    show = ledger.ok("show", "c1", "--format", "csv").stdout
    assert "'=HYPERLINK" in show
    exported = ledger.ok("export", "--format", "csv").stdout
    assert "'=HYPERLINK" in exported
    report = ledger.ok("report", "--format", "csv").stdout
    assert "\n'@bob," in report
    jsonl = [json.loads(x) for x in ledger.ok("export").stdout.splitlines()]
    claim = next(r for r in jsonl if r["type"] == "claim")
    assert claim["statement"] == "=HYPERLINK(\"http://x\")" and claim["author"] == "@bob"


def test_text_output_shows_control_characters_escaped(ledger):
    ledger.ok("add", "Title \x1b]0;pwned\x07 and \u202eevil", "--key", "c1",
              "--author", "Ann \x1b[31mred", "--made", "2015-01-01", "--due", "2015-12-31")
    for args in (["show", "c1"], ["list"], ["report"], ["log"]):
        out = ledger.ok(*args).stdout
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out, args
    shown = ledger.ok("show", "c1").stdout
    assert "\\x1b]0;pwned\\x07" in shown and "\\u202e" in shown
    assert "\\x1b[31mred" in ledger.ok("report").stdout
    story = ledger.json("show", "c1")
    assert story["statement"] == "Title \x1b]0;pwned\x07 and \u202eevil"  # data stays exact


def test_html_charts_take_a_dollar_in_a_name_as_text(ledger, tmp_path):
    ledger.ok("source", "add", "Col", "--key", "col", "--published", "2015-01-01",
              "--author", "$a$ b")
    for i in range(2):
        ledger.ok("add", f"c{i}", "--key", f"c{i}", "--author", "$a$ b", "--source", "col",
                  "--made", "2015-01-01", "--due", "2015-02-01", "--prob", "0.3")
        ledger.ok("resolve", f"c{i}", "false", "--on", "2015-02-01")
    out = tmp_path / "r.html"
    ledger.ok("report", "--format", "html", "--out", str(out))
    assert "$a$ b" in out.read_text()


def test_identical_forecasts_and_evidence_survive_a_round_trip(ledger, tmp_path):
    """Two identical entries (same day, value and recorded time, as a generated or imported
    ledger can hold) are two events: import keeps both, and importing again adds nothing."""
    ledger.ok("add", "A claim", "--key", "c1", "--made", "2015-01-01", "--due", "2030-01-01")
    ledger.ok("forecast", "c1", "0.6", "--on", "2015-02-01")
    ledger.ok("evidence", "c1", "Same note", "--on", "2015-02-01")
    lines = ledger.ok("export").stdout.splitlines()
    doubled = []
    for line in lines:
        doubled.append(line)
        rec = json.loads(line)
        if rec["type"] in ("forecast", "evidence"):
            doubled.append(line.replace('#f1"', '#f2"').replace('#e1"', '#e2"'))
    path = tmp_path / "twice.jsonl"
    path.write_text("\n".join(doubled) + "\n")
    from helpers import Ledger

    other = Ledger(str(tmp_path / "copy.db"))
    other.ok("db", "init")
    other.ok("import", str(path))
    story = other.json("show", "c1")
    assert len(story["forecasts"]) == 2 and len(story["evidence"]) == 2
    exported = other.ok("export").stdout
    assert exported.count('"type":"forecast"') == 2 and exported.count('"type":"evidence"') == 2
    assert "nothing new" in other.ok("import", str(path)).stderr
    assert other.ok("export").stdout == exported
    third = Ledger(str(tmp_path / "third.db"))
    third.ok("db", "init")
    (tmp_path / "again.jsonl").write_text(exported)
    third.ok("import", str(tmp_path / "again.jsonl"))
    assert third.ok("export").stdout == exported


def test_messages_point_at_the_real_cause(seeded, tmp_path):
    for name in ("x.db-journal", "x.db-wal", "x.db-shm"):
        msg = refused(seeded, "db", "backup", str(tmp_path / name), code=1)
        assert "named like a SQLite journal" in msg
        assert "named like a SQLite journal" in refused(seeded, "report", "--out",
                                                        str(tmp_path / name), code=1)
    if seeded.is_sqlite:  # a destination that cannot be written is named as the culprit
        res = subprocess.run(["sh", "-c", f"ulimit -f 8; {ledger_exe()} --db {seeded.target} "
                              f"db backup {tmp_path / 'small.db'}"], capture_output=True,
                             text=True)
        assert res.returncode == 1 and "cannot write the backup" in res.stderr
        assert str(tmp_path / "small.db") in res.stderr and res.stderr.count("\n") == 1


def test_another_applications_database_is_not_a_ledger(tmp_path):
    import sqlite3

    from helpers import Ledger

    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.executescript("CREATE TABLE alembic_version (version_num VARCHAR(32));"
                      "INSERT INTO alembic_version VALUES ('0002');"
                      "CREATE TABLE widgets (id INTEGER);")
    con.close()
    lg = Ledger(str(path))
    for args in (["list"], ["db", "upgrade"]):
        res = lg.run(*args)
        assert res.exit_code == 3 and "not a ledger" in res.stderr, (args, res.stderr)
    res = lg.run("db", "check")  # check names every problem, exit 1
    assert res.exit_code == 1 and "not a ledger" in res.stderr
    assert not list(tmp_path.glob("other.db.*.bak"))


def test_edit_cannot_move_the_due_date_before_a_withdrawal(ledger):
    ledger.ok("add", "w", "--key", "w", "--made", "2025-01-01", "--due", "2030-01-01")
    ledger.ok("withdraw", "w", "--on", "2025-06-01")
    assert "not yet due can be withdrawn" in refused(ledger, "edit", "w", "--due", "2025-03-01",
                                                     code=1)


def test_import_refuses_two_resolutions_with_one_revision(ledger, tmp_path):
    ledger.ok("add", "c", "--key", "c1", "--made", "2015-01-01", "--due", "2015-12-31")
    ledger.ok("resolve", "c1", "true", "--on", "2015-12-31")
    lines = ledger.ok("export").stdout.splitlines()
    res = next(x for x in lines if '"type":"resolution"' in x)
    other = json.loads(res)
    other["outcome"], other["superseded_at"] = "false", other["recorded_at"]
    f = tmp_path / "dup.jsonl"
    f.write_text("\n".join([*lines, json.dumps(other)]) + "\n")
    from helpers import Ledger

    fresh = Ledger(str(tmp_path / "fresh.db"))
    fresh.ok("db", "init")
    assert "two resolutions with revision 1" in refused(fresh, "import", str(f), code=1)


def test_import_refuses_a_record_that_names_a_field_twice(seeded, tmp_path):
    f = tmp_path / "dup.jsonl"
    f.write_text('{"format":1,"type":"ledger"}\n{"type":"analyst","name":"a","name":"b",'
                 '"affiliation":null,"created_at":"2026-01-01T00:00:00+00:00"}\n')
    assert "appears twice" in refused(seeded, "import", str(f), code=1)


def test_a_seed_time_pushed_out_of_range_by_its_zone_is_refused(ledger, tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('recorded_at = 0001-01-01T00:00:00+14:00\nrecorded_by = "x"\n'
                 '[[analysts]]\nname = "ann"\n')
    assert "out of range" in refused(ledger, "seed", str(f), code=1)


def test_damaged_files_end_in_one_line_never_an_internal_error(tmp_path):
    """Byte flips in random pages (a fixed seed): every command either works on an intact
    copy of the data or refuses in one line; `db check` never says ok on changed data."""
    import random
    import sqlite3

    from helpers import Ledger

    base = tmp_path / "base.db"
    Ledger(str(base)).ok("db", "init")
    Ledger(str(base)).ok("seed")
    con = sqlite3.connect(base)
    dump = list(con.iterdump())
    con.close()
    rng = random.Random(5)
    data = base.read_bytes()
    for n in range(8):
        flipped = bytearray(data)
        for _ in range(20):
            flipped[rng.randrange(100, len(data))] ^= 0xFF
        path = tmp_path / f"flip{n}.db"
        path.write_bytes(bytes(flipped))
        lg = Ledger(str(path))
        for args in (["db", "check"], ["list"], ["report"]):
            res = lg.run(*args)
            assert res.exit_code in (0, 1, 3), (n, args, res.exit_code, res.stderr)
            assert "internal error" not in res.stderr and "Traceback" not in res.stderr
            if res.exit_code and args != ["db", "check"]:
                assert res.stderr.count("\n") == 1, (n, args, res.stderr)
            if args == ["db", "check"] and res.exit_code == 0:
                con = sqlite3.connect(path)
                assert list(con.iterdump()) == dump, n
                con.close()


def test_text_that_is_not_utf8_in_a_row_is_one_line(ledger):
    if not ledger.is_sqlite:
        pytest.skip("written straight into the SQLite file")
    import sqlite3

    ledger.ok("seed")
    con = sqlite3.connect(ledger.target)
    con.execute("UPDATE claim SET statement = CAST(X'ff41' AS TEXT) WHERE id = 1")
    con.commit()
    con.close()
    for args in (["list"], ["db", "check"], ["export"]):
        res = ledger.run(*args)
        assert res.exit_code == 1 and "UTF-8" in res.stderr and res.stderr.count("\n") == 1


def test_an_output_file_beyond_the_size_limit_leaves_nothing_behind(tmp_path):
    db = tmp_path / "l.db"
    subprocess.run([ledger_exe(), "--db", str(db), "demo"], capture_output=True, check=True)
    out = tmp_path / "out" / "card.md"
    out.parent.mkdir()
    res = subprocess.run(["sh", "-c", f"ulimit -f 1; {ledger_exe()} --db {db} report "
                          f"--format md --out {out}"], capture_output=True, text=True)
    assert res.returncode == 1 and res.stderr.count("\n") == 1, res.stderr
    assert "File too large" in res.stderr
    assert list(out.parent.iterdir()) == []  # no temp file, no half-written card


@pytest.mark.parametrize("command", [["report", "--format", "md"], ["export"]])
def test_outputs_never_replace_a_file_or_follow_a_link_unasked(seeded, tmp_path, command):
    if seeded.is_sqlite:  # the ledger itself, typed by mistake
        assert "already exists" in refused(seeded, *command, "--out", seeded.target, code=1)
    folder = tmp_path / "shared"
    folder.mkdir()
    kept = folder / "kept.txt"
    kept.write_text("precious\n")
    assert "already exists" in refused(seeded, *command, "--out", str(kept), code=1)
    assert kept.read_text() == "precious\n"
    victim = tmp_path / "victim.txt"
    victim.write_text("secret\n")
    link = folder / "card.out"
    link.symlink_to(victim)
    for force in ([], ["--force"]):  # a link is never written through, even when forced
        assert "symbolic link" in refused(seeded, *command, "--out", str(link), *force)
    assert victim.read_text() == "secret\n" and link.is_symlink()
    seeded.ok(*command, "--out", str(kept), "--force")
    assert kept.read_text() != "precious\n"
    assert sorted(p.name for p in folder.iterdir()) == ["card.out", "kept.txt"]  # no temp
