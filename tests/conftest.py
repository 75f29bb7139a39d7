"""Fixtures: every test gets its own ledger, on SQLite and (when configured) on PostgreSQL.

No test touches a real ledger: LEDGER_DB points into the test's temporary folder. PostgreSQL
tests read LEDGER_TEST_PG_URL, create a throwaway database per test and drop it afterwards;
without the variable they are skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import settings

from helpers import Ledger

# CI runs the same generated examples every time and never fails on timing alone; locally the
# examples vary from run to run.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

PG_URL = os.environ.get("LEDGER_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEDGER_DB", str(tmp_path / "unused-default.db"))
    monkeypatch.setenv("LEDGER_USER", "tester")
    monkeypatch.setenv("LEDGER_QUIET_NETWORK_WARNING", "1")
    # no one's own configuration file, and one zone for "today" and the text timestamps
    monkeypatch.setenv("LEDGER_CONFIG", str(tmp_path / "no-such-config.toml"))
    monkeypatch.setenv("LEDGER_TZ", "UTC")
    for var in ("LEDGER_BUSY_TIMEOUT", "LEDGER_ASSUME_NETWORK_FS", "LEDGER_DEBUG",
                "LEDGER_PHRASES", "LEDGER_PAGER", "LEDGER_SMTP_HOST", "LEDGER_SMTP_PORT",
                "LEDGER_SMTP_FROM", "LEDGER_SMTP_STARTTLS", "LEDGER_SMTP_USER",
                "LEDGER_SMTP_PASSWORD", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)


def _pg_admin():
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(PG_URL)
    return url, psycopg.connect(
        host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres",
        password=url.password, dbname=url.database or "postgres", autocommit=True,
    )


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database; dropped after the test."""
    if not PG_URL:
        if os.environ.get("LEDGER_REQUIRE_PG"):
            pytest.fail("LEDGER_REQUIRE_PG is set but LEDGER_TEST_PG_URL is not")
        pytest.skip("LEDGER_TEST_PG_URL is not set")
    url, admin = _pg_admin()
    name = f"ledger_t_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def target(backend, tmp_path, request) -> str:
    """Where a test's ledger lives (not yet created): a file path or a PostgreSQL URL."""
    if backend == "sqlite":
        return str(tmp_path / "ledger.db")
    return request.getfixturevalue("pg_database")


@pytest.fixture
def ledger(target) -> Ledger:
    """An initialised, empty ledger with a CLI runner bound to it."""
    lg = Ledger(target)
    lg.ok("db", "init")
    return lg
