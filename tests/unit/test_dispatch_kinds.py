"""The dispatcher's registry (bot.dispatch.kinds): every kind of scheduled message the services
queue has the builder its feature registered, and no kind is claimed twice."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from bot.dispatch import Kinds
from bot.services import admin, feedback, groups, nudges, reflection, schedule
from bot.services.crisis import care
from bot.services.outbox import Claimed
from bot.services.replies import Say
from handlers import scheduled_kinds


def test_every_scheduled_kind_has_a_builder() -> None:
    kinds = scheduled_kinds()
    assert set(kinds.people) == {
        schedule.CHECKIN,
        schedule.REVIEW,
        reflection.REMINDER,
        feedback.CHECK,
        nudges.SNOOZE,
        admin.BROADCAST,
        care.CHECK_ON_ME,
    }
    assert set(kinds.groups) == {groups.CHECKIN, groups.RECAP}
    # Only the weekly review goes out as a chart of the week.
    assert [kind for kind, entry in kinds.people.items() if entry.week_chart] == [schedule.REVIEW]


async def _nothing(_s: AsyncSession, _i: Claimed, _u: User) -> Say | None:
    return None


def test_a_kind_registered_twice_is_refused() -> None:
    kinds = Kinds()
    kinds.person("checkin", _nothing)
    with pytest.raises(ValueError, match="twice"):
        kinds.person("checkin", _nothing)
