"""Check-ins (scheduled or /checkin), mood replies, nudges, /win, /pause and /resume."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import CommandHandler, filters

from bot.db.models import User
from bot.dispatch import Kinds
from bot.runtime import RuntimeApp
from bot.services import (
    callback_data,
    checkins,
    durations,
    flows,
    listening,
    nudges,
    schedule,
    variants,
)
from bot.services.outbox import Claimed
from bot.services.replies import Ref, Say
from bot.services.timezones import local_now, zone_for
from handlers import reflection as reflection_feature
from handlers import taps
from handlers.turn import Turn, handler, redirected_to_private


async def show_checkin(turn: Turn) -> None:
    if redirected_to_private(turn, "checkin"):
        return
    user, session, now = turn.person, turn.session, turn.now
    if await checkins.checked_in_today(session, user, now):
        turn.say(await variants.say(session, user.id, "checkin.checked_in_already", now))
    turn.say(await checkins.daily_prompt(session, user, now))


async def start_win(turn: Turn) -> None:
    if redirected_to_private(turn, "win"):
        return
    spec = turn.rt.flows[checkins.WIN_FLOW.code]
    turn.say(await flows.start(turn.session, spec, turn.person, turn.chat_id, turn.now))


async def on_checkin(turn: Turn, tap: callback_data.CheckinTap) -> None:
    """A mood, or one of the shortcuts under it (a win, an interview, a rejection)."""
    turn.clear_tapped()
    action, user, session, now = tap.action, turn.person, turn.session, turn.now
    if tap.mood is not None:
        await answer_mood(turn, tap.mood)
    elif action == "win":
        await checkins.record(turn.session, user, turn.now, None)
        await start_win(turn)
    elif action == "interview":
        await checkins.record(turn.session, user, turn.now, None)
        await checkins.log_win(session, user, now, "interview", None)
        turn.say(await checkins.win_reply(session, user, now, "interview"))
    else:  # rejection
        await checkins.record(turn.session, user, turn.now, None)
        turn.say(await variants.say(session, user.id, "checkin.rejection_intro", now))
        await reflection_feature.show(turn)


async def answer_mood(turn: Turn, mood: int, typed: bool = False, progress: bool = False) -> None:
    """Today's mood, tapped or ``typed`` in words right after the question ("meh", "not great
    tbh": then first the face it was taken as, so a wrong reading is easy to correct).
    ``progress``: the words also told effort made ("...but I applied to two more places
    today"), acknowledged after the mood's reply with [Log it as a win]."""
    user, session, now = turn.person, turn.session, turn.now
    await checkins.record(session, user, now, mood)
    if typed:
        face: dict[str, object] = {"face": Ref(f"checkin.mood.{mood}")}
        turn.say(await variants.say(session, user.id, "checkin.typed_mood", now, face))
    turn.say_all(await checkins.mood_reply(session, user, mood, now))
    if progress:
        log = listening.log_win_buttons("progress")
        turn.say(await variants.say(session, user.id, "checkin.typed_progress", now, buttons=log))
    if not await checkins.low_day(session, user, now):  # a low day brings rest, not a task
        window = timedelta(days=turn.rt.settings.nudge_repeat_days)
        turn.say(await nudges.offer(session, user, now, window))


async def on_nudge(turn: Turn, tap: callback_data.NudgeTap) -> None:
    """Done, Snooze (then later today or tomorrow), or Not relevant."""
    nudge = await nudges.mine(turn.session, turn.person.id, tap.nudge_id)
    if nudge is None or nudge.outcome in ("done", "dropped"):
        taps.stale(turn)
        return
    turn.clear_tapped()
    action, user, session, now = tap.action, turn.person, turn.session, turn.now
    if action == "done":
        await nudges.done(session, nudge, now)
        turn.say(await variants.say(session, user.id, "checkin.nudge_done", now))
    elif action == "drop":
        await nudges.drop(session, nudge)
        turn.say(await variants.say(session, user.id, "checkin.nudge_dropped", now))
    elif action == "snooze":
        turn.say(nudges.snooze_when(nudge))
    else:  # today or tomorrow
        due = await nudges.snooze(session, user, nudge, action, now)
        if action == "today":
            local = due.astimezone(zone_for(user.timezone or "UTC"))
            params: dict[str, object] = {"time": local.strftime("%H:%M")}
            turn.say(
                await variants.say(session, user.id, "checkin.nudge_snoozed_today", now, params)
            )
        else:
            turn.say(await variants.say(session, user.id, "checkin.nudge_snoozed_tomorrow", now))


async def pause(turn: Turn) -> None:
    if redirected_to_private(turn, "settings"):
        return
    # "/pause", "/pause 7", "/pause two weeks", "/pause until Monday", "/pause zwei Wochen".
    user, now = turn.person, turn.now
    said = " ".join(turn.context.args or [])
    days = None
    if said:
        days = durations.read_days(said, local_now(user.timezone or "UTC", now).date())
        if days is None or days > durations.MAX_DAYS:
            turn.say(Say("durations.pause_usage" if days is None else "durations.pause_too_long"))
            return
    turn.say(checkins.pause(user, now, days))


async def resume(turn: Turn) -> None:
    if redirected_to_private(turn, "settings"):
        return
    turn.say(checkins.resume(turn.person, turn.now))


async def _scheduled_checkin(session: AsyncSession, item: Claimed, user: User) -> Say | None:
    return await checkins.daily_prompt(session, user, item.due_at)


async def _scheduled_review(session: AsyncSession, item: Claimed, user: User) -> Say | None:
    return await checkins.weekly_review(session, user, item.due_at)


async def _snoozed_nudge(session: AsyncSession, item: Claimed, user: User) -> Say | None:
    return await nudges.back_from_snooze(session, user, item.ref_id, item.due_at)


def scheduled(kinds: Kinds) -> None:
    """The kinds of scheduled message this feature sends (bot.dispatch.kinds)."""
    kinds.person(schedule.CHECKIN, _scheduled_checkin)
    kinds.person(schedule.REVIEW, _scheduled_review, week_chart=True)
    kinds.person(nudges.SNOOZE, _snoozed_nudge)


def register(app: RuntimeApp) -> None:
    variants.warm_up()
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("checkin", handler(show_checkin), filters=fresh))
    app.add_handler(CommandHandler("win", handler(start_win), filters=fresh))
    app.add_handler(CommandHandler("pause", handler(pause), filters=fresh))
    app.add_handler(CommandHandler("resume", handler(resume), filters=fresh))
    app.add_handler(taps.on(callback_data.CHECKIN, on_checkin))
    app.add_handler(taps.on(callback_data.NUDGE, on_nudge))
