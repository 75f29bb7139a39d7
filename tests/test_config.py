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
    ledger.ok("config", "set", "timezone", "Asia/Tokyo")
    if not ledger.is_sqlite:  # a server's ledger has no folder to hold a team file
        res = ledger.run("config", "set", "smtp.host", "smtp.team.example", "--team")
        assert res.exit_code == 2 and "no team file" in one_line_error(res)
    else:
        ledger.ok("config", "set", "smtp.host", "smtp.team.example", "--team")
        ledger.ok("config", "set", "timezone", "Europe/Paris", "--team")
    assert 'timezone = "Asia/Tokyo"' in mine.read_text()
    team_file = tmp_path / "ledger.toml" if ledger.is_sqlite else None
    if team_file is not None:
        assert "smtp.team.example" in team_file.read_text()
    got = {r["key"]: r for r in ledger.json("config", "get")}
    assert got["timezone"]["value"] == "UTC" and got["timezone"]["from"] == "environment"
    monkeypatch.delenv("LEDGER_TZ")
    got = {r["key"]: r for r in ledger.json("config", "get")}
    assert got["timezone"]["value"] == "Asia/Tokyo" and got["timezone"]["from"] == str(mine)
    if team_file is not None:
        assert got["smtp.host"]["from"] == str(team_file)
    ledger.ok("config", "set", "timezone")  # removed from your file: the team's applies
    got = {r["key"]: r for r in ledger.json("config", "get")}
    if team_file is not None:
        assert got["timezone"]["value"] == "Europe/Paris"
    if ledger.is_sqlite:
        res = ledger.run("config", "set", "user", "mallory", "--team")
        assert res.exit_code == 2 and "personal" in one_line_error(res)
    res = ledger.run("config", "set", "colour", "blue")
    assert res.exit_code == 2 and "unknown setting" in one_line_error(res)
    res = ledger.run("config", "set", "timezone", "Mars/Olympus")
    assert res.exit_code == 2 and "not a time zone" in one_line_error(res)


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
