"""What people type, made safe to store: control characters other than newline and tab are
removed from every update as it comes in (bot.intake), before anything reads or stores it.

PostgreSQL refuses U+0000 in text, so an answer containing one failed with an apology there
while SQLite stored it; the other control characters (form feed, escape, bell, C1 codes...)
have no place in a debrief either. Entity offsets (UTF-16 units) are moved to match, so a
command or a link after a removed character still points at the right text. Plain data in,
plain data out: no Telegram types.
"""

from __future__ import annotations

import re
from typing import Any

# Unicode's control characters (category Cc) except tab (U+0009) and newline (U+000A).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The texts that come with entities whose offsets count their characters.
_ENTITIES = {"text": "entities", "caption": "caption_entities"}


def clean_update(data: dict[str, Any]) -> dict[str, Any] | None:
    """``data`` without control characters in any of its strings, or None when it had none
    (the common case: nothing is copied)."""
    cleaned = _clean(data)
    return None if cleaned is data else cleaned


def _clean(value: Any) -> Any:
    """The value itself when nothing changed, else a cleaned copy."""
    if isinstance(value, str):
        return CONTROL.sub("", value) if CONTROL.search(value) else value
    if isinstance(value, list):
        items = [_clean(item) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if not isinstance(value, dict):
        return value
    changed: dict[str, Any] = {}
    for key, item in value.items():
        if key in _ENTITIES and isinstance(item, str) and CONTROL.search(item):
            text, entities = _without_controls(item, value.get(_ENTITIES[key]))
            changed[key] = text
            if entities is not None:
                changed[_ENTITIES[key]] = entities
            continue
        if key in changed:  # entities already moved with their text
            continue
        new = _clean(item)
        if new is not item:
            changed[key] = new
    return {**value, **changed} if changed else value


def _without_controls(text: str, entities: Any) -> tuple[str, list[Any] | None]:
    """``text`` cleaned, and ``entities`` with offsets and lengths moved past what was
    removed (entities left empty are dropped)."""
    removed: list[int] = []  # UTF-16 positions of removed characters, ascending
    kept: list[str] = []
    position = 0
    for char in text:
        if CONTROL.fullmatch(char):
            removed.append(position)
        else:
            kept.append(char)
        position += 2 if ord(char) > 0xFFFF else 1
    if not isinstance(entities, list):
        return "".join(kept), None

    def moved(offset: int) -> int:
        return offset - sum(1 for at in removed if at < offset)

    shifted = []
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("offset"), int):
            shifted.append(entity)
            continue
        start = moved(entity["offset"])
        end = moved(entity["offset"] + int(entity.get("length", 0)))
        if end > start:
            shifted.append({**entity, "offset": start, "length": end - start})
    return "".join(kept), shifted
