"""Docs that cannot drift: the CLI reference is the real --help of every command, and the
README and docs name every command and every environment variable the code reads."""

from __future__ import annotations

import re

from golden import CLI_DOC, ROOT, cli_reference


def test_cli_reference_is_current():
    assert CLI_DOC.exists(), "docs/cli.md is missing: run tests/golden.py"
    assert CLI_DOC.read_text() == cli_reference(), "docs/cli.md is stale: run tests/golden.py"


def test_every_command_is_in_the_reference_and_the_readme():
    import typer.main

    from ledger.cli import app

    group = typer.main.get_command(app)
    reference = CLI_DOC.read_text()
    readme = (ROOT / "README.md").read_text()
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", {})
        for path in ([f"{name} {s}" for s in subs] if subs else [name]):
            assert f"## `ledger {path}`" in reference, path
            shown = re.search(rf"ledger (--\S+ \S+ )*{path}\b", readme)
            assert shown, f"the README never shows `ledger {path}`"


def test_every_environment_variable_is_documented():
    code = "\n".join(p.read_text() for p in (ROOT / "ledger").rglob("*.py"))
    used = set(re.findall(r"\b(LEDGER_[A-Z_]+)\b", code))
    readme = (ROOT / "README.md").read_text()
    missing = sorted(v for v in used if v not in readme)
    assert len(used) >= 5 and not missing, missing


def test_the_scoring_reference_the_tests_cite_is_committed():
    text = (ROOT / "docs" / "scoring.md").read_text()
    for number in ("0.35302734375", "0.8804509063256238", "0.305764"):
        assert number in text, number
