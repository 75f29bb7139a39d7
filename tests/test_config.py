"""Configuration files (yours and the team's ledger.toml) and one time zone for "today"."""

from __future__ import annotations

import pytest

from helpers import Ledger, one_line_error


@pytest.fixture
def mine(tmp_path, monkeypatch):
    path = tmp_path / "home" / "config.toml"
    monkeypatch.setenv("LEDGER_CONFIG", str(path))
    return path


def test_settings_come_from_your_file_then_the_team_file_and_the_environment_wins(
        ledger, mine, monkeypatch, tmp_path):
    """The team's settings live in the ledger itself (both backends, audited); a SQLite
    ledger's ledger.toml is read below them."""
    ledger.ok("config", "set", "timezone", "Asia/Tokyo")
    ledger.ok("config", "set", "smtp.host", "smtp.team.example", "--team")
    ledger.ok("config", "set", "timezone", "Europe/Paris", "--team")
    assert 'timezone = "Asia/Tokyo"' in mine.read_text()
    assert [e for e in ledger.json("log") if e["action"] == "setting.set"]
    got = {r["key"]: r for r in ledger.json("config", "get")}
    assert got["timezone"]["value"] == "UTC" and got["timezone"]["from"] == "environment"
    monkeypatch.delenv("LEDGER_TZ")
    got = {r["key"]: r for r in ledger.json("config", "get")}
    assert got["timezone"]["value"] == "Asia/Tokyo" and got["timezone"]["from"] == str(mine)
    assert got["smtp.host"]["value"] == "smtp.team.example"
    assert got["smtp.host"]["from"].startswith("the ledger")
    ledger.ok("config", "set", "timezone")  # removed from your file: the team's applies
    got = {r["key"]: r for r in ledger.json("config", "get")}
    assert got["timezone"]["value"] == "Europe/Paris"
    if ledger.is_sqlite:  # ledger.toml beside the file: below what the ledger holds
        (tmp_path / "ledger.toml").write_text('timezone = "Asia/Kolkata"\n'
                                              '[smtp]\nport = 2525\n')
        got = {r["key"]: r for r in ledger.json("config", "get")}
        assert got["timezone"]["value"] == "Europe/Paris"
        assert got["smtp.port"]["value"] == "2525"
        assert got["smtp.port"]["from"] == str(tmp_path / "ledger.toml")
    for personal in ("user", "pager", "smtp.password", "smtp.user", "db"):
        res = ledger.run("config", "set", personal, "mallory", "--team")
        assert res.exit_code == 2 and "personal" in one_line_error(res), personal
    res = ledger.run("config", "set", "colour", "blue")
    assert res.exit_code == 2 and "unknown setting" in one_line_error(res)
    res = ledger.run("config", "set", "timezone", "Mars/Olympus")
    assert res.exit_code == 2 and "not a time zone" in one_line_error(res)
    res = ledger.run("config", "set", "smtp.from", "a@b\r\nBcc: c@d", "--team")
    assert res.exit_code == 2 and "one line" in one_line_error(res)


def test_your_file_names_the_ledger_and_who_you_are(tmp_path, mine, monkeypatch):
    monkeypatch.delenv("LEDGER_DB")
    monkeypatch.delenv("LEDGER_USER")
    mine.parent.mkdir(parents=True)
    mine.write_text('db = "ledgers/team.db"\nuser = "alice"\n')  # relative to the file
    (mine.parent / "ledgers").mkdir()
    from typer.testing import CliRunner

    from ledger.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["db", "init"]).exit_code == 0
    assert (mine.parent / "ledgers" / "team.db").exists()
    assert runner.invoke(app, ["add", "A call", "--due", "2030"]).exit_code == 0
    lg = Ledger(str(mine.parent / "ledgers" / "team.db"))
    assert lg.json("show", "a-call")["recorded_by"] == "alice"
    # --db and the environment still win
    other = tmp_path / "other.db"
    assert runner.invoke(app, ["--db", str(other), "db", "init"]).exit_code == 0
    assert other.exists()


@pytest.mark.parametrize("text,needle", [("db = ", "cannot read the configuration file"),
                                         ('colour = "blue"', "unknown setting 'colour'")])
def test_a_broken_file_is_one_line(ledger, mine, text, needle):
    mine.parent.mkdir(parents=True)
    mine.write_text(text)
    res = ledger.run("list")
    assert res.exit_code == 2 and needle in one_line_error(res)


@pytest.mark.parametrize("zone", ["Etc/GMT+12", "America/Los_Angeles", "UTC",
                                  "Pacific/Kiritimati"])
def test_what_was_recorded_today_is_on_todays_scorecard_in_every_zone(ledger, monkeypatch,
                                                                     zone):
    """Los Angeles at 18:57 used to get an empty scorecard: the as-of day ended at UTC
    midnight. It ends at midnight where the user is."""
    monkeypatch.setenv("LEDGER_TZ", zone)
    ledger.ok("add", "A call made just now", "--due", "2030", "--author", "ana")
    groups = {g["key"]: g for g in ledger.json("report")["groups"]}
    assert groups["ana"]["counts"]["open"] == 1
    assert ledger.json("list")[0]["made_on"] == ledger.json("report")["as_of"]


def test_text_shows_times_in_the_zone_with_their_offset(ledger, monkeypatch):
    ledger.ok("add", "A call", "--due", "2030", "--key", "c")
    monkeypatch.setenv("LEDGER_TZ", "Etc/GMT+12")  # UTC-12
    assert "-12:00" in ledger.ok("show", "c").stdout
    assert "-12:00" in ledger.ok("log").stdout
    assert ledger.json("show", "c")["recorded_at"].endswith("+00:00")  # JSON stays UTC


def test_config_get_validates_against_its_documented_schema(ledger, mine):
    from test_json_vocabulary import check, schemas

    ledger.ok("config", "set", "smtp.password", "hunter2")
    rows = ledger.json("config", "get")
    for row in rows:
        check(row, schemas()["config-setting"])
    assert {r["key"]: r["value"] for r in rows}["smtp.password"] == "(set)"


# -- the trust boundary of a shared team file -------------------------------------------------

def _on_a_terminal(args: list[str], cwd) -> tuple[int, str]:
    """The installed CLI with a real pseudo-terminal as its stdin and stdout (where a pager
    would run), read until it exits."""
    import os
    import pty
    import subprocess

    from helpers import ledger_exe

    master, slave = pty.openpty()
    proc = subprocess.Popen([ledger_exe(), *args], stdin=slave, stdout=slave,
                            stderr=subprocess.PIPE, cwd=cwd, env={**os.environ, "TERM": "dumb"})
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # the terminal closed: the process is gone
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    err = proc.stderr.read().decode() if proc.stderr else ""
    proc.wait(timeout=120)
    return proc.returncode, err


def test_a_team_file_cannot_name_a_program_to_run(tmp_path):
    """A `pager` in ledger.toml ran on every member's terminal (issue 26 #1)."""
    lg = Ledger(str(tmp_path / "t.db"))
    lg.ok("demo")
    (tmp_path / "ledger.toml").write_text('pager = "sh -c \\"touch PWNED; cat\\""\n')
    before = lg.snapshot()
    code, err = _on_a_terminal(["--db", lg.target, "list"], tmp_path)
    assert code == 2 and "'pager' is personal" in err and "Traceback" not in err
    assert not (tmp_path / "PWNED").exists()
    assert lg.snapshot() == before
    # in your own file it is yours to set
    (tmp_path / "ledger.toml").unlink()
    (tmp_path / "me.toml").write_text('pager = "sh -c \\"touch MINE; cat\\""\n')
    code, err = _on_a_terminal(["--db", lg.target, "list"], tmp_path)
    assert code == 0, err


@pytest.mark.parametrize("line,needle", [
    ('phrases = "/etc/passwd"', "outside the ledger's folder"),
    ('phrases = "../elsewhere/phrases.toml"', "outside the ledger's folder"),
    ('[smtp]\npassword = "x"', "'smtp.password' is personal"),
    ('[smtp]\nuser = "x"', "'smtp.user' is personal"),
    ('db = "other.db"', "'db' is personal"),
    ('[smtp]\nfrom = "a@b.org\\r\\nBcc: c@d.org"', "one line"),
    ('[smtp]\nport = 99999', "not a port number"),
    ('timezone = ["UTC"]', "must be a string"),
    ('[smtp.host]\nx = 1', "unknown setting"),
])
def test_a_team_file_sets_only_what_a_team_may(ledger, tmp_path, line, needle):
    if not ledger.is_sqlite:
        pytest.skip("a server's ledger has no team file beside it")
    (tmp_path / "ledger.toml").write_text(line + "\n")
    before = ledger.snapshot()
    res = ledger.run("list")
    assert res.exit_code == 2 and needle in one_line_error(res)
    assert ledger.snapshot() == before


def test_a_team_phrase_file_beside_the_ledger_is_read(ledger, tmp_path):
    if not ledger.is_sqlite:
        pytest.skip("a server's ledger has no team file beside it")
    (tmp_path / "ours.toml").write_text(
        '[[phrase]]\nphrase = "dead cert"\nprobability = 0.99\nband = [0.95, 1.0]\n'
        'source = "team"\n')
    (tmp_path / "ledger.toml").write_text('phrases = "ours.toml"\n')
    got = {r["key"]: r for r in ledger.json("config", "get")}
    assert got["phrases"]["value"] == str(tmp_path / "ours.toml")


def test_a_file_nested_deeply_is_one_line(ledger, tmp_path, mine):
    mine.parent.mkdir(parents=True)
    for path in [mine, tmp_path / "ledger.toml"] if ledger.is_sqlite else [mine]:
        path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n" + "b={" * 50_000)
        res = ledger.run("list")
        assert res.exit_code == 2 and "cannot read the configuration file" in \
            one_line_error(res)
        path.unlink()


def test_your_smtp_credentials_go_only_to_a_server_you_named(ledger, mine, monkeypatch):
    ledger.ok("add", "A call", "--due", "in 3 days", "--author", "ana", "--key", "c")
    ledger.ok("analyst", "ana", "--email", "ana@example.org")
    ledger.ok("config", "set", "smtp.host", "smtp.attacker.example", "--team")
    ledger.ok("config", "set", "smtp.from", "ledger@example.org", "--team")
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "hunter2")
    monkeypatch.setenv("LEDGER_SMTP_USER", "me")
    before = ledger.snapshot()
    res = ledger.run("remind")
    assert res.exit_code == 2 and "credentials go only to a server you name" in \
        one_line_error(res)
    assert ledger.snapshot() == before


def test_db_copy_carries_the_teams_settings(target, tmp_path):
    """A PostgreSQL ledger kept no team settings (issue 26 #8): they live in the ledger now,
    and a copy carries those of ledger.toml too, saying which; a file path is named, not
    silently dropped. The copy goes to ``target`` (a new file, or a PostgreSQL database)."""
    ledger = Ledger(str(tmp_path / "src" / "team.db"))
    (tmp_path / "src").mkdir()
    tmp_path = tmp_path / "src"
    pg_database_or_file = target if "://" in target else str(tmp_path.parent / "copy.db")
    ledger.ok("demo")
    ledger.ok("config", "set", "smtp.from", "ledger@example.org", "--team")
    (tmp_path / "ledger.toml").write_text(
        'timezone = "Europe/Paris"\nphrases = "p.toml"\nwait = 12\n'
        '[smtp]\nhost = "smtp.example.org"\nfrom = "other@example.org"\n')
    res = ledger.ok("db", "copy", pg_database_or_file)
    assert "timezone" in res.stderr and "smtp.host" in res.stderr
    assert "phrases" in res.stderr and "wait" in res.stderr  # named, not carried
    copy = Ledger(pg_database_or_file)
    copy.ok("db", "check")
    got = {r["key"]: r for r in copy.json("config", "get", env={"LEDGER_TZ": ""})}
    assert got["timezone"]["value"] == "Europe/Paris"
    assert got["timezone"]["from"].startswith("the ledger")
    assert got["smtp.host"]["value"] == "smtp.example.org"
    assert got["smtp.from"]["value"] == "ledger@example.org"  # the ledger's own stood
    assert got["phrases"]["value"] is None
    # and a team setting changed on the copy stays there, audited
    copy.ok("config", "set", "timezone", "Asia/Tokyo", "--team")
    assert copy.json("config", "get", "timezone", env={"LEDGER_TZ": ""})[0]["value"] == \
        "Asia/Tokyo"
    copy.ok("db", "check")


def test_team_settings_written_behind_the_tools_back_are_not_obeyed(ledger, monkeypatch):
    """A `team.pager` row, or a time zone that is not one, inserted with another program:
    ignored (and `db check` names the tampering), so nobody's commands run a program or
    stop."""
    from helpers import sql

    monkeypatch.delenv("LEDGER_TZ")
    ledger.ok("config", "set", "timezone", "Asia/Tokyo", "--team")
    sql(ledger.target, "INSERT INTO setting (name, value, recorded_by, recorded_at) "
        "SELECT 'team.pager', 'touch PWNED', recorded_by, recorded_at FROM setting LIMIT 1")
    sql(ledger.target, "INSERT INTO setting (name, value, recorded_by, recorded_at) "
        "SELECT 'team.timezone', 'Mars/Olympus', recorded_by, recorded_at FROM setting "
        "LIMIT 1")
    got = {r["key"]: r for r in ledger.json("config", "get")}
    assert got["pager"]["value"] is None and got["timezone"]["value"] is None
    ledger.ok("config", "set", "timezone", "Europe/Paris", "--team")  # still mendable
    assert {r["key"]: r for r in ledger.json("config", "get")}["timezone"]["value"] == \
        "Europe/Paris"
    assert ledger.run("db", "check").exit_code == 1
