"""The import steps for what is recorded about claims once they exist: evidence, resolutions
(with their readings), settings, merged claims' keys and the reminders sent. See
``ledger.ops.importer``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core import rules
from ledger.core.jsonenc import canonical
from ledger.errors import RuleViolation
from ledger.ops import refresh
from ledger.ops.import_state import WRITE_BATCH, State, first_free_id
from ledger.ops.records import ImportFileError, refuse
from ledger.store.bulk import insert_many
from ledger.store.tables import (
    CLAIM_ALIAS,
    EVIDENCE,
    READING,
    REMINDER,
    RES_EVIDENCE,
    RESOLUTION,
    SETTING,
    insert_id,
)


def evidence(st: State) -> None:
    next_id = first_free_id(st.conn, EVIDENCE)
    existing: dict[tuple[Any, ...], list[int]] = defaultdict(list)  # a multiset, as above
    for have in st.conn.execute(select(EVIDENCE).where(
            EVIDENCE.c.claim_id.in_(st.old_claim_ids())).order_by(EVIDENCE.c.id)).mappings():
        existing[(have["claim_id"], have["observed_on"], have["summary"], have["recorded_at"])
                 ].append(have["id"])
    rows: list[dict[str, Any]] = []
    for no, r in st.of("evidence"):
        cid = st.claim_of(no, r)
        sig = (cid, r["observed_on"], r["summary"], r["recorded_at"])
        if existing.get(sig):
            st.index.add_evidence(r["id"], existing[sig].pop(0))
            st.skipped += 1
            continue
        row = {"id": next_id, "claim_id": cid, "summary": r["summary"], "url": r["url"],
               "citation": r["citation"], "observed_on": r["observed_on"],
               "stance": r["stance"], "recorded_by": st.who(r["recorded_by"], no),
               "recorded_at": r["recorded_at"]}
        next_id += 1
        st.index.add_evidence(r["id"], row["id"])
        rows.append(row)
        st.prints.add(f"evidence/{row['id']}", row)
        if len(rows) >= WRITE_BATCH:
            _write(st, EVIDENCE, rows, "evidence")
    _write(st, EVIDENCE, rows, "evidence")


def _write(st: State, table: Any, rows: list[dict[str, Any]], kind: str | None) -> None:
    """Insert a batch of rows (counted as ``kind`` when given), and empty the batch."""
    if rows:
        insert_many(st.conn, table, rows)
        if kind is not None:
            st.counts[kind] += len(rows)
        rows.clear()


def resolutions(st: State) -> None:
    existing = {(row["claim_id"], row["revision"]): dict(row) for row in st.conn.execute(
        select(RESOLUTION).where(RESOLUTION.c.claim_id.in_(st.old_claim_ids()))).mappings()}
    next_id = first_free_id(st.conn, RESOLUTION)
    rows: list[dict[str, Any]] = []
    link_rows: list[dict[str, Any]] = []
    reading_rows: list[dict[str, Any]] = []
    for no, r in st.of("resolution"):
        cid, made = st.claim_made(no, r)
        try:
            rules.not_before_made(r["known_on"], made, "resolution date",
                                  r["claim"], "known_on")
        except RuleViolation as exc:
            raise refuse(no, r, exc) from None
        wrong = st.index.add_revision(cid, r["revision"], current=r["superseded_at"] is None)
        if wrong == "revision":
            raise ImportFileError(f"{no}: claim {r['claim']!r} has two resolutions with "
                                  f"revision {r['revision']}")
        if wrong == "current":
            raise ImportFileError(f"{no}: claim {r['claim']!r} has two current resolutions")
        ev = []
        for stable in r["evidence"]:
            eid = st.index.evidence(stable)
            if eid is None:
                raise ImportFileError(f"{no}: resolution {r['id']!r} rests on unknown "
                                      f"evidence {stable!r}")
            ev.append(eid)
        row = {"claim_id": cid, "revision": r["revision"], "outcome": r["outcome"],
               "known_on": r["known_on"], "rationale": r["rationale"],
               "resolved_by": st.who(r["resolved_by"], no), "recorded_at": r["recorded_at"],
               "superseded_at": r["superseded_at"], "superseded_note": r["superseded_note"]}
        readings = r["readings"] or []
        if st.history and cid not in st.history_seen:
            st.history_seen.add(cid)
            step, row = refresh.resolution(st.conn, cid, r, row, next_id, st.before, st.after)
            if step == "skip":
                st.skipped += 1
                continue
            st.updated["resolution"] += step == "update"
            next_id += 1
            rows.append(row)
            st.prints.add(f"resolution/{row['id']}",
                {**row, "evidence": [], "readings": []})
            continue
        have = existing.get((cid, r["revision"]))
        if have is not None:
            if (canonical({k: have[k] for k in row}) != canonical(row)
                    or canonical(_readings_of(st.conn, have["id"])) != canonical(readings)):
                raise ImportFileError(f"{no}: resolution {r['id']!r} differs from the one "
                                      "in this ledger; nothing was imported")
            st.skipped += 1
            continue
        row["id"] = next_id
        next_id += 1
        rows.append(row)
        link_rows += [{"resolution_id": row["id"], "evidence_id": e} for e in sorted(set(ev))]
        reading_rows += [{"resolution_id": row["id"], "position": k, **x}
                         for k, x in enumerate(readings, 1)]
        st.prints.add(f"resolution/{row['id']}",
            {**row, "evidence": sorted(set(ev)), "readings": readings})
        if len(rows) >= WRITE_BATCH:
            _write_resolutions(st, rows, link_rows, reading_rows)
    _write_resolutions(st, rows, link_rows, reading_rows)
    st.counts["resolution"] -= st.updated["resolution"]  # a new revision: counted as updated


def _write_resolutions(st: State, rows: list[dict[str, Any]], link_rows: list[dict[str, Any]],
                       reading_rows: list[dict[str, Any]]) -> None:
    _write(st, RESOLUTION, rows, "resolution")
    _write(st, RES_EVIDENCE, link_rows, None)
    _write(st, READING, reading_rows, None)


def _readings_of(conn: Connection, resolution_id: int) -> list[dict[str, str]]:
    return [{"outcome": o, "note": n} for o, n in conn.execute(
        select(READING.c.outcome, READING.c.note).where(READING.c.resolution_id == resolution_id)
        .order_by(READING.c.position))]


def settings(st: State) -> None:
    """Settings keep their history; one already here (same name, value and time) is skipped."""
    have = {(n, v, at) for n, v, at in st.conn.execute(
        select(SETTING.c.name, SETTING.c.value, SETTING.c.recorded_at))}
    for no, r in st.of("setting"):
        sig = (r["name"], r["value"], r["recorded_at"])
        if sig in have:
            st.skipped += 1
            continue
        have.add(sig)
        row = {"name": r["name"], "value": r["value"], "note": r["note"],
               "recorded_by": st.who(r["recorded_by"], no), "recorded_at": r["recorded_at"]}
        sid = insert_id(st.conn, SETTING.insert().values(**row))
        st.counts["setting"] += 1
        st.prints.add(f"setting/{sid}", {"id": sid, **row})


def aliases(st: State) -> None:
    """The keys of merged claims; one already here is skipped."""
    have = {k for (k,) in st.conn.execute(select(CLAIM_ALIAS.c.key))}
    for no, r in st.of("alias"):
        if r["key"] in have:
            st.skipped += 1
            continue
        cid = st.claim_of(no, r, f"alias {r['key']!r}")
        row = {"key": r["key"], "claim_id": cid, "note": r["note"],
               "recorded_by": st.who(r["recorded_by"], no), "recorded_at": r["recorded_at"]}
        aid = insert_id(st.conn, CLAIM_ALIAS.insert().values(**row))
        have.add(r["key"])
        st.counts["alias"] += 1
        st.prints.add(f"claim_alias/{aid}", {"id": aid, **row})


def reminders(st: State) -> None:
    """Reminders sent, so a restored ledger does not send them again the same day."""
    have = {tuple(r) for r in st.conn.execute(
        select(REMINDER.c.analyst_id, REMINDER.c.claim_id, REMINDER.c.sent_on))}
    for no, r in st.of("reminder"):
        cid = st.claim_of(no, r, "a reminder")
        row = {"analyst_id": st.who(r["analyst"], no), "claim_id": cid,
               "sent_on": r["sent_on"], "sent_at": r["sent_at"]}
        sig = (row["analyst_id"], row["claim_id"], row["sent_on"])
        if sig in have:
            st.skipped += 1
            continue
        rid = insert_id(st.conn, REMINDER.insert().values(**row))
        have.add(sig)
        st.counts["reminder"] += 1
        st.prints.add(f"reminder/{rid}", {"id": rid, **row})
