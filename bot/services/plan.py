"""/plan: the person's open next steps, the ones their debriefs and feedback created, each with
Done and Snooze right there. A snoozed step comes back as a nudge (the nudges' own snooze and
outbox), so a step put off from /plan and one put off from a nudge behave the same."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Nudge, PlanAction, ScheduledMessage, User
from bot.services import outbox
from bot.services.callback_data import PLAN, PlanTap
from bot.services.recurrence import local_day, local_instant
from bot.services.replies import Button, Ref, RefList, Say

SHOWN = 10
DONE_SHOWN = 3  # steps done today, shown ticked under the open ones
SNOOZE_KIND = "nudge"  # bot.services.nudges.SNOOZE (a test keeps the two equal)

# Next-step texts that only feedback creates live with the feedback content.
FEEDBACK_ACTIONS = frozenset({"communication", "experience", "fit"})


async def open_actions(session: AsyncSession, user_id: int) -> list[PlanAction]:
    query = (
        select(PlanAction)
        .where(PlanAction.user_id == user_id, PlanAction.status == "open")
        .order_by(PlanAction.created_at.desc(), PlanAction.id.desc())
        .limit(SHOWN)
    )
    return list((await session.execute(query)).scalars())


async def done_today(session: AsyncSession, user: User, now: datetime) -> list[PlanAction]:
    zone = user.timezone or "UTC"
    start = local_instant(local_day(now, zone), time(0), zone)
    query = (
        select(PlanAction)
        .where(
            PlanAction.user_id == user.id,
            PlanAction.status == "done",
            PlanAction.done_at >= start,
        )
        .order_by(PlanAction.done_at.desc(), PlanAction.id.desc())
        .limit(DONE_SHOWN)
    )
    return list((await session.execute(query)).scalars())


async def snoozed(session: AsyncSession, user_id: int) -> set[int]:
    """Plan actions waiting to come back as a snoozed nudge."""
    query = (
        select(Nudge.action_id)
        .join(ScheduledMessage, ScheduledMessage.ref_id == Nudge.id)
        .where(
            Nudge.user_id == user_id,
            Nudge.action_id.is_not(None),
            ScheduledMessage.user_id == user_id,
            ScheduledMessage.kind == SNOOZE_KIND,
            ScheduledMessage.status == "pending",
        )
    )
    return {action_id for action_id in (await session.execute(query)).scalars() if action_id}


def action_text(action: PlanAction) -> Ref:
    """The step as the person reads it: in the feedback's own words when it was made from
    feedback that named something specific, else the standard text for its reason."""
    if action.focus:
        return Ref(f"feedback.focused.{action.reason}", {"focus": action.focus}, action.variant)
    section = "feedback" if action.reason in FEEDBACK_ACTIONS else "reflection"
    return Ref(f"{section}.actions.{action.reason}", variant=action.variant)


def view(
    actions: Sequence[PlanAction],
    done: Sequence[PlanAction] = (),
    waiting: set[int] | None = None,
    *,
    replace: bool = False,
) -> Say:
    """The plan: numbered open steps with ✅ / ⏰ per step, and what was done today."""
    waiting = waiting or set()
    finished = tuple(Ref("plan.item_done", {"step": action_text(a)}) for a in done)
    if not actions:
        if finished:
            return Say(
                "plan.all_done", {"done": RefList(finished, separator="\n")}, replace=replace
            )
        return Say("plan.empty", replace=replace)
    items = []
    buttons = []
    for number, action in enumerate(actions, start=1):
        later = action.id in waiting
        key = "plan.item_snoozed" if later else "plan.item"
        items.append(Ref(key, {"n": number, "step": action_text(action)}))
        row = [
            Button("plan.buttons.done", PLAN.pack(PlanTap("done", action.id)), params={"n": number})
        ]
        if not later:
            row.append(
                Button(
                    "plan.buttons.snooze",
                    PLAN.pack(PlanTap("snooze", action.id)),
                    params={"n": number},
                )
            )
        buttons.append(tuple(row))
    params: dict[str, object] = {"items": RefList(tuple(items), separator="\n")}
    if finished:
        params["done"] = Ref("plan.done_today", {"items": RefList(finished, separator="\n")})
        return Say("plan.list_with_done", params, tuple(buttons), replace=replace)
    return Say("plan.list", params, tuple(buttons), replace=replace)


async def overview(
    session: AsyncSession, user: User, now: datetime, *, replace: bool = False
) -> Say:
    actions = await open_actions(session, user.id)
    done = await done_today(session, user, now)
    waiting = await snoozed(session, user.id) if actions else set()
    return view(actions, done, waiting, replace=replace)


async def mine(session: AsyncSession, user_id: int, action_id: int) -> PlanAction | None:
    action = await session.get(PlanAction, action_id)
    return action if action is not None and action.user_id == user_id else None


async def _waiting_nudges(session: AsyncSession, user_id: int, action_id: int) -> list[Nudge]:
    query = select(Nudge).where(
        Nudge.user_id == user_id,
        Nudge.action_id == action_id,
        Nudge.outcome.in_(("snoozed", "held")),  # held: came due on a low day, comes back later
    )
    return list((await session.execute(query)).scalars())


async def mark_done(session: AsyncSession, action: PlanAction, now: datetime) -> None:
    """Done: the step leaves the plan, and a snoozed nudge for it is called off."""
    action.status, action.done_at = "done", now
    for nudge in await _waiting_nudges(session, action.user_id, action.id):
        nudge.outcome = "done"
        await outbox.cancel(session, action.user_id, SNOOZE_KIND, nudge.id)


async def dismiss(session: AsyncSession, action: PlanAction) -> None:
    """Not relevant any more: the step leaves the plan as a dropped nudge's does (status
    "dropped", as bot.services.nudges.drop sets it), and a snoozed nudge for it is called off."""
    action.status = "dropped"
    for nudge in await _waiting_nudges(session, action.user_id, action.id):
        nudge.outcome = "dropped"
        await outbox.cancel(session, action.user_id, SNOOZE_KIND, nudge.id)


async def snooze(
    session: AsyncSession, user: User, action: PlanAction, now: datetime
) -> datetime | None:
    """Put a step off until tomorrow's check-in time: it comes back as a nudge, with Done and
    Snooze, through the nudges' snooze (on a low day it waits until the mood lifts). None if it is
    already waiting (a double tap)."""
    from bot.services import nudges  # here: nudges imports action_text from this module

    if action.id in await snoozed(session, user.id):
        return None

    nudge = Nudge(user_id=user.id, action_id=action.id, idea=None, variant=0, sent_at=now)
    action.last_nudged_at = now
    session.add(nudge)
    await session.flush()
    return await nudges.snooze(session, user, nudge, "tomorrow", now)
