"""hindsight-proof history: when a withdrawal was recorded, alternative readings of a
resolution, ledger settings (the grace period); source authors audited in their order

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 08:00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ledger.store.types

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resolution_reading",
        sa.Column("resolution_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.CheckConstraint("length(note) > 0", name=op.f("ck_resolution_reading_note_not_empty")),
        sa.CheckConstraint("outcome IN ('true', 'false', 'ambiguous', 'annulled')",
                           name=op.f("ck_resolution_reading_outcome_known")),
        sa.ForeignKeyConstraint(["resolution_id"], ["resolution.id"],
                                name=op.f("fk_resolution_reading_resolution_id_resolution")),
        sa.PrimaryKeyConstraint("resolution_id", "position", name=op.f("pk_resolution_reading")),
    )
    op.create_table(
        "setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", ledger.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by"], ["analyst.id"],
                                name=op.f("fk_setting_recorded_by_analyst")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_setting")),
    )
    with op.batch_alter_table("setting", schema=None) as batch_op:
        batch_op.create_index("ix_setting_name_recorded", ["name", "recorded_at"], unique=False)
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", ledger.store.types.UTCDateTime(
            timezone=True), nullable=True))
    # A withdrawal was recorded by its event (or, imported, with its claim).
    op.execute("""
UPDATE claim SET withdrawn_at = COALESCE(
  (SELECT MAX(e.at) FROM event e WHERE e.action = 'claim.withdraw' AND e.claim_id = claim.id),
  recorded_at)
WHERE withdrawn_on IS NOT NULL""")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "withdrawal_recorded", "(withdrawn_on IS NULL) = (withdrawn_at IS NULL)")
    _record_changed_rows()


def _record_changed_rows() -> None:
    """One event with the new state of every row whose audited state this upgrade changed:
    withdrawn claims (their recorded time) and sources with several authors (now in order)."""
    from ledger.store import audit

    conn = op.get_bind()
    claims = [r[0] for r in conn.execute(sa.text(
        "SELECT id FROM claim WHERE withdrawn_on IS NOT NULL"))]
    sources = [r[0] for r in conn.execute(sa.text(
        "SELECT source_id FROM source_author GROUP BY source_id HAVING COUNT(*) > 1"))]
    if not claims and not sources:
        return
    after = {**audit.states(conn, "claim", claims), **audit.states(conn, "source", sources)}
    audit.append(conn, actor="ledger", action="db.upgrade", entity="ledger", entity_id=None,
                 claim_id=None, before=None, after={"schema": "0003", **after})


def downgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_claim_withdrawal_recorded"), type_="check")
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("setting", schema=None) as batch_op:
        batch_op.drop_index("ix_setting_name_recorded")
    op.drop_table("setting")
    op.drop_table("resolution_reading")
