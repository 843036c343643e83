"""What an error may say in the log: its type and where it happened, never its message.

An exception's text can quote what someone wrote: a database error carries the statement's
parameters or the driver's complaint about a value, a Telegram error the text it refused.
"""

from __future__ import annotations

import traceback


def describe(error: BaseException) -> str:
    """Exception type and stack frames (of the chain too), never a message."""
    parts = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = traceback.format_tb(current.__traceback__) if current.__traceback__ else []
        parts.append(f"{type(current).__module__}.{type(current).__qualname__}\n{''.join(frames)}")
        current = current.__cause__ or current.__context__
    return "\ncaused by ".join(part.rstrip() for part in parts)
