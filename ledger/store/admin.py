"""Administering a ledger as a whole: create, upgrade, inspect, check, back up and copy it.
Alembic is imported only here, and only by the functions that need it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from ledger.errors import LedgerError, SchemaMismatch, StorageError
from ledger.store import audit, audit_check, fs
from ledger.store.engine import APPLICATION_ID, Store, dbapi
from ledger.store.schema import (
    KNOWN_REVISIONS,
    SCHEMA_HEAD,
    current_revision,
    ensure_current,
    has_ledger_tables,
    user_tables,
)
from ledger.store.tables import ANALYST, TABLES_IN_LOAD_ORDER, insert_id, metadata
from ledger.store.types import utcnow
from ledger.version import __version__


def alembic_config(conn: Connection | None = None) -> Any:
    """Alembic's configuration over ``ledger.migrations`` (the repository's ``migrations/``,
    shipped inside the package)."""
    from importlib.resources import files

    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("ledger.migrations")))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def script_directory() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def migrate_to(store: Store, target: str, *, downgrade: bool = False,
               then: Callable[[Connection], Any] | None = None) -> None:
    """Run Alembic inside one write transaction with foreign keys off, checked before commit;
    ``then`` writes more in the same transaction (a new ledger's first event, a copy's rows),
    so a schema is never committed without them."""
    from alembic import command

    with store.raw_connection(foreign_keys=False) as conn:
        conn = conn.execution_options(ledger_write=True)
        with conn.begin():
            cfg = alembic_config(conn)
            if downgrade:
                command.downgrade(cfg, target)
            else:
                command.upgrade(cfg, target)
            if then is not None:
                then(conn)
            if store.is_sqlite:
                bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if bad:
                    raise StorageError(
                        f"migration to {target} left {len(bad)} dangling foreign keys; "
                        "nothing was changed"
                    )
                conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")


def init(store: Store, actor: str) -> str:
    """A new ledger at the newest schema, with the person who made it as its first analyst.
    Refuses anything that already holds data."""
    existed = store.path is not None and store.path.exists()
    refuse_non_empty(store, "init")

    def first_event(conn: Connection) -> None:
        now = utcnow()
        me = insert_id(conn, ANALYST.insert().values(name=actor, created_at=now))
        audit.append(conn, actor=actor, action="db.init", entity="ledger", entity_id=None,
                     claim_id=None, before=None,
                     after={"schema": SCHEMA_HEAD, "tool": __version__,
                            **audit.states(conn, "analyst", [me])}, at=now)

    try:
        migrate_to(store, "head", then=first_event)
    except BaseException:
        if store.path is not None and not existed and store.path.exists():
            store.dispose()
            store.path.unlink(missing_ok=True)  # we created it a moment ago: nothing half-made
        raise
    return SCHEMA_HEAD


def refuse_non_empty(store: Store, what: str) -> None:
    """Only new or empty files and databases may become a new ledger (an empty database left
    by an interrupted init or copy counts as empty; a device or other special file never)."""
    if store.path is not None and store.path.exists():
        import stat

        if not stat.S_ISREG(store.path.stat().st_mode):
            raise LedgerError(f"{store.path} is not a regular file; {what} writes only to new "
                              "or empty files")
    if store.path is not None and store.path.exists() and store.path.stat().st_size > 0:
        try:
            with store.read() as conn:
                tables = user_tables(conn)
        except SchemaMismatch:  # not a SQLite file at all
            tables = ["(not a database)"]
        if tables:
            raise LedgerError(f"{store.path} already exists and is not empty; {what} writes "
                              "only to new or empty files (use `ledger db upgrade` for an "
                              "older ledger)")
    if store.path is None:
        with store.read() as conn:
            tables = user_tables(conn)
        if tables:
            raise LedgerError(f"{store.location} already holds tables ({', '.join(tables[:5])}); "
                              f"{what} writes only to an empty database")


@dataclass
class UpgradeResult:
    before: str | None
    after: str
    backup: Path | None


def upgrade(store: Store, target: str = "head") -> UpgradeResult:
    """Back up, then migrate in one transaction; any failure leaves the file as it was."""
    with store.read() as conn:
        rev = current_revision(conn)
        tables = user_tables(conn) if rev is None else []
        foreign = rev is not None and not has_ledger_tables(conn)
    if foreign:
        raise SchemaMismatch(f"{store.location} is not a ledger: it carries a schema version "
                             f"({rev}) but not the ledger's tables")
    if rev is None:
        if tables:
            raise SchemaMismatch(f"{store.location} is not a ledger: it holds other tables and "
                                 "no ledger schema version")
        raise SchemaMismatch(f"{store.location} is empty: run `ledger db init`")
    if rev not in KNOWN_REVISIONS:
        raise SchemaMismatch(
            f"{store.location} was upgraded by a newer ledger (schema {rev}); upgrade ledger"
        )
    head = script_directory().get_current_head()
    if target == "head" and rev == head:
        return UpgradeResult(rev, rev, None)
    backup_path = None
    if store.is_sqlite:
        assert store.path is not None
        stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
        backup_path = store.path.with_name(f"{store.path.name}.{rev}.{stamp}.bak")
        backup(store, backup_path)
    migrate_to(store, target)
    with store.read() as conn:
        after = current_revision(conn)
    return UpgradeResult(rev, str(after), backup_path)


def downgrade(store: Store, target: str) -> None:
    migrate_to(store, target, downgrade=True)


def backup(store: Store, dest: Path) -> Path:
    """A consistent online copy, written beside DEST, verified, then moved into place."""
    dest = Path(dest).expanduser().resolve()
    fs.refuse_sqlite_sidecar(dest)
    if dest.exists():
        raise LedgerError(f"{dest} already exists; backup never overwrites a file")
    if not dest.parent.is_dir():
        raise LedgerError(f"folder {dest.parent} does not exist")
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    try:
        if store.is_sqlite:
            with store.raw_connection() as conn:
                source = dbapi(conn)
                try:
                    target = sqlite3.connect(tmp)
                    try:
                        source.backup(target)  # one step: a consistent snapshot, read-locked
                        ok = target.execute("PRAGMA quick_check").fetchone()[0]
                        if ok != "ok":
                            raise StorageError(f"backup copy failed its check: {ok}")
                    finally:
                        target.close()
                except sqlite3.Error as exc:  # the destination's fault, not the ledger's
                    raise StorageError(f"cannot write the backup {dest}: {exc}") from None
        else:
            copy_into_new_sqlite(store, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        try:
            os.link(tmp, dest)  # fails if the path appeared meanwhile: never overwrites
            os.unlink(tmp)
        except FileExistsError:
            raise LedgerError(f"{dest} appeared while the backup ran; not overwriting it") \
                from None
        except OSError:  # a filesystem with no hard links (some shares): check, then move
            if dest.exists():
                raise LedgerError(f"{dest} appeared while the backup ran; not overwriting it") \
                    from None
            os.replace(tmp, dest)
    finally:
        if tmp.exists():
            tmp.unlink()
    return dest


def copy_into_new_sqlite(src: Store, path: Path) -> None:
    dst = Store(str(path), create=True)
    try:
        copy_ledger(src, dst)
    finally:
        dst.dispose()


def copy_ledger(src: Store, dst: Store,
                then: Callable[[Connection], None] | None = None) -> dict[str, int]:
    """Copy every row of SRC into a new ledger at DST, in one snapshot and one transaction
    (``then`` adds to the copy inside that transaction)."""
    with src.read() as sconn:
        ensure_current(sconn, src.location)
    refuse_non_empty(dst, "copy")
    counts: dict[str, int] = {}
    with src.engine.connect() as sconn:
        if not src.is_sqlite:
            sconn = sconn.execution_options(isolation_level="REPEATABLE READ")

        def rows_into(dconn: Connection) -> None:
            for table in TABLES_IN_LOAD_ORDER:  # a batch at a time: memory stays flat
                order = list(table.primary_key.columns)
                result = sconn.execute(select(table).order_by(*order).execution_options(
                    stream_results=True, yield_per=audit_check.CHECK_BATCH)).mappings()
                counts[table.name] = 0
                for batch in result.partitions():
                    dconn.execute(table.insert(), [dict(r) for r in batch])
                    counts[table.name] += len(batch)
            if not dst.is_sqlite:
                reset_sequences(dconn)
            if then is not None:
                then(dconn)

        with sconn.begin():  # schema and rows in one transaction: all or nothing
            migrate_to(dst, "head", then=rows_into)
    return counts


def reset_sequences(conn: Connection) -> None:
    """After inserting explicit ids on PostgreSQL, move each serial past the largest id."""
    for table in TABLES_IN_LOAD_ORDER:
        if "id" in table.c and table.c.id.autoincrement is not False:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )


@dataclass
class Status:
    """``db status``, in the JSON vocabulary (docs/json.md)."""

    location: str
    backend: str
    schema_revision: str | None
    expected_revision: str
    state: str  # current | older | newer | not a ledger
    journal_mode: str | None
    filesystem: str | None
    network: bool
    size_bytes: int | None
    sqlite_version: str | None
    rows: dict[str, int] = field(default_factory=dict)


def _state(rev: str | None) -> str:
    if rev == SCHEMA_HEAD:
        return "current"
    if rev is None:
        return "not a ledger"
    return "older" if rev in KNOWN_REVISIONS else "newer"


def status(store: Store) -> Status:
    from ledger.store import fs

    with store.read() as conn:
        rev = current_revision(conn)
        counts: dict[str, int] = {}
        if rev == SCHEMA_HEAD:
            for table in TABLES_IN_LOAD_ORDER:
                counts[table.name] = int(
                    conn.execute(select(func.count()).select_from(table)).scalar_one()
                )
    return Status(
        location=store.location,
        backend=store.dialect,
        schema_revision=rev,
        expected_revision=SCHEMA_HEAD,
        state=_state(rev),
        journal_mode=store.journal_mode(),
        filesystem=fs.filesystem_type(store.path) if store.path else None,
        network=store.network,
        size_bytes=store.path.stat().st_size if store.path else None,
        sqlite_version=sqlite3.sqlite_version if store.is_sqlite else None,
        rows=counts,
    )


def check(store: Store, *, full: bool = True, anchor: audit.Head | None = None) -> list[str]:
    """Every problem found: storage integrity, foreign keys, schema drift, audit chain (and,
    with an ``anchor``, whether the history still holds that head)."""
    problems: list[str] = []
    if store.is_sqlite:
        with store.raw_connection() as conn:
            pragma = "integrity_check" if full else "quick_check"
            rows = dbapi(conn).execute(f"PRAGMA {pragma}").fetchall()
            if [r[0] for r in rows] != ["ok"]:
                problems += [f"integrity: {r[0]}" for r in rows]
            for table, rowid, parent, _fk in dbapi(conn).execute(
                "PRAGMA foreign_key_check"
            ).fetchall():
                problems.append(f"foreign key: {table} row {rowid} points at a missing {parent}")
    with store.read() as conn:
        try:
            ensure_current(conn, store.location)
        except SchemaMismatch as exc:
            return [*problems, str(exc)]
        problems += [f"schema: {d}" for d in schema_drift(conn)]
        problems += [f"audit: {p}" for p in audit_check.verify(conn, anchor)]
    return problems


def schema_drift(conn: Connection) -> list[str]:
    """Differences between the database and the models, as Alembic autogenerate sees them."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    ctx = MigrationContext.configure(conn, opts={"compare_type": True})
    diffs = compare_metadata(ctx, metadata)
    return [_describe(d) for d in diffs]


def _describe(diff: Any) -> str:
    if isinstance(diff, tuple):
        kind = diff[0]
        rest = [getattr(x, "name", None) or str(x) for x in diff[1:3]]
        return f"{kind} {' '.join(str(r) for r in rest)}".strip()
    return "; ".join(_describe(d) for d in diff)
