"""What the import steps share: ids by natural key, counts, and the event's row states."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection

from ledger.ops.import_index import KeyIndex
from ledger.ops.records import TYPES, ImportFileError, Labelled, Record
from ledger.ops.spool import Spool
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
    #: claims, evidence, outcomes and revisions by the file's keys, on disk
    index: KeyIndex = field(default_factory=KeyIndex)
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
        """The analyst's id (the name in any case, as everywhere), added from the file's
        analyst record on first use."""
        if name in self.names:
            return self.names[name]
        folded = {i for n, i in self.names.items() if n.casefold() == name.casefold()}
        if len(folded) == 1:
            self.names[name] = folded.pop()
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

    def claim_of(self, no: str, r: Record, what: str | None = None) -> int:
        """The id of the claim a record refers to, or one clear refusal."""
        return self.claim_made(no, r, what)[0]

    def claim_made(self, no: str, r: Record, what: str | None = None) -> tuple[int, date]:
        """The id and the day made of the claim a record refers to, or one clear refusal."""
        found = self.index.claim(r["claim"])
        if found is None:
            what = what or f"{r['type']} {r['id']!r}"
            raise ImportFileError(f"{no}: {what} refers to unknown claim {r['claim']!r}")
        return found

    def old_claim_ids(self) -> list[int]:
        """The file's claims that were already in the ledger (``[-1]`` for none, so that an
        ``IN`` over them is valid SQL)."""
        return self.index.old_claims() or [-1]


def of_kind(records: list[Labelled] | Spool, kind: str) -> Iterable[Labelled]:
    """The records of one type, in the order the file gave them."""
    if isinstance(records, Spool):
        return records.of(kind)
    return ((no, r) for no, r in records if r["type"] == kind)


#: rows an import step writes at once: memory stays flat whatever the file's size
WRITE_BATCH = 5000


def batched(records: Iterable[Labelled], n: int) -> Iterator[list[Labelled]]:
    """Records in lists of ``n`` (``itertools.batched`` is Python 3.12's)."""
    chunk: list[Labelled] = []
    for rec in records:
        chunk.append(rec)
        if len(chunk) == n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def first_free_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1
