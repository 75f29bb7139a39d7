"""A newer export of another tracker over what an earlier one brought in: what may change.

Platform history is imported as the platform recorded it (``history`` mode of
``ledger.ops.importer``). A later export of the same account overlaps the earlier one, and may
say more: a question's words or deadline were edited, its outcome was set or changed, the mean
behind PredictionBook's CSV forecast moved. Those become updates, each with its before and
after in the import's event; nothing is ever deleted. A claim whose words are placeholders (an
iqisa frame has no titles) never overwrites one that has real words.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from ledger.core.jsonenc import canonical
from ledger.ops.records import ImportFileError, Record
from ledger.store import audit
from ledger.store.tables import ANALYST, CLAIM, CLAIM_TAG, FORECAST, RESOLUTION

#: Claim fields a newer export may change.
MUTABLE = ("statement", "due_on", "due_basis", "due_note", "criteria", "tags", "source")


def _changed(conn: Connection, entity: str, row_id: int, before: dict[str, Any],
             after: dict[str, Any]) -> None:
    key = f"{entity}/{row_id}"
    if key not in before:
        before[key] = audit.states(conn, entity, [row_id]).get(key)
    after[key] = audit.digest(audit.states(conn, entity, [row_id])[key])


def claim(conn: Connection, no: str, cid: int, r: Record, have: Record,
          source_id: int | None, before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Bring an existing claim up to a newer export; True when it changed."""
    if have["author"] != r["author"]:
        raise ImportFileError(f"{no}: claim {r['key']!r} already exists here by "
                              f"{have['author']!r}, not {r['author']!r}; nothing was imported")
    mine = {k: sorted(set(r[k])) if k == "tags" else r[k] for k in MUTABLE}
    diff = [k for k in MUTABLE if canonical(mine[k]) != canonical(have.get(k))]
    if not diff:
        return False
    key = f"claim/{cid}"
    if key not in before:
        before[key] = audit.states(conn, "claim", [cid]).get(key)
    values = {k: mine[k] for k in diff if k not in ("tags", "source")}
    if "source" in diff:
        values["source_id"] = source_id
    conn.execute(update(CLAIM).where(CLAIM.c.id == cid).values(
        **values, version=CLAIM.c.version + 1))
    if "tags" in diff:
        conn.execute(CLAIM_TAG.delete().where(CLAIM_TAG.c.claim_id == cid))
        if mine["tags"]:
            conn.execute(CLAIM_TAG.insert(), [{"claim_id": cid, "tag": t} for t in mine["tags"]])
    _changed(conn, "claim", cid, before, after)
    return True


def forecast(conn: Connection, fid: int, p: float, before: dict[str, Any],
             after: dict[str, Any]) -> None:
    """A forecast a newer export gives another value (PredictionBook's CSV mean)."""
    key = f"forecast/{fid}"
    before.setdefault(key, audit.states(conn, "forecast", [fid]).get(key))
    conn.execute(update(FORECAST).where(FORECAST.c.id == fid).values(probability=p))
    _changed(conn, "forecast", fid, before, after)


def resolution(conn: Connection, cid: int, r: Record, row: dict[str, Any], next_id: int,
               before: dict[str, Any], after: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``skip``, ``add`` or ``update`` (supersede the current one) and the row to insert."""
    rows = [dict(x) for x in conn.execute(select(RESOLUTION).where(
        RESOLUTION.c.claim_id == cid)).mappings()]
    current = next((x for x in rows if x["superseded_at"] is None), None)
    revision = max((x["revision"] for x in rows), default=0) + 1
    if current is not None and (current["outcome"], current["known_on"]) == (
            r["outcome"], r["known_on"]):
        return "skip", row
    at: datetime = r["recorded_at"] if current is None else max(r["recorded_at"],
                                                                current["recorded_at"])
    new = {**row, "id": next_id, "revision": revision, "recorded_at": at}
    if current is None:
        return "add", new
    key = f"resolution/{current['id']}"
    before.setdefault(key, audit.states(conn, "resolution", [current["id"]]).get(key))
    conn.execute(update(RESOLUTION).where(RESOLUTION.c.id == current["id"]).values(
        superseded_at=at, superseded_note=f"a newer export says {r['outcome']} (known "
                                          f"{r['known_on'].isoformat()})"))
    _changed(conn, "resolution", current["id"], before, after)
    return "update", new


def analyst_since(conn: Connection, aid: int, created_at: datetime, before: dict[str, Any],
                  after: dict[str, Any]) -> bool:
    """A person this ledger already knows whom the file knew earlier (a ledger made by the
    same person, say): they exist since the earlier time. True when it changed."""
    have = conn.execute(select(ANALYST.c.created_at).where(ANALYST.c.id == aid)).scalar_one()
    if have <= created_at:
        return False
    key = f"analyst/{aid}"
    if key not in before:
        before[key] = audit.states(conn, "analyst", [aid]).get(key)
    conn.execute(update(ANALYST).where(ANALYST.c.id == aid).values(created_at=created_at))
    _changed(conn, "analyst", aid, before, after)
    return True
