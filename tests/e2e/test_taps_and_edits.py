"""Telegram refusing an edit or a tap's answer because there is nothing left to do is not a
failure to apologise for (issue 19, items 7 and 8): the person's answer is stored either way.
And buttons fit a phone (item 10)."""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Rejection
from tests.e2e.harness import CONTENT, BotHarness, label, onboard, one_of, shown
from tests.e2e.test_crisis import CRISIS, WITH_RESUME
from tests.e2e.test_feedback import debrief_then_draft
from tests.e2e.test_reflection import open_debrief
from tests.e2e.test_strengths_match import JOB

APOLOGY = CONTENT.texts("en")("errors.apology")


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
    assert one_of(stage.text, shown("reflection.ask_stage", company="Initech"))
    await user.expect_silence()
    await bot.settle()
    assert all(m.text != APOLOGY for m in user.messages)
    async with bot.sessions() as session:
        [record] = (await session.execute(select(Rejection))).scalars()
    assert record.company == "Initech"
    # Removing the answered question's buttons found it gone; that is all Telegram refused.
    assert {reason for _, reason in refused(bot)} <= {"Bad Request: message to edit not found"}


async def test_no_button_label_is_cut_off_on_a_phone(bot: BotHarness) -> None:
    """Issue 19 item 10: the keyboards with the longest labels, as the person sees them: every
    label fits the width its row leaves it on a phone (about 20 characters at 2 to a row, 13
    at 3, 9 at 4; an emoji counts 2). The emulator measures every keyboard the bot sends or
    edits in (Emulator.cut_labels)."""
    user = await onboard(bot)
    await user.send("/strengths")
    listing = await user.next_message()
    await user.tap(label("strengths.buttons.add"), message=listing)
    await user.next_message()
    await user.send("SQL, explaining complex things simply to anyone, stakeholder work")
    added = await user.next_message()
    await user.tap("Remove", message=added)  # one "✖ <strength>" button per strength
    await bot.settle()
    await user.send(f"/match {JOB}")
    await bot.settle(timeout=30)
    gaps = user.last_message
    assert gaps is not None
    assert any(label.startswith("➕ ") for label in gaps.button_labels()), gaps.text
    while True:  # read up to here
        try:
            await user.next_message(timeout=0.1)
        except TimeoutError:
            break
    await user.send("/cancel")
    await user.next_message()
    draft = await debrief_then_draft(bot, user, tone="Formal")
    assert {"Shorter", "Warmer"} <= set(draft.button_labels())
    await user.send("/settings")
    await user.next_message()
    await user.send("/plan")
    await user.next_message()
    await user.send("/stats")
    await user.next_message()
    await user.send("I got rejected again, they went with someone more experienced")
    await user.next_message()
    # the news (with its reason) is kept: /reflect offers to debrief it, or a different no
    await user.send("/reflect")
    offer = await user.next_message()
    assert offer.button_labels() == [
        label("reflection.buttons.start"),
        label("reflection.buttons.another_no"),
    ]
    await user.tap(label("reflection.buttons.start"), message=offer)
    await user.next_message()
    await user.send(CRISIS)  # care, then the choices (resume the debrief among them)
    assert (await user.next_message()).button_labels() == WITH_RESUME
    readers = []
    for language in ("de", "es", "ru"):  # the listening buttons in the other languages
        person = await onboard(bot, language_code=language)  # set up: the fullest replies
        readers.append(person)
        await person.send(
            {
                "de": "Ich habe heute eine Absage bekommen",
                "es": "Hoy me rechazaron otra vez",
                "ru": "Сегодня мне снова отказали",
            }[language]
        )
    await bot.settle(timeout=30)
    assert all(person.last_message and person.last_message.buttons for person in readers)
    assert bot.emulator.cut_labels == []
