"""`ledger analyst` (who is who, and where reminders go) and `ledger remind`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Optional

import typer

from ledger.cli import complete
from ledger.cli import options as o
from ledger.cli.render import Columns, done, emit, emit_json

ANALYSTS = Columns(text=["name", "email", "claims", "forecasts"],
                   full=["name", "email", "affiliation", "claims", "forecasts", "created_at"],
                   labels={"created_at": "since"}, shrink="email", caps={"name": 30})


def analyst(
    ctx: typer.Context,
    name: Annotated[Optional[str], typer.Argument(
        metavar="[NAME]", show_default=False, autocompletion=complete.analyst_names,
        help="The analyst to change (any case); without it, list every analyst.")] = None,
    email: Annotated[Optional[str], typer.Option(
        metavar="ADDR", help="Where `ledger remind` writes to them.")] = None,
    no_email: Annotated[bool, typer.Option(
        "--no-email", help="Stop reminding them (remove the address).")] = False,
    fmt: o.ListingFormat = "text",
) -> None:
    """List analysts with their claims, forecasts and addresses, or set one's address."""
    lg = ctx.obj.ledger()
    if email is None and not no_email:
        emit(lg.analysts(name), fmt, ANALYSTS)
        return
    if name is None:
        raise typer.BadParameter("name the analyst whose address to set", param_hint="NAME")
    d = lg.set_email(name, None if no_email else email)
    done(f"{d.key}: {'reminders go to ' + d.detail if d.detail else 'no address'}; "
         f"event {d.event}")


def remind(
    ctx: typer.Context,
    within: Annotated[Optional[date], typer.Option(
        parser=o.read_window, metavar="SPAN",
        help="Claims due within this window, and overdue ones (default 7d).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Show who would get what; send and log nothing.")] = False,
    fmt: o.TextOrJson = "text",
) -> None:
    """E-mail each analyst with an address the claims they must resolve soon or are overdue.

    Sends at most once a day per claim and analyst (safe in cron). SMTP settings come from
    LEDGER_SMTP_HOST, LEDGER_SMTP_PORT, LEDGER_SMTP_FROM, LEDGER_SMTP_STARTTLS, LEDGER_SMTP_USER
    and LEDGER_SMTP_PASSWORD."""
    from ledger.core.dates import parse_window

    lg = ctx.obj.ledger()
    until = within or parse_window("7d", today=lg.today())
    messages = lg.remind(until=until, dry_run=dry_run)
    rows = [{"analyst": m.analyst, "email": m.email, "claims": [c["key"] for c in m.claims],
             "subject": m.subject()} for m in messages]
    if fmt == "json":
        emit_json({"dry_run": dry_run, "until": until, "messages": rows})
        return
    verb = "would send" if dry_run else "sent"
    for r in rows:
        typer.echo(f"{verb} to {r['analyst']} <{r['email']}>: {', '.join(r['claims'])}")
    done(f"{verb} {len(rows)} message(s)" + ("" if rows else ": nothing due that was not "
                                                             "already sent today"))


def register(app: typer.Typer) -> None:
    app.command()(analyst)
    app.command()(remind)
