"""The currency of a campaign's workbooks (CHF for a Swiss network, FCFA in Dakar…): every team's
workbook is generated in it. Campaigns made before it were in euros.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("currency", sa.String(3), nullable=False, server_default="EUR"))


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("currency")
