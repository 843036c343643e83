"""Everything no feature claims: unknown commands, message types the bot does not read,
buttons from messages whose flow is gone. Each gets a short, kind answer or is ignored on
purpose (edited messages, service messages, other bots' commands)."""

from __future__ import annotations

from telegram import Message
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.runtime import RuntimeApp
from bot.services import arrivals, flows, understanding
from bot.services.replies import Say
from handlers import flows as flows_feature
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


# A caption that reads as one of these carries what the picture holds ("they said no 😞"); one
# that reads as a feeling or a hello gets a word about the picture after the reply to it.
_CARRIED = frozenset({"distress", "rejection", "good_news", "question"})
_WITH_NOTE = frozenset({"venting", "greeting"})


@handler
async def not_read(turn: Turn) -> None:
    message = turn.update.effective_message
    if turn.rt.arrivals.quiet(turn.update.update_id):
        return  # another photo of an album already answered (bot.services.arrivals)
    caption = message.caption if message is not None else None
    if caption and caption.strip() and turn.user and await _read_caption(turn, message, caption):
        return
    turn.say(Say(_not_read_key(message)))
    if turn.user is not None:
        turn.say(await flows.reask(turn.session, turn.rt.flows, turn.user, turn.chat_id, turn.now))


async def _read_caption(turn: Turn, message: Message | None, caption: str) -> bool:
    """The words under a photo or a file are typed words: read as a text message is (inside a
    flow, as its answer or an aside). False when they do not say what the picture holds
    ("look what they sent me"): the picture's own answer is better then."""
    person = turn.person
    reading = understanding.read(caption, person.language)
    if message is not None and flows_feature.someone_elses(message):
        reading = arrivals.forwarded(reading)
    in_flow = await flows.load_state(turn.session, turn.chat_id, person.id) is not None
    if not in_flow and reading.kind not in _CARRIED and reading.kind not in _WITH_NOTE:
        return False
    await flows_feature.read_typed(turn)
    if not in_flow and reading.kind in _WITH_NOTE and message is not None:
        if message.photo or message.video or message.animation:
            turn.say(Say("fallback.caption_photo_note"))
        elif message.document:
            turn.say(Say("fallback.caption_file_note"))
    return True


@handler
async def stale_button(turn: Turn) -> None:
    taps.stale(turn)


def register(app: RuntimeApp) -> None:
    fresh_private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(fresh_private & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(fresh_private & NOT_READ, not_read))
    app.add_handler(CallbackQueryHandler(stale_button))
