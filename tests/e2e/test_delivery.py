"""Replies get through Telegram's bad moments: 5xx answers, slow answers, a crash between the
commit and the send, a database outage. Nothing is lost, nothing shows twice, no apology for
what went well."""

from __future__ import annotations

import asyncio
import time
from datetime import time as clock_time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from bot import delivery
from bot.emulator import Faults, SimUser
from bot.services import inbox
from handlers.turn import Turn
from tests.e2e.harness import CONTENT, BotHarness, begin_onboarding, label, leads, one_of, shown

texts = CONTENT.texts("en")


async def warmed_up(bot: BotHarness) -> SimUser:
    """A person who has had one answer: the first message of a process loads the language
    models, which takes seconds on a busy machine and is not what these tests time."""
    user = bot.user()
    await user.send("/help")
    await user.next_message(timeout=30)
    return user


async def test_a_slow_answer_is_waited_for_not_apologised_for(bot: BotHarness) -> None:
    """Telegram takes the message at once but answers after 6 s (PTB's default read timeout is
    5 s): the person sees the reply once, and no "Sorry, something went wrong"."""
    user = await warmed_up(bot)
    bot.emulator.faults = Faults(delay=1.0, delay_range=(6.0, 6.0), methods={"sendMessage"})
    await user.send("/help")
    reply = await user.next_message()
    bot.emulator.faults = None
    await bot.settle(timeout=20)
    assert [m.text for m in user.messages[1:]] == [reply.text]
    assert texts("errors.apology") not in reply.text


async def test_first_reply_after_a_database_outage_comes_within_two_seconds(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The inbox cannot be written four times in a row (1 + 2 + 4 s of back-off before, when
    it doubled up to 30 s); the next try succeeds, and the reply follows within ~2 s of it."""
    store = inbox.store
    failures: list[float] = []
    fourth = asyncio.Event()

    async def down(*args: Any, **kwargs: Any) -> Any:
        if len(failures) < 4:
            failures.append(time.monotonic())
            if len(failures) == 4:
                fourth.set()
            raise OperationalError("INSERT INTO inbox_updates", {}, OSError("database is down"))
        return await store(*args, **kwargs)

    user = await warmed_up(bot)
    monkeypatch.setattr(inbox, "store", down)
    await user.send("/help")
    await asyncio.wait_for(fourth.wait(), 15)
    back = failures[-1]  # the database is back right after the fourth failure
    await user.next_message(timeout=10)
    assert time.monotonic() - back < 2.0


async def onboarding_and_debrief(user: SimUser, wait: float = 20.0) -> list[str]:
    """A new person sets up and debriefs a rejection by taps, waiting for each answer as a
    person does; returns the texts of the messages they were waiting for."""
    seen: list[str] = []

    async def reply(*contains: str) -> None:
        message = await user.next_message(timeout=wait)
        seen.append(message.text)
        for part in contains:
            assert part in message.text, (part, message.text)

    await user.send("/start")
    await reply("not a therapist")
    await user.tap("Sounds good")
    await reply("Where are you?")
    await user.send("Berlin")
    await reply()
    await user.tap("09:00")
    await reply()
    await user.tap("Every day")
    await reply("You're all set")
    await user.send("/reflect")
    await reply()
    await user.tap("Let's do it")
    await reply()
    await user.tap("Skip")
    await reply(*shown("reflection.ask_stage", company=label("reflection.this_company")))
    await user.tap("Final round")
    await reply()
    await user.tap("😕 2")
    await reply()
    await user.tap("Good rapport")  # a tick: the question's buttons are edited, no new message
    await user.tap("Done ✓")
    await reply()
    await user.tap("Technical depth")
    await user.tap("Done ✓")
    await reply()
    await user.tap("Internal candidate")
    await user.tap("Done ✓")
    await reply("📝", "Final round", "Good rapport")
    return seen


async def test_replies_get_through_when_telegram_fails_now_and_then(
    harness_any_db: BotHarness,
) -> None:
    """The issue's run at test size: 12 people set up and debrief side by side while 7% of
    calls are answered 500/502 and 3% answered 1-3 s late, with Telegram's limits on. Everyone
    gets to the summary card, nobody sees a message twice or an apology, and the bot draws no
    429 (the harness fails the test on any refused call)."""
    bot = harness_any_db
    await bot.start()
    emulator = bot.emulator
    reference = bot.user("Ref")
    expected = await onboarding_and_debrief(reference)  # how many messages, without faults
    emulator.faults = Faults(fail=0.07, delay=0.03, seed=17)
    people = [bot.user(f"Person{i}") for i in range(12)]
    results = await asyncio.gather(
        *(onboarding_and_debrief(person) for person in people), return_exceptions=True
    )
    faults = emulator.faults
    emulator.faults = None
    await bot.settle(timeout=30)
    stuck = {
        p.first_name: repr(r)
        for p, r in zip(people, results, strict=True)
        if not isinstance(r, list)
    }
    assert not stuck, stuck
    assert faults.failed >= 10 and faults.delayed >= 3  # the faults did happen
    apology = texts("errors.apology")
    for person in people:
        shown = [m.text for m in person.messages]
        assert apology not in shown, person.first_name
        assert len(shown) == len(expected), (person.first_name, shown)


async def test_a_reply_cut_off_by_a_crash_is_sent_by_the_next_instance(
    harness_any_db: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies between committing an answer and sending the reply: the answer is
    stored, and the next instance sends the reply (once the dead one's lease has run out)."""
    bot = harness_any_db
    first = await bot.start()
    await warmed_up(bot)
    user = await begin_onboarding(bot)

    async def dies_before_sending(self: Turn) -> None:
        """Nothing is sent: as if the process were killed right after the commit."""

    monkeypatch.setattr(Turn, "flush", dies_before_sending)
    await user.send("Berlin")
    await bot.settle()
    row = await bot.stored_user(user.id)
    assert row is not None and row.timezone == "Europe/Berlin"  # the answer is committed
    await user.expect_silence()
    await bot.stop(first)
    monkeypatch.undo()

    await bot.start()
    bot.clock.advance(timedelta(minutes=2))
    asked = await user.next_message(timeout=20)
    assert one_of(asked.text, leads("onboarding.ask_time"))
    await user.tap("09:00")  # the question works: its buttons answer it
    assert "How often?" in (await user.next_message()).text
    await bot.settle()
    assert len(user.messages) == 4  # welcome, where, when (once), how often


async def test_a_reply_still_failing_is_sent_later_and_the_next_waits_behind_it(
    harness_any_db: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Telegram keeps failing a reply past the turn's own retries: it goes back to the outbox
    with backoff, the chat's next reply waits behind it, and both come later in order."""
    monkeypatch.setattr(delivery, "INLINE_BUDGET", 0.2)  # one try, then the outbox
    bot = harness_any_db
    app = await bot.start()
    await warmed_up(bot)
    user = await begin_onboarding(bot)
    bot.emulator.fail_next("sendMessage", 502)
    await user.send("Berlin")
    await bot.settle()
    await user.send("7:45")  # typed while the time question has not arrived
    await bot.settle()
    await user.expect_silence()
    assert len(bot.emulator.injected_failures) == 1
    row = await bot.stored_user(user.id)
    assert row is not None and row.checkin_time == clock_time(7, 45)  # both answers are stored

    bot.clock.advance(timedelta(seconds=10))  # the backoff has passed
    app.wiring.delivery.kick()  # (the pump also looks every few seconds)
    asked = await user.next_message(timeout=15)
    assert one_of(asked.text, leads("onboarding.ask_time"))
    assert "How often?" in (await user.next_message()).text
    await bot.settle()
    assert asked.buttons == []  # answered by typing before it arrived: no stale buttons
    assert await app.wiring.delivery.pump() == 0  # nothing twice
    await user.expect_silence(within=6)  # past the pump's next look
