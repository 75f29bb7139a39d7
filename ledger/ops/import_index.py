"""What an import remembers by the file's own keys while it runs: each claim's id and date,
each evidence id, the outcomes known per claim, the resolution revisions seen. Kept in a
temporary SQLite file (the standard library's, whatever the ledger's backend), so a file of a
million claims is imported in the same few megabytes as one of a hundred."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)

_SCHEMA = """
CREATE TABLE claim (key TEXT PRIMARY KEY, id INTEGER NOT NULL, made_on INTEGER NOT NULL,
                    new INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE evidence (key TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE known (claim_id INTEGER NOT NULL, at INTEGER NOT NULL, known_on INTEGER NOT NULL);
CREATE INDEX known_claim ON known (claim_id, at, known_on);
CREATE TABLE revision (claim_id INTEGER, revision INTEGER, current INTEGER NOT NULL,
                       PRIMARY KEY (claim_id, revision)) WITHOUT ROWID;
"""


def _micros(at: datetime) -> int:
    return (at - _EPOCH) // _MICRO


class KeyIndex:
    """The maps an import looks things up in, on disk. One connection, one transaction that is
    never committed: the file is thrown away with the import."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="ledger-import-index-")
        self.db = sqlite3.connect(Path(self._dir.name) / "index.db", isolation_level=None)
        self.db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
                              "PRAGMA cache_size = -16000;" + _SCHEMA + "BEGIN;")

    def close(self) -> None:
        self.db.close()
        self._dir.cleanup()

    # claims -------------------------------------------------------------------------------
    def add_claim(self, key: str, claim_id: int, made_on: date, *, new: bool) -> None:
        self.db.execute("INSERT INTO claim VALUES (?, ?, ?, ?)",
                        (key, claim_id, made_on.toordinal(), int(new)))

    def claim(self, key: str) -> tuple[int, date] | None:
        """The claim's id and the day it was made, if the file or the ledger has it."""
        row = self.db.execute("SELECT id, made_on FROM claim WHERE key = ?", (key,)).fetchone()
        return None if row is None else (row[0], date.fromordinal(row[1]))

    def old_claims(self) -> list[int]:
        """The ids of the file's claims that were already in the ledger."""
        return [i for (i,) in self.db.execute("SELECT id FROM claim WHERE new = 0")]

    # evidence -----------------------------------------------------------------------------
    def add_evidence(self, key: str, evidence_id: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO evidence VALUES (?, ?)", (key, evidence_id))

    def evidence(self, key: str) -> int | None:
        row = self.db.execute("SELECT id FROM evidence WHERE key = ?", (key,)).fetchone()
        return None if row is None else int(row[0])

    # outcomes known -----------------------------------------------------------------------
    def add_known(self, claim_id: int, at: datetime, known_on: date) -> None:
        self.db.execute("INSERT INTO known VALUES (?, ?, ?)",
                        (claim_id, _micros(at), known_on.toordinal()))

    def standing(self, claim_id: int, at: datetime) -> date | None:
        """The day an outcome was known, of the latest one recorded by ``at`` (the later day
        on a tie), or None."""
        row = self.db.execute(
            "SELECT known_on FROM known WHERE claim_id = ? AND at <= ? "
            "ORDER BY at DESC, known_on DESC LIMIT 1", (claim_id, _micros(at))).fetchone()
        return None if row is None else date.fromordinal(row[0])

    # resolution revisions -----------------------------------------------------------------
    def add_revision(self, claim_id: int, revision: int, *, current: bool) -> str | None:
        """Remember a resolution; what is wrong with it ("revision" seen twice, or a second
        "current" one for the claim), or None."""
        try:
            self.db.execute("INSERT INTO revision VALUES (?, ?, ?)",
                            (claim_id, revision, int(current)))
        except sqlite3.IntegrityError:
            return "revision"
        if current and self.db.execute(
                "SELECT count(*) FROM revision WHERE claim_id = ? AND current = 1",
                (claim_id,)).fetchone()[0] > 1:
            return "current"
        return None
