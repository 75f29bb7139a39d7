"""A claim's whole story (quote, source, forecasts, evidence, resolutions, history) as plain
data, for one claim (``ledger show``) or for many at once (the scorecard site), a fixed number
of queries per batch of claims rather than per claim.

With ``as_of`` (an instant) the story is the ledger as it stood then: rows recorded later are
left out, and retractions, withdrawals and superseded resolutions recorded later had not
happened yet. The claim's own words and dates are its current ones (edits are in its history),
as in the scorecard.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ledger.core import corrections, hindsight, rules
from ledger.ops.lookup import names as analyst_names
from ledger.store.order import forecast_order
from ledger.store.settings import grace_days
from ledger.store.tables import (
    CLAIM,
    CLAIM_TAG,
    EVENT,
    EVIDENCE,
    FORECAST,
    READING,
    RES_EVIDENCE,
    RESOLUTION,
    SOURCE,
    SOURCE_AUTHOR,
)

Row = dict[str, Any]
BATCH = 500  # claims per round of queries: bounded memory, few round trips


def _by_claim(rows: Iterable[Any], key: str = "claim_id") -> dict[int, list[Row]]:
    out: dict[int, list[Row]] = defaultdict(list)
    for r in rows:
        out[int(r[key])].append(dict(r))
    return out


def _recorded(col: Any, as_of: datetime | None) -> Any:
    return True if as_of is None else col <= as_of


def _later(at: datetime | None, as_of: datetime | None) -> bool:
    """Did something recorded at ``at`` happen after the as-of instant (so not yet)?"""
    return at is not None and as_of is not None and at > as_of


class Reader:
    """Reads stories on one connection; names and sources are read once and shared."""

    def __init__(self, conn: Connection, *, on: date, as_of: datetime | None = None,
                 history: bool = False) -> None:
        self.conn, self.on, self.as_of, self.history = conn, on, as_of, history
        self.names = analyst_names(conn)
        self.grace = grace_days(conn, as_of) if as_of is not None else grace_days(conn)
        self._sources: dict[int, Row] = {}
        self._source_authors: dict[int, set[int]] = {}

    def source(self, source_id: int) -> Row:
        if source_id not in self._sources:
            s = dict(self.conn.execute(select(SOURCE).where(SOURCE.c.id == source_id))
                     .mappings().one())
            ids = [int(a) for (a,) in self.conn.execute(
                select(SOURCE_AUTHOR.c.analyst_id).where(SOURCE_AUTHOR.c.source_id == s["id"])
                .order_by(SOURCE_AUTHOR.c.position))]
            self._source_authors[source_id] = set(ids)
            self._sources[source_id] = {
                "id": s["id"], "key": s["key"], "title": s["title"], "outlet": s["outlet"],
                "url": s["url"], "published_on": s["published_on"],
                "published_at": s["published_at"], "authors": [self.names[a] for a in ids]}
        return self._sources[source_id]

    def stories(self, claims: Sequence[Row]) -> list[Row]:
        """The stories of ``claims`` (claim rows as read from the claim table), in order."""
        ids = [int(c["id"]) for c in claims]
        if not ids:
            return []
        conn, as_of = self.conn, self.as_of
        tags: dict[int, list[str]] = defaultdict(list)
        for cid, tag in conn.execute(select(CLAIM_TAG.c.claim_id, CLAIM_TAG.c.tag)
                                     .where(CLAIM_TAG.c.claim_id.in_(ids))
                                     .order_by(CLAIM_TAG.c.claim_id, CLAIM_TAG.c.tag)):
            tags[int(cid)].append(tag)
        resolutions = self._resolutions(ids)
        forecasts = _by_claim(conn.execute(
            select(FORECAST).where(FORECAST.c.claim_id.in_(ids),
                                   _recorded(FORECAST.c.recorded_at, as_of))
            .order_by(FORECAST.c.claim_id, *forecast_order())).mappings())
        evidence = _by_claim(conn.execute(
            select(EVIDENCE).where(EVIDENCE.c.claim_id.in_(ids),
                                   _recorded(EVIDENCE.c.recorded_at, as_of))
            .order_by(EVIDENCE.c.claim_id, EVIDENCE.c.observed_on, EVIDENCE.c.id)).mappings())
        events = self._events(ids) if self.history else {}
        return [self._story(c, tags.get(int(c["id"]), []), resolutions.get(int(c["id"]), []),
                            forecasts.get(int(c["id"]), []), evidence.get(int(c["id"]), []),
                            events.get(int(c["id"])))
                for c in claims]

    def _resolutions(self, ids: list[int]) -> dict[int, list[Row]]:
        conn, as_of = self.conn, self.as_of
        rows = [dict(r) for r in conn.execute(
            select(RESOLUTION).where(RESOLUTION.c.claim_id.in_(ids),
                                     _recorded(RESOLUTION.c.recorded_at, as_of))
            .order_by(RESOLUTION.c.claim_id, RESOLUTION.c.revision)).mappings()]
        rids = [r["id"] for r in rows]
        links: dict[int, list[int]] = defaultdict(list)
        readings: dict[int, list[Row]] = defaultdict(list)
        if rids:
            for rid, eid in conn.execute(
                select(RES_EVIDENCE.c.resolution_id, RES_EVIDENCE.c.evidence_id)
                .where(RES_EVIDENCE.c.resolution_id.in_(rids))
                .order_by(RES_EVIDENCE.c.resolution_id, RES_EVIDENCE.c.evidence_id)
            ):
                links[rid].append(eid)
            for rid, outcome, note in conn.execute(
                select(READING.c.resolution_id, READING.c.outcome, READING.c.note)
                .where(READING.c.resolution_id.in_(rids))
                .order_by(READING.c.resolution_id, READING.c.position)
            ):
                readings[rid].append({"outcome": outcome, "note": note})
        out: dict[int, list[Row]] = defaultdict(list)
        for r in rows:
            superseded = r["superseded_at"] if not _later(r["superseded_at"], as_of) else None
            out[int(r["claim_id"])].append({
                "id": r["id"], "revision": r["revision"], "outcome": r["outcome"],
                "known_on": r["known_on"], "rationale": r["rationale"],
                "resolved_by": self.names[r["resolved_by"]], "recorded_at": r["recorded_at"],
                "evidence": links.get(r["id"], []), "readings": readings.get(r["id"], []),
                "current": superseded is None, "superseded_at": superseded,
                "superseded_note": r["superseded_note"] if superseded else None})
        return out

    def _events(self, ids: list[int]) -> dict[int, list[Row]]:
        q = (select(EVENT).where(EVENT.c.claim_id.in_(ids), _recorded(EVENT.c.at, self.as_of))
             .order_by(EVENT.c.claim_id, EVENT.c.id))
        out: dict[int, list[Row]] = defaultdict(list)
        for r in self.conn.execute(q).mappings():
            out[int(r["claim_id"])].append(event_row(dict(r)))
        return out

    def _story(self, c: Row, tags: list[str], resolutions: list[Row], forecasts: list[Row],
               evidence: list[Row], events: list[Row] | None) -> Row:
        names, as_of, grace = self.names, self.as_of, self.grace
        src = None if c["source_id"] is None else self.source(int(c["source_id"]))
        src_authors = (set() if c["source_id"] is None
                       else self._source_authors[int(c["source_id"])])
        current = next((r for r in resolutions if r["current"]), None)
        first_res = min((r["recorded_at"] for r in resolutions), default=None)
        # numbered in the order they were recorded, as `retract KEY#N` and the export number them
        number = {f["id"]: n for n, f in enumerate(
            sorted(forecasts, key=lambda f: (f["recorded_at"], f["made_on"], f["id"])), 1)}

        def backfilled(f: Row) -> bool:
            return hindsight.backfilled(
                made_on=f["made_on"], recorded_at=f["recorded_at"], due_on=c["due_on"],
                known_on=current["known_on"] if current else None, first_resolution_at=first_res,
                published=hindsight.published_call(
                    analyst_id=f["analyst_id"], made_on=f["made_on"], source_authors=src_authors,
                    published_on=src["published_on"] if src else None),
                grace_days=grace)

        def retraction(f: Row) -> str | None:
            if f["retracted_at"] is None:
                return None
            return "correction" if corrections.is_correction(
                recorded_at=f["recorded_at"], retracted_at=f["retracted_at"],
                first_resolution_at=first_res, grace_days=grace) else "withdrawal"

        for f in forecasts:
            if _later(f["retracted_at"], as_of):
                f.update(retracted_at=None, retracted_by=None, retracted_note=None)
        withdrawn = {k: c[k] for k in ("withdrawn_on", "withdrawn_note", "withdrawn_at")}
        if _later(c["withdrawn_at"], as_of):
            withdrawn = dict.fromkeys(withdrawn)
        standing = hindsight.standing_withdrawal(withdrawn["withdrawn_on"],
                                                 withdrawn["withdrawn_at"], c["due_on"], grace)
        story = {
            "id": c["id"], "key": c["key"],
            "status": rules.claim_status(withdrawn_on=standing,
                                         outcome=current["outcome"] if current else None,
                                         due_on=c["due_on"], on=self.on),
            "statement": c["statement"], "quote": c["quote"], "author": names[c["author_id"]],
            "source": src, "subject": c["subject"], "tags": tags, "made_on": c["made_on"],
            "due_on": c["due_on"], "due_basis": c["due_basis"], "due_note": c["due_note"],
            "criteria": c["criteria"], **withdrawn,
            "withdrawal_late": withdrawn["withdrawn_on"] is not None and standing is None,
            "recorded_by": names[c["recorded_by"]],
            "recorded_at": c["recorded_at"], "version": c["version"],
            "forecasts": [
                {"id": f["id"], "number": number[f["id"]], "by": names[f["analyst_id"]],
                 "made_on": f["made_on"],
                 "probability": f["probability"], "given": f["given"], "mapped": f["mapped"],
                 "phrase": f["phrase"],
                 "band": None if f["band_lo"] is None else [f["band_lo"], f["band_hi"]],
                 "vague": f["vague"], "note": f["note"], "recorded_by": names[f["recorded_by"]],
                 "recorded_at": f["recorded_at"], "backfilled": backfilled(f),
                 "retracted_at": f["retracted_at"],
                 "retracted_by": names[f["retracted_by"]] if f["retracted_by"] else None,
                 "retracted_note": f["retracted_note"], "retraction": retraction(f)}
                for f in forecasts],
            "evidence": [
                {"id": e["id"], "observed_on": e["observed_on"], "stance": e["stance"],
                 "summary": e["summary"], "url": e["url"], "citation": e["citation"],
                 "recorded_by": names[e["recorded_by"]], "recorded_at": e["recorded_at"]}
                for e in evidence],
            "resolution": current, "resolutions": resolutions,
        }
        if events is not None:
            story["history"] = events
        return story

    def count(self) -> int:
        """How many claims ``all`` gives."""
        return int(self.conn.execute(select(func.count()).select_from(CLAIM).where(
            _recorded(CLAIM.c.recorded_at, self.as_of))).scalar_one())

    def all(self, batch: int = BATCH) -> Iterator[Row]:
        """Every claim recorded by the as-of instant, by id, a batch of queries at a time."""
        last = 0
        while True:
            rows = [dict(r) for r in self.conn.execute(
                select(CLAIM).where(CLAIM.c.id > last, _recorded(CLAIM.c.recorded_at, self.as_of))
                .order_by(CLAIM.c.id).limit(batch)).mappings()]
            if not rows:
                return
            yield from self.stories(rows)
            last = int(rows[-1]["id"])


def event_row(r: Row) -> Row:
    """An audit event as the log shows it: its change decoded and summed up in a line."""
    before = json.loads(r["before"]) if r["before"] else None
    after = json.loads(r["after"]) if r["after"] else None
    return {"id": r["id"], "at": r["at"], "actor": r["actor"], "action": r["action"],
            "claim_id": r["claim_id"], "summary": summarize(r["action"], before, after),
            "before": before, "after": after, "hash": r["hash"],
            "signed": r.get("signature") is not None}


def summarize(action: str, before: Any, after: Any) -> str:
    """One readable line for an event."""
    after = after or {}
    before = before or {}
    main = {k.split("/")[0]: v for k, v in after.items() if "/" in k and v}
    if action == "claim.add" and "claim" in main:
        c = main["claim"]
        p = f", p={main['forecast']['probability']:g}" if "forecast" in main else ""
        return f"{c['key']}: due {c['due_on']}{p}"
    if action == "forecast.add" and "forecast" in main:
        f = main["forecast"]
        return f"p={f['probability']:g} ({f['given']}) on {f['made_on']}"
    if action == "evidence.add" and "evidence" in main:
        e = main["evidence"]
        return f"{e['stance']}: {e['summary'][:60]}"
    if action in ("claim.resolve", "claim.revise") and "resolution" in main:
        r = main["resolution"]
        return (f"{r['outcome']}, known {r['known_on']}"
                + (" (revised)" if action == "claim.revise" else ""))
    if action in ("claim.edit", "claim.withdraw", "claim.reopen") and "claim" in main:
        olds = [v for k, v in before.items() if k.startswith("claim/")]
        old: dict[str, Any] = (olds[0] if olds else None) or {}
        changed = sorted(k for k, v in main["claim"].items()
                         if k not in ("version",) and old.get(k) != v)
        return "changed " + ", ".join(changed) if changed else action.split(".")[1]
    if action == "source.add" and "source" in main:
        return str(main["source"]["key"])
    if action == "import":
        return ", ".join(f"{k}: {v}" for k, v in (after.get("counts") or {}).items() if v)
    return ""
