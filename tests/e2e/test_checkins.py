"""Scheduled check-ins as people live them: local times across DST, weekdays, pause, snooze,
"only if not checked in", blocking, downtime, Telegram failures, and two dispatchers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.app import start_without_runner
from bot.db.models import CheckIn, Nudge, ScheduledMessage, VariantUse, Win
from bot.dispatch import dispatch_due
from bot.emulator import BotMessage, SimUser
from tests.e2e.harness import BotHarness, begin_onboarding, label, onboard, shown

FRIDAY = datetime(2026, 3, 27, 0, 0, tzinfo=UTC)  # Berlin moves to summer time on Sunday 29th


def is_checkin(message: BotMessage) -> bool:
    return label("checkin.buttons.win") in message.button_labels()


async def onboard_as(bot: BotHarness, city: str, at: str, frequency: str, **kw: object) -> SimUser:
    user = await begin_onboarding(bot, **kw)  # type: ignore[arg-type]
    await user.send(city)
    await user.next_message()
    await user.send(at)
    await user.next_message()
    await user.tap(frequency)
    await user.next_message()
    return user


async def latest_after(bot: BotHarness, user: SimUser, action: object) -> BotMessage:
    """Do ``action`` (a send or a tap), wait for the bot, return the newest bot message."""
    await action  # type: ignore[misc]
    await bot.settle()
    assert user.last_message is not None
    return user.last_message


async def run_clock(
    bot: BotHarness, until: datetime, step: timedelta = timedelta(minutes=15)
) -> None:
    """Move time forward in steps, running the dispatcher at each, as the job queue would."""
    app = bot.instances[-1]
    while bot.clock.now() < until:
        bot.clock.advance(step)
        await dispatch_due(app)


async def checkin_times(
    bot: BotHarness, users: list[SimUser], until: datetime
) -> dict[int, list[datetime]]:
    seen = {u.id: 0 for u in users}
    times: dict[int, list[datetime]] = {u.id: [] for u in users}
    app = bot.instances[-1]
    while bot.clock.now() < until:
        bot.clock.advance(timedelta(minutes=15))
        await dispatch_due(app)
        await bot.settle()
        for user in users:
            prompts = [m for m in user.messages if is_checkin(m)]
            times[user.id] += [bot.clock.now()] * (len(prompts) - seen[user.id])
            seen[user.id] = len(prompts)
    return times


async def test_a_few_days_in_three_time_zones(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY
    berlin = await onboard(bot)  # 09:00 every day
    new_york = await onboard_as(bot, "New York", "8:15", "Weekdays")
    tokyo = await onboard_as(bot, "Tokyo", "20:00", "Every day")
    times = await checkin_times(bot, [berlin, new_york, tokyo], FRIDAY + timedelta(days=4))

    def at(d: int, h: int, m: int = 0) -> datetime:
        return datetime(2026, 3, d, h, m, tzinfo=UTC)

    # 09:00 in Berlin is 08:00 UTC before the change and 07:00 UTC after it.
    assert times[berlin.id] == [at(27, 8), at(28, 8), at(29, 7), at(30, 7)]
    # 08:15 in New York (already on summer time), weekdays only.
    assert times[new_york.id] == [at(27, 12, 15), at(30, 12, 15)]
    assert times[tokyo.id] == [at(27, 11), at(28, 11), at(29, 11), at(30, 11)]
    # Sunday is review day, but nobody gets a weekly review two days after setting up.
    assert not [m for m in berlin.messages if "🗓" in m.text or "this week" in m.text]


async def test_low_days_bring_rest_and_no_tasks_until_the_mood_lifts(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    bot.clock.current = FRIDAY
    await bot.start()
    user = await onboard(bot)
    self_care, talk = shown("checkin.self_care"), shown("checkin.talk")
    replies = []
    for day in range(3):
        await run_clock(bot, FRIDAY + timedelta(days=day, hours=8))
        await bot.settle()
        prompt = [m for m in user.messages if is_checkin(m)][-1]
        assert prompt.buttons  # today's, not yet answered
        if day:  # the day after a low day is asked about gently
            assert prompt.text in shown("checkin.prompt_after_low")
        reply = await latest_after(bot, user, user.tap("😕", message=prompt))
        assert reply.buttons == []  # rest: no Done / Snooze, no task of any kind
        assert sum(idea in reply.text for idea in self_care) == 1  # one self-care idea
        assert sum(offer in reply.text for offer in talk) == 1  # and someone to talk to
        replies.append(reply.text)
    streak = shown("checkin.low_streak", days=3)
    assert any(replies[2].startswith(text) for text in streak)  # three in a row: said kindly
    assert len(set(replies)) == 3
    async with bot.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(Nudge))).scalar_one() == 0
    # The mood lifts: tasks come back.
    await run_clock(bot, FRIDAY + timedelta(days=3, hours=8))
    await bot.settle()
    prompt = [m for m in user.messages if is_checkin(m)][-1]
    assert prompt.text in shown("checkin.prompt_after_low")
    nudge = await latest_after(bot, user, user.tap("🙂", message=prompt))
    said, _step = nudge.text.split("\n\n")  # a word for the mood, joined to the nudge
    assert said in shown("checkin.reply.high")
    assert nudge.button_labels() == ["✅ Done", "⏰ Snooze", "Not relevant"]
    async with bot.sessions() as session:
        moods = (await session.execute(select(CheckIn.mood).order_by(CheckIn.day))).scalars().all()
    assert moods == [2, 2, 2, 4]


async def test_a_snoozed_nudge_waits_out_a_low_day(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY + timedelta(hours=8)  # 09:00 in Berlin
    user = await onboard(bot)
    await user.send("/checkin")
    nudge = await latest_after(bot, user, user.tap("🙂", message=await user.next_message()))
    when = await latest_after(bot, user, user.tap("⏰ Snooze", message=nudge))
    await latest_after(bot, user, user.tap("Later today", message=when))
    # An hour later the day turns: the mood is updated to a low one.
    bot.clock.advance(timedelta(hours=1))
    again = await latest_after(bot, user, user.send("/checkin"))
    assert again.text.split("\n\n")[0] in shown("checkin.checked_in_already")
    low = await latest_after(bot, user, user.tap("😣", message=again))
    assert low.buttons == []
    count = len(user.messages)
    await run_clock(bot, FRIDAY + timedelta(hours=20))
    await bot.settle()
    assert len(user.messages) == count  # the snoozed step is not sent on a low day
    async with bot.sessions() as session:
        [stored] = (await session.execute(select(Nudge))).scalars().all()
    assert stored.outcome == "held"
    # Next morning the mood is better: the held step comes back first, as the snoozed one.
    await run_clock(bot, FRIDAY + timedelta(days=1, hours=8))
    await bot.settle()
    prompt = user.messages[-1]
    assert is_checkin(prompt) and prompt.text in shown("checkin.prompt_after_low")
    back = await latest_after(bot, user, user.tap("😐", message=prompt))
    assert back.text.split("\n")[-1] == nudge.text.split("\n")[-1]  # the same step
    assert back.text.split("\n\n")[1].split("\n")[0] in shown("checkin.nudge_again_intro")
    assert back.button_labels() == ["✅ Done", "⏰ Snooze", "Not relevant"]


async def test_a_week_of_check_ins_through_the_dispatcher_repeats_no_sentence(
    harness_any_db: BotHarness,
) -> None:
    """Eight days of scheduled check-ins answered with a mood (one of them low), the nudge
    done and a win logged: no prompt, mood reply, low-day message, nudge intro, done reply or
    win reply comes twice."""
    bot = harness_any_db
    bot.clock.current = FRIDAY
    await bot.start()
    user = await onboard(bot)
    seen: list[str] = []
    moods = ["🙂", "😐", "😀", "😕", "🙂", "😐", "😀", "🙂"]
    for day, mood in enumerate(moods):
        await run_clock(bot, FRIDAY + timedelta(days=day, hours=8))
        await bot.settle()
        prompt = user.messages[-1]
        assert is_checkin(prompt)
        seen.append(prompt.text)
        reply = await latest_after(bot, user, user.tap(mood, message=prompt))
        if mood == "😕":
            seen.append(reply.text)
            continue
        mood_reply, nudge = reply.text.split("\n\n")  # a word for the mood, then the nudge
        seen += [mood_reply, nudge.split("\n")[0]]
        done = await latest_after(bot, user, user.tap("✅ Done", message=reply))
        seen.append(done.text)
        await latest_after(bot, user, user.send("/win"))
        win = await latest_after(bot, user, user.send(f"Day {day}: a reply from a recruiter"))
        seen.append(win.text)
    assert len(seen) == len(set(seen)), [text for text in seen if seen.count(text) > 1]
    async with bot.sessions() as session:
        uses = (await session.execute(select(func.count()).select_from(VariantUse))).scalar_one()
    assert uses >= len(seen)


async def test_nudge_done_snooze_and_not_relevant(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY + timedelta(hours=9)  # 10:00 in Berlin
    user = await onboard(bot)
    await user.send("/checkin")
    await user.tap("🙂", message=await user.next_message())
    nudge = await user.next_message()
    [[done, snooze], [_drop]] = nudge.buttons
    await user.tap(snooze.text, message=nudge)
    await user.tap("Later today", message=await user.next_message())
    assert "13:00" in (await user.next_message()).text
    await run_clock(bot, FRIDAY + timedelta(hours=12))
    await bot.settle()
    again = user.last_message
    assert again is not None
    assert again.button_labels() == ["✅ Done", "⏰ Snooze", "Not relevant"]
    assert "✅" in (await latest_after(bot, user, user.tap("✅ Done", message=again))).text
    assert done.callback_data is not None
    await user.tap_data(done.callback_data, message_id=nudge.message_id)  # an old copy
    await bot.settle()
    assert user.callback_answers[-1].text == label("toasts.stale_button")
    prompt = await latest_after(bot, user, user.send("/checkin"))
    second = await latest_after(bot, user, user.tap("😀", message=prompt))
    assert second.text.split("\n")[-1] != nudge.text.split("\n")[-1]  # not the same step
    assert (await latest_after(bot, user, user.tap("Not relevant", message=second))).text
    async with bot.sessions() as session:
        outcomes = (await session.execute(select(Nudge.outcome).order_by(Nudge.id))).scalars().all()
    assert outcomes == ["done", "dropped"]


async def test_only_if_not_checked_in_and_wins(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY + timedelta(hours=6)  # 07:00 in Berlin
    user = await onboard(bot)
    await user.send("/checkin")
    prompt = await user.next_message()
    await user.tap(label("checkin.buttons.win"), message=prompt)
    await user.next_message()
    await user.send("Got a reply from a recruiter!")
    assert (await user.next_message()).text
    await run_clock(bot, FRIDAY + timedelta(hours=10))
    await bot.settle()
    assert not any(is_checkin(m) for m in user.messages[1:])  # today's scheduled one skipped
    await run_clock(bot, FRIDAY + timedelta(days=1, hours=10))
    await bot.settle()
    assert is_checkin(user.messages[-1])  # tomorrow's arrives
    async with bot.sessions() as session:
        wins = (await session.execute(select(Win.text))).scalars().all()
    assert wins == ["Got a reply from a recruiter!"]


async def test_pause_and_resume(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    assert "Sun, Mar 29" in (await latest_after(bot, user, user.send("/pause 2"))).text
    count = len(user.messages)
    await run_clock(bot, FRIDAY + timedelta(days=2))
    assert len(user.messages) == count  # nothing while paused
    await run_clock(bot, FRIDAY + timedelta(days=3))
    await bot.settle()
    assert is_checkin(user.messages[-1])  # back on its own after two days
    assert "/resume" in (await latest_after(bot, user, user.send("/pause"))).text
    count = len(user.messages)
    await run_clock(bot, FRIDAY + timedelta(days=6))
    assert len(user.messages) == count
    assert "09:00" in (await latest_after(bot, user, user.send("/resume"))).text
    usage = await latest_after(bot, user, user.send("/pause 0"))
    assert "/pause 7" in usage.text  # how to use it, kindly


async def test_blocked_user_gets_nothing_until_they_come_back(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    user.block()
    await bot.settle()
    await run_clock(bot, FRIDAY + timedelta(days=2))
    assert not any(is_checkin(m) for m in user.messages)
    user.unblock()
    await user.send("/start")
    await user.next_message()
    await run_clock(bot, FRIDAY + timedelta(days=3))
    await bot.settle()
    assert sum(is_checkin(m) for m in user.messages) == 1  # Sunday's, after coming back


async def test_a_403_while_sending_marks_the_person_inactive(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    await bot.stop_polling(bot.instances[-1])  # the bot does not see the block update
    user.block()
    bot.clock.current = FRIDAY + timedelta(hours=8)
    assert await dispatch_due(bot.instances[-1]) == 0
    row = await bot.stored_user(user.id)
    assert row is not None
    assert row.active is False
    async with bot.sessions() as session:
        statuses = (await session.execute(select(ScheduledMessage.status))).scalars().all()
    assert statuses == ["cancelled"]
    [refused] = bot.emulator.errors  # Telegram's answer, which this test provoked on purpose
    assert refused.error_code == 403
    bot.emulator.errors.clear()


async def test_downtime_skips_stale_checkins_instead_of_sending_them_late(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    bot.clock.current = FRIDAY + timedelta(days=2, hours=22)  # down since Friday night
    assert await dispatch_due(bot.instances[-1]) == 0  # Sunday's 09:00 is long past
    row = await bot.stored_user(user.id)
    assert row is not None
    assert row.next_checkin_at == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # Monday, summer time


async def test_telegram_failures_retry_with_backoff_then_park(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY + timedelta(hours=8)
    user = await onboard(bot, "No check-ins")
    app = bot.instances[-1]

    async def remind_me_tomorrow() -> None:
        await user.send("/reflect")
        await user.next_message()
        await user.tap("Not now")
        await user.next_message()

    await remind_me_tomorrow()
    bot.clock.advance(timedelta(days=1))
    bot.emulator.fail_next("sendMessage", 502, count=2)
    assert await dispatch_due(app) == 0
    bot.clock.advance(timedelta(seconds=29))
    assert await dispatch_due(app) == 0  # backing off: not retried yet
    bot.clock.advance(timedelta(seconds=2))
    assert await dispatch_due(app) == 0  # second failure
    bot.clock.advance(timedelta(seconds=61))
    assert await dispatch_due(app) == 1  # third try goes through
    assert "debrief" in (await user.next_message()).text
    await remind_me_tomorrow()
    bot.clock.advance(timedelta(days=1))
    bot.emulator.fail_next("sendMessage", 500, count=10)
    for _ in range(6):
        await dispatch_due(app)
        bot.clock.advance(timedelta(minutes=20))
    async with bot.sessions() as session:
        query = select(ScheduledMessage.status).order_by(ScheduledMessage.id)
        statuses = (await session.execute(query)).scalars().all()
    assert statuses == ["sent", "parked"]  # parked after five attempts, not retried forever
    assert len(bot.emulator.injected_failures) == 2 + 5


async def test_a_429_waits_retry_after_and_sends_once(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    bot.clock.current = FRIDAY + timedelta(hours=8)
    bot.emulator.fail_next("sendMessage", 429, retry_after=1)
    assert await dispatch_due(bot.instances[-1]) == 1
    await bot.settle()
    assert sum(is_checkin(m) for m in user.messages) == 1


async def test_two_dispatchers_on_postgresql_send_each_item_once(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    bot.clock.current = FRIDAY
    first = await bot.start()
    users = [await onboard(bot, first_name=f"P{i}") for i in range(12)]
    second = bot.new_instance()
    await start_without_runner(second)  # a second process on the same database, not polling
    bot.emulator.set_rate_limits(False)
    bot.clock.current = FRIDAY + timedelta(hours=8)
    sent = await asyncio.gather(dispatch_due(first), dispatch_due(second))
    assert sum(sent) == len(users)
    await bot.settle()
    for user in users:
        assert sum(is_checkin(m) for m in user.messages) == 1
    async with bot.sessions() as session:
        sent_rows = (
            await session.execute(select(func.count()).where(ScheduledMessage.status == "sent"))
        ).scalar_one()
    assert sent_rows == len(users)
