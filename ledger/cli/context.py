"""What every command receives: where the ledger is, who is acting, one lazily opened store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ledger.store.engine import Store


@dataclass
class AppState:
    db: str
    actor: str
    wait: float | None = None
    _stores: list[Any] = field(default_factory=list)

    def open(self, *, check_schema: bool = True, create: bool = False,
             target: str | None = None) -> "Store":
        """The store for --db (or TARGET), refused unless it is a ledger at this schema."""
        from ledger.store.engine import Store
        from ledger.store.schema import ensure_current

        store = Store(target or self.db, create=create, wait=self.wait)
        self._stores.append(store)
        if check_schema:
            with store.read() as conn:
                ensure_current(conn, store.location)
            store.check_journal()
        return store

    def close(self) -> None:
        for store in self._stores:
            store.dispose()
        self._stores.clear()
