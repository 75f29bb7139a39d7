"""event rows: the fingerprints of the rows an import adds live beside its event, a row each,
instead of inside it (memory that stays flat however large the import)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 06:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("event_row"):
        return  # kept by a downgrade because it held an import's fingerprints: see downgrade()
    op.create_table(
        "event_row",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("k", sa.String(length=80), nullable=False),
        sa.Column("fp", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "k", name=op.f("pk_event_row")),
    )


def downgrade() -> None:
    # The fingerprints are part of the history: the import events that count and digest them
    # cannot be rewritten without breaking the chain, so a table that holds any is kept (older
    # code ignores it) for the next upgrade to find; only an empty one is dropped.
    held = op.get_bind().execute(sa.text("SELECT 1 FROM event_row LIMIT 1")).first()
    if held is None:
        op.drop_table("event_row")
