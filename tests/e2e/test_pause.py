"""Times and durations as people type them (issue 16 §10), through the emulator.

/pause with a length in words ("two weeks", "zwei Wochen", "until Monday"), and the onboarding
questions answered the way people talk: "half past 8", "it's 9pm here".
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from bot.dispatch import dispatch_due
from bot.emulator import BotMessage, SimUser
from tests.e2e.harness import (
    CONTENT,
    BotHarness,
    begin_onboarding,
    label,
    onboard,
    one_of,
    seen,
    shown,
)

FRIDAY = datetime(2026, 3, 27, 0, 0, tzinfo=UTC)  # 01:00 in Berlin; clocks change on the 29th


def is_checkin(message: BotMessage) -> bool:
    return label("checkin.buttons.win") in message.button_labels()


async def reply_to(bot: BotHarness, user: SimUser, text: str) -> BotMessage:
    await user.send(text)
    await bot.settle()
    assert user.last_message is not None
    return user.last_message


async def run_clock(bot: BotHarness, until: datetime, step: timedelta) -> None:
    """Move time forward in steps, running the dispatcher at each, as the job queue would."""
    app = bot.instances[-1]
    while bot.clock.now() < until:
        bot.clock.advance(step)
        await dispatch_due(app)


# --- /pause <how long> -------------------------------------------------------------------------


async def test_pause_two_weeks_pauses_for_fourteen_days(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    bot.clock.current = FRIDAY
    user = await onboard(bot)  # Berlin, 09:00, every day

    reply = await reply_to(bot, user, "/pause two weeks")
    assert reply.html is not None
    paused = CONTENT.texts("en")("checkin.paused", date="Fri, Apr 10")  # Berlin's date
    assert paused in reply.html
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.paused
    assert stored.paused_until is not None
    assert stored.paused_until.replace(tzinfo=UTC) == FRIDAY + timedelta(days=14)

    count = len(user.messages)
    await run_clock(bot, FRIDAY + timedelta(days=14), timedelta(hours=1))
    assert len(user.messages) == count  # two quiet weeks
    await run_clock(bot, FRIDAY + timedelta(days=14, hours=8), timedelta(hours=1))
    await bot.settle()
    assert is_checkin(user.messages[-1])  # 09:00 in Berlin on Friday 10 April
    assert len(user.messages) == count + 1


@pytest.mark.parametrize(
    ("said", "days", "date"),
    [
        ("2 weeks", 14, "Fri, Apr 10"),
        ("a week", 7, "Fri, Apr 3"),
        ("10 days", 10, "Mon, Apr 6"),
        ("a month", 30, "Sun, Apr 26"),
        ("zwei Wochen", 14, "Fri, Apr 10"),
        ("dos semanas", 14, "Fri, Apr 10"),
        ("две недели", 14, "Fri, Apr 10"),
        ("3 дня", 3, "Mon, Mar 30"),
        ("until Monday", 3, "Mon, Mar 30"),
        ("7", 7, "Fri, Apr 3"),
    ],
)
async def test_pause_lengths_in_words(bot: BotHarness, said: str, days: int, date: str) -> None:
    bot.clock.current = FRIDAY + timedelta(hours=9)  # Friday 10:00 in Berlin
    user = await onboard(bot)
    reply = await reply_to(bot, user, f"/pause {said}")
    assert reply.html is not None and f"paused until <b>{date}</b>" in reply.html
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.paused and stored.paused_until is not None
    assert stored.paused_until.replace(tzinfo=UTC) == bot.clock.now() + timedelta(days=days)


async def test_pause_alone_still_pauses_until_resume(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    reply = await reply_to(bot, user, "/pause")
    assert one_of(reply.text, shown("checkin.paused_open"))
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.paused and stored.paused_until is None


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("for a bit", "durations.pause_usage"),
        ("0", "durations.pause_usage"),
        ("2 years", "durations.pause_too_long"),
        ("400 days", "durations.pause_too_long"),
    ],
)
async def test_a_length_it_cannot_use_gets_a_kind_example(
    bot: BotHarness, said: str, expected: str
) -> None:
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    reply = await reply_to(bot, user, f"/pause {said}")
    assert one_of(reply.text, shown(expected))
    assert "/resume" in reply.text
    stored = await bot.stored_user(user.id)
    assert stored is not None and not stored.paused  # nothing changed


# --- onboarding answers as people say them -----------------------------------------------------


async def test_typed_times_at_onboarding(harness_any_db: BotHarness) -> None:
    """ "it's 9pm here" at 12:13 UTC is UTC+09:00 (not +08:45); "half past 8" is 08:30."""
    bot = harness_any_db
    await bot.start()
    bot.clock.current = datetime(2026, 1, 15, 12, 13, tzinfo=UTC)
    user = await begin_onboarding(bot)

    await user.send("it's 9pm here")
    ask_time = await user.next_message()
    assert "Set to UTC+09:00, so it's 21:13 for you now" in ask_time.text
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.timezone == "UTC+09:00"

    await user.send("half past 8")
    await user.next_message()  # how often?
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.checkin_time == time(8, 30)

    await user.tap("Every day")
    done = await user.next_message()
    assert "at 08:30 (UTC+09:00)" in done.text


@pytest.mark.parametrize(
    ("zone_answer", "zone", "time_answer", "checkin"),
    [
        ("hier ist es 21 Uhr", "UTC+09:00", "halb neun", time(8, 30)),
        ("aquí son las 9 de la noche", "UTC+09:00", "a las 8 y media", time(8, 30)),
        ("у меня сейчас 9 вечера", "UTC+09:00", "в 9 утра", time(9, 0)),
        ("it's 5:45pm here", "UTC+05:30", "7ish", time(7, 0)),
        ("it's 8:45 am", "UTC-03:30", "quarter to 9", time(8, 45)),
    ],
)
async def test_time_zone_and_time_in_other_words(
    bot: BotHarness, zone_answer: str, zone: str, time_answer: str, checkin: time
) -> None:
    bot.clock.current = datetime(2026, 1, 15, 12, 13, tzinfo=UTC)
    user = await begin_onboarding(bot)
    await user.send(zone_answer)
    assert f"Set to {zone}" in (await user.next_message()).text
    await user.send(time_answer)
    await user.next_message()
    stored = await bot.stored_user(user.id)
    assert stored is not None
    assert (stored.timezone, stored.checkin_time) == (zone, checkin)


# --- a pause holds the reminders too -------------------------------------------------------------


async def test_a_pause_holds_the_debrief_reminder_and_the_did_they_reply_check(
    harness_any_db: BotHarness,
) -> None:
    """Paused for two weeks, a graduate in the demo got "Would now be a good time for that
    2-minute debrief?" the next evening: only the check-ins waited. Now the once-only debrief
    reminder is dropped, and "did they reply?" waits for the first check-in after the pause."""
    from tests.e2e.test_feedback import button, debrief_then_draft, requests

    bot = harness_any_db
    await bot.start()
    bot.clock.current = FRIDAY
    user = await onboard(bot)  # Berlin, 09:00, every day
    await debrief_then_draft(bot, user)
    await user.tap(button("sent"))
    await user.next_message()
    await user.send("Stripe said no after the final round")  # a second no, debriefed later
    news = await user.next_message()
    await user.tap(label("listen.buttons.not_now"), message=news)
    await user.next_message()
    await reply_to(bot, user, "/pause two weeks")

    count = len(user.messages)
    await run_clock(bot, FRIDAY + timedelta(days=14), timedelta(hours=1))
    assert len(user.messages) == count  # two quiet weeks: no reminder of either kind
    await run_clock(bot, FRIDAY + timedelta(days=14, hours=9), timedelta(hours=1))
    await bot.settle()
    after = user.messages[count:]
    assert any(is_checkin(m) for m in after)  # check-ins are back at 09:00
    checks = [m for m in after if button("log") in m.button_labels()]
    assert len(checks) == 1 and "Acme" in checks[0].text  # "did they reply?", once
    assert not any(label("reflection.buttons.start") in m.button_labels() for m in after)
    [request] = await requests(bot, user.id)
    assert request.status == "sent"


# (locale, "I'm back" in words, after a pause)
BACK = {
    "en": "ok im back, can we start the check ins again?",
    "de": "kannst du die Check-ins wieder anschalten?",
    "es": "reanuda los check-ins por favor",
    "ru": "сними с паузы",
}


@pytest.mark.parametrize("locale", sorted(BACK))
async def test_back_after_a_pause_in_words_resumes_the_check_ins(
    harness_any_db: BotHarness, locale: str
) -> None:
    """It was "I'm not sure I understood that" and a menu: only /resume brought them back."""
    bot = harness_any_db
    await bot.start()
    bot.clock.current = FRIDAY
    user = await onboard(bot, language_code=locale)
    await reply_to(bot, user, "/pause")
    reply = await reply_to(bot, user, BACK[locale])
    resumed = seen(CONTENT.texts(locale)("checkin.resumed", time="TIME"))
    assert reply.text.startswith(resumed.split("TIME")[0]), reply.text
    stored = await bot.stored_user(user.id)
    assert stored is not None and not stored.paused
