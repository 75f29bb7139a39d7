"""Every change to a ledger, one function each: one write transaction, one audit event.

The functions take plain values (dates already parsed, probabilities already read) and the
day it is (``today``: the caller's clock, so tests and scripts decide what "the future" is).
They check ``ledger.core.rules`` and refuse with ``LedgerError`` subclasses before anything is
written, or roll the whole transaction back. ``expected_version`` is explained in
``ledger.ops.versions``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from ledger.core import hindsight, rules
from ledger.core.keys import (
    OUTLET_LIMIT,
    SUBJECT_LIMIT,
    TEXT_LIMIT,
    check_key,
    clean_tags,
    clean_text,
    required_text,
    slugify,
)
from ledger.core.probability import Probability
from ledger.errors import NotFound, RuleViolation, UsageError
from ledger.ops.lookup import (
    analyst_id,
    current_resolution,
    find_claim,
    find_source,
    unique_key,
)
from ledger.ops.versions import bump_version, check_version
from ledger.store.audit import Journal, clock
from ledger.store.engine import Store
from ledger.store.settings import grace_days
from ledger.store.tables import (
    CLAIM,
    CLAIM_ALIAS,
    CLAIM_TAG,
    EVIDENCE,
    FORECAST,
    RESOLUTION,
    SOURCE,
    SOURCE_AUTHOR,
    insert_id,
)


@dataclass(frozen=True)
class Done:
    """What a change did: the row it is about and the event that records it."""

    entity: str
    id: int
    key: str | None
    event: int
    detail: str = ""


def _key_free(conn: Connection, key: str, what: str) -> None:
    table = CLAIM if what == "claim" else SOURCE
    if conn.execute(select(table.c.id).where(table.c.key == key)).first() or (
            what == "claim" and conn.execute(
                select(CLAIM_ALIAS.c.id).where(CLAIM_ALIAS.c.key == key)).first()):
        hint = " (keys are unique; choose another with --key)" if what == "claim" else ""
        raise RuleViolation(f"a {what} with key {key!r} already exists{hint}")


def add_source(store: Store, actor: str, *, title: str, today: date, key: str | None = None,
               outlet: str | None = None, url: str | None = None,
               published_on: date | None = None, published_at: datetime | None = None,
               authors: Sequence[str] = ()) -> Done:
    """Record an article, note or report that claims can cite."""
    title = required_text(title, "title")
    if published_at is not None and published_on is None:
        published_on = published_at.date()
    if published_on is not None:
        rules.not_future(published_on, "publication date", today)
    if key is not None:
        key = check_key(key, "source key")
    with store.write() as conn:
        now = clock(conn)
        j = Journal(conn, actor, "source.add", "source")
        me = analyst_id(conn, actor, j, when=now)
        if key is not None:
            _key_free(conn, key, "source")
        else:
            key = unique_key(conn, SOURCE, slugify(title, 40))
        sid = insert_id(conn, SOURCE.insert().values(
            key=key, title=title, outlet=clean_text(outlet, "outlet", limit=OUTLET_LIMIT),
            url=clean_text(url, "url"),
            published_on=published_on, published_at=published_at, recorded_by=me, recorded_at=now,
        ))
        seen: set[int] = set()
        for pos, name in enumerate(authors):
            aid = analyst_id(conn, name, j, when=now)
            if aid not in seen:
                seen.add(aid)
                conn.execute(SOURCE_AUTHOR.insert().values(source_id=sid, analyst_id=aid,
                                                           position=pos))
        j.entity_id = sid
        j.touch("source", sid)
        ev = j.commit(at=now)
    return Done("source", sid, key, ev)


def add_claim(store: Store, actor: str, *, statement: str, author: str, made_on: date,
              due_on: date, today: date, due_basis: str = "stated", due_note: str | None = None,
              key: str | None = None, source: str | None = None, quote: str | None = None,
              criteria: str | None = None, subject: str | None = None,
              tags: Sequence[str] = (), probability: Probability | None = None,
              forecast_note: str | None = None) -> Done:
    """Record a claim; the author's own confidence, if given, is its first forecast."""
    statement = required_text(statement, "statement")
    rules.check_claim(made_on=made_on, due_on=due_on, due_basis=due_basis, due_note=due_note,
                      today=today)
    tag_list = clean_tags(tags)
    if key is not None:
        key = check_key(key)
    with store.write() as conn:
        now = clock(conn)
        j = Journal(conn, actor, "claim.add", "claim")
        me = analyst_id(conn, actor, j, when=now)
        who = analyst_id(conn, author, j, when=now)
        if key is not None:
            _key_free(conn, key, "claim")
        else:
            key = unique_key(conn, CLAIM, slugify(statement))
        source_id = find_source(conn, source)["id"] if source else None
        cid = insert_id(conn, CLAIM.insert().values(
            key=key, statement=statement, quote=clean_text(quote, "quote"), source_id=source_id,
            author_id=who, subject=clean_text(subject, "subject", limit=SUBJECT_LIMIT),
            made_on=made_on, due_on=due_on, due_basis=due_basis,
            due_note=clean_text(due_note, "due note"),
            criteria=clean_text(criteria, "criteria"), recorded_by=me, recorded_at=now, version=1,
        ))
        for t in tag_list:
            conn.execute(CLAIM_TAG.insert().values(claim_id=cid, tag=t))
        j.entity_id = cid
        j.claim_id = cid
        j.touch("claim", cid)
        if probability is not None:
            fid = _insert_forecast(conn, cid, who, made_on, probability, forecast_note, me, now)
            j.touch("forecast", fid)
        twin = near_duplicate(conn, statement, cid)
        ev = j.commit(at=now)
    return Done("claim", cid, key, ev, twin or "")


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def near_duplicate(conn: Connection, statement: str, new_id: int) -> str | None:
    """The key of an open claim whose statement is nearly the same (90% alike), if any: `add`
    warns, as a claim recorded twice is a common slip."""
    import difflib

    mine = _words(statement)
    n = len(statement)
    rows = conn.execute(
        select(CLAIM.c.key, CLAIM.c.statement).where(
            CLAIM.c.id != new_id, CLAIM.c.withdrawn_on.is_(None),
            func.length(CLAIM.c.statement).between(int(n * 0.8), int(n * 1.25) + 1),
            ~CLAIM.c.id.in_(select(RESOLUTION.c.claim_id).where(
                RESOLUTION.c.superseded_at.is_(None)))))
    for key, other in rows:
        m = difflib.SequenceMatcher(None, mine, _words(other), autojunk=False)
        if m.real_quick_ratio() >= 0.9 and m.quick_ratio() >= 0.9 and m.ratio() >= 0.9:
            return str(key)
    return None


def _insert_forecast(conn: Connection, claim_id: int, analyst: int, on: date, p: Probability,
                     note: str | None, recorder: int, now: datetime) -> int:
    return insert_id(conn, FORECAST.insert().values(
        claim_id=claim_id, analyst_id=analyst, made_on=on, probability=p.value, given=p.given,
        mapped=p.mapped, phrase=p.phrase, band_lo=p.band[0] if p.band else None,
        band_hi=p.band[1] if p.band else None, vague=p.vague, note=clean_text(note, "note"),
        recorded_by=recorder, recorded_at=now,
    ))


def _late(conn: Connection, claim: Mapping[str, Any]) -> bool:
    """Was the claim's withdrawal recorded after it fell due? (Then it does not count.)"""
    return claim["withdrawn_at"] is not None and hindsight.late_withdrawal(
        withdrawn_on=claim["withdrawn_on"], withdrawn_at=claim["withdrawn_at"],
        due_on=claim["due_on"], grace_days=grace_days(conn))


def _live(conn: Connection, claim: Mapping[str, Any], doing: str) -> None:
    if claim["withdrawn_on"] is not None and not _late(conn, claim):
        raise RuleViolation(f"claim {claim['key']} was withdrawn on "
                            f"{claim['withdrawn_on'].isoformat()}; cannot {doing}")


def _known_on(conn: Connection, claim_id: int) -> date | None:
    res = current_resolution(conn, claim_id)
    return None if res is None else res["known_on"]


def add_forecast(store: Store, actor: str, claim_ref: str, probability: Probability, *,
                 today: date, by: str | None = None, on: date | None = None,
                 note: str | None = None) -> Done:
    """A forecast on a claim: yours, or another analyst's with ``by``."""
    on = on or today
    rules.not_future(on, "forecast date", today)
    with store.write() as conn:
        now = clock(conn)
        claim = find_claim(conn, claim_ref)
        _live(conn, claim, "forecast it")
        rules.check_forecast(on=on, made_on=claim["made_on"], key=claim["key"],
                             known_on=_known_on(conn, claim["id"]), today=today)
        j = Journal(conn, actor, "forecast.add", "forecast", claim_id=claim["id"])
        me = analyst_id(conn, actor, j, when=now)
        who = analyst_id(conn, by, j, when=now) if by else me
        fid = _insert_forecast(conn, claim["id"], who, on, probability, note, me, now)
        j.entity_id = fid
        j.touch("forecast", fid)
        ev = j.commit(at=now)
    return Done("forecast", fid, claim["key"], ev)


def add_evidence(store: Store, actor: str, claim_ref: str, summary: str, *, on: date,
                 today: date, url: str | None = None, citation: str | None = None,
                 stance: str = "context") -> Done:
    """A dated observation about a claim (it may predate the claim: context)."""
    summary = required_text(summary, "summary")
    rules.check_evidence(stance=stance, on=on, today=today)
    with store.write() as conn:
        now = clock(conn)
        claim = find_claim(conn, claim_ref)
        _live(conn, claim, "add evidence")
        j = Journal(conn, actor, "evidence.add", "evidence", claim_id=claim["id"])
        me = analyst_id(conn, actor, j, when=now)
        eid = insert_id(conn, EVIDENCE.insert().values(
            claim_id=claim["id"], summary=summary, url=clean_text(url, "url"),
            citation=clean_text(citation, "citation"), observed_on=on, stance=stance,
            recorded_by=me, recorded_at=now,
        ))
        j.entity_id = eid
        j.touch("evidence", eid)
        ev = j.commit(at=now)
    return Done("evidence", eid, claim["key"], ev)


EDITABLE = ("key", "statement", "quote", "criteria", "subject", "made_on", "due_on", "due_basis",
            "due_note", "source", "author")


def _edited_values(conn: Connection, claim: Mapping[str, Any],
                   changes: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field, value in changes.items():
        if field == "key":
            value = check_key(value)
            if value != claim["key"]:
                _key_free(conn, value, "claim")
        elif field == "statement":
            value = required_text(value, "statement")
        elif field == "source":
            field, value = "source_id", (find_source(conn, value)["id"] if value else None)
        elif isinstance(value, str):
            value = clean_text(value, field.replace("_", " "),
                               limit=SUBJECT_LIMIT if field == "subject" else TEXT_LIMIT)
        values[field] = value
    return values


def _move_first_forecast(conn: Connection, j: Journal, claim: Mapping[str, Any],
                         made: date) -> None:
    """The author's first forecast, made on the claim's old made date, moves with it (the
    confidence given with the claim belongs to the day it was made)."""
    first = conn.execute(select(FORECAST.c.id, FORECAST.c.made_on, FORECAST.c.recorded_at).where(
        FORECAST.c.claim_id == claim["id"], FORECAST.c.analyst_id == claim["author_id"])
        .order_by(FORECAST.c.made_on, FORECAST.c.recorded_at, FORECAST.c.id)).first()
    if first is None or first[1] != claim["made_on"]:
        return
    hindsight.check_recorded_after(made, first[2], "forecast date", "made_on")
    j.snapshot("forecast", first[0])
    conn.execute(FORECAST.update().where(FORECAST.c.id == first[0]).values(made_on=made))


def edit(store: Store, actor: str, claim_ref: str, *, changes: Mapping[str, Any], today: date,
         add_tags: Sequence[str] = (), remove_tags: Sequence[str] = (),
         expected_version: int | None = None, revise: bool = False) -> Done:
    """Change a claim's text, dates, author or tags; the event keeps what it was before. The
    claim after the edit must meet the same rules as a new one, and its history. A new made
    date takes the author's first forecast with it when they were on the same day; a new
    author is refused once the claim is resolved, unless ``revise``."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise UsageError(f"cannot edit {', '.join(sorted(unknown))}")
    if not changes and not add_tags and not remove_tags:
        raise UsageError("nothing to change: give at least one option (see `ledger edit --help`)")
    adding, removing = clean_tags(add_tags), clean_tags(remove_tags)
    with store.write() as conn:
        now = clock(conn)
        claim = find_claim(conn, claim_ref)
        check_version(conn, claim, expected_version)
        author = changes.get("author")
        values = _edited_values(conn, claim, {k: v for k, v in changes.items() if k != "author"})
        after = {**claim, **values}
        made, due = after["made_on"], after["due_on"]
        if due < made:
            raise RuleViolation(f"due date {due.isoformat()} would be before the claim was made "
                                f"({made.isoformat()})")
        rules.check_due(after["due_basis"], after["due_note"])
        if after["withdrawn_on"] is not None and ("due_on" in values or "made_on" in values):
            # a withdrawal stays one made before the claim fell due, after it was made
            rules.check_withdrawal(on=after["withdrawn_on"], made_on=made, due_on=due,
                                   key=claim["key"], today=after["withdrawn_on"])
        j = Journal(conn, actor, "claim.edit", "claim", claim["id"], claim["id"])
        j.snapshot("claim", claim["id"])
        analyst_id(conn, actor, j, when=now)
        if author is not None:
            if current_resolution(conn, claim["id"]) is not None and not revise:
                raise RuleViolation(f"claim {claim['key']} is resolved: its author changes only "
                                    "with --revise (the scorecard it was in changes too)")
            values["author_id"] = analyst_id(conn, author, j, when=now)
        if "made_on" in values:
            rules.not_future(made, "made date", today)
            _move_first_forecast(conn, j, claim, made)
            first = conn.execute(select(FORECAST.c.made_on).where(
                FORECAST.c.claim_id == claim["id"]).order_by(FORECAST.c.made_on)).first()
            rules.check_made_against_history(
                made, claim["key"], first_forecast=None if first is None else first[0],
                known_on=_known_on(conn, claim["id"]))
        values["version"] = bump_version(conn, claim, expected_version)
        conn.execute(CLAIM.update().where(CLAIM.c.id == claim["id"]).values(**values))
        have = {r[0] for r in conn.execute(
            select(CLAIM_TAG.c.tag).where(CLAIM_TAG.c.claim_id == claim["id"]))}
        for t in adding:
            if t not in have:
                conn.execute(CLAIM_TAG.insert().values(claim_id=claim["id"], tag=t))
        for t in removing:
            if t not in have:
                raise NotFound(f"claim {claim['key']} has no tag {t!r}")
            conn.execute(delete(CLAIM_TAG).where(CLAIM_TAG.c.claim_id == claim["id"],
                                                 CLAIM_TAG.c.tag == t))
        ev = j.commit(at=now)
    return Done("claim", claim["id"], values.get("key", claim["key"]), ev)
