"""How messages arrive on real Telegram, beyond one message per thing said.

- **Albums.** Several photos (or files) sent together arrive as one update each, sharing a
  ``media_group_id``; the app puts a caption typed for the album on one of them (usually the
  first). The album gets one answer: the item with the caption (their words) or, when none has
  one, the first; the others are quiet.
- **Long pastes.** A text longer than Telegram's 4096 characters is split by the app into
  several messages sent a moment apart. The parts after the first are the same paste, already
  answered: they get no answer of their own (the crisis check still reads them).

:class:`Arrivals` sees each update's JSON as it comes in (bot.intake), in order, and notes
which update ids are quiet. Plain data, no Telegram types. It remembers only ids, lengths and
dates for a minute, never the words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.services.understanding import Reading

# Telegram apps split a message at 4096 UTF-16 units, on a word or line break: a part this long
# is most likely followed by the next part.
SPLIT_PART = 3500
# The parts of a split paste are sent together; Telegram dates them within a second or two.
SPLIT_GAP = 3
# Albums and pastes are remembered this long (seconds, by the messages' dates).
REMEMBERED = 60
_MAX_REMEMBERED = 4096


@dataclass
class _Album:
    date: int
    answered: bool = False
    captioned: bool = False


@dataclass(frozen=True)
class _Text:
    date: int
    length: int


class Arrivals:
    """Which incoming messages are part of something already answered (see the module)."""

    def __init__(self) -> None:
        self._albums: dict[tuple[int, str], _Album] = {}
        self._texts: dict[int, _Text] = {}
        self._quiet: set[int] = set()

    def note(self, updates: Iterable[tuple[int, Mapping[str, Any]]]) -> None:
        """Look at a batch of updates (update id, update JSON), in the order received."""
        batch = [(uid, m) for uid, data in updates if (m := _private_message(data)) is not None]
        captioned = {
            key for _uid, m in batch if (key := _album_key(m)) is not None and _has_caption(m)
        }
        for update_id, message in batch:
            key = _album_key(message)
            if key is not None:
                self._album_item(update_id, message, key, key in captioned)
            elif isinstance(message.get("text"), str):
                self._text(update_id, message)
        self._forget(batch)

    def quiet(self, update_id: int) -> bool:
        """True for an album's other items and a long paste's later parts: nothing to say.
        Asked once per update (the answer is forgotten)."""
        if update_id in self._quiet:
            self._quiet.discard(update_id)
            return True
        return False

    def _album_item(
        self, update_id: int, message: Mapping[str, Any], key: tuple[int, str], batch_caption: bool
    ) -> None:
        album = self._albums.setdefault(key, _Album(_date(message)))
        has_caption = _has_caption(message)
        # Their words are read, even after the first photo was answered; else the first item
        # answers, unless a caption comes later in the same batch.
        answer = (has_caption and not album.captioned) or not (album.answered or batch_caption)
        if answer:
            album.answered = True
            album.captioned = album.captioned or has_caption
        else:
            self._quiet.add(update_id)

    def _text(self, update_id: int, message: Mapping[str, Any]) -> None:
        chat = int(message["chat"]["id"])
        date = _date(message)
        before = self._texts.get(chat)
        if (
            before is not None
            and before.length >= SPLIT_PART
            and 0 <= date - before.date <= SPLIT_GAP
        ):
            self._quiet.add(update_id)
        self._texts[chat] = _Text(date, len(str(message["text"])))

    def _forget(self, batch: list[tuple[int, Mapping[str, Any]]]) -> None:
        if len(self._albums) + len(self._texts) <= _MAX_REMEMBERED or not batch:
            return
        newest = max(_date(m) for _uid, m in batch)
        self._albums = {k: a for k, a in self._albums.items() if a.date > newest - REMEMBERED}
        self._texts = {k: t for k, t in self._texts.items() if t.date > newest - REMEMBERED}
        if len(self._quiet) > _MAX_REMEMBERED:
            self._quiet.clear()  # ids whose handler never asked (the update failed to parse)


# What a forwarded message can be: someone else's news (the employer's "unfortunately…" or
# "we'd like to invite you…"), or words that are not the person's own state of mind.
_FORWARDED_NEWS = frozenset({"distress", "rejection", "good_news"})


def forwarded(reading: Reading) -> Reading:
    """A forwarded message is someone else's words: news it tells (a rejection, an invitation)
    is news for the person, as if pasted; anything else is not the person venting, greeting or
    asking ("I'm sorry to tell you…", "Hi Alex, could you…" from a recruiter) and is read as
    not clear, which offers the likely next steps. Distress stays distress (never talked down)."""
    if reading.kind in _FORWARDED_NEWS:
        return reading
    return replace(reading, kind="unsure", topic=None, feeling=None, clear=False)


def _private_message(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    message = data.get("message")
    if not isinstance(message, Mapping):
        return None
    chat = message.get("chat")
    if not isinstance(chat, Mapping) or chat.get("type") != "private":
        return None
    if not isinstance(chat.get("id"), int) or not isinstance(message.get("date"), int):
        return None
    return message


def _album_key(message: Mapping[str, Any]) -> tuple[int, str] | None:
    group = message.get("media_group_id")
    return (int(message["chat"]["id"]), str(group)) if group is not None else None


def _has_caption(message: Mapping[str, Any]) -> bool:
    caption = message.get("caption")
    return isinstance(caption, str) and bool(caption.strip())


def _date(message: Mapping[str, Any]) -> int:
    return int(message["date"])
