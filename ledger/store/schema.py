"""Is this database a ledger at the schema this tool speaks? Cheap on the happy path.

``SCHEMA_HEAD`` is the newest migration and ``KNOWN_REVISIONS`` all of them; a test keeps both
equal to Alembic's, so opening a ledger reads one row and imports no Alembic at all.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from ledger.errors import SchemaMismatch

KNOWN_REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007")
SCHEMA_HEAD = KNOWN_REVISIONS[-1]


def current_revision(conn: Connection) -> str | None:
    """The stamped revision, or None when the database has no ledger schema at all."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


#: Tables every ledger revision has: a database without them is someone else's.
CORE_TABLES = ("analyst", "claim", "event")


def has_ledger_tables(conn: Connection) -> bool:
    names = ", ".join(f"'{t}'" for t in CORE_TABLES)
    if conn.dialect.name == "sqlite":
        q = f"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ({names})"
    else:
        q = ("SELECT count(*) FROM information_schema.tables WHERE table_schema = "
             f"current_schema() AND table_name IN ({names})")
    return int(conn.execute(text(q)).scalar_one()) == len(CORE_TABLES)


def user_tables(conn: Connection) -> list[str]:
    return sorted(inspect(conn).get_table_names())


def ensure_current(conn: Connection, location: str) -> None:
    """Refuse, in one sentence, a database this tool must not read or write."""
    rev = current_revision(conn)
    if rev is not None and not has_ledger_tables(conn):
        raise SchemaMismatch(f"{location} is not a ledger: it carries a schema version ({rev}) "
                             "but not the ledger's tables (another application's database?)")
    if rev == SCHEMA_HEAD:
        return
    if rev is None:
        if not user_tables(conn):
            raise SchemaMismatch(f"{location} is empty: run `ledger db init` to create a ledger")
        raise SchemaMismatch(
            f"{location} is not a ledger: it holds other tables and no ledger schema version"
        )
    if rev in KNOWN_REVISIONS:
        raise SchemaMismatch(
            f"{location} is older than this ledger (schema {rev}, needs {SCHEMA_HEAD}): "
            "run `ledger db upgrade` (it takes a backup first)"
        )
    raise SchemaMismatch(
        f"{location} was upgraded by a newer ledger (schema {rev}, this ledger knows up to "
        f"{SCHEMA_HEAD}): upgrade ledger before using this file"
    )
