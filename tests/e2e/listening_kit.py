"""What the listening tests share beyond the harness's catalogue helpers: a person set up and
saying something, the debriefs a person has stored, opening a debrief and walking one to a given
page, and walking one to the feedback request's first question."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select

from bot.db.models import Rejection
from bot.emulator import BotMessage, SimUser
from tests.e2e.harness import BotHarness, label, onboard, tap_keys

# The debrief's pages after the stage, in the order they are asked; "end" is what follows the
# last one (the debrief's close, with its offer of a draft).
DebriefPage = Literal["mood", "went_well", "differently", "outside", "end"]
DONE_TAPS: dict[DebriefPage, int] = {"went_well": 0, "differently": 1, "outside": 2, "end": 3}


async def onboarded(bot: BotHarness, locale: str = "en") -> SimUser:
    """A person set up with the harness's ``onboard`` (Berlin, 09:00, every day), their Telegram
    in ``locale``; the bot is started first if no instance runs yet."""
    if not bot.instances:
        await bot.start()
    return await onboard(bot, language_code=locale)


async def says(user: SimUser, typed: str) -> BotMessage:
    """The person types ``typed``; the bot's next message to them."""
    await user.send(typed)
    return await user.next_message()


async def onboarded_says(
    bot: BotHarness, typed: str, locale: str = "en"
) -> tuple[SimUser, BotMessage]:
    """A person just set up (``onboarded``) types ``typed``: they, and the bot's reply."""
    user = await onboarded(bot, locale)
    return user, await says(user, typed)


async def onboarded_at_checkin(bot: BotHarness, locale: str = "en") -> SimUser:
    """A person just set up (``onboarded``) sends /checkin: they are at its mood question."""
    user = await onboarded(bot, locale)
    await user.send("/checkin")
    await user.next_message()
    return user


async def debriefs(bot: BotHarness, user_id: int) -> list[Rejection]:
    async with bot.sessions() as session:
        query = select(Rejection).where(Rejection.user_id == user_id).order_by(Rejection.id)
        return list((await session.execute(query)).scalars())


async def open_debrief(user: SimUser, locale: str = "en") -> BotMessage:
    await user.send("/reflect")
    await user.next_message()
    await user.tap(label("reflection.buttons.start", locale))
    return await user.next_message()


async def debrief_answered_to(
    bot: BotHarness,
    user: SimUser,
    page: DebriefPage,
    locale: str = "en",
    company: str = "Acme",
) -> BotMessage:
    """From the debrief's company question: ``company`` typed, [Final round], then 😕 2 and
    Done on each choice page until ``page`` is asked; the message asking it."""
    await user.send(company)
    await bot.settle()
    asked = await tap_keys(bot, user, locale, "reflection.stage.final_round")
    if page == "mood":
        return asked
    await user.tap("😕 2")
    await bot.settle()
    return await tap_keys(bot, user, locale, *("flow.done",) * DONE_TAPS[page])


async def debrief_open_at(
    bot: BotHarness, user: SimUser, page: DebriefPage, locale: str = "en"
) -> BotMessage:
    """/reflect, [Start], then ``debrief_answered_to`` the ``page`` (Acme): the message asking
    it."""
    await open_debrief(user, locale)
    return await debrief_answered_to(bot, user, page, locale)


async def debrief_at_stage(user: SimUser, locale: str = "en", company: str = "Acme") -> BotMessage:
    """/reflect, [Start], ``company`` typed: the message asking how far they got."""
    await open_debrief(user, locale)
    return await says(user, company)


async def at_whom_to_write(bot: BotHarness, user: SimUser, locale: str = "en") -> BotMessage:
    """A debrief of Acme (final round, mood 2, Done on each page), then [Draft it now]: the
    message asking whom the feedback request goes to."""
    await open_debrief(user, locale)
    await debrief_answered_to(bot, user, "end", locale, company="Acme, Designer")
    return await tap_keys(bot, user, locale, "reflection.buttons.draft_now")
