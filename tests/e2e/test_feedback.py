"""/feedback: from a debrief to a sent request, the check days later, and the reply logged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.db.models import FeedbackRequest, PlanAction, ScheduledMessage
from bot.dispatch import dispatch_due
from bot.emulator import BotMessage, SimUser
from tests.e2e.harness import BotHarness, label, onboard
from tests.e2e.test_reflection import open_debrief, toggle


def button(key: str) -> str:
    """A draft's button as the catalogue labels it."""
    return label(f"feedback.buttons.{key}")


async def requests(bot: BotHarness, user_id: int) -> list[FeedbackRequest]:
    async with bot.sessions() as session:
        query = select(FeedbackRequest).where(FeedbackRequest.user_id == user_id)
        return list((await session.execute(query.order_by(FeedbackRequest.id))).scalars())


async def debrief_then_draft(bot: BotHarness, user: SimUser, tone: str = "Warm") -> BotMessage:
    """A debrief of a final round at Acme, then "Draft it now" through to the first draft."""
    await open_debrief(user)
    await user.send("Product Designer at Acme")
    await user.next_message()
    await user.tap("Final round")
    await user.next_message()
    await user.tap("Skip")
    await user.next_message()
    await toggle(bot, user, "Strong examples")
    await user.tap("Done ✓")
    await user.next_message()
    await user.tap("Done ✓")
    await user.next_message()
    await user.tap("Done ✓")
    card = await user.next_message()
    await user.tap("Draft it now", message=card)
    who = await user.next_message()
    assert "feedback" in who.text.lower()
    assert "line is open" in who.text  # a rejection message means a reply is worth sending
    assert who.text.count("HR") == 1  # the why and the question do not give one advice twice
    assert who.button_labels()[:3] == ["HR / recruiter", "The interviewer", "Agency / headhunter"]
    await user.tap("HR / recruiter")
    await user.next_message()
    await user.send("Maria")
    assert "sign" in (await user.next_message()).text.lower()
    await user.send("Alex Kim")
    await user.next_message()
    await user.tap("Email")
    await user.next_message()
    await user.tap(tone)
    return await user.next_message()


async def test_draft_sent_check_after_five_business_days_then_reply_logged(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    app = await bot.start()
    user = await onboard(bot, "No check-ins")  # Berlin, 09:00; starts Thursday 15 January
    draft = await debrief_then_draft(bot, user)
    assert "Subject" in draft.text
    assert "Hi Maria," in draft.text
    assert "Product Designer" in draft.text
    assert "Acme" in draft.text
    assert "Alex Kim" in draft.text
    assert draft.html is not None
    assert "<pre>" in draft.html
    assert draft.button_labels() == [
        button("shorter"),
        button("another"),
        button("keep_in_touch"),
        button("turn_around"),
        button("sent"),
        button("not_now"),
    ]
    await user.tap(button("sent"))
    sent = await user.next_message()
    assert "Thu, Jan 22, 09:00" in sent.text  # five business days later, at check-in time
    [request] = await requests(bot, user.id)
    assert request.status == "sent"
    stored = await bot.stored_user(user.id)
    assert stored is not None
    assert stored.signature_name == "Alex Kim"

    bot.clock.advance(timedelta(days=6, hours=19))  # Wed 21 Jan, 07:00 UTC: not yet
    assert await dispatch_due(app) == 0
    bot.clock.current = datetime(2026, 1, 22, 8, 0, tzinfo=UTC)  # Thu 09:00 in Berlin
    assert await dispatch_due(app) == 1
    check = await user.next_message()
    assert "Acme" in check.text
    assert check.button_labels() == ["Yes, log it", "Not yet", "Let it go"]
    await user.tap(button("log"))
    await user.next_message()
    await user.send(
        "Thanks for asking. Your system design answers lacked depth and some examples were vague."
    )
    tags = await user.next_message()
    assert "✓ Technical depth" in tags.button_labels()
    assert "✓ Examples / detail" in tags.button_labels()
    await toggle(bot, user, "Communication")  # the person corrects the suggestion
    await user.tap("Done ✓")
    logged = await user.next_message()
    assert "/plan" in logged.text
    assert "Small steps added" not in logged.text
    assert logged.text.count("• ") == 3  # the steps themselves, not a count
    assert "system design" in logged.text  # in the feedback's own words
    [request] = await requests(bot, user.id)
    assert request.status == "replied"
    assert request.tags == ["technical", "examples", "communication"]
    assert request.reply_text is not None
    async with bot.sessions() as session:
        reasons = (await session.execute(select(PlanAction.reason))).scalars().all()
    assert {"tech_depth", "communication"} <= set(reasons)
    await user.send("/plan")
    plan = await user.next_message()
    assert sum(1 for line in plan.text.splitlines() if line[:2] in ("1.", "2.", "3.", "4.")) >= 3
    assert "✅ 1 Done" in plan.button_labels()


async def test_reshaping_the_draft_edits_it_in_place(bot: BotHarness) -> None:
    user = await onboard(bot, "No check-ins")
    draft = await debrief_then_draft(bot, user)
    first_text = draft.text
    await user.tap(button("another"))
    await bot.settle()
    assert draft.edited
    assert draft.text != first_text
    await user.tap(button("shorter"))
    await bot.settle()
    assert button("longer") in draft.button_labels()
    await user.tap(button("turn_around"))
    await bot.settle()
    assert label("feedback.kind.turn_around") in draft.text
    assert button("back_to_ask") in draft.button_labels()
    [request] = await requests(bot, user.id)
    assert (request.kind, request.short, request.version) == ("turn_around", True, 0)
    await user.tap(button("not_now"))
    assert "draft" in (await user.next_message()).text.lower()
    await user.send("/feedback")
    overview = await user.next_message()
    assert "Acme" in overview.text
    assert "draft" in overview.text
    assert overview.button_labels()[-1] == "New request"
    for stale in (f"fd:0:{request.id}:sent", f"fd:1:{request.id}:explode", "fq:1:open:x"):
        await user.tap_data(stale)
        await bot.settle()
        assert "expired" in (user.callback_answers[-1].text or "")
    await user.tap_data("fd:1:99999:sent")
    await bot.settle()
    assert user.callback_answers[-1].text == label("toasts.request_gone")


async def test_warmer_changes_greeting_and_body(bot: BotHarness) -> None:
    user = await onboard(bot, "No check-ins")
    draft = await debrief_then_draft(bot, user, tone="Formal")
    formal = draft.text
    assert "Dear Maria," in formal
    assert "Kind regards," in formal
    await user.tap(button("warmer"))
    await bot.settle()
    assert draft.edited
    warm = draft.text
    assert "Hi Maria," in warm and "Dear Maria," not in warm
    body = [line for line in warm.splitlines() if line.startswith("Thank you for")]
    assert body and body[0] not in formal  # the thanks itself is warmer, not only the sign-off
    assert "Warmer" not in draft.button_labels()
    [request] = await requests(bot, user.id)
    assert request.tone == "warm"


async def test_let_it_go_stops_every_reminder(bot: BotHarness) -> None:
    user = await onboard(bot, "No check-ins")
    await debrief_then_draft(bot, user)
    await user.tap(button("sent"))
    await user.next_message()
    bot.clock.advance(timedelta(days=8))
    assert await dispatch_due(bot.instances[0]) == 1
    await user.next_message()
    await user.tap(button("let_go"))
    assert "no more reminders" in (await user.next_message()).text.lower()
    bot.clock.advance(timedelta(days=30))
    assert await dispatch_due(bot.instances[0]) == 0
    [request] = await requests(bot, user.id)
    assert request.status == "closed"
    async with bot.sessions() as session:
        pending = (
            await session.execute(
                select(ScheduledMessage).where(ScheduledMessage.status == "pending")
            )
        ).all()
    assert pending == []


async def test_not_yet_offers_a_gentle_follow_up_and_generic_reply_suggests_interviewer(
    bot: BotHarness,
) -> None:
    user = await onboard(bot, "No check-ins")
    await debrief_then_draft(bot, user)
    await user.tap(button("sent"))
    await user.next_message()
    bot.clock.advance(timedelta(days=8))
    await dispatch_due(bot.instances[0])
    await user.next_message()
    await user.tap(button("not_yet"))
    follow_up = await user.next_message()
    assert "Gentle follow-up" in follow_up.text
    await user.tap(button("sent"))
    await user.next_message()
    [request] = await requests(bot, user.id)
    assert request.status == "followed_up"
    bot.clock.advance(timedelta(days=8))
    await dispatch_due(bot.instances[0])
    await user.next_message()
    await user.tap(button("log"))
    await user.next_message()
    await user.send("We decided to move forward with another candidate. Best of luck!")
    tags = await user.next_message()
    assert not any(label.startswith("✓") for label in tags.button_labels())
    await user.tap("Done ✓")
    reply = await user.next_message()
    assert reply.button_labels() == ["Ask the interviewer"]
    await user.tap("Ask the interviewer")
    ask_name = await user.next_message()
    assert "name" in ask_name.text.lower()
    await user.send("Sam")
    await user.next_message()  # channel (their own name is remembered, so not asked again)
    await user.tap("LinkedIn message")
    await user.next_message()
    await user.tap("Brief")
    draft = await user.next_message()
    assert "Subject" not in draft.text
    assert "Sam" in draft.text
    [_, second] = await requests(bot, user.id)
    assert (second.recipient, second.channel, second.company) == ("interviewer", "linkedin", "Acme")


async def test_feedback_without_a_debrief_asks_for_the_company(bot: BotHarness) -> None:
    user = await onboard(bot, "No check-ins")
    await user.send("/feedback")
    empty = await user.next_message()
    await user.tap("New request", message=empty)
    ask = await user.next_message()
    assert "company" in ask.text.lower()
    await user.send("Globex, data analyst")
    assert "who" in (await user.next_message()).text.lower()
    await user.send("/feedback@rebound_test_bot")
    assert "Globex" not in (await user.next_message()).text  # nothing is drafted yet


async def test_logged_feedback_lists_steps_in_its_own_words(bot: BotHarness) -> None:
    user = await onboard(bot, "No check-ins")
    await debrief_then_draft(bot, user)
    await user.tap(button("sent"))
    await user.next_message()
    bot.clock.advance(timedelta(days=8))
    await dispatch_due(bot.instances[0])
    await user.next_message()
    await user.tap(button("log"))
    await user.next_message()
    await user.send(
        "Your Figma work was excellent. They wanted more experience with design systems at "
        "scale, and examples about <teams> & budgets."
    )
    tags = await user.next_message()
    ticked = [label for label in tags.button_labels() if label.startswith("✓")]
    assert ticked == ["✓ Examples / detail", "✓ Experience level"]
    await user.tap("Done ✓")
    logged = await user.next_message()
    lines = [line for line in logged.text.splitlines() if line.startswith("• ")]
    assert len(lines) == 2
    assert "<teams> & budgets" in lines[0]  # shown as typed, safely escaped
    assert "design systems at scale" in lines[1]
    assert logged.html is not None and "&lt;teams&gt; &amp; budgets" in logged.html
    assert "thank-you" in logged.text or "thanks" in logged.text
    assert "They also named what worked: Design tools" in logged.text  # strengths, too
    # /plan shows the same steps, in the same words (kept with the step, encrypted like them)
    await user.send("/plan")
    plan_text = (await user.next_message()).text
    assert "design systems at scale" in plan_text and "<teams> & budgets" in plan_text
    async with bot.sessions() as session:
        steps = (await session.execute(select(PlanAction).order_by(PlanAction.id))).scalars()
        assert [s.focus for s in steps if s.focus] == [
            "<teams> & budgets",
            "design systems at scale",
        ]


async def test_button_labels_show_a_company_name_as_typed(bot: BotHarness) -> None:
    """Button labels are plain text on Telegram: "AT&T" must not show as "AT&amp;T"."""
    user = await onboard(bot, "No check-ins")
    await debrief_then_draft(bot, user)
    [request] = await requests(bot, user.id)
    async with bot.sessions() as session, session.begin():
        stored = await session.get(FeedbackRequest, request.id)
        assert stored is not None
        stored.company = "AT&T <Labs>"
    await user.send("/feedback")
    overview = await user.next_message()
    assert "AT&T <Labs>" in overview.text  # the message text: escaped HTML, shown as typed
    [label] = [b for b in overview.button_labels() if b.startswith("AT&T")]
    assert label.startswith("AT&T <Labs> · ")


async def test_names_typed_in_a_sentence_greet_and_sign_by_the_name_alone(
    bot: BotHarness,
) -> None:
    """ "her name is julia becker" is Julia Becker: the draft says "Hi Julia,", never "Hi her,",
    and "I'm Sam Lee" signs it "Sam Lee" (and is remembered so)."""
    user = await onboard(bot, "No check-ins")
    await user.send("/feedback")
    await user.tap("New request", message=await user.next_message())
    await user.next_message()
    await user.send("Globex")
    await user.next_message()
    await user.tap("The interviewer")
    await user.next_message()
    await user.send("her name is julia becker")
    assert "sign" in (await user.next_message()).text.lower()
    await user.send("I'm Sam Lee")
    await user.next_message()
    await user.tap("Email")
    await user.next_message()
    await user.tap("Warm")
    draft = await user.next_message()
    assert "Hi Julia," in draft.text and "Hi her" not in draft.text
    assert "\nWarm wishes,\nSam Lee\n" in draft.text
    [stored] = await requests(bot, user.id)
    assert stored.their_name == "Julia Becker"
