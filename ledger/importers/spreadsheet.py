"""Any spreadsheet (CSV), one forecast a row, its columns mapped to the ledger's fields.

A column whose name is a field or one of its aliases (``DEFAULT_MAP``, case and spaces
ignored) is that field; ``--map COLUMN=FIELD`` says otherwise (``--map Notes=ignore`` drops a
column). Rows with the same claim (its ``key``, or else its statement and made date) share one
claim: its words and dates come from the first such row, its outcome from the last row that
gives one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import date, datetime

from ledger.core.keys import check_key
from ledger.errors import UsageError
from ledger.importers.batch import Batch
from ledger.importers.reading import FormatError, Input, blank, csv_rows, day_of, instant, midnight

#: field -> the column names read as it by default.
DEFAULT_MAP: dict[str, tuple[str, ...]] = {
    "key": ("key", "id", "claim key"),
    "statement": ("statement", "claim", "question", "title", "question title"),
    "author": ("author", "creator", "made by"),
    "made_on": ("made on", "made", "created", "created at", "date"),
    "due_on": ("due on", "due", "deadline", "resolve by", "due date"),
    "by": ("by", "forecaster", "analyst", "user"),
    "probability": ("probability", "forecast", "p", "prob", "confidence", "chance"),
    "forecast_on": ("forecast on", "forecast date", "forecast at", "forecast created at"),
    "outcome": ("outcome", "resolution", "result", "resolved"),
    "known_on": ("known on", "resolved on", "resolved at", "resolution date"),
    "tags": ("tags", "tag"),
    "url": ("url", "link", "source"),
    "criteria": ("criteria", "notes", "resolution criteria"),
}
FIELDS = (*DEFAULT_MAP, "ignore")
OUTCOMES = {"true": "true", "yes": "true", "y": "true", "1": "true", "right": "true",
            "false": "false", "no": "false", "n": "false", "0": "false", "wrong": "false",
            "ambiguous": "ambiguous", "annulled": "annulled", "void": "annulled",
            "voided": "annulled", "cancelled": "annulled", "canceled": "annulled"}
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?)?")


def _norm(name: str) -> str:
    return re.sub(r"[\s_]+", " ", name.strip().lower())


def columns(header: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """field -> column, from the defaults and the user's ``--map`` (which wins)."""
    aliases = {a: f for f, names in DEFAULT_MAP.items() for a in names}
    out: dict[str, str] = {}
    for col in header:
        if col in mapping:
            continue
        field = aliases.get(_norm(col))
        if field and field not in out:
            out[field] = col
    for col, field in mapping.items():
        if col not in header:
            raise FormatError(f"--map names column {col!r}, which the file does not have")
        if field not in FIELDS:
            raise FormatError(f"--map {col}={field}: {field!r} is not a field (one of "
                              f"{', '.join(FIELDS)})")
        if field != "ignore":
            out[field] = col
    return out


def _when(batch: Batch, label: str, value: str, what: str) -> datetime | None:
    if not _ISO.fullmatch(value.strip()):
        batch.reject(label, f"{what} {value.strip()[:30]!r} is not an ISO date "
                            "(YYYY-MM-DD[ HH:MM[:SS]][+HH:MM])")
        return None
    try:
        return instant(value, batch.opts.zone)
    except ValueError as exc:  # a zone that pushes it past year 1 or 9999
        batch.reject(label, f"{what}: {exc}")
        return None


def _probability(batch: Batch, label: str, value: str, percent: bool) -> float | None:
    text = value.strip()
    try:
        if text.endswith("%"):
            return float(text[:-1].strip()) / 100
        number = float(text)
    except ValueError:
        batch.reject(label, f"probability {text[:20]!r} is not a number")
        return None
    return number / 100 if percent else number


def read(batch: Batch, inp: Input) -> None:
    rows = csv_rows(inp)
    if not rows.header:
        return
    cols = columns(rows.header, batch.opts.mapping)
    missing = [f for f in ("statement", "made_on", "due_on") if f not in cols]
    if missing:
        raise FormatError(f"{inp.name}: no column for {', '.join(missing)}; name one with --map "
                          "COLUMN=FIELD")
    table = list(rows)

    def get(row: dict[str, str], field: str) -> str:
        return row[cols[field]].strip() if field in cols else ""

    # bare numbers above 1 anywhere in the column make the whole column percentages
    percent = any(_bare_above_one(get(r, "probability")) for _, r in table)
    if percent:
        batch.warn(f"{inp.name}: probabilities above 1 found; every bare number in that column "
                   "is read as a percentage")
    for label, row in table:
        batch.rows += 1
        statement = get(row, "statement")
        if not statement:
            batch.reject(label, "the statement is empty")
            continue
        made = _when(batch, label, get(row, "made_on"), "made date")
        due = _when(batch, label, get(row, "due_on"), "due date") if made else None
        if made is None or due is None:
            continue
        key = get(row, "key")
        if key:
            try:
                key = check_key(key)
            except UsageError as exc:
                batch.reject(label, str(exc))
                continue
        else:
            key = "csv:" + hashlib.sha256(f"{statement}\x1f{day_of(made)}".encode()).hexdigest(
            )[:20]
        author = get(row, "author") or batch.opts.actor
        if get(row, "outcome").lower() not in ("", *OUTCOMES):
            batch.reject(label, f"outcome {get(row, 'outcome')[:20]!r} is not one of true, "
                                "false, yes, no, ambiguous, annulled")
            continue
        if key not in batch.claims:
            batch.claim(label, key, statement=statement, author=author, made_at=made,
                        due_on=day_of(due), criteria=get(row, "criteria") or None,
                        tags=[t for t in get(row, "tags").split(",") if t.strip()],
                        url=get(row, "url") or None)
        if not _outcome(batch, label, key, row, get, due):
            continue
        value = get(row, "probability")
        if not value:
            continue
        p = _probability(batch, label, value, percent)
        when = made if blank(get(row, "forecast_on")) else _when(
            batch, label, get(row, "forecast_on"), "forecast date")
        if p is None or when is None:
            continue
        batch.forecast(label, key, by=get(row, "by") or author, p=p, at=when, given=value)


def _bare_above_one(text: str) -> bool:
    try:
        return not text.endswith("%") and float(text) > 1
    except ValueError:
        return False


def _outcome(batch: Batch, label: str, key: str, row: dict[str, str],
             get: Callable[[dict[str, str], str], str], due: datetime) -> bool:
    word = get(row, "outcome").lower()
    if not word:
        return True
    known_text = get(row, "known_on")
    known = _when(batch, label, known_text, "known date") if known_text else due
    if known is None:
        return False
    if not known_text:
        batch.warn(f"{label}: an outcome with no known date; known on the due date")
    on: date = day_of(known)
    batch.resolve(label, key, OUTCOMES[word], known_on=on,
                  at=known if known_text and len(known_text) > 10 else midnight(on),
                  rationale=f"imported from a spreadsheet: {word}")
    return True
