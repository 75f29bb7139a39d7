"""Every CLI option and argument that more than one command takes, defined once.

Values are read at parse time: a date, a probability or a choice that cannot be read is a
usage error (exit 2) naming the option, before any ledger is opened. Dates are read against
the ledger's clock (``AppState.today``), so "today", "+6 months" and "in the future" agree.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

import typer

from ledger.core.rules import OUTCOMES, DueBasis, Outcome, Stance, StatusFilter

if TYPE_CHECKING:
    from ledger.core.probability import Probability

#: Output formats, each a subset of one order: text, md, json, csv, html (jsonl for export).
ListingFormatChoice = Literal["text", "md", "json", "csv"]
ReportFormatChoice = Literal["text", "md", "json", "csv", "html"]
ExportFormatChoice = Literal["jsonl", "csv"]
DemoFormatChoice = Literal["text", "json"]
JournalMode = Literal["delete", "wal"]


def _today() -> date:
    from typer._click.globals import get_current_context  # typer vendors Click

    ctx = get_current_context(silent=True)
    state = ctx.find_root().obj if ctx is not None else None
    return state.today() if state is not None else date.today()


def _usage(exc: Exception) -> typer.BadParameter:
    return typer.BadParameter(str(exc))


def read_day(text: str) -> date:
    from ledger.core.dates import DateError, parse_day

    if isinstance(text, date):
        return text
    try:
        return parse_day(text, today=_today(), what="the date")
    except DateError as exc:
        raise _usage(exc) from None


def read_due(text: str) -> date:
    """A due date: a period (2015Q4, end of 2016) means its last day."""
    from ledger.core.dates import DateError, parse_due

    if isinstance(text, date):
        return text
    try:
        return parse_due(text, today=_today())
    except DateError as exc:
        raise _usage(exc) from None


def read_probability(text: str) -> Probability:
    from ledger.core.probability import Probability, ProbabilityError, parse_probability

    if isinstance(text, Probability):
        return text
    try:
        return parse_probability(text)
    except ProbabilityError as exc:
        raise _usage(exc) from None


def read_window(text: str) -> date:
    from ledger.core.dates import DateError, parse_window

    if isinstance(text, date):
        return text
    try:
        return parse_window(text, today=_today())
    except DateError as exc:
        raise _usage(exc) from None


DATE_HELP = "2015-12-31, today, yesterday, '3 days ago'"

ListingFormat = Annotated[ListingFormatChoice, typer.Option("--format", help="Output format.")]
ClaimArg = Annotated[
    str, typer.Argument(metavar="CLAIM", help="Claim id or key.", show_default=False)
]
IfVersion = Annotated[
    Optional[int],
    typer.Option(
        "--if-version",
        metavar="N",
        min=1,
        help="Refuse if the claim's version is no longer N (see `show`); for scripts.",
    ),
]
Note = Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="Why.")]
Force = Annotated[bool, typer.Option("--force", help="Replace the --out file if it exists.")]
Out = Annotated[
    Optional[Path],
    typer.Option(
        "--out",
        metavar="PATH",
        help="File to write (never replaced without --force), or a folder (an existing one, or a "
        "path ending in '/', created if missing) for a file with the default name.",
    ),
]


def day_option(*names: str, help: str) -> Any:
    """A single-day option (``--on``, ``--made``): a period is refused, never guessed."""
    return typer.Option(*names, parser=read_day, metavar="DATE", help=f"{help} ({DATE_HELP}).")


Made = Annotated[date, day_option("--made", help="When it was made")]
On = Annotated[date, day_option("--on", help="The day")]
Due = Annotated[
    date,
    typer.Option(
        "--due",
        parser=read_due,
        metavar="DATE",
        help="When it falls due: 2015-12-31, 2015Q4, 'end of 2015', '+6 months'... (a period means "
        "its last day).",
    ),
]
_PROB = typer.Option(
    "--prob",
    "-p",
    parser=read_probability,
    metavar="P",
    help="The author's confidence: 0.7, 70%, 7:3 or a phrase ('likely'; see `ledger phrases`).",
)
if TYPE_CHECKING:
    Prob = Annotated[Optional[Probability], _PROB]
else:  # the phrase table's module loads only when a probability is read
    Prob = Annotated[Optional[object], _PROB]
DueBasisOpt = Annotated[
    DueBasis,
    typer.Option(
        "--due-basis",
        help="How the due date came about: stated in the text, inferred from it, or assigned "
        "by you "
        "(then --due-note says why).",
    ),
]
StanceOpt = Annotated[Stance, typer.Option("--stance", help="How the evidence bears on the claim.")]
OutcomeArg = Annotated[
    Outcome,
    typer.Argument(metavar="OUTCOME", show_default=False, help=f"One of {', '.join(OUTCOMES)}."),
]
StatusOpt = Annotated[
    Optional[StatusFilter],
    typer.Option(
        "--status",
        help="Only claims with this status (resolved: any outcome; unresolved: open, due, "
        "overdue).",
    ),
]
