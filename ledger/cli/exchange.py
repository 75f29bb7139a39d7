"""`ledger export` and `ledger import`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ledger.cli import options as o
from ledger.cli.progress import progress_bar
from ledger.cli.render import done, emit_json, resolve_out, write_output


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
    bar = progress_bar("exporting")
    try:
        n = write_output(path, lambda fh: writer(fh, bar), force=force)
    finally:
        if bar is not None:
            bar.close()
    done(f"wrote {n} {'lines' if fmt == 'jsonl' else 'claims'} to {path}")


def _pairs(values: list[str], option: str) -> dict[str, str]:
    """``A=B`` options (``--who``, ``--map``) as a dict; the last '=' splits, so a name may
    hold one."""
    out: dict[str, str] = {}
    for v in values:
        left, sep, right = v.rpartition("=")
        if not sep or not left.strip() or not right.strip():
            raise typer.BadParameter(f"{v!r} is not NAME=VALUE", param_hint=option)
        out[left.strip()] = right.strip()
    return out


def import_(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(
        metavar="FILE...", show_default=False,
        help="The file(s) to import ('-' for stdin): one, or for gjp ifps.csv with its "
             "survey_fcasts files; a Metaculus zip or its folder.")],
    fmt: Annotated[Optional[o.ImportFormatChoice], typer.Option(
        "--from", metavar="FORMAT",
        help="ledger, predictionbook, fatebook, fatebook-sheet, metaculus, gjp, iqisa "
             "(iqisa-predictionbook, iqisa-gjp, iqisa-metaculus) or csv; without it the "
             "content decides (and an unclear file is refused).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Say what would be added, updated and skipped; change nothing.")
    ] = False,
    out_fmt: o.TextOrJson = "text",
    who: Annotated[Optional[list[str]], typer.Option(
        "--who", metavar="NAME=ANALYST",
        help="Record a platform's user NAME as this ledger's ANALYST (repeatable).")] = None,
    mapping: Annotated[Optional[list[str]], typer.Option(
        "--map", metavar="COLUMN=FIELD",
        help="csv and fatebook-sheet: read COLUMN as FIELD (repeatable; see the README).")
    ] = None,
    tz: Annotated[Optional[str], typer.Option(
        "--tz", metavar="ZONE",
        help="The zone of times written without one (Fatebook, GJP, iqisa, spreadsheets); UTC "
             "by default, but Central European time (Europe/Berlin) for the iqisa Metaculus "
             "frame, whose times are in it.")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Refuse the whole file if any row is rejected (default: skip the row "
                         "and count it).")] = False,
    refuse_mc: Annotated[bool, typer.Option(
        "--refuse-multiple-choice",
        help="Skip multiple-choice questions (counted) instead of one claim per option.")
    ] = False,
) -> None:
    """Import forecasts: this ledger's export or another tracker's (PredictionBook, Fatebook,
    Metaculus, Good Judgment Project, iqisa, any CSV). All or nothing; importing the same
    file again changes nothing, and a newer export adds only what is new.

    Unlike the CLI, which refuses it, a forecast in a file dated after the outcome was known is
    kept (it was made on the platform) and never scored, whatever times the file gives."""
    lg = ctx.obj.ledger()
    bar = progress_bar("importing")
    try:
        summary = lg.import_files(
            files, fmt, dry_run=dry_run, who=_pairs(who or [], "--who"),
            mapping=_pairs(mapping or [], "--map"), zone=tz, strict=strict,
            multiple_choice=not refuse_mc, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    if out_fmt == "json":
        emit_json(summary)
        return
    from ledger.ops.imports import describe

    text = "\n".join(describe(summary))
    if dry_run:
        typer.echo(text)
    else:
        done(text)


def register(app: typer.Typer) -> None:
    app.command()(export)
    app.command("import")(import_)
