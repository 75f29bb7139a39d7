"""Files committed beside the code that are generated from it: the CLI reference
(docs/cli.md) and the seed scorecards (reports/). Tests compare them with a fresh run and
never write them; rewrite them by hand after a change with

    .venv/bin/python tests/golden.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"
REPORTS = ROOT / "reports"
SITE = "xiaomi-2015-02-20-site"  # the seed's scorecard site, a folder
REPORT_AS_OF = "2026-11-24"  # the seeds' recorded_at day: the committed reports are as of then

INTRO = """# CLI reference

Generated from the real `--help` of every command by `tests/golden.py`; a test fails when it
is stale. The README has the narrative; this page has every option.
"""


def _walk(cmd: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = [path]
    for name in getattr(cmd, "commands", {}):
        out += _walk(cmd.commands[name], (*path, name))
    return out


def cli_reference() -> str:
    """Every command's --help, in the order `ledger --help` lists them."""
    import typer.main
    from typer.testing import CliRunner

    from ledger.cli import app

    runner = CliRunner()
    parts = [INTRO]
    for path in _walk(typer.main.get_command(app)):
        res = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
        assert res.exit_code == 0, (path, res.output)
        title = " ".join(("ledger", *path))
        parts.append(f"## `{title}`\n\n```text\n{res.stdout.rstrip()}\n```\n")
    return "\n".join(parts)


def seed_reports(folder: Path, work: Path, *, force: bool = False) -> dict[str, Path]:
    """The seed ledger's scorecard as Markdown, HTML and a site, as of the seeds' day."""
    from helpers import Ledger

    lg = Ledger(str(work / "seeds.db"))
    lg.ok("db", "init")
    lg.ok("seed")
    out = {}
    for fmt in ("md", "html", "site"):
        path = folder / (SITE if fmt == "site" else f"xiaomi-2015-02-20-scorecard.{fmt}")
        lg.ok("report", "--as-of", REPORT_AS_OF, "--format", fmt, "--out", str(path),
              *(["--force"] if force else []))
        out[fmt] = path
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    CLI_DOC.write_text(cli_reference())
    with tempfile.TemporaryDirectory() as tmp:
        seed_reports(REPORTS, Path(tmp), force=True)
    print(f"wrote {CLI_DOC} and {REPORTS}/", file=sys.stderr)
