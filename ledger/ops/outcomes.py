"""Changes to a claim's fate: resolve (with alternative readings), reopen, withdraw; and the
ledger's grace period. Same contract as ``ledger.ops.changes``: one write transaction, one
audit event, rules checked before anything is written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core import hindsight, rules
from ledger.core.keys import clean_text, required_text
from ledger.errors import NotFound, RuleViolation
from ledger.ops.changes import Done, _live
from ledger.ops.lookup import analyst_id, current_resolution, find_claim
from ledger.ops.settings import record_rows
from ledger.ops.versions import bump_version, check_version
from ledger.store.audit import Journal, clock
from ledger.store.engine import Store
from ledger.store.settings import grace_days
from ledger.store.tables import (
    CLAIM,
    EVIDENCE,
    READING,
    RES_EVIDENCE,
    RESOLUTION,
    insert_id,
)


def _evidence_of(conn: Connection, claim: Mapping[str, Any], evidence: Sequence[int]) -> list[int]:
    ev_ids = sorted({int(e) for e in evidence})
    if ev_ids:
        mine = {r[0] for r in conn.execute(
            select(EVIDENCE.c.id).where(EVIDENCE.c.claim_id == claim["id"]))}
        stray = [e for e in ev_ids if e not in mine]
        if stray:
            raise NotFound(f"evidence {', '.join(map(str, stray))} is not recorded for claim "
                           f"{claim['key']} (see `ledger show {claim['key']}`)")
    return ev_ids


def resolve(store: Store, actor: str, claim_ref: str, outcome: str, *, on: date, today: date,
            note: str | None = None, evidence: Sequence[int] | None = None,
            revise: bool = False, readings: Sequence[tuple[str, str]] | None = None,
            expected_version: int | None = None) -> Done:
    """Resolve a claim; ``revise`` replaces a current resolution, which stays in the history
    (its evidence links and alternative readings carry over unless new ones are given)."""
    outcome = rules.one_of(outcome.strip().lower(), rules.OUTCOMES, "outcome")
    alts = None if readings is None else [(a.strip().lower(), n.strip()) for a, n in readings]
    if alts is not None:
        rules.check_readings(outcome, alts)
    rules.not_future(on, "resolution date", today)
    with store.write() as conn:
        now = clock(conn)
        claim = find_claim(conn, claim_ref)
        check_version(conn, claim, expected_version)
        _live(conn, claim, "resolve it")
        rules.check_resolution(outcome=outcome, known_on=on, made_on=claim["made_on"],
                               key=claim["key"], today=today)
        current = current_resolution(conn, claim["id"])
        if current is not None and not revise:
            raise RuleViolation(
                f"claim {claim['key']} is already resolved ({current['outcome']}, known "
                f"{current['known_on'].isoformat()}); use --revise to replace it (the earlier "
                "resolution stays in the history)"
            )
        if current is not None and evidence is None:
            evidence = [r[0] for r in conn.execute(select(RES_EVIDENCE.c.evidence_id).where(
                RES_EVIDENCE.c.resolution_id == current["id"]))]
        ev_ids = _evidence_of(conn, claim, evidence or ())
        if current is not None and alts is None:
            alts = [(a, n) for a, n in conn.execute(
                select(READING.c.outcome, READING.c.note).where(
                    READING.c.resolution_id == current["id"]).order_by(READING.c.position))
                if a != outcome]
        action = "claim.revise" if current is not None else "claim.resolve"
        j = Journal(conn, actor, action, "resolution", claim_id=claim["id"])
        j.snapshot("claim", claim["id"])
        me = analyst_id(conn, actor, j, when=now)
        bump_version(conn, claim, expected_version)
        if current is not None:
            j.snapshot("resolution", current["id"])
            conn.execute(RESOLUTION.update().where(RESOLUTION.c.id == current["id"]).values(
                superseded_at=now, superseded_note=f"revised by {actor}"))
        last = conn.execute(select(RESOLUTION.c.revision).where(
            RESOLUTION.c.claim_id == claim["id"]).order_by(RESOLUTION.c.revision.desc())).first()
        revision = 1 if last is None else int(last[0]) + 1
        rid = insert_id(conn, RESOLUTION.insert().values(
            claim_id=claim["id"], revision=revision, outcome=outcome, known_on=on,
            rationale=clean_text(note, "note"), resolved_by=me, recorded_at=now,
        ))
        for e in ev_ids:
            conn.execute(RES_EVIDENCE.insert().values(resolution_id=rid, evidence_id=e))
        for pos, (alt, why) in enumerate(alts or (), 1):
            conn.execute(READING.insert().values(resolution_id=rid, position=pos, outcome=alt,
                                                 note=required_text(why, "alternative note")))
        j.entity_id = rid
        j.touch("resolution", rid)
        ev = j.commit(at=now)
    return Done("resolution", rid, claim["key"], ev, detail=outcome)


def reopen(store: Store, actor: str, claim_ref: str, *, note: str,
           expected_version: int | None = None) -> Done:
    """Undo the current resolution; it stays in the history with the reason."""
    note = required_text(note, "note")
    with store.write() as conn:
        now = clock(conn)
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


def withdraw(store: Store, actor: str, claim_ref: str, *, on: date, today: date,
             note: str | None = None, expected_version: int | None = None) -> Done:
    """The author takes a claim back before it falls due: counted, never scored."""
    rules.not_future(on, "withdrawal date", today)
    with store.write() as conn:
        now = clock(conn)
        claim = find_claim(conn, claim_ref)
        check_version(conn, claim, expected_version)
        if claim["withdrawn_on"] is not None:
            raise RuleViolation(f"claim {claim['key']} was already withdrawn on "
                                f"{claim['withdrawn_on'].isoformat()}")
        if current_resolution(conn, claim["id"]) is not None:
            raise RuleViolation(f"claim {claim['key']} is resolved; a resolved claim cannot be "
                                "withdrawn (reopen it first if the resolution was wrong)")
        rules.check_withdrawal(on=on, made_on=claim["made_on"], due_on=claim["due_on"],
                               key=claim["key"], today=today)
        j = Journal(conn, actor, "claim.withdraw", "claim", claim["id"], claim["id"])
        j.snapshot("claim", claim["id"])
        analyst_id(conn, actor, j, when=now)
        version = bump_version(conn, claim, expected_version)
        conn.execute(CLAIM.update().where(CLAIM.c.id == claim["id"]).values(
            withdrawn_on=on, withdrawn_note=clean_text(note, "note"), withdrawn_at=now,
            version=version))
        late = hindsight.late_withdrawal(withdrawn_on=on, withdrawn_at=now,
                                         due_on=claim["due_on"], grace_days=grace_days(conn))
        ev = j.commit(at=now)
    return Done("claim", claim["id"], claim["key"], ev, detail="late" if late else "")


def set_grace(store: Store, actor: str, days: int, *, note: str | None = None) -> Done:
    """Set the ledger's grace period for typing delays; earlier reports keep the old one."""
    hindsight.check_grace(days)
    with store.write() as conn:
        ev, sid = record_rows(conn, actor, {hindsight.GRACE_SETTING: str(days)}, note=note)
    return Done("setting", sid, hindsight.GRACE_SETTING, ev, detail=str(days))
