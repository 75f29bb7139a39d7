"""`ledger export` and `ledger import`."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"


def progress_bar(label: str):  # noqa: ANN201
    """A one-line bar on stderr when it is a terminal; nothing when piped."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        frac = done / total if total else 1.0
        bar = "#" * int(frac * width)
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label} [{bar:<{width}}] {done}/{total}{end}")
        sys.stderr.flush()

    return show


def export(
    ctx: typer.Context,
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format",
                                     help="jsonl: the whole ledger, deterministic; csv: one row per claim."),
    out: Optional[Path] = typer.Option(None, "--out", help="File to write (default: stdout)."),
) -> None:
    """Write the whole ledger as JSON Lines (or a CSV summary), stable for diffs in git."""
    from ledger.errors import LedgerError
    from ledger.ops import transfer

    store = ctx.obj.open()
    writer = transfer.export_jsonl if fmt is ExportFormat.jsonl else transfer.export_csv
    if out is None:
        writer(store, sys.stdout)
        return
    if out.exists():
        raise LedgerError(f"{out} already exists; export never overwrites a file")
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            n = writer(store, fh, progress_bar("exporting"))
        tmp.replace(out)
    finally:
        if tmp.exists():
            tmp.unlink()
    typer.echo(f"wrote {n} {'lines' if fmt is ExportFormat.jsonl else 'claims'} to {out}", err=True)


def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="A JSON Lines export ('-' for stdin)."),
) -> None:
    """Load an export into this ledger: all or nothing; running it twice changes nothing."""
    from ledger.errors import LedgerError
    from ledger.ops import transfer

    store = ctx.obj.open()
    if str(file) == "-":
        lines = sys.stdin.readlines()
    else:
        try:
            with open(file, encoding="utf-8") as fh:
                lines = fh.readlines()
        except FileNotFoundError:
            raise LedgerError(f"no file {file}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LedgerError(f"cannot read {file}: {exc}") from None
    counts = transfer.import_jsonl(store, ctx.obj.actor, lines, progress_bar("importing"))
    added = {k: v for k, v in counts.items() if k != "skipped" and v}
    what = ", ".join(f"{v} {k}" for k, v in added.items()) or "nothing new"
    typer.echo(f"imported {what}; {counts['skipped']} already present", err=True)


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Exchange")(export)
    app.command("import", rich_help_panel="Exchange")(import_)
