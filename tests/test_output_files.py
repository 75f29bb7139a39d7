"""Where ``--out`` writes, through the real CLI: a path ending in '/' is a folder (created when
missing) holding a file with the command's default name, never a file named like the folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import Ledger

ARTICLE = Path(__file__).parent / "extract_eval" / "articles" / \
    "engadget-2010-02-01-ipad-sales.txt"


@pytest.mark.parametrize("args,default", [
    (["report", "--format", "md"], "-scorecard.md"),
    (["export"], "ledger.jsonl"),
    (["due", "--format", "ics"], "due.ics"),
    (["extract", str(ARTICLE)], ".toml"),
])
@pytest.mark.parametrize("how", ["new", "existing", "nested"])
def test_a_trailing_slash_means_a_folder(ledger, tmp_path, args, default, how):
    ledger.ok("add", "A call", "--due", "2030", "--key", "c", "--author", "ana")
    folder = tmp_path / "out" / "deeper" if how == "nested" else tmp_path / "out"
    if how == "existing":
        folder.mkdir()
    res = ledger.run(*args, "--out", str(folder) + os.sep)
    assert res.exit_code == 0, res.stderr
    assert folder.is_dir(), "wrote a file named like the folder"
    [written] = list(folder.iterdir())
    assert written.is_file() and written.name.endswith(default)
    assert written.stat().st_size > 0


def test_without_a_slash_a_missing_folder_is_refused(ledger, tmp_path):
    res = ledger.run("export", "--out", str(tmp_path / "nowhere" / "x.jsonl"))
    assert res.exit_code == 1 and "end --out with '/'" in res.stderr
    assert not (tmp_path / "nowhere").exists()


def test_a_trailing_slash_on_an_existing_file_is_refused(ledger, tmp_path):
    (tmp_path / "taken").write_text("mine")
    res = ledger.run("export", "--out", str(tmp_path / "taken") + "/")
    assert res.exit_code == 1 and "not a folder" in res.stderr
    assert (tmp_path / "taken").read_text() == "mine"


def test_the_installed_command_keeps_the_slash_too(tmp_path):
    lg = Ledger(str(tmp_path / "t.db"))
    lg.ok("db", "init")
    proc = lg.proc("export", "--out", str(tmp_path / "dump") + "/")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "dump" / "ledger.jsonl").is_file()


@pytest.mark.parametrize("how", ["new", "existing"])
def test_a_backup_into_a_folder(ledger, tmp_path, how):
    """`db backup bk/` wrote a file named bk."""
    folder = tmp_path / "backups"
    if how == "existing":
        folder.mkdir()
    ledger.ok("db", "backup", str(folder) + ("/" if how == "new" else ""))
    [copy] = list(folder.iterdir())
    assert copy.name.endswith(".db") and "-backup-" in copy.name
    Ledger(str(copy)).ok("db", "check")
    res = ledger.run("db", "backup", str(folder) + "/")  # the same name today: never replaced
    assert res.exit_code == 1 and "already exists" in res.stderr
