"""Runs before every feature (handler groups below 0): flood control first, then the crisis
check, which answers at once, whatever flow is running, and keeps the flow as it was."""

from __future__ import annotations

import time

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.runtime import RuntimeApp
from bot.services import crisis, flows
from bot.services.flood import FloodGate
from bot.services.replies import Button, Ref, Say
from handlers.turn import Context, Turn, handler, runtime

FLOOD_GROUP = -2
CRISIS_GROUP = -1


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


async def crisis_check(update: Update, context: Context) -> None:
    """A message about suicide or self-harm gets care and helplines right away. Its text is
    not stored, logged or passed on: the handlers that would use it never see it."""
    message = update.effective_message
    text = message.text or message.caption if message else None
    if not text or not crisis.detect(text).matched:
        return
    await _care(update, context)
    raise ApplicationHandlerStop


@handler
async def _care(turn: Turn) -> None:
    user = turn.user
    tg_user = turn.update.effective_user
    country = crisis.helplines_for(
        user.timezone if user else None, tg_user.language_code if tg_user else None
    )
    helplines = Ref(f"crisis.helplines.{country}")
    turn.say(Say("crisis.reply", {"helplines": helplines}))
    if user is not None and await flows.load_state(turn.session, turn.chat_id, user.id):
        turn.say(
            Say("crisis.resume", buttons=((Button("crisis.buttons.resume", data="cr:1:resume"),),))
        )


@handler
async def resume_after_care(turn: Turn) -> None:
    turn.say(await flows.reask(turn.session, turn.rt.flows, turn.person, turn.chat_id, turn.now))


def register(app: RuntimeApp) -> None:
    app.add_handler(TypeHandler(Update, flood_control), group=FLOOD_GROUP)
    private_text = filters.ChatType.PRIVATE & (filters.TEXT | filters.CAPTION)
    app.add_handler(MessageHandler(private_text, crisis_check), group=CRISIS_GROUP)
    app.add_handler(CallbackQueryHandler(resume_after_care, pattern=r"^cr:1:resume$"))
