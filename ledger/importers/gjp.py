"""The Good Judgment Project's public data (IARPA ACE, 2011-2015): ``ifps.csv`` with one or more
``survey_fcasts`` files, in the Dataverse originals (CR line endings, stray cp1252 bytes) or the
cleaned copies.

A two-option question is one claim (``gjp:<ifp_id>``, its forecast the ``a`` = Yes row); a
question with more options is one claim per option (``gjp:<ifp_id>:<letter>``). A voided
question is annulled. Dates are US month/day/year, never day-first. Forecasters are anonymous
numbers and stay so: ``gjp:<user_id>``. The user ``NULL`` is skipped and counted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime

from ledger.importers.batch import Batch
from ledger.importers.reading import (
    FormatError,
    Input,
    Rows,
    blank,
    csv_rows,
    day_of,
    instant,
    midnight,
    us_date,
)

AUTHOR = "Good Judgment Project (IARPA ACE)"
DOI = "https://doi.org/10.7910/DVN/BPCDH5"
_OPTION = re.compile(r"\(([a-e])\)\s*")


def is_ifps(rows: Rows) -> bool:
    return "q_text" in rows.header and "ifp_id" in rows.header


def options(text: str) -> tuple[str | None, dict[str, str]]:
    """The condition (of a conditional question) and the options by letter."""
    condition = None
    m = re.match(r"\s*If (.+?)\s*:\s+\(a\)", text, flags=re.S)
    if m:
        condition = "if " + m.group(1).strip()
        text = text[m.end() - 3:]
    parts = _OPTION.split(text)
    found = {parts[i]: parts[i + 1].strip().rstrip(",").strip()
             for i in range(1, len(parts) - 1, 2)}
    return condition, found


def _day(label: str, value: str, what: str) -> date | None:
    if blank(value):
        return None
    try:
        return us_date(value)
    except ValueError:
        raise FormatError(f"{label}: {what} {value[:20]!r} is not a m/d/yy date") from None


def read(batch: Batch, files: list[Input]) -> None:
    tables = [csv_rows(f) for f in files]
    ifps = [t for t in tables if is_ifps(t)]
    surveys = [t for t in tables if "forecast_id" in t.header]
    if len(ifps) != 1 or len(surveys) + 1 != len(tables):
        raise FormatError("the GJP import reads ifps.csv (exactly once) with survey_fcasts "
                          "files: give them together")
    batch.shared_source = {
        "type": "source", "key": "gjp-dataverse",
        "title": "Good Judgment Project data (IARPA ACE, 2011-2015)",
        "outlet": "Harvard Dataverse", "url": DOI, "published_on": None, "published_at": None,
        "authors": [], "recorded_by": batch.opts.actor,
        "recorded_at": midnight(batch.opts.today)}
    letters = _questions(batch, ifps[0])
    for survey in surveys:
        _forecasts(batch, survey, letters)


def _questions(batch: Batch, rows: Rows) -> dict[str, dict[str, str]]:
    """Claims and outcomes; for each IFP, the claim key of each letter ('a' for binary)."""
    rows.require("ifp_id", "q_text", "q_status", "date_start", "date_to_close", "date_closed",
                 "outcome", "options")
    out: dict[str, dict[str, str]] = {}
    for label, q in rows:
        ifp = q["ifp_id"].strip()
        start = _day(label, q["date_start"], "date_start")
        to_close = _day(label, q["date_to_close"], "date_to_close")
        if start is None or to_close is None:
            batch.reject(label, f"IFP {ifp} has no start or close date")
            continue
        condition, opts = options(q["options"])
        text = q["q_text"].strip() + (f" ({condition})" if condition else "")
        letters = sorted(opts) or ["a", "b"]
        binary = len(letters) <= 2
        if not binary and not batch.opts.multiple_choice:
            batch.skip("multiple-choice questions (--refuse-multiple-choice)")
            continue
        keys = {"a": f"gjp:{ifp}"} if binary else {x: f"gjp:{ifp}:{x}" for x in letters}
        status = q["q_status"].strip().lower()
        closed = _day(label, q["date_closed"], "date_closed")
        suspended = _day(label, q.get("date_suspend", ""), "date_suspend")
        for letter, key in keys.items():
            statement = text if binary else f"{text} — {opts[letter]}"
            batch.claim(label, key, statement=statement, author=AUTHOR, made_at=midnight(start),
                        due_on=to_close, criteria=q.get("q_desc"),
                        tags=[f"ifp-type-{q.get('q_type', '').strip() or '0'}"])
            if status == "voided":
                known = closed or suspended or to_close
                batch.resolve(label, key, "annulled", known_on=known, at=midnight(known),
                              rationale="imported from the GJP data: the question was voided")
            elif status == "closed" and closed is not None and q["outcome"].strip():
                word = "true" if q["outcome"].strip().lower() == letter else "false"
                batch.resolve(label, key, word, known_on=closed, at=midnight(closed),
                              rationale=f"imported from the GJP data: outcome "
                                        f"({q['outcome'].strip()})")
        out[ifp] = keys
    return out


def _forecasts(batch: Batch, rows: Rows, letters: dict[str, dict[str, str]]) -> None:
    rows.require("ifp_id", "user_id", "forecast_id", "answer_option", "value", "fcast_date")
    groups: dict[tuple[str, str, str], list[tuple[str, dict[str, str]]]] = defaultdict(list)
    for label, r in rows:
        batch.rows += 1
        groups[(r["ifp_id"].strip(), r["user_id"].strip(), r["forecast_id"].strip())].append(
            (label, r))
    for (ifp, user, fid), items in groups.items():
        label, first = items[0]
        if blank(user):
            batch.skip("forecasts by the user NULL")
            continue
        if ifp not in letters:
            batch.skip("forecasts on an IFP not imported")
            continue
        try:
            on = date.fromisoformat(first["fcast_date"].strip())
        except ValueError:
            batch.reject(label, f"fcast_date {first['fcast_date'][:20]!r} is not YYYY-MM-DD")
            continue
        at = _stamp(first.get("timestamp", ""), on, batch)
        values = {r["answer_option"].strip().lower(): r["value"].strip() for _, r in items}
        kind = first.get("fcast_type", "").strip()
        note = f"gjp forecast {fid} (fcast_type {kind or '?'}"
        note += ", a withdrawal: the ledger keeps it standing)" if kind == "4" else ")"
        keys = letters[ifp]
        if len(keys) == 1 and "a" not in values and "b" in values:
            values["a"] = repr(1 - _num(values["b"]))
        if len(keys) == 1 and {"a", "b"} <= set(values.keys()):
            total = _num(values["a"]) + _num(values["b"])
            if abs(total - 1) > 0.001:
                batch.warn(f"{label}: forecast {fid}'s a and b values sum to {total:g}, not 1")
        for letter, key in keys.items():
            if letter not in values:
                continue
            try:
                p = float(values[letter])
            except ValueError:
                batch.reject(label, f"value {values[letter][:20]!r} is not a number")
                continue
            batch.forecast(label, key, by=f"gjp:{user}", p=p, at=at, on=on,
                           given=values[letter], note=note)


def _num(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _stamp(text: str, on: date, batch: Batch) -> datetime:
    """When the forecast was entered: its zone-less timestamp (read in --tz) when it falls on
    or after its date, else the start of that date."""
    if not blank(text):
        try:
            at = instant(text, batch.opts.zone)
            if day_of(at) >= on:
                return at
        except ValueError:
            pass
    return midnight(on)
