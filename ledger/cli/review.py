"""Commands that read: list, show, due, log, phrases, source list. Every one takes --format;
their JSON is the vocabulary of ``docs/json.md``."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ledger.cli import complete
from ledger.cli import options as o
from ledger.cli.record import source_app
from ledger.cli.render import (
    Columns,
    done,
    emit,
    emit_json,
    page,
    resolve_out,
    write_output,
)

if TYPE_CHECKING:
    from ledger.api import Ledger

LABELS = {"made_on": "made", "due_on": "due", "known_on": "known", "probability": "p",
          "claim_count": "claims", "published_on": "published", "claim_id": "claim"}
CLAIMS = Columns(
    text=["id", "key", "status", "author", "due_on", "probability", "statement"],
    full=["id", "key", "status", "author", "made_on", "due_on", "known_on", "probability",
          "subject", "tags", "version", "statement"],
    labels=LABELS, shrink="statement", caps={"key": 26, "author": 14})
SOURCES = Columns(
    text=["id", "key", "title", "outlet", "published_on", "authors", "claim_count"],
    full=["id", "key", "title", "outlet", "published_on", "authors", "claim_count", "url"],
    labels=LABELS, shrink="title", caps={"key": 24, "outlet": 20, "authors": 20})
EVENTS = Columns(
    text=["id", "at", "actor", "action", "claim_id", "summary"],
    full=["id", "at", "actor", "action", "claim_id", "summary", "hash", "signed"],
    labels=LABELS, shrink="summary", caps={"actor": 12})
PHRASES = Columns(
    text=["phrase", "probability", "band", "vague", "aliases"],
    full=["phrase", "probability", "band", "vague", "aliases", "source"],
    labels=LABELS, shrink="aliases")


Limit = Annotated[Optional[int], typer.Option(
    min=1, max=10**9, metavar="N", help="Show the first N rows (the rest are counted on stderr).")]
Analyst = Annotated[Optional[str], typer.Option(
    metavar="NAME", help="Only claims by this analyst (any case; an unknown name is refused).",
    autocompletion=complete.analyst_names)]


def _listing(lg: Ledger, f: Any, limit: int | None, fmt: str) -> None:
    """Claims as a listing, streamed (``ledger.cli.stream``); with ``limit``, the first so
    many, and how many more there are on stderr."""
    from ledger.cli.stream import emit_rows

    if limit is not None:
        total = lg.claim_count(f)
        if total > limit:
            done(f"... and {total - limit} more (showing {limit}; raise --limit to see more)")
    emit_rows(lambda: lg.claim_rows(f, limit=limit), fmt, CLAIMS)


def list_(
    ctx: typer.Context,
    status: o.StatusOpt = None,
    author: Analyst = None,
    tag: Annotated[Optional[str], typer.Option(help="Only claims with this tag.")] = None,
    subject: Annotated[Optional[str], typer.Option(help="Only claims on this subject.")] = None,
    due_before: Annotated[Optional[date], typer.Option(
        parser=o.read_due, metavar="DATE", help="Only claims due before this date.")] = None,
    limit: Limit = None,
    fmt: o.ListingFormat = "text",
) -> None:
    """List claims with their status and the author's latest probability."""
    from ledger.ops.queries import ClaimFilter

    _listing(ctx.obj.ledger(), ClaimFilter(status, author, tag, subject, due_before), limit, fmt)


def due(
    ctx: typer.Context,
    within: Annotated[Optional[date], typer.Option(
        parser=o.read_window, metavar="SPAN",
        help="How far ahead: 30d, 2w, 3m, 1y (default 30d).")] = None,
    week: Annotated[bool, typer.Option(
        "--week", help="Due by the end of this calendar week (Monday to Sunday).")] = False,
    by: Annotated[Optional[str], typer.Option(
        metavar="NAME", help="Only claims this analyst made or holds a forecast on.",
        autocompletion=complete.analyst_names)] = None,
    limit: Limit = None,
    fmt: Annotated[o.DueFormatChoice, typer.Option(
        "--format", help="text, md, json, csv, or ics: an iCalendar feed (RFC 5545) with "
                         "stable entries, for a calendar to subscribe to.")] = "text",
    out: o.Out = None,
    force: o.Force = False,
) -> None:
    """Unresolved claims due within the window, overdue ones first."""
    from datetime import timedelta

    from ledger.core.dates import parse_window

    lg = ctx.obj.ledger()
    if week and within is not None:
        raise typer.BadParameter("give --week or --within, not both", param_hint="--week")
    today = lg.today()
    until = (today + timedelta(days=6 - today.weekday()) if week
             else within or parse_window("30d", today=today))
    if fmt == "ics":
        text = lg.due_calendar(until=until, by=by)
        if out is None:
            sys.stdout.write(text)
        else:
            path = resolve_out(out, "due.ics")
            write_output(path, lambda fh: fh.write(text), force=force)
            done(f"wrote {path}")
        return
    from ledger.ops.queries import ClaimFilter

    _listing(lg, ClaimFilter(status="unresolved", due_by=until, by=by), limit, fmt)


def show(ctx: typer.Context, claim: o.ClaimArg, fmt: o.ListingFormat = "text") -> None:
    """The whole story of a claim: words, source, dates, forecasts, evidence, resolutions."""
    from ledger.cli.story import render_story, story_csv

    story = ctx.obj.ledger().show(claim)
    if fmt == "json":
        emit_json(story)
    elif fmt == "csv":
        typer.echo(story_csv(story))
    else:
        from ledger.core.safety import for_markdown, for_terminal

        text = render_story(story, md=fmt == "md")
        page(for_markdown(text) if fmt == "md" else for_terminal(text))


def log(
    ctx: typer.Context,
    claim: Annotated[Optional[str], typer.Argument(
        metavar="[CLAIM]", help="Only this claim's events.", show_default=False)] = None,
    limit: Annotated[Optional[int], typer.Option(min=1, max=10**9, metavar="N",
                                                 help="The last N events.")] = None,
    fmt: o.ListingFormat = "text",
) -> None:
    """The audit log: who changed what, when, with before and after (json). A change signed
    with its actor's key shows their name with a ✓ (`db check` verifies every signature)."""
    rows = ctx.obj.ledger().log(claim, limit=limit)
    if fmt in ("text", "md"):
        rows = [{**r, "actor": f"{r['actor']} ✓" if r["signed"] else r["actor"]}
                for r in rows]
    emit(rows, fmt, EVENTS)


def phrases(fmt: o.ListingFormat = "text") -> None:
    """The phrase table: each phrase, its number, band, basis; vague ones are never scored."""
    from ledger.core.probability import phrase_table

    rows: list[dict[str, Any]] = [
        {"phrase": p.name, "probability": p.p, "band": list(p.band), "vague": p.vague,
         "aliases": list(p.aliases), "source": p.source} for p in phrase_table().values()]
    if fmt in ("text", "md"):
        rows = [{**r, "band": f"{r['band'][0]:.2f}-{r['band'][1]:.2f}"} for r in rows]
    emit(rows, fmt, PHRASES)


@source_app.command("list")
def source_list(ctx: typer.Context, fmt: o.ListingFormat = "text") -> None:
    """List sources with their authors and how many claims cite each."""
    emit(ctx.obj.ledger().sources(), fmt, SOURCES)


def register(app: typer.Typer) -> None:
    app.command("list")(list_)
    for fn in (show, due, log, phrases):
        app.command()(fn)
