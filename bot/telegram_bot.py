"""Rebound's Bot: python-telegram-bot's ExtBot with the two calls a turn makes most, named for
what the turn needs back.

Both are PTB's public methods (``send_message``, ``edit_message_reply_markup``): defaults,
callback data, the rate limiter and Telegram's errors all as for any other call. Until issue 17
they went through ExtBot's protected ``_post`` to skip building a Message from each answer (~11%
of the bot's CPU under a burst of debrief steps); the README's benchmark says what public costs.
Since then PTB builds that Message from the fields the turn reads only (its id; PTB's documented
answer-decoding hook, see bot.telegram_http.answer_reads), not from the whole answer.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import ExtBot

from bot.telegram_http import answer_reads

# What a turn reads of the Message Telegram answers with: its id. PTB requires the date and the
# chat to build one; the rest (the text, its entities, the keyboard echoed back, the bot's own
# user) is left out of what PTB parses (bot.telegram_http.answer_reads).
_READ = frozenset({"message_id", "date", "chat"})


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
        with answer_reads(_READ):
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
        with answer_reads(_READ):
            await self.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=reply_markup
            )
