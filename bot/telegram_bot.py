"""Rebound's Bot: python-telegram-bot's ExtBot, plus two calls that skip building objects no one
reads.

PTB turns every answer into TelegramObjects. The answer to ``sendMessage`` becomes a whole
Message (its chat, its sender, its entities and every button); under a burst of debrief steps,
building those was the largest single cost after the database (py-spy: ~11% of the bot's CPU).
A turn needs only the new message's id, and an edit that changes buttons needs nothing back.

:meth:`ReboundBot.send_text` and :meth:`ReboundBot.set_buttons` take the path every Bot method
takes below the parsing (``ExtBot._post``): defaults inserted, the rate limiter, the request,
Telegram's errors raised as the same exceptions. They differ only in returning the id, or
nothing. ``_post`` is PTB's protected hook for subclasses (ExtBot itself builds on it);
python-telegram-bot is pinned in requirements.lock and tests/e2e/test_telegram_bot.py covers
both calls against the emulator.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import ExtBot


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
