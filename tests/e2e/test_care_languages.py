"""Care moments in the languages with no interface yet (Ukrainian, Hindi, French, Portuguese):
someone whose Telegram is in Ukrainian reads the English interface exactly as before, and the
crisis reply, "Are you safe right now?", what follows each tap, the next morning's check and
"can I talk to someone?" in Ukrainian, with their country's lines. Someone whose Telegram is in
English who writes in Hindi is answered in Hindi, taps included (the buttons carry the language,
never words). Nothing typed in distress is kept (as in test_crisis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.content import Markup, Texts
from bot.db.models import User
from bot.dispatch import dispatch_due
from bot.emulator import SimUser
from bot.services.onboarding import LANGUAGES
from tests.e2e.harness import CONTENT, BotHarness, label, onboard, one_of, seen, shown
from tests.e2e.test_crisis import MARKER, _group_with_bot, _inbox_holds, _outbox, _row_counts
from tests.e2e.test_crisis_languages import without_outbox
from tests.e2e.webapp import app_server, auth, enable_webapp, journey

UK_CRISIS = f"{MARKER} я більше не хочу жити, хочу покінчити з собою"
UK_UNSURE = f"{MARKER} я більше не можу, хочу просто зникнути"
UK_TALK = "можна з кимось поговорити?"
HI_CRISIS = f"{MARKER} मैं अब और जीना नहीं चाहता, सब ख़त्म करना चाहता हूँ"
HI_UNSURE = f"{MARKER} मुझे लगता है सबके लिए बोझ हूँ"
KYIV_NEXT_MORNING = datetime(2026, 1, 16, 8, 0, tzinfo=UTC)  # 10:00 in Kyiv
KOLKATA_NEXT_MORNING = datetime(2026, 1, 16, 4, 30, tzinfo=UTC)  # 10:00 in Kolkata


def care(locale: str) -> Texts:
    """The care texts of ``locale`` (CONTENT.texts would give the interface, English)."""
    return Texts(CONTENT, locale)


def said(key: str, locale: str, **params: object) -> list[str]:
    """Every version of a care text in ``locale`` as the person reads it."""
    texts = care(locale)
    return [seen(texts(key, variant=v, **params)) for v in range(texts.count(key))]


def lines(locale: str, country: str, section: str = "helplines") -> Markup:
    return Markup(care(locale)(f"crisis.{section}.{country}", variant=0))


def buttons(locale: str, *names: str) -> list[str]:
    return [care(locale)(f"crisis.buttons.{name}", variant=0) for name in names]


async def _move_to(bot: BotHarness, user_id: int, zone: str) -> None:
    async with bot.sessions() as session:
        person = await session.get(User, user_id)
        assert person is not None
        person.timezone = zone
        await session.commit()


async def _english_interface(user: SimUser) -> None:
    """/help and the /settings language picker read exactly as for an English Telegram; only
    the full interface languages are offered."""
    await user.send("/help")
    assert (await user.next_message()).text == shown("help.private")[0]
    await user.send("/settings")
    summary = await user.next_message()
    assert "Time zone:" in summary.text
    await user.tap(label("settings.buttons.language"), message=summary)
    picker = await user.next_message()
    assert picker.text == seen(label("settings.ask_language"))
    offered = [label(f"settings.language.{code}") for code in LANGUAGES]
    assert [b for b in picker.button_labels() if b in offered] == offered
    assert len(LANGUAGES) == 4 and "uk" not in LANGUAGES and "hi" not in LANGUAGES


async def test_ukrainian_telegram_gets_care_in_ukrainian_and_the_english_interface(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code="uk")  # onboarding itself ran in English
    await _move_to(bot, user.id, "Europe/Kyiv")
    await bot.settle()
    before = await _row_counts(bot)

    await user.send(UK_CRISIS)
    reply = await user.next_message()
    assert one_of(reply.text, said("crisis.reply", "uk", helplines=lines("uk", "UA")))
    assert "7333" in reply.text and "Lifeline Ukraine" in reply.text
    assert said("crisis.next_steps", "uk")[0] in reply.text
    assert reply.button_labels() == buttons("uk", "not_now", "pause", "check_tomorrow")
    assert "You matter" not in reply.text and MARKER not in reply.text
    await user.tap(buttons("uk", "not_now")[0], message=reply)
    assert (await user.next_message()).text in said("crisis.not_now", "uk")

    # A weaker sign: "Are you safe right now?" in Ukrainian; each answer in Ukrainian.
    await user.send(UK_UNSURE)
    question = await user.next_message()
    assert question.text in said("crisis.ask_safe", "uk")
    assert question.button_labels() == buttons("uk", "safe", "not_safe")
    await user.tap(buttons("uk", "safe")[0], message=question)
    assert (await user.next_message()).text in said("crisis.safe", "uk")
    await user.send(UK_UNSURE)
    question = await user.next_message()
    await user.tap(buttons("uk", "not_safe")[0], message=question)
    care_reply = await user.next_message()
    assert one_of(care_reply.text, said("crisis.reply", "uk", helplines=lines("uk", "UA")))
    assert care_reply.button_labels() == buttons("uk", "not_now", "pause", "check_tomorrow")

    await bot.settle()
    assert without_outbox(await _row_counts(bot)) == without_outbox(before)
    assert not await _inbox_holds(bot, MARKER)
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.locale is None and stored.language_code == "uk"

    # Everything else: the English interface, exactly as before.
    await _english_interface(user)


async def test_the_next_morning_check_and_its_answers_come_in_ukrainian(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code="uk")
    await _move_to(bot, user.id, "Europe/Kyiv")
    await user.send(UK_CRISIS)
    reply = await user.next_message()
    await user.tap(buttons("uk", "check_tomorrow")[0], message=reply)
    assert (await user.next_message()).text in said("crisis.check_set", "uk", time="10:00")

    app = bot.instances[-1]
    bot.clock.current = KYIV_NEXT_MORNING + timedelta(minutes=1)
    await dispatch_due(app)
    await bot.settle()
    answers = buttons("uk", "day_better", "day_same", "day_hard")
    [check] = [m for m in user.messages if answers[0] in m.button_labels()]
    assert check.text in said("crisis.check_on_me", "uk")
    assert check.button_labels() == answers
    await user.tap(answers[2], message=check)
    await bot.settle()
    hard = user.last_message  # (the day's check-in prompt, in English, may have come before)
    assert hard is not None
    assert hard.text.startswith(said("crisis.day_hard", "uk", helplines=lines("uk", "UA"))[0])
    assert hard.button_labels() == buttons("uk", "not_now", "pause", "check_tomorrow")


async def test_ukrainian_can_i_talk_to_someone_gets_lines_to_talk_to_in_ukrainian(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code="uk")
    await _move_to(bot, user.id, "Europe/Kyiv")
    await user.send(UK_TALK)
    reply = await user.next_message()
    talk_lines = lines("uk", "UA", "talk_lines")
    assert one_of(reply.text, said("listen.question.talk", "uk", helplines=talk_lines))
    assert "7333" in reply.text and "112" not in reply.text  # people to talk to, no ambulance
    vent = care("uk")("listen.buttons.vent", variant=0)
    assert reply.button_labels() == [vent, care("uk")("listen.buttons.check_in", variant=0)]
    await user.tap(vent, message=reply)
    assert (await user.next_message()).text in said("listen.vent", "uk")
    # An ordinary message is answered in English, as before: no Ukrainian for it yet.
    await user.send("дякую")
    ordinary = await user.next_message()
    assert ordinary.text in [
        *shown("listen.greeting.thanks"),
        *shown("listen.greeting.ack"),
        *shown("listen.unsure"),
    ]


async def test_english_telegram_writing_hindi_is_answered_in_hindi_taps_too(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)  # Telegram in English
    await _move_to(bot, user.id, "Asia/Kolkata")
    await bot.settle()
    before = await _row_counts(bot)

    await user.send(HI_CRISIS)
    reply = await user.next_message()
    assert one_of(reply.text, said("crisis.reply", "hi", helplines=lines("hi", "IN")))
    assert "14416" in reply.text and "Tele-MANAS" in reply.text
    assert reply.button_labels() == buttons("hi", "not_now", "pause", "check_tomorrow")
    await user.tap(buttons("hi", "not_now")[0], message=reply)
    assert (await user.next_message()).text in said("crisis.not_now", "hi")

    await user.send(HI_UNSURE)
    question = await user.next_message()
    assert question.text in said("crisis.ask_safe", "hi")
    assert question.button_labels() == buttons("hi", "safe", "not_safe")
    await user.tap(buttons("hi", "safe")[0], message=question)
    assert (await user.next_message()).text in said("crisis.safe", "hi")
    await user.send(HI_UNSURE)
    question = await user.next_message()
    await user.tap(buttons("hi", "not_safe")[0], message=question)
    care_reply = await user.next_message()
    assert one_of(care_reply.text, said("crisis.reply", "hi", helplines=lines("hi", "IN")))

    await bot.settle()
    assert without_outbox(await _row_counts(bot)) == without_outbox(before)
    assert not await _inbox_holds(bot, MARKER)
    await _english_interface(user)


async def test_in_a_group_ukrainian_words_get_the_public_reply_in_ukrainian_then_help_privately(
    bot: BotHarness,
) -> None:
    """The group speaks English (its admin's language); a member's words of distress in
    Ukrainian get the discreet public reply in Ukrainian (the language just written, never
    her own: it is public), and its button opens her private chat with Ukrainian care."""
    olena = bot.user("Olena", language_code="uk")
    group = await _group_with_bot(bot, olena)
    await group.send(olena, UK_CRISIS)
    reply = await group.next_message()
    directory = lines("uk", "INTL")
    assert reply.text in said("crisis.group_reply", "uk", directory=directory)
    assert MARKER not in reply.text and "Olena" not in reply.text
    [[button]] = reply.buttons
    assert button.text == care("uk")("crisis.buttons.private_support", variant=0)
    await olena.send("/start support")  # where the button leads: her own country's lines
    support = await olena.next_message()
    assert support.text == said("crisis.private_support", "uk", helplines=lines("uk", "UA"))[0]
    await bot.settle()
    assert not await _inbox_holds(bot, MARKER)
    assert await bot.stored_user(olena.id) is not None  # only as anyone opening the chat is
    # An English member's words in the same group: English, as before.
    tom = bot.user("Tom")
    group.add_member(tom)
    await group.send(tom, f"{MARKER} I don't see the point in living anymore")
    assert (await group.next_message()).text in shown(
        "crisis.group_reply", directory=Markup(label("crisis.helplines.INTL"))
    )


async def test_no_command_menus_or_profile_are_filed_for_a_care_only_language(
    bot: BotHarness,
) -> None:
    for code in ("uk", "hi", "fr", "pt"):
        assert bot.emulator.commands("all_private_chats", code) == []
    assert bot.emulator.commands("all_private_chats", "ru") != []


async def test_the_mini_app_is_english_for_a_ukrainian_telegram_and_offers_no_care_language(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    enable_webapp(bot)
    await bot.start()
    user = await onboard(bot, language_code="uk")
    async with app_server(bot) as client:
        headers = auth(bot, user)
        document = await journey(client, headers)
        assert document["locale"] == "en"
        assert document["settings"]["language"] == "en"
        assert [code for code, _ in document["settings"]["languages"]] == list(LANGUAGES)
        refused = await client.post("/app/api/settings", headers=headers, json={"language": "uk"})
        assert refused.status_code == 422
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.locale is None


async def test_hindi_from_someone_not_set_up_names_indias_lines_not_the_directory(
    bot: BotHarness,
) -> None:
    """No time zone, an English Telegram: the language written in is the last guess at the
    country (as the app's language is), so Tele-MANAS rather than the worldwide directory.
    A time zone naming another country still wins (Berlin: TelefonSeelsorge)."""
    user = bot.user("Asha", language_code="en")
    await user.send(HI_CRISIS)
    reply = await user.next_message()
    assert one_of(reply.text, said("crisis.reply", "hi", helplines=lines("hi", "IN")))
    assert "14416" in reply.text
    assert reply.button_labels() == buttons("hi", "not_now", "check_tomorrow")
    berlin = await onboard(bot)
    await berlin.send(HI_CRISIS)
    reply = await berlin.next_message()
    assert "TelefonSeelsorge" in reply.text and "14416" not in reply.text
    assert one_of(reply.text, said("crisis.reply", "hi", helplines=lines("hi", "DE")))


async def test_the_morning_check_asked_for_in_hindi_comes_in_hindi_from_an_english_telegram(
    harness_any_db: BotHarness,
) -> None:
    """The check keeps the language it was asked in (a code in its outbox row, no words), and
    the answers to it come in that language too."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)  # Telegram in English
    await _move_to(bot, user.id, "Asia/Kolkata")
    await user.send(HI_CRISIS)
    reply = await user.next_message()
    await user.tap(buttons("hi", "check_tomorrow")[0], message=reply)
    assert (await user.next_message()).text in said("crisis.check_set", "hi", time="10:00")
    [row] = await _outbox(bot, user)
    assert row.payload == {"locale": "hi"}  # the language only, nothing of what was written

    app = bot.instances[-1]
    bot.clock.current = KOLKATA_NEXT_MORNING + timedelta(minutes=1)
    await dispatch_due(app)
    await bot.settle()
    answers = buttons("hi", "day_better", "day_same", "day_hard")
    [check] = [m for m in user.messages if answers[0] in m.button_labels()]
    assert check.text in said("crisis.check_on_me", "hi")
    await user.tap(answers[2], message=check)
    await bot.settle()
    hard = user.last_message
    assert hard is not None
    assert hard.text.startswith(said("crisis.day_hard", "hi", helplines=lines("hi", "IN"))[0])
    assert hard.button_labels() == buttons("hi", "not_now", "pause", "check_tomorrow")


async def test_another_countrys_lines_are_labelled_in_the_care_language(
    harness_any_db: BotHarness,
) -> None:
    """Hindi written in Berlin, Ukrainian in London: the other country's lines come with their
    labels in the language written ("free, any time", "Emergency" were English), the service
    names and numbers as they are."""
    bot = harness_any_db
    await bot.start()
    berlin = await onboard(bot)
    await berlin.send(HI_CRISIS)
    reply = await berlin.next_message()
    assert one_of(reply.text, said("crisis.reply", "hi", helplines=lines("hi", "DE")))
    assert "TelefonSeelsorge" in reply.text and "0800 111 0 111" in reply.text
    assert "मुफ़्त, किसी भी समय" in reply.text and "आपातकालीन नंबर" in reply.text
    for english in ("free, any time", "Emergency", "Somewhere else?"):
        assert english not in reply.text

    london = await onboard(bot, user=bot.user("Olena", language_code="uk", user_id=7000000002))
    await _move_to(bot, london.id, "Europe/London")
    await london.send(UK_CRISIS)
    reply = await london.next_message()
    assert one_of(reply.text, said("crisis.reply", "uk", helplines=lines("uk", "GB")))
    assert "Samaritans" in reply.text and "116 123" in reply.text
    assert "безкоштовно, цілодобово" in reply.text and "Екстрені служби" in reply.text
    for english in ("free, any time", "Emergency", "Somewhere else?", "text SHOUT"):
        assert english not in reply.text
