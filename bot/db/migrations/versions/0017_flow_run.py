"""A flow's run (button token, Back trail, ticked options, one-step limit, the deep link to open
after) moves out of its answers into its own column, ``flow_states.run``; downgrade puts it back.
A flow open during either step resumes where it was, its buttons still valid.

The answers are decrypted and encrypted again here, so ``rebound migrate`` needs the same
``REBOUND_ENCRYPTION_KEYS`` as the bot.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from bot import crypto

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# The keys the run used inside the answers, and their names in the run's own column.
RUN_KEYS = {
    "_run": "token",
    "_trail": "trail",
    "_sel": "selections",
    "_only": "only",
    "_then": "then",
}
FLOW_STATES = sa.table(
    "flow_states",
    sa.column("chat_id", sa.BigInteger()),
    sa.column("user_id", sa.BigInteger()),
    sa.column("data", sa.Text()),
    sa.column("run", JSON),
)


def _rows() -> list[tuple[Any, Any, dict[str, Any], dict[str, Any]]]:
    """Every conversation: its key, its answers (decrypted) and its run."""
    table = FLOW_STATES
    found = op.get_bind().execute(
        sa.select(table.c.chat_id, table.c.user_id, table.c.data, table.c.run)
    )
    return [
        (chat_id, user_id, json.loads(crypto.cipher().decrypt(data)) if data else {}, run or {})
        for chat_id, user_id, data, run in found.all()
    ]


def _write(chat_id: Any, user_id: Any, answers: dict[str, Any], **values: Any) -> None:
    """One conversation's answers (encrypted again, as the bot stores them) and ``values``."""
    table = FLOW_STATES
    op.get_bind().execute(
        sa.update(table)
        .where(table.c.chat_id == chat_id, table.c.user_id == user_id)
        .values(data=crypto.cipher().encrypt(json.dumps(answers)), **values)
    )


def upgrade() -> None:
    with op.batch_alter_table("flow_states") as batch:
        batch.add_column(sa.Column("run", JSON, nullable=True))
    for chat_id, user_id, answers, _ in _rows():
        run = {new: answers.pop(old) for old, new in RUN_KEYS.items() if old in answers}
        _write(chat_id, user_id, answers, run=run)
    with op.batch_alter_table("flow_states") as batch:
        batch.alter_column("run", existing_type=JSON, nullable=False)


def downgrade() -> None:
    for chat_id, user_id, answers, run in _rows():
        answers.update({old: run[new] for old, new in RUN_KEYS.items() if new in run})
        _write(chat_id, user_id, answers)
    with op.batch_alter_table("flow_states") as batch:
        batch.drop_column("run")
