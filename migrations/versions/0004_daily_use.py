"""daily use: forecast retractions, analysts' e-mail addresses, the keys of merged claims, and
the log of reminders sent

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:30:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ledger.store.types

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("analyst", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
    with op.batch_alter_table("forecast", schema=None) as batch_op:
        batch_op.add_column(sa.Column("retracted_at", ledger.store.types.UTCDateTime(
            timezone=True), nullable=True))
        batch_op.add_column(sa.Column("retracted_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("retracted_note", sa.Text(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_forecast_retracted_by_analyst"), "analyst",
                                    ["retracted_by"], ["id"])
        batch_op.create_check_constraint(
            "retraction_recorded", "(retracted_at IS NULL) = (retracted_by IS NULL)")
    op.create_table(
        "claim_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", ledger.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"],
                                name=op.f("fk_claim_alias_claim_id_claim")),
        sa.ForeignKeyConstraint(["recorded_by"], ["analyst.id"],
                                name=op.f("fk_claim_alias_recorded_by_analyst")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_alias")),
        sa.UniqueConstraint("key", name=op.f("uq_claim_alias_key")),
    )
    with op.batch_alter_table("claim_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_alias_claim_id"), ["claim_id"], unique=False)
    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("analyst_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_at", ledger.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["analyst_id"], ["analyst.id"],
                                name=op.f("fk_reminder_analyst_id_analyst")),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"],
                                name=op.f("fk_reminder_claim_id_claim")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint("analyst_id", "claim_id", "sent_on",
                            name="uq_reminder_once_a_day"),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_claim_id"), ["claim_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_claim_id"))
    op.drop_table("reminder")
    with op.batch_alter_table("claim_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_alias_claim_id"))
    op.drop_table("claim_alias")
    with op.batch_alter_table("forecast", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_forecast_retraction_recorded"), type_="check")
        batch_op.drop_constraint(op.f("fk_forecast_retracted_by_analyst"), type_="foreignkey")
        batch_op.drop_column("retracted_note")
        batch_op.drop_column("retracted_by")
        batch_op.drop_column("retracted_at")
    with op.batch_alter_table("analyst", schema=None) as batch_op:
        batch_op.drop_column("email")
