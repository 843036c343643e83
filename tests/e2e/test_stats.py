"""/stats end to end: a real chart photo with a summary caption, period buttons that redraw it
in place, a kind word instead of an empty chart, and the weekly review's small chart."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from bot.db.models import CheckIn, FeedbackRequest, Nudge, PlanAction, Rejection, Win
from bot.emulator import BotMessage, SimUser
from bot.services.charts import png_size
from tests.e2e.harness import CONTENT, BotHarness, label, leads, onboard, one_of, seen, shown
from tests.e2e.test_checkins import FRIDAY, run_clock


def too_little(text: str, period: str) -> bool:
    """Whether ``text`` says, kindly, that ``period`` has too little to draw."""
    return one_of(text, shown("stats.little_data", period=label(f"stats.period.{period}")))


PNG = b"\x89PNG\r\n\x1a\n"


async def seed_history(bot: BotHarness, user_id: int) -> None:
    """Twelve check-ins, three recent debriefs and one older, steps, wins, a feedback request."""
    now = bot.clock.now()
    async with bot.sessions() as session, session.begin():
        for i in range(12):
            day = (now - timedelta(days=2 * i)).date()
            session.add(CheckIn(user_id=user_id, day=day, mood=1 + i % 5, created_at=now))
        debriefs = [
            ("technical", ["tech_depth", "nerves"], 3),
            ("technical", ["tech_depth"], 9),
            ("final_round", ["examples"], 15),
            ("application", ["application"], 60),
        ]
        for stage, reasons, days_ago in debriefs:
            at = now - timedelta(days=days_ago)
            session.add(
                Rejection(
                    user_id=user_id,
                    stage=stage,
                    reasons=reasons,
                    went_well=["examples"],
                    outside=[],
                    answered=[],
                    created_at=at,
                    updated_at=at,
                    completed_at=at,
                )
            )
        for days_ago in (1, 2):
            at = now - timedelta(days=days_ago)
            session.add(
                PlanAction(
                    user_id=user_id,
                    reason="nerves",
                    variant=0,
                    status="done",
                    created_at=at,
                    done_at=at,
                )
            )
        for days_ago in (0, 4, 40):
            session.add(
                Win(
                    user_id=user_id,
                    kind="win",
                    text="mock interview",
                    created_at=now - timedelta(days=days_ago),
                )
            )
        sent = now - timedelta(days=20)
        session.add(
            FeedbackRequest(
                user_id=user_id,
                recipient="hr",
                channel="email",
                tone="warm",
                status="sent",
                tags=[],
                created_at=sent,
                updated_at=sent,
                sent_at=sent,
            )
        )


def assert_chart(message: BotMessage) -> None:
    assert message.photo is not None
    content = message.photo.content
    assert content.startswith(PNG)
    assert png_size(content) == (1080, 1350)
    assert 20_000 < len(content) < 1_500_000


async def test_stats_with_no_data_says_so_kindly(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("/stats")
    reply = await user.next_message()
    assert reply.photo is None
    assert too_little(reply.text, "30")
    assert "/checkin" in reply.text
    assert reply.button_labels() == ["✓ 30 days", "90 days", "All"]
    await user.tap("All", message=reply)
    await bot.settle()
    await user.expect_silence()  # the same message says it, in place
    assert reply.photo is None and reply.edited
    assert "Since you started" in reply.text
    assert reply.button_labels() == []  # nothing wider to offer


async def test_period_buttons_replace_the_chart_in_place(bot: BotHarness) -> None:
    """Issue 19 item 13: each period tap redraws the one chart message (editMessageMedia); the
    chat does not fill up with charts, and the period already shown is not drawn again."""
    user = await onboard(bot)
    await seed_history(bot, user.id)
    await user.send("/stats")
    chart = await user.next_message()
    assert_chart(chart)
    caption = chart.text
    assert caption.startswith("📊 Last 30 days: check-ins 12 · mood 2.8/5 on average")
    assert "debriefs 3 · steps done 2 · wins 2" in caption
    assert "Most debriefs ended at Technical / task (2 of 3)" in caption
    assert "Came up most often: Technical depth (2 times)" in caption
    assert seen(CONTENT.texts("en")("stats.pattern.feedback_long_ago", count=20)) in caption
    assert len(caption) <= 1024
    assert chart.button_labels() == ["✓ 30 days", "90 days", "All"]
    first_picture = chart.photo.content if chart.photo else b""

    await user.tap("90 days", message=chart)
    await bot.settle()
    await user.expect_silence()  # no second photo
    assert_chart(chart)
    assert chart.edited
    assert chart.text.startswith("📊 Last 90 days:")
    assert "debriefs 4" in chart.text and "wins 3" in chart.text
    assert chart.button_labels() == ["30 days", "✓ 90 days", "All"]
    assert chart.photo is not None and chart.photo.content != first_picture

    await user.tap("All", message=chart)
    await bot.settle()
    assert chart.text.startswith("📊 Since you started:")
    assert chart.button_labels() == ["30 days", "90 days", "✓ All"]
    await user.tap("30 days", message=chart)
    await bot.settle()
    assert chart.text == caption
    assert chart.button_labels() == ["✓ 30 days", "90 days", "All"]

    # The period shown, tapped again (or a double tap): answered, nothing redrawn or resent.
    calls = len(bot.emulator.calls)
    await user.tap("✓ 30 days", message=chart)
    await bot.settle()
    made = [c.method for c in bot.emulator.calls[calls:] if c.method != "getUpdates"]
    assert made == ["answerCallbackQuery"]
    photos = [m for m in user.messages if m.photo is not None]
    assert photos == [chart]  # one chart message in the chat, all along
    media_edits = [c for c in bot.emulator.calls if c.method == "editMessageMedia"]
    assert len(media_edits) == 3
    assert not [c for c in bot.emulator.calls if c.method == "sendPhoto"][1:]


async def test_the_event_loop_keeps_running_while_a_chart_is_drawn(bot: BotHarness) -> None:
    """Issue 17: drawing takes matplotlib ~0.2 s of CPU (more the first time, with its imports);
    done on the event loop's thread it would hold every chat up that long. It is drawn in
    another process: between two wake-ups of a 1 ms sleeper the loop's thread never works
    more than 50 ms (thread CPU time, so a loaded machine does not inflate it)."""
    user = await onboard(bot)
    await seed_history(bot, user.id)
    longest = 0.0
    wakeups = 0

    async def probe() -> None:
        nonlocal longest, wakeups
        while True:
            started = time.thread_time()
            await asyncio.sleep(0.001)
            longest = max(longest, time.thread_time() - started)
            wakeups += 1

    task = asyncio.create_task(probe())
    try:
        await user.send("/stats")
        chart = await user.next_message(timeout=30)
    finally:
        task.cancel()
    assert_chart(chart)
    assert wakeups > 10
    assert longest < 0.050, f"the loop's thread worked {longest * 1000:.0f} ms at a stretch"


async def test_a_chart_narrowed_to_too_little_says_so_below_it(bot: BotHarness) -> None:
    """A photo cannot become text: "not much yet" for a narrower period is a new message, and
    the chart above keeps its picture without buttons."""
    user = await onboard(bot)
    async with bot.sessions() as session, session.begin():
        now = bot.clock.now()
        for i in range(6):  # all of them 40 to 50 days ago: nothing in the last 30 days
            day = (now - timedelta(days=40 + 2 * i)).date()
            session.add(CheckIn(user_id=user.id, day=day, mood=3, created_at=now))
    await user.send("/stats")
    little = await user.next_message()
    assert little.photo is None and too_little(little.text, "30")
    await user.tap("90 days", message=little)
    await bot.settle()
    await user.expect_silence()
    assert_chart(little)  # the text message became the chart, in place
    assert little.text.startswith("📊 Last 90 days:")
    await user.tap("30 days", message=little)
    below = await user.next_message()
    assert below.photo is None and too_little(below.text, "30")
    assert little.buttons == [] and little.photo is not None


async def test_stats_in_a_group_points_to_the_private_chat(bot: BotHarness) -> None:
    admin = await onboard(bot)
    group = bot.emulator.group("Job hunters")
    group.add_member(admin, admin=True)
    await group.add_bot(admin)
    await bot.settle()
    before = len(group.messages)
    await group.send(admin, "/stats")
    await bot.settle()
    reply = group.messages[before:][-1]
    assert reply.photo is None
    assert reply.buttons[0][0].url == "https://t.me/rebound_test_bot?start=stats"


async def test_stats_survives_a_stale_period_button(bot: BotHarness) -> None:
    user: SimUser = await onboard(bot)
    await user.tap_data("sx:1:365")
    await bot.settle()
    assert user.callback_answers[-1].text is not None
    assert "expired" in user.callback_answers[-1].text


SECOND_SUNDAY = datetime(2026, 4, 5, 8, 0, tzinfo=UTC)  # nine days after a Friday setup


def unhurried(bot: BotHarness) -> None:
    """Nine simulated days pass in a few real seconds, a check-in each day and the review with
    Sunday's: more than Telegram's short per-chat burst in real time, though a day apart for
    the person. These tests are about what the review says; the limits have their own."""
    bot.emulator.set_rate_limits(False)


async def test_weekly_review_carries_a_chart_of_the_week(bot: BotHarness) -> None:
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    unhurried(bot)
    await run_clock(bot, SECOND_SUNDAY - timedelta(days=1))
    now = bot.clock.now()
    async with bot.sessions() as session, session.begin():
        for days_ago, mood in ((0, 2), (1, 4)):
            day = (now - timedelta(days=days_ago)).date()
            session.add(CheckIn(user_id=user.id, day=day, mood=mood, created_at=now))
        session.add(Win(user_id=user.id, kind="win", text=None, created_at=now))
    await run_clock(bot, SECOND_SUNDAY)  # Sunday: review day, a week after setting up
    await bot.settle()
    photos = [m for m in user.messages if m.photo is not None]
    assert len(photos) == 1  # the review itself, as a photo of the week with its text below
    review = photos[0]
    assert "Days you checked in: 2" in review.text and "Wins logged: 1" in review.text
    assert "Debriefs" not in review.text  # only what the person did is listed
    assert review.photo is not None and png_size(review.photo.content) == (1080, 720)
    assert not [m for m in user.messages if m.photo is None and "🗓" in m.text]


def quiet_texts() -> list[str]:
    texts = CONTENT.texts("en")
    key = "checkin.weekly.quiet_week"
    return [texts(key, variant=i).split("\n")[0] for i in range(texts.count(key))]


async def test_the_review_counts_debriefs_feedback_and_nudges_and_is_never_quiet_then(
    bot: BotHarness,
) -> None:
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    unhurried(bot)
    await run_clock(bot, SECOND_SUNDAY - timedelta(days=1))
    now = bot.clock.now()
    async with bot.sessions() as session, session.begin():
        at = now - timedelta(days=2)
        session.add(
            Rejection(
                user_id=user.id,
                stage="technical",
                reasons=["nerves"],
                went_well=[],
                outside=[],
                answered=[],
                created_at=at,
                updated_at=at,
                completed_at=at,
            )
        )
        session.add(
            FeedbackRequest(
                user_id=user.id,
                recipient="hr",
                channel="email",
                tone="warm",
                status="sent",
                tags=[],
                created_at=at,
                updated_at=at,
                sent_at=at,
            )
        )
        step = PlanAction(
            user_id=user.id, reason="nerves", variant=0, status="done", created_at=at, done_at=at
        )
        session.add(step)
        await session.flush()
        session.add(Nudge(user_id=user.id, action_id=step.id, outcome="done", sent_at=at))
        session.add(Nudge(user_id=user.id, idea="practice", outcome="done", sent_at=at))
        session.add(Nudge(user_id=user.id, idea="nerves", outcome="dropped", sent_at=at))
    await run_clock(bot, SECOND_SUNDAY)
    await bot.settle()
    [review] = [m for m in user.messages if "🗓" in m.text]
    assert "Debriefs finished: 1" in review.text
    assert "Feedback requests written: 1" in review.text
    assert "Nudges and small steps done: 2" in review.text  # the step once, the idea once
    assert not one_of(review.text, leads("checkin.weekly.checkins") + leads("checkin.weekly.wins"))
    assert not any(quiet in review.text for quiet in quiet_texts())


async def test_no_review_in_the_first_week_and_a_kind_word_for_a_quiet_one(
    bot: BotHarness,
) -> None:
    bot.clock.current = FRIDAY
    user = await onboard(bot)
    unhurried(bot)
    await run_clock(bot, datetime(2026, 3, 29, 8, 0, tzinfo=UTC))  # the first Sunday
    await bot.settle()
    assert not [m for m in user.messages if "week" in m.text.lower()]
    await run_clock(bot, SECOND_SUNDAY)  # check-ins came every day, none was answered
    await bot.settle()
    [quiet] = [m for m in user.messages if any(q in m.text for q in quiet_texts())]
    assert quiet.photo is None
