"""Typed records of an import kept on disk rather than in memory, so an export of any size is
parsed once and held in a few kilobytes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from ledger.ops.progress import Progress
from ledger.ops.records import Labelled, Record, records_of


class Spool:
    """Typed, checked records kept on disk a type at a time (pickled), read back in file order
    for each step of an import: an export of any size is held in a few kilobytes of memory
    and parsed once."""

    def __init__(self) -> None:
        import tempfile

        self._dir = tempfile.TemporaryDirectory(prefix="ledger-import-")
        self._files: dict[str, Any] = {}
        self.counts: dict[str, int] = {}

    def add(self, label: str, rec: Record) -> None:
        import pickle

        kind = rec["type"]
        fh = self._files.get(kind)
        if fh is None:
            fh = self._files[kind] = open(f"{self._dir.name}/{kind}", "wb")  # noqa: SIM115
        pickle.dump((label, rec), fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def of(self, kind: str) -> Iterator[Labelled]:
        import pickle

        fh = self._files.get(kind)
        if fh is None:
            return
        fh.flush()
        with open(fh.name, "rb") as src:
            while True:
                try:
                    yield pickle.load(src)
                except EOFError:
                    return

    def __len__(self) -> int:
        return sum(self.counts.values())

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()
        self._dir.cleanup()


def spool_records(lines: Iterable[str], *, today: date, progress: Progress = None,
                  total: int = 0) -> Spool:
    """``read_records`` for an export of any size: the records go to a ``Spool``."""
    spool = Spool()
    try:
        for label, rec in records_of(lines, today=today, progress=progress, total=total):
            spool.add(label, rec)
    except BaseException:
        spool.close()
        raise
    return spool
