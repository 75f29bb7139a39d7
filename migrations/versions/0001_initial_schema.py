"""initial schema: analysts, sources, claims and tags, forecasts, evidence, resolutions, events

Revision ID: 0001
Revises: 
Create Date: 2026-11-24 19:36:52.910271
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import ledger.store.types


revision: str = '0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('analyst',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('affiliation', sa.String(length=300), nullable=True),
    sa.Column('created_at', ledger.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(name) > 0', name=op.f('ck_analyst_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_analyst')),
    sa.UniqueConstraint('name', name=op.f('uq_analyst_name'))
    )
    op.create_table('event',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', ledger.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('hash', name=op.f('uq_event_hash'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_claim_id'), ['claim_id'], unique=False)

    op.create_table('source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('outlet', sa.String(length=300), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('published_at', ledger.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', ledger.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(key) > 0', name=op.f('ck_source_key_not_empty')),
    sa.ForeignKeyConstraint(['recorded_by'], ['analyst.id'], name=op.f('fk_source_recorded_by_analyst')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_source')),
    sa.UniqueConstraint('key', name=op.f('uq_source_key'))
    )
    op.create_table('claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('quote', sa.Text(), nullable=True),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_basis', sa.String(length=16), nullable=False),
    sa.Column('due_note', sa.Text(), nullable=True),
    sa.Column('criteria', sa.Text(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('withdrawn_note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', ledger.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("due_basis IN ('stated', 'inferred', 'assigned')", name=op.f('ck_claim_due_basis_known')),
    sa.CheckConstraint('due_on >= made_on', name=op.f('ck_claim_due_not_before_made')),
    sa.CheckConstraint('length(key) > 0', name=op.f('ck_claim_key_not_empty')),
    sa.CheckConstraint('length(statement) > 0', name=op.f('ck_claim_statement_not_empty')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_claim_version_positive')),
    sa.CheckConstraint('withdrawn_on IS NULL OR withdrawn_on >= made_on', name=op.f('ck_claim_withdrawn_after_made')),
    sa.ForeignKeyConstraint(['author_id'], ['analyst.id'], name=op.f('fk_claim_author_id_analyst')),
    sa.ForeignKeyConstraint(['recorded_by'], ['analyst.id'], name=op.f('fk_claim_recorded_by_analyst')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_claim_source_id_source')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim')),
    sa.UniqueConstraint('key', name=op.f('uq_claim_key'))
    )
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_source_id'), ['source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_subject'), ['subject'], unique=False)

    op.create_table('source_author',
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('analyst_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['analyst_id'], ['analyst.id'], name=op.f('fk_source_author_analyst_id_analyst')),
    sa.ForeignKeyConstraint(['source_id'], ['source.id'], name=op.f('fk_source_author_source_id_source')),
    sa.PrimaryKeyConstraint('source_id', 'analyst_id', name=op.f('pk_source_author'))
    )
    op.create_table('claim_tag',
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=100), nullable=False),
    sa.CheckConstraint('length(tag) > 0', name=op.f('ck_claim_tag_tag_not_empty')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_claim_tag_claim_id_claim')),
    sa.PrimaryKeyConstraint('claim_id', 'tag', name=op.f('pk_claim_tag'))
    )
    with op.batch_alter_table('claim_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_tag_tag'), ['tag'], unique=False)

    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('citation', sa.Text(), nullable=True),
    sa.Column('observed_on', sa.Date(), nullable=False),
    sa.Column('stance', sa.String(length=16), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', ledger.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("stance IN ('supports', 'refutes', 'context')", name=op.f('ck_evidence_stance_known')),
    sa.CheckConstraint('length(summary) > 0', name=op.f('ck_evidence_summary_not_empty')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_evidence_claim_id_claim')),
    sa.ForeignKeyConstraint(['recorded_by'], ['analyst.id'], name=op.f('fk_evidence_recorded_by_analyst')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_claim_id'), ['claim_id'], unique=False)

    op.create_table('forecast',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('analyst_id', sa.Integer(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('given', sa.String(length=200), nullable=False),
    sa.Column('mapped', sa.Boolean(), nullable=False),
    sa.Column('phrase', sa.String(length=200), nullable=True),
    sa.Column('band_lo', sa.Float(), nullable=True),
    sa.Column('band_hi', sa.Float(), nullable=True),
    sa.Column('vague', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', ledger.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(band_lo IS NULL AND band_hi IS NULL) OR (band_lo >= 0 AND band_lo <= probability AND probability <= band_hi AND band_hi <= 1)', name=op.f('ck_forecast_band_around_probability')),
    sa.CheckConstraint('NOT mapped OR phrase IS NOT NULL', name=op.f('ck_forecast_mapped_has_phrase')),
    sa.CheckConstraint('probability >= 0 AND probability <= 1', name=op.f('ck_forecast_probability_range')),
    sa.ForeignKeyConstraint(['analyst_id'], ['analyst.id'], name=op.f('fk_forecast_analyst_id_analyst')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_forecast_claim_id_claim')),
    sa.ForeignKeyConstraint(['recorded_by'], ['analyst.id'], name=op.f('fk_forecast_recorded_by_analyst')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast'))
    )
    with op.batch_alter_table('forecast', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_analyst_id'), ['analyst_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_forecast_claim_id'), ['claim_id'], unique=False)

    op.create_table('resolution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('known_on', sa.Date(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=True),
    sa.Column('resolved_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', ledger.store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', ledger.store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('superseded_note', sa.Text(), nullable=True),
    sa.CheckConstraint("outcome IN ('true', 'false', 'ambiguous', 'annulled')", name=op.f('ck_resolution_outcome_known')),
    sa.CheckConstraint('revision >= 1', name=op.f('ck_resolution_revision_positive')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_resolution_claim_id_claim')),
    sa.ForeignKeyConstraint(['resolved_by'], ['analyst.id'], name=op.f('fk_resolution_resolved_by_analyst')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resolution')),
    sa.UniqueConstraint('claim_id', 'revision', name='uq_resolution_claim_revision')
    )
    with op.batch_alter_table('resolution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resolution_claim_id'), ['claim_id'], unique=False)

    op.create_table('resolution_evidence',
    sa.Column('resolution_id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_resolution_evidence_evidence_id_evidence')),
    sa.ForeignKeyConstraint(['resolution_id'], ['resolution.id'], name=op.f('fk_resolution_evidence_resolution_id_resolution')),
    sa.PrimaryKeyConstraint('resolution_id', 'evidence_id', name=op.f('pk_resolution_evidence'))
    )


def downgrade() -> None:
    op.drop_table('resolution_evidence')
    with op.batch_alter_table('resolution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resolution_claim_id'))

    op.drop_table('resolution')
    with op.batch_alter_table('forecast', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_claim_id'))
        batch_op.drop_index(batch_op.f('ix_forecast_analyst_id'))

    op.drop_table('forecast')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_claim_id'))

    op.drop_table('evidence')
    with op.batch_alter_table('claim_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_tag_tag'))

    op.drop_table('claim_tag')
    op.drop_table('source_author')
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_subject'))
        batch_op.drop_index(batch_op.f('ix_claim_source_id'))
        batch_op.drop_index(batch_op.f('ix_claim_due_on'))
        batch_op.drop_index(batch_op.f('ix_claim_author_id'))

    op.drop_table('claim')
    op.drop_table('source')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_claim_id'))

    op.drop_table('event')
    op.drop_table('analyst')
