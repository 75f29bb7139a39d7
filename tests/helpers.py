"""Test helpers: run the real CLI against one ledger; take snapshots to prove nothing changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from ledger.cli import app

TABLES = ("analyst", "analyst_key", "source", "source_author", "claim", "claim_tag", "forecast",
          "evidence",
          "resolution", "resolution_evidence", "resolution_reading", "setting", "claim_alias",
          "reminder", "event", "event_row",
          "alembic_version")


def ledger_exe() -> str:
    """The installed console script next to this interpreter."""
    exe = Path(sys.executable).with_name("ledger")
    return str(exe) if exe.exists() else shutil.which("ledger") or "ledger"


class Ledger:
    """The CLI bound to one ledger. Tests about other things may name new analysts on the fly
    (``--new-analyst``, as a script would); ``strict_names`` runs without it, as a person
    typing does, so an unknown name is refused."""

    def __init__(self, target: str, *, strict_names: bool = False) -> None:
        self.target = target
        self.runner = CliRunner()
        self.new = [] if strict_names else ["--new-analyst"]

    @property
    def is_sqlite(self) -> bool:
        return "://" not in self.target

    def run(self, *args: str, user: str | None = None, input: str | None = None,
            env: dict[str, str] | None = None) -> Result:
        pre = ["--db", self.target, *self.new] + (["--as", user] if user else [])
        return self.runner.invoke(app, [*pre, *args], input=input, env=env)

    def ok(self, *args: str, **kw: Any) -> Result:
        res = self.run(*args, **kw)
        assert res.exit_code == 0, (args, res.exit_code, res.stdout, res.stderr)
        return res

    def json(self, *args: str, **kw: Any) -> Any:
        return json.loads(self.ok(*args, "--format", "json", **kw).stdout)

    def proc(self, *args: str, user: str | None = None, timeout: float = 120,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """The installed CLI in a real subprocess."""
        pre = ["--db", self.target, *self.new] + (["--as", user] if user else [])
        full_env = {**os.environ, **(env or {})}
        return subprocess.run([ledger_exe(), *pre, *args], capture_output=True, text=True,
                              timeout=timeout, env=full_env)

    def snapshot(self) -> Any:
        """Bytes of a SQLite file, or every row of every table on PostgreSQL."""
        if self.is_sqlite:
            p = Path(self.target)
            return p.read_bytes() if p.exists() else None
        return rows(self.target)


def rows(target: str) -> dict[str, list[tuple]]:
    """Every row of every ledger table, in a stable order."""
    from sqlalchemy import create_engine, inspect, text

    url = target if "://" in target else f"sqlite:///{target}"
    eng = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    out: dict[str, list[tuple]] = {}
    try:
        with eng.connect() as conn:
            present = set(inspect(conn).get_table_names())
            for t in TABLES:
                if t in present:
                    out[t] = sorted(
                        tuple(map(repr, r)) for r in conn.execute(text(f"SELECT * FROM {t}"))
                    )
    finally:
        eng.dispose()
    return out


def sql(target: str, statement: str, **params: Any) -> list[tuple]:
    """Run SQL behind the tool's back (as another program would)."""
    from sqlalchemy import create_engine, text

    url = target if "://" in target else f"sqlite:///{target}"
    eng = create_engine(url)
    try:
        with eng.begin() as conn:
            res = conn.execute(text(statement), params)
            return [tuple(r) for r in res] if res.returns_rows else []
    finally:
        eng.dispose()


def one_line_error(res: Any) -> str:
    """The refusal message: exactly one line on stderr, no traceback, nothing on stdout."""
    err = res.stderr if hasattr(res, "stderr") else ""
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


def ledger_columns(target: str) -> dict[str, list[str]]:
    """The ledger tables and columns this database has (an older schema has fewer)."""
    from sqlalchemy import inspect

    from ledger.store.engine import Store
    from ledger.store.tables import TABLES_IN_LOAD_ORDER

    store = Store(target)
    try:
        with store.read() as conn:
            insp = inspect(conn)
            have = set(insp.get_table_names())
            return {t.name: [c["name"] for c in insp.get_columns(t.name)]
                    for t in TABLES_IN_LOAD_ORDER if t.name in have}
    finally:
        store.dispose()


def typed_rows(target: str, columns: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Every ledger row read through the ledger's own column types: comparable across backends
    (only the given tables and columns, by default those the database has)."""
    from sqlalchemy import select

    from ledger.core.jsonenc import canonical
    from ledger.store.engine import Store
    from ledger.store.tables import metadata

    columns = columns or ledger_columns(target)
    store = Store(target)
    out: dict[str, list[str]] = {}
    try:
        with store.read() as conn:
            for name, cols in columns.items():
                table = metadata.tables[name]
                q = select(*(table.c[c] for c in cols)).order_by(*table.primary_key.columns)
                out[name] = [canonical(dict(r)) for r in conn.execute(q).mappings()]
    finally:
        store.dispose()
    return out


def rehash_chain(conn: Any, start: int = 1) -> None:
    """Recompute every event hash from event ``start`` on (to simulate an older ledger, or an
    attacker covering their tracks)."""
    from sqlalchemy import select, update

    from ledger.core.jsonenc import canonical
    from ledger.store import audit
    from ledger.store.tables import EVENT

    prev = audit.GENESIS
    hashed = ("id", "at", "actor", "action", "entity", "entity_id", "claim_id", "before",
              "after", "hash")  # what the hash covers: there in every schema
    for row in conn.execute(select(*(EVENT.c[c] for c in hashed)).order_by(EVENT.c.id)
                            ).mappings():
        ev = dict(row)
        if ev["id"] >= start:
            ev["at"] = json.loads(canonical(ev["at"]))
            new = audit.event_hash(prev, ev)
            conn.execute(update(EVENT).where(EVENT.c.id == ev["id"]).values(
                prev_hash=prev, hash=new))
            prev = new
        else:
            prev = ev["hash"]
