"""The store's tables (the current schema; ``migrations/`` builds and upgrades it).

A submission is one file a team sent for one review: its bytes (in ``blobs``, by SHA-256,
stored once), where it came from, when, which template, and its snapshot (the analysis and
the plan typed, JSON). ``totals`` and ``kpis`` are summaries of the snapshot, so that lists
and trends answer without parsing every snapshot. Rows are never updated nor deleted.
"""

from __future__ import annotations

from sqlalchemy import (
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
    UniqueConstraint("review_id", "team", "sha256", name="uq_submission_bytes"),
)
