"""A debrief filled in from rejection news the person typed ("rejected by Stripe") is marked
until they open it, so it is offered as their news, not as a debrief they "stopped partway".

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rejections") as batch:
        batch.add_column(
            sa.Column("from_news", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("rejections") as batch:
        batch.drop_column("from_news")
