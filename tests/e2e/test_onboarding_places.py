"""People answer the time zone question with a city in their own language (issue 21): «в Москве»,
"ich wohne in Zürich", "Ciudad de México". The zone is stored and the bot reads the place back
in the words they used, from their language's catalogue."""

from __future__ import annotations

import pytest

from bot.services.timezones import local_now, utc_offset_label
from tests.e2e.harness import BotHarness, begin_onboarding, person_texts, seen


@pytest.mark.parametrize(
    ("language_code", "typed", "place", "zone"),
    [
        ("ru", "Я живу в Москве", "Москва", "Europe/Moscow"),
        ("de", "ich wohne in Zürich", "Zurich", "Europe/Zurich"),
        ("es", "Ciudad de México", "Ciudad de México", "America/Mexico_City"),
    ],
)
async def test_a_city_in_the_persons_language_sets_the_time_zone(
    harness: BotHarness, language_code: str, typed: str, place: str, zone: str
) -> None:
    bot = harness
    await bot.start()
    user = await begin_onboarding(bot, language_code=language_code)
    texts = person_texts(user)

    await user.send(typed)
    reply = await user.next_message()
    now = bot.clock.now()
    ack = texts(
        "onboarding.ack_zone",
        place=place,
        local_time=local_now(zone, now).strftime("%H:%M"),
        offset=utc_offset_label(zone, now),
    )
    ask = texts("onboarding.ask_time", local_time=local_now(zone, now).strftime("%H:%M"))
    assert reply.text == seen(ack + "\n\n" + ask)
    assert seen(texts("onboarding.timezone_problem.unknown")) not in reply.text

    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.timezone == zone
