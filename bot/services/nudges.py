"""Learning nudges: one small step at a time, from the plan first, then general ideas from the
advice map; nothing comes back within the repeat window, and "Not relevant" is final."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Nudge, PlanAction, User
from bot.services import outbox
from bot.services.plan import action_text
from bot.services.recurrence import local_day
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
IDEA_VARIANTS = 3
SNOOZE = "nudge"  # outbox kind: a snoozed nudge coming back
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


def message(nudge: Nudge, action: PlanAction | None) -> Say:
    """The nudge with Done / Snooze / Not relevant."""
    if action is not None:
        intro, step = "checkin.nudge_intro", action_text(action)
    else:
        intro, step = (
            "checkin.nudge_general_intro",
            Ref(f"checkin.ideas.{nudge.idea}", variant=nudge.variant),
        )
    data = f"nd:1:{nudge.id}:"
    return Say(
        "checkin.nudge",
        {"intro": Ref(intro, variant=nudge.id), "step": step},
        (
            (
                Button("checkin.buttons.done", data=data + "done"),
                Button("checkin.buttons.snooze", data=data + "snooze"),
            ),
            (Button("checkin.buttons.not_relevant", data=data + "drop"),),
        ),
    )


async def offer(session: AsyncSession, user: User, now: datetime, window: timedelta) -> Say | None:
    actions_query = (
        select(PlanAction)
        .where(PlanAction.user_id == user.id, PlanAction.status == "open")
        .order_by(PlanAction.created_at, PlanAction.id)
    )
    actions = list((await session.execute(actions_query)).scalars())
    history_query = select(Nudge).where(Nudge.user_id == user.id).order_by(Nudge.id)
    history = list((await session.execute(history_query)).scalars())
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
    return message(nudge, choice.action)


async def mine(session: AsyncSession, user_id: int, nudge_id: int) -> Nudge | None:
    nudge = await session.get(Nudge, nudge_id)
    return nudge if nudge is not None and nudge.user_id == user_id else None


async def again(session: AsyncSession, nudge: Nudge) -> Say:
    """A snoozed nudge, as it comes back."""
    action = await session.get(PlanAction, nudge.action_id) if nudge.action_id else None
    return message(nudge, action)


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
