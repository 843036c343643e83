"""Issue 16: which version of a repeated text each person last saw (least-recently-used
variants instead of a counter), and a debrief's free note (what a person typed that was not
an answer to the question, kept with the debrief).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.models import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "variant_uses",
        sa.Column(
            "user_id",
            sa.BigInteger(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(length=96), primary_key=True),
        sa.Column("variant", sa.SmallInteger(), primary_key=True),
        sa.Column("used_at", UTCDateTime(), nullable=False),
    )
    with op.batch_alter_table("rejections") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rejections") as batch:
        batch.drop_column("note")
    op.drop_table("variant_uses")
