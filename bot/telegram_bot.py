"""Rebound's Bot: python-telegram-bot's ExtBot, plus three calls that skip converting what no one
reads.

PTB turns every answer into TelegramObjects. The answer to ``sendMessage`` becomes a whole
Message (its chat, its sender, its entities and every button); under a burst of debrief steps,
building those was the largest single cost after the database (py-spy: ~11% of the bot's CPU).
A turn needs only the new message's id, and an edit that changes buttons needs nothing back.
The inbox stores each update as JSON, which ``Update.to_dict()`` rebuilt from the parsed
objects (~4%) when Telegram had just sent exactly that.

:meth:`ReboundBot.send_text`, :meth:`ReboundBot.set_buttons` and
:meth:`ReboundBot.get_updates_with_json` take the path every Bot method takes below the parsing
(``ExtBot._post``): defaults inserted, the rate limiter (never for getUpdates), the request,
Telegram's errors raised as the same exceptions. They differ only in what they return.
``_post`` is PTB's protected hook for subclasses (ExtBot itself builds on it);
python-telegram-bot is pinned in requirements.lock and tests/e2e/test_telegram_bot.py covers
the three against the emulator.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ExtBot

# How much longer than its long-poll timeout a getUpdates may take to answer before it counts
# as timed out (PTB's default read timeout, which it adds the same way).
POLL_READ_GRACE_SECONDS = 5.0


class ReboundBot(ExtBot[int]):  # int: AIORateLimiter's rate_limit_args
    async def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        reply_markup: InlineKeyboardMarkup | None = None,
        message_thread_id: int | None = None,
    ) -> int:
        """``sendMessage`` with HTML formatting; returns the new message's id."""
        defaults = self.defaults
        result = await self._post(
            "sendMessage",
            {
                "chat_id": chat_id,
                "text": text,
                "parse_mode": ParseMode.HTML,
                "reply_markup": reply_markup,
                "message_thread_id": message_thread_id,
                "link_preview_options": defaults.link_preview_options if defaults else None,
            },
        )
        return int(result["message_id"])

    async def set_buttons(
        self, chat_id: int, message_id: int, reply_markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """``editMessageReplyMarkup``: new buttons on a message, or none at all."""
        await self._post(
            "editMessageReplyMarkup",
            {"chat_id": chat_id, "message_id": message_id, "reply_markup": reply_markup},
        )

    async def get_updates_with_json(
        self, *, offset: int | None, timeout: int, allowed_updates: Sequence[str]
    ) -> list[tuple[dict[str, Any], Update]]:
        """``getUpdates``: each update as Telegram sent it, and parsed."""
        result = await self._post(
            "getUpdates",
            {"offset": offset, "timeout": timeout, "allowed_updates": allowed_updates},
            read_timeout=timeout + POLL_READ_GRACE_SECONDS,
        )
        batch = []
        for data in result:
            update = Update.de_json(data, self)  # it copies what it changes: data stays as sent
            self.insert_callback_data(update)  # as ExtBot.get_updates does
            batch.append((data, update))
        return batch
