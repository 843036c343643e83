"""/reflect: the post-rejection debrief (flow answers themselves go through handlers.flows)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import CommandHandler, filters

from bot.db.models import Rejection, User
from bot.dispatch import Kinds
from bot.runtime import RuntimeApp
from bot.services import callback_data, checkins, flows, listening, outbox, reflection
from bot.services.outbox import Claimed
from bot.services.replies import Say
from handlers import taps
from handlers.turn import Turn, handler, redirected_to_private

REMINDER = reflection.REMINDER


async def show(turn: Turn) -> None:
    """Offer a debrief, or continue the one in progress."""
    if redirected_to_private(turn, "reflect", "reflection.in_group"):
        return
    user = turn.person
    if await _resumed(turn):
        return
    record = await reflection.unfinished(turn.session, user.id)
    if record is not None:
        turn.say(reflection.continue_or_fresh(record))
        return
    again = await reflection.finished_count(turn.session, user.id) > 0
    turn.say(reflection.opener(again))
    listening.drop_offer(user, listening.opener_offer(turn.now))  # "yes" typed next takes it


async def start_now(turn: Turn, record: Rejection | None = None) -> None:
    """[Debrief it now] under a reply to typed news: straight into the questions, at the first
    one ``record`` (started from the news, company and stage filled in) has not answered; a
    debrief already open is picked up instead."""
    user = turn.person
    if await _resumed(turn):
        return
    if record is None:
        open_one = await reflection.unfinished(turn.session, user.id)
        if open_one is not None:
            turn.say(reflection.continue_or_fresh(open_one))
            return
    await begin(turn, record)


async def _resumed(turn: Turn) -> bool:
    """A debrief's questions are open already: ask the current one again (True)."""
    running = await flows.load_state(turn.session, turn.chat_id, turn.person.id)
    if running is None or running.flow != reflection.FLOW.code:
        return False
    turn.say(
        Say("start.resume"),
        await flows.reask(turn.session, turn.rt.flows, turn.person, turn.chat_id, turn.now),
    )
    return True


async def begin(turn: Turn, record: Rejection | None = None) -> None:
    """Start (or continue) the questions, and drop a pending "remind me" nudge."""
    user = turn.person
    reminder = await outbox.pending(turn.session, user.id, REMINDER)
    if reminder is not None:
        reminder.status = "cancelled"
    record = record or await reflection.start_debrief(turn.session, user, turn.now)
    record.from_news = False  # opened: from now on it is a debrief they started
    step = reflection.next_question(record) or reflection.FLOW.steps[-1].name
    spec = turn.rt.flows[reflection.FLOW.code]
    data = reflection.flow_data(record)
    ticked = reflection.ticked_ahead(record)
    turn.say(
        await flows.start(
            turn.session, spec, user, turn.chat_id, turn.now, step=step, data=data, ticked=ticked
        )
    )


async def later(turn: Turn) -> None:
    """One gentle nudge tomorrow at their check-in time; never more than one waiting."""
    user = turn.person
    if await outbox.pending(turn.session, user.id, REMINDER) is None:
        due = outbox.tomorrow_at(user.timezone or "UTC", user.checkin_time, turn.now)
        await outbox.schedule(turn.session, user, REMINDER, due, turn.now)
    if user.checkin_time is not None:
        time = user.checkin_time.strftime("%H:%M")
        turn.say(Say("reflection.not_now_with_time", {"time": time}))
    else:
        turn.say(Say("reflection.not_now"))


async def on_choice(turn: Turn, tap: callback_data.ReflectTap) -> None:
    turn.clear_tapped()
    action, user = tap.action, turn.person
    running = await flows.load_state(turn.session, turn.chat_id, user.id)
    if running is not None and running.flow == reflection.FLOW.code:
        # Already answering questions: a second tap on an old opener must not start another.
        turn.say(await flows.reask(turn.session, turn.rt.flows, user, turn.chat_id, turn.now))
        return
    if action == "start":
        # A debrief started from typed news and never opened (company and stage at most) is
        # the one this "Let's do it" means, e.g. the reminder after "Not now".
        record = await reflection.unfinished(turn.session, user.id)
        if record is not None and not reflection.untouched(record):
            record = None
        await begin(turn, record)
    elif action == "later":
        await later(turn)
    elif action == "dismiss":
        turn.say(Say("reflection.reminder_dismissed"))
    else:  # continue or fresh: the debrief left open, if it still is
        record = await reflection.unfinished(turn.session, user.id)
        if record is None or record.id != tap.record_id:
            taps.stale(turn)
            return
        if action == "fresh":
            await turn.session.delete(record)
            record = None
        await begin(turn, record)


async def _reminder(_s: AsyncSession, item: Claimed, user: User) -> Say | None:
    if checkins.paused_at(user, item.due_at):
        return None  # a once-only nudge: a pause means not now
    return reflection.reminder_message()


def scheduled(kinds: Kinds) -> None:
    """The kinds of scheduled message this feature sends (bot.dispatch.kinds)."""
    kinds.person(reflection.REMINDER, _reminder)


def register(app: RuntimeApp) -> None:
    app.add_handler(CommandHandler("reflect", handler(show), filters=~filters.UpdateType.EDITED))
    app.add_handler(taps.on(callback_data.REFLECT, on_choice))
