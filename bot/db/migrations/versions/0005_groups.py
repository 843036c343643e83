"""Groups: settings, daily group check-ins with anonymous counts, celebrated wins; the outbox
can address a group.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from bot.db.models import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("checkin_time", sa.Time(), nullable=False),
        sa.Column("checkin_on", sa.Boolean(), nullable=False),
        sa.Column("recap_on", sa.Boolean(), nullable=False),
        sa.Column("next_checkin_at", UTCDateTime(), nullable=True),
        sa.Column("next_recap_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_id"),
    )
    op.create_index("ix_groups_next_checkin_at", "groups", ["next_checkin_at"])
    op.create_index("ix_groups_next_recap_at", "groups", ["next_recap_at"])
    op.create_table(
        "group_checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("shown", JSON, nullable=False),
        sa.Column("edited_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_group_checkins_group_id", "group_checkins", ["group_id"])
    op.create_table(
        "group_votes",
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("mood", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["checkin_id"], ["group_checkins.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("checkin_id", "user_id"),
    )
    op.create_table(
        "group_wins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_group_wins_group_id", "group_wins", ["group_id"])
    with op.batch_alter_table("scheduled_messages") as batch:
        batch.alter_column("user_id", existing_type=sa.BigInteger(), nullable=True)
        batch.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch.create_index("ix_scheduled_messages_group_id", ["group_id"])
        batch.create_foreign_key(
            "fk_scheduled_messages_group_id", "groups", ["group_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("scheduled_messages") as batch:
        batch.drop_constraint("fk_scheduled_messages_group_id", type_="foreignkey")
        batch.drop_index("ix_scheduled_messages_group_id")
        batch.drop_column("group_id")
        batch.alter_column("user_id", existing_type=sa.BigInteger(), nullable=False)
    op.drop_table("group_wins")
    op.drop_table("group_votes")
    op.drop_table("group_checkins")
    op.drop_table("groups")
