"""Which message holds a conversation's current question, in plain columns outside the
versioned (and encrypted) state, so noting it never conflicts with the next answer's write.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("flow_states") as batch:
        batch.add_column(sa.Column("prompt_step", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("prompt_message_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("flow_states") as batch:
        batch.drop_column("prompt_message_id")
        batch.drop_column("prompt_step")
