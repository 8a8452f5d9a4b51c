"""The store's tables (the current schema; ``migrations/`` builds and upgrades it).

A submission is one file a team sent for one review: its bytes (in ``blobs``, by SHA-256,
stored once), where it came from, when, which template, and its snapshot (the analysis and
the plan typed, JSON). ``totals`` and ``kpis`` are summaries of the snapshot, so that lists
and trends answer without parsing every snapshot. Rows are never updated nor deleted.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

blobs = Table(
    "blobs", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

reviews = Table(
    "reviews", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("label", Text, nullable=False, unique=True),
    Column("period", Text),
    Column("as_of", Date),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

submissions = Table(
    "submissions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("review_id", Integer, ForeignKey("reviews.id"), nullable=False, index=True),
    Column("team", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("sha256", String(64), ForeignKey("blobs.sha256"), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("template", Text),
    Column("version", Text),
    Column("lang", Text, nullable=False),
    Column("actions", Integer, nullable=False),
    Column("problems", Integer, nullable=False),
    Column("errors", Integer, nullable=False),
    Column("snapshot", Text, nullable=False),
    # 0002: summaries of the snapshot
    Column("totals", Text),
    Column("kpis", Text),
    # 0003: the campaign it was sent to, and whether it came after the deadline
    Column("campaign_id", Integer, ForeignKey("campaigns.id")),
    Column("late", Boolean, nullable=False, default=False),
    UniqueConstraint("review_id", "team", "sha256", name="uq_submission_bytes"),
)

campaigns = Table(
    "campaigns", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("review", Text, nullable=False),
    Column("deadline", Date, nullable=False),
    Column("template", Text, nullable=False),
    Column("lang", Text, nullable=False),
    Column("company", Text),
    Column("year", Integer),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("currency", String(3), nullable=False, server_default="EUR"),  # since 0004
)

campaign_teams = Table(
    "campaign_teams", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id"), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("email", Text),
    Column("token", String(64), nullable=False, unique=True),
    Column("revoked_at", DateTime(timezone=True)),
    UniqueConstraint("campaign_id", "name", name="uq_campaign_team"),
)

settings = Table(
    "settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
