"""What every command receives: where the ledger is, who is acting, the clock, and one
lazily opened ``Ledger``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from ledger.api import Ledger
    from ledger.store.engine import Store


@dataclass
class AppState:
    db: str
    actor: str
    wait: float | None = None
    db_given: bool = False
    pager: bool = True  # long text output goes through a pager on a terminal
    clock: Callable[[], date] = date.today
    new_analysts: bool = False  # --new-analyst: changes may add the analysts they name
    _open: list[Store] = field(default_factory=list)
    _main: Store | None = None

    def today(self) -> date:
        return self.clock()

    def ledger(self) -> Ledger:
        """The ledger at --db, refused unless it is a ledger at this schema."""
        from ledger.api import Ledger
        from ledger.config import zone
        from ledger.keyring import load

        lg = Ledger(self.store(), actor=self.actor, clock=self.clock, zone=zone(),
                    new_analysts=self.new_analysts, signer=load(self.actor))
        if lg.warning:
            typer.echo(f"warning: {lg.warning}", err=True)
        return lg

    def store(self, target: str | None = None, *, create: bool = False) -> Store:
        """A store for --db (or TARGET) without any schema check: for ``db`` commands."""
        from ledger import lifetime
        from ledger.store.engine import Store

        if target is None and not create and self._main is not None:
            return self._main
        store = Store(target or self.db, create=create, wait=self.wait)
        self._open.append(store)
        if target is None and not create:
            self._main = store
        lifetime.started()  # what the command needs is loaded: collect as usual from here
        return store

    def team_settings(self) -> dict[str, str]:
        """The team settings the ledger at --db holds; none when it is not (yet) a ledger
        this tool can read: the command itself then says what is wrong."""
        import os

        if "://" not in self.db and not os.path.isfile(os.path.expanduser(self.db)):
            return {}
        from ledger.administration import held_team_settings
        from ledger.errors import LedgerError

        try:
            return held_team_settings(self.store())
        except LedgerError:  # not a ledger file at all: the command says so
            return {}

    def close(self) -> None:
        for store in self._open:
            store.dispose()
        self._open.clear()
        self._main = None
