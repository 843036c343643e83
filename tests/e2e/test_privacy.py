"""/privacy, /export and /delete, end to end, with rows counted before and after."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.cli import NOISY_LOGGERS as NOISY
from bot.cli import configure_logging
from bot.db.models import Base, CheckIn, User
from bot.services.privacy import TABLES, purge
from handlers.scheduled import dispatch_due
from tests.e2e.harness import BotHarness, onboard
from tests.e2e.test_feedback import debrief_then_draft

MARKER = "zebracornflakes"


async def row_counts(bot: BotHarness) -> dict[str, int]:
    counts = {}
    async with bot.sessions() as session:
        for name, model in (("users", User), *TABLES):
            table: type[Base] = model
            counts[name] = (
                await session.execute(select(func.count()).select_from(table))
            ).scalar_one()
    return counts


async def a_full_life(bot: BotHarness):  # type: ignore[no-untyped-def]
    user = await onboard(bot)
    await debrief_then_draft(bot, user)
    await user.tap("I sent it ✅")
    await user.next_message()
    await user.send("/checkin")
    await user.tap("🙂", message=await user.next_message())
    await user.next_message()
    await user.send("/strengths")
    await user.tap("Add my own", message=await user.next_message())
    await user.next_message()
    await user.send("SQL, explaining complex things simply")
    await user.next_message()
    await user.send("/reflect")  # an unfinished debrief and a running flow, too
    await user.next_message()
    await user.tap("Let's do it")
    await user.next_message()
    return user


async def test_privacy_says_what_is_kept_and_how_long(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/privacy")
    text = (await user.next_message()).text
    assert "What I keep" in text
    assert "365 days" in text
    assert "180 days" in text
    assert "no encryption key" in text
    assert "not a therapist" in text


async def test_export_sends_everything_as_json_and_markdown(bot: BotHarness) -> None:
    user = await a_full_life(bot)
    await user.send("/export")
    data_file = await user.next_message()
    readable = await user.next_message()
    assert data_file.document is not None
    assert data_file.document.filename == "rebound-export.json"
    document = json.loads(data_file.document.content)
    assert document["schema"] == "rebound.export/1"
    assert document["user"]["timezone"] == "Europe/Berlin"
    assert document["user"]["signature_name"] == "Alex Kim"
    assert [d["company"] for d in document["debriefs"]] == ["Acme", None]
    assert document["feedback_requests"][0]["status"] == "sent"
    assert len(document["checkins"]) == 1
    assert document["conversation_state"][0]["flow"] == "rf"
    assert [(s["text"], s["skill"]) for s in document["strengths"]] == [
        ("SQL", "sql"),
        ("explaining complex things simply", None),
    ]
    assert readable.document is not None
    assert readable.document.filename == "rebound-debriefs.md"
    markdown = readable.document.content.decode()
    assert "## " in markdown
    assert "Acme" in markdown
    assert "Everything I have about you" in readable.text


async def test_delete_erases_every_row_in_one_go(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await a_full_life(bot)
    other = await onboard(bot, first_name="Sam")
    await bot.settle()  # each turn's reply row is gone once its reply is through
    before = await row_counts(bot)
    assert all(
        before[name] > 0 for name in ("users", "debriefs", "plan", "feedback_requests", "strengths")
    )
    await user.send("/delete")
    confirm = await user.next_message()
    await user.tap("No, keep my data", message=confirm)
    assert "Nothing was deleted" in (await user.next_message()).text
    await bot.settle()
    assert await row_counts(bot) == before
    await user.send("/delete")
    await user.tap("Yes, delete everything", message=await user.next_message())
    assert "Everything I had about you is erased" in (await user.next_message()).text
    await bot.settle()
    after = await row_counts(bot)
    assert after["users"] == 1  # only Sam
    async with bot.sessions() as session:
        for name, model in TABLES:
            column = model.__table__.c.user_id
            mine = select(func.count()).select_from(model).where(column == user.id)
            assert (await session.execute(mine)).scalar_one() == 0, name
    assert await bot.stored_user(other.id) is not None
    await user.send("/start")
    assert "Shall we set up?" in (await user.next_message()).text  # a fresh start


async def test_retention_purges_old_checkins_and_long_gone_people(bot: BotHarness) -> None:
    stays = await onboard(bot)
    leaves = await onboard(bot, first_name="Gone")
    for person in (stays, leaves):
        await person.send("/checkin")
        await person.tap("😐", message=await person.next_message())
        await person.next_message()
    leaves.block()
    await bot.settle()
    now = bot.clock.now()
    async with bot.sessions() as session, session.begin():
        assert await purge(session, now + timedelta(days=30), 365, 180) == (0, 0)
    async with bot.sessions() as session, session.begin():
        assert await purge(session, now + timedelta(days=400), 365, 180) == (2, 1)
    assert await bot.stored_user(leaves.id) is None
    assert await bot.stored_user(stays.id) is not None
    async with bot.sessions() as session:
        assert (await session.execute(select(func.count()).select_from(CheckIn))).scalar_one() == 0
    bot.clock.advance(timedelta(days=1))
    await dispatch_due(bot.instances[-1])  # the job runs retention too, without error


async def test_logs_never_contain_what_people_write(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    levels = {name: logging.getLogger(name).level for name in NOISY}
    configure_logging("DEBUG")
    try:
        with caplog.at_level(logging.DEBUG):
            user = await onboard(bot)
            await user.send("/reflect")
            await user.next_message()
            await user.tap("Let's do it")
            await user.next_message()
            await user.send(f"{MARKER} Ltd, designer")
            await user.next_message()
            await user.send(f"/feedback {MARKER}")
            await user.next_message()
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    assert caplog.records  # logging was on
    assert MARKER not in caplog.text


async def test_privacy_says_encrypted_when_a_key_is_set(bot: BotHarness) -> None:
    from bot import crypto

    crypto.configure([crypto.new_key()])
    try:
        user = bot.user()
        await user.send("/privacy")
        assert "encrypted" in (await user.next_message()).text
    finally:
        crypto.configure([])
