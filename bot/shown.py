"""What the bot last made each of its recent messages show, so it never asks Telegram for an
edit that changes nothing.

Telegram refuses such an edit ("message is not modified"): removing the buttons of a message
that has none, or putting back the text and buttons it already shows. A double tap, a stray tap
on an old question, a question answered by typing after its buttons went, or a settings button
that sets what is already set all lead there. The tap's own copy of the message cannot tell: it
shows the message as it was when the person tapped, before the first tap's edit. So the bot
remembers, per process and for the most recent messages, a fingerprint of the text and buttons
it sent or edited each message to, and edits only when that would change something. A message
it knows nothing of (older, or shown before a restart) is edited as asked.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

# Enough for the messages with buttons of a busy hour; older ones are rarely tapped again.
REMEMBERED = 50_000

_UNKNOWN = object()


class ShownMessages:
    """Fingerprints of (text, buttons) by (chat id, message id), most recently used last."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self._size = size
        self._shown: OrderedDict[tuple[int, int], tuple[int | None, int]] = OrderedDict()

    def sent(self, chat_id: int, message_id: int, text: str, buttons: Hashable) -> None:
        """A message just sent with this text (or caption) and these buttons."""
        self._remember((chat_id, message_id), (hash(text), hash(buttons)))

    def edit(
        self, chat_id: int, message_id: int, buttons: Hashable, text: str | None = None
    ) -> bool:
        """Whether an edit to ``buttons`` (and ``text``, when given; None leaves the text as it
        is) would change the message. When it would, it is noted as done: the caller makes it.
        ``buttons`` is None for no buttons at all."""
        key = (chat_id, message_id)
        known: object = self._shown.get(key, _UNKNOWN)
        new_buttons = hash(buttons)
        if isinstance(known, tuple):
            old_text, old_buttons = known
            new_text = old_text if text is None else hash(text)
            if (new_text, new_buttons) == (old_text, old_buttons):
                self._shown.move_to_end(key)
                return False
        else:
            new_text = None if text is None else hash(text)
        self._remember(key, (new_text, new_buttons))
        return True

    def forget(self, chat_id: int, message_id: int) -> None:
        """An edit that was noted but failed: what the message shows is not known any more."""
        self._shown.pop((chat_id, message_id), None)

    def _remember(self, key: tuple[int, int], value: tuple[int | None, int]) -> None:
        self._shown[key] = value
        self._shown.move_to_end(key)
        if len(self._shown) > self._size:
            self._shown.popitem(last=False)
