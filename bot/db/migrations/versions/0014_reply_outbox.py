"""Replies go through the outbox (kind 'reply'): an index on a chat's undelivered ones, in
order. Only reply rows are indexed, and they are deleted once delivered.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_scheduled_messages_replies",
        "scheduled_messages",
        ["chat_id", "id"],
        sqlite_where=sa.text("kind = 'reply'"),
        postgresql_where=sa.text("kind = 'reply'"),
    )


def downgrade() -> None:
    op.drop_index("ix_scheduled_messages_replies", table_name="scheduled_messages")
