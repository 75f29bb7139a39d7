"""Fast multi-row inserts for imports: straight to the driver's ``executemany``.

SQLAlchemy's per-row type processing dominates a 100,000-row import, so bulk loads convert
values here, once, to exactly what the column types would have sent (the round-trip and
``db check`` tests compare the result with rows written through the types).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC
from typing import Any

from sqlalchemy import Boolean, Date, Table
from sqlalchemy.engine import Connection

from ledger.store.types import UTCDateTime


def _sqlite_value(kind: str, v: Any) -> Any:
    if v is None:
        return None
    if kind == "datetime":
        v = v.astimezone(UTC)
        return (f"{v.year:04d}-{v.month:02d}-{v.day:02d} {v.hour:02d}:{v.minute:02d}:"
                f"{v.second:02d}.{v.microsecond:06d}")
    if kind == "date":
        return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
    if kind == "bool":
        return 1 if v else 0
    return v


def _kinds(table: Table, cols: Sequence[str]) -> list[str]:
    out = []
    for c in cols:
        t = table.c[c].type
        out.append("datetime" if isinstance(t, UTCDateTime) else "date" if isinstance(t, Date)
                   else "bool" if isinstance(t, Boolean) else "plain")
    return out


def insert_many(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows that all have the same keys, bypassing per-row SQLAlchemy processing."""
    if not rows:
        return
    cols = list(rows[0].keys())
    kinds = _kinds(table, cols)
    dialect = conn.dialect.name
    if dialect == "sqlite":
        mark = "?"
        data = [tuple(_sqlite_value(k, r[c]) if k != "plain" else r[c]
                      for c, k in zip(cols, kinds, strict=False)) for r in rows]
    else:
        mark = "%s"
        data = [tuple(r[c] for c in cols) for r in rows]
    sql = (f'INSERT INTO {table.name} ({", ".join(cols)}) '
           f'VALUES ({", ".join(mark for _ in cols)})')
    raw: Any = conn.connection.driver_connection  # sqlite3 or psycopg: both DB-API
    cur = raw.cursor()
    try:
        cur.executemany(sql, data)
    finally:
        cur.close()

