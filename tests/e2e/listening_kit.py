"""What the listening tests share beyond the harness's catalogue helpers: the debriefs a person
has stored, opening a debrief, and walking one to the feedback request's first question."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Rejection
from bot.emulator import BotMessage, SimUser
from tests.e2e.harness import BotHarness, label, tap_keys


async def debriefs(bot: BotHarness, user_id: int) -> list[Rejection]:
    async with bot.sessions() as session:
        query = select(Rejection).where(Rejection.user_id == user_id).order_by(Rejection.id)
        return list((await session.execute(query)).scalars())


async def open_debrief(user: SimUser, locale: str = "en") -> BotMessage:
    await user.send("/reflect")
    await user.next_message()
    await user.tap(label("reflection.buttons.start", locale))
    return await user.next_message()


async def at_whom_to_write(bot: BotHarness, user: SimUser, locale: str = "en") -> BotMessage:
    """A debrief of Acme (final round, mood 2, Done on each page), then [Draft it now]: the
    message asking whom the feedback request goes to."""
    await open_debrief(user, locale)
    await user.send("Acme, Designer")
    await bot.settle()
    await tap_keys(bot, user, locale, "reflection.stage.final_round")
    await user.tap("😕 2")
    await bot.settle()
    await tap_keys(bot, user, locale, "flow.done", "flow.done", "flow.done")
    return await tap_keys(bot, user, locale, "reflection.buttons.draft_now")
