"""Review campaigns of the web app: a campaign (review, deadline, template, language), its
teams (each with its own link token, revocable), settings shared by every server process
(the director's token hash, the session secret), and on each submission its campaign and
whether it came after the deadline.

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("review", sa.Text, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("template", sa.Text, nullable=False),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("company", sa.Text),
        sa.Column("year", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "campaign_teams",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False, index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("token", sa.String(64), nullable=False, unique=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("campaign_id", "name", name="uq_campaign_team"),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id", name="fk_sub_campaign")))
        batch.add_column(sa.Column("late", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("late")
        batch.drop_column("campaign_id")
    op.drop_table("settings")
    op.drop_table("campaign_teams")
    op.drop_table("campaigns")
