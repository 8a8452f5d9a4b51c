"""Alembic environment of the review-history store: run on the connection pac-excel hands it
(``config.attributes["connection"]``), never from an .ini file."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
