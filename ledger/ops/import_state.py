"""What the import steps share: ids by natural key, counts, and the event's row states."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from ledger.ops.records import TYPES, ImportFileError, Labelled, Record, Spool
from ledger.store import audit
from ledger.store.tables import ANALYST, insert_id


@dataclass
class State:
    """What the steps share: ids by natural key, counts, and the event's row fingerprints."""

    conn: Connection
    now: datetime
    records: list[Labelled] | Spool  # a spool for an export of any size
    names: dict[str, int]
    file_analysts: dict[str, Record]
    #: the rows the import adds, fingerprinted beside its event
    prints: audit.RowPrints
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
        return of_kind(self.records, kind)

    def count(self, kind: str) -> int:
        if isinstance(self.records, Spool):
            return self.records.counts.get(kind, 0)
        return sum(1 for _ in self.of(kind))

    def who(self, name: str, no: str) -> int:
        """The analyst's id, added from the file's analyst record on first use."""
        if name in self.names:
            return self.names[name]
        if name not in self.file_analysts:
            raise ImportFileError(f"{no}: analyst {name!r} is neither in the file nor in "
                                  "this ledger")
        a = self.file_analysts[name]
        row = {"name": name, "affiliation": a["affiliation"], "created_at": a["created_at"],
               "email": a.get("email")}
        new = insert_id(self.conn, ANALYST.insert().values(**row))
        self.names[name] = new
        self.counts["analyst"] += 1
        self.prints.add(f"analyst/{new}", {"id": new, **row})
        return new

    def claim_of(self, no: str, r: Record) -> int:
        if r["claim"] not in self.claim_ids:
            raise ImportFileError(f"{no}: {r['type']} {r['id']!r} refers to unknown claim "
                                  f"{r['claim']!r}")
        return self.claim_ids[r["claim"]]

    def old_claim_ids(self) -> list[int]:
        return [self.claim_ids[k] for k in self.claim_ids if k not in self.new_claims] or [-1]


def of_kind(records: list[Labelled] | Spool, kind: str) -> Iterable[Labelled]:
    """The records of one type, in the order the file gave them."""
    if isinstance(records, Spool):
        return records.of(kind)
    return ((no, r) for no, r in records if r["type"] == kind)


#: rows an import step writes at once: memory stays flat whatever the file's size
WRITE_BATCH = 5000


def first_free_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
