"""`ledger export` and `ledger import`."""

from __future__ import annotations

import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from ledger.cli import options as o
from ledger.cli.render import done, resolve_out, write_output
from ledger.errors import LedgerError


def progress_bar(label: str) -> Callable[[int, int], None] | None:
    """A one-line bar on stderr when it is a terminal; nothing when piped."""
    if not sys.stderr.isatty():
        return None

    def show(n: int, total: int) -> None:
        width = 30
        frac = n / total if total else 1.0
        end = "\n" if n >= total else ""
        sys.stderr.write(f"\r{label} [{'#' * int(frac * width):<{width}}] {n}/{total}{end}")
        sys.stderr.flush()

    return show


def export(
    ctx: typer.Context,
    fmt: Annotated[o.ExportFormatChoice, typer.Option(
        "--format",
        help="jsonl: the whole ledger, deterministic; csv: one row per claim.")] = "jsonl",
    out: o.Out = None,
    force: o.Force = False,
) -> None:
    """Write the whole ledger as JSON Lines (or a CSV summary), stable for diffs in git."""
    lg = ctx.obj.ledger()
    writer = lg.export_jsonl if fmt == "jsonl" else lg.export_csv
    if out is None:
        writer(sys.stdout)
        return
    path = resolve_out(out, f"ledger.{fmt}")
    n = write_output(path, lambda fh: writer(fh, progress_bar("exporting")), force=force)
    done(f"wrote {n} {'lines' if fmt == 'jsonl' else 'claims'} to {path}")


def read_lines(file: Path) -> list[str]:
    """The lines of FILE ('-' for stdin), or one clear refusal."""
    if str(file) == "-":
        return sys.stdin.readlines()
    try:
        if not stat.S_ISREG(file.stat().st_mode):  # /dev/zero, a folder, a socket...
            raise LedgerError(f"cannot read {file}: not a regular file")
        with open(file, encoding="utf-8-sig") as fh:  # a byte-order mark is not content
            return fh.readlines()
    except FileNotFoundError:
        raise LedgerError(f"no file {file}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LedgerError(f"cannot read {file}: {exc}") from None


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", show_default=False,
                                         help="A JSON Lines export ('-' for stdin).")],
) -> None:
    """Load an export into this ledger: all or nothing; running it twice changes nothing."""
    lg = ctx.obj.ledger()
    origin = "<stdin>" if str(file) == "-" else str(file.resolve())
    counts = lg.import_jsonl(read_lines(file), progress_bar("importing"), origin=origin)
    added = {k: v for k, v in counts.items() if k != "skipped" and v}
    what = ", ".join(f"{v} {k}" for k, v in added.items()) or "nothing new"
    done(f"imported {what}; {counts['skipped']} already present")


def register(app: typer.Typer) -> None:
    app.command()(export)
    app.command("import")(import_)
