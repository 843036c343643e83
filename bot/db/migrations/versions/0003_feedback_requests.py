"""Feedback requests; remembered signature name; outbox rows can point at a record.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from bot.db.models import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("signature_name", sa.String(length=80), nullable=True))
    with op.batch_alter_table("scheduled_messages") as batch:
        batch.add_column(sa.Column("ref_id", sa.Integer(), nullable=True))
    op.create_table(
        "feedback_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("rejection_id", sa.Integer(), nullable=True),
        sa.Column("company", sa.String(length=120), nullable=True),
        sa.Column("role", sa.String(length=120), nullable=True),
        sa.Column("recipient", sa.String(length=16), nullable=False),
        sa.Column("their_name", sa.String(length=80), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("tone", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version", sa.SmallInteger(), nullable=False),
        sa.Column("short", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("replied_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["rejection_id"], ["rejections.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_feedback_requests_user_id", "feedback_requests", ["user_id"])
    op.create_index("ix_feedback_requests_rejection_id", "feedback_requests", ["rejection_id"])


def downgrade() -> None:
    op.drop_table("feedback_requests")
    with op.batch_alter_table("scheduled_messages") as batch:
        batch.drop_column("ref_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("signature_name")
