"""The team's settings kept in the ledger itself (``ledger config set --team``): one home on
both backends, audited like every change, and carried by ``db copy`` and the export.

A team setting is one row of the append-only ``setting`` table named ``team.KEY``; the latest
stands, and an empty value removes it. Only ``ledger.core.settings.IN_LEDGER`` keys are taken
(never a file path: a ledger on a server has no folder for it).
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.engine import Connection

from ledger.core import settings
from ledger.core.keys import clean_text
from ledger.ops.changes import Done
from ledger.ops.lookup import analyst_id
from ledger.store.audit import Journal, clock
from ledger.store.engine import Store
from ledger.store.tables import SETTING, insert_id


def check(key: str, value: str) -> str:
    """A team setting's value as the ledger keeps it; one clear refusal otherwise."""
    settings.check_ledger_key(key, "--team")
    return settings.check_value(key, value)


def set_team_setting(store: Store, actor: str, key: str, value: str | None, *,
                     note: str | None = None) -> Done:
    """Set (None: remove) a setting for everyone who uses this ledger; an audited change."""
    text = "" if value is None else check(key, value)
    with store.write() as conn:
        ev, sid = record(conn, actor, {key: text}, note=note)
    return Done("setting", sid, key, ev, detail=text)


def record(conn: Connection, actor: str, values: Mapping[str, str], *,
           note: str | None = None) -> tuple[int, int]:
    """Write team settings in the caller's transaction as one audited event; returns the
    event's id and the last setting row's id."""
    return record_rows(conn, actor, {settings.PREFIX + k: check(k, v) if v else ""
                                     for k, v in values.items()}, note=note)


def record_rows(conn: Connection, actor: str, rows: Mapping[str, str], *,
                note: str | None = None) -> tuple[int, int]:
    """Ledger settings (name -> value, already checked) as one audited ``setting.set`` event
    in the caller's transaction: the one writer of the append-only ``setting`` table."""
    now = clock(conn)
    j = Journal(conn, actor, "setting.set", "setting")
    me = analyst_id(conn, actor, j, when=now)
    sid = 0
    for name, value in rows.items():
        sid = insert_id(conn, SETTING.insert().values(
            name=name, value=value, note=clean_text(note, "note"), recorded_by=me,
            recorded_at=now))
        j.touch("setting", sid)
    j.entity_id = sid
    return j.commit(at=now), sid
