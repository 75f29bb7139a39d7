"""Ledger-wide settings, kept as an append-only history in the ``setting`` table: the value in
force at an instant is the last one recorded by then (so ``report --as-of`` reads what stood)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger.core.hindsight import DEFAULT_GRACE_DAYS, GRACE_SETTING
from ledger.store.tables import SETTING


def setting(conn: Connection, name: str, as_of: datetime | None = None) -> str | None:
    q = select(SETTING.c.value).where(SETTING.c.name == name)
    if as_of is not None:
        q = q.where(SETTING.c.recorded_at <= as_of)
    row = conn.execute(q.order_by(SETTING.c.recorded_at.desc(), SETTING.c.id.desc())
                       .limit(1)).first()
    return None if row is None else str(row[0])


def grace_days(conn: Connection, as_of: datetime | None = None) -> int:
    """The grace period for typing delays in force at ``as_of`` (now by default)."""
    value = setting(conn, GRACE_SETTING, as_of)
    return DEFAULT_GRACE_DAYS if value is None else int(value)


def team_settings(conn: Connection) -> dict[str, str]:
    """The team settings the ledger holds now (``config set --team``), by key; an empty value
    means the team removed it."""
    from ledger.core.settings import PREFIX

    q = (select(SETTING.c.name, SETTING.c.value)
         .where(SETTING.c.name.startswith(PREFIX, autoescape=True))
         .order_by(SETTING.c.recorded_at, SETTING.c.id))
    return {str(name)[len(PREFIX):]: str(value) for name, value in conn.execute(q)}
