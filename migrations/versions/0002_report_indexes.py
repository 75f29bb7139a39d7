"""indexes for scorecards: standing forecasts per (claim, analyst) in time order, covering
the as-of filter; current resolutions per claim

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 19:45:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("forecast", schema=None) as batch_op:
        batch_op.create_index(
            "ix_forecast_claim_analyst_made", ["claim_id", "analyst_id", "made_on", "recorded_at"],
            unique=False,
        )
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.create_index(
            "ix_resolution_claim_superseded", ["claim_id", "superseded_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("resolution", schema=None) as batch_op:
        batch_op.drop_index("ix_resolution_claim_superseded")
    with op.batch_alter_table("forecast", schema=None) as batch_op:
        batch_op.drop_index("ix_forecast_claim_analyst_made")
