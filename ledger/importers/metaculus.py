"""Metaculus: the data download (a zip, or the folder it unpacks to).

One claim per binary question (``metaculus:<Question ID>``) and one per option of a multiple
choice question (``metaculus:<Question ID>:<index in MC Options (All)>``); numeric, date and
discrete questions are skipped and counted until the ledger has numeric claims. Aggregate rows
are skipped. A forecast's end time (a withdrawal, or the next forecast) is kept in its note: the
ledger lets a forecast stand until the next one, as it does for every format. Comments become
evidence on the post's claims.
"""

from __future__ import annotations

import ast
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from ledger.importers.batch import Batch
from ledger.importers.reading import (
    FormatError,
    Inflated,
    Input,
    Rows,
    blank,
    csv_rows,
    day_of,
    instant,
    listing,
    read_input,
    regular_file,
    zip_members,
    zip_text,
)

OUTCOME = {"yes": "true", "no": "false", "ambiguous": "ambiguous", "annulled": "annulled"}
CONTINUOUS = ("numeric", "date", "discrete")
#: What an aggregate row names in place of a forecaster (``questions/types.py``).
AGGREGATES = {"recency_weighted", "unweighted", "single_aggregation", "metaculus_prediction",
              "geometric_mean"}


def inputs(path: Path) -> dict[str, Input]:
    """The download's CSV files by name, from a zip, its unpacked folder, or a file in it."""
    names = ("question_data.csv", "forecast_data.csv", "comment_data.csv")
    if path.is_dir() or path.name == "question_data.csv":
        folder = path if path.is_dir() else path.parent
        return {n: read_input(folder / n) for n in names if (folder / n).is_file()}
    regular_file(path)
    try:
        with zipfile.ZipFile(path) as zf:
            members = zip_members(zf)
            if names[0] not in members:
                raise FormatError(f"{path.name} holds {listing(members)}: not a Metaculus "
                                  f"download (no {names[0]}); give --from for what it is")
            budget = Inflated(path)
            out = {}
            for n in names:
                got = zip_text(path, zf, n, budget=budget)
                if got is not None:
                    out[n] = got
            return out
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise FormatError(f"cannot read {path.name} as a Metaculus zip: {exc}") from None


def _list(label: str, text: str) -> list[Any]:
    """A Python-repr list (``['Blue Party', 'Other']``, ``[0.5, None]``): never JSON."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise FormatError(f"{label}: {text[:40]!r} is not a list") from None
    if not isinstance(value, list):
        raise FormatError(f"{label}: {text[:40]!r} is not a list")
    return value


def _time(label: str, text: str) -> datetime:
    try:
        return instant(text)
    except ValueError as exc:
        raise FormatError(f"{label}: {exc}") from None


def read(batch: Batch, files: dict[str, Input]) -> None:
    if "question_data.csv" not in files:
        raise FormatError("not a Metaculus download: no question_data.csv in it")
    questions = csv_rows(files["question_data.csv"])
    questions.require("Question ID", "Question Title", "Question Type", "Open Time",
                      "Scheduled Close Time", "Resolution", "Resolution Known Time")
    claims: dict[str, list[str]] = {}  # question id -> claim keys (options in order)
    posts: dict[str, list[str]] = {}
    skipped_questions: set[str] = set()
    for label, q in questions:
        qid = q["Question ID"].strip()
        kind = q["Question Type"].strip()
        if kind in CONTINUOUS:
            skipped_questions.add(qid)
            batch.skip("numeric, date or discrete questions")
            continue
        if kind == "multiple_choice" and not batch.opts.multiple_choice:
            skipped_questions.add(qid)
            batch.skip("multiple-choice questions (--refuse-multiple-choice)")
            continue
        if kind not in ("binary", "multiple_choice"):
            batch.reject(label, f"question type {kind[:20]!r} is not known")
            continue
        claims[qid] = _question(batch, label, q, kind)
        posts.setdefault(q.get("Post ID", "").strip(), []).extend(claims[qid])
    if "forecast_data.csv" in files:
        _forecasts(batch, csv_rows(files["forecast_data.csv"]), claims, skipped_questions)
    if "comment_data.csv" in files:
        _comments(batch, csv_rows(files["comment_data.csv"]), posts)


def _question(batch: Batch, label: str, q: dict[str, str], kind: str) -> list[str]:
    qid = q["Question ID"].strip()
    opened = q["Open Time"] if not blank(q["Open Time"]) else q.get("Post Published Time", "")
    if blank(q["Open Time"]):
        batch.warn(f"metaculus:{qid}: no open time; the post's publication time used")
    made = _time(label, opened)
    close = q["Scheduled Close Time"]
    due = _time(label, close if not blank(close) else q.get("Actual Close Time", ""))
    title = q["Question Title"].strip()
    if q.get("Label", "").strip():
        title = f"{title} — {q['Label'].strip()}"
    tags = [str(t) for t in _list(label, q["Categories"])] if q.get("Categories", "").strip() \
        else []
    url = q.get("Question URL", "").strip() or (
        f"https://www.metaculus.com/questions/{q['Post ID'].strip()}/" if q.get("Post ID") else "")
    options: list[str] = []
    if kind == "multiple_choice":
        col = "MC Options (All)" if "MC Options (All)" in q else "MC Options"
        options = [str(o) for o in _list(label, q.get(col, ""))]
        if not options:
            raise FormatError(f"{label}: multiple-choice question {qid} lists no options")
    keys = [f"metaculus:{qid}"] if not options else [
        f"metaculus:{qid}:{i}" for i in range(len(options))]
    resolution = q["Resolution"].strip()
    known = None
    if resolution:
        known = _time(label, q["Resolution Known Time"] if not blank(
            q["Resolution Known Time"]) else q.get("Actual Close Time", ""))
    for i, key in enumerate(keys):
        statement = f"{title} — {options[i]}" if options else title
        batch.claim(label, key, statement=statement, author="Metaculus", made_at=made,
                    due_on=day_of(due), due_basis="inferred",
                    due_note="Metaculus's scheduled close time", tags=tags, url=url)
        if known is None:
            continue
        word = resolution.lower()
        if options and word not in ("ambiguous", "annulled"):
            if resolution not in options:
                raise FormatError(f"{label}: resolution {resolution[:40]!r} is not one of the "
                                  "question's options")
            word = "yes" if resolution == options[i] else "no"
        if word not in OUTCOME:
            raise FormatError(f"{label}: resolution {resolution[:40]!r} is not yes, no, "
                              "ambiguous or annulled")
        batch.resolve(label, key, OUTCOME[word], known_on=day_of(known), at=known,
                      rationale=f"imported from Metaculus: resolved {resolution}")
    return keys


def _forecasts(batch: Batch, rows: Rows, claims: dict[str, list[str]],
               skipped_questions: set[str]) -> None:
    rows.require("Question ID", "Start Time")
    who_col = "Forecaster Username" if "Forecaster Username" in rows.header else \
        "Forecaster (Anonymized)"
    rows.require(who_col)
    for label, r in rows:
        batch.rows += 1
        qid = r["Question ID"].strip()
        if blank(r["Forecaster ID"]) if "Forecaster ID" in r else r[who_col] in AGGREGATES:
            batch.skip("aggregate rows")
            continue
        if qid in skipped_questions:
            batch.skip("forecasts on skipped questions")
            continue
        if qid not in claims:
            batch.reject(label, f"question {qid[:20]!r} is not in question_data.csv")
            continue
        who = r[who_col].strip() or f"metaculus:{r.get('Forecaster ID', '').strip()}"
        at = _time(label, r["Start Time"])
        end = r.get("End Time", "").strip()
        note = f"metaculus forecast; stood until {end}" if end else "metaculus forecast"
        keys = claims[qid]
        if len(keys) == 1:
            value = r.get("Probability Yes", "").strip()
            if not value:
                batch.reject(label, "no Probability Yes on a binary question")
                continue
            _one(batch, label, keys[0], who, value, at, note)
            continue
        values = _list(label, r.get("Probability Yes Per Category", ""))
        if len(values) > len(keys):
            raise FormatError(f"{label}: {len(values)} option values for {len(keys)} options")
        for key, v in zip(keys, values, strict=False):
            if v is not None:  # None: the option did not exist yet
                _one(batch, label, key, who, repr(v) if not isinstance(v, str) else v, at, note)


def _one(batch: Batch, label: str, key: str, who: str, value: str, at: datetime,
         note: str) -> None:
    try:
        p = float(value)
    except ValueError:
        batch.reject(label, f"probability {value[:20]!r} is not a number")
        return
    batch.forecast(label, key, by=who, p=p, at=at, given=value, note=note)


def _comments(batch: Batch, rows: Rows, posts: dict[str, list[str]]) -> None:
    rows.require("Post ID", "Author Username", "Created At", "Comment Text")
    for label, r in rows:
        for key in posts.get(r["Post ID"].strip(), []):
            batch.comment(label, key, by=r["Author Username"], text=r["Comment Text"],
                          at=_time(label, r["Created At"]))
