"""/feedback: draft a feedback request, reshape it, mark it sent, log the reply."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import CommandHandler, filters

from bot.db.models import Rejection, User
from bot.dispatch import Kinds
from bot.runtime import RuntimeApp
from bot.services import callback_data, feedback, flows, variants
from bot.services.flow_engine import JsonValue
from bot.services.outbox import Claimed
from bot.services.replies import Say, When
from handlers import taps
from handlers.turn import Turn, handler, redirected_to_private, tapped_message_with_buttons


async def show(turn: Turn) -> None:
    if redirected_to_private(turn, "feedback", "feedback.in_group"):
        return
    turn.say(await feedback.overview(turn.session, turn.person))


async def draft(turn: Turn, *, why: bool = True) -> None:
    """A new request at once (which debrief first, where there are some), not the list of
    requests to tap through. ``why``: say why asking helps; not after a reply that just said
    it (a yes to "want a draft?" under the answer to "how do I ask for feedback?")."""
    if redirected_to_private(turn, "feedback", "feedback.in_group"):
        return
    debriefs = await feedback.recent_debriefs(turn.session, turn.person.id)
    if debriefs:
        turn.say(feedback.which_debrief(debriefs))
    else:
        await begin(turn, None, why=why)


async def begin(
    turn: Turn, record: Rejection | None, *, why: bool = True, **preset: object
) -> None:
    """The why (once; not when it was just said), then the first question that applies."""
    data = {**feedback.request_data(turn.person, record), **preset}
    spec = turn.rt.flows[feedback.REQUEST_FLOW.code]
    step = "their_name" if preset else None
    first = await flows.start(
        turn.session, spec, turn.person, turn.chat_id, turn.now, step=step, data=data
    )
    turn.say(*([Say("feedback.intro")] if why else []), first)


async def on_menu(turn: Turn, tap: callback_data.MenuTap) -> None:
    """New request, one for a debrief, later, or an open request (callback_data.MenuTap)."""
    message_id = tapped_message_with_buttons(turn.update)
    user, target = turn.person, tap.target
    if tap.verb == "new":
        await draft(turn)
    elif tap.verb == "for":
        record = await turn.session.get(Rejection, target) if target else None
        if record is not None and record.user_id != user.id:
            record = None
        if record is not None:
            record.feedback_status = "drafting"
        await begin(turn, record)
    elif tap.verb == "later":
        record = await turn.session.get(Rejection, target)
        if record is not None and record.user_id == user.id:
            record.feedback_status = "later"
        turn.say(Say("reflection.feedback_later"))
    else:  # open
        assert target is not None
        request = await feedback.mine(turn.session, user.id, target)
        if request is None:
            turn.answer_callback("toasts.request_gone")
        elif request.status == "draft":
            turn.say(await feedback.view(turn.session, user, request))
        elif request.status in feedback.OPEN:
            turn.say(feedback.check_message(request))
        else:
            turn.answer_callback("toasts.request_closed")
        return  # the overview keeps its buttons
    if message_id is not None:
        turn.strip_buttons(message_id)


def _when(turn: Turn, moment: datetime) -> When:
    return When(moment, turn.person.timezone or "UTC", "date_time")


async def on_request(turn: Turn, tap: callback_data.RequestTap) -> None:
    """A button on a draft or a "did they reply?" message."""
    request = await feedback.mine(turn.session, turn.person.id, tap.request_id)
    if request is None:
        turn.answer_callback("toasts.request_gone")
        return
    action, user = tap.action, turn.person
    if feedback.reshape(request, action, turn.now):
        view = await feedback.view(turn.session, user, request)
        turn.say(Say(view.key, view.params, view.buttons, replace=True))
        return
    turn.clear_tapped()
    if request.status == "closed" or (request.status == "replied" and action != "interviewer"):
        turn.answer_callback("toasts.request_closed")
    elif action == "sent":
        due = await feedback.mark_sent(turn.session, user, request, turn.now)
        turn.say(Say("feedback.sent", {"date": _when(turn, due)}))
    elif action == "not_now":
        turn.say(Say("feedback.saved_draft"))
    elif action == "log":
        spec = turn.rt.flows[feedback.LOG_FLOW.code]
        data = {"request_id": request.id}
        turn.say(await flows.start(turn.session, spec, user, turn.chat_id, turn.now, data=data))
    elif action == "not_yet":
        feedback.start_followup(request, turn.now)
        turn.say(Say("feedback.followup_intro"), await feedback.view(turn.session, user, request))
    elif action == "let_go":
        await feedback.let_go(turn.session, request, turn.now)
        turn.say(Say("feedback.let_go"))
    elif action == "interviewer":
        record = (
            await turn.session.get(Rejection, request.rejection_id)
            if request.rejection_id
            else None
        )
        await begin(
            turn,
            record,
            recipient="interviewer",
            company_name=request.company,
            role_name=request.role,
        )


async def log_told(turn: Turn, held_id: int | None = None) -> None:
    """[Log this feedback] under feedback told in words: the words typed (held under
    ``held_id``) become the reply, of the request still waiting for one if there is one, else
    of feedback given without one, and the log flow goes on to the themes found in them. Without
    held words (a button from before, or a newer message replaced them) it asks for them."""
    spec = turn.rt.flows[feedback.LOG_FLOW.code]
    taken = None
    if held_id is not None:
        taken = await feedback.take_told(turn.session, turn.person, held_id, turn.now)
    if taken is not None:
        kept, reading = taken
        turn.say(await variants.say(turn.session, turn.person.id, "feedback.told_kept", turn.now))
        data: dict[str, JsonValue] = {"request_id": kept.id, "generic": reading.generic}
        ticked = {"tags": reading.tags}
        turn.say(
            await flows.start(
                turn.session,
                spec,
                turn.person,
                turn.chat_id,
                turn.now,
                step="tags",
                data=data,
                ticked=ticked,
            )
        )
        return
    request = await feedback.awaiting(turn.session, turn.person.id)
    data = {"request_id": request.id} if request is not None else {}
    turn.say(await flows.start(turn.session, spec, turn.person, turn.chat_id, turn.now, data=data))


async def _check(session: AsyncSession, item: Claimed, user: User) -> Say | None:
    return await feedback.check_for(session, user, item.ref_id, item.due_at)


def scheduled(kinds: Kinds) -> None:
    """The kinds of scheduled message this feature sends (bot.dispatch.kinds)."""
    kinds.person(feedback.CHECK, _check)


def register(app: RuntimeApp) -> None:
    app.add_handler(CommandHandler("feedback", handler(show), filters=~filters.UpdateType.EDITED))
    app.add_handler(taps.on(callback_data.MENU, on_menu))
    app.add_handler(taps.on(callback_data.REQUEST, on_request))
