"""The language a person's first plainly written words were in (bot.services.own_language):
once known, later words no longer switch the language Rebound writes in.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE both ways, as 0018: a batch copy of ``users`` would take every row that
# refers to a person with the old table.


def upgrade() -> None:
    op.add_column("users", sa.Column("words_language", sa.String(length=16), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "words_language")
