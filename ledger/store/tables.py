"""The domain tables, declared with SQLAlchemy Core. Rules that must hold whoever writes the
file live here as constraints, built from the constants of ``ledger.core.rules``.

Changes go through Core statements over these tables (see ``ledger.ops``) so that every write
can capture the row before and after for the audit chain, and bulk loads stay fast. No ORM:
``sqlalchemy.orm`` is never imported, which keeps every command's start-up short.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Insert,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Connection

from ledger.core.keys import (
    EMAIL_LIMIT,
    GIVEN_LIMIT,
    KEY_LIMIT,
    NAME_LIMIT,
    OUTLET_LIMIT,
    SUBJECT_LIMIT,
    TAG_LIMIT,
)
from ledger.core.rules import DUE_BASES, OUTCOMES, STANCES, sql_in
from ledger.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


def _fk(name: str, target: str, *, index: bool = False) -> Column[int]:
    return Column(name, Integer, ForeignKey(target), nullable=False, index=index)


def _recorded(by: str = "recorded_by") -> tuple[Column[int], Column[object]]:
    return (_fk(by, "analyst.id"), Column("recorded_at", UTCDateTime, nullable=False))


ANALYST = Table(
    "analyst", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_LIMIT), nullable=False, unique=True),
    Column("affiliation", String(OUTLET_LIMIT)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("email", String(EMAIL_LIMIT)),  # where `ledger remind` writes
    CheckConstraint("length(name) > 0", name="name_not_empty"),
)

#: An analyst's public signing keys (``ledger key new``): changes they record are signed with
#: the private key, which never leaves their machine. A key signs from ``added_at`` until it is
#: revoked (``revoked_at``); its earlier signatures stay valid.
ANALYST_KEY = Table(
    "analyst_key", metadata,
    Column("id", Integer, primary_key=True),
    _fk("analyst_id", "analyst.id", index=True),
    Column("public_key", String(64), nullable=False, unique=True),  # raw Ed25519, base64
    Column("fingerprint", String(32), nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    Column("note", Text),
)

SOURCE = Table(
    "source", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(KEY_LIMIT), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("outlet", String(OUTLET_LIMIT)),
    Column("url", Text),
    Column("published_on", Date),
    Column("published_at", UTCDateTime),
    *_recorded(),
    CheckConstraint("length(key) > 0", name="key_not_empty"),
)

SOURCE_AUTHOR = Table(
    "source_author", metadata,
    Column("source_id", Integer, ForeignKey("source.id"), primary_key=True),
    Column("analyst_id", Integer, ForeignKey("analyst.id"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)

CLAIM = Table(
    "claim", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(KEY_LIMIT), nullable=False, unique=True),
    Column("statement", Text, nullable=False),
    Column("quote", Text),
    Column("source_id", Integer, ForeignKey("source.id"), index=True),
    _fk("author_id", "analyst.id", index=True),
    Column("subject", String(SUBJECT_LIMIT), index=True),
    Column("made_on", Date, nullable=False),
    Column("due_on", Date, nullable=False, index=True),
    Column("due_basis", String(16), nullable=False),
    Column("due_note", Text),
    Column("criteria", Text),
    Column("withdrawn_on", Date),
    Column("withdrawn_note", Text),
    Column("withdrawn_at", UTCDateTime),  # when the withdrawal was recorded (see hindsight)
    *_recorded(),
    Column("version", Integer, nullable=False, default=1),
    CheckConstraint("length(key) > 0", name="key_not_empty"),
    CheckConstraint("length(statement) > 0", name="statement_not_empty"),
    CheckConstraint("due_on >= made_on", name="due_not_before_made"),
    CheckConstraint(sql_in("due_basis", DUE_BASES), name="due_basis_known"),
    CheckConstraint("withdrawn_on IS NULL OR withdrawn_on >= made_on",
                    name="withdrawn_after_made"),
    CheckConstraint("version >= 1", name="version_positive"),
    CheckConstraint("(withdrawn_on IS NULL) = (withdrawn_at IS NULL)",
                    name="withdrawal_recorded"),
)

CLAIM_TAG = Table(
    "claim_tag", metadata,
    Column("claim_id", Integer, ForeignKey("claim.id"), primary_key=True),
    Column("tag", String(TAG_LIMIT), primary_key=True, index=True),
    CheckConstraint("length(tag) > 0", name="tag_not_empty"),
)

FORECAST = Table(
    "forecast", metadata,
    Column("id", Integer, primary_key=True),
    _fk("claim_id", "claim.id"),  # looked up by ix_forecast_pair_covering, which leads with it
    _fk("analyst_id", "analyst.id", index=True),
    Column("made_on", Date, nullable=False),
    Column("probability", Float, nullable=False),
    Column("given", String(GIVEN_LIMIT), nullable=False),
    Column("mapped", Boolean, nullable=False, default=False),
    Column("phrase", String(GIVEN_LIMIT)),
    Column("band_lo", Float),
    Column("band_hi", Float),
    Column("vague", Boolean, nullable=False, default=False),
    Column("note", Text),
    *_recorded(),
    # a retraction (ledger.core.corrections): within the correction window the forecast is as
    # if never made; later it stops standing on the retraction's day
    Column("retracted_at", UTCDateTime),
    Column("retracted_by", Integer, ForeignKey("analyst.id")),
    Column("retracted_note", Text),
    CheckConstraint("probability >= 0 AND probability <= 1", name="probability_range"),
    CheckConstraint("(retracted_at IS NULL) = (retracted_by IS NULL)",
                    name="retraction_recorded"),
    CheckConstraint(
        "(band_lo IS NULL AND band_hi IS NULL) OR "
        "(band_lo >= 0 AND band_lo <= probability AND probability <= band_hi AND band_hi <= 1)",
        name="band_around_probability",
    ),
    CheckConstraint("NOT mapped OR phrase IS NOT NULL", name="mapped_has_phrase"),
    # a pair's forecasts in time order, with every column a scorecard reads of them: a report
    # sweeps the index instead of looking up each forecast's row (migration 0006)
    Index("ix_forecast_pair_covering", "claim_id", "analyst_id", "made_on", "recorded_at",
          "probability", "mapped", "band_lo", "band_hi", "phrase", "vague", "retracted_at"),
)

EVIDENCE = Table(
    "evidence", metadata,
    Column("id", Integer, primary_key=True),
    _fk("claim_id", "claim.id", index=True),
    Column("summary", Text, nullable=False),
    Column("url", Text),
    Column("citation", Text),
    Column("observed_on", Date, nullable=False),
    Column("stance", String(16), nullable=False),
    *_recorded(),
    CheckConstraint(sql_in("stance", STANCES), name="stance_known"),
    CheckConstraint("length(summary) > 0", name="summary_not_empty"),
)

#: One verdict on a claim. Rows are never deleted: a revision or a reopen supersedes.
RESOLUTION = Table(
    "resolution", metadata,
    Column("id", Integer, primary_key=True),
    _fk("claim_id", "claim.id", index=True),
    Column("revision", Integer, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("known_on", Date, nullable=False),
    Column("rationale", Text),
    _fk("resolved_by", "analyst.id"),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("superseded_at", UTCDateTime),
    Column("superseded_note", Text),
    UniqueConstraint("claim_id", "revision", name="uq_resolution_claim_revision"),
    CheckConstraint(sql_in("outcome", OUTCOMES), name="outcome_known"),
    CheckConstraint("revision >= 1", name="revision_positive"),
    Index("ix_resolution_claim_superseded", "claim_id", "superseded_at"),
)

RES_EVIDENCE = Table(
    "resolution_evidence", metadata,
    Column("resolution_id", Integer, ForeignKey("resolution.id"), primary_key=True),
    Column("evidence_id", Integer, ForeignKey("evidence.id"), primary_key=True),
)

#: Other defensible readings of a resolution's criteria: scored as recorded, shown as a range.
READING = Table(
    "resolution_reading", metadata,
    Column("resolution_id", Integer, ForeignKey("resolution.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("outcome", String(16), nullable=False),
    Column("note", Text, nullable=False),
    CheckConstraint(sql_in("outcome", OUTCOMES), name="outcome_known"),
    CheckConstraint("length(note) > 0", name="note_not_empty"),
)

#: Ledger-wide settings, append-only: the value standing at an instant is the last recorded
#: by then, so a report ``--as-of`` that instant reads what was in force.
SETTING = Table(
    "setting", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(60), nullable=False),
    Column("value", Text, nullable=False),
    Column("note", Text),
    *_recorded(),
    Index("ix_setting_name_recorded", "name", "recorded_at"),
)

#: The key of a claim merged into another (``ledger merge``): it keeps finding the survivor.
CLAIM_ALIAS = Table(
    "claim_alias", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(KEY_LIMIT), nullable=False, unique=True),
    _fk("claim_id", "claim.id", index=True),
    Column("note", Text),
    *_recorded(),
)

#: Reminders sent (``ledger remind``): one per analyst, claim and day, so a second run that day
#: sends nothing new.
REMINDER = Table(
    "reminder", metadata,
    Column("id", Integer, primary_key=True),
    _fk("analyst_id", "analyst.id"),
    _fk("claim_id", "claim.id", index=True),
    Column("sent_on", Date, nullable=False),
    Column("sent_at", UTCDateTime, nullable=False),
    UniqueConstraint("analyst_id", "claim_id", "sent_on", name="uq_reminder_once_a_day"),
)

#: Append-only audit log. ``hash`` covers the row and the previous row's hash.
EVENT = Table(
    "event", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(NAME_LIMIT), nullable=False),
    Column("action", String(40), nullable=False),
    Column("entity", String(40), nullable=False),
    Column("entity_id", Integer),
    Column("claim_id", Integer, index=True),
    Column("before", Text),
    Column("after", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
    #: ``KEY_ID:SIGNATURE`` (base64 Ed25519 over the hash) when the actor signed the change;
    #: outside the hash, so signing never changes the chain
    Column("signature", String(120)),
)

#: The rows an event adds in bulk (an import), each with its fingerprint: written a batch at a
#: time instead of inside the event, which records their count and a digest over them all
#: (written before their event, so no foreign key: the digest is what ties them to it).
EVENT_ROW = Table(
    "event_row", metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=False),
    Column("k", String(80), primary_key=True),
    Column("fp", String(80), nullable=False),
)

#: Parents before children: the order a copy or a bulk load writes them in.
TABLES_IN_LOAD_ORDER: tuple[Table, ...] = (
    ANALYST, ANALYST_KEY, SOURCE, SOURCE_AUTHOR, CLAIM, CLAIM_TAG, FORECAST, EVIDENCE, RESOLUTION,
    RES_EVIDENCE, READING, SETTING, CLAIM_ALIAS, REMINDER, EVENT, EVENT_ROW,
)


def insert_id(conn: Connection, stmt: Insert) -> int:
    """Run one INSERT and return the new row's id."""
    pk = conn.execute(stmt).inserted_primary_key
    if pk is None:  # pragma: no cover - every table here has an integer key
        raise RuntimeError(f"{stmt.table} returned no primary key")
    return int(pk[0])
