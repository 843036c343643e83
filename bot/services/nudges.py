"""Learning nudges: one small step at a time, from the plan first, then general ideas from the
advice map; nothing comes back within the repeat window, and "Not relevant" is final. At most
one new nudge a day while today's is still open, none on a low day (bot.services.checkins), and
the words around the step are picked least-recently-used per person."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Nudge, PlanAction, User
from bot.services import checkins, outbox, variants
from bot.services.callback_data import NUDGE, NudgeTap
from bot.services.plan import action_text
from bot.services.recurrence import local_day, local_instant
from bot.services.replies import Button, Ref, Say
from bot.services.timezones import zone_for

IDEAS = (
    "practice",
    "strengths",
    "application",
    "homework",
    "target",
    "small_wins",
    "self_care",
    "resilience",
    "change_approach",
    "nerves",
)
IDEA_VARIANTS = 4
SNOOZE = "nudge"  # outbox kind: a snoozed nudge coming back
HELD = "held"  # outcome of a snoozed nudge that came due on a low day
LATER_TODAY = timedelta(hours=3)
QUIET_START, QUIET_END = time(21, 0), time(8, 0)


@dataclass(frozen=True)
class Choice:
    action: PlanAction | None = None
    idea: str | None = None
    variant: int = 0


def choose(
    actions: Sequence[PlanAction], history: Sequence[Nudge], now: datetime, window: timedelta
) -> Choice | None:
    """The oldest open plan action not offered within ``window``; else the next general idea
    (rotating through the advice map) not offered within it and never dropped."""
    for action in actions:
        if action.last_nudged_at is None or action.last_nudged_at <= now - window:
            return Choice(action=action)
    recent = {(n.idea, n.variant) for n in history if n.idea and n.sent_at > now - window}
    dropped = {(n.idea, n.variant) for n in history if n.idea and n.outcome == "dropped"}
    start = len(history) % len(IDEAS)
    order = IDEAS[start:] + IDEAS[:start]
    for variant in range(IDEA_VARIANTS):
        for idea in order:
            if (idea, variant) not in recent | dropped:
                return Choice(idea=idea, variant=variant)
    return None


def intro_key(action: PlanAction | None) -> str:
    return "checkin.nudge_intro" if action is not None else "checkin.nudge_general_intro"


def message(nudge: Nudge, action: PlanAction | None, intro: Ref | None = None) -> Say:
    """The nudge with Done / Snooze / Not relevant (``intro``: the line above the step)."""
    if action is not None:
        step: object = action_text(action)
    else:
        step = Ref(f"checkin.ideas.{nudge.idea}", variant=nudge.variant)
    return Say(
        "checkin.nudge",
        {"intro": intro or Ref(intro_key(action), variant=nudge.id), "step": step},
        (
            (
                Button("checkin.buttons.done", data=NUDGE.pack(NudgeTap(nudge.id, "done"))),
                Button("checkin.buttons.snooze", data=NUDGE.pack(NudgeTap(nudge.id, "snooze"))),
            ),
            (Button("checkin.buttons.not_relevant", data=NUDGE.pack(NudgeTap(nudge.id, "drop"))),),
        ),
    )


def snooze_when(nudge: Nudge) -> Say:
    """Snooze until when: later today or tomorrow."""
    later, tomorrow = NudgeTap(nudge.id, "today"), NudgeTap(nudge.id, "tomorrow")
    return Say(
        "checkin.nudge_snooze_when",
        buttons=(
            (
                Button("checkin.buttons.later_today", data=NUDGE.pack(later)),
                Button("checkin.buttons.tomorrow", data=NUDGE.pack(tomorrow)),
            ),
        ),
    )


def still_open_today(history: Sequence[Nudge], now: datetime, zone: str) -> bool:
    """A nudge offered today that is neither done nor dropped: no second one on top of it."""
    start = local_instant(local_day(now, zone), time(0), zone)
    return any(n.sent_at >= start and n.outcome not in ("done", "dropped") for n in history)


async def offer(session: AsyncSession, user: User, now: datetime, window: timedelta) -> Say | None:
    """Today's small step, or None: nothing fits, or today's nudge is still open. A nudge held
    back on a low day comes first."""
    actions_query = (
        select(PlanAction)
        .where(PlanAction.user_id == user.id, PlanAction.status == "open")
        .order_by(PlanAction.created_at, PlanAction.id)
    )
    actions = list((await session.execute(actions_query)).scalars())
    history_query = select(Nudge).where(Nudge.user_id == user.id).order_by(Nudge.id)
    history = list((await session.execute(history_query)).scalars())
    open_ids = {action.id for action in actions}
    for nudge in reversed([n for n in history if n.outcome == HELD]):
        if nudge.action_id is not None and nudge.action_id not in open_ids:
            step = await session.get(PlanAction, nudge.action_id)  # finished or dropped since
            nudge.outcome = "done" if step is not None and step.status == "done" else "dropped"
            continue
        # Put off on a low day: it comes back first, now that the mood has lifted.
        nudge.outcome, nudge.sent_at = None, now
        return await again(session, nudge, now)
    if still_open_today(history, now, user.timezone or "UTC"):
        return None
    choice = choose(actions, history, now, window)
    if choice is None:
        return None
    nudge = Nudge(
        user_id=user.id,
        action_id=choice.action.id if choice.action else None,
        idea=choice.idea,
        variant=choice.variant,
        sent_at=now,
    )
    if choice.action is not None:
        choice.action.last_nudged_at = now
    session.add(nudge)
    await session.flush()
    intro = await variants.ref(session, user.id, intro_key(choice.action), now)
    return message(nudge, choice.action, intro)


async def mine(session: AsyncSession, user_id: int, nudge_id: int) -> Nudge | None:
    nudge = await session.get(Nudge, nudge_id)
    return nudge if nudge is not None and nudge.user_id == user_id else None


async def again(session: AsyncSession, nudge: Nudge, now: datetime) -> Say:
    """A snoozed nudge, as it comes back (introduced as the one they put off)."""
    action = await session.get(PlanAction, nudge.action_id) if nudge.action_id else None
    intro = await variants.ref(session, nudge.user_id, "checkin.nudge_again_intro", now)
    return message(nudge, action, intro)


def hold(nudge: Nudge) -> None:
    """A snoozed nudge that falls on a low day is not sent: it waits, and comes back with the
    next check-in whose mood is not low (see ``offer``)."""
    nudge.outcome = HELD


async def back_from_snooze(
    session: AsyncSession, user: User, nudge_id: int | None, now: datetime
) -> Say | None:
    """A snoozed nudge coming back (the dispatcher's ``SNOOZE`` kind); on a low day, or while
    check-ins are paused, it is held until the mood lifts instead. None when there is nothing
    to send."""
    nudge = await mine(session, user.id, nudge_id) if nudge_id else None
    if nudge is None or nudge.outcome != "snoozed":
        return None
    if checkins.paused_at(user, now) or await checkins.low_day(session, user, now):
        hold(nudge)
        return None
    return await again(session, nudge, now)


async def done(session: AsyncSession, nudge: Nudge, now: datetime) -> None:
    nudge.outcome = "done"
    if nudge.action_id is not None:
        action = await session.get(PlanAction, nudge.action_id)
        if action is not None:
            action.status, action.done_at = "done", now


async def drop(session: AsyncSession, nudge: Nudge) -> None:
    nudge.outcome = "dropped"
    if nudge.action_id is not None:
        action = await session.get(PlanAction, nudge.action_id)
        if action is not None:
            action.status = "dropped"


def later_today(now: datetime, zone: str, checkin_at: time | None) -> datetime:
    """A few hours from now, unless that lands in quiet hours: then tomorrow morning."""
    candidate = now + LATER_TODAY
    local = candidate.astimezone(zone_for(zone))
    if QUIET_END <= local.time() < QUIET_START and local.date() == local_day(now, zone):
        return candidate
    return outbox.tomorrow_at(zone, checkin_at or QUIET_END, now)


async def snooze(
    session: AsyncSession, user: User, nudge: Nudge, when: str, now: datetime
) -> datetime:
    zone = user.timezone or "UTC"
    if when == "today":
        due = later_today(now, zone, user.checkin_time)
    else:
        due = outbox.tomorrow_at(zone, user.checkin_time, now)
    nudge.outcome = "snoozed"
    await outbox.cancel(session, user.id, SNOOZE, nudge.id)
    await outbox.schedule(session, user, SNOOZE, due, now, ref_id=nudge.id)
    return due
