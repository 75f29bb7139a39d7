"""Reading the ledger: listings, the whole story of one claim, what is due, the audit log.

Every function returns plain rows in the JSON vocabulary documented in ``docs/json.md``: the
same snake_case names as the export (``made_on``, ``due_on``, ``probability``, ``tags`` as a
list), typed values, no display labels. ``on`` is the day statuses are worked out for.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core import corrections, hindsight, rules
from ledger.ops.corrections import forecast_ids
from ledger.ops.lookup import analyst_ids, find_claim
from ledger.ops.lookup import names as analyst_names
from ledger.store.engine import Store
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


def list_claims(store: Store, *, on: date, status: str | None = None,
                author: str | None = None, tag: str | None = None, subject: str | None = None,
                due_before: date | None = None) -> list[Row]:
    """One row per claim, with its status on ``on`` and the author's latest forecast."""
    if status is not None:
        rules.one_of(status, rules.STATUS_FILTERS, "status")
    with store.read() as conn:
        names = analyst_names(conn)
        q = (select(CLAIM, RESOLUTION.c.outcome, RESOLUTION.c.known_on)
             .outerjoin(RESOLUTION, (RESOLUTION.c.claim_id == CLAIM.c.id)
                        & RESOLUTION.c.superseded_at.is_(None))
             .order_by(CLAIM.c.due_on, CLAIM.c.id))
        if author:
            q = q.where(CLAIM.c.author_id.in_(analyst_ids(conn, author)))
        if tag:
            q = q.where(CLAIM.c.id.in_(select(CLAIM_TAG.c.claim_id)
                                       .where(CLAIM_TAG.c.tag == tag.lower())))
        if subject:
            q = q.where(CLAIM.c.subject == subject)
        if due_before:
            q = q.where(CLAIM.c.due_on < due_before)
        claims = [dict(r) for r in conn.execute(q).mappings()]
        grace = grace_days(conn)
        tags: dict[int, list[str]] = defaultdict(list)
        latest: dict[tuple[int, int], float] = {}
        if claims:
            for cid, t in conn.execute(select(CLAIM_TAG.c.claim_id, CLAIM_TAG.c.tag)
                                       .order_by(CLAIM_TAG.c.tag)):
                tags[cid].append(t)
            for cid, aid, p in conn.execute(
                select(FORECAST.c.claim_id, FORECAST.c.analyst_id, FORECAST.c.probability)
                .where(FORECAST.c.retracted_at.is_(None))
                .order_by(FORECAST.c.made_on, FORECAST.c.id)
            ):
                latest[(cid, aid)] = p
    rows = []
    for c in claims:
        st = rules.claim_status(withdrawn_on=hindsight.standing_withdrawal(
            c["withdrawn_on"], c["withdrawn_at"], c["due_on"], grace),
                                outcome=c["outcome"], due_on=c["due_on"], on=on)
        if status and not rules.status_matches(status, st):
            continue
        rows.append({
            "id": c["id"], "key": c["key"], "status": st, "author": names[c["author_id"]],
            "made_on": c["made_on"], "due_on": c["due_on"], "known_on": c["known_on"],
            "probability": latest.get((c["id"], c["author_id"])), "subject": c["subject"],
            "tags": tags.get(c["id"], []), "version": c["version"],
            "statement": c["statement"],
        })
    return rows


def due_claims(store: Store, *, until: date, on: date, by: str | None = None) -> list[Row]:
    """Unresolved claims that fall due by ``until``, overdue ones first; with ``by``, only
    those the analyst authored or holds a forecast on."""
    rows = [r for r in list_claims(store, status="unresolved", on=on) if r["due_on"] <= until]
    if by is None:
        return rows
    with store.read() as conn:
        ids = analyst_ids(conn, by)
        mine = {cid for (cid,) in conn.execute(
            select(FORECAST.c.claim_id).where(FORECAST.c.analyst_id.in_(ids),
                                              FORECAST.c.retracted_at.is_(None)).distinct())}
        mine |= {cid for (cid,) in conn.execute(
            select(CLAIM.c.id).where(CLAIM.c.author_id.in_(ids)))}
    return [r for r in rows if r["id"] in mine]


def _source(conn: Connection, source_id: int, names: dict[int, str]) -> Row:
    s = dict(conn.execute(select(SOURCE).where(SOURCE.c.id == source_id)).mappings().one())
    authors = [names[a] for (a,) in conn.execute(
        select(SOURCE_AUTHOR.c.analyst_id).where(SOURCE_AUTHOR.c.source_id == s["id"])
        .order_by(SOURCE_AUTHOR.c.position))]
    return {"id": s["id"], "key": s["key"], "title": s["title"], "outlet": s["outlet"],
            "url": s["url"], "published_on": s["published_on"],
            "published_at": s["published_at"], "authors": authors}


def _resolutions(conn: Connection, claim_id: int, names: dict[int, str]) -> list[Row]:
    links: dict[int, list[int]] = defaultdict(list)
    for rid, eid in conn.execute(
        select(RES_EVIDENCE.c.resolution_id, RES_EVIDENCE.c.evidence_id)
        .join(RESOLUTION, RESOLUTION.c.id == RES_EVIDENCE.c.resolution_id)
        .where(RESOLUTION.c.claim_id == claim_id).order_by(RES_EVIDENCE.c.evidence_id)
    ):
        links[rid].append(eid)
    readings: dict[int, list[Row]] = defaultdict(list)
    for rid, outcome, note in conn.execute(
        select(READING.c.resolution_id, READING.c.outcome, READING.c.note)
        .join(RESOLUTION, RESOLUTION.c.id == READING.c.resolution_id)
        .where(RESOLUTION.c.claim_id == claim_id).order_by(READING.c.position)
    ):
        readings[rid].append({"outcome": outcome, "note": note})
    return [
        {"id": r["id"], "revision": r["revision"], "outcome": r["outcome"],
         "known_on": r["known_on"], "rationale": r["rationale"],
         "resolved_by": names[r["resolved_by"]], "recorded_at": r["recorded_at"],
         "evidence": links.get(r["id"], []), "readings": readings.get(r["id"], []),
         "current": r["superseded_at"] is None,
         "superseded_at": r["superseded_at"], "superseded_note": r["superseded_note"]}
        for r in conn.execute(select(RESOLUTION).where(RESOLUTION.c.claim_id == claim_id)
                              .order_by(RESOLUTION.c.revision)).mappings()
    ]


def show_claim(store: Store, ref: str, *, on: date) -> Row:
    """The whole story of one claim, as plain data."""
    with store.read() as conn:
        c = find_claim(conn, ref)
        names = analyst_names(conn)
        src = None if c["source_id"] is None else _source(conn, c["source_id"], names)
        tags = [t for (t,) in conn.execute(select(CLAIM_TAG.c.tag)
                                           .where(CLAIM_TAG.c.claim_id == c["id"])
                                           .order_by(CLAIM_TAG.c.tag))]
        grace = grace_days(conn)
        resolutions = _resolutions(conn, c["id"], names)
        current = next((r for r in resolutions if r["current"]), None)
        first_res = min((r["recorded_at"] for r in resolutions), default=None)
        src_authors = set() if c["source_id"] is None else {a for (a,) in conn.execute(
            select(SOURCE_AUTHOR.c.analyst_id).where(SOURCE_AUTHOR.c.source_id == c["source_id"]))}

        def backfilled(f: Any) -> bool:
            return hindsight.backfilled(
                made_on=f["made_on"], recorded_at=f["recorded_at"], due_on=c["due_on"],
                known_on=current["known_on"] if current else None, first_resolution_at=first_res,
                published=hindsight.published_call(
                    analyst_id=f["analyst_id"], made_on=f["made_on"], source_authors=src_authors,
                    published_on=src["published_on"] if src else None),
                grace_days=grace)

        number = {fid: n for n, fid in enumerate(forecast_ids(conn, c["id"]), 1)}

        def retraction(f: Any) -> str | None:
            if f["retracted_at"] is None:
                return None
            return "correction" if corrections.is_correction(
                recorded_at=f["recorded_at"], retracted_at=f["retracted_at"],
                first_resolution_at=first_res, grace_days=grace) else "withdrawal"

        forecasts = [
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
            for f in conn.execute(select(FORECAST).where(FORECAST.c.claim_id == c["id"])
                                  .order_by(FORECAST.c.made_on, FORECAST.c.id)).mappings()
        ]
        evidence = [
            {"id": e["id"], "observed_on": e["observed_on"], "stance": e["stance"],
             "summary": e["summary"], "url": e["url"], "citation": e["citation"],
             "recorded_by": names[e["recorded_by"]], "recorded_at": e["recorded_at"]}
            for e in conn.execute(select(EVIDENCE).where(EVIDENCE.c.claim_id == c["id"])
                                  .order_by(EVIDENCE.c.observed_on, EVIDENCE.c.id)).mappings()
        ]
    standing = hindsight.standing_withdrawal(c["withdrawn_on"], c["withdrawn_at"], c["due_on"],
                                             grace)
    return {
        "id": c["id"], "key": c["key"],
        "status": rules.claim_status(withdrawn_on=standing,
                                     outcome=current["outcome"] if current else None,
                                     due_on=c["due_on"], on=on),
        "statement": c["statement"], "quote": c["quote"], "author": names[c["author_id"]],
        "source": src, "subject": c["subject"], "tags": tags, "made_on": c["made_on"],
        "due_on": c["due_on"], "due_basis": c["due_basis"], "due_note": c["due_note"],
        "criteria": c["criteria"], "withdrawn_on": c["withdrawn_on"],
        "withdrawn_note": c["withdrawn_note"], "withdrawn_at": c["withdrawn_at"],
        "withdrawal_late": c["withdrawn_on"] is not None and standing is None,
        "recorded_by": names[c["recorded_by"]],
        "recorded_at": c["recorded_at"], "version": c["version"], "forecasts": forecasts,
        "evidence": evidence, "resolution": current, "resolutions": resolutions,
    }


def claim_version(store: Store, ref: str) -> int:
    with store.read() as conn:
        return int(find_claim(conn, ref)["version"])


def list_sources(store: Store) -> list[Row]:
    """Every source with its authors and how many claims cite it."""
    with store.read() as conn:
        names = analyst_names(conn)
        authors: dict[int, list[str]] = defaultdict(list)
        for sid, aid in conn.execute(select(SOURCE_AUTHOR.c.source_id, SOURCE_AUTHOR.c.analyst_id)
                                     .order_by(SOURCE_AUTHOR.c.position)):
            authors[sid].append(names[aid])
        counts: dict[int, int] = defaultdict(int)
        for (sid,) in conn.execute(select(CLAIM.c.source_id).where(CLAIM.c.source_id.isnot(None))):
            counts[sid] += 1
        return [
            {"id": s["id"], "key": s["key"], "title": s["title"], "outlet": s["outlet"],
             "url": s["url"], "published_on": s["published_on"],
             "authors": authors.get(s["id"], []), "claim_count": counts.get(s["id"], 0)}
            for s in conn.execute(select(SOURCE).order_by(SOURCE.c.id)).mappings()
        ]


def log(store: Store, ref: str | None = None, *, limit: int | None = None) -> list[Row]:
    """Audit events, oldest first (the last ``limit`` of them)."""
    with store.read() as conn:
        q = select(EVENT).order_by(EVENT.c.id.desc())
        if ref is not None:
            q = q.where(EVENT.c.claim_id == find_claim(conn, ref)["id"])
        if limit:
            q = q.limit(limit)
        rows = [dict(r) for r in conn.execute(q).mappings()]
    rows.reverse()
    out = []
    for r in rows:
        before = json.loads(r["before"]) if r["before"] else None
        after = json.loads(r["after"]) if r["after"] else None
        out.append({"id": r["id"], "at": r["at"], "actor": r["actor"], "action": r["action"],
                    "claim_id": r["claim_id"], "summary": summarize(r["action"], before, after),
                    "before": before, "after": after, "hash": r["hash"]})
    return out


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


def due_feed(store: Store, *, until: date, on: date, by: str | None = None) -> str:
    """``due_claims`` as an iCalendar feed whose entries keep their identity across rewrites
    (``ledger.core.ics``)."""
    from ledger.core import ics
    from ledger.store.types import utcnow

    rows = due_claims(store, until=until, on=on, by=by)
    with store.read() as conn:
        first = conn.execute(select(EVENT.c.hash).where(EVENT.c.id == 1)).scalar()
        criteria = dict(conn.execute(select(CLAIM.c.id, CLAIM.c.criteria).where(
            CLAIM.c.id.in_([r["id"] for r in rows] or [-1]))).all())
    return ics.feed([{**r, "criteria": criteria.get(r["id"])} for r in rows],
                    ledger_id=str(first), now=utcnow())
