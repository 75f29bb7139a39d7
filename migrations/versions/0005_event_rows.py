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
    op.create_table(
        "event_row",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("k", sa.String(length=80), nullable=False),
        sa.Column("fp", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "k", name=op.f("pk_event_row")),
    )


def downgrade() -> None:
    op.drop_table("event_row")
