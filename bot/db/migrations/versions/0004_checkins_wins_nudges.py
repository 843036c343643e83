"""Check-in schedule and pause on users; check-ins, wins, nudges; leases on the outbox.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.models import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("next_checkin_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("review_day", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("next_review_at", UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("paused_until", UTCDateTime(), nullable=True))
        batch.create_index("ix_users_next_checkin_at", ["next_checkin_at"])
        batch.create_index("ix_users_next_review_at", ["next_review_at"])
    with op.batch_alter_table("scheduled_messages") as batch:
        batch.add_column(sa.Column("claimed_until", UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("attempts", sa.SmallInteger(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("plan_actions") as batch:
        batch.add_column(sa.Column("last_nudged_at", UTCDateTime(), nullable=True))
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("mood", sa.SmallInteger(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "day", name="uq_checkins_user_day"),
    )
    op.create_table(
        "wins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wins_user_id", "wins", ["user_id"])
    op.create_table(
        "nudges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("idea", sa.String(length=32), nullable=True),
        sa.Column("variant", sa.SmallInteger(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["action_id"], ["plan_actions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_nudges_user_id", "nudges", ["user_id"])


def downgrade() -> None:
    op.drop_table("nudges")
    op.drop_table("wins")
    op.drop_table("checkins")
    with op.batch_alter_table("plan_actions") as batch:
        batch.drop_column("last_nudged_at")
    with op.batch_alter_table("scheduled_messages") as batch:
        batch.drop_column("attempts")
        batch.drop_column("claimed_until")
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_next_review_at")
        batch.drop_index("ix_users_next_checkin_at")
        batch.drop_column("paused_until")
        batch.drop_column("paused")
        batch.drop_column("next_review_at")
        batch.drop_column("review_day")
        batch.drop_column("next_checkin_at")
