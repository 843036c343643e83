"""What a person who speaks Spanish, German or Russian reads when their typed words meet a
guided flow (issue 16 §2-3): the aside acknowledged and the note it was kept as, and a flow
set aside by another command, in their language, never an English line among them. Texts are
compared with the content catalogue, not copied."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Rejection
from tests.e2e.harness import BotHarness, one_of, shown
from tests.e2e.listening_kit import onboarded, open_debrief


async def test_a_spanish_speakers_aside_and_parked_debrief_are_in_spanish(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user = await onboarded(bot, "es")
    await open_debrief(user, "es")
    aside = "Estoy tan cansada de buscar trabajo, de verdad"
    await user.send(aside)  # at the company question: an aside, not a company name
    again = await user.next_message()
    assert one_of(again.text, shown("listen.in_flow.venting.exhausted", "es"))
    assert one_of(again.text, shown("listen.in_flow.kept", "es"))
    assert not one_of(again.text, shown("listen.in_flow.kept", "en"))
    assert one_of(again.text, shown("reflection.ask_company", "es"))  # asked again
    async with bot.sessions() as session:
        [record] = (await session.execute(select(Rejection))).scalars().all()
    assert record.company is None and record.note is not None and aside in record.note

    await user.send("/checkin")  # another command sets the debrief aside, visibly
    parked = await user.next_message()
    assert one_of(parked.text, shown("flow.parked.debrief", "es"))
    assert not one_of(parked.text, shown("flow.parked.debrief", "en"))


async def test_every_version_of_an_aside_reads_in_the_persons_language(bot: BotHarness) -> None:
    """Versions are counted from English; a Russian speaker sees as many different ones."""
    user = await onboarded(bot, "ru")
    await open_debrief(user, "ru")
    versions = shown("listen.in_flow.venting.exhausted", "ru")
    assert len(versions) == len(shown("listen.in_flow.venting.exhausted", "en"))
    seen = []
    for _ in versions:
        await user.send("Я так устал от этих поисков работы")
        text = (await user.next_message()).text
        seen.append(next(v for v in versions if v in text))
    assert sorted(seen) == sorted(versions)  # each version once before any repeats
