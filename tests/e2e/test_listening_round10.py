"""What people type, round 10 (issue 16, listen10): /cancel at a question nothing was typed
for does not claim "what you'd already told me is saved"; feedback told as "lacked depth" or
"weren't specific enough" is read as feedback without a no. What the person sees and what is
stored are both checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import FeedbackRequest, Rejection, Win
from tests.e2e.harness import BotHarness, label, leads, onboard, one_of, shown
from tests.e2e.listening_kit import onboarded_says


async def requests(bot: BotHarness, user_id: int) -> list[FeedbackRequest]:
    async with bot.sessions() as session:
        query = select(FeedbackRequest).where(FeedbackRequest.user_id == user_id)
        return list((await session.execute(query)).scalars())


async def test_cancel_at_what_did_they_say_with_nothing_typed_says_nothing_was_kept(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(
        bot, "so I sent the feedback email to Monzo and they actually replied"
    )
    assert reply.button_labels()[0] == label("listen.buttons.log_feedback"), reply.text
    await user.tap(label("listen.buttons.log_feedback"), message=reply)
    asked = await user.next_message()
    assert one_of(asked.text, leads("feedback.ask_log")), asked.text

    await user.send("/cancel")
    stopped = await user.next_message()
    assert one_of(stopped.text, shown("cancel.done_empty")), stopped.text
    assert not one_of(stopped.text, shown("cancel.done"))
    assert await bot.flow_state(user.id) is None
    assert all(r.reply_text is None for r in await requests(bot, user.id))


async def test_cancel_after_an_answer_still_says_it_is_saved(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("/reflect")
    await user.next_message()
    await user.tap(label("reflection.buttons.start"))
    await user.next_message()
    await user.send("Zalando")
    await user.next_message()
    await user.send("/cancel")
    stopped = await user.next_message()
    assert one_of(stopped.text, shown("cancel.done")), stopped.text
    assert await bot.flow_state(user.id) is None


# (locale, feedback told without a no: what their answers lacked)
LACKED = [
    ("en", "they said my answers lacked depth"),
    ("en", "the interviewer said my answers lacked structure"),
    ("en", "they said my examples weren't specific enough"),
    ("de", "sie meinten, meine Antworten waren nicht konkret genug"),
    ("de", "sie sagten, meinen Antworten fehlte die Tiefe"),
    ("es", "me dijeron que a mis respuestas les faltaba profundidad"),
    ("es", "dijeron que mis respuestas no fueron lo bastante concretas"),
    ("ru", "сказали, что моим ответам не хватало глубины"),
    ("ru", "сказали, что мои ответы были недостаточно конкретными"),
]


@pytest.mark.parametrize(("locale", "typed"), LACKED)
async def test_what_their_answers_lacked_is_read_as_feedback(
    harness_any_db: BotHarness, locale: str, typed: str
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, typed, locale)
    assert reply.button_labels() == [label("listen.buttons.log_feedback", locale)], reply.text
    assert not one_of(reply.text, leads("listen.unsure", locale))
    await bot.settle()
    [held] = await requests(bot, user.id)
    assert held.status == "told" and held.reply_text == typed


@pytest.mark.parametrize("typed", ["I just said no to the offer", "I turned down their offer"])
async def test_their_own_no_to_an_offer_is_their_decision_not_a_rejection(
    harness_any_db: BotHarness, typed: str
) -> None:
    """Declining an offer read as a rejection got "sorry about the no" and [Debrief it now].
    It is their decision: a reply that says so, [Log it as a win], and no rejection stored."""
    bot = harness_any_db
    user, reply = await onboarded_says(bot, typed)
    assert one_of(reply.text, shown("listen.good_news.declined")), reply.text
    assert reply.button_labels() == [label("listen.buttons.log_it")]
    await bot.settle()
    async with bot.sessions() as session:
        assert (await session.execute(select(Rejection))).first() is None
    await user.tap(label("listen.buttons.log_it"), message=reply)
    logged = await user.next_message()
    assert one_of(logged.text, shown("listen.win_logged.declined")), logged.text
    async with bot.sessions() as session:
        kinds = list((await session.execute(select(Win.kind, Win.text))).all())
    assert [(kind, text) for kind, text in kinds] == [("declined", None)]
