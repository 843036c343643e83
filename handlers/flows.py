"""Typed answers and button taps for whichever guided flow the person is in."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.runtime import RuntimeApp
from bot.services import flows
from bot.services.replies import Say
from handlers import start as start_feature
from handlers.turn import Turn, handler, tapped_message_with_buttons


@handler
async def on_text(turn: Turn) -> None:
    message = turn.update.effective_message
    assert message is not None and message.text is not None
    result = await flows.handle_text(
        turn.session, turn.rt.flows, turn.person, turn.chat_id, message.text, turn.now
    )
    if result is None:
        turn.say(Say("common.no_flow"))
        return
    if result.strip is not None:
        turn.strip_buttons(result.strip)
    turn.say_all(result.replies)
    if result.finished_data is not None:
        await start_feature.after_onboarding(turn, result.finished_data.get("_then"))


@handler
async def on_tap(turn: Turn) -> None:
    query = turn.update.callback_query
    assert query is not None and query.data is not None
    if not turn.private:
        turn.answer_callback("toasts.stale_button")
        return
    result = await flows.handle_callback(
        turn.session, turn.rt.flows, turn.person, turn.chat_id, query.data, turn.now
    )
    message_id = tapped_message_with_buttons(turn.update)
    if message_id is not None and not result.edited:
        turn.strip_buttons(message_id)
    if result.stale:
        turn.answer_callback("toasts.stale_button")
        return
    turn.say_all(result.replies)
    if result.finished_data is not None:
        await start_feature.after_onboarding(turn, result.finished_data.get("_then"))


def register(app: RuntimeApp) -> None:
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    app.add_handler(MessageHandler(private_text & filters.UpdateType.MESSAGE, on_text))
    app.add_handler(CallbackQueryHandler(on_tap))
