"""Free-text columns become TEXT so values encrypted at rest (longer than the plain text) fit;
conversation state is stored as (possibly encrypted) JSON text.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WIDENED = {
    "users": [("signature_name", sa.String(length=80))],
    "rejections": [("company", sa.String(length=120)), ("role", sa.String(length=120))],
    "feedback_requests": [
        ("company", sa.String(length=120)),
        ("role", sa.String(length=120)),
        ("their_name", sa.String(length=80)),
    ],
    "wins": [("text", sa.String(length=300))],
}


def upgrade() -> None:
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch:
            for name, old in columns:
                batch.alter_column(name, existing_type=old, type_=sa.Text())
    with op.batch_alter_table("flow_states") as batch:
        batch.alter_column(
            "data",
            existing_type=sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            type_=sa.Text(),
            postgresql_using="data::text",
        )


def downgrade() -> None:
    with op.batch_alter_table("flow_states") as batch:
        batch.alter_column(
            "data",
            existing_type=sa.Text(),
            type_=sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            postgresql_using="data::jsonb",
        )
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch:
            for name, old in columns:
                batch.alter_column(name, existing_type=sa.Text(), type_=old)
