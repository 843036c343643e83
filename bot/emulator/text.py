"""Text measurements Telegram does in UTF-16 code units, and the entities it detects itself."""

from __future__ import annotations

import re
from typing import Any

# Characters Telegram also treats as blank at the ends of a message (Python's strip keeps them).
_INVISIBLE = "\u180e\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\ufffc"
_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])")


def utf16_len(text: str) -> int:
    """Length as Telegram counts entity offsets: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def trim_formatted(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip leading/trailing blanks as Telegram does, moving entities along with the text."""
    stripped = text.strip().strip(_INVISIBLE).strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: text.index(stripped)]) if stripped else 0
    end = utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        stop = min(entity["offset"] + entity["length"] - shift, end)
        if stop > start:
            kept.append({**entity, "offset": start, "length": stop - start})
    return stripped, kept


# "@username" as Telegram marks it: 5-32 letters, digits or underscores, not inside a word.
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}(?!\w)")


def mention_entities(text: str) -> list[dict[str, Any]]:
    """The ``mention`` entities Telegram adds to a user's text ("@rebound_bot")."""
    return [
        {"type": "mention", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _MENTION.finditer(text)
    ]


def bot_command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entities Telegram adds to a user's text ("/start", "/help@bot")."""
    return [
        {"type": "bot_command", "offset": utf16_len(text[: m.start()]), "length": utf16_len(m[0])}
        for m in _COMMAND.finditer(text)
    ]
