"""The offer under the person's latest reply to typed words (its yes and no buttons, and when it
was made), so that "yes", "sure" or "not now" typed instead of tapped answers it.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


# Plain ALTER TABLE both ways (SQLite has had DROP COLUMN since 3.35): a batch copy of
# ``users`` would drop and recreate it, and with foreign keys on, every row that refers to a
# person (flows, debriefs...) would go with the old table.


def upgrade() -> None:
    op.add_column("users", sa.Column("offer", JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("users", "offer")
