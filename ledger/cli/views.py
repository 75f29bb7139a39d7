"""Commands that read: list, show, due, log, phrases. Every one takes --format."""

from __future__ import annotations

from typing import Any, Optional

import typer

from ledger.cli.render import Format

LIST_TEXT = ["id", "key", "status", "author", "due", "p", "statement"]
LIST_FULL = ["id", "key", "status", "author", "made", "due", "known", "p", "subject", "tags",
             "version", "statement"]


def list_(
    ctx: typer.Context,
    status: Optional[str] = typer.Option(None, "--status", help="open, due, overdue, withdrawn, "
                                         "true, false, ambiguous, annulled, resolved, unresolved."),
    author: Optional[str] = typer.Option(None, "--author", help="Only claims by this analyst."),
    tag: Optional[str] = typer.Option(None, "--tag", help="Only claims with this tag."),
    subject: Optional[str] = typer.Option(None, "--subject", help="Only claims on this subject."),
    due_before: Optional[str] = typer.Option(None, "--due-before", help="Only claims due before this date."),
    fmt: Format = typer.Option(Format.text, "--format", help="Output format."),
) -> None:
    """List claims with their status and the author's latest probability."""
    from ledger.core.dates import parse_due
    from ledger.errors import UsageError
    from ledger.ops.common import today
    from ledger.ops.queries import STATUSES, list_claims

    if status and status not in STATUSES:
        raise UsageError(f"--status must be one of {', '.join(STATUSES)}")
    before = parse_due(due_before, today=today()) if due_before else None
    rows = list_claims(ctx.obj.open(), status=status, author=author, tag=tag, subject=subject,
                       due_before=before)
    _emit(rows, fmt, LIST_TEXT, LIST_FULL)


def _emit(rows: list[dict[str, Any]], fmt: Format, text_cols: list[str], full_cols: list[str]) -> None:
    from ledger.cli.render import fitted, table

    if fmt is Format.text:
        typer.echo(fitted(rows, text_cols, "statement", caps={"key": 26, "author": 14}))
    else:
        typer.echo(table(rows, fmt, full_cols))


def due(
    ctx: typer.Context,
    within: str = typer.Option("30d", "--within", help="How far ahead: 30d, 2w, 3m, 1y."),
    fmt: Format = typer.Option(Format.text, "--format", help="Output format."),
) -> None:
    """Unresolved claims due within the window, overdue ones included."""
    from ledger.core.dates import parse_span
    from ledger.ops.common import today
    from ledger.ops.queries import due_claims

    until = parse_span(f"+{within.strip().lstrip('+')}", today=today()).end
    rows = due_claims(ctx.obj.open(), until=until)
    _emit(rows, fmt, LIST_TEXT, LIST_FULL)


def show(
    ctx: typer.Context,
    claim: str = typer.Argument(..., help="Claim id or key."),
    fmt: Format = typer.Option(Format.text, "--format", help="Output format."),
) -> None:
    """The whole story of a claim: words, source, dates, forecasts, evidence, resolutions."""
    from ledger.cli.render import table, to_json
    from ledger.ops.queries import show_claim

    story = show_claim(ctx.obj.open(), claim)
    if fmt is Format.json:
        typer.echo(to_json(story))
        return
    if fmt is Format.csv:
        flat = [{"section": "claim", **{k: v for k, v in story.items()
                                          if not isinstance(v, (list, dict))}}]
        typer.echo(table(flat, fmt))
        for name in ("forecasts", "evidence", "resolutions"):
            if story[name]:
                typer.echo(table([{"section": name, **r} for r in story[name]], fmt))
        return
    typer.echo(render_story(story, fmt))


def render_story(s: dict[str, Any], fmt: Format) -> str:
    import textwrap

    from ledger.cli.render import fitted, table

    md = fmt is Format.md
    wrap = (lambda t: t) if md else (lambda t: textwrap.fill(
        t, 98, subsequent_indent="  ", break_on_hyphens=False, break_long_words=False))
    h = (lambda t: f"\n## {t}\n") if md else (lambda t: f"\n{t}\n{'-' * len(t)}")
    lines = [f"# {s['key']} (id {s['id']})" if md else f"{s['key']} (id {s['id']}): {s['status']}"]
    if md:
        lines.append(f"\nstatus: **{s['status']}**")
    lines.append(wrap(f"Statement: {s['statement']}"))
    if s["quote"]:
        lines.append(wrap(f"Quote: \u201c{s['quote']}\u201d"))
    src = s["source"]
    if src:
        when = src["published_at"].strftime("%Y-%m-%d %H:%M UTC") if src["published_at"] else src["published_on"]
        by = f" by {', '.join(src['authors'])}" if src["authors"] else ""
        lines.append(wrap(f"Source: {src['title']} ({src['outlet'] or 'no outlet'}{by}, {when})"
                          + (f" {src['url']}" if src["url"] else "")))
    lines.append(wrap(f"Author: {s['author']}; subject: {s['subject'] or '-'}; tags: "
                      f"{', '.join(s['tags']) or '-'}"))
    basis = {"stated": "stated in the text", "inferred": "inferred from the wording",
             "assigned": "assigned by the recorder"}[s["due_basis"]]
    lines.append(wrap(f"Made {s['made_on']}; due {s['due_on']} ({basis}"
                      + (f": {s['due_note']}" if s["due_note"] else "") + ")"))
    if s["criteria"]:
        lines.append(wrap(f"Criteria: {s['criteria']}"))
    if s["withdrawn_on"]:
        lines.append(wrap(f"Withdrawn {s['withdrawn_on']}" + (f": {s['withdrawn_note']}" if s["withdrawn_note"] else "")))
    lines.append(wrap(f"Recorded by {s['recorded_by']} at {s['recorded_at']:%Y-%m-%d %H:%M} UTC; "
                      f"version {s['version']}"))
    lines.append(h("Forecasts"))
    rows = [{"id": f["id"], "on": f["on"], "by": f["by"], "p": f["probability"],
             "given": f["given"] + (" (vague)" if f["vague"] else ""),
             "band": f"{f['band'][0]:.2f}-{f['band'][1]:.2f}" if f["band"] else "", "note": f["note"]}
            for f in s["forecasts"]]
    cols = ["id", "on", "by", "p", "given", "band", "note"]
    lines.append((fitted(rows, cols, "note", caps={"by": 16, "given": 24}) if not md
                  else table(rows, fmt, cols)) if rows else "(none)")
    lines.append(h("Evidence"))
    for e in s["evidence"]:
        cite = f" [{e['citation']}]" if e["citation"] else ""
        lines.append(wrap(f"#{e['id']} {e['on']} {e['stance']}: {e['summary']}{cite}"
                          + (f" {e['url']}" if e["url"] else "")))
    if not s["evidence"]:
        lines.append("(none)")
    lines.append(h("Resolution"))
    for r in s["resolutions"]:
        state = "current" if r["current"] else f"superseded {r['superseded_at']:%Y-%m-%d}: {r['superseded_note']}"
        ev = f"; evidence {', '.join('#' + str(i) for i in r['evidence'])}" if r["evidence"] else ""
        lines.append(wrap(f"r{r['revision']} {r['outcome']} (known {r['known_on']}, by {r['resolved_by']}"
                          f"{ev}) [{state}]"))
        if r["rationale"]:
            lines.append(wrap(f"  Rationale: {r['rationale']}"))
    if not s["resolutions"]:
        lines.append("(not resolved)")
    return "\n".join(lines)


def log(
    ctx: typer.Context,
    claim: Optional[str] = typer.Argument(None, help="Only this claim's events."),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="The last N events."),
    fmt: Format = typer.Option(Format.text, "--format", help="Output format."),
) -> None:
    """The audit log: who changed what, when, with before and after (json)."""
    from ledger.cli.render import fitted, table
    from ledger.ops.queries import log as read_log

    rows = read_log(ctx.obj.open(), claim, limit=limit)
    if fmt is Format.text:
        for r in rows:
            r["at"] = r["at"].strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(fitted(rows, ["id", "at", "actor", "action", "claim", "summary"], "summary",
                          caps={"actor": 12}))
    elif fmt is Format.json:
        typer.echo(table(rows, fmt, ["id", "at", "actor", "action", "claim", "summary", "before",
                                     "after", "hash"]))
    else:
        typer.echo(table(rows, fmt, ["id", "at", "actor", "action", "claim", "summary", "hash"]))


def phrases(
    fmt: Format = typer.Option(Format.text, "--format", help="Output format."),
) -> None:
    """The phrase table: each phrase, its number, band, basis; vague ones are never scored."""
    from ledger.cli.render import table
    from ledger.core.probability import phrase_table

    rows = [{"phrase": p.name, "p": p.p, "band": f"{p.band[0]:.2f}-{p.band[1]:.2f}",
             "vague": "yes" if p.vague else "", "aliases": ", ".join(p.aliases),
             "source": p.source} for p in phrase_table().values()]
    if fmt is Format.text:
        from ledger.cli.render import fitted

        typer.echo(fitted(rows, ["phrase", "p", "band", "vague", "aliases"], "aliases"))
    else:
        typer.echo(table(rows, fmt))


def register(app: typer.Typer) -> None:
    app.command("list", rich_help_panel="Review")(list_)
    for fn in (show, due, log, phrases):
        app.command(rich_help_panel="Review")(fn)
