"""Who is who on a ledger: its analysts, their addresses, and adding, renaming and merging
them. Part of ``ledger.Ledger``."""

from __future__ import annotations

from typing import Any

from ledger.ops.changes import Done
from ledger.store.engine import Store


class Roster:
    """The analyst operations of ``ledger.Ledger`` (which supplies the store and actor)."""

    store: Store
    actor: str

    def analysts(self, name: str | None = None) -> list[dict[str, Any]]:
        """Every analyst (or the one ``name`` means, any case) with address and counts."""
        from ledger.ops import reminders

        rows = reminders.analysts(self.store)
        if name is None:
            return rows
        from ledger.ops.lookup import analyst_ids

        with self.store.read() as conn:
            ids = set(analyst_ids(conn, name))
        return [r for r in rows if r["id"] in ids]

    def set_email(self, name: str, email: str | None) -> Done:
        """Where reminders to ``name`` go (None: nowhere)."""
        from ledger.ops import reminders

        return reminders.set_email(self.store, self.actor, name, email)

    def add_analyst(self, name: str, *, email: str | None = None,
                    affiliation: str | None = None) -> Done:
        """Register someone before they record anything (names are then matched in any case)."""
        from ledger.ops import analysts

        return analysts.add(self.store, self.actor, name, email=email, affiliation=affiliation)

    def rename_analyst(self, old: str, new: str) -> Done:
        from ledger.ops import analysts

        return analysts.rename(self.store, self.actor, old, new)

    def merge_analysts(self, duplicate: str, into: str) -> Done:
        """Two names for one person become ``into`` (``Done.detail``: the name merged away)."""
        from ledger.ops import analysts

        return analysts.merge(self.store, self.actor, duplicate, into)
