"""Bot API method implementations, keyed by the spec's method name."""

from __future__ import annotations

from bot.emulator.methods import bot, chats, messages, updates
from bot.emulator.methods.base import Described, Method

METHODS: dict[str, Method] = {
    **bot.METHODS,
    **chats.METHODS,
    **messages.METHODS,
    **updates.METHODS,
}

__all__ = ["METHODS", "Described", "Method"]
