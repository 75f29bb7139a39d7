"""The README's two commands are the ones CI runs and users copy."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## The two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_has_exactly_two_commands():
    cmds = _commands()
    assert len(cmds) == 2
    assert "pip install" in cmds[0] and "ledger" in cmds[0]
    assert "pytest" in cmds[1] and "[test]" in cmds[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _commands()[1] in ci


def tour_commands() -> list[list[str]]:
    """The README's tour block as argument lists, read from the README itself: continuation
    lines joined, comments dropped, several `ledger ...` commands on one line split apart."""
    import shlex

    readme = (ROOT / "README.md").read_text()
    section = readme.split("## A short tour", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.+?)\n```", section, flags=re.S)
    assert block is not None
    text = block.group(1).replace("\\\n", " ")
    commands: list[list[str]] = []
    for line in text.splitlines():
        words = shlex.split(line, comments=True)
        for word in words:
            if word == "ledger":
                commands.append([])
            elif commands and words[0] == "ledger":
                commands[-1].append(word)
    return commands


def test_the_readme_tour_runs_as_written(tmp_path):
    """Every command of the README tour, as printed there, against a fresh ledger."""
    import json

    from helpers import Ledger

    readme = (ROOT / "README.md").read_text()
    assert "export LEDGER_DB=team.db LEDGER_USER=alice" in readme
    lg = Ledger(str(tmp_path / "team.db"))
    commands = tour_commands()
    assert commands[0] == ["db", "init"] and len(commands) >= 12
    exported = ""
    for args in commands:
        if ">" in args:  # `ledger export > team.jsonl`
            args = args[: args.index(">")]
        res = lg.run(*args, user="alice")
        assert res.exit_code == 0, (args, res.stderr)
        if args[0] == "export":
            exported = res.stdout
    story = lg.json("show", "us-phone")
    assert story["status"] == "false" and story["resolution"]["known_on"] == "2017-01-02"
    assert [f["by"] for f in story["forecasts"]] == ["Neil Flynn", "bob"]
    fresh = Ledger(str(tmp_path / "copy.db"))
    fresh.ok("db", "init", user="alice")
    (tmp_path / "team.jsonl").write_text(exported)
    fresh.ok("import", str(tmp_path / "team.jsonl"), user="alice")
    assert fresh.ok("export").stdout == exported
    assert json.loads(exported.splitlines()[0]) == {"format": 1, "type": "ledger"}
