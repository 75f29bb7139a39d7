"""What keeps a ledger itself rather than its claims: its settings (the grace period, the team's
settings), its anchor, and copies of it. Part of ``ledger.Ledger``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledger.ops import outcomes
from ledger.ops.changes import Done
from ledger.store.engine import Store


class Administration:
    """The ledger-wide operations of ``ledger.Ledger`` (which supplies the store and actor)."""

    store: Store
    actor: str

    def set_grace(self, days: int, *, note: str | None = None) -> Done:
        """The grace period for typing delays (see ``ledger.core.hindsight``)."""
        return outcomes.set_grace(self.store, self.actor, days, note=note)

    def grace(self) -> int:
        from ledger.store.settings import grace_days

        with self.store.read() as conn:
            return grace_days(conn)

    def anchor(self) -> Any:
        """The chain head now: publish it to prove later that the history before it held."""
        from ledger.store.audit import head

        with self.store.read() as conn:
            return head(conn)

    def set_team_setting(self, key: str, value: str | None, *,
                         note: str | None = None) -> Done:
        """A setting for everyone on this ledger (``config set --team``); None removes it."""
        from ledger.ops import settings

        return settings.set_team_setting(self.store, self.actor, key, value, note=note)

    def team_settings(self) -> dict[str, str]:
        """The team settings this ledger holds now (removed ones left out)."""
        from ledger.store.settings import team_settings

        with self.store.read() as conn:
            return {k: v for k, v in team_settings(conn).items() if v}

    def copy(self, dest: Store, *, carry: dict[str, str] | None = None) -> dict[str, int]:
        """Copy the whole ledger into the new, empty ``dest``; ``carry`` (team settings from
        ``ledger.toml``) is recorded in the copy as one audited change, in the same
        transaction."""
        from ledger.ops import settings
        from ledger.store import admin

        values = dict(carry or {})
        for key, value in values.items():
            settings.check(key, value)

        def then(conn: Any) -> None:
            if values:
                settings.record(conn, self.actor, values, note="carried from ledger.toml")

        return admin.copy_ledger(self.store, dest, then=then)

    def add_key(self, new: Any, *, note: str | None = None) -> Done:
        """Register ``new`` (a ``ledger.store.signing.Signer``) as the actor's signing key;
        a key they had is revoked by the same change, which it must sign."""
        from ledger.ops import keys

        return keys.add_key(self.store, self.actor, new, note=note)

    def revoke_key(self, which: str | None = None, *, note: str | None = None) -> Done:
        from ledger.ops import keys

        return keys.revoke(self.store, self.actor, which, note=note)

    def keys(self) -> list[dict[str, Any]]:
        from ledger.ops import keys

        return keys.listing(self.store)

    def require_signatures(self, on: bool, *, note: str | None = None) -> Done:
        """Unsigned changes by analysts with a key fail at entry (audited, like the grace)."""
        from ledger.ops import keys

        return keys.require(self.store, self.actor, on, note=note)

    def backup(self, dest: Path) -> Path:
        from ledger.store import admin

        return admin.backup(self.store, dest)


def held_team_settings(store: Store) -> dict[str, str]:
    """The team settings a ledger holds, read before any command checks the ledger: none when
    it is not (yet) a ledger this tool can read (the command itself then says what is wrong)."""
    from sqlalchemy.exc import SQLAlchemyError

    from ledger.errors import LedgerError
    from ledger.store.settings import team_settings

    try:
        with store.read() as conn:
            return team_settings(conn)
    except (LedgerError, SQLAlchemyError):
        return {}
