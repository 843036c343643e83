"""Per-group cooldowns for /cheer and /win: when the group last got a cheer, and when it was
last told that /cheer or /win must wait a moment (said once per wait).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.models import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("cheered_at", "cheer_noted_at", "win_noted_at")


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
