"""The domain tables. Rules that must hold whoever writes the file live here as constraints.

Changes go through Core statements over these tables (see ``ledger.ops``) so that every write
can capture the row before and after for the audit chain, and bulk loads stay fast.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ledger.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

OUTCOMES = ("true", "false", "ambiguous", "annulled")
STANCES = ("supports", "refutes", "context")
DUE_BASES = ("stated", "inferred", "assigned")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Analyst(Base):
    __tablename__ = "analyst"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    affiliation: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)


class Source(Base):
    __tablename__ = "source"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(Text)
    published_on: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("analyst.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (CheckConstraint("length(key) > 0", name="key_not_empty"),)


class SourceAuthor(Base):
    __tablename__ = "source_author"
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"), primary_key=True)
    analyst_id: Mapped[int] = mapped_column(ForeignKey("analyst.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Claim(Base):
    __tablename__ = "claim"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    statement: Mapped[str] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("analyst.id"), index=True)
    subject: Mapped[str | None] = mapped_column(String(200), index=True)
    made_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    due_basis: Mapped[str] = mapped_column(String(16))
    due_note: Mapped[str | None] = mapped_column(Text)
    criteria: Mapped[str | None] = mapped_column(Text)
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawn_note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("analyst.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (
        CheckConstraint("length(key) > 0", name="key_not_empty"),
        CheckConstraint("length(statement) > 0", name="statement_not_empty"),
        CheckConstraint("due_on >= made_on", name="due_not_before_made"),
        CheckConstraint(_in("due_basis", DUE_BASES), name="due_basis_known"),
        CheckConstraint(
            "withdrawn_on IS NULL OR withdrawn_on >= made_on", name="withdrawn_after_made"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
    )


class ClaimTag(Base):
    __tablename__ = "claim_tag"
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    __table_args__ = (CheckConstraint("length(tag) > 0", name="tag_not_empty"),)


class Forecast(Base):
    __tablename__ = "forecast"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    analyst_id: Mapped[int] = mapped_column(ForeignKey("analyst.id"), index=True)
    made_on: Mapped[date] = mapped_column(Date)
    probability: Mapped[float] = mapped_column(Float)
    given: Mapped[str] = mapped_column(String(200))
    mapped: Mapped[bool] = mapped_column(Boolean, default=False)
    phrase: Mapped[str | None] = mapped_column(String(200))
    band_lo: Mapped[float | None] = mapped_column(Float)
    band_hi: Mapped[float | None] = mapped_column(Float)
    vague: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("analyst.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        CheckConstraint("probability >= 0 AND probability <= 1", name="probability_range"),
        CheckConstraint(
            "(band_lo IS NULL AND band_hi IS NULL) OR "
            "(band_lo >= 0 AND band_lo <= probability AND probability <= band_hi AND band_hi <= 1)",
            name="band_around_probability",
        ),
        CheckConstraint("NOT mapped OR phrase IS NOT NULL", name="mapped_has_phrase"),
        Index("ix_forecast_claim_analyst_made", "claim_id", "analyst_id", "made_on", "recorded_at"),
    )


class Evidence(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    summary: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    citation: Mapped[str | None] = mapped_column(Text)
    observed_on: Mapped[date] = mapped_column(Date)
    stance: Mapped[str] = mapped_column(String(16))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("analyst.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (
        CheckConstraint(_in("stance", STANCES), name="stance_known"),
        CheckConstraint("length(summary) > 0", name="summary_not_empty"),
    )


class Resolution(Base):
    """One verdict on a claim. Rows are never deleted: a revision or a reopen supersedes."""

    __tablename__ = "resolution"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claim.id"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(16))
    known_on: Mapped[date] = mapped_column(Date)
    rationale: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[int] = mapped_column(ForeignKey("analyst.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    superseded_note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        UniqueConstraint("claim_id", "revision", name="uq_resolution_claim_revision"),
        CheckConstraint(_in("outcome", OUTCOMES), name="outcome_known"),
        CheckConstraint("revision >= 1", name="revision_positive"),
        Index("ix_resolution_claim_superseded", "claim_id", "superseded_at"),
    )


class ResolutionEvidence(Base):
    __tablename__ = "resolution_evidence"
    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolution.id"), primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), primary_key=True)


class Event(Base):
    """Append-only audit log. ``hash`` covers the row and the previous row's hash."""

    __tablename__ = "event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    claim_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


TABLES_IN_LOAD_ORDER = (
    "analyst",
    "source",
    "source_author",
    "claim",
    "claim_tag",
    "forecast",
    "evidence",
    "resolution",
    "resolution_evidence",
    "event",
)
