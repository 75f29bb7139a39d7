"""the per-pair forecast index covers what a scorecard reads of a forecast, so a report reads
each claim's forecasts in one sweep of the index instead of a table lookup per forecast; the
claim-only index goes (the pair index leads with the claim, and a planner offered both, with
statistics for the narrow one only, picked it and read every row)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 01:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = ["claim_id", "analyst_id", "made_on", "recorded_at"]
#: what ``ledger.scorecard.query.segments`` reads of a forecast besides its key (the id is the
#: row's own on SQLite)
COVERED = ["probability", "mapped", "band_lo", "band_hi", "phrase", "vague", "retracted_at"]


def upgrade() -> None:
    op.drop_index("ix_forecast_claim_analyst_made", table_name="forecast")
    op.drop_index("ix_forecast_claim_id", table_name="forecast")
    op.create_index("ix_forecast_pair_covering", "forecast", KEY + COVERED, unique=False)


def downgrade() -> None:
    op.drop_index("ix_forecast_pair_covering", table_name="forecast")
    op.create_index("ix_forecast_claim_id", "forecast", ["claim_id"], unique=False)
    op.create_index("ix_forecast_claim_analyst_made", "forecast", KEY, unique=False)
