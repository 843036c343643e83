"""The worry that a no was about who one is (age, accent, origin, gender): its own warm words,
outside a debrief and inside one, in en/de/es/ru. Before, "I'm 52 and starting to wonder if
it's my age" got the not-sure reply ("I may have missed what you meant") and, in Spanish and
Russian, was asked "are you safe?". Both databases; what the person sees and what is stored."""

from __future__ import annotations

import pytest

from bot.db.models import CheckIn
from tests.e2e.harness import BotHarness, onboard, one_of, shown
from tests.e2e.listening_kit import debrief_at_stage, debriefs

WORRY = {
    "en": "I'm 52 and starting to wonder if it's my age. nobody says it but you can tell",
    "de": "Liegt es an meinem Alter? Bin 52 und keiner sagt es offen",
    "es": "¿será por mi edad? tengo 52 años y nadie lo dice",
    "ru": "может, дело в моём возрасте, мне 52, но никто так прямо не скажет",
}


@pytest.mark.parametrize("locale", sorted(WORRY))
async def test_a_worry_about_bias_is_named_warmly_not_missed(
    harness_any_db: BotHarness, locale: str
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    await user.send(WORRY[locale])
    reply = await user.next_message()
    assert one_of(reply.text, shown("listen.venting.bias", locale))
    assert not one_of(reply.text, shown("listen.unsure", locale))
    assert not one_of(reply.text, shown("crisis.ask_safe", locale))
    assert await debriefs(bot, user.id) == []  # no task made of it


@pytest.mark.parametrize("locale", sorted(WORRY))
async def test_the_same_worry_typed_in_a_debrief_is_acknowledged_and_kept(
    harness_any_db: BotHarness, locale: str
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    await debrief_at_stage(user, locale, "Brightwell Logistics")
    await user.send(WORRY[locale])
    again = await user.next_message()
    assert one_of(again.text, shown("listen.in_flow.venting.bias", locale))
    assert one_of(again.text, shown("reflection.ask_stage", locale, company="Brightwell Logistics"))
    [record] = await debriefs(bot, user.id)
    assert record.note is not None and WORRY[locale] in record.note
    async with bot.sessions() as session:  # not taken as a check-in either
        assert (await session.get(CheckIn, 1)) is None
