"""Summaries of each snapshot (totals, indicators) in columns of their own, filled for the
submissions already stored: lists and trends then answer without parsing every snapshot.

Revision ID: 0002
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("totals", sa.Text))
        batch.add_column(sa.Column("kpis", sa.Text))
    from pac_excel.store.summary import summarize

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, snapshot FROM submissions")).all()
    for sid, snapshot in rows:
        totals, kpis = summarize(snapshot)
        conn.execute(sa.text("UPDATE submissions SET totals = :t, kpis = :k WHERE id = :i"),
                     {"t": json.dumps(totals), "k": json.dumps(kpis, ensure_ascii=False), "i": sid})


def downgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("kpis")
        batch.drop_column("totals")
