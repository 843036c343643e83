"""Re-encrypting stored free text with the current first key (``rebound rotate-keys``): also
encrypts values written before a key was configured."""

from __future__ import annotations

from sqlalchemy import Text, column, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import crypto

# (table, primary key columns, encrypted columns): every EncryptedText/EncryptedJSON column.
ENCRYPTED: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("users", ("id",), ("signature_name",)),
    ("rejections", ("id",), ("company", "role", "went_well_note", "reasons_note")),
    ("feedback_requests", ("id",), ("company", "role", "their_name", "reply_text")),
    ("wins", ("id",), ("text",)),
    ("strengths", ("id",), ("text",)),
    ("flow_states", ("chat_id", "user_id"), ("data",)),
    ("inbox_updates", ("update_id",), ("payload",)),
)


async def rotate_all(session: AsyncSession) -> int:
    """Rewrite every stored value under the current key; returns how many values changed."""
    cipher = crypto.cipher()
    changed = 0
    for name, keys, columns in ENCRYPTED:
        raw = table(name, *(column(k) for k in keys), *(column(c, Text()) for c in columns))
        rows = (await session.execute(select(raw))).all()
        for row in rows:
            values = {c: getattr(row, c) for c in columns if getattr(row, c) is not None}
            rotated = {c: cipher.rotate(v) for c, v in values.items()}
            if rotated != values:
                where = [raw.c[k] == getattr(row, k) for k in keys]
                await session.execute(update(raw).where(*where).values(**rotated))
                changed += sum(rotated[c] != values[c] for c in rotated)
    return changed
