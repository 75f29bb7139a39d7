"""signed history: analysts' public keys, and a signature beside each event (outside its hash,
so every existing chain stays as it was)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 23:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from ledger.store.types import UTCDateTime

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analyst_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("analyst_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime()),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_analyst_key"),
        sa.ForeignKeyConstraint(["analyst_id"], ["analyst.id"],
                                name="fk_analyst_key_analyst_id_analyst"),
        sa.UniqueConstraint("public_key", name="uq_analyst_key_public_key"),
    )
    op.create_index("ix_analyst_key_analyst_id", "analyst_key", ["analyst_id"])
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("signature", sa.String(120)))


def downgrade() -> None:
    with op.batch_alter_table("event") as batch:
        batch.drop_column("signature")
    op.drop_index("ix_analyst_key_analyst_id", table_name="analyst_key")
    op.drop_table("analyst_key")
