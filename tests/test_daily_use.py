"""Daily use: the due queue that reaches people (filters, a calendar feed), tables that fit the
terminal, names matched as people type them, completion, and an example in every help page."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from datetime import date, timedelta

import pytest

from helpers import Ledger, ledger_exe, one_line_error


@pytest.fixture
def team(ledger: Ledger) -> Ledger:
    """Three analysts' claims: overdue, due this week, next week, far off, resolved."""
    today = date.today()
    end_of_week = today + timedelta(days=6 - today.weekday())
    lg = ledger
    lg.ok("add", "An old call that nobody resolved", "--author", "Bob", "--made", "2025-01-01",
          "--due", "2025-02-01", "--key", "old")
    lg.ok("forecast", "old", "0.3", "--by", "Carol", "--on", "2025-01-05")
    lg.ok("add", "Due by the end of this week", "--author", "Alice", "--made", "2025-01-01",
          "--due", end_of_week.isoformat(), "--key", "this-week", "--prob", "0.6",
          "--criteria", "Per the official statistics; 'end' means 23:59 local")
    lg.ok("add", "Due early next week", "--author", "Alice", "--made", "2025-01-01", "--due",
          (end_of_week + timedelta(days=2)).isoformat(), "--key", "next-week")
    lg.ok("add", "Far off", "--author", "Carol", "--made", "2025-01-01", "--due",
          (today + timedelta(days=200)).isoformat(), "--key", "far")
    lg.ok("add", "Done already", "--author", "Bob", "--made", "2025-01-01", "--due",
          "2025-03-01", "--key", "done")
    lg.ok("resolve", "done", "true", "--on", "2025-03-01")
    return lg


def keys(rows: list[dict]) -> list[str]:
    return [r["key"] for r in rows]


def test_due_filters_by_person_window_and_week(team):
    assert keys(team.json("due")) == ["old", "this-week", "next-week"]  # overdue first
    assert keys(team.json("due", "--week")) == ["old", "this-week"]
    assert keys(team.json("due", "--by", "alice")) == ["this-week", "next-week"]
    assert keys(team.json("due", "--by", "CAROL")) == ["old"]  # holds a forecast on it
    assert keys(team.json("due", "--within", "365")) == ["old", "this-week", "next-week", "far"]
    res = team.run("due", "--by", "nobody")
    assert res.exit_code != 0 and "no analyst named 'nobody'" in one_line_error(res)
    res = team.run("due", "--within", "soon")
    assert res.exit_code == 2 and "use 30d, 2w" in one_line_error(res)
    res = team.run("due", "--week", "--within", "7d")
    assert res.exit_code == 2


def test_limit_says_how_many_more(team):
    res = team.ok("list", "--limit", "2", "--format", "json")
    assert len(__import__("json").loads(res.stdout)) == 2
    assert "and 3 more" in res.stderr


def test_author_names_match_in_any_case_and_unknown_ones_are_refused(team):
    assert keys(team.json("list", "--author", "alice")) == ["this-week", "next-week"]
    res = team.run("list", "--author", "Alic")
    assert res.exit_code != 0 and "did you mean Alice" in one_line_error(res)


def _unfold(text: str) -> list[str]:
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    out: list[str] = []
    for line in lines:
        if line.startswith(" "):
            out[-1] += line[1:]
        else:
            out.append(line)
    return out


def test_the_calendar_feed_is_rfc5545_with_stable_uids(team, tmp_path):
    icalendar = pytest.importorskip("icalendar")
    text = team.ok("due", "--format", "ics").stdout
    cal = icalendar.Calendar.from_ical(text)
    events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {"[overdue] An old call that nobody resolved",
                           "Due by the end of this week", "Due early next week"}
    week = events["Due by the end of this week"]
    desc = str(week["DESCRIPTION"])
    assert "Per the official statistics; 'end' means 23:59 local" in desc
    assert "ledger resolve this-week true" in desc
    assert week["DTSTART"].dt == date.fromisoformat(team.json("show", "this-week")["due_on"])
    team.ok("due", "--format", "ics", "--out", str(tmp_path / "feed.ics"))
    raw = (tmp_path / "feed.ics").read_bytes().decode()  # CliRunner's stdout folds CRLF
    lines = _unfold(raw)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    # the same ledger gives the same UIDs tomorrow, and so does a copy of it
    uids = {str(e["UID"]) for e in cal.walk("VEVENT")}
    again = icalendar.Calendar.from_ical(team.ok("due", "--format", "ics").stdout)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == uids
    copy = tmp_path / "copy.db"
    team.ok("db", "backup", str(copy))
    copied = Ledger(str(copy)).ok("due", "--format", "ics").stdout
    assert {str(e["UID"]) for e in icalendar.Calendar.from_ical(copied).walk("VEVENT")} == uids
    other = Ledger(str(tmp_path / "other.db"))
    other.ok("db", "init")
    other.ok("add", "An old call that nobody resolved", "--made", "2025-01-01", "--due",
             "2025-02-01", "--key", "old")
    theirs = icalendar.Calendar.from_ical(other.ok("due", "--format", "ics").stdout)
    assert not {str(e["UID"]) for e in theirs.walk("VEVENT")} & uids
    # written to a file for a calendar to subscribe to, replaced only with --force
    team.ok("due", "--format", "ics", "--out", str(tmp_path / "due.ics"))
    res = team.run("due", "--format", "ics", "--out", str(tmp_path / "due.ics"))
    assert res.exit_code == 1 and "--force" in one_line_error(res)
    team.ok("due", "--format", "ics", "--out", str(tmp_path / "due.ics"), "--force")


def test_text_with_commas_and_non_ascii_is_escaped_and_folded(ledger):
    icalendar = pytest.importorskip("icalendar")
    statement = "Café; résumé, naïve \\ " + "日本語のテキスト" * 12
    ledger.ok("add", statement, "--made", "2025-01-01", "--due", "2025-02-01", "--key", "u")
    ledger.ok("due", "--format", "ics", "--out", "feed.ics")
    with open("feed.ics", newline="") as fh:
        text = fh.read()
    _unfold(text)
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "[overdue] " + statement


def test_every_listing_fits_an_80_column_terminal(team):
    team.ok("source", "add", "A very long source title " * 5, "--key", "a-rather-long-source-key",
            "--outlet", "An outlet with a long name", "--author", "Someone With A Long Name")
    team.ok("add", "A statement long enough to need shrinking " * 4, "--author",
            "Analyst With An Unusually Long Name", "--key",
            "a-claim-key-that-is-rather-long-for-a-table", "--due", "2030", "--prob", "0.4")
    env = {"COLUMNS": "80"}
    for args in (["list"], ["due"], ["log"], ["source", "list"], ["phrases"], ["show", "old"],
                 ["list", "--format", "text"]):
        out = team.ok(*args, env=env).stdout
        assert max(len(line) for line in out.splitlines()) <= 80, (args, out)
    wide = team.ok("list", env={"COLUMNS": "200"}).stdout
    assert "A statement long enough to need shrinking A statement" in wide


def _complete(lg: Ledger, words: str) -> list[str]:
    env = {**os.environ, "_LEDGER_COMPLETE": "complete_bash", "COMP_WORDS": words,
           "COMP_CWORD": str(len(shlex.split(words)) - (0 if words.endswith(" ") else 1)),
           "LEDGER_DB": lg.target}
    res = subprocess.run([ledger_exe()], env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return res.stdout.split()


def test_shell_completion_offers_commands_keys_and_names(team):
    assert "list" in _complete(team, "ledger li")
    assert _complete(team, "ledger show this") == ["this-week"]
    assert _complete(team, "ledger due --by ") == ["Alice", "Bob", "Carol", "tester"]
    assert _complete(team, "ledger show zzz") == []


def test_every_command_has_examples_that_name_it_and_parse():
    import typer.main

    from ledger.cli import app
    from ledger.cli.examples import EXAMPLES

    root = typer.main.get_command(app)
    seen = set()

    def walk(cmd, path):
        for name, sub in cmd.commands.items():
            here = (*path, name)
            if getattr(sub, "commands", None):
                walk(sub, here)
                continue
            seen.add(" ".join(here))
            assert "Examples:" in (sub.epilog or ""), here
            for line in EXAMPLES[" ".join(here)]:
                words = shlex.split(line.split(">")[0])
                assert words[0] == "ledger"
                words = [w for w in words[1:] if w not in ("--db", "team.db")]
                assert words[: len(here)] == list(here), line
                sub.make_context(" ".join(here), words[len(here):])  # options exist, values read

    walk(root, ())
    assert seen == set(EXAMPLES)


def test_help_shows_the_examples(ledger):
    out = ledger.ok("due", "--help").stdout
    assert "Examples:\n    ledger due --by alice --week" in out


def _on_a_terminal(lg: Ledger, *args: str, env: dict[str, str], stream: str = "stdout") -> str:
    """Run the real CLI with stdout (or stderr) on a pseudo-terminal 20 lines high; what it
    showed there."""
    import pty
    import select
    import struct
    import termios
    from fcntl import ioctl

    main, child = pty.openpty()
    ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 20, 100, 0, 0))
    full = {**os.environ, **env, "LEDGER_DB": lg.target}
    full.pop("COLUMNS", None)
    full.pop("LINES", None)
    streams = ({"stdout": child, "stderr": subprocess.DEVNULL} if stream == "stdout"
               else {"stdout": subprocess.DEVNULL, "stderr": child})
    proc = subprocess.Popen([ledger_exe(), *args], stdin=subprocess.DEVNULL, env=full,
                            **streams)
    os.close(child)
    out = b""
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    proc.wait(timeout=60)
    os.close(main)
    return out.decode(errors="replace")


def test_long_output_goes_through_the_pager_on_a_terminal_only(ledger):
    for n in range(30):
        ledger.ok("add", f"Claim number {n}", "--due", "2030", "--key", f"c{n:02d}")
    paged = _on_a_terminal(ledger, "list", env={"LEDGER_PAGER": "sed s/^/PAGED:/"})
    assert "PAGED:" in paged and "c29" in paged
    direct = _on_a_terminal(ledger, "--no-pager", "list", env={"LEDGER_PAGER": "sed s/^/P:/"})
    assert "P:" not in direct and "c29" in direct
    short = _on_a_terminal(ledger, "list", "--limit", "3",
                           env={"LEDGER_PAGER": "sed s/^/PAGED:/"})
    assert "PAGED:" not in short
    piped = ledger.ok("list", env={"LEDGER_PAGER": "sed s/^/PAGED:/"}).stdout
    assert "PAGED:" not in piped


def test_a_long_import_shows_each_phase_on_a_terminal_and_nothing_in_a_pipe(ledger, tmp_path):
    import json

    at = "2025-01-01T09:00:00.000000+00:00"
    lines = [json.dumps({"type": "ledger", "format": 1}),
             json.dumps({"type": "analyst", "name": "ana", "affiliation": None,
                         "created_at": at})]
    for i in range(2500):
        lines.append(json.dumps({
            "type": "claim", "key": f"k{i}", "statement": f"Claim {i}", "quote": None,
            "source": None, "author": "ana", "subject": None, "tags": [],
            "made_on": "2025-01-01", "due_on": "2025-06-01", "due_basis": "stated",
            "due_note": None, "criteria": None, "withdrawn_on": None, "withdrawn_note": None,
            "recorded_by": "ana", "recorded_at": at, "version": 1}))
        lines.append(json.dumps({
            "type": "forecast", "id": f"k{i}#f1", "claim": f"k{i}", "by": "ana",
            "made_on": "2025-01-01", "probability": 0.5, "given": "0.5", "mapped": False,
            "phrase": None, "band": None, "vague": False, "note": None, "recorded_by": "ana",
            "recorded_at": at}))
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(lines) + "\n")
    shown = _on_a_terminal(ledger, "import", str(path), env={}, stream="stderr")
    for phase in ("importing: reading", "importing: writing claims",
                  "importing: writing forecasts"):
        assert phase in shown, shown[-500:]
    assert len(ledger.json("list")) == 2500
    piped = ledger.ok("import", str(path))  # CliRunner: stderr is not a terminal
    assert "reading" not in piped.stderr and "nothing new" in piped.stderr


@pytest.mark.parametrize("argv,name", [
    (["list"], "list"), (["--db", "x.db", "--as", "ana", "due", "--week"], "due"),
    (["--wait", "5", "db", "status"], "db"), (["--no-pager", "show", "k"], "show"),
    (["--help"], None), ([], None), (["--version"], None), (["--", "list"], "list"),
    (["--db=x.db", "list"], "list"), (["--db", "--version"], None),
])
def test_start_up_builds_only_the_command_the_line_names(argv, name):
    from ledger.cli import _invoked

    found, flags = _invoked(argv)
    assert found == name
    assert ("--version" in flags) == (argv == ["--version"])  # a value is not a flag


def test_a_slim_start_still_runs_every_kind_of_command_line(ledger):
    """The installed script builds only the named command: commands, groups, help, typos."""
    env = {**os.environ, "LEDGER_DB": ledger.target}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([ledger_exe(), *args], capture_output=True, text=True, env=env,
                              timeout=120)

    assert run("add", "A call", "--due", "2030", "--key", "c").returncode == 0
    assert "c " in run("list").stdout
    assert "backend" in run("db", "status").stdout
    assert "Examples:" in run("list", "--help").stdout
    assert "retract" in run("--help").stdout  # the whole tool's help lists every command
    typo = run("lsit")
    assert typo.returncode == 2 and "Did you mean 'list'?" in typo.stderr
    from ledger.version import __version__

    assert run("--version").stdout == f"ledger {__version__}\n"  # built with no command
    both = run("--help", "--version")  # help first: the whole tool's help, every command
    assert both.returncode == 0 and "retract" in both.stdout


def test_a_run_collects_rarely_while_starting_and_as_usual_once_it_has_its_store(tmp_path):
    """ledger.lifetime: the thresholds a run starts with, and those its command works with.
    In a child process, so this test's own collector is left alone."""
    code = f"""
import gc
from ledger import lifetime
default = gc.get_threshold()
lifetime.starting()
assert gc.get_threshold() == (lifetime.STARTING_THRESHOLD, *default[1:]), gc.get_threshold()
lifetime.starting()  # the command line's main calls it again: no change
assert gc.get_threshold()[0] == lifetime.STARTING_THRESHOLD
from ledger.cli.context import AppState
AppState(db={str(tmp_path / "new.db")!r}, actor="ana").store(create=True)
assert gc.get_threshold() == default, gc.get_threshold()
assert gc.get_freeze_count() > 0  # what start-up built is out of the collector's sight
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout == "ok\n", done.stderr
    # ``python -m ledger`` starts through the same entry as the installed command
    version = subprocess.run([sys.executable, "-m", "ledger", "--version"],
                             capture_output=True, text=True, timeout=120)
    assert version.returncode == 0 and version.stdout.startswith("ledger ")
