"""Issue 18 item 8: control characters in what people type. PostgreSQL refuses U+0000 in text,
so a win or an answer containing one got the apology there (SQLite stored it). Every update is
cleaned as it comes in (bot.services.typed_text, called from bot.intake), on both databases."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Win
from bot.services.typed_text import CONTROL
from tests.e2e.harness import CONTENT, BotHarness, onboard

TEXTS = CONTENT.texts("en")


async def test_control_characters_leave_typed_answers_on_both_databases(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("/win")
    await user.next_message()
    await user.send("Sent\x00 three applications\x0c before\x1b lunch\x7f\r\nand\tcalled Sam\x85")
    reply = (await user.next_message()).text
    assert TEXTS("errors.apology") != reply
    await user.expect_silence()
    async with bot.sessions() as session:
        wins = (await session.execute(select(Win.text))).scalars().all()
    assert len(wins) == 1 and not CONTROL.search(wins[0].replace("\n", "").replace("\t", ""))
    assert " ".join(wins[0].split()) == "Sent three applications before lunch and called Sam"


async def test_a_command_after_a_control_character_still_works(harness_any_db: BotHarness) -> None:
    """The command's entity moves with its text, so /help is still read as /help."""
    bot = harness_any_db
    await bot.start()
    user = bot.user()
    await user.send("/start")
    await user.next_message()
    await user.send("\x00\x00/help")  # the command's entity is at offset 2, as Telegram sends
    assert "Getting started" in (await user.next_message()).text
