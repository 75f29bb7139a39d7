"""The ledger's domain rules, stated once. Pure: plain values in, a ``RuleViolation`` out.

Every entry path (the CLI's changes, ``edit``, seed files, ``import``) calls these functions,
the database constraints are built from the same constants, and the scorecard's status SQL
uses the same grace period, so the paths cannot drift apart. Messages carry no location: an
entry path that reads a file prefixes its own (``line 12: ...``, ``seeds/x.toml: claims[3]``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal, get_args

from ledger.errors import RuleViolation

Outcome = Literal["true", "false", "ambiguous", "annulled"]
Stance = Literal["supports", "refutes", "context"]
DueBasis = Literal["stated", "inferred", "assigned"]
StatusFilter = Literal["open", "due", "overdue", "withdrawn", "true", "false", "ambiguous",
                       "annulled", "resolved", "unresolved"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
SCORED_OUTCOMES = ("true", "false")
STANCES: tuple[str, ...] = get_args(Stance)
DUE_BASES: tuple[str, ...] = get_args(DueBasis)
#: A due date the recorder chose needs a reason; stated and inferred ones come from the text.
DUE_NOTE_REQUIRED = ("assigned",)
#: A claim past its due date is "due" for this many days, then "overdue".
OVERDUE_GRACE_DAYS = 30
UNRESOLVED = ("open", "due", "overdue")
STATUSES = (*UNRESOLVED, "withdrawn", *OUTCOMES)
#: What ``list --status`` accepts: every status plus two umbrella words.
STATUS_FILTERS: tuple[str, ...] = get_args(StatusFilter)
assert set(STATUS_FILTERS) == {*STATUSES, "resolved", "unresolved"}


def one_of(value: str, allowed: tuple[str, ...], what: str, field: str | None = None) -> str:
    if value not in allowed:
        raise RuleViolation(f"{what} must be one of {', '.join(allowed)}, not {value!r}",
                            field)
    return value


def not_future(day: date, what: str, today: date, field: str | None = None) -> None:
    if day > today:
        raise RuleViolation(f"{what} {day.isoformat()} is in the future (today is "
                            f"{today.isoformat()})", field)


def due_note_required(basis: str) -> bool:
    return basis in DUE_NOTE_REQUIRED


def check_claim_dates(made_on: date, due_on: date, today: date) -> None:
    if due_on < made_on:
        raise RuleViolation(f"due date {due_on.isoformat()} is before the claim was made "
                            f"({made_on.isoformat()})", "due_on")
    not_future(made_on, "made date", today, "made_on")


def check_due(basis: str, note: str | None) -> None:
    one_of(basis, DUE_BASES, "due basis", "due_basis")
    if due_note_required(basis) and not (note or "").strip():
        raise RuleViolation(f"an {basis} due date needs a reason: add a due note (--due-note)",
                            "due_note")


def check_claim(*, made_on: date, due_on: date, due_basis: str, due_note: str | None,
                today: date) -> None:
    """Everything a claim's own fields must satisfy."""
    check_due(due_basis, due_note)
    check_claim_dates(made_on, due_on, today)


def not_before_made(day: date, made_on: date, what: str, key: str,
                    field: str | None = None) -> None:
    if day < made_on:
        raise RuleViolation(f"{what} {day.isoformat()} is before claim {key} was made "
                            f"({made_on.isoformat()})", field)


def check_probability(p: float, band: tuple[float, float] | None = None, *,
                      mapped: bool = False, phrase: str | None = None) -> None:
    if not 0.0 <= p <= 1.0:
        raise RuleViolation(f"probability {p!r} is outside [0, 1]", "probability")
    if band is not None and not 0.0 <= band[0] <= p <= band[1] <= 1.0:
        raise RuleViolation("a probability's band must surround it, within [0, 1]", "band")
    if mapped and not phrase:
        raise RuleViolation("a forecast mapped from words needs its phrase", "phrase")


def check_forecast(*, on: date, made_on: date, key: str, known_on: date | None,
                   today: date) -> None:
    """A forecast on a claim: not before the claim, not in the future, and not after the
    outcome was known (``known_on`` is the resolution standing when it is recorded)."""
    not_future(on, "forecast date", today, "made_on")
    not_before_made(on, made_on, "forecast dated", key, "made_on")
    if known_on is not None and on > known_on:
        raise RuleViolation(f"forecast dated {on.isoformat()} comes after the outcome of {key} "
                            f"was known ({known_on.isoformat()}); it could not count", "made_on")


def check_evidence(*, stance: str, on: date, today: date) -> None:
    one_of(stance, STANCES, "stance", "stance")
    not_future(on, "evidence date", today, "observed_on")


def check_resolution(*, outcome: str, known_on: date, made_on: date, key: str,
                     today: date) -> None:
    one_of(outcome, OUTCOMES, "outcome", "outcome")
    not_future(known_on, "resolution date", today, "known_on")
    not_before_made(known_on, made_on, "resolution date", key, "known_on")


def check_readings(outcome: str, readings: list[tuple[str, str]]) -> None:
    """Alternative readings of a resolution: each a different outcome, each with its reason."""
    seen = {outcome}
    for alt, note in readings:
        one_of(alt, OUTCOMES, "an alternative reading's outcome", "readings")
        if alt in seen:
            raise RuleViolation(f"alternative reading {alt!r} repeats the recorded outcome or "
                                "another reading", "readings")
        if not note.strip():
            raise RuleViolation(f"alternative reading {alt!r} needs a note saying why it is "
                                "defensible (--alt-note)", "readings")
        seen.add(alt)


def check_withdrawal(*, on: date, made_on: date, due_on: date, key: str, today: date) -> None:
    """Only a claim not yet due can be withdrawn: afterwards it is simply wrong or right."""
    not_future(on, "withdrawal date", today, "withdrawn_on")
    not_before_made(on, made_on, "withdrawal date", key, "withdrawn_on")
    if on >= due_on:
        raise RuleViolation(f"claim {key} fell due on {due_on.isoformat()}; only a claim not "
                            "yet due can be withdrawn", "withdrawn_on")


def check_made_against_history(made_on: date, key: str, *, first_forecast: date | None,
                               known_on: date | None) -> None:
    """A claim's made date cannot move past what was later recorded about it."""
    if first_forecast is not None and first_forecast < made_on:
        raise RuleViolation(f"claim {key} has a forecast dated {first_forecast.isoformat()}, "
                            "before the new made date", "made_on")
    if known_on is not None and known_on < made_on:
        raise RuleViolation(f"claim {key} was resolved with the outcome known on "
                            f"{known_on.isoformat()}, before the new made date", "made_on")


def claim_status(*, withdrawn_on: date | None, outcome: str | None, due_on: date,
                 on: date) -> str:
    """open, due, overdue, withdrawn, or the outcome of the current resolution."""
    if withdrawn_on is not None:
        return "withdrawn"
    if outcome is not None:
        return outcome
    if on < due_on:
        return "open"
    if on < due_on + timedelta(days=OVERDUE_GRACE_DAYS):
        return "due"
    return "overdue"


def status_matches(wanted: str, actual: str) -> bool:
    if wanted == "resolved":
        return actual in OUTCOMES
    if wanted == "unresolved":
        return actual in UNRESOLVED
    return wanted == actual


def sql_in(column: str, values: tuple[str, ...]) -> str:
    """``column IN ('a', 'b')``: a CHECK constraint from one of the tuples above."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
