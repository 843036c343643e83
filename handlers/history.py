"""/history (past debriefs, paged in place) and /plan (open next steps, done or snoozed in
place)."""

from __future__ import annotations

from telegram.ext import CommandHandler, filters

from bot.runtime import RuntimeApp
from bot.services import callback_data, history, plan
from bot.services.replies import Say
from handlers import taps
from handlers.turn import Turn, handler, redirected_to_private


async def show_history(turn: Turn) -> None:
    if redirected_to_private(turn, "history"):
        return
    turn.say(await history.page(turn.session, turn.person, 1))


async def show_plan(turn: Turn) -> None:
    if redirected_to_private(turn, "plan"):
        return
    turn.say(await plan.overview(turn.session, turn.person, turn.now))


async def on_plan_tap(turn: Turn, tap: callback_data.PlanTap) -> None:
    """Done or Snooze on /plan: the step changes and /plan updates in place."""
    action = await plan.mine(turn.session, turn.person.id, tap.action_id)
    if action is None or action.status != "open":
        turn.answer_callback("plan.toasts.gone")  # e.g. a double tap: the list already says so
        return
    if tap.verb == "done":
        await plan.mark_done(turn.session, action, turn.now)
        turn.answer_callback("plan.toasts.done")
    else:
        turn.answer_callback("plan.toasts.snoozed")
        if await plan.snooze(turn.session, turn.person, action, turn.now) is None:
            return  # already waiting (a double tap): the list already says so
    turn.say(await plan.overview(turn.session, turn.person, turn.now, replace=True))


async def on_history_tap(turn: Turn, tap: callback_data.HistoryTap) -> None:
    """A page turned, or a debrief's card opened."""
    if tap.verb == "page":
        found = await history.page(turn.session, turn.person, tap.number)
        turn.say(Say(found.key, found.params, found.buttons, replace=True))
    else:
        card = await history.card(turn.session, turn.person.id, tap.number)
        if card is None:
            turn.answer_callback("toasts.debrief_gone")
        else:
            turn.say(card)


def register(app: RuntimeApp) -> None:
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("history", handler(show_history), filters=fresh))
    app.add_handler(CommandHandler("plan", handler(show_plan), filters=fresh))
    app.add_handler(taps.on(callback_data.HISTORY, on_history_tap))
    app.add_handler(taps.on(callback_data.PLAN, on_plan_tap))
