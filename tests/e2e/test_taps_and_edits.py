"""Telegram refusing an edit or a tap's answer because there is nothing left to do is not a
failure to apologise for (issue 19, items 7 and 8): the person's answer is stored either way."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.content import load_content
from bot.db.models import Rejection
from bot.services import understanding
from tests.e2e.harness import BotHarness, onboard
from tests.e2e.test_reflection import open_debrief

APOLOGY = load_content().texts("en")("errors.apology")


@pytest.fixture(autouse=True, scope="module")
def _language_model_loaded() -> None:
    """Load the language model before the bot starts: on a busy machine the app's background
    load can outlast a test's first wait for a reply, which is not what these tests are about."""
    understanding.warm_up()


def refused(bot: BotHarness) -> list[tuple[str, str]]:
    """What Telegram refused, then forgotten (the harness fails a test on any refusal left)."""
    found = [(e.method, e.description) for e in bot.emulator.errors]  # after bot.settle()
    bot.emulator.errors.clear()
    return found


async def test_a_tap_answered_too_late_still_works_and_gets_no_apology(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("/reflect")
    await user.next_message()
    bot.emulator.query_timeout = 0.0  # every answer from now on comes "too late"
    await user.tap("Let's do it")
    ask_company = await user.next_message()
    assert "company" in ask_company.text.lower()
    await user.expect_silence()
    await bot.settle()
    assert all(m.text != APOLOGY for m in user.messages)
    assert refused(bot) == [
        (
            "answerCallbackQuery",
            "Bad Request: query is too old and response timeout expired or query ID is invalid",
        )
    ]


async def test_a_deleted_question_does_not_turn_a_saved_answer_into_an_apology(
    bot: BotHarness,
) -> None:
    user = await onboard(bot)
    ask_company = await open_debrief(user)
    await bot.settle()
    user.delete(ask_company)  # the person deletes the question, then answers it by typing
    await user.send("Initech, analyst")
    stage = await user.next_message()
    assert "How far did you get with Initech?" in stage.text
    await user.expect_silence()
    await bot.settle()
    assert all(m.text != APOLOGY for m in user.messages)
    async with bot.sessions() as session:
        [record] = (await session.execute(select(Rejection))).scalars()
    assert record.company == "Initech"
    # Removing the answered question's buttons found it gone; that is all Telegram refused.
    assert {reason for _, reason in refused(bot)} <= {"Bad Request: message to edit not found"}
