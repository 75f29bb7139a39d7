"""Import typed records (from a JSONL export or seed files) into a ledger: all or nothing,
idempotent (rows already present are skipped), and every rule checked, including those that
hold between records (a forecast before its claim was made, or dated after an outcome that was
already recorded). One step per entity, over one ``State``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core import rules
from ledger.errors import NotFound, RuleViolation
from ledger.ops import import_outcomes, refresh
from ledger.ops.existing import existing_claim, existing_source, same_or_fail
from ledger.ops.import_state import WRITE_BATCH, State, batched, first_free_id, of_kind
from ledger.ops.lookup import analyst_id
from ledger.ops.progress import Progress, tick
from ledger.ops.records import ImportFileError, Labelled, Record, read_records, refuse
from ledger.ops.spool import Spool
from ledger.store import audit
from ledger.store.audit import clock
from ledger.store.bulk import insert_many
from ledger.store.engine import NEW_ANALYSTS, Store
from ledger.store.tables import (
    ANALYST,
    CLAIM,
    CLAIM_TAG,
    FORECAST,
    RESOLUTION,
    SOURCE,
    SOURCE_AUTHOR,
    insert_id,
)


def import_jsonl(store: Store, actor: str, lines: Iterable[str], *, today: date,
                 progress: Progress = None, origin: str | None = None) -> dict[str, int]:
    """Load an export into this ledger: all or nothing; rows already present are skipped."""
    return import_records(store, actor, read_records(lines, today=today, progress=progress),
                          progress=progress, origin=origin)


class _DryRun(Exception):
    """Raised inside a dry run's transaction so that everything it did is rolled back."""


def import_records(store: Store, actor: str, records: list[Labelled] | Spool, *,
                   progress: Progress = None, action: str = "import",
                   origin: str | dict[str, Any] | None = None, history: bool = False,
                   weak: frozenset[str] = frozenset(), dry_run: bool = False) -> dict[str, int]:
    """Load typed, checked records (each with a label for messages) in one transaction;
    ``origin`` (the file or files read) is named in the event. Returns the rows added per
    type, ``skipped`` (already here) and ``updated_<type>``. A dry run does it all and rolls
    it back."""
    result: dict[str, int] = {}
    try:
        with store.write() as conn:
            result = _import(conn, store, actor, records, progress, action, origin, history,
                             weak)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _import(conn: Connection, store: Store, actor: str, records: list[Labelled] | Spool,
            progress: Progress, action: str, origin: str | dict[str, Any] | None, history: bool,
            weak: frozenset[str]) -> dict[str, int]:
    now = clock(conn)
    try:  # who imports must be someone the ledger knows (the file's people are added)
        analyst_id(conn, actor, None, create=False)
    except NotFound:
        if not conn.get_execution_options().get(NEW_ANALYSTS):
            raise
    st = State(conn, now, records,
                names={n: i for i, n in conn.execute(select(ANALYST.c.id, ANALYST.c.name))},
                file_analysts={r["name"]: r for _, r in of_kind(records, "analyst")},
                prints=audit.RowPrints(conn),
                history=history, weak=weak)
    try:
        known = set(st.names.values())
        for no, r in st.of("analyst"):
            aid = st.who(r["name"], no)
            if aid in known and refresh.analyst_since(st.conn, aid, r["created_at"],
                                                            st.before, st.after):
                st.updated["analyst"] += 1
        _sources(st)
        _claims(st, progress)
        _known_on(st)
        _forecasts(st, progress)
        import_outcomes.evidence(st)
        import_outcomes.resolutions(st)
        import_outcomes.settings(st)
        import_outcomes.aliases(st)
        import_outcomes.reminders(st)
    finally:
        st.index.close()
    if not store.is_sqlite:
        from ledger.store.admin import reset_sequences

        reset_sequences(conn)
    if sum(st.counts.values()) or st.updated:
        _record_event(st, actor, action, now, origin)
    return {**st.counts, "skipped": st.skipped,
            **{f"updated_{k}": v for k, v in st.updated.items()}}


def _record_event(st: State, actor: str, action: str, now: datetime,
                  origin: str | dict[str, Any] | None) -> None:
    if not any(n.casefold() == actor.casefold() for n in st.names):  # (--new-analyst)
        me = insert_id(st.conn, ANALYST.insert().values(name=actor, created_at=now))
        st.prints.add(f"analyst/{me}", {"id": me, "name": actor,
                                                  "affiliation": None, "created_at": now})
    st.after["counts"] = st.counts
    st.after["rows"] = st.prints.summary()
    if isinstance(origin, dict):  # the format and each file's sha256
        st.after.update(origin)
    elif origin is not None:
        st.after["file"] = origin
    event = audit.append(st.conn, actor=actor, action=action, entity="ledger", entity_id=None,
                         claim_id=None, before=st.before or None, after=st.after, at=now)
    assert event == st.prints.event_id, "the import's rows were fingerprinted for another event"


def _sources(st: State) -> None:
    st.sources = {k: i for i, k in st.conn.execute(select(SOURCE.c.id, SOURCE.c.key))}
    for no, r in st.of("source"):
        if r["key"] in st.sources:
            if not st.history:  # a platform's source page is kept as first imported
                same_or_fail(no, r, existing_source(st.conn, st.sources[r["key"]], st.names))
            st.skipped += 1
            continue
        row = {"key": r["key"], "title": r["title"], "outlet": r["outlet"], "url": r["url"],
               "published_on": r["published_on"], "published_at": r["published_at"],
               "recorded_by": st.who(r["recorded_by"], no), "recorded_at": r["recorded_at"]}
        sid = insert_id(st.conn, SOURCE.insert().values(**row))
        author_ids: list[int] = []
        for pos, name in enumerate(r["authors"]):
            aid = st.who(name, no)
            if aid not in author_ids:
                author_ids.append(aid)
                st.conn.execute(SOURCE_AUTHOR.insert().values(source_id=sid, analyst_id=aid,
                                                              position=pos))
        st.sources[r["key"]] = sid
        st.counts["source"] += 1
        st.prints.add(f"source/{sid}", {"id": sid, **row, "authors": author_ids})


def _claims(st: State, progress: Progress) -> None:
    rows: list[dict[str, Any]] = []
    tag_rows: list[dict[str, Any]] = []
    next_id = first_free_id(st.conn, CLAIM)
    total = st.count("claim")
    done = 0
    for chunk in batched(st.of("claim"), WRITE_BATCH):
        # which of this chunk's keys the ledger has already: one query a chunk
        existing = {k: (i, m) for i, k, m in st.conn.execute(
            select(CLAIM.c.id, CLAIM.c.key, CLAIM.c.made_on).where(
                CLAIM.c.key.in_([r["key"] for _, r in chunk])))}
        for no, r in chunk:
            done += 1
            tick(progress, done, total, "writing claims")
            if st.index.claim(r["key"]) is not None:
                raise ImportFileError(f"{no}: claim {r['key']!r} appears twice in the file")
            if r["key"] in existing:
                cid, made = existing[r["key"]]
                have = existing_claim(st.conn, cid, st.names, st.sources)
                if not st.history:
                    same_or_fail(no, r, have)
                elif r["key"] not in st.weak and refresh.claim(
                        st.conn, no, cid, r, have, st.sources.get(r["source"] or ""),
                        st.before, st.after):
                    st.updated["claim"] += 1
                st.index.add_claim(r["key"], cid, made, new=False)
                st.skipped += 1
                continue
            if r["source"] is not None and r["source"] not in st.sources:
                raise ImportFileError(f"{no}: claim {r['key']!r} cites unknown source "
                                      f"{r['source']!r}")
            row = {"id": next_id, "key": r["key"], "statement": r["statement"],
                   "quote": r["quote"],
                   "source_id": st.sources.get(r["source"]) if r["source"] else None,
                   "author_id": st.who(r["author"], no), "subject": r["subject"],
                   "made_on": r["made_on"], "due_on": r["due_on"], "due_basis": r["due_basis"],
                   "due_note": r["due_note"], "criteria": r["criteria"],
                   "withdrawn_on": r["withdrawn_on"], "withdrawn_note": r["withdrawn_note"],
                   # a withdrawal whose recording time the file does not give is recorded now
                   "withdrawn_at": r["withdrawn_at"] or (st.now if r["withdrawn_on"] else None),
                   "recorded_by": st.who(r["recorded_by"], no), "recorded_at": r["recorded_at"],
                   "version": r["version"]}
            next_id += 1
            tags = sorted(set(r["tags"]))
            rows.append(row)
            tag_rows += [{"claim_id": row["id"], "tag": t} for t in tags]
            st.index.add_claim(r["key"], row["id"], r["made_on"], new=True)
            st.prints.add(f"claim/{row['id']}", {**row, "tags": tags})
        _write_claims(st, rows, tag_rows)


def _write_claims(st: State, rows: list[dict[str, Any]], tag_rows: list[dict[str, Any]]) -> None:
    """Insert a batch of claims with their tags, and empty the batch."""
    if rows:
        insert_many(st.conn, CLAIM, rows)
        st.counts["claim"] += len(rows)
    if tag_rows:
        insert_many(st.conn, CLAIM_TAG, tag_rows)
    rows.clear()
    tag_rows.clear()


def _known_on(st: State) -> None:
    """Per claim: (recorded_at, known_on) of every resolution, from the file and the ledger,
    so a forecast can be checked against the outcomes recorded before it."""
    for _, r in st.of("resolution"):
        found = st.index.claim(r["claim"])
        if found is not None:  # else the resolution step refuses it
            st.index.add_known(found[0], r["recorded_at"], r["known_on"])
    for cid, at, known in st.conn.execute(
            select(RESOLUTION.c.claim_id, RESOLUTION.c.recorded_at, RESOLUTION.c.known_on)
            .where(RESOLUTION.c.claim_id.in_(st.old_claim_ids()))):
        st.index.add_known(cid, at, known)


def _check_forecast(no: str, r: Record, cid: int, made: date, st: State) -> None:
    """The CLI's forecast rules, as they stood when the forecast was recorded: an outcome
    recorded before the forecast was, and known before its date, refuses it."""
    # a platform took it: kept, and never scored if made after the outcome
    known = None if st.history else st.index.standing(cid, r["recorded_at"])
    try:
        rules.check_forecast(on=r["made_on"], made_on=made,
                             key=r["claim"], known_on=known,
                             today=r["made_on"])  # the future was checked with the record
    except RuleViolation as exc:
        raise refuse(no, r, exc) from None


def _forecasts(st: State, progress: Progress = None) -> None:
    rows: list[dict[str, Any]] = []
    next_id = first_free_id(st.conn, FORECAST)
    # a multiset: two identical forecasts entered twice are two forecasts, and importing the
    # same file again matches each with one already here
    have: dict[tuple[Any, ...], list[tuple[int, float]]] = defaultdict(list)
    for fid, *sig, p in st.conn.execute(
            select(FORECAST.c.id, FORECAST.c.claim_id, FORECAST.c.analyst_id,
                   FORECAST.c.made_on, FORECAST.c.given, FORECAST.c.recorded_at,
                   FORECAST.c.probability)
            .where(FORECAST.c.claim_id.in_(st.old_claim_ids())).order_by(FORECAST.c.id)):
        have[tuple(sig)].append((fid, p))
    total = st.count("forecast") if progress else 0
    for done, (no, r) in enumerate(st.of("forecast"), 1):
        tick(progress, done, total, "writing forecasts")
        cid, made = st.claim_made(no, r)
        _check_forecast(no, r, cid, made, st)
        row = {"claim_id": cid, "analyst_id": st.who(r["by"], no), "made_on": r["made_on"],
               "probability": r["probability"], "given": r["given"], "mapped": r["mapped"],
               "phrase": r["phrase"], "band_lo": r["band"][0] if r["band"] else None,
               "band_hi": r["band"][1] if r["band"] else None, "vague": r["vague"],
               "note": r["note"], "recorded_by": st.who(r["recorded_by"], no),
               "recorded_at": r["recorded_at"], "retracted_at": r.get("retracted_at"),
               "retracted_by": st.who(r["retracted_by"], no) if r.get("retracted_by") else None,
               "retracted_note": r.get("retracted_note")}
        same = have.get((cid, row["analyst_id"], row["made_on"], row["given"],
                         row["recorded_at"]))
        if same:
            match = next((m for m in same if m[1] == row["probability"]), None)
            if match is not None or st.history:  # history: the platform changed the value
                match = match or same[0]
                same.remove(match)
                if match[1] != row["probability"]:
                    refresh.forecast(st.conn, match[0], row["probability"], st.before, st.after)
                    st.updated["forecast"] += 1
                else:
                    st.skipped += 1
                continue
        row["id"] = next_id
        next_id += 1
        rows.append(row)
        st.prints.add(f"forecast/{row['id']}", row)
        if len(rows) >= WRITE_BATCH:
            _write(st, FORECAST, rows, "forecast")
    _write(st, FORECAST, rows, "forecast")


def _write(st: State, table: Any, rows: list[dict[str, Any]], kind: str) -> None:
    """Insert a batch of one entity's rows, count them, and empty the batch."""
    if rows:
        insert_many(st.conn, table, rows)
        st.counts[kind] += len(rows)
        rows.clear()


