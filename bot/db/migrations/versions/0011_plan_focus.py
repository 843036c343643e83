"""A plan step made from feedback keeps the feedback's own words ("design systems at scale"),
so /plan and the nudges show the step as the "feedback logged" message did.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_actions") as batch:
        batch.add_column(sa.Column("focus", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_actions") as batch:
        batch.drop_column("focus")
