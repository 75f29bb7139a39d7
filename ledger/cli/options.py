"""Every CLI option and argument that more than one command takes, defined once.

Values are read at parse time: a date, a probability or a choice that cannot be read is a
usage error (exit 2) naming the option, before any ledger is opened. Dates are read against
the ledger's clock (``AppState.today``), so "today", "+6 months" and "in the future" agree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional, TypeVar

import typer

from ledger.cli import complete
from ledger.core.rules import OUTCOMES, DueBasis, Outcome, Stance, StatusFilter

if TYPE_CHECKING:
    from ledger.core.probability import Probability

T = TypeVar("T")

#: Output formats, each a subset of one order: text, md, json, csv, html (jsonl for export).
ListingFormatChoice = Literal["text", "md", "json", "csv"]
ReportFormatChoice = Literal["text", "md", "json", "csv", "html", "site"]
DueFormatChoice = Literal["text", "md", "json", "csv", "ics"]
ExportFormatChoice = Literal["jsonl", "csv"]
TextOrJsonChoice = Literal["text", "json"]
JournalMode = Literal["delete", "wal"]
#: ``import --from``: ``ledger.importers.CHOICES`` (a test keeps the two the same).
ImportFormatChoice = Literal["ledger", "predictionbook", "fatebook", "fatebook-sheet",
                             "metaculus", "gjp", "iqisa", "iqisa-predictionbook", "iqisa-gjp",
                             "iqisa-metaculus", "csv"]


def _today() -> date:
    from typer._click.globals import get_current_context  # typer vendors Click

    ctx = get_current_context(silent=True)
    state = ctx.find_root().obj if ctx is not None else None
    return state.today() if state is not None else date.today()


def _usage(exc: Exception) -> typer.BadParameter:
    return typer.BadParameter(str(exc))


def _reader(parse: Callable[[str, date], T], kind: type) -> Callable[[str], T]:
    """A Typer parser: ``parse(text, today)``, its refusal turned into a usage error (exit 2)
    naming the option. A value already read (a default given as a value) passes through."""
    from ledger.errors import LedgerError

    def read(text: str) -> T:
        if isinstance(text, kind):
            return text  # type: ignore[return-value]
        try:
            return parse(text, _today())
        except LedgerError as exc:
            raise _usage(exc) from None

    return read


def _day(text: str, today: date) -> date:
    from ledger.core.dates import parse_day

    return parse_day(text, today=today, what="the date")


def _due(text: str, today: date) -> date:
    """A due date: a period (2015Q4, end of 2016) means its last day."""
    from ledger.core.dates import parse_due

    return parse_due(text, today=today)


def _window(text: str, today: date) -> date:
    from ledger.core.dates import parse_window

    return parse_window(text, today=today)


def _probability(text: str, today: date) -> Probability:
    from ledger.core.probability import parse_probability

    return parse_probability(text)


def _probability_kind() -> type:
    from ledger.core.probability import Probability

    return Probability


read_day = _reader(_day, date)
read_due = _reader(_due, date)
read_window = _reader(_window, date)


def read_probability(text: str) -> Probability:
    """0.7, 70%, 7:3 or a phrase (the phrase table loads only when one is read)."""
    return _reader(_probability, _probability_kind())(text)


DATE_HELP = "2015-12-31, today, yesterday, '3 days ago'"

ListingFormat = Annotated[ListingFormatChoice, typer.Option("--format", help="Output format.")]
TextOrJson = Annotated[TextOrJsonChoice, typer.Option("--format", help="Output format.")]
ClaimArg = Annotated[
    str, typer.Argument(metavar="CLAIM", help="Claim id or key.", show_default=False,
                        autocompletion=complete.claim_keys)
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
OnOff = Literal["on", "off"]
Note = Annotated[Optional[str], typer.Option("--note", metavar="TEXT", help="Why.")]
Force = Annotated[bool, typer.Option("--force", help="Replace the --out file if it exists.")]
#: A string, not a Path: Click's path type drops a trailing '/', which means "a folder" here.
Out = Annotated[
    Optional[str],
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
