"""/match: paste a job description (as the next message, or right after the command) and see
which strengths it asks for, the gaps, and what to prepare. The text is never stored."""

from __future__ import annotations

from telegram.ext import CommandHandler, filters

from bot.runtime import RuntimeApp
from bot.services import callback_data, flows, jobmatch
from handlers import taps
from handlers.turn import Turn, handler, redirected_to_private


async def start(turn: Turn) -> None:
    spec = turn.rt.flows[jobmatch.FLOW.code]
    turn.say(await flows.start(turn.session, spec, turn.person, turn.chat_id, turn.now))


async def show(turn: Turn) -> None:
    """Ask for the description (also the /start match deep link)."""
    if redirected_to_private(turn, "match"):
        return
    await start(turn)


async def command(turn: Turn) -> None:
    """/match alone asks for the description; /match <text> answers straight away."""
    if redirected_to_private(turn, "match"):
        return
    message = turn.update.effective_message
    words = (message.text or "").split(maxsplit=1) if message else []
    pasted = words[1].strip() if len(words) == 2 else ""
    if pasted:
        running = await flows.load_state(turn.session, turn.chat_id, turn.person.id)
        if running is not None and running.flow == jobmatch.FLOW.code:
            await flows.cancel(turn.session, turn.chat_id, turn.person.id)
        turn.say(await jobmatch.answer(turn.session, turn.person, pasted))
        return
    await start(turn)


async def on_tap(turn: Turn, tap: callback_data.WordTap) -> None:
    """Match another description (the tap has nothing more to say)."""
    await start(turn)


def register(app: RuntimeApp) -> None:
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("match", handler(command), filters=fresh))
    app.add_handler(taps.on(callback_data.MATCH, on_tap))
