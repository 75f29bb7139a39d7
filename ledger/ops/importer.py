"""Import typed records (from a JSONL export or seed files) into a ledger: all or nothing,
idempotent (rows already present are skipped), and every rule checked, including those that
hold between records (a forecast before its claim was made, or dated after an outcome that was
already recorded). One step per entity, over one ``_State``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from ledger.core import rules
from ledger.core.jsonenc import canonical
from ledger.errors import RuleViolation
from ledger.ops import refresh
from ledger.ops.existing import existing_claim, existing_source, same_or_fail
from ledger.ops.records import TYPES, ImportFileError, Labelled, Record, read_records, refuse
from ledger.store import audit
from ledger.store.audit import clock
from ledger.store.bulk import insert_many
from ledger.store.engine import Store
from ledger.store.tables import (
    ANALYST,
    CLAIM,
    CLAIM_TAG,
    EVIDENCE,
    FORECAST,
    READING,
    RES_EVIDENCE,
    RESOLUTION,
    SETTING,
    SOURCE,
    SOURCE_AUTHOR,
    insert_id,
)

Progress = Callable[[int, int], None] | None


@dataclass
class _State:
    """What the steps share: ids by natural key, counts, and the event's row fingerprints."""

    conn: Connection
    now: datetime
    records: list[Labelled]
    names: dict[str, int]
    file_analysts: dict[str, Record]
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 0))
    skipped: int = 0
    after: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    claim_ids: dict[str, int] = field(default_factory=dict)
    new_claims: set[str] = field(default_factory=set)
    claim_dates: dict[str, date] = field(default_factory=dict)
    evidence_ids: dict[str, int] = field(default_factory=dict)
    #: platform history (another tracker's export): late forecasts are kept, and a newer
    #: export updates what an earlier one brought in (``ledger.ops.refresh``)
    history: bool = False
    weak: frozenset[str] = frozenset()
    updated: Counter[str] = field(default_factory=Counter)
    before: dict[str, Any] = field(default_factory=dict)
    history_seen: set[int] = field(default_factory=set)

    def of(self, kind: str) -> Iterable[Labelled]:
        return ((no, r) for no, r in self.records if r["type"] == kind)

    def who(self, name: str, no: str) -> int:
        """The analyst's id, added from the file's analyst record on first use."""
        if name in self.names:
            return self.names[name]
        if name not in self.file_analysts:
            raise ImportFileError(f"{no}: analyst {name!r} is neither in the file nor in "
                                  "this ledger")
        a = self.file_analysts[name]
        new = insert_id(self.conn, ANALYST.insert().values(
            name=name, affiliation=a["affiliation"], created_at=a["created_at"]
        ))
        self.names[name] = new
        self.counts["analyst"] += 1
        self.after[f"analyst/{new}"] = audit.digest(
            {"id": new, "name": name, "affiliation": a["affiliation"],
             "created_at": a["created_at"]})
        return new

    def claim_of(self, no: str, r: Record) -> int:
        if r["claim"] not in self.claim_ids:
            raise ImportFileError(f"{no}: {r['type']} {r['id']!r} refers to unknown claim "
                                  f"{r['claim']!r}")
        return self.claim_ids[r["claim"]]

    def old_claim_ids(self) -> list[int]:
        return [self.claim_ids[k] for k in self.claim_ids if k not in self.new_claims] or [-1]


def _next_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def import_jsonl(store: Store, actor: str, lines: Iterable[str], *, today: date,
                 progress: Progress = None, origin: str | None = None) -> dict[str, int]:
    """Load an export into this ledger: all or nothing; rows already present are skipped."""
    return import_records(store, actor, read_records(lines, today=today), progress=progress,
                          origin=origin)


class _DryRun(Exception):
    """Raised inside a dry run's transaction so that everything it did is rolled back."""


def import_records(store: Store, actor: str, records: list[Labelled], *,
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


def _import(conn: Connection, store: Store, actor: str, records: list[Labelled],
            progress: Progress, action: str, origin: str | dict[str, Any] | None, history: bool,
            weak: frozenset[str]) -> dict[str, int]:
    now = clock(conn)
    st = _State(conn, now, records,
                names={n: i for i, n in conn.execute(select(ANALYST.c.id, ANALYST.c.name))},
                file_analysts={r["name"]: r for _, r in records if r["type"] == "analyst"},
                history=history, weak=weak)
    for no, r in st.of("analyst"):
        st.who(r["name"], no)
    _sources(st)
    _claims(st, progress)
    known = _known_on(st)
    _forecasts(st, known)
    _evidence(st)
    _resolutions(st)
    _settings(st)
    if not store.is_sqlite:
        from ledger.store.admin import reset_sequences

        reset_sequences(conn)
    if sum(st.counts.values()) or st.updated:
        _record_event(st, actor, action, now, origin)
    return {**st.counts, "skipped": st.skipped,
            **{f"updated_{k}": v for k, v in st.updated.items()}}


def _record_event(st: _State, actor: str, action: str, now: datetime,
                  origin: str | dict[str, Any] | None) -> None:
    if actor not in st.names:
        me = insert_id(st.conn, ANALYST.insert().values(name=actor, created_at=now))
        st.after[f"analyst/{me}"] = audit.digest({"id": me, "name": actor,
                                                  "affiliation": None, "created_at": now})
    st.after["counts"] = st.counts
    if isinstance(origin, dict):  # the format and each file's sha256
        st.after.update(origin)
    elif origin is not None:
        st.after["file"] = origin
    audit.append(st.conn, actor=actor, action=action, entity="ledger", entity_id=None,
                 claim_id=None, before=st.before or None, after=st.after, at=now)


def _sources(st: _State) -> None:
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
        st.after[f"source/{sid}"] = audit.digest({"id": sid, **row, "authors": author_ids})


def _claims(st: _State, progress: Progress) -> None:
    existing = {k: (i, m) for i, k, m in st.conn.execute(
        select(CLAIM.c.id, CLAIM.c.key, CLAIM.c.made_on))}
    rows: list[dict[str, Any]] = []
    tag_rows: list[dict[str, Any]] = []
    next_id = _next_id(st.conn, CLAIM)
    total = sum(1 for _ in st.of("claim"))
    for done, (no, r) in enumerate(st.of("claim"), 1):
        if progress and (done % 5000 == 0 or done == total):
            progress(done, total)
        if r["key"] in st.claim_ids:
            raise ImportFileError(f"{no}: claim {r['key']!r} appears twice in the file")
        if r["key"] in existing:
            cid, made = existing[r["key"]]
            have = existing_claim(st.conn, cid, st.names, st.sources)
            if not st.history:
                same_or_fail(no, r, have)
            elif r["key"] not in st.weak and refresh.claim(
                    st.conn, no, cid, r, have, st.sources.get(r["source"] or ""), st.before,
                    st.after):
                st.updated["claim"] += 1
            st.claim_ids[r["key"]] = cid
            st.claim_dates[r["key"]] = made
            st.skipped += 1
            continue
        if r["source"] is not None and r["source"] not in st.sources:
            raise ImportFileError(f"{no}: claim {r['key']!r} cites unknown source "
                                  f"{r['source']!r}")
        row = {"id": next_id, "key": r["key"], "statement": r["statement"], "quote": r["quote"],
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
        st.claim_ids[r["key"]] = row["id"]
        st.claim_dates[r["key"]] = r["made_on"]
        st.new_claims.add(r["key"])
        st.after[f"claim/{row['id']}"] = audit.digest({**row, "tags": tags})
    if rows:
        insert_many(st.conn, CLAIM, rows)
        st.counts["claim"] = len(rows)
    if tag_rows:
        insert_many(st.conn, CLAIM_TAG, tag_rows)


def _known_on(st: _State) -> dict[str, list[tuple[datetime, date]]]:
    """Per claim key: (recorded_at, known_on) of every resolution, from the file and the
    ledger, so a forecast can be checked against the outcomes recorded before it."""
    out: dict[str, list[tuple[datetime, date]]] = defaultdict(list)
    for _, r in st.of("resolution"):
        out[r["claim"]].append((r["recorded_at"], r["known_on"]))
    keys = {i: k for k, i in st.claim_ids.items() if k not in st.new_claims}
    for cid, at, known in st.conn.execute(
            select(RESOLUTION.c.claim_id, RESOLUTION.c.recorded_at, RESOLUTION.c.known_on)
            .where(RESOLUTION.c.claim_id.in_(st.old_claim_ids()))):
        out[keys[cid]].append((at, known))
    return out


def _check_forecast(no: str, r: Record, st: _State,
                    known: dict[str, list[tuple[datetime, date]]]) -> None:
    """The CLI's forecast rules, as they stood when the forecast was recorded: an outcome
    recorded before the forecast was, and known before its date, refuses it."""
    standing = max(((at, k) for at, k in known.get(r["claim"], ()) if at <= r["recorded_at"]),
                   default=None)
    if st.history:  # a platform took it: kept, and never scored if made after the outcome
        standing = None
    try:
        rules.check_forecast(on=r["made_on"], made_on=st.claim_dates[r["claim"]], key=r["claim"],
                             known_on=None if standing is None else standing[1],
                             today=r["made_on"])  # the future was checked with the record
    except RuleViolation as exc:
        raise refuse(no, r, exc) from None


def _forecasts(st: _State, known: dict[str, list[tuple[datetime, date]]]) -> None:
    rows: list[dict[str, Any]] = []
    next_id = _next_id(st.conn, FORECAST)
    # a multiset: two identical forecasts entered twice are two forecasts, and importing the
    # same file again matches each with one already here
    have: dict[tuple[Any, ...], list[tuple[int, float]]] = defaultdict(list)
    for fid, *sig, p in st.conn.execute(
            select(FORECAST.c.id, FORECAST.c.claim_id, FORECAST.c.analyst_id,
                   FORECAST.c.made_on, FORECAST.c.given, FORECAST.c.recorded_at,
                   FORECAST.c.probability)
            .where(FORECAST.c.claim_id.in_(st.old_claim_ids())).order_by(FORECAST.c.id)):
        have[tuple(sig)].append((fid, p))
    for no, r in st.of("forecast"):
        cid = st.claim_of(no, r)
        _check_forecast(no, r, st, known)
        row = {"claim_id": cid, "analyst_id": st.who(r["by"], no), "made_on": r["made_on"],
               "probability": r["probability"], "given": r["given"], "mapped": r["mapped"],
               "phrase": r["phrase"], "band_lo": r["band"][0] if r["band"] else None,
               "band_hi": r["band"][1] if r["band"] else None, "vague": r["vague"],
               "note": r["note"], "recorded_by": st.who(r["recorded_by"], no),
               "recorded_at": r["recorded_at"]}
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
        st.after[f"forecast/{row['id']}"] = audit.digest(row)
    if rows:
        insert_many(st.conn, FORECAST, rows)
        st.counts["forecast"] = len(rows)


def _evidence(st: _State) -> None:
    next_id = _next_id(st.conn, EVIDENCE)
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
            st.evidence_ids[r["id"]] = existing[sig].pop(0)
            st.skipped += 1
            continue
        row = {"id": next_id, "claim_id": cid, "summary": r["summary"], "url": r["url"],
               "citation": r["citation"], "observed_on": r["observed_on"],
               "stance": r["stance"], "recorded_by": st.who(r["recorded_by"], no),
               "recorded_at": r["recorded_at"]}
        next_id += 1
        st.evidence_ids[r["id"]] = row["id"]
        rows.append(row)
        st.after[f"evidence/{row['id']}"] = audit.digest(row)
    if rows:
        insert_many(st.conn, EVIDENCE, rows)
        st.counts["evidence"] = len(rows)


def _resolutions(st: _State) -> None:
    existing = {(row["claim_id"], row["revision"]): dict(row) for row in st.conn.execute(
        select(RESOLUTION).where(RESOLUTION.c.claim_id.in_(st.old_claim_ids()))).mappings()}
    next_id = _next_id(st.conn, RESOLUTION)
    rows: list[dict[str, Any]] = []
    link_rows: list[dict[str, Any]] = []
    reading_rows: list[dict[str, Any]] = []
    current: dict[int, int] = defaultdict(int)
    revisions: set[tuple[int, int]] = set()
    for no, r in st.of("resolution"):
        cid = st.claim_of(no, r)
        try:
            rules.not_before_made(r["known_on"], st.claim_dates[r["claim"]], "resolution date",
                                  r["claim"], "known_on")
        except RuleViolation as exc:
            raise refuse(no, r, exc) from None
        if (cid, r["revision"]) in revisions:
            raise ImportFileError(f"{no}: claim {r['claim']!r} has two resolutions with "
                                  f"revision {r['revision']}")
        revisions.add((cid, r["revision"]))
        if r["superseded_at"] is None:
            current[cid] += 1
            if current[cid] > 1:
                raise ImportFileError(f"{no}: claim {r['claim']!r} has two current resolutions")
        ev = []
        for stable in r["evidence"]:
            if stable not in st.evidence_ids:
                raise ImportFileError(f"{no}: resolution {r['id']!r} rests on unknown "
                                      f"evidence {stable!r}")
            ev.append(st.evidence_ids[stable])
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
            st.after[f"resolution/{row['id']}"] = audit.digest(
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
        st.after[f"resolution/{row['id']}"] = audit.digest(
            {**row, "evidence": sorted(set(ev)), "readings": readings})
    if rows:
        insert_many(st.conn, RESOLUTION, rows)
        st.counts["resolution"] = len(rows)
    if link_rows:
        insert_many(st.conn, RES_EVIDENCE, link_rows)
    if reading_rows:
        insert_many(st.conn, READING, reading_rows)


def _readings_of(conn: Connection, resolution_id: int) -> list[dict[str, str]]:
    return [{"outcome": o, "note": n} for o, n in conn.execute(
        select(READING.c.outcome, READING.c.note).where(READING.c.resolution_id == resolution_id)
        .order_by(READING.c.position))]


def _settings(st: _State) -> None:
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
        st.after[f"setting/{sid}"] = audit.digest({"id": sid, **row})
