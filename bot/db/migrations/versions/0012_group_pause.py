"""A group whose scheduled posts Telegram refuses for good (no right to send, a closed or
deleted topic) is paused, not retried every day; the admins are told once.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("paused", sa.String(16), nullable=True))
        batch.add_column(
            sa.Column("paused_told", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("paused_told")
        batch.drop_column("paused")
