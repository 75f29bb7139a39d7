"""One engine per process, the SQLite connection rules, and the two kinds of transaction.

Writes begin with ``BEGIN IMMEDIATE`` on SQLite (and take one advisory lock on PostgreSQL) so
that a writer waits for the lock up front instead of failing half-way; reads take no write
lock. Every SQLite connection gets ``foreign_keys=ON``, ``synchronous=FULL`` and a busy timeout.
"""

from __future__ import annotations

import math
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from ledger.errors import LedgerError, SchemaMismatch, StorageBusy, StorageError, UsageError
from ledger.store import fs
from ledger.store.signing import SIGNER

APPLICATION_ID = 0x4C454447  # "LEDG": marks a SQLite file as a ledger
PG_WRITE_LOCK = 0x4C454447  # advisory lock key that serializes writers on PostgreSQL
DEFAULT_WAIT_LOCAL = 10.0
DEFAULT_WAIT_NETWORK = 30.0


def is_url(target: str) -> bool:
    return "://" in target


def normalize_url(url: str) -> str:
    """Point plain ``postgresql://`` URLs at psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


#: The longest lock wait accepted (a day): beyond it a wait is a mistake, not a budget.
MAX_WAIT = 86_400.0


def check_wait(value: float, what: str = "--wait") -> float:
    """A lock wait in seconds: a finite number from 0 to a day."""
    if not math.isfinite(value) or not 0 <= value <= MAX_WAIT:
        raise UsageError(f"{what} must be a number of seconds from 0 to {MAX_WAIT:g}, not "
                         f"{value!r}")
    return value


def mask(url: str) -> str:
    """A URL fit for a message: any password replaced."""
    return re.sub(r"://([^:/@]*):[^@/]*@", r"://\1:***@", url)


def wait_budget(network: bool) -> float:
    """Seconds a writer waits for the lock: ``LEDGER_BUSY_TIMEOUT`` or 10 s (30 s on a share)."""
    from ledger.config import env

    raw = env("LEDGER_BUSY_TIMEOUT")
    if raw:
        try:
            value = float(raw)
        except ValueError:
            raise UsageError(
                f"LEDGER_BUSY_TIMEOUT must be a number of seconds, not {raw!r}"
            ) from None
        return check_wait(value, "LEDGER_BUSY_TIMEOUT")
    return DEFAULT_WAIT_NETWORK if network else DEFAULT_WAIT_LOCAL


def dbapi(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy one (for backup, pragmas, bulk cursors)."""
    raw = conn.connection.driver_connection
    if not isinstance(raw, sqlite3.Connection):
        raise StorageError("this operation needs a SQLite ledger")
    return raw


def begin_immediate(dbapi: sqlite3.Connection, wait: float) -> None:
    """Take the write lock, polling every few milliseconds until ``wait`` runs out.

    SQLite's own busy handler backs off to 100 ms sleeps, so with several writers a waiting
    one keeps missing the short gaps between others' transactions. Polling with a small random
    pause is fairer and cuts the tail latency; the busy timeout still covers COMMIT.
    """
    import random
    import time

    deadline = time.monotonic() + wait
    dbapi.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                dbapi.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                busy = getattr(exc, "sqlite_errorname", "").startswith("SQLITE_BUSY")
                if not busy or time.monotonic() >= deadline:
                    raise
                time.sleep(random.uniform(0.0005, 0.004))
    finally:
        dbapi.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")


#: The execution option a write carries when it may add the analysts it names.
NEW_ANALYSTS = "ledger_new_analysts"


class Store:
    """A ledger location (SQLite path or PostgreSQL URL) and its engine."""

    def __init__(self, target: str, *, create: bool = False, wait: float | None = None) -> None:
        self.target = target
        #: whether a change may add the analysts it names (``ledger.ops.lookup.analyst_id``)
        self.new_analysts = False
        #: the actor's private key, when they have one here (``ledger.store.signing``)
        self.signer: Any = None
        self.path: Path | None = None
        self.network = False
        if is_url(target):
            url = normalize_url(target)
            if url.startswith("sqlite:///"):
                self.path = Path(url[len("sqlite:///") :]).expanduser().resolve()
            elif not url.startswith("postgresql"):
                raise StorageError(
                    f"unsupported database URL {target!r}: use a file path or postgresql://..."
                )
        else:
            self.path = Path(target).expanduser().resolve()
        if self.path is not None:
            self.network = fs.is_network(self.path)
            if not create and not self.path.exists():
                raise StorageError(
                    f"no ledger at {self.path}: run `ledger db init` to create one "
                    "(or pass --db / set LEDGER_DB)"
                )
            if self.path.exists() and self.path.is_dir():
                raise StorageError(f"{self.path} is a directory, not a ledger file")
        self.wait = wait_budget(self.network) if wait is None else check_wait(wait)
        try:
            self.engine = self._make_engine(url if self.path is None else None, create)
        except (ArgumentError, ValueError, ImportError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise UsageError(f"cannot use the database URL {mask(target)}: {first} (use "
                             "postgresql://user@host:port/database)") from None

    # -- engine -----------------------------------------------------------------------------
    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def location(self) -> str:
        if self.path is not None:
            return str(self.path)
        return self.engine.url.render_as_string(hide_password=True)

    def _make_engine(self, url: str | None, create: bool) -> Engine:
        if url is not None:
            ms = int(self.wait * 1000)
            engine = create_engine(
                url,
                poolclass=NullPool,
                connect_args={"options": f"-c lock_timeout={ms} -c TimeZone=UTC"},
            )

            @event.listens_for(engine, "begin")
            def _pg_begin(conn: Connection) -> None:
                if conn.get_execution_options().get("ledger_write"):
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})")

            return engine

        assert self.path is not None
        path, wait = self.path, self.wait
        mode = "rwc" if create else "rw"

        def connect() -> sqlite3.Connection:
            from urllib.parse import quote

            conn = sqlite3.connect(
                f"file:{quote(str(path))}?mode={mode}",
                uri=True,
                timeout=wait,
                isolation_level=None,  # we emit BEGIN ourselves
                check_same_thread=False,
            )
            conn.execute(f"PRAGMA busy_timeout={int(wait * 1000)}")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=FULL")
            return conn

        engine = create_engine("sqlite://", creator=connect, poolclass=NullPool)

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            if conn.get_execution_options().get("ledger_write"):
                begin_immediate(dbapi(conn), wait)
            else:
                conn.exec_driver_sql("BEGIN DEFERRED")

        return engine

    def dispose(self) -> None:
        self.engine.dispose()

    # -- transactions -----------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A short read transaction: no write lock."""
        with self._errors(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """One read transaction for everything one report reads, so every part of it sees the
        ledger at one moment: on SQLite a deferred transaction (its first read fixes what it
        sees until it ends), on PostgreSQL ``REPEATABLE READ`` (one snapshot for every
        statement, not one per statement)."""
        with self._errors(), self.engine.connect() as conn:
            if not self.is_sqlite:
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: the whole change or nothing."""
        options = {"ledger_write": True, NEW_ANALYSTS: self.new_analysts,
                   SIGNER: self.signer}
        with (self._errors(), self.engine.connect().execution_options(**options) as conn,
              conn.begin()):
            yield conn

    @contextmanager
    def raw_connection(self, *, foreign_keys: bool = True) -> Iterator[Connection]:
        """A connection with no transaction open; ``foreign_keys=False`` for batch migrations."""
        with self._errors(), self.engine.connect() as conn:
            if self.is_sqlite and not foreign_keys:
                self.pragma(conn, "PRAGMA foreign_keys=OFF")
            yield conn

    def pragma(self, conn: Connection, statement: str) -> Any:
        """Run a pragma on the driver connection, outside any transaction (where it must run)."""
        cur = dbapi(conn).execute(statement)
        row = cur.fetchone()
        cur.close()
        return None if row is None else row[0]

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except OperationalError as exc:
            raise self.translate(exc) from exc
        except sqlite3.OperationalError as exc:  # raised by our own BEGIN IMMEDIATE loop
            raise self.translate(exc) from exc
        except DBAPIError as exc:  # integrity, data and corruption errors: one sentence each
            raise self.translate(exc) from exc
        except sqlite3.DatabaseError as exc:  # from our own driver-level calls
            raise self.translate(exc) from exc
        except (ValueError, OverflowError) as exc:
            if isinstance(exc, LedgerError):
                raise
            # a stored value the column types cannot read back: written behind the tool's back
            raise StorageError(f"{self.location} holds a value this tool cannot read ({exc}); "
                               "run `ledger db check`") from exc

    def translate(self, exc: Exception) -> Exception:
        """Turn a driver error into one sentence the user can act on."""
        orig: Any = getattr(exc, "orig", exc)
        msg = str(orig).strip().splitlines()[0] if orig is not None else str(exc)
        if self.is_sqlite:
            name = getattr(orig, "sqlite_errorname", "")
            if name.startswith("SQLITE_BUSY") or "database is locked" in msg:
                who = fs.holders(self.path) if self.path else []
                held = f" Held by: {', '.join(who)}." if who else ""
                return StorageBusy(
                    f"the ledger file {self.path} stayed locked by another writer for "
                    f"{self.wait:g} s.{held} Try again, or wait longer with "
                    "LEDGER_BUSY_TIMEOUT=SECONDS."
                )
            if name == "SQLITE_NOTADB" or "file is not a database" in msg:
                return SchemaMismatch(f"{self.path} is not a ledger: it is not a SQLite database")
            if "unable to open database" in msg or name == "SQLITE_CANTOPEN":
                return StorageError(f"cannot open {self.path}: check the path and permissions")
            if "readonly" in msg:
                return StorageError(f"cannot write {self.path}: the file or folder is read-only")
            return StorageError(f"storage error on {self.path}: {msg}")
        code = getattr(orig, "sqlstate", None)
        if code == "55P03":
            return StorageBusy(
                f"another writer held the ledger lock for {self.wait:g} s; try again, "
                "or wait longer with LEDGER_BUSY_TIMEOUT=SECONDS"
            )
        if code == "3D000" or "does not exist" in msg:
            return StorageError(f"cannot open {self.location}: {msg}")
        return StorageError(f"storage error on {self.location}: {msg}")

    # -- SQLite journal ---------------------------------------------------------------------
    def journal_mode(self) -> str | None:
        if not self.is_sqlite:
            return None
        with self.raw_connection() as conn:
            return str(self.pragma(conn, "PRAGMA journal_mode")).lower()

    def check_journal(self) -> str | None:
        """Refuse a WAL file on a network share; a warning (for the caller to show) that the
        file is on one."""
        if not self.is_sqlite or not self.network:
            return None
        if self.journal_mode() == "wal":
            raise StorageError(
                f"{self.path} is in WAL mode, which is unsafe on a network share: ask everyone "
                "to close ledger, then run `ledger db journal delete`"
            )
        if os.environ.get("LEDGER_QUIET_NETWORK_WARNING"):
            return None
        return (
            f"{self.path} is on a network filesystem; ledger uses the rollback journal "
            "here, but file locking on shares can fail. See README, 'Sharing a ledger file'."
        )

    def set_journal(self, mode: str) -> str:
        mode = mode.lower()
        if mode not in ("delete", "wal"):
            raise StorageError("journal mode must be 'delete' or 'wal'")
        if not self.is_sqlite:
            raise StorageError("journal modes apply to SQLite files only")
        if mode == "wal" and self.network:
            raise StorageError(
                f"refusing WAL for {self.path}: WAL does not work on a network filesystem"
            )
        with self.raw_connection() as conn:
            got = str(self.pragma(conn, f"PRAGMA journal_mode={mode}")).lower()
        if got != mode:
            raise StorageError(
                f"could not switch {self.path} to {mode} (still {got}): another process has the "
                "file open; ask everyone to close ledger and try again"
            )
        return got
