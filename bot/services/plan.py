"""/plan: the person's open next steps, the ones their debriefs created."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import PlanAction
from bot.services.replies import Ref, RefList, Say

SHOWN = 10


async def open_actions(session: AsyncSession, user_id: int) -> list[PlanAction]:
    query = (
        select(PlanAction)
        .where(PlanAction.user_id == user_id, PlanAction.status == "open")
        .order_by(PlanAction.created_at.desc(), PlanAction.id.desc())
        .limit(SHOWN)
    )
    return list((await session.execute(query)).scalars())


# Next-step texts that only feedback creates live with the feedback content.
FEEDBACK_ACTIONS = frozenset({"communication", "experience", "fit"})


def action_text(action: PlanAction) -> Ref:
    section = "feedback" if action.reason in FEEDBACK_ACTIONS else "reflection"
    return Ref(f"{section}.actions.{action.reason}", variant=action.variant)


async def overview(session: AsyncSession, user_id: int) -> Say:
    actions = await open_actions(session, user_id)
    if not actions:
        return Say("plan.empty")
    items = tuple(action_text(a) for a in actions)
    return Say("plan.list", {"items": RefList(items, separator="\n", prefix="• ")})
