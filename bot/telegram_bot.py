"""Rebound's Bot: python-telegram-bot's ExtBot with the two calls a turn makes most, named for
what the turn needs back.

Both are PTB's public methods (``send_message``, ``edit_message_reply_markup``): defaults,
callback data, the rate limiter and Telegram's errors all as for any other call. Until issue 17
they went through ExtBot's protected ``_post`` to skip building a Message from each answer (~11%
of the bot's CPU under a burst of debrief steps); the README's benchmark says what public costs.
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
        message = await self.send_message(
            chat_id,
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=reply_markup,
            message_thread_id=message_thread_id,
        )
        return message.message_id

    async def set_buttons(
        self, chat_id: int, message_id: int, reply_markup: InlineKeyboardMarkup | None = None
    ) -> None:
        """``editMessageReplyMarkup``: new buttons on a message, or none at all."""
        await self.edit_message_reply_markup(
            chat_id=chat_id, message_id=message_id, reply_markup=reply_markup
        )
