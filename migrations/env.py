"""Alembic environment. ``ledger db init|upgrade`` hands over a connection that is already
inside one write transaction, so the whole upgrade commits or rolls back as a unit.

Developers can also run ``alembic`` directly (``alembic -c migrations/alembic.ini revision
--autogenerate -m "..."``) with ``LEDGER_DB`` pointing at a scratch ledger at head.
"""

from __future__ import annotations

import os

from alembic import context

from ledger.store.tables import metadata

config = context.config
connection = config.attributes.get("connection")


def run(conn) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=conn,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        user_module_prefix="ledger.store.types.",
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    from ledger.store.engine import Store

    store = Store(os.environ.get("LEDGER_DB", "ledger.db"))
    with store.write() as conn:
        run(conn)
