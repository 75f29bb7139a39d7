"""What an importer produces: claims, forecasts, comments and outcomes read from another
tracker, turned into the ledger's own export records (``ledger.ops.records``) so that one
import path (``ledger.ops.importer``) checks and writes every format alike.

The rules every format shares live here, once: a deadline before creation is raised to the made
date (assigned, with a note, so the claim is never scored); a made date after the first forecast
moves back to it (with a warning); on one day several forecasts all stay (the scorecard lets the
last stand); a row a format's rules reject is skipped and counted by reason, or refuses the whole
file with ``strict``. Every row keeps the platform's own time as its recorded time.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from ledger.core.keys import TEXT_LIMIT
from ledger.importers.reading import FormatError, day_of
from ledger.ops.progress import Progress, tick
from ledger.ops.records import Labelled, check_record


@dataclass
class Options:
    """What the user can say about a file: who is who, the zone of zone-less times, and how
    strict to be."""

    actor: str
    who: dict[str, str] = field(default_factory=dict)
    zone: tzinfo = UTC
    zone_given: bool = False  # --tz was given: it beats a format's own default zone
    strict: bool = False
    multiple_choice: bool = True
    mapping: dict[str, str] = field(default_factory=dict)
    today: date = field(default_factory=lambda: datetime.now(UTC).date())


@dataclass
class _Claim:
    label: str
    key: str
    statement: str
    author: str
    made_at: datetime
    due_on: date
    due_basis: str
    due_note: str | None
    criteria: str | None
    tags: list[str]
    url: str | None


@dataclass
class _Forecast:
    label: str
    claim: str
    by: str
    p: float
    at: datetime
    on: date
    given: str
    note: str | None


@dataclass
class _Outcome:
    label: str
    claim: str
    outcome: str
    known_on: date
    at: datetime
    rationale: str


@dataclass
class _Comment:
    label: str
    claim: str
    by: str
    text: str
    at: datetime


def _clip(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Batch:
    """Claims, forecasts, outcomes and comments from one file (or one set of files)."""

    def __init__(self, fmt: str, platform: str, opts: Options) -> None:
        self.fmt, self.platform, self.opts = fmt, platform, opts
        self.tag = fmt.split("-")[0]
        self.claims: dict[str, _Claim] = {}
        self.forecasts: list[_Forecast] = []
        self.outcomes: dict[str, _Outcome] = {}
        self.comments: list[_Comment] = []
        self.skipped: Counter[str] = Counter()
        self.warnings: list[str] = []
        self.rows = 0
        self.shared_source: dict[str, Any] | None = None
        #: claims whose words are placeholders: one already in the ledger is left as it is
        self.weak: set[str] = set()
        self.placeholders = 0
        self.files: list[dict[str, str]] = []  # path and sha256 of each file read

    # --- what the importers call ---------------------------------------------------------

    def name(self, platform_name: str) -> str:
        """The analyst a platform's user name stands for (``--who NAME=ANALYST``)."""
        name = platform_name.strip()
        return self.opts.who.get(name, name)

    def reject(self, label: str, reason: str) -> None:
        """A row this format's rules refuse: skipped and counted, or the whole file refused."""
        if self.opts.strict:
            raise FormatError(f"{label}: {reason} (--strict refuses the whole file)")
        # counted by kind: the reason without the row's own values
        kind = re.sub(r"\s*'[^']*'|\s*\([^)]*\)|\s*\d+(\.\d+)?", "", reason).strip()
        self.skipped[f"rejected rows ({kind})"] += 1
        self.warnings.append(f"{label}: {reason}; row skipped")

    def skip(self, reason: str, n: int = 1) -> None:
        if n:
            self.skipped[reason] += n

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def claim(self, label: str, key: str, *, statement: str, author: str, made_at: datetime,
              due_on: date | None, due_basis: str = "stated", due_note: str | None = None,
              criteria: str | None = None, tags: list[str] | None = None,
              url: str | None = None) -> None:
        """A claim; the same key again (a later row or page) replaces what an earlier one
        said, as a newer export would."""
        if due_on is None:
            raise FormatError(f"{label}: claim {key} has no due date")
        tags = [self.tag, *(t for t in (tags or []) if t.strip())]
        self.claims[key] = _Claim(label, key, _clip(statement.strip() or key), self.name(author),
                                  made_at, due_on, due_basis, due_note,
                                  criteria.strip() if criteria and criteria.strip() else None,
                                  list(dict.fromkeys(t.strip().lower()[:100] for t in tags)),
                                  url or None)

    def forecast(self, label: str, claim: str, *, by: str, p: float, at: datetime,
                 given: str, on: date | None = None, note: str | None = None) -> None:
        if not 0.0 <= p <= 1.0:
            self.reject(label, f"probability {given!r} is outside 0..1")
            return
        self.forecasts.append(_Forecast(label, claim, self.name(by), p, at, on or day_of(at),
                                        given.strip()[:200] or repr(p), note))

    def resolve(self, label: str, claim: str, outcome: str, *, known_on: date, at: datetime,
                rationale: str) -> None:
        self.outcomes[claim] = _Outcome(label, claim, outcome, known_on, at, rationale)

    def comment(self, label: str, claim: str, *, by: str, text: str, at: datetime) -> None:
        if text.strip():
            self.comments.append(_Comment(label, claim, self.name(by), text.strip(), at))

    # --- the records ------------------------------------------------------------------------

    def records(self, progress: Progress = None) -> list[Labelled]:
        """The export records this batch stands for, each checked as the JSONL import checks
        its lines; the first broken rule refuses the file, naming the row."""
        out: list[Labelled] = []
        first: dict[str, tuple[date, datetime]] = {}
        for f in self.forecasts:
            if f.claim in self.claims and (f.claim not in first or f.on < first[f.claim][0]):
                first[f.claim] = (f.on, f.at)
        people: dict[str, datetime] = {}

        def person(name: str, at: datetime) -> str:
            if name not in people or at < people[name]:
                people[name] = at
            return name

        claims: list[Labelled] = []
        sources: list[Labelled] = []
        for c in self.claims.values():
            made_on, made_at = day_of(c.made_at), c.made_at
            if c.key in first and first[c.key][0] < made_on:
                self.warn(f"{c.key}: made {made_on} after its first forecast "
                          f"{first[c.key][0]}; made date moved to {first[c.key][0]}")
                made_on, made_at = first[c.key]
            due_on, basis, note = c.due_on, c.due_basis, c.due_note
            if due_on < made_on:
                note = (f"deadline {due_on} precedes creation; due date set to the made date, so "
                        "the claim is not scored")
                due_on, basis = made_on, "assigned"
            source = None
            if c.url:
                source = c.key
                sources.append((c.label, {
                    "type": "source", "key": c.key, "title": c.statement[:1000],
                    "outlet": self.platform, "url": c.url, "published_on": made_on,
                    "published_at": made_at, "authors": [person(c.author, made_at)],
                    "recorded_by": c.author, "recorded_at": made_at}))
            elif self.shared_source is not None:
                source = self.shared_source["key"]
            claims.append((c.label, {
                "type": "claim", "key": c.key, "statement": c.statement, "quote": None,
                "source": source, "author": person(c.author, made_at), "subject": None,
                "tags": c.tags, "made_on": made_on, "due_on": due_on, "due_basis": basis,
                "due_note": note, "criteria": c.criteria, "withdrawn_on": None,
                "withdrawn_note": None, "withdrawn_at": None, "recorded_by": c.author,
                "recorded_at": made_at, "version": 1}))
        forecasts: list[Labelled] = []
        # in time order, ties by content: the same forecasts in any row order get the same
        # ids, so the scorecard never depends on how a file happened to list them
        ordered = sorted(self.forecasts, key=lambda f: (f.at, f.claim, f.by, f.on, f.p,
                                                        f.given or "", f.note or ""))
        for n, f in enumerate(ordered, 1):
            if f.claim not in self.claims:
                continue
            forecasts.append((f.label, {
                "type": "forecast", "id": f"{f.claim}#i{n}", "claim": f.claim,
                "by": person(f.by, f.at), "made_on": f.on, "probability": f.p, "given": f.given,
                "mapped": False, "phrase": None, "band": None, "vague": False, "note": f.note,
                "recorded_by": f.by, "recorded_at": f.at}))
        evidence: list[Labelled] = []
        comments = sorted(self.comments, key=lambda cm: (cm.at, cm.claim, cm.by, cm.text))
        for n, cm in enumerate(comments, 1):
            if cm.claim not in self.claims:
                continue
            evidence.append((cm.label, {
                "type": "evidence", "id": f"{cm.claim}#c{n}", "claim": cm.claim,
                "summary": _clip(f"{cm.by}: {cm.text}"), "url": self.claims[cm.claim].url,
                "citation": f"{self.platform} comment", "observed_on": day_of(cm.at),
                "stance": "context", "recorded_by": person(cm.by, cm.at), "recorded_at": cm.at}))
        resolutions: list[Labelled] = []
        for o in self.outcomes.values():
            if o.claim not in self.claims:
                continue
            resolutions.append((o.label, {
                "type": "resolution", "id": f"{o.claim}#r1", "claim": o.claim, "revision": 1,
                "outcome": o.outcome, "known_on": o.known_on, "rationale": o.rationale,
                "resolved_by": person(self.opts.actor, o.at), "recorded_at": o.at,
                "superseded_at": None, "superseded_note": None, "evidence": [],
                "readings": None}))
        if self.shared_source is not None and any(r["source"] for _, r in claims):
            sources.append(("source", dict(self.shared_source)))
            person(self.opts.actor, self.shared_source["recorded_at"])
        if self.placeholders:
            self.warn(f"{self.placeholders} questions have placeholder statements: the file holds "
                      "no titles (give the question file too)")
        for name, at in people.items():
            out.append(("analysts", {"type": "analyst", "name": name, "affiliation": None,
                                     "created_at": at}))
        out += sources + claims + forecasts + evidence + resolutions
        for n, (label, rec) in enumerate(out, 1):
            check_record(label, rec, today=self.opts.today)
            tick(progress, n, len(out), "checking")
        return out
