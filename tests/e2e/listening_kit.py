"""What the listening tests share beyond the harness's catalogue helpers: the debriefs a person
has stored, and opening a debrief."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Rejection
from bot.emulator import BotMessage, SimUser
from tests.e2e.harness import BotHarness, label


async def debriefs(bot: BotHarness, user_id: int) -> list[Rejection]:
    async with bot.sessions() as session:
        query = select(Rejection).where(Rejection.user_id == user_id).order_by(Rejection.id)
        return list((await session.execute(query)).scalars())


async def open_debrief(user: SimUser, locale: str = "en") -> BotMessage:
    await user.send("/reflect")
    await user.next_message()
    await user.tap(label("reflection.buttons.start", locale))
    return await user.next_message()
