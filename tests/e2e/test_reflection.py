"""/reflect as a person does it: taps, typing, skipping, going back, stopping, coming back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import PlanAction, Rejection, ScheduledMessage
from bot.dispatch import dispatch_due
from bot.emulator import BotMessage, SimUser
from tests.e2e.harness import BotHarness, label, leads, onboard, one_of, shown


async def records(bot: BotHarness, user_id: int) -> list[Rejection]:
    async with bot.sessions() as session:
        query = select(Rejection).where(Rejection.user_id == user_id).order_by(Rejection.id)
        return list((await session.execute(query)).scalars())


async def plan(bot: BotHarness, user_id: int) -> list[PlanAction]:
    async with bot.sessions() as session:
        query = select(PlanAction).where(PlanAction.user_id == user_id).order_by(PlanAction.id)
        return list((await session.execute(query)).scalars())


async def open_debrief(user: SimUser) -> BotMessage:
    await user.send("/reflect")
    opener = await user.next_message()
    assert opener.button_labels() == ["Let's do it", "Not now"]
    await user.tap("Let's do it")
    ask_company = await user.next_message()
    assert "company" in ask_company.text.lower()
    return ask_company


async def toggle(bot: BotHarness, user: SimUser, *labels: str) -> BotMessage:
    for tapped in labels:
        await user.tap(tapped)
    await bot.settle()
    message = user.last_message
    assert message is not None
    return message


async def tap_through(bot: BotHarness, user: SimUser, mood: str = "😐 3") -> BotMessage:
    """A whole debrief by taps only (``mood`` the mood button); returns the summary card. A
    mood of 1-2 would make a low day: the debrief's steps rest off /plan until the mood lifts."""
    await open_debrief(user)
    await user.tap("Skip")
    stage = await user.next_message()
    assert one_of(
        stage.text, shown("reflection.ask_stage", company=label("reflection.this_company"))
    )
    await user.tap("Final round")
    asked = await user.next_message()
    assert asked.button_labels()[:5] == ["😣 1", "😕 2", "😐 3", "🙂 4", "😀 5"]
    await user.tap(mood)
    went_well = await user.next_message()
    await toggle(bot, user, "Good rapport", "Strong examples")
    assert "✓ Good rapport" in went_well.button_labels()
    await user.tap("Done ✓")
    differently = await user.next_message()
    ticked = await toggle(bot, user, "Technical depth", "Nerves", "Nerves")
    assert ticked.message_id == differently.message_id
    assert "✓ Technical depth" in ticked.button_labels()
    assert "Nerves" in ticked.button_labels()
    await user.tap("Done ✓")
    await user.next_message()
    await toggle(bot, user, "Internal candidate")
    await user.tap("Done ✓")
    return await user.next_message()


async def test_whole_debrief_by_taps_stores_everything(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    card = await tap_through(bot, user)
    assert "📝" in card.text
    assert "Final round" in card.text
    assert "Good rapport, Strong examples" in card.text
    assert "Technical depth" in card.text
    assert "Internal candidate" in card.text
    assert card.text.count("• ") == 1  # one reason -> one next step
    [record] = await records(bot, user.id)
    assert record.stage == "final_round"
    assert record.mood == 3
    assert record.went_well == ["rapport", "examples"]
    assert record.reasons == ["tech_depth"]
    assert record.outside == ["internal"]
    assert record.company is None
    assert record.completed_at == bot.clock.now()
    assert record.feedback_status == "offered"
    assert card.button_labels() == ["Draft it now", "Later"]
    [action] = await plan(bot, user.id)
    assert (action.reason, action.status, action.rejection_id) == ("tech_depth", "open", record.id)
    assert await bot.flow_state(user.id) is None


async def test_free_text_unicode_and_notes(bot: BotHarness) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("Designerin at Müller & Söhne 🚀")
    stage = await user.next_message()
    assert "Müller &amp; Söhne" not in stage.text  # shown as text, not escaped twice
    # The name as typed, without the cheer after it (issue 16 QA: "Acme!! 🚀" is "Acme").
    assert one_of(stage.text, shown("reflection.ask_stage", company="Müller & Söhne"))
    await user.tap("Technical / task")
    await user.next_message()
    await user.send("hmm, maybe")  # typing on a tap-only step gets a hint, not a dead end
    hint = await user.next_message()
    assert one_of(hint.text, shown("flow.tap_please"))
    await user.tap("😐 3")
    await user.next_message()
    await user.send("Das Büro war schön hell ✨")  # names no option: a note
    assert "Noted ✅" in (await user.next_message()).text
    await user.tap("Done ✓")
    await user.next_message()
    await user.send("x" * 1000)
    trimmed = await user.next_message()
    assert "300" in trimmed.text
    await toggle(bot, user, "Company research")
    await user.tap("Done ✓")
    await user.next_message()
    await user.tap("Done ✓")
    card = await user.next_message()
    assert "Your debrief" in card.text
    assert "Müller &amp; Söhne" not in card.text
    [record] = await records(bot, user.id)
    assert record.company == "Müller & Söhne"
    assert record.role == "Designerin"
    assert record.went_well == []
    assert record.went_well_note == "Das Büro war schön hell ✨"
    assert record.reasons_note == "x" * 300
    assert record.reasons == ["research"]


async def test_skipping_every_optional_step(bot: BotHarness) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    for _ in range(3):
        await user.tap("Skip")
        await user.next_message()
    for _ in range(3):
        await user.tap("Done ✓")
        reply = await user.next_message()
    assert "Your debrief" in reply.text
    [record] = await records(bot, user.id)
    assert (record.stage, record.mood, record.reasons, record.outside) == (None, None, [], [])
    assert record.completed_at is not None
    assert [a.reason for a in await plan(bot, user.id)] == ["general"]


async def test_back_goes_to_the_previous_question(bot: BotHarness) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("Acme")
    await user.next_message()
    await user.tap("Phone screen")
    mood = await user.next_message()
    assert "← Back" in mood.button_labels()
    await user.tap("← Back")
    stage = await user.next_message()
    assert one_of(stage.text, shown("reflection.ask_stage", company="Acme"))
    await user.tap("Final round")
    await user.next_message()
    [record] = await records(bot, user.id)
    assert record.stage == "final_round"


async def test_cancel_then_continue_where_you_stopped(bot: BotHarness) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("Globex, analyst")
    await user.next_message()
    await user.tap("First interview")
    await user.next_message()
    await user.send("/cancel")
    assert "Stopped" in (await user.next_message()).text
    await user.send("/reflect")
    offer = await user.next_message()
    assert "Globex" in offer.text
    assert offer.button_labels() == ["Continue", "Start fresh"]
    await user.tap("Continue")
    assert one_of((await user.next_message()).text, shown("reflection.ask_mood"))
    [record] = await records(bot, user.id)
    assert (record.company, record.role, record.stage) == ("Globex", "analyst", "first_interview")


async def test_start_fresh_discards_the_unfinished_one(bot: BotHarness) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("Globex")
    await user.next_message()
    await user.send("/cancel")
    await user.next_message()
    await user.send("/reflect")
    await user.next_message()
    await user.tap("Start fresh")
    assert "company" in (await user.next_message()).text.lower()
    [record] = await records(bot, user.id)
    assert record.company is None


async def test_restart_midway_resumes_at_the_same_step(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    first = await bot.start()
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("Initech")
    await user.next_message()
    await user.tap("Final round")
    await user.next_message()
    await user.tap("🙂 4")
    await user.next_message()
    await toggle(bot, user, "Stayed calm")
    await bot.stop(first)
    await bot.start()
    await user.tap("Done ✓")  # the same question's button still works after the restart
    assert "differently" in (await user.next_message()).text.lower()
    [record] = await records(bot, user.id)
    assert (record.company, record.stage, record.mood) == ("Initech", "final_round", 4)
    assert record.went_well == ["calm"]


async def finish_quickly(user: SimUser) -> BotMessage:
    """From the stage question on: skip, skip, then Done three times; returns the card."""
    for tapped in ("Skip", "Skip", "Done ✓", "Done ✓", "Done ✓"):
        await user.tap(tapped)
        reply = await user.next_message()
    return reply


async def test_old_reflection_buttons_are_stale_and_two_in_a_row(bot: BotHarness) -> None:
    user = await onboard(bot)
    old_question = await open_debrief(user)
    [skip] = [b for row in old_question.buttons for b in row if b.text == "Skip"]
    await user.send("First Co")
    await user.next_message()
    assert old_question.buttons == []  # answered by typing: its buttons go too
    assert "Your debrief" in (await finish_quickly(user)).text
    await open_debrief(user)
    assert skip.callback_data is not None  # an old client could still send it
    await user.tap_data(skip.callback_data, message_id=old_question.message_id)
    await bot.settle()
    assert user.callback_answers[-1].text == label("toasts.stale_button")
    state = await bot.flow_state(user.id)
    assert state is not None
    assert state.step == "company"
    await user.send("Second Co")
    await user.next_message()
    assert "Your debrief: Second Co" in (await finish_quickly(user)).text
    assert [r.company for r in await records(bot, user.id)] == ["First Co", "Second Co"]


async def test_patterns_appear_after_the_third(bot: BotHarness) -> None:
    user = await onboard(bot)
    for _ in range(2):
        card = await tap_through(bot, user)
        assert "A pattern" not in card.text
        assert "feedback" in card.text  # the offer to ask for feedback comes with the card
    patterns = await tap_through(bot, user)
    assert "A pattern" in patterns.text
    assert "3 of your last 3" in patterns.text
    assert "Final round" in patterns.text
    assert "Technical depth" in patterns.text
    reasons = [a.reason for a in await plan(bot, user.id)]
    assert reasons == ["tech_depth"] * 3
    assert [a.variant for a in await plan(bot, user.id)] == [0, 1, 2]


async def test_not_now_nudges_once_the_next_day(bot: BotHarness) -> None:
    user = await onboard(bot, "No check-ins")  # check-in time 09:00 Berlin, none scheduled
    await user.send("/reflect")
    await user.next_message()
    await user.tap("Not now")
    assert "tomorrow around 09:00" in (await user.next_message()).text
    await user.send("/reflect")
    await user.next_message()
    await user.tap("Not now")
    await user.next_message()
    app = bot.instances[0]
    assert await dispatch_due(app) == 0
    bot.clock.advance(timedelta(hours=20))  # 08:00 UTC next day = 09:00 Berlin
    assert await dispatch_due(app) == 1
    nudge = await user.next_message()
    assert nudge.button_labels() == ["Let's do it", "Not now"]
    assert await dispatch_due(app) == 0  # once only
    await user.tap("Let's do it")
    assert "company" in (await user.next_message()).text.lower()
    async with bot.sessions() as session:
        rows = (await session.execute(select(ScheduledMessage))).scalars().all()
    assert [r.status for r in rows] == ["sent"]


async def test_reflect_in_a_group_links_to_the_private_chat(bot: BotHarness) -> None:
    member = bot.user("Kim")
    group = bot.emulator.group("Job hunt support")
    group.add_member(member)
    await group.add_bot(member)
    assert "Rebound" in (await group.next_message()).text  # the bot introduces itself
    await group.send(member, "/reflect@rebound_test_bot")
    reply = await group.next_message()
    assert "private chat" in reply.text
    assert reply.buttons[0][0].url == "https://t.me/rebound_test_bot?start=reflect"
    await member.send("/start reflect")
    assert one_of((await member.next_message()).text, leads("onboarding.welcome"))
