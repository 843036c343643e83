"""Words of distress are answered in the language they are written in (issue 21), with the
helplines of the person's country: a Spanish speaker in Mexico gets Spanish care and Mexico's
line; someone whose Telegram is in English and who writes in Russian gets Russian; a German
speaker's weaker sign gets "Are you safe right now?" in German. Taps carry no words, only the
language of the message they were under, and are answered in it (test_care_languages).
Nothing typed in distress is kept (as in test_crisis)."""

from __future__ import annotations

from bot.content import Markup
from bot.db.models import ScheduledMessage, User
from tests.e2e.harness import CONTENT, BotHarness, onboard, seen, shown
from tests.e2e.test_crisis import MARKER, _inbox_holds, _row_counts

ES_CRISIS = f"{MARKER} ya no quiero vivir, no le veo sentido a nada"
RU_CRISIS = f"{MARKER} я больше не хочу жить, хочу покончить с собой"
DE_UNSURE = f"{MARKER} ich kann nicht mehr, ich will einfach nur verschwinden"


def helplines(locale: str, country: str) -> Markup:
    return Markup(CONTENT.texts(locale)(f"crisis.helplines.{country}", variant=0))


def labels(locale: str, *names: str) -> list[str]:
    texts = CONTENT.texts(locale)
    return [texts(f"crisis.buttons.{name}", variant=0) for name in names]


def without_outbox(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if k != ScheduledMessage.__tablename__}


async def _move_to(bot: BotHarness, user_id: int, zone: str) -> None:
    async with bot.sessions() as session:
        person = await session.get(User, user_id)
        assert person is not None
        person.timezone = zone
        await session.commit()


async def test_spanish_speaker_gets_spanish_care_with_their_countrys_helplines(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code="es")
    await _move_to(bot, user.id, "America/Mexico_City")
    await bot.settle()
    before = await _row_counts(bot)
    await user.send(ES_CRISIS)
    care = await user.next_message()
    assert any(v in care.text for v in shown("crisis.reply", "es", helplines=helplines("es", "MX")))
    assert seen(helplines("es", "MX")) in care.text
    assert shown("crisis.next_steps", "es")[0] in care.text
    assert care.button_labels() == labels("es", "not_now", "pause", "check_tomorrow")
    assert "You matter" not in care.text and MARKER not in care.text
    await user.tap(labels("es", "not_now")[0], message=care)
    assert (await user.next_message()).text == shown("crisis.not_now", "es")[0]
    await bot.settle()
    assert without_outbox(await _row_counts(bot)) == without_outbox(before)
    assert await bot.flow_state(user.id) is None
    assert not await _inbox_holds(bot, MARKER)


async def test_english_telegram_writing_in_russian_is_answered_in_russian(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)  # Telegram in English, Berlin
    await user.send(RU_CRISIS)
    care = await user.next_message()
    # Russian words around Germany's helplines (no Russian version of that section: English).
    assert any(v in care.text for v in shown("crisis.reply", "ru", helplines=helplines("ru", "DE")))
    assert "TelefonSeelsorge" in care.text
    assert shown("crisis.next_steps", "ru")[0] in care.text
    assert care.button_labels() == labels("ru", "not_now", "pause", "check_tomorrow")
    # A tap carries no words, only the language of the message it was under: answered in
    # Russian too (a bad moment is not the time to switch languages).
    await user.tap(labels("ru", "not_now")[0], message=care)
    assert (await user.next_message()).text == shown("crisis.not_now", "ru")[0]
    await bot.settle()
    assert not await _inbox_holds(bot, MARKER)
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.language_code == "en"  # nothing about them changed


async def test_german_speaker_unsure_is_asked_in_german_and_im_safe_answered_in_german(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code="de")
    await bot.settle()
    before = await _row_counts(bot)
    await user.send(DE_UNSURE)
    question = await user.next_message()
    assert question.text in shown("crisis.ask_safe", "de")
    assert question.button_labels() == labels("de", "safe", "not_safe")
    await user.tap(labels("de", "safe")[0], message=question)
    assert (await user.next_message()).text in shown("crisis.safe", "de")
    await bot.settle()
    assert without_outbox(await _row_counts(bot)) == without_outbox(before)
    assert not await _inbox_holds(bot, MARKER)
