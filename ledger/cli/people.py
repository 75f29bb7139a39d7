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


VERBS = ("add", "rename", "merge")


def analyst(
    ctx: typer.Context,
    words: Annotated[Optional[list[str]], typer.Argument(
        metavar="[NAME | add NAME | rename OLD NEW | merge A INTO B]", show_default=False,
        autocompletion=complete.analyst_names,
        help="An analyst to show or change (any case); `add NAME` registers someone, "
        "`rename OLD NEW` renames, `merge A INTO B` makes two names one person. Without "
        "any, every analyst is listed.")] = None,
    email: Annotated[Optional[str], typer.Option(
        metavar="ADDR", help="Where `ledger remind` writes to them.")] = None,
    no_email: Annotated[bool, typer.Option(
        "--no-email", help="Stop reminding them (remove the address).")] = False,
    affiliation: Annotated[Optional[str], typer.Option(
        metavar="TEXT", help="With `add`: where they work.")] = None,
    fmt: o.ListingFormat = "text",
) -> None:
    """List analysts with their claims, forecasts and addresses; add, rename or merge them;
    set one's address. Every change is audited."""
    lg = ctx.obj.ledger()
    words = words or []
    if words and words[0] in VERBS:
        _verb(lg, words, email, affiliation)
        return
    if len(words) > 1:
        raise typer.BadParameter(f"one name at a time (or {', '.join(VERBS)})",
                                 param_hint="NAME")
    name = words[0] if words else None
    if email is None and not no_email:
        emit(lg.analysts(name), fmt, ANALYSTS)
        return
    if name is None:
        raise typer.BadParameter("name the analyst whose address to set", param_hint="NAME")
    d = lg.set_email(name, None if no_email else email)
    done(f"{d.key}: {'reminders go to ' + d.detail if d.detail else 'no address'}; "
         f"event {d.event}")


def _verb(lg: Any, words: list[str], email: str | None, affiliation: str | None) -> None:
    verb, args = words[0], words[1:]
    if verb == "add" and len(args) == 1:
        d = lg.add_analyst(args[0], email=email, affiliation=affiliation)
        done(f"added analyst {d.key}; event {d.event}")
    elif verb == "rename" and len(args) == 2:
        d = lg.rename_analyst(args[0], args[1])
        done(f"renamed {d.detail} to {d.key}; event {d.event}")
    elif verb == "merge" and len(args) in (2, 3) and (len(args) == 2 or args[1] == "INTO"):
        d = lg.merge_analysts(args[0], args[-1])
        done(f"merged {d.detail} into {d.key}; event {d.event}")
    else:
        usage = {"add": "add NAME", "rename": "rename OLD NEW", "merge": "merge A INTO B"}
        raise typer.BadParameter(f"use `ledger analyst {usage[verb]}`", param_hint="NAME")


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
