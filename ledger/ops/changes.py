"""Every change to a ledger, one function each: one write transaction, one audit event.

The functions take plain values (dates already parsed, probabilities already read) so that
scripts and tests can call them without the CLI. They refuse with ``LedgerError`` subclasses
before anything is written, or roll the whole transaction back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select

from ledger.core.probability import Probability
from ledger.errors import NotFound, RuleViolation, UsageError
from ledger.ops.common import (
    CLAIM,
    EVIDENCE,
    FORECAST,
    RES_EVIDENCE,
    RESOLUTION,
    SOURCE,
    SOURCE_AUTHOR,
    TAG,
    analyst_id,
    bump_version,
    check_version,
    check_key,
    clean_text,
    current_resolution,
    find_claim,
    find_source,
    not_future,
    slugify,
    unique_key,
)
from ledger.store.audit import Journal
from ledger.store.engine import Store
from ledger.store.models import DUE_BASES, OUTCOMES, STANCES
from ledger.store.types import utcnow


@dataclass(frozen=True)
class Done:
    """What a change did: the row it is about and the event that records it."""

    entity: str
    id: int
    key: str | None
    event: int
    detail: str = ""


def _tags(tags: Sequence[str]) -> list[str]:
    out = []
    for t in tags:
        t = t.strip().lower()
        if not t:
            raise UsageError("tags must not be empty")
        if len(t) > 100:
            raise UsageError(f"tag {t[:20]!r}... is longer than 100 characters")
        if t not in out:
            out.append(t)
    return out


def add_source(store: Store, actor: str, *, title: str, key: str | None = None,
               outlet: str | None = None, url: str | None = None,
               published_on: date | None = None, published_at: datetime | None = None,
               authors: Sequence[str] = ()) -> Done:
    title = clean_text(title, "title", required=True) or ""
    if published_at is not None and published_on is None:
        published_on = published_at.date()
    if published_on is not None:
        not_future(published_on, "publication date")
    now = utcnow()
    with store.write() as conn:
        j = Journal(conn, actor, "source.add", "source")
        me = analyst_id(conn, actor, j, when=now)
        if key is not None:
            key = check_key(key, "source key")
            if conn.execute(select(SOURCE.c.id).where(SOURCE.c.key == key)).first():
                raise RuleViolation(f"a source with key {key!r} already exists")
        else:
            key = unique_key(conn, SOURCE, slugify(title, 40))
        sid = int(conn.execute(SOURCE.insert().values(
            key=key, title=title, outlet=clean_text(outlet, "outlet"), url=clean_text(url, "url"),
            published_on=published_on, published_at=published_at, recorded_by=me, recorded_at=now,
        )).inserted_primary_key[0])
        seen: set[int] = set()
        for pos, name in enumerate(authors):
            aid = analyst_id(conn, name, j, when=now)
            if aid in seen:
                continue
            seen.add(aid)
            conn.execute(SOURCE_AUTHOR.insert().values(source_id=sid, analyst_id=aid, position=pos))
        j.entity_id = sid
        j.touch("source", sid)
        ev = j.commit(at=now)
    return Done("source", sid, key, ev)


def add_claim(store: Store, actor: str, *, statement: str, author: str, made_on: date,
              due_on: date, due_basis: str = "stated", due_note: str | None = None,
              key: str | None = None, source: str | None = None, quote: str | None = None,
              criteria: str | None = None, subject: str | None = None,
              tags: Sequence[str] = (), probability: Probability | None = None,
              forecast_note: str | None = None) -> Done:
    """Record a claim; the author's own confidence, if given, is its first forecast."""
    statement = clean_text(statement, "statement", required=True) or ""
    if due_basis not in DUE_BASES:
        raise UsageError(f"due basis must be one of {', '.join(DUE_BASES)}, not {due_basis!r}")
    if due_basis == "assigned" and not (due_note or "").strip():
        raise RuleViolation("an assigned due date needs a reason: add --due-note")
    if due_on < made_on:
        raise RuleViolation(f"due date {due_on.isoformat()} is before the claim was made "
                            f"({made_on.isoformat()})")
    not_future(made_on, "made date")
    tag_list = _tags(tags)
    now = utcnow()
    with store.write() as conn:
        j = Journal(conn, actor, "claim.add", "claim")
        me = analyst_id(conn, actor, j, when=now)
        who = analyst_id(conn, author, j, when=now)
        if key is not None:
            key = check_key(key)
            if conn.execute(select(CLAIM.c.id).where(CLAIM.c.key == key)).first():
                raise RuleViolation(f"a claim with key {key!r} already exists (keys are unique; "
                                    "choose another with --key)")
        else:
            key = unique_key(conn, CLAIM, slugify(statement))
        source_id = find_source(conn, source)["id"] if source else None
        cid = int(conn.execute(CLAIM.insert().values(
            key=key, statement=statement, quote=clean_text(quote, "quote"), source_id=source_id,
            author_id=who, subject=clean_text(subject, "subject", limit=200), made_on=made_on,
            due_on=due_on, due_basis=due_basis, due_note=clean_text(due_note, "due note"),
            criteria=clean_text(criteria, "criteria"), recorded_by=me, recorded_at=now, version=1,
        )).inserted_primary_key[0])
        for t in tag_list:
            conn.execute(TAG.insert().values(claim_id=cid, tag=t))
        j.entity_id = cid
        j.claim_id = cid
        j.touch("claim", cid)
        if probability is not None:
            fid = _insert_forecast(conn, cid, who, made_on, probability, forecast_note, me, now)
            j.touch("forecast", fid)
        ev = j.commit(at=now)
    return Done("claim", cid, key, ev)


def _insert_forecast(conn: Any, claim_id: int, analyst: int, on: date, p: Probability,
                     note: str | None, recorder: int, now: datetime) -> int:
    return int(conn.execute(FORECAST.insert().values(
        claim_id=claim_id, analyst_id=analyst, made_on=on, probability=p.value, given=p.given,
        mapped=p.mapped, phrase=p.phrase, band_lo=p.band[0] if p.band else None,
        band_hi=p.band[1] if p.band else None, vague=p.vague, note=clean_text(note, "note"),
        recorded_by=recorder, recorded_at=now,
    )).inserted_primary_key[0])


def _not_before_made(claim: dict[str, Any], on: date, what: str) -> None:
    if on < claim["made_on"]:
        raise RuleViolation(f"{what} {on.isoformat()} is before claim {claim['key']} was made "
                            f"({claim['made_on'].isoformat()})")


def _live(claim: dict[str, Any], doing: str) -> None:
    if claim["withdrawn_on"] is not None:
        raise RuleViolation(f"claim {claim['key']} was withdrawn on "
                            f"{claim['withdrawn_on'].isoformat()}; cannot {doing}")


def add_forecast(store: Store, actor: str, claim_ref: str, probability: Probability, *,
                 by: str | None = None, on: date | None = None,
                 note: str | None = None) -> Done:
    from ledger.ops.common import today

    on = on or today()
    not_future(on, "forecast date")
    now = utcnow()
    with store.write() as conn:
        claim = find_claim(conn, claim_ref)
        _live(claim, "forecast it")
        _not_before_made(claim, on, "forecast dated")
        res = current_resolution(conn, claim["id"])
        if res is not None and on > res["known_on"]:
            raise RuleViolation(
                f"forecast dated {on.isoformat()} comes after the outcome of {claim['key']} was "
                f"known ({res['known_on'].isoformat()}); it could not count"
            )
        j = Journal(conn, actor, "forecast.add", "forecast", claim_id=claim["id"])
        me = analyst_id(conn, actor, j, when=now)
        who = analyst_id(conn, by, j, when=now) if by else me
        fid = _insert_forecast(conn, claim["id"], who, on, probability, note, me, now)
        j.entity_id = fid
        j.touch("forecast", fid)
        ev = j.commit(at=now)
    return Done("forecast", fid, claim["key"], ev)


def add_evidence(store: Store, actor: str, claim_ref: str, summary: str, *, on: date,
                 url: str | None = None, citation: str | None = None,
                 stance: str = "context") -> Done:
    summary = clean_text(summary, "summary", required=True) or ""
    if stance not in STANCES:
        raise UsageError(f"stance must be one of {', '.join(STANCES)}, not {stance!r}")
    not_future(on, "evidence date")
    now = utcnow()
    with store.write() as conn:
        claim = find_claim(conn, claim_ref)
        _live(claim, "add evidence")
        j = Journal(conn, actor, "evidence.add", "evidence", claim_id=claim["id"])
        me = analyst_id(conn, actor, j, when=now)
        eid = int(conn.execute(EVIDENCE.insert().values(
            claim_id=claim["id"], summary=summary, url=clean_text(url, "url"),
            citation=clean_text(citation, "citation"), observed_on=on, stance=stance,
            recorded_by=me, recorded_at=now,
        )).inserted_primary_key[0])
        j.entity_id = eid
        j.touch("evidence", eid)
        ev = j.commit(at=now)
    return Done("evidence", eid, claim["key"], ev)


def resolve(store: Store, actor: str, claim_ref: str, outcome: str, *, on: date,
            note: str | None = None, evidence: Sequence[int] = (), revise: bool = False,
            expected_version: int | None = None) -> Done:
    """Resolve a claim; ``revise`` replaces a current resolution, which stays in the history."""
    outcome = outcome.strip().lower()
    if outcome not in OUTCOMES:
        raise UsageError(f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
    not_future(on, "resolution date")
    now = utcnow()
    with store.write() as conn:
        claim = find_claim(conn, claim_ref)
        check_version(conn, claim, expected_version)
        _live(claim, "resolve it")
        _not_before_made(claim, on, "resolution date")
        current = current_resolution(conn, claim["id"])
        if current is not None and not revise:
            raise RuleViolation(
                f"claim {claim['key']} is already resolved ({current['outcome']}, known "
                f"{current['known_on'].isoformat()}); use --revise to replace it (the earlier "
                "resolution stays in the history)"
            )
        ev_ids = sorted(set(int(e) for e in evidence))
        if ev_ids:
            mine = {r[0] for r in conn.execute(
                select(EVIDENCE.c.id).where(EVIDENCE.c.claim_id == claim["id"]))}
            stray = [e for e in ev_ids if e not in mine]
            if stray:
                raise NotFound(f"evidence {', '.join(map(str, stray))} is not recorded for claim "
                               f"{claim['key']} (see `ledger show {claim['key']}`)")
        action = "claim.revise" if current is not None else "claim.resolve"
        j = Journal(conn, actor, action, "resolution", claim_id=claim["id"])
        j.snapshot("claim", claim["id"])
        me = analyst_id(conn, actor, j, when=now)
        bump_version(conn, claim, expected_version)
        revision = 1
        if current is not None:
            j.snapshot("resolution", current["id"])
            conn.execute(RESOLUTION.update().where(RESOLUTION.c.id == current["id"]).values(
                superseded_at=now, superseded_note=f"revised by {actor}"))
        last = conn.execute(select(RESOLUTION.c.revision).where(
            RESOLUTION.c.claim_id == claim["id"]).order_by(RESOLUTION.c.revision.desc())).first()
        if last is not None:
            revision = int(last[0]) + 1
        rid = int(conn.execute(RESOLUTION.insert().values(
            claim_id=claim["id"], revision=revision, outcome=outcome, known_on=on,
            rationale=clean_text(note, "note"), resolved_by=me, recorded_at=now,
        )).inserted_primary_key[0])
        for e in ev_ids:
            conn.execute(RES_EVIDENCE.insert().values(resolution_id=rid, evidence_id=e))
        j.entity_id = rid
        j.touch("resolution", rid)
        ev = j.commit(at=now)
    return Done("resolution", rid, claim["key"], ev, detail=outcome)


def reopen(store: Store, actor: str, claim_ref: str, *, note: str,
           expected_version: int | None = None) -> Done:
    """Undo the current resolution; it stays in the history with the reason."""
    note = clean_text(note, "note", required=True) or ""
    now = utcnow()
    with store.write() as conn:
        claim = find_claim(conn, claim_ref)
        check_version(conn, claim, expected_version)
        current = current_resolution(conn, claim["id"])
        if current is None:
            raise RuleViolation(f"claim {claim['key']} is not resolved; nothing to reopen")
        j = Journal(conn, actor, "claim.reopen", "claim", claim["id"], claim["id"])
        j.snapshot("claim", claim["id"])
        j.snapshot("resolution", current["id"])
        analyst_id(conn, actor, j, when=now)
        bump_version(conn, claim, expected_version)
        conn.execute(RESOLUTION.update().where(RESOLUTION.c.id == current["id"]).values(
            superseded_at=now, superseded_note=f"reopened by {actor}: {note}"))
        ev = j.commit(at=now)
    return Done("claim", claim["id"], claim["key"], ev)


def withdraw(store: Store, actor: str, claim_ref: str, *, on: date, note: str | None = None,
             expected_version: int | None = None) -> Done:
    """The author takes a claim back before it falls due: counted, never scored."""
    not_future(on, "withdrawal date")
    now = utcnow()
    with store.write() as conn:
        claim = find_claim(conn, claim_ref)
        check_version(conn, claim, expected_version)
        if claim["withdrawn_on"] is not None:
            raise RuleViolation(f"claim {claim['key']} was already withdrawn on "
                                f"{claim['withdrawn_on'].isoformat()}")
        if current_resolution(conn, claim["id"]) is not None:
            raise RuleViolation(f"claim {claim['key']} is resolved; a resolved claim cannot be "
                                "withdrawn (reopen it first if the resolution was wrong)")
        if on < claim["made_on"]:
            raise RuleViolation(f"withdrawal date {on.isoformat()} is before the claim was made")
        if on >= claim["due_on"]:
            raise RuleViolation(f"claim {claim['key']} fell due on {claim['due_on'].isoformat()}; "
                                "only a claim not yet due can be withdrawn")
        j = Journal(conn, actor, "claim.withdraw", "claim", claim["id"], claim["id"])
        j.snapshot("claim", claim["id"])
        analyst_id(conn, actor, j, when=now)
        version = bump_version(conn, claim, expected_version)
        conn.execute(CLAIM.update().where(CLAIM.c.id == claim["id"]).values(
            withdrawn_on=on, withdrawn_note=clean_text(note, "note"), version=version))
        ev = j.commit(at=now)
    return Done("claim", claim["id"], claim["key"], ev)


EDITABLE = ("key", "statement", "quote", "criteria", "subject", "made_on", "due_on", "due_basis",
            "due_note", "source")


def edit(store: Store, actor: str, claim_ref: str, *, changes: dict[str, Any],
         add_tags: Sequence[str] = (), remove_tags: Sequence[str] = (),
         expected_version: int | None = None) -> Done:
    """Change a claim's text, dates or tags; the event keeps what it was before."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise UsageError(f"cannot edit {', '.join(sorted(unknown))}")
    if not changes and not add_tags and not remove_tags:
        raise UsageError("nothing to change: give at least one option (see `ledger edit --help`)")
    now = utcnow()
    with store.write() as conn:
        claim = find_claim(conn, claim_ref)
        check_version(conn, claim, expected_version)
        values: dict[str, Any] = {}
        for field, value in changes.items():
            if field == "key":
                value = check_key(value)
                if value != claim["key"] and conn.execute(
                        select(CLAIM.c.id).where(CLAIM.c.key == value)).first():
                    raise RuleViolation(f"a claim with key {value!r} already exists")
            elif field == "statement":
                value = clean_text(value, "statement", required=True)
            elif field == "due_basis" and value not in DUE_BASES:
                raise UsageError(f"due basis must be one of {', '.join(DUE_BASES)}")
            elif field == "source":
                field, value = "source_id", (find_source(conn, value)["id"] if value else None)
            elif isinstance(value, str):
                value = clean_text(value, field.replace("_", " "))
            values[field] = value
        made = values.get("made_on", claim["made_on"])
        due = values.get("due_on", claim["due_on"])
        if due < made:
            raise RuleViolation(f"due date {due.isoformat()} would be before the claim was made "
                                f"({made.isoformat()})")
        if "made_on" in values:
            not_future(made, "made date")
            first = conn.execute(select(FORECAST.c.made_on).where(
                FORECAST.c.claim_id == claim["id"]).order_by(FORECAST.c.made_on)).first()
            if first is not None and first[0] < made:
                raise RuleViolation(f"claim {claim['key']} has a forecast dated "
                                    f"{first[0].isoformat()}, before the new made date")
        basis = values.get("due_basis", claim["due_basis"])
        if basis == "assigned" and not values.get("due_note", claim["due_note"]):
            raise RuleViolation("an assigned due date needs a reason: add --due-note")
        j = Journal(conn, actor, "claim.edit", "claim", claim["id"], claim["id"])
        j.snapshot("claim", claim["id"])
        analyst_id(conn, actor, j, when=now)
        values["version"] = bump_version(conn, claim, expected_version)
        conn.execute(CLAIM.update().where(CLAIM.c.id == claim["id"]).values(**values))
        have = {r[0] for r in conn.execute(select(TAG.c.tag).where(TAG.c.claim_id == claim["id"]))}
        for t in _tags(add_tags):
            if t not in have:
                conn.execute(TAG.insert().values(claim_id=claim["id"], tag=t))
        for t in _tags(remove_tags):
            if t not in have:
                raise NotFound(f"claim {claim['key']} has no tag {t!r}")
            conn.execute(delete(TAG).where(TAG.c.claim_id == claim["id"], TAG.c.tag == t))
        ev = j.commit(at=now)
    return Done("claim", claim["id"], values.get("key", claim["key"]), ev)
