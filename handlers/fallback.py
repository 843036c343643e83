"""Everything no feature claims: unknown commands, message types the bot does not read,
buttons from messages whose flow is gone. Each gets a short, kind answer or is ignored on
purpose (edited messages, service messages, other bots' commands)."""

from __future__ import annotations

from telegram import Message
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


def _not_read_key(message: Message | None) -> str:
    """What to say to a message the bot cannot read, by what it is: a sticker, a voice note
    and a photo (often a screenshot of the email) each get their own words."""
    if message is None:
        return "fallback.not_read"
    if message.sticker or message.animation:
        return "fallback.not_read_sticker"
    if message.voice or message.audio or message.video_note:
        return "fallback.not_read_voice"
    if message.photo:
        return "fallback.not_read_photo"
    return "fallback.not_read"


@handler
async def not_read(turn: Turn) -> None:
    turn.say(Say(_not_read_key(turn.update.effective_message)))
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
