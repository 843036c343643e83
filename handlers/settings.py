"""/settings: see and change time zone, check-in time and frequency, one tap at a time."""

from __future__ import annotations

from telegram.ext import CommandHandler, filters

from bot.runtime import RuntimeApp
from bot.services import callback_data, flows
from bot.services.onboarding import summary
from bot.services.replies import Say
from handlers import taps
from handlers.turn import Turn, handler, redirected_to_private


async def show(turn: Turn) -> None:
    if redirected_to_private(turn, "settings", "settings.in_group"):
        return
    turn.say(summary(turn.person, turn.now))


async def open_setting(turn: Turn, tap: callback_data.WordTap) -> None:
    turn.clear_tapped()
    if tap.word == "done":
        await flows.cancel(turn.session, turn.chat_id, turn.person.id)
        turn.say(Say("settings.closed"))
        return
    spec = turn.rt.flows["st"]
    turn.say(
        await flows.start(
            turn.session, spec, turn.person, turn.chat_id, turn.now, step=tap.word, only=True
        )
    )


def register(app: RuntimeApp) -> None:
    app.add_handler(CommandHandler("settings", handler(show), filters=~filters.UpdateType.EDITED))
    app.add_handler(taps.on(callback_data.SETTINGS, open_setting))
