"""/settings: see and change time zone, check-in time and frequency, one tap at a time."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from bot.runtime import RuntimeApp
from bot.services import flows
from bot.services.onboarding import summary
from bot.services.replies import Say
from handlers.turn import Turn, handler, redirected_to_private, tapped_message_with_buttons

CHANGEABLE = ("tz", "time", "freq", "review")


async def show(turn: Turn) -> None:
    if redirected_to_private(turn, "settings", "settings.in_group"):
        return
    turn.say(summary(turn.person, turn.now))


@handler
async def open_setting(turn: Turn) -> None:
    query = turn.update.callback_query
    assert query is not None and query.data is not None
    if not turn.private:
        turn.answer_callback("toasts.stale_button")
        return
    choice = query.data.rsplit(":", 1)[-1]
    message_id = tapped_message_with_buttons(turn.update)
    if message_id is not None:
        turn.strip_buttons(message_id)
    if choice not in CHANGEABLE:
        await flows.cancel(turn.session, turn.chat_id, turn.person.id)
        turn.say(Say("settings.closed"))
        return
    spec = turn.rt.flows["st"]
    turn.say(
        await flows.start(
            turn.session, spec, turn.person, turn.chat_id, turn.now, step=choice, only=True
        )
    )


def register(app: RuntimeApp) -> None:
    app.add_handler(CommandHandler("settings", handler(show), filters=~filters.UpdateType.EDITED))
    app.add_handler(CallbackQueryHandler(open_setting, pattern=r"^ss:1:"))
