"""Taps on inline buttons. Each feature reads its button data through its codec
(bot.services.callback_data) and hands it here: this is the one place that answers a stale tap,
whether the data is from an older release, of a shape no button has, plain junk, or a personal
button tapped in a group."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import CallbackQueryHandler

from bot.services.callback_data import Codec, T
from handlers.turn import Turn, handler

STALE_KEY = "toasts.stale_button"


def stale(turn: Turn) -> None:
    """A short toast that the button no longer works and the newest message has the current
    options. Nothing is stored and the chat gets no new message."""
    turn.answer_callback(STALE_KEY)


def read(turn: Turn, codec: Codec[T], *, private: bool = True) -> T | None:
    """The turn's tap as ``codec`` reads it, or None with the stale answer queued. A
    ``private`` feature's buttons mean nothing in a group."""
    query = turn.update.callback_query
    tap = codec.parse(query.data if query is not None else None)
    if tap is None or (private and not turn.private):
        stale(turn)
        return None
    return tap


def on(
    codec: Codec[T], fn: Callable[[Turn, T], Awaitable[None]], *, private: bool = True
) -> CallbackQueryHandler[Any, None]:
    """A handler for ``codec``'s taps that calls ``fn(turn, tap)`` with the parsed tap, in one
    transaction (handlers.turn.handler); a stale tap gets :func:`stale` instead."""

    @functools.wraps(fn)
    async def run(turn: Turn) -> None:
        tap = read(turn, codec, private=private)
        if tap is not None:
            await fn(turn, tap)

    return CallbackQueryHandler(handler(run), pattern=codec.pattern)
