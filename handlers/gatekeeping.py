"""Runs before every feature (handler groups below 0): flood control first, then the crisis
check, which answers at once, whatever flow is running, and keeps the flow as it was.

In a group the crisis check answers too, but in public: a gentle reply that never repeats,
quotes or names what the member wrote, with the international helpline directory, and a button
that opens the private chat (``/start support``) where their own country's helplines are shown.
At most one such reply per member per half hour; nothing about it is stored or logged.
"""

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
GROUP_CARE_COOLDOWN_SECONDS = 1800.0


def _gate(context: Context) -> FloodGate:
    gate = context.application.bot_data.get("flood_gate")
    if gate is None:
        settings = runtime(context).settings
        gate = FloodGate(limit=settings.flood_limit, window=settings.flood_window_seconds)
        context.application.bot_data["flood_gate"] = gate
    assert isinstance(gate, FloodGate)
    return gate


def _group_limiter(context: Context) -> crisis.GroupCareLimiter:
    limiter = context.application.bot_data.get("group_care_limiter")
    if limiter is None:
        limiter = crisis.GroupCareLimiter(cooldown=GROUP_CARE_COOLDOWN_SECONDS)
        context.application.bot_data["group_care_limiter"] = limiter
    assert isinstance(limiter, crisis.GroupCareLimiter)
    return limiter


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


async def group_crisis_check(update: Update, context: Context) -> None:
    """The same check in a group. The message goes no further either way (``/win`` must not
    echo it), and the reply, when one is due, says nothing about what was written."""
    message = update.effective_message
    if message is None or message.is_automatic_forward:
        return  # a channel post mirrored into its discussion group: no member wrote it
    text = message.text or message.caption
    if not text or not crisis.detect(text).matched:
        return
    if message.sender_chat is not None:  # an anonymous admin or a channel writing in the group
        sender_id = message.sender_chat.id
    elif message.from_user is not None and not message.from_user.is_bot:
        sender_id = message.from_user.id
    else:
        raise ApplicationHandlerStop
    if _group_limiter(context).allow(message.chat_id, sender_id, time.monotonic()):
        await _group_care(update, context)
    # With or without a reply, the inbox copy of the words is dropped when the update is
    # marked handled (bot.services.inbox.mark_processed), like every other message's.
    raise ApplicationHandlerStop


def _helplines(turn: Turn) -> Ref:
    """The person's country's helplines (time zone, else app language), else the directory."""
    user = turn.user
    tg_user = turn.update.effective_user
    country = crisis.helplines_for(
        user.timezone if user else None, tg_user.language_code if tg_user else None
    )
    return Ref(f"{crisis.HELPLINES_SECTION}.{country}")


async def _offer_resume(turn: Turn) -> None:
    user = turn.user
    if user is not None and await flows.load_state(turn.session, turn.chat_id, user.id):
        turn.say(
            Say(
                crisis.RESUME_KEY, buttons=((Button("crisis.buttons.resume", data="cr:1:resume"),),)
            )
        )


@handler
async def _care(turn: Turn) -> None:
    turn.say(Say(crisis.REPLY_KEY, {"helplines": _helplines(turn)}))
    await _offer_resume(turn)


@handler
async def _group_care(turn: Turn) -> None:
    """Public and generic on purpose: no name, no quote, no reply-to (which would show the
    words again); the directory is one tap away even if the private chat is never opened."""
    url = f"https://t.me/{turn.context.bot.username}?start={crisis.SUPPORT_PAYLOAD}"
    directory = Ref(f"{crisis.HELPLINES_SECTION}.{crisis.INTERNATIONAL}")
    turn.say(
        Say(
            crisis.GROUP_REPLY_KEY,
            {"directory": directory},
            buttons=((Button("crisis.buttons.private_support", url=url),),),
        )
    )


async def private_support(turn: Turn) -> None:
    """``/start support`` (the group reply's button): helplines for the person's place, right
    away, before any onboarding; a running flow is kept and can be resumed."""
    turn.say(Say(crisis.PRIVATE_SUPPORT_KEY, {"helplines": _helplines(turn)}))
    await _offer_resume(turn)


@handler
async def resume_after_care(turn: Turn) -> None:
    turn.say(await flows.reask(turn.session, turn.rt.flows, turn.person, turn.chat_id, turn.now))


def register(app: RuntimeApp) -> None:
    app.add_handler(TypeHandler(Update, flood_control), group=FLOOD_GROUP)
    text = filters.TEXT | filters.CAPTION
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & text, crisis_check), group=CRISIS_GROUP
    )
    app.add_handler(
        MessageHandler(filters.ChatType.GROUPS & text, group_crisis_check), group=CRISIS_GROUP
    )
    app.add_handler(CallbackQueryHandler(resume_after_care, pattern=r"^cr:1:resume$"))
