"""Export a ledger: JSON Lines (deterministic, diff-friendly, the import format) or a CSV
summary with one row per claim.

The JSONL file names everything by natural keys in a stable order, so exporting, importing
into an empty ledger and exporting again gives the same bytes. The audit events themselves are
not exported: the importing ledger records one ``import`` event that fingerprints every row it
added (``ledger db copy`` keeps the events too).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import IO, Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from ledger.core import hindsight, rules
from ledger.core.jsonenc import canonical, csv_cell
from ledger.ops.lookup import names as analyst_names
from ledger.ops.progress import Progress, tick
from ledger.ops.records import FORMAT_VERSION, Record
from ledger.store.engine import Store
from ledger.store.order import forecast_order
from ledger.store.settings import grace_days
from ledger.store.tables import (
    ANALYST,
    CLAIM,
    CLAIM_ALIAS,
    CLAIM_TAG,
    EVIDENCE,
    FORECAST,
    READING,
    REMINDER,
    RES_EVIDENCE,
    RESOLUTION,
    SETTING,
    SOURCE,
    SOURCE_AUTHOR,
)

#: claims read a batch at a time (with their forecasts, evidence and resolutions): memory stays
#: flat whatever the ledger's size
BATCH = 1000


def _grouped(conn: Connection, table: Table, ids: list[int],
             *order: Any) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    q = select(table).where(table.c.claim_id.in_(ids)).order_by(table.c.claim_id, *order)
    for r in conn.execute(q).mappings():
        out[r["claim_id"]].append(dict(r))
    return out


def _pairs(conn: Connection, parent: Any, child: Any, ids: list[int] | None,
           *order: Any) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    q = select(parent, child).order_by(parent, *order)
    if ids is not None:
        q = q.where(parent.in_(ids))
    for p, c in conn.execute(q):
        out[p].append(c)
    return out


def _claims(conn: Connection, names: dict[int, str],
            source_keys: dict[int, str]) -> Iterator[Record]:
    """Every claim with what hangs on it, in key order, a batch of claims at a time."""
    last = ""
    while True:
        batch = [dict(c) for c in conn.execute(
            select(CLAIM).where(CLAIM.c.key > last).order_by(CLAIM.c.key).limit(BATCH)
        ).mappings()]
        if not batch:
            return
        ids = [c["id"] for c in batch]
        tags = _pairs(conn, CLAIM_TAG.c.claim_id, CLAIM_TAG.c.tag, ids, CLAIM_TAG.c.tag)
        forecasts = _grouped(conn, FORECAST, ids, *forecast_order())
        evidence = _grouped(conn, EVIDENCE, ids, EVIDENCE.c.recorded_at,
                            EVIDENCE.c.observed_on, EVIDENCE.c.id)
        resolutions = _grouped(conn, RESOLUTION, ids, RESOLUTION.c.revision)
        rids = [r["id"] for rs in resolutions.values() for r in rs]
        links = _pairs(conn, RES_EVIDENCE.c.resolution_id, RES_EVIDENCE.c.evidence_id, rids,
                       RES_EVIDENCE.c.evidence_id)
        readings: dict[int, list[Any]] = defaultdict(list)
        if rids:
            for rid, outcome, note in conn.execute(select(
                    READING.c.resolution_id, READING.c.outcome, READING.c.note).where(
                    READING.c.resolution_id.in_(rids)).order_by(
                    READING.c.resolution_id, READING.c.position)):
                readings[rid].append({"outcome": outcome, "note": note})
        for c in batch:
            yield from _claim_records(c, names, source_keys, tags, forecasts, evidence,
                                      resolutions, links, readings)
        last = batch[-1]["key"]


def export_records(store: Store) -> Iterator[Record]:
    """Every record of the ledger in export order, read in one snapshot."""
    with store.read() as conn:
        names = analyst_names(conn)
        yield {"type": "ledger", "format": FORMAT_VERSION}
        for a in conn.execute(select(ANALYST).order_by(ANALYST.c.name)).mappings():
            yield {"type": "analyst", "name": a["name"], "affiliation": a["affiliation"],
                   "created_at": a["created_at"], "email": a["email"]}
        authors = _pairs(conn, SOURCE_AUTHOR.c.source_id, SOURCE_AUTHOR.c.analyst_id, None,
                         SOURCE_AUTHOR.c.position, SOURCE_AUTHOR.c.analyst_id)
        source_keys = {}
        for s in conn.execute(select(SOURCE).order_by(SOURCE.c.key)).mappings():
            source_keys[s["id"]] = s["key"]
            yield {"type": "source", "key": s["key"], "title": s["title"], "outlet": s["outlet"],
                   "url": s["url"], "published_on": s["published_on"],
                   "published_at": s["published_at"],
                   "authors": [names[a] for a in authors.get(s["id"], [])],
                   "recorded_by": names[s["recorded_by"]], "recorded_at": s["recorded_at"]}
        yield from _claims(conn, names, source_keys)
        for st in conn.execute(select(SETTING).order_by(SETTING.c.recorded_at,
                                                        SETTING.c.id)).mappings():
            yield {"type": "setting", "name": st["name"], "value": st["value"],
                   "note": st["note"], "recorded_by": names[st["recorded_by"]],
                   "recorded_at": st["recorded_at"]}
        for al in conn.execute(select(CLAIM_ALIAS, CLAIM.c.key.label("claim_key")).join(
                CLAIM, CLAIM.c.id == CLAIM_ALIAS.c.claim_id).order_by(
                CLAIM_ALIAS.c.key)).mappings():
            yield {"type": "alias", "key": al["key"], "claim": al["claim_key"],
                   "note": al["note"], "recorded_by": names[al["recorded_by"]],
                   "recorded_at": al["recorded_at"]}
        for rm in conn.execute(select(REMINDER, CLAIM.c.key.label("claim_key")).join(
                CLAIM, CLAIM.c.id == REMINDER.c.claim_id).order_by(
                REMINDER.c.sent_at, REMINDER.c.id)).mappings():
            yield {"type": "reminder", "analyst": names[rm["analyst_id"]],
                   "claim": rm["claim_key"], "sent_on": rm["sent_on"],
                   "sent_at": rm["sent_at"]}


def _claim_records(c: Any, names: dict[int, str], source_keys: dict[int, str],
                   tags: dict[int, list[Any]], forecasts: dict[int, list[dict[str, Any]]],
                   evidence: dict[int, list[dict[str, Any]]],
                   resolutions: dict[int, list[dict[str, Any]]],
                   links: dict[int, list[Any]],
                   readings: dict[int, list[Any]]) -> Iterator[Record]:
    key = c["key"]
    yield {"type": "claim", "key": key, "statement": c["statement"], "quote": c["quote"],
           "source": source_keys.get(c["source_id"]), "author": names[c["author_id"]],
           "subject": c["subject"], "tags": tags.get(c["id"], []), "made_on": c["made_on"],
           "due_on": c["due_on"], "due_basis": c["due_basis"], "due_note": c["due_note"],
           "criteria": c["criteria"], "withdrawn_on": c["withdrawn_on"],
           "withdrawn_note": c["withdrawn_note"], "withdrawn_at": c["withdrawn_at"],
           "recorded_by": names[c["recorded_by"]], "recorded_at": c["recorded_at"],
           "version": c["version"]}
    for n, f in enumerate(forecasts.get(c["id"], []), 1):
        yield {"type": "forecast", "id": f"{key}#f{n}", "claim": key,
               "by": names[f["analyst_id"]], "made_on": f["made_on"],
               "probability": f["probability"], "given": f["given"], "mapped": f["mapped"],
               "phrase": f["phrase"],
               "band": None if f["band_lo"] is None else [f["band_lo"], f["band_hi"]],
               "vague": f["vague"], "note": f["note"],
               "recorded_by": names[f["recorded_by"]], "recorded_at": f["recorded_at"],
               "retracted_at": f["retracted_at"],
               "retracted_by": names.get(f["retracted_by"]) if f["retracted_by"] else None,
               "retracted_note": f["retracted_note"]}
    stable_ev: dict[int, str] = {}
    for n, e in enumerate(evidence.get(c["id"], []), 1):
        stable_ev[e["id"]] = f"{key}#e{n}"
        yield {"type": "evidence", "id": f"{key}#e{n}", "claim": key, "summary": e["summary"],
               "url": e["url"], "citation": e["citation"], "observed_on": e["observed_on"],
               "stance": e["stance"], "recorded_by": names[e["recorded_by"]],
               "recorded_at": e["recorded_at"]}
    for r in resolutions.get(c["id"], []):
        yield {"type": "resolution", "id": f"{key}#r{r['revision']}", "claim": key,
               "revision": r["revision"], "outcome": r["outcome"], "known_on": r["known_on"],
               "rationale": r["rationale"], "resolved_by": names[r["resolved_by"]],
               "recorded_at": r["recorded_at"], "superseded_at": r["superseded_at"],
               "superseded_note": r["superseded_note"],
               "evidence": sorted(stable_ev[e] for e in links.get(r["id"], [])),
               "readings": readings.get(r["id"], [])}


def export_jsonl(store: Store, out: IO[str], progress: Progress = None) -> int:
    """Write every record, one canonical JSON object per line; returns the line count."""
    total = _count_claims(store) if progress else 0
    n = done = 0
    for rec in export_records(store):
        out.write(canonical(rec) + "\n")
        n += 1
        if progress and rec["type"] == "claim":
            done += 1
            tick(progress, done, total, "claims")
    return n


def _count_claims(store: Store) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(CLAIM)).scalar_one())


CSV_COLUMNS = ["key", "statement", "author", "subject", "tags", "made_on", "due_on", "due_basis",
               "status", "forecast_by", "forecast_on", "probability", "given", "mapped",
               "outcome", "known_on", "rationale", "source"]


def export_csv(store: Store, out: IO[str], progress: Progress = None, *,
               today: date) -> int:
    """One row per claim: its latest forecast, its current resolution, its status on ``today``."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    n = 0
    with store.read() as conn:
        grace = grace_days(conn)

    def flush(c: Record | None, f: Record | None, r: Record | None) -> None:
        nonlocal n
        if c is None:
            return
        status = rules.claim_status(withdrawn_on=hindsight.standing_withdrawal(
                                        c["withdrawn_on"], c["withdrawn_at"], c["due_on"], grace),
                                    outcome=r["outcome"] if r else None, due_on=c["due_on"],
                                    on=today)
        row = {**{k: c[k] for k in ("key", "statement", "author", "subject", "made_on",
                                    "due_on", "due_basis", "source")},
               "tags": ";".join(c["tags"]), "status": status,
               "forecast_by": f and f["by"], "forecast_on": f and f["made_on"],
               "probability": f and f["probability"], "given": f and f["given"],
               "mapped": f and f["mapped"], "outcome": r and r["outcome"],
               "known_on": r and r["known_on"], "rationale": r and r["rationale"]}
        w.writerow([csv_cell(row[k]) for k in CSV_COLUMNS])
        n += 1

    claim: Record | None = None
    latest: Record | None = None
    current: Record | None = None
    for rec in export_records(store):
        t = rec["type"]
        if t == "claim":
            flush(claim, latest, current)
            claim, latest, current = rec, None, None
        elif t == "forecast":  # in the order of ``ledger.store.order``: the last is the latest
            latest = rec
        elif t == "resolution" and rec["superseded_at"] is None:
            current = rec
    flush(claim, latest, current)
    return n
