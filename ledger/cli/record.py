"""Commands that change the ledger: source add, add, forecast, evidence, resolve, reopen,
withdraw, edit. Each parses its input, makes one call on ``ledger.Ledger``, and reports what it
did on stderr (stdout stays for data: the new id or key)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ledger.cli import options as o
from ledger.cli.render import done
from ledger.core.rules import DueBasis

if TYPE_CHECKING:
    from ledger.core.probability import Probability
    from ledger.ops.changes import Done

source_app = typer.Typer(help="Record and list sources (articles, notes, reports).",
                         no_args_is_help=True)


def _report(d: Done, verb: str) -> None:
    if d.entity == "claim":
        label = f"claim {d.key} (id {d.id})"
    else:
        label = f"{d.entity} {d.id}" + (f" ({d.key})" if d.key else "")
    done(f"{verb} {label}; event {d.event}")


def _published(text: str) -> object:
    from ledger.core.dates import DateError, parse_instant

    try:
        return parse_instant(text, today=o._today(), what="publication date")
    except DateError as exc:
        raise typer.BadParameter(str(exc)) from None


@source_app.command("add")
def source_add(
    ctx: typer.Context,
    title: Annotated[
        str, typer.Argument(help="Title of the article or report.", show_default=False)
    ],
    key: Annotated[
        Optional[str], typer.Option(help="Short unique slug (default: from the title).")
    ] = None,
    outlet: Annotated[Optional[str], typer.Option(help="Publication, column or channel.")] = None,
    url: Annotated[Optional[str], typer.Option(help="Where it can be read.")] = None,
    published: Annotated[
        Optional[object],
        typer.Option(
            parser=_published,
            metavar="DATE|INSTANT",
            help="Publication day, or an instant such as '2015-02-20T05:58Z'.",
        ),
    ] = None,
    author: Annotated[
        Optional[list[str]], typer.Option(help="Author name (repeat for several).")
    ] = None,
) -> None:
    """Record a source that claims can cite."""
    on, at = published if isinstance(published, tuple) else (None, None)
    d = ctx.obj.ledger().add_source(
        title,
        key=key,
        outlet=outlet,
        url=url,
        published_on=on,
        published_at=at,
        authors=author or [],
    )
    _report(d, "recorded")
    typer.echo(d.key)


def add(
    ctx: typer.Context,
    statement: Annotated[
        str, typer.Argument(help="The claim in plain, checkable words.", show_default=False)
    ],
    due: o.Due,
    author: Annotated[
        Optional[str], typer.Option(help="Who made the claim (default: you).")
    ] = None,
    made: o.Made = "today",  # type: ignore[assignment]
    due_basis: o.DueBasisOpt = "stated",
    due_note: Annotated[
        Optional[str], typer.Option(help="Why the due date is what it is (required when assigned).")
    ] = None,
    prob: o.Prob = None,
    phrase: Annotated[
        Optional[str],
        typer.Option(help="The author's own words ('will likely'), read through the phrase table."),
    ] = None,
    key: Annotated[
        Optional[str], typer.Option(help="Short unique slug (default: from the statement).")
    ] = None,
    source: Annotated[Optional[str], typer.Option(help="Source id or key.")] = None,
    quote: Annotated[Optional[str], typer.Option(help="The author's own words, verbatim.")] = None,
    criteria: Annotated[Optional[str], typer.Option(help="How it will be judged.")] = None,
    subject: Annotated[Optional[str], typer.Option(help="What it is about (e.g. Xiaomi).")] = None,
    tag: Annotated[Optional[list[str]], typer.Option(help="A tag (repeat for several).")] = None,
) -> None:
    """Record a claim. The author's confidence, if given, is its first forecast."""
    if prob is not None and phrase:
        raise typer.BadParameter("give --prob or --phrase, not both", param_hint="--phrase")
    p = prob if prob is not None else (o.read_probability(phrase) if phrase else None)
    d = ctx.obj.ledger().add_claim(
        statement,
        author=author,
        made_on=made,
        due_on=due,
        due_basis=due_basis,
        due_note=due_note,
        key=key,
        source=source,
        quote=quote,
        criteria=criteria,
        subject=subject,
        tags=tag or [],
        probability=p,
    )
    _report(d, "recorded")
    if d.detail:
        done(f"warning: nearly the same as open claim {d.detail}; if it is one claim recorded "
             f"twice, `ledger merge {d.key} {d.detail}` folds it in")
    if p is not None and p.vague:
        done(
            f"note: {p.given!r} is a phrase of mere possibility; it is recorded but too vague "
            "to score"
        )
    typer.echo(d.key)


def forecast(
    ctx: typer.Context,
    claim: o.ClaimArg,
    probability: Annotated[
        object,
        typer.Argument(
            parser=o.read_probability,
            metavar="P",
            show_default=False,
            help="0.7, 70%, 7:3 or a phrase such as 'likely'.",
        ),
    ],
    by: Annotated[Optional[str], typer.Option(help="Whose forecast (default: you).")] = None,
    on: o.On = "today",  # type: ignore[assignment]
    note: o.Note = None,
) -> None:
    """Add a forecast on a claim (yours, or another analyst's with --by)."""
    p: Probability = probability  # type: ignore[assignment]
    d = ctx.obj.ledger().forecast(claim, p, by=by, on=on, note=note)
    _report(d, "recorded")
    typer.echo(str(d.id))


def evidence(
    ctx: typer.Context,
    claim: o.ClaimArg,
    summary: Annotated[str, typer.Argument(help="What was observed.", show_default=False)],
    on: o.On,
    url: Annotated[Optional[str], typer.Option(help="Where it was reported.")] = None,
    stance: o.StanceOpt = "context",
    citation: Annotated[Optional[str], typer.Option(help="Outlet, author, title.")] = None,
) -> None:
    """Add a dated observation about a claim."""
    d = ctx.obj.ledger().add_evidence(
        claim, summary, on=on, url=url, citation=citation, stance=stance
    )
    _report(d, "recorded")
    typer.echo(str(d.id))


def resolve(
    ctx: typer.Context,
    claim: o.ClaimArg,
    outcome: o.OutcomeArg,
    on: o.On,
    note: Annotated[Optional[str], typer.Option(metavar="TEXT", help="The rationale.")] = None,
    evidence_id: Annotated[
        Optional[list[int]],
        typer.Option("--evidence", metavar="ID", help="Evidence id it rests on (repeat)."),
    ] = None,
    revise: Annotated[
        bool,
        typer.Option("--revise", help="Replace the current resolution (it stays in the history; "
                                      "its evidence and readings carry over unless given anew)."),
    ] = False,
    alt: Annotated[
        Optional[list[str]],
        typer.Option("--alt", metavar="OUTCOME",
                     help="Another defensible reading of the criteria (repeat): scored as "
                          "recorded, shown as the Brier range."),
    ] = None,
    alt_note: Annotated[
        Optional[list[str]],
        typer.Option("--alt-note", metavar="TEXT",
                     help="Why that reading is defensible: one per --alt, in order."),
    ] = None,
    if_version: o.IfVersion = None,
) -> None:
    """Resolve a claim. Only true and false are scored; ambiguous and annulled are counted."""
    alts, notes = list(alt or []), list(alt_note or [])
    if len(alts) != len(notes):
        raise typer.BadParameter(f"give one --alt-note per --alt ({len(alts)} --alt, "
                                 f"{len(notes)} --alt-note)", param_hint="'--alt-note'")
    d = ctx.obj.ledger().resolve(
        claim,
        outcome,
        on=on,
        note=note,
        evidence=evidence_id,
        revise=revise,
        readings=list(zip(alts, notes, strict=True)) if alts else None,
        if_version=if_version,
    )
    _report(d, f"resolved {d.key} as {d.detail}:")


def reopen(
    ctx: typer.Context,
    claim: o.ClaimArg,
    note: Annotated[str, typer.Option(metavar="TEXT", help="Why the resolution is undone.")],
    if_version: o.IfVersion = None,
) -> None:
    """Undo a claim's resolution; the old one stays in the history."""
    _report(ctx.obj.ledger().reopen(claim, note=note, if_version=if_version), "reopened")


def withdraw(
    ctx: typer.Context,
    claim: o.ClaimArg,
    on: o.On = "today",  # type: ignore[assignment]
    note: o.Note = None,
    if_version: o.IfVersion = None,
) -> None:
    """Withdraw a claim before it falls due: counted, never scored. A withdrawal recorded after
    the claim fell due (beyond the grace days) is late: the claim stays scored."""
    d = ctx.obj.ledger().withdraw(claim, on=on, note=note, if_version=if_version)
    _report(d, "withdrew")
    if d.detail == "late":
        typer.echo(f"warning: {d.key} had already fallen due when this was recorded: a late "
                   "withdrawal is shown but the claim stays on the scorecard", err=True)


def edit(
    ctx: typer.Context,
    claim: o.ClaimArg,
    statement: Annotated[Optional[str], typer.Option(help="New wording of the claim.")] = None,
    key: Annotated[Optional[str], typer.Option(help="Rename the key.")] = None,
    quote: Annotated[Optional[str], typer.Option(help="The author's own words, verbatim.")] = None,
    criteria: Annotated[Optional[str], typer.Option(help="How it will be judged.")] = None,
    subject: Annotated[Optional[str], typer.Option(help="What it is about.")] = None,
    made: Annotated[Optional[date], o.day_option("--made", help="When it was made")] = None,
    due: Annotated[
        Optional[date],
        typer.Option(
            parser=o.read_due, metavar="DATE", help="A new due date (a period means its last day)."
        ),
    ] = None,
    due_basis: Annotated[
        Optional[DueBasis], typer.Option(help="How the due date came about.")
    ] = None,
    due_note: Annotated[Optional[str], typer.Option(help="Why the due date is what it is.")] = None,
    source: Annotated[Optional[str], typer.Option(help="Source id or key.")] = None,
    author: Annotated[Optional[str], typer.Option(
        metavar="NAME", help="Who made the claim (a resolved claim needs --revise).")] = None,
    revise: Annotated[bool, typer.Option(
        "--revise", help="Allow --author on a resolved claim.")] = False,
    tag: Annotated[Optional[list[str]], typer.Option(help="Add a tag (repeat).")] = None,
    untag: Annotated[Optional[list[str]], typer.Option(help="Remove a tag (repeat).")] = None,
    if_version: o.IfVersion = None,
) -> None:
    """Change a claim's words, dates, author or tags. The audit log keeps what it was; a new
    made date takes the author's first forecast with it when they were on the same day."""
    given = {
        "statement": statement,
        "key": key,
        "quote": quote,
        "criteria": criteria,
        "subject": subject,
        "made_on": made,
        "due_on": due,
        "due_basis": due_basis,
        "due_note": due_note,
        "source": source,
        "author": author,
    }
    fields = {k: v for k, v in given.items() if v is not None}
    _report(
        ctx.obj.ledger().edit(
            claim, fields=fields, add_tags=tag or [], remove_tags=untag or [],
            if_version=if_version, revise=revise,
        ),
        "edited",
    )


def retract(
    ctx: typer.Context,
    forecast_ref: Annotated[str, typer.Argument(
        metavar="KEY#N", show_default=False,
        help="The claim and the forecast's number on it, as `ledger show` lists them.")],
    note: Annotated[Optional[str], typer.Option(help="Why (shown in show and log).")] = None,
) -> None:
    """Retract a forecast: within the correction window (the grace period) it is as if never
    made; later it counts for the time it stood and stops standing today."""
    d = ctx.obj.ledger().retract(forecast_ref, note=note)
    if d.detail == "correction":
        done(f"retracted {d.key} as a correction: it never counts; event {d.event}")
    else:
        done(f"retracted {d.key}: past the correction window, it counts for the time it stood "
             f"and stops standing today; event {d.event}")


def merge(
    ctx: typer.Context,
    duplicate: Annotated[str, typer.Argument(metavar="DUPLICATE", show_default=False,
                                             help="The claim recorded twice (id or key).")],
    into: Annotated[str, typer.Argument(metavar="INTO", show_default=False,
                                        help="The claim it duplicates (id or key).")],
    note: Annotated[Optional[str], typer.Option(help="Why (shown in the log).")] = None,
) -> None:
    """Merge a claim recorded twice: its forecasts and evidence move to INTO, its key keeps
    finding INTO, and nothing counts as withdrawn."""
    d = ctx.obj.ledger().merge(duplicate, into, note=note)
    done(f"merged {d.detail} into {d.key}; event {d.event}")


def register(app: typer.Typer) -> None:
    app.add_typer(source_app, name="source")
    for fn in (add, forecast, evidence, resolve, reopen, withdraw, edit, retract, merge):
        app.command()(fn)
