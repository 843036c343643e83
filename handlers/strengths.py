"""/strengths: build and edit the list of core strengths; suggestions add in one tap.

Buttons (``sg:1:...``): ``new`` asks for strengths to type; ``add:<skill>`` adds a suggestion
and refreshes the list in place; ``gap:<skill>`` adds a skill from a /match answer and only
takes that button away (the answer stays as it was); ``rmlist``/``rm:<id>`` remove;
``show`` puts the list back in place, ``list`` sends it anew; ``copy`` sends plain lines.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup
from telegram.ext import CommandHandler, filters

from bot.runtime import RuntimeApp
from bot.services import callback_data, flows, strengths
from bot.services.replies import Button, Say
from handlers import taps
from handlers.turn import Turn, handler, redirected_to_private


async def overview(turn: Turn, *, replace: bool = False) -> Say:
    mine = await strengths.listed(turn.session, turn.person.id)
    suggested = await strengths.suggestions(turn.session, turn.person)
    return strengths.overview(mine, suggested, replace=replace)


async def show(turn: Turn) -> None:
    if redirected_to_private(turn, "strengths"):
        return
    turn.say(await overview(turn))


async def start_adding(turn: Turn) -> None:
    spec = turn.rt.flows[strengths.ADD_FLOW.code]
    turn.say(await flows.start(turn.session, spec, turn.person, turn.chat_id, turn.now))


def _without(markup: InlineKeyboardMarkup | None, data: str) -> tuple[tuple[Button, ...], ...]:
    """The tapped message's buttons minus the one with ``data`` (labels kept as shown)."""
    if markup is None:
        return ()
    rows = (
        tuple(
            Button(b.text, data=str(b.callback_data), literal=True)
            for b in row
            if b.callback_data != data and b.callback_data is not None
        )
        for row in markup.inline_keyboard
    )
    return tuple(row for row in rows if row)


async def on_tap(turn: Turn, tap: callback_data.StrengthsTap) -> None:
    action, arg, user = tap.action, tap.argument or "", turn.person
    if action == "new":
        await start_adding(turn)
    elif action == "add":
        added = await strengths.add_skill(turn.session, user, arg, "suggested", turn.now)
        turn.answer_callback("strengths.toast_added" if added else "strengths.toast_there")
        turn.say(await overview(turn, replace=True))
    elif action == "gap":
        added = await strengths.add_skill(turn.session, user, arg, "match", turn.now)
        turn.answer_callback("strengths.toast_added" if added else "strengths.toast_there")
        query = turn.update.callback_query
        assert query is not None and query.data is not None
        markup = getattr(query.message, "reply_markup", None)
        turn.say(Say("common.nothing", buttons=_without(markup, query.data), edit=True))
    elif action == "rmlist":
        turn.say(strengths.remove_page(await strengths.listed(turn.session, user.id)))
    elif action == "rm":
        if not await strengths.remove(turn.session, user.id, tap.strength_id):
            taps.stale(turn)
            return
        turn.answer_callback("strengths.toast_removed")
        turn.say(strengths.remove_page(await strengths.listed(turn.session, user.id)))
    elif action == "show":
        turn.say(await overview(turn, replace=True))
    elif action == "list":
        turn.say(await overview(turn))
    else:  # copy
        mine = await strengths.listed(turn.session, user.id)
        turn.say(strengths.plain_list(mine) if mine else Say("strengths.remove_empty"))


def register(app: RuntimeApp) -> None:
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("strengths", handler(show), filters=fresh))
    app.add_handler(taps.on(callback_data.STRENGTHS, on_tap))
