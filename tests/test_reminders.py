"""Reminders that reach people, checked against a real SMTP server running in-process
(aiosmtpd): who received what, once a day at most, and nothing sent in a dry run."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from helpers import Ledger, one_line_error

aiosmtpd = pytest.importorskip("aiosmtpd.controller")


class Inbox:
    """Every message the server accepted, parsed."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"

    def to(self, address: str) -> list[Any]:
        return [m for rcpts, m in self.messages if address in rcpts]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(inbox: Any, monkeypatch: Any) -> Iterator[Any]:
    """A real SMTP server on a free port, with the ledger's settings pointing at it."""
    port = _free_port()
    server = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()  # returns once the server accepts connections
    monkeypatch.setenv("LEDGER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEDGER_SMTP_PORT", str(port))
    monkeypatch.setenv("LEDGER_SMTP_FROM", "ledger@example.org")
    try:
        yield inbox
    finally:
        server.stop()


@pytest.fixture
def smtp(monkeypatch) -> Iterator[Inbox]:
    yield from _serve(Inbox(), monkeypatch)


@pytest.fixture
def team(ledger: Ledger) -> Ledger:
    today = date.today()
    lg = ledger
    lg.ok("add", "Overdue call", "--author", "alice", "--made", "2025-01-01", "--due",
          "2025-02-01", "--key", "late")
    lg.ok("add", "Due in three days", "--author", "bob", "--made", "2025-01-01", "--due",
          (today + timedelta(days=3)).isoformat(), "--key", "soon")
    lg.ok("forecast", "soon", "0.4", "--by", "alice", "--on", "2025-02-01")
    lg.ok("add", "Due next quarter", "--author", "alice", "--made", "2025-01-01", "--due",
          (today + timedelta(days=90)).isoformat(), "--key", "later")
    lg.ok("add", "Nobody to tell", "--author", "carol", "--made", "2025-01-01", "--due",
          (today + timedelta(days=2)).isoformat(), "--key", "carols")
    lg.ok("analyst", "alice", "--email", "alice@example.org")
    lg.ok("analyst", "BOB", "--email", "bob@example.org")  # names match in any case
    return lg


def test_each_analyst_gets_one_message_with_their_claims_and_commands(team, smtp):
    res = team.ok("remind")
    assert "sent 2 message(s)" in res.stderr
    [alice] = smtp.to("alice@example.org")
    body = alice.get_content()
    assert alice["From"] == "ledger@example.org" and "2 claim(s)" in alice["Subject"]
    assert "late (overdue" in body and "soon (open" in body and "later" not in body
    assert "ledger resolve late true|false" in body
    [bob] = smtp.to("bob@example.org")
    assert "soon" in bob.get_content() and "late" not in bob.get_content()
    assert len(smtp.messages) == 2  # carol has no address
    # again the same day: nothing new is sent
    again = team.ok("remind")
    assert "sent 0 message(s)" in again.stderr and len(smtp.messages) == 2
    events = [e for e in team.json("log") if e["action"] == "remind"]
    assert len(events) == 2
    assert team.ok("db", "check").exit_code == 0


def test_a_wider_window_and_a_dry_run(team, smtp):
    dry = team.json("remind", "--within", "120d", "--dry-run")
    assert dry["dry_run"] is True
    plan = {m["analyst"]: m["claims"] for m in dry["messages"]}
    assert plan == {"alice": ["late", "soon", "later"], "bob": ["soon"]}
    assert smtp.messages == [] and not [e for e in team.json("log") if e["action"] == "remind"]


def test_analysts_are_listed_with_their_addresses_and_counts(team):
    rows = {r["name"]: r for r in team.json("analyst")}
    assert rows["alice"]["email"] == "alice@example.org" and rows["alice"]["claims"] == 2
    assert rows["alice"]["forecasts"] == 1 and rows["carol"]["email"] is None
    team.ok("analyst", "alice", "--no-email")
    assert team.json("analyst", "alice")[0]["email"] is None
    for args, code, needle in [(["analyst", "alice", "--email", "not-an-address"], 2,
                                "not an e-mail address"),
                               (["analyst", "nobody", "--email", "n@example.org"], 1,
                                "no analyst named")]:
        res = team.run(*args)
        assert res.exit_code == code and needle in one_line_error(res)


def test_without_smtp_settings_remind_says_what_to_set(team, monkeypatch):
    monkeypatch.delenv("LEDGER_SMTP_HOST", raising=False)
    before = team.snapshot()
    res = team.run("remind")
    assert res.exit_code == 2 and "LEDGER_SMTP_HOST" in one_line_error(res)
    assert team.snapshot() == before


def test_an_unreachable_server_is_one_line_and_logs_nothing(team, monkeypatch):
    monkeypatch.setenv("LEDGER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("LEDGER_SMTP_PORT", str(_free_port()))  # nobody listens there
    monkeypatch.setenv("LEDGER_SMTP_FROM", "ledger@example.org")
    before = team.snapshot()
    res = team.run("remind")
    assert res.exit_code == 1 and "cannot send reminders" in one_line_error(res)
    assert team.snapshot() == before


def test_the_json_validates_against_its_documented_schemas(team):
    from test_json_vocabulary import check, schemas

    s = schemas()
    for row in team.json("analyst"):
        check(row, s["analyst-row"])
    check(team.json("remind", "--dry-run"), s["remind"])


class Refusing(Inbox):
    """A server that answers 550 for some recipients, as a real one does for an unknown
    mailbox."""

    def __init__(self, refused: set[str]) -> None:
        super().__init__()
        self.refused = refused

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if address in self.refused:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def picky(monkeypatch) -> Iterator[Refusing]:
    yield from _serve(Refusing({"alice@example.org"}), monkeypatch)


def test_one_refused_address_never_stops_the_others(team, picky):
    """The server refused alice (first in line): nobody after her got anything, every day
    (issue 26 #3). Each recipient is sent to on its own; the failure is named and the exit
    code says so; the next run tries her again and does not repeat bob's."""
    res = team.run("remind")
    assert res.exit_code == 1 and "Traceback" not in res.stderr
    assert "not sent to alice" in res.stderr and "550" in res.stderr
    assert "sent 1 message(s); 1 could not be sent" in res.stderr
    assert len(picky.to("bob@example.org")) == 1 and not picky.to("alice@example.org")
    again = team.run("remind", "--format", "json")
    assert again.exit_code == 1
    import json

    got = {m["analyst"]: m for m in json.loads(again.stdout)["messages"]}
    assert set(got) == {"alice"} and got["alice"]["sent"] is False
    assert "550" in got["alice"]["error"]
    assert len(picky.to("bob@example.org")) == 1  # once a day, still
    picky.refused.clear()
    team.ok("remind")
    assert len(picky.to("alice@example.org")) == 1
    team.ok("db", "check")


def test_an_address_that_would_add_a_header_is_refused_on_every_path(team, smtp, tmp_path):
    import json

    before = team.snapshot()
    bad = "mal@x.org\r\nBcc: y@example.org"
    res = team.run("analyst", "alice", "--email", bad)
    assert res.exit_code == 2 and "not an e-mail address" in one_line_error(res)
    jsonl = tmp_path / "mal.jsonl"
    jsonl.write_text(json.dumps({"type": "analyst", "name": "mal", "affiliation": None,
                                 "created_at": "2025-01-01T00:00:00.000000+00:00",
                                 "email": bad}) + "\n")
    res = team.run("import", str(jsonl))
    assert res.exit_code == 1 and "not an e-mail address" in one_line_error(res)
    assert team.snapshot() == before


def test_a_bad_address_stored_behind_the_tools_back_fails_alone(team, smtp):
    """An address written by another program (or an older version) is not sent to; the
    others still are."""
    from helpers import sql

    team.ok("forecast", "soon", "0.3", "--by", "mal", "--on", "2025-02-02")
    sql(team.target, "UPDATE analyst SET email = :e WHERE name = 'mal'",
        e="mal@x.org\r\nBcc: y@example.org")
    res = team.run("remind")
    assert res.exit_code == 1 and "not sent to mal" in res.stderr
    assert "not an e-mail address" in res.stderr
    assert len(smtp.to("alice@example.org")) == 1 and len(smtp.to("bob@example.org")) == 1
    assert all("y@example.org" not in rcpts for rcpts, _ in smtp.messages)
