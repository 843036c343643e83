"""Everything no feature claims: unknown commands, message types the bot does not read,
buttons from messages whose flow is gone. Each gets a short, kind answer or is ignored on
purpose (edited messages, service messages, other bots' commands)."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.runtime import RuntimeApp
from bot.services import flows
from bot.services.replies import Say
from handlers import taps
from handlers.turn import Turn, handler

# Message kinds a person sends that the bot has no use for.
NOT_READ = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


@handler
async def unknown_command(turn: Turn) -> None:
    turn.say(Say("fallback.unknown_command"))


@handler
async def not_read(turn: Turn) -> None:
    turn.say(Say("fallback.not_read"))
    if turn.user is not None:
        turn.say(await flows.reask(turn.session, turn.rt.flows, turn.user, turn.chat_id, turn.now))


@handler
async def stale_button(turn: Turn) -> None:
    taps.stale(turn)


def register(app: RuntimeApp) -> None:
    fresh_private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(fresh_private & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(fresh_private & NOT_READ, not_read))
    app.add_handler(CallbackQueryHandler(stale_button))
