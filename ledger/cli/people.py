"""`ledger analyst` (who is who, and where reminders go) and `ledger remind`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Optional

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

    Sends at most once a day per claim and analyst (safe in cron), to each analyst on their
    own: one refused address never stops the others. Exit 0 when every message went out, 1
    when any could not be sent (each named on stderr; the others were sent and logged, and
    the next run tries the failed ones again). SMTP settings come from LEDGER_SMTP_HOST,
    LEDGER_SMTP_PORT, LEDGER_SMTP_FROM, LEDGER_SMTP_STARTTLS, LEDGER_SMTP_USER and
    LEDGER_SMTP_PASSWORD."""
    from ledger.core.dates import parse_window

    lg = ctx.obj.ledger()
    until = within or parse_window("7d", today=lg.today())

    def heard(m: Any) -> None:
        if m.error:
            typer.echo(f"not sent to {m.analyst} <{m.email!r}>: {m.error}", err=True)

    messages = lg.remind(until=until, dry_run=dry_run, report=heard if fmt != "json" else None)
    rows = [{"analyst": m.analyst, "email": m.email, "claims": [c["key"] for c in m.claims],
             "subject": m.subject(), "sent": bool(getattr(m, "sent", False)),
             "error": m.error} for m in messages]
    failed = [r for r in rows if r["error"]]
    if fmt == "json":
        emit_json({"dry_run": dry_run, "until": until, "messages": rows})
    else:
        verb = "would send" if dry_run else "sent"
        for r in rows:
            if not r["error"]:
                typer.echo(f"{verb} to {r['analyst']} <{r['email']}>: {', '.join(r['claims'])}")
        tail = f"; {len(failed)} could not be sent (see above)" if failed else ""
        done(f"{verb} {len(rows) - len(failed)} message(s){tail}"
             + ("" if rows else ": nothing due that was not already sent today"))
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(analyst)
    app.command()(remind)
