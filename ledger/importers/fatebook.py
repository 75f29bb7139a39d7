"""Fatebook: the "Export all your forecasts" CSV (all three header versions) and a spreadsheet
in the shape of its "Import from spreadsheet" page.

The export has no question ids, so a claim's key hashes the title, the creation time as printed
and the author (``fatebook:<20 hex>``, plus ``:<8 hex>`` of the option for a multiple-choice
option). Its times carry no zone: they are read in ``--tz`` (UTC by default). The spreadsheet is
read more strictly than Fatebook reads it: ISO dates only, and resolutions yes, no, ambiguous or
blank; a row that breaks either is skipped and counted (or, with ``--strict``, refuses the file).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from datetime import datetime, timedelta

from ledger.importers.batch import Batch
from ledger.importers.reading import Input, Rows, blank, csv_rows, day_of, instant, midnight

OUTCOME = {"yes": "true", "no": "false", "ambiguous": "ambiguous"}
SEP = "\x1f"


def _hex(text: str, n: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:n]


def export_key(title: str, created: str, author: str, option: str = "") -> str:
    key = "fatebook:" + _hex(SEP.join((title, created, author)), 20)
    return f"{key}:{_hex(option, 8)}" if option else key


def _col(rows: Rows, *names: str) -> str:
    """The first of ``names`` the header has (the export renamed columns between versions)."""
    for n in names:
        if n in rows.header:
            return n
    rows.require(names[0])
    return names[0]


def read_export(batch: Batch, inp: Input) -> None:
    rows = csv_rows(inp)
    if not rows.header:
        return
    rows.require("Question title", "Forecast created by", "Forecast (scale = 0-1)",
                 "Forecast created at", "Question created by", "Question created at",
                 "Question resolve by")
    res_col = _col(rows, "Resolution", "Question resolution")
    at_col = _col(rows, "Resolved at", "Question resolved at")
    has_option = "Multiple choice option" in rows.header
    zone = batch.opts.zone
    by_question: dict[str, list[tuple[str, str, datetime, float]]] = defaultdict(list)
    mc_questions: set[str] = set()
    for label, row in rows:
        batch.rows += 1
        title, option = row["Question title"], row.get("Multiple choice option", "")
        qkey = export_key(title, row["Question created at"], row["Question created by"])
        if option.strip() and not batch.opts.multiple_choice:
            mc_questions.add(qkey)
            batch.skip("multiple-choice forecasts (--refuse-multiple-choice)")
            continue
        key = export_key(title, row["Question created at"], row["Question created by"],
                         option.strip())
        try:
            made = instant(row["Question created at"], zone)
            due = instant(row["Question resolve by"], zone)
        except ValueError as exc:
            batch.reject(label, str(exc))
            continue
        statement = f"{title.strip()} — {option.strip()}" if option.strip() else title
        tags = [t for t in row.get("Question tags", "").split("; ") if t.strip()]
        batch.claim(label, key, statement=statement,
                    author=row["Question created by"].strip() or "(unnamed Fatebook user)",
                    made_at=made, due_on=day_of(due), criteria=row.get("Question notes"),
                    tags=tags)
        word = row[res_col].strip().lower()
        if word:
            if word not in OUTCOME:
                batch.reject(label, f"resolution {row[res_col][:20]!r} is not YES, NO or "
                                    "AMBIGUOUS")
                continue
            try:
                at = instant(row[at_col], zone) if row[at_col].strip() else None
            except ValueError as exc:
                batch.reject(label, str(exc))
                continue
            if at is None:
                at = due
                batch.warn(f"{key}: resolved with no resolution time; the resolve-by date used")
            batch.resolve(label, key, OUTCOME[word], known_on=day_of(at), at=at,
                          rationale=f"imported from Fatebook: resolved {word.upper()}")
        who, value = row["Forecast created by"].strip(), row["Forecast (scale = 0-1)"].strip()
        if not value:
            batch.skip("hidden forecasts")
            continue
        try:
            at = instant(row["Forecast created at"], zone)
            p = float(value)
        except ValueError as exc:
            batch.reject(label, str(exc))
            continue
        by_question[qkey].append((key, who, at, p))
        batch.forecast(label, key, by=who or "(unnamed Fatebook user)", p=p, at=at, given=value)
    if not has_option:
        _flag_hidden_choices(batch, by_question)
    if mc_questions:
        batch.skip("multiple-choice questions (--refuse-multiple-choice)", len(mc_questions))


def _flag_hidden_choices(batch: Batch, questions: dict[str, list[tuple[str, str, datetime,
                                                                       float]]]) -> None:
    """A V1 export (no option column) can hold a multiple-choice question's option forecasts
    as if they were binary ones: several by one person within seconds, summing to about 1.
    Such a question cannot be read right, so it is left out and counted."""
    for qkey, forecasts in questions.items():
        per: dict[str, list[tuple[datetime, float]]] = defaultdict(list)
        for _, who, at, p in forecasts:
            per[who].append((at, p))
        for items in per.values():
            items.sort()
            burst = [p for at, p in items if at - items[0][0] <= timedelta(seconds=10)]
            if len(burst) >= 2 and abs(sum(burst) - 1) <= 0.02:
                batch.claims.pop(qkey, None)
                batch.outcomes.pop(qkey, None)
                dropped = [f for f in batch.forecasts if f.claim == qkey]
                batch.forecasts = [f for f in batch.forecasts if f.claim != qkey]
                batch.skip("questions that look like multiple choice in a V1 export")
                batch.skip("forecasts on such questions", len(dropped))
                break


# --- the spreadsheet ------------------------------------------------------------------------

FIELDS = ("questionTitle", "forecast", "qCreatedAt", "resolution", "resolvedAt", "resolveBy",
          "fCreatedAt", "tags", "notes", "notesExtra")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")


def _iso(label: str, batch: Batch, value: str, what: str) -> datetime | None:
    if not _ISO.fullmatch(value.strip()):
        batch.reject(label, f"{what} {value.strip()[:30]!r} is not an ISO date "
                            "(YYYY-MM-DD[ HH:MM[:SS]])")
        return None
    try:
        return instant(value, batch.opts.zone)
    except ValueError as exc:
        batch.reject(label, str(exc))
        return None


def _percent(label: str, batch: Batch, value: str) -> float | None:
    text = value.strip().replace("%", "", 1).strip()
    try:
        number = float(text)
    except ValueError:
        batch.reject(label, f"forecast {value.strip()[:20]!r} is not a number")
        return None
    if not 0 <= number <= 100:
        batch.reject(label, f"forecast {value.strip()[:20]!r} is not a percentage (0 to 100)")
        return None
    if number <= 1 and "%" not in value:
        batch.warn(f"{label}: forecast {value.strip()!r} read as {number}% (Fatebook's "
                   f"percent scale); write {number * 100:g} for {number * 100:g}%")
    return number / 100


def read_sheet(batch: Batch, inp: Input) -> None:
    rows = csv_rows(inp)
    if not rows.header:
        return
    columns = {c: batch.opts.mapping.get(c, c) for c in rows.header}
    have = set(columns.values())
    missing = [f for f in ("questionTitle", "forecast", "qCreatedAt") if f not in have]
    if missing:
        rows.require(*missing)
    me = batch.opts.actor
    for label, raw in rows:
        batch.rows += 1
        row = dict.fromkeys(FIELDS, "") | {columns[c]: v for c, v in raw.items()}
        title = row["questionTitle"].strip()
        if not title:
            batch.reject(label, "questionTitle is empty")
            continue
        word = row["resolution"].strip().lower()
        if word and word not in OUTCOME:
            batch.reject(label, f"resolution {row['resolution'].strip()[:20]!r} is not yes, no, "
                                "ambiguous or blank")
            continue
        made = _iso(label, batch, row["qCreatedAt"], "qCreatedAt")
        if made is None:
            continue
        due = _iso(label, batch, row["resolveBy"], "resolveBy") if not blank(
            row["resolveBy"]) else None
        when = _iso(label, batch, row["fCreatedAt"], "fCreatedAt") if not blank(
            row["fCreatedAt"]) else made
        known = _iso(label, batch, row["resolvedAt"], "resolvedAt") if (
            word and not blank(row["resolvedAt"])) else None
        p = _percent(label, batch, row["forecast"])
        if when is None or p is None or (due is None and not blank(row["resolveBy"])) or (
                known is None and word and not blank(row["resolvedAt"])):
            continue
        key = "fatebook-sheet:" + _hex(f"{title}{SEP}{made.strftime('%Y-%m-%dT%H:%M:%S')}", 20)
        notes = "\n".join(n.strip() for n in (row["notes"], row["notesExtra"]) if n.strip())
        basis, note = "stated", None
        if due is None:
            due, basis = made + timedelta(days=1), "assigned"
            note = "no resolve-by date: the made date plus one day, as Fatebook does"
        batch.claim(label, key, statement=title, author=me, made_at=made, due_on=day_of(due),
                    due_basis=basis, due_note=note, criteria=notes or None,
                    tags=row["tags"].split(","))
        if word:
            if known is None:
                batch.warn(f"{label}: resolved with no resolvedAt; known on the due date")
            on = day_of(known) if known else day_of(due)
            batch.resolve(label, key, OUTCOME[word], known_on=on, at=known or midnight(on),
                          rationale=f"imported from a Fatebook spreadsheet: {word}")
        batch.forecast(label, key, by=me, p=p, at=when, given=row["forecast"].strip())
