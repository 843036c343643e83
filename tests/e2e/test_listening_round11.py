"""What people type, round 11 (issue 16, listen11), each found by driving the demo as a person:
a win answered in words ("yes please") is not logged again by a later tap on the offer's
[Log it as a win]; details typed just after news ("the Shopify one. PM role") fill in the
debrief the news offered. What the person sees and what is stored are both checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import User, Win
from tests.e2e.harness import BotHarness, label, onboard, one_of, shown


async def wins(bot: BotHarness, user_id: int) -> list[str]:
    async with bot.sessions() as session:
        query = select(Win.kind).where(Win.user_id == user_id)
        return list((await session.execute(query)).scalars())


# (locale, good news, a yes in words)
GOOD_NEWS_THEN_YES = [
    ("en", "I got an offer!!!", "yes please"),
    ("de", "Ich habe ein Angebot bekommen!", "ja bitte"),
    ("es", "¡Me han hecho una oferta!", "sí, por favor"),
    ("ru", "Мне сделали оффер!", "да, давай"),
]


@pytest.mark.parametrize(("locale", "news", "yes"), GOOD_NEWS_THEN_YES)
async def test_a_win_answered_in_words_is_not_logged_again_by_a_tap(
    harness_any_db: BotHarness, locale: str, news: str, yes: str
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    await user.send(news)
    offer = await user.next_message()
    assert offer.button_labels() == [label("listen.buttons.log_it", locale)], offer.text
    await user.send(yes)
    logged = await user.next_message()
    assert one_of(logged.text, shown("listen.win_logged.offer", locale)), logged.text
    assert await wins(bot, user.id) == ["offer"]

    await user.tap(label("listen.buttons.log_it", locale), message=offer)
    again = await user.next_message()
    assert one_of(again.text, shown("listen.win_already", locale)), again.text
    assert await wins(bot, user.id) == ["offer"]  # still one
    assert offer.button_labels() == [], "the answered offer keeps no buttons"


async def test_a_stale_tap_after_later_messages_still_does_not_log_twice(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("I got an offer!!!")
    offer = await user.next_message()
    await user.send("yes please")
    await user.next_message()
    await user.send("hi")  # a hello in between: the offer on the person is gone
    await user.next_message()
    await user.tap(label("listen.buttons.log_it"), message=offer)
    again = await user.next_message()
    assert one_of(again.text, shown("listen.win_already")), again.text
    assert await wins(bot, user.id) == ["offer"]


async def test_a_second_piece_of_good_news_is_its_own_win(harness_any_db: BotHarness) -> None:
    """The "already logged" answer is for the same news only: a new offer's button logs."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("I got an offer!!!")
    await user.next_message()
    await user.send("yes please")
    await user.next_message()
    await user.send("Got another offer today!")
    second = await user.next_message()
    await user.tap(label("listen.buttons.log_it"), message=second)
    logged = await user.next_message()
    assert one_of(logged.text, shown("listen.win_logged.offer")), logged.text
    assert await wins(bot, user.id) == ["offer", "offer"]
    async with bot.sessions() as session:
        person = await session.get(User, user.id)
        assert person is not None and person.offer is not None
        assert "yes" not in person.offer  # no offer left open, only the wins remembered
