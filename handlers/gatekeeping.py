"""Runs before every feature (handler groups below 0): flood control first."""

from __future__ import annotations

import time

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.runtime import RuntimeApp
from bot.services.flood import FloodGate
from bot.services.replies import Say
from handlers.turn import Context, Turn, handler, runtime

FLOOD_GROUP = -2


def _gate(context: Context) -> FloodGate:
    gate = context.application.bot_data.get("flood_gate")
    if gate is None:
        settings = runtime(context).settings
        gate = FloodGate(limit=settings.flood_limit, window=settings.flood_window_seconds)
        context.application.bot_data["flood_gate"] = gate
    assert isinstance(gate, FloodGate)
    return gate


@handler
async def _slow_down(turn: Turn) -> None:
    turn.say(Say("flood.slow_down"))


async def flood_control(update: Update, context: Context) -> None:
    chat, user = update.effective_chat, update.effective_user
    if user is None or chat is None or chat.type != ChatType.PRIVATE:
        return
    verdict = _gate(context).check(user.id, time.monotonic())
    if verdict == "warn":
        await _slow_down(update, context)
    if verdict != "ok":
        raise ApplicationHandlerStop


def register(app: RuntimeApp) -> None:
    app.add_handler(TypeHandler(Update, flood_control), group=FLOOD_GROUP)
