"""Commands that change the ledger: source add, add, forecast, evidence, resolve, reopen,
withdraw, edit. Each parses its input, calls one function in ``ledger.ops.changes``, and
reports what it did on stderr (stdout stays for data: the new id or key)."""

from __future__ import annotations

from typing import Optional

import typer

from ledger.cli.render import Format

source_app = typer.Typer(help="Record and list sources (articles, notes, reports).",
                         no_args_is_help=True)


def _today():  # noqa: ANN202 - tiny indirection so the date comes from one place
    from ledger.ops.common import today

    return today()


def _day(text: str, what: str):  # noqa: ANN202
    from ledger.core.dates import parse_day

    return parse_day(text, today=_today(), what=what)


def _prob(text: str):  # noqa: ANN202
    from ledger.core.probability import parse_probability

    return parse_probability(text)


def _read_version(store, claim: str, if_version: int | None) -> int:  # noqa: ANN001
    """The version the change must find: the caller's --if-version, else what we read now."""
    from ledger.ops.queries import claim_version

    return if_version if if_version is not None else claim_version(store, claim)


def _done(done, verb: str) -> None:  # noqa: ANN001
    label = f"{done.entity} {done.id}" + (f" ({done.key})" if done.key and done.entity != "claim" else "")
    if done.entity == "claim":
        label = f"claim {done.key} (id {done.id})"
    typer.echo(f"{verb} {label}; event {done.event}", err=True)


@source_app.command("add")
def source_add(
    ctx: typer.Context,
    title: str = typer.Argument(..., help="Title of the article or report."),
    key: Optional[str] = typer.Option(None, "--key", help="Short unique slug (default: from the title)."),
    outlet: Optional[str] = typer.Option(None, "--outlet", help="Publication, column or channel."),
    url: Optional[str] = typer.Option(None, "--url", help="Where it can be read."),
    published: Optional[str] = typer.Option(None, "--published", help="Publication date, or an "
                                            "instant such as '2015-02-20T05:58Z'."),
    author: list[str] = typer.Option([], "--author", help="Author name (repeat for several)."),
) -> None:
    """Record a source that claims can cite."""
    from ledger.ops import changes

    on = at = None
    if published:
        on, at = _published(published)
    store = ctx.obj.open()
    done = changes.add_source(store, ctx.obj.actor, title=title, key=key, outlet=outlet, url=url,
                              published_on=on, published_at=at, authors=author)
    _done(done, "recorded")
    typer.echo(done.key)


def _published(text: str):  # noqa: ANN202
    """A day, or an ISO instant with a zone (``2015-02-20T05:58Z``)."""
    import re
    from datetime import datetime, timezone

    from ledger.core.dates import DateError

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})", text.strip()):
        try:
            at = datetime.fromisoformat(text.strip().replace("Z", "+00:00")).astimezone(timezone.utc)
        except ValueError:
            raise DateError(f"cannot read instant {text!r}") from None
        return at.date(), at
    return _day(text, "publication date"), None


@source_app.command("list")
def source_list(
    ctx: typer.Context,
    fmt: Format = typer.Option(Format.text, "--format", help="Output format."),
) -> None:
    """List sources with their authors and how many claims cite each."""
    from ledger.cli.render import fitted, table
    from ledger.ops.queries import list_sources

    rows = list_sources(ctx.obj.open())
    cols = ["id", "key", "title", "outlet", "published", "authors", "claims"]
    if fmt is Format.text:
        typer.echo(fitted(rows, cols, "title", caps={"key": 24, "outlet": 20, "authors": 20}))
    else:
        typer.echo(table(rows, fmt, cols + (["url"] if fmt in (Format.json, Format.csv) else [])))


def add(
    ctx: typer.Context,
    statement: str = typer.Argument(..., help="The claim in plain, checkable words."),
    author: Optional[str] = typer.Option(None, "--author", help="Who made the claim (default: you)."),
    made: str = typer.Option("today", "--made", help="When it was made (a day)."),
    due: str = typer.Option(..., "--due", help="When it falls due: 2015-12-31, 2015Q4, end of 2015, +6 months..."),
    due_basis: str = typer.Option("stated", "--due-basis",
                                  help="How the due date came about: stated, inferred or assigned."),
    due_note: Optional[str] = typer.Option(None, "--due-note", help="Why (required when assigned)."),
    prob: Optional[str] = typer.Option(None, "--prob", "-p",
                                       help="The author's confidence: 0.7, 70%, 7:3 or a phrase."),
    phrase: Optional[str] = typer.Option(None, "--phrase", help="The author's words ('will likely')."),
    key: Optional[str] = typer.Option(None, "--key", help="Short unique slug (default: from the statement)."),
    source: Optional[str] = typer.Option(None, "--source", help="Source id or key."),
    quote: Optional[str] = typer.Option(None, "--quote", help="The author's own words."),
    criteria: Optional[str] = typer.Option(None, "--criteria", help="How it will be judged."),
    subject: Optional[str] = typer.Option(None, "--subject", help="What it is about (e.g. Xiaomi)."),
    tag: list[str] = typer.Option([], "--tag", help="A tag (repeat for several)."),
) -> None:
    """Record a claim. The author's confidence, if given, is its first forecast."""
    from ledger.core.dates import parse_due
    from ledger.errors import UsageError
    from ledger.ops import changes

    if prob and phrase:
        raise UsageError("give --prob or --phrase, not both")
    p = _prob(prob or phrase) if (prob or phrase) else None
    made_on = _day(made, "made date")
    due_on = parse_due(due, today=_today())
    store = ctx.obj.open()
    done = changes.add_claim(
        store, ctx.obj.actor, statement=statement, author=author or ctx.obj.actor, made_on=made_on,
        due_on=due_on, due_basis=due_basis, due_note=due_note, key=key, source=source,
        quote=quote, criteria=criteria, subject=subject, tags=tag, probability=p,
    )
    _done(done, "recorded")
    if p is not None and p.vague:
        typer.echo(f"note: {p.given!r} is a phrase of mere possibility; it is recorded but too "
                   "vague to score", err=True)
    typer.echo(done.key)


def forecast(
    ctx: typer.Context,
    claim: str = typer.Argument(..., help="Claim id or key."),
    probability: str = typer.Argument(..., help="0.7, 70%, 7:3 or a phrase such as 'likely'."),
    by: Optional[str] = typer.Option(None, "--by", help="Whose forecast (default: you)."),
    on: str = typer.Option("today", "--on", help="When it was made (a day)."),
    note: Optional[str] = typer.Option(None, "--note", help="Why."),
) -> None:
    """Add a forecast on a claim (yours, or another analyst's with --by)."""
    from ledger.ops import changes

    p = _prob(probability)
    day = _day(on, "forecast date")
    done = changes.add_forecast(ctx.obj.open(), ctx.obj.actor, claim, p, by=by, on=day, note=note)
    _done(done, "recorded")
    typer.echo(str(done.id))


def evidence(
    ctx: typer.Context,
    claim: str = typer.Argument(..., help="Claim id or key."),
    summary: str = typer.Argument(..., help="What was observed."),
    url: Optional[str] = typer.Option(None, "--url", help="Where it was reported."),
    on: str = typer.Option(..., "--on", help="The day it became known."),
    stance: str = typer.Option("context", "--stance", help="supports, refutes or context."),
    citation: Optional[str] = typer.Option(None, "--citation", help="Outlet, author, title."),
) -> None:
    """Add a dated observation about a claim."""
    from ledger.ops import changes

    day = _day(on, "evidence date")
    done = changes.add_evidence(ctx.obj.open(), ctx.obj.actor, claim, summary, on=day, url=url,
                                citation=citation, stance=stance)
    _done(done, "recorded")
    typer.echo(str(done.id))


def resolve(
    ctx: typer.Context,
    claim: str = typer.Argument(..., help="Claim id or key."),
    outcome: str = typer.Argument(..., help="true, false, ambiguous or annulled."),
    on: str = typer.Option(..., "--on", help="The day the outcome became known."),
    note: Optional[str] = typer.Option(None, "--note", help="The rationale."),
    evidence_id: list[int] = typer.Option([], "--evidence", help="Evidence id it rests on (repeat)."),
    revise: bool = typer.Option(False, "--revise", help="Replace the current resolution (kept in history)."),
    if_version: Optional[int] = typer.Option(None, "--if-version",
                                             help="Refuse if the claim's version is no longer this."),
) -> None:
    """Resolve a claim. Only true and false are scored; ambiguous and annulled are counted."""
    from ledger.ops import changes

    day = _day(on, "resolution date")
    store = ctx.obj.open()
    expected = _read_version(store, claim, if_version)
    done = changes.resolve(store, ctx.obj.actor, claim, outcome, on=day, note=note,
                           evidence=evidence_id, revise=revise, expected_version=expected)
    _done(done, f"resolved {done.key} as {done.detail}:")


def reopen(
    ctx: typer.Context,
    claim: str = typer.Argument(..., help="Claim id or key."),
    note: str = typer.Option(..., "--note", help="Why the resolution is undone."),
    if_version: Optional[int] = typer.Option(None, "--if-version", help="Expected claim version."),
) -> None:
    """Undo a claim's resolution; the old one stays in the history."""
    from ledger.ops import changes

    store = ctx.obj.open()
    expected = _read_version(store, claim, if_version)
    _done(changes.reopen(store, ctx.obj.actor, claim, note=note, expected_version=expected),
          "reopened")


def withdraw(
    ctx: typer.Context,
    claim: str = typer.Argument(..., help="Claim id or key."),
    on: str = typer.Option("today", "--on", help="When it was withdrawn (before it fell due)."),
    note: Optional[str] = typer.Option(None, "--note", help="Why."),
    if_version: Optional[int] = typer.Option(None, "--if-version", help="Expected claim version."),
) -> None:
    """Withdraw a claim before it falls due: counted, never scored."""
    from ledger.ops import changes

    day = _day(on, "withdrawal date")
    store = ctx.obj.open()
    expected = _read_version(store, claim, if_version)
    _done(changes.withdraw(store, ctx.obj.actor, claim, on=day, note=note,
                           expected_version=expected), "withdrew")


def edit(
    ctx: typer.Context,
    claim: str = typer.Argument(..., help="Claim id or key."),
    statement: Optional[str] = typer.Option(None, "--statement", help="New wording of the claim."),
    key: Optional[str] = typer.Option(None, "--key", help="Rename the key."),
    quote: Optional[str] = typer.Option(None, "--quote", help="The author's own words."),
    criteria: Optional[str] = typer.Option(None, "--criteria", help="How it will be judged."),
    subject: Optional[str] = typer.Option(None, "--subject", help="What it is about."),
    made: Optional[str] = typer.Option(None, "--made", help="When it was made (a day)."),
    due: Optional[str] = typer.Option(None, "--due", help="A due date (a period means its last day)."),
    due_basis: Optional[str] = typer.Option(None, "--due-basis", help="stated, inferred or assigned."),
    due_note: Optional[str] = typer.Option(None, "--due-note", help="Why the due date is what it is."),
    source: Optional[str] = typer.Option(None, "--source", help="Source id or key."),
    tag: list[str] = typer.Option([], "--tag", help="Add a tag (repeat)."),
    untag: list[str] = typer.Option([], "--untag", help="Remove a tag (repeat)."),
    if_version: Optional[int] = typer.Option(None, "--if-version", help="Expected claim version."),
) -> None:
    """Change a claim's words, dates or tags. The audit log keeps what it was."""
    from ledger.core.dates import parse_due
    from ledger.ops import changes

    values = {"statement": statement, "key": key, "quote": quote, "criteria": criteria,
              "subject": subject, "due_basis": due_basis, "due_note": due_note, "source": source}
    fields = {k: v for k, v in values.items() if v is not None}
    if made is not None:
        fields["made_on"] = _day(made, "made date")
    if due is not None:
        fields["due_on"] = parse_due(due, today=_today())
    store = ctx.obj.open()
    expected = _read_version(store, claim, if_version)
    _done(changes.edit(store, ctx.obj.actor, claim, changes=fields, add_tags=tag,
                       remove_tags=untag, expected_version=expected), "edited")


def register(app: typer.Typer) -> None:
    app.add_typer(source_app, name="source", rich_help_panel="Record")
    for fn in (add, forecast, evidence, resolve, reopen, withdraw, edit):
        app.command(rich_help_panel="Record")(fn)
