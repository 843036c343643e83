"""A person meets Rebound: /start, consent, time zone, check-in time and frequency."""

from __future__ import annotations

from datetime import time

import pytest

from tests.e2e.harness import (
    CONTENT,
    BotHarness,
    begin_onboarding,
    label,
    leads,
    onboard,
    one_of,
    shown,
)


async def test_full_onboarding_stores_each_answer_as_given(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await begin_onboarding(bot)
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.consented_at == bot.clock.now()

    await user.send("Berlin")
    ask_time = await user.next_message()
    assert ask_time.text.startswith("✅ Berlin: it's 13:00 there now (UTC+01:00).\n\n")
    assert one_of(ask_time.text, shown("onboarding.ask_time", local_time="13:00"))
    assert ask_time.button_labels() == ["08:00", "09:00", "12:30", "18:00", "20:00", "Skip"]
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.timezone == "Europe/Berlin"

    await user.tap("09:00")
    ask_freq = await user.next_message()
    assert ask_freq.button_labels() == ["Every day", "Weekdays", "No check-ins"]
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.checkin_time == time(9, 0)
    assert stored.onboarded_at is None

    await user.tap("Weekdays")
    done = await user.next_message()
    assert "You're all set" in done.text
    assert "on weekdays at 09:00 (Berlin, UTC+01:00)" in done.text
    stored = await bot.stored_user(user.id)
    assert stored is not None
    assert stored.checkin_frequency == "weekdays"
    assert stored.onboarded_at == bot.clock.now()
    assert await bot.flow_state(user.id) is None
    # Answered questions (tapped or typed) lose their buttons: nothing can be tapped twice.
    assert len(user.messages) == 5
    assert all(not m.buttons for m in user.messages)


@pytest.mark.parametrize(
    ("answer", "stored", "ack"),
    [
        ("Berlin", "Europe/Berlin", "Berlin: it's 13:00 there now"),
        ("sao paulo", "America/Sao_Paulo", "it's 09:00 there now (UTC-03:00)"),
        ("São Paulo", "America/Sao_Paulo", "it's 09:00 there now"),
        (
            "Europe/Lisbon",
            "Europe/Lisbon",
            "it's 12:00 there now (Portugal time, UTC+00:00)",
        ),
        ("UTC+5:30", "UTC+05:30", "Set to UTC+05:30, so it's 17:30 for you now"),
        ("it's 14:00 here", "UTC+02:00", "Set to UTC+02:00, so it's 14:00 for you now"),
        ("it's 17:30 here", "UTC+05:30", "Set to UTC+05:30, so it's 17:30 for you now"),
    ],
)
async def test_each_time_zone_form_is_understood(
    bot: BotHarness, answer: str, stored: str, ack: str
) -> None:
    user = await begin_onboarding(bot)
    await user.send(answer)
    reply = await user.next_message()
    assert ack in reply.text
    row = await bot.stored_user(user.id)
    assert row is not None and row.timezone == stored


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Atlantis", "couldn't place"),
        ("Berln", "Did you mean <b>Berlin"),
        ("USA", "several time zones"),
        ("UTC+15", "UTC-12 to UTC+14"),
        ("🙂" * 50, "couldn't place"),
        ("x" * 5000, "couldn't place"),
    ],
)
async def test_bad_time_zone_gets_a_clear_re_ask(
    bot: BotHarness, answer: str, expected: str
) -> None:
    user = await begin_onboarding(bot)
    await user.send(answer)
    problem = await user.next_message()
    assert expected.replace("<b>", "") in problem.text
    assert "Where are you?" in problem.text
    state = await bot.flow_state(user.id)
    assert state is not None and state.step == "tz"
    await user.send("Berlin")
    assert "Berlin" in (await user.next_message()).text


async def test_free_time_entry_and_bad_time(bot: BotHarness) -> None:
    user = await begin_onboarding(bot)
    await user.tap("Skip")
    assert one_of((await user.next_message()).text, shown("onboarding.ack_zone_skipped"))
    await user.send("25:99")
    again = await user.next_message()
    assert one_of(again.text, shown("onboarding.time_problem"))
    assert one_of(again.text, leads("onboarding.ask_time"))
    await user.send("8pm")
    await user.next_message()  # frequency question
    row = await bot.stored_user(user.id)
    assert row is not None and row.checkin_time == time(20, 0) and row.timezone is None


async def test_not_now_stores_no_consent(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/start")
    await user.next_message()
    await user.tap("Not now")
    assert "Send /start whenever" in (await user.next_message()).text
    row = await bot.stored_user(user.id)
    assert row is not None and row.consented_at is None and row.onboarded_at is None


async def test_start_again_shows_settings_instead_of_starting_over(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("/start")
    summary = await user.next_message()
    assert summary.text.startswith(label("start.welcome_back"))
    assert "Time zone: Europe/Berlin" in summary.text
    assert "Check-in time: 09:00" in summary.text
    assert "How often: Every day" in summary.text
    assert "Weekly review: Sunday" in summary.text
    assert "Language: English" in summary.text
    assert summary.button_labels() == [
        "Time zone",
        "Check-in time",
        "How often",
        "Weekly review",
        "Language",
        "All good",
    ]


async def test_start_mid_onboarding_resumes_the_same_question(bot: BotHarness) -> None:
    user = await begin_onboarding(bot)
    await user.send("/start")
    resumed = await user.next_message()
    assert one_of(resumed.text, shown("start.resume"))
    assert "Where are you?" in resumed.text


async def test_deep_link_runs_after_onboarding(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/start settings")
    await user.next_message()
    await user.tap("Sounds good")
    await user.next_message()
    await user.tap("Skip")
    await user.next_message()
    await user.tap("Skip")
    await user.next_message()
    await user.tap("No check-ins")
    done = await user.next_message()
    assert "No scheduled check-ins" in done.text
    assert "Your settings" in done.text


async def test_commands_are_registered_for_private_chats_and_groups(bot: BotHarness) -> None:
    private = dict(bot.emulator.commands("all_private_chats"))
    group = dict(bot.emulator.commands("all_group_chats"))
    assert {"start", "settings", "help", "cancel"} <= set(private)
    assert set(group) == {"help", "reflect", "win", "cheer"}
    admins = dict(bot.emulator.commands("all_chat_administrators"))
    assert set(admins) == {"help", "reflect", "win", "cheer", "groupsettings"}
    # Each shipped locale gets the whole menu, in its own words (content/*/commands.yaml).
    russian = CONTENT.texts("ru").section("commands.private")
    assert dict(bot.emulator.commands("all_private_chats", "ru")) == russian
    assert set(russian) == set(private) and russian["cancel"] != private["cancel"]
    assert private["cancel"] == label("commands.private.cancel")


WELCOMED_THEN_NEWS = {
    "en": ("just got rejected by Brightwell after the final round", "Brightwell"),
    "de": ("habe gerade eine Absage von Zalando bekommen, nach der letzten Runde", "Zalando"),
    "es": ("me acaban de rechazar en Glovo después de la última ronda", "Glovo"),
    "ru": ("мне только что отказали в Яндексе после финального этапа", "Яндекс"),
}


@pytest.mark.parametrize("locale", sorted(WELCOMED_THEN_NEWS))
async def test_set_up_tapped_after_the_welcome_is_the_yes_not_a_second_welcome(
    harness_any_db: BotHarness, locale: str
) -> None:
    """/start, then news typed instead of "Shall we set up?", then [Set up] under the reply:
    that tap is the person's yes. Before, the whole welcome came again and asked "Shall we set
    up?" a second time; now one line says what it would have (not a therapist, what is kept)
    and the first question follows. Consent is stored; the news is offered at the end."""
    bot = harness_any_db
    await bot.start()
    user = bot.user("Mo", language_code=locale)
    await user.send("/start")
    assert one_of((await user.next_message()).text, shown("onboarding.welcome", locale))
    await user.send(WELCOMED_THEN_NEWS[locale][0])
    reply = await user.next_message()
    assert reply.button_labels() == [
        label("listen.buttons.set_up_now", locale),
        label("listen.buttons.later", locale),
    ]
    await user.tap(label("listen.buttons.set_up_now", locale))
    first = await user.next_message()
    assert one_of(first.text, shown("onboarding.chosen", locale))
    assert one_of(first.text, shown("onboarding.ask_timezone", locale))
    assert not one_of(first.text, shown("onboarding.welcome", locale))
    assert label("onboarding.buttons.agree", locale) not in first.button_labels()
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.consented_at == bot.clock.now()
    assert stored.onboarded_at is None
    await user.send("Berlin")
    await user.next_message()
    await user.tap("09:00")
    await user.next_message()
    await user.tap(label("onboarding.frequency.daily", locale))
    done = await user.next_message()
    company = WELCOMED_THEN_NEWS[locale][1]
    assert one_of(done.text, shown("reflection.offer_from_news", locale, company=company))
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.onboarded_at is not None


@pytest.mark.parametrize(
    ("locale", "said", "checkin"),
    [
        ("en", "usually about 7 in the evening after the kids are in bed", time(19, 0)),
        ("de", "um 19 Uhr, wenn die Kinder schlafen", time(19, 0)),
        ("es", "a las 7 de la tarde, cuando los niños duermen", time(19, 0)),
        ("ru", "в 7 вечера, когда дети спят", time(19, 0)),
        ("en", "half past 8 in the evening would be great", time(20, 30)),
    ],
)
async def test_a_check_in_time_said_in_a_sentence_is_understood(
    harness_any_db: BotHarness, locale: str, said: str, checkin: time
) -> None:
    """Before: "I didn't catch that time" to anything but the time alone."""
    bot = harness_any_db
    await bot.start()
    user = await begin_onboarding(bot, language_code=locale)
    await user.send("Berlin")
    await user.next_message()
    await user.send(said)
    ask_freq = await user.next_message()
    assert not one_of(ask_freq.text, shown("onboarding.time_problem", locale))
    # what the words were read as, before the next question
    assert one_of(ask_freq.text, shown("onboarding.ack_time", locale, time=f"{checkin:%H:%M}"))
    assert label("onboarding.frequency.daily", locale) in ask_freq.button_labels()
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.checkin_time == checkin
