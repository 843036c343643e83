"""What people type, round 13 (issue 16, listen13): rejection news typed at "Shall we set up?"
is offered set-up now or later, and [Later] keeps the news for /start without asking anything;
"thanks, I think I need a break" typed mid-debrief parks it instead of being read as thanks;
a debrief on a mood of 1-2 rests the day's nudges as a check-in's 1-2 does; a mood typed hours
after the morning check-in, the same day, is its answer; a person whose first words are plainly
in another of our languages than their Telegram app's is set up and answered in it.
What the person sees and what is stored are both checked, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.models import CheckIn, Nudge, PlanAction
from bot.dispatch import dispatch_due
from bot.services import checkins
from tests.e2e.harness import BotHarness, label, leads, onboard, one_of, seen, shown
from tests.e2e.listening_kit import (
    debrief_answered_to,
    debrief_open_at,
    debriefs,
    onboarded,
    open_debrief,
)

# (locale, news typed at the welcome, the company it names)
NEWS_AT_THE_WELCOME = [
    ("en", "just got rejected by Brightwell after the final round", "Brightwell"),
    ("de", "habe gerade eine Absage von Zalando bekommen, nach der letzten Runde", "Zalando"),
    ("es", "me acaban de rechazar en Glovo después de la última ronda", "Glovo"),
    ("ru", "мне только что отказали в Яндексе после финального этапа", "Яндекс"),
]


@pytest.mark.parametrize(("locale", "news", "company"), NEWS_AT_THE_WELCOME)
async def test_news_at_the_welcome_can_wait_for_later(
    harness_any_db: BotHarness, locale: str, news: str, company: str
) -> None:
    """The reply asked "now or later?" above a lone [Set up]. Now [Set up now] / [Later];
    [Later] says the news is kept and /start picks it up, asks nothing, and /start's set-up
    ends by offering that debrief."""
    bot = harness_any_db
    await bot.start()
    user = bot.user("Mo", language_code=locale)
    await user.send("/start")
    await user.next_message()
    await user.send(news)
    reply = await user.next_message()
    assert one_of(reply.text, shown("listen.setup_news", locale)), reply.text
    assert reply.button_labels() == [
        label("listen.buttons.set_up_now", locale),
        label("listen.buttons.later", locale),
    ]
    await user.tap(label("listen.buttons.later", locale), message=reply)
    later = await user.next_message()
    assert later.text == seen(shown("listen.setup_later", locale, company=company)[0])
    assert later.buttons == []
    await bot.settle()
    assert user.last_message is later  # nothing asked after it
    assert await bot.flow_state(user.id) is None
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.stage, record.completed_at) == (company, "final_round", None)
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.onboarded_at is None and stored.consented_at is None

    # Back with /start: the usual set-up, then the news offered as a debrief.
    await user.send("/start")
    welcome = await user.next_message()
    assert one_of(welcome.text, shown("onboarding.welcome", locale))
    await user.tap(label("onboarding.buttons.agree", locale), message=welcome)
    await user.next_message()
    await user.send("Berlin")
    await user.next_message()
    await user.tap("09:00")
    await user.next_message()
    await user.tap(label("onboarding.frequency.daily", locale))
    done = await user.next_message()
    assert one_of(done.text, shown("reflection.offer_from_news", locale, company=company))
    assert done.button_labels() == [
        label("listen.buttons.debrief_now", locale),
        label("listen.buttons.not_now", locale),
    ]


# (locale, thanks and a break asked for, typed at "What went well?")
THANKS_AND_A_BREAK = [
    ("en", "thanks, I think I need a break"),
    ("en", "thanks, that's enough for today"),
    ("es", "gracias, necesito un descanso"),
    ("ru", "спасибо, мне нужен перерыв"),
    ("de", "danke, ich brauche eine Pause"),
]


@pytest.mark.parametrize(("locale", "typed"), THANKS_AND_A_BREAK)
async def test_thanks_and_a_break_mid_debrief_parks_it(
    harness_any_db: BotHarness, locale: str, typed: str
) -> None:
    """It was read as thanks, and the question came again. Now the break is fine, nothing
    more is asked, the answers so far are kept, and /reflect offers to continue."""
    bot = harness_any_db
    user = await onboarded(bot, locale)
    await debrief_open_at(bot, user, "went_well", locale)
    await bot.settle()
    await user.send(typed)
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    [parked] = shown("flow.parked.debrief", locale, command="/reflect")
    assert one_of(reply.text, shown("listen.in_flow.stop", locale, parked=parked)), reply.text
    assert reply.buttons == []
    assert not one_of(reply.text, shown("reflection.ask_differently", locale))
    assert await bot.flow_state(user.id) is None  # nothing more is asked
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.stage, record.mood) == ("Acme", "final_round", 2)
    assert record.completed_at is None and record.note is None  # the thanks is not a note

    await user.send("/reflect")
    await bot.settle()
    again = user.last_message
    assert again is not None
    assert one_of(again.text, leads("reflection.continue_or_fresh", locale)), again.text
    assert "Acme" in again.text
    assert label("reflection.buttons.continue", locale) in again.button_labels()


FRIDAY = datetime(2026, 3, 27, 0, 0, tzinfo=UTC)


async def run_clock(bot: BotHarness, until: datetime) -> None:
    """Time moves on in quarter hours, the dispatcher running at each, as the job queue would."""
    while bot.clock.now() < until:
        bot.clock.advance(timedelta(minutes=15))
        await dispatch_due(bot.instances[-1])
    await bot.settle()


async def nudge_outcomes(bot: BotHarness) -> list[str | None]:
    async with bot.sessions() as session:
        return list((await session.execute(select(Nudge.outcome).order_by(Nudge.id))).scalars())


async def step_statuses(bot: BotHarness, user_id: int) -> set[str]:
    async with bot.sessions() as session:
        query = select(PlanAction.status).where(PlanAction.user_id == user_id)
        return set((await session.execute(query)).scalars())


async def test_a_low_debrief_rests_the_days_nudges(harness_any_db: BotHarness) -> None:
    """A step snoozed to later today came back a few hours after a debrief on a mood of 2:
    only a check-in's 1-2 held it. Now the debrief's low mood counts the same way: the step
    waits (stored as held), and comes back with the next check-in whose mood is not low."""
    bot = harness_any_db
    await bot.start()
    bot.clock.current = FRIDAY + timedelta(hours=8)  # 09:00 in Berlin
    user = await onboard(bot)
    await user.send("/checkin")
    await user.tap("🙂", message=await user.next_message())
    nudge = await user.next_message()
    assert nudge.button_labels() == ["✅ Done", "⏰ Snooze", "Not relevant"]
    await user.tap(label("checkin.buttons.snooze"), message=nudge)
    await user.tap(label("checkin.buttons.later_today"), message=await user.next_message())
    await user.next_message()  # "Later it is: around 12:00."

    bot.clock.advance(timedelta(minutes=30))
    await open_debrief(user)  # later that morning: a debrief on a mood of 2
    await debrief_answered_to(bot, user, "end")
    card = next(m for m in reversed(user.messages) if m.text.startswith("📝"))
    assert one_of(card.text, leads("reflection.low_ending")), card.text
    assert await step_statuses(bot, user.id) == {checkins.RESTING}
    count = len(user.messages)
    await run_clock(bot, FRIDAY + timedelta(hours=20))
    assert len(user.messages) == count  # the snoozed step is not sent that day
    assert await nudge_outcomes(bot) == ["held"]

    # Next morning's check-in on a better mood: the held step comes back, the steps too.
    await run_clock(bot, FRIDAY + timedelta(days=1, hours=8))
    prompt = user.messages[-1]
    assert label("checkin.buttons.win") in prompt.button_labels()
    await user.tap("😐", message=prompt)
    await bot.settle()
    back = user.last_message
    assert back is not None and back is not prompt
    assert back.text.split("\n")[-1] == nudge.text.split("\n")[-1]  # the same step
    assert one_of(back.text, shown("checkin.nudge_again_intro"))
    assert await nudge_outcomes(bot) == [None]
    assert await step_statuses(bot, user.id) == {"open"}


async def test_a_good_check_in_after_a_low_debrief_lifts_the_day(
    harness_any_db: BotHarness,
) -> None:
    """The latest mood told decides: a check-in on a 4 after a debrief on a 2 brings the
    day's small step, and the rested steps back."""
    bot = harness_any_db
    await bot.start()
    bot.clock.current = FRIDAY + timedelta(hours=8)
    user = await onboard(bot)
    await open_debrief(user)
    await debrief_answered_to(bot, user, "end")
    assert await step_statuses(bot, user.id) == {checkins.RESTING}
    bot.clock.advance(timedelta(hours=2))
    await user.send("/checkin")
    await bot.settle()
    prompt = user.last_message
    assert prompt is not None
    await user.tap("🙂", message=prompt)
    await bot.settle()
    nudge = user.last_message
    assert nudge is not None
    assert nudge.button_labels() == ["✅ Done", "⏰ Snooze", "Not relevant"]
    assert await step_statuses(bot, user.id) == {"open"}


async def stored_moods(bot: BotHarness, user_id: int) -> list[tuple[str, int | None]]:
    async with bot.sessions() as session:
        query = select(CheckIn.day, CheckIn.mood).where(CheckIn.user_id == user_id)
        return [(day.isoformat(), mood) for day, mood in (await session.execute(query)).all()]


# (locale, a mood typed later that day, the mood it gives, hours after the 09:00 question)
LATE_MOODS = [
    ("en", "not great, about a 2", 2, 5),
    ("en", "pretty good actually", 4, 13),  # 22:00: more than the 12 hours the rule allowed
    ("es", "no muy bien, como un 2", 2, 13),
    ("de", "nicht so gut, eher eine 2", 2, 13),
    ("ru", "не очень, где-то на 2", 2, 13),
]


@pytest.mark.parametrize(("locale", "typed", "mood", "hours"), LATE_MOODS)
async def test_a_mood_typed_hours_after_the_check_in_is_its_answer(
    harness_any_db: BotHarness, locale: str, typed: str, mood: int, hours: int
) -> None:
    """The 09:00 check-in answered in words at 22:00 was read as venting (or not understood):
    only 12 hours counted. Until the person's midnight it is the check-in's answer: the face it
    was taken as, the reply to that mood, and the mood stored for that day."""
    bot = harness_any_db
    await bot.start()
    bot.clock.current = FRIDAY + timedelta(hours=6)  # 07:00 in Berlin
    user = await onboarded(bot, locale)
    await run_clock(bot, FRIDAY + timedelta(hours=8))  # the 09:00 check-in
    prompt = user.last_message
    assert prompt is not None and label("checkin.buttons.win", locale) in prompt.button_labels()
    bot.clock.current = FRIDAY + timedelta(hours=8 + hours)
    await user.send(typed)
    await bot.settle()
    face = label(f"checkin.mood.{mood}", locale)
    taken = [m for m in user.messages if m.message_id > prompt.message_id]
    assert taken and one_of(taken[0].text, shown("checkin.typed_mood", locale, face=face))
    assert await stored_moods(bot, user.id) == [("2026-03-27", mood)]


async def test_a_mood_typed_the_next_morning_is_not_yesterdays_answer(
    harness_any_db: BotHarness,
) -> None:
    """After the person's midnight, yesterday's question waits no more: "not great" typed at
    07:00 before the day's check-in is heard as itself, and no mood is stored for either day."""
    bot = harness_any_db
    await bot.start()
    bot.clock.current = FRIDAY + timedelta(hours=6)
    user = await onboarded(bot)
    await run_clock(bot, FRIDAY + timedelta(hours=8))
    bot.clock.current = FRIDAY + timedelta(days=1, hours=6)  # 07:00 the next day
    await user.send("not great")
    await bot.settle()
    reply = user.last_message
    assert reply is not None
    assert not one_of(reply.text, leads("checkin.typed_mood")), reply.text
    assert await stored_moods(bot, user.id) == []


async def stored_locale(bot: BotHarness, user_id: int) -> str | None:
    stored = await bot.stored_user(user_id)
    assert stored is not None
    return stored.locale


# (their first words, the language they are plainly in); the Telegram app is in English
FIRST_WORDS_IN_ANOTHER_LANGUAGE = [
    ("hola, me rechazaron otra vez", "es"),
    ("привет, мне опять отказали", "ru"),
    ("Hallo, ich habe schon wieder eine Absage bekommen", "de"),
]


@pytest.mark.parametrize(("typed", "locale"), FIRST_WORDS_IN_ANOTHER_LANGUAGE)
async def test_first_words_in_another_language_choose_it(
    harness_any_db: BotHarness, typed: str, locale: str
) -> None:
    """They were answered in that language once, then set up and answered in English: the
    app's. Now the words choose: one line says so in their language with [English] to go
    back, the choice is stored, and set-up asks in it."""
    bot = harness_any_db
    await bot.start()
    user = bot.user("Lu", language_code="en")
    await user.send(typed)
    reply = await user.next_message()  # their words answered first, in their language
    assert one_of(reply.text, leads("listen.setup_news", locale)), reply.text
    assert reply.button_labels() == [
        label("listen.buttons.set_up_now", locale),
        label("listen.buttons.later", locale),
    ]
    note = await user.next_message()
    assert note.text == seen(shown("listen.language_switched", locale)[0])
    assert note.button_labels() == ["English"]
    assert await stored_locale(bot, user.id) == locale
    await user.tap(label("listen.buttons.set_up_now", locale), message=reply)
    first = await user.next_message()
    assert one_of(first.text, shown("onboarding.ask_timezone", locale)), first.text


async def test_words_at_the_welcome_choose_the_language_too(harness_any_db: BotHarness) -> None:
    """/start showed the English welcome; "sí, vale" typed at it is the yes, and the
    set-up goes on in Spanish."""
    bot = harness_any_db
    await bot.start()
    user = bot.user("Lu", language_code="en")
    await user.send("/start")
    await user.next_message()
    await user.send("sí, vale")
    ask = await user.next_message()
    assert one_of(ask.text, shown("onboarding.ask_timezone", "es")), ask.text
    note = await user.next_message()
    assert note.text == seen(shown("listen.language_switched", "es")[0])
    assert await stored_locale(bot, user.id) == "es"


async def test_the_way_back_is_a_choice_the_words_do_not_undo(
    harness_any_db: BotHarness,
) -> None:
    """[English] under the line: English from now on, stored as their choice; more Spanish
    typed after it switches nothing."""
    bot = harness_any_db
    await bot.start()
    user = bot.user("Lu", language_code="en")
    await user.send("hola, me rechazaron otra vez")
    await user.next_message()
    note = await user.next_message()
    await user.tap("English", message=note)
    saved = await user.next_message()
    assert saved.text == seen(shown("settings.language_saved", "en")[0])
    assert await stored_locale(bot, user.id) == "en"
    await user.send("gracias, ¿qué puedo hacer ahora?")
    await bot.settle()
    later = [m.text for m in user.messages if m.message_id > saved.message_id]
    assert later and not any(one_of(t, leads("listen.language_switched", "es")) for t in later)
    assert await stored_locale(bot, user.id) == "en"


# Words too short or too shared to name a language: no switch, nothing stored.
NOT_PLAINLY = ["ok", "lol", "Madrid", "👍", "Acme", "hi", "thanks"]


@pytest.mark.parametrize("typed", NOT_PLAINLY)
async def test_a_short_or_shared_word_switches_nothing(bot: BotHarness, typed: str) -> None:
    user = bot.user("Lu", language_code="es")
    await user.send(typed)
    await bot.settle()
    assert all(
        not one_of(m.text, leads("listen.language_switched", code))
        for m in user.messages
        for code in ("en", "es", "de", "ru")
    )
    assert await stored_locale(bot, user.id) is None


async def test_gracias_alone_is_spanish_enough(bot: BotHarness) -> None:
    user = bot.user("Lu", language_code="en")
    await user.send("gracias")
    await bot.settle()
    note = user.last_message
    assert note is not None and note.text == seen(shown("listen.language_switched", "es")[0])
    assert await stored_locale(bot, user.id) == "es"


async def test_a_language_chosen_in_settings_wins_over_the_words(
    harness_any_db: BotHarness,
) -> None:
    """Set up in English, German chosen in /settings: Spanish typed after it is answered, and
    the choice stays German."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("/settings")
    await user.next_message()
    await user.tap(label("settings.buttons.language"))
    await user.next_message()
    await user.tap("Deutsch")
    await user.next_message()
    await user.send("hola, me rechazaron otra vez")
    await bot.settle()
    assert not any(one_of(m.text, leads("listen.language_switched", "es")) for m in user.messages)
    assert await stored_locale(bot, user.id) == "de"


async def test_after_the_first_day_the_words_switch_nothing(harness_any_db: BotHarness) -> None:
    """Set up in English two days ago: a Spanish message then is answered, the interface stays."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    bot.clock.advance(timedelta(days=2))
    await user.send("hola, me rechazaron otra vez")
    await bot.settle()
    assert not any(one_of(m.text, leads("listen.language_switched", "es")) for m in user.messages)
    assert await stored_locale(bot, user.id) is None
