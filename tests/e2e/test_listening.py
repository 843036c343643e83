"""What people type in their own words, outside and inside flows (issue 16 §2-3, §6 card):
each kind gets its own reply and next steps, asides in a flow are acknowledged and kept, and
real answers stay answers. Texts are compared with the content catalogue, not copied."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.models import CheckIn, Rejection, ScheduledMessage, Win
from bot.services import crisis, understanding
from bot.services.understanding import Reading
from tests.e2e.harness import (
    CONTENT,
    BotHarness,
    begin_onboarding,
    first_lines,
    label,
    leads,
    onboard,
    one_of,
    seen,
    shown,
)
from tests.e2e.listening_kit import debriefs, onboarded, onboarded_says, open_debrief

# --- Outside flows --------------------------------------------------------------------------------


async def test_rejection_news_offers_a_debrief_with_the_company_filled_in(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(
        bot, "They went with another candidate at Globex after the final round"
    )
    assert one_of(reply.text, first_lines("listen.rejection.with_company", company="Globex"))
    assert one_of(reply.text, shown("listen.rejection.late_stage"))  # how close it was
    assert reply.button_labels() == [
        label("listen.buttons.debrief_now"),
        label("listen.buttons.not_now"),
    ]
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.stage, record.answered) == (
        "Globex",
        "final_round",
        ["company", "stage"],
    )
    assert record.completed_at is None
    await user.tap(label("listen.buttons.debrief_now"))
    mood = await user.next_message()
    assert one_of(mood.text, shown("reflection.ask_mood"))  # company and stage skipped
    state = await bot.flow_state(user.id)
    assert state is not None and (state.flow, state.step) == ("rf", "mood")
    assert len(await debriefs(bot, user.id)) == 1


async def test_rejection_news_not_now_brings_one_reminder(bot: BotHarness) -> None:
    user, reply = await onboarded_says(bot, "Just got the rejection email from Stripe")
    assert one_of(reply.text, first_lines("listen.rejection.with_company", company="Stripe"))
    await user.tap(label("listen.buttons.not_now"))
    later = await user.next_message()
    assert one_of(later.text, shown("reflection.not_now_with_time", time="09:00"))
    async with bot.sessions() as session:
        [reminder] = (await session.execute(select(ScheduledMessage))).scalars().all()
    assert reminder.kind == "reflect_reminder"
    # Nothing was opened: the menu offers to debrief the news, not to "continue" a debrief.
    await user.send("hi")
    hello = await user.next_message()
    assert label("listen.buttons.debrief_first") in hello.button_labels()
    assert label("listen.buttons.continue_debrief") not in hello.button_labels()
    # /reflect later offers the news itself, Stripe and all (never "you stopped partway").
    await user.send("/reflect")
    offer = await user.next_message()
    assert offer.text == shown("reflection.offer_from_news", company="Stripe")[0]
    assert offer.button_labels() == [
        label("reflection.buttons.start"),
        label("reflection.buttons.another_no"),
    ]
    await user.tap(label("reflection.buttons.start"))
    assert one_of((await user.next_message()).text, shown("reflection.ask_stage", company="Stripe"))
    await user.send("/cancel")
    await user.next_message()
    # Opened once, it is a debrief they started: now it is continued.
    await user.send("/reflect")
    again = await user.next_message()
    assert again.button_labels() == [
        label("reflection.buttons.continue"),
        label("reflection.buttons.fresh"),
    ]


async def test_venting_is_heard_without_a_task(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, "this job hunt is killing me lol")
    assert one_of(reply.text, shown("listen.venting.exhausted"))
    assert reply.button_labels() == [
        label("listen.buttons.just_saying"),
        label("listen.buttons.check_in"),
        label("listen.buttons.debrief"),
    ]
    await user.tap(label("listen.buttons.just_saying"))
    assert one_of((await user.next_message()).text, shown("listen.said"))
    await user.send("😭😭😭")
    assert one_of((await user.next_message()).text, shown("listen.venting.sad"))
    await user.tap(label("listen.buttons.check_in"))
    checkin = await user.next_message()
    assert one_of(checkin.text, shown("checkin.prompt"))
    assert await debriefs(bot, user.id) == []
    async with bot.sessions() as session:
        assert (await session.execute(select(CheckIn))).scalars().all() == []


async def test_good_news_is_celebrated_and_logged_as_a_win(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, "I got an offer!!!")
    assert one_of(reply.text, shown("listen.good_news.offer"))
    assert reply.button_labels() == [label("listen.buttons.log_it")]
    [[log_it]] = reply.buttons
    await user.tap(label("listen.buttons.log_it"))
    assert one_of((await user.next_message()).text, shown("listen.win_logged.offer"))
    async with bot.sessions() as session:
        [win] = (await session.execute(select(Win))).scalars().all()
    assert (win.user_id, win.kind) == (user.id, "offer")
    assert reply.buttons == [] and log_it.callback_data is not None
    await user.tap_data(log_it.callback_data, message_id=reply.message_id)  # a second tap
    await bot.settle()
    assert user.callback_answers[-1].text == CONTENT.texts("en")("toasts.stale_button")
    async with bot.sessions() as session:
        assert len((await session.execute(select(Win))).scalars().all()) == 1


async def test_a_question_gets_an_answer_and_the_matching_action(bot: BotHarness) -> None:
    user, reply = await onboarded_says(bot, "how do I ask for feedback after a rejection?")
    assert one_of(reply.text, shown("listen.question.feedback"))
    assert reply.button_labels() == [label("listen.buttons.draft_feedback")]
    await user.tap(label("listen.buttons.draft_feedback"))
    drafting = await user.next_message()  # the request begins at once, no list to tap through
    assert one_of(drafting.text, leads("feedback.ask_company")), drafting.text
    assert not one_of(drafting.text, shown("feedback.overview_empty"))
    # The reply above said why asking helps: the intro does not say it again.
    assert not one_of(drafting.text, leads("feedback.intro")), drafting.text


async def test_greetings_offer_what_is_useful_for_this_person(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    user, hello = await onboarded_says(bot, "hi")
    assert one_of(hello.text, shown("listen.greeting.hello"))
    assert hello.button_labels() == [
        label("listen.buttons.debrief_first"),  # never debriefed
        label("listen.buttons.check_in"),
        label("listen.buttons.log_win"),
    ]
    await user.tap(label("listen.buttons.debrief_first"))
    assert one_of((await user.next_message()).text, shown("reflection.ask_company"))
    await user.tap(label("flow.skip"))
    await user.next_message()
    await user.send("/cancel")
    await user.next_message()
    await user.send("thanks!")
    thanks = await user.next_message()
    assert one_of(thanks.text, shown("listen.greeting.thanks"))
    assert thanks.button_labels()[0] == label("listen.buttons.continue_debrief")
    await user.tap(label("listen.buttons.continue_debrief"))
    offer = await user.next_message()
    assert offer.button_labels() == [
        label("reflection.buttons.continue"),
        label("reflection.buttons.fresh"),
    ]


async def test_unsure_is_answered_kindly_with_next_steps(bot: BotHarness) -> None:
    _user, reply = await onboarded_says(bot, "Google")
    assert one_of(reply.text, shown("listen.unsure"))
    assert reply.button_labels() == [
        label("listen.buttons.debrief_first"),
        label("listen.buttons.check_in"),
        label("listen.buttons.log_win"),
    ]


async def test_not_set_up_yet_gets_a_warm_reply_and_the_way_to_set_up(bot: BotHarness) -> None:
    user = bot.user("Noa")
    await user.send("hi")
    reply = await user.next_message()
    # Who I am, not the hello of someone set up ("A few things we could do today:"), whose
    # buttons a new person does not get.
    assert one_of(reply.text, shown("listen.first_hello"))
    assert not one_of(reply.text, shown("listen.greeting.hello"))
    assert one_of(reply.text, shown("listen.setup"))
    assert reply.button_labels() == [label("listen.buttons.set_up")]
    await user.tap(label("listen.buttons.set_up"))
    assert "not a therapist" in (await user.next_message()).text


async def test_a_stale_or_older_listening_button_is_answered_kindly(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.tap_data("ls:0:db")
    await user.tap_data("ls:1:nonsense")
    await bot.settle()
    stale = CONTENT.texts("en")("toasts.stale_button")
    assert [a.text for a in user.callback_answers[-2:]] == [stale, stale]
    assert await debriefs(bot, user.id) == []


async def test_written_in_another_language_is_answered_in_it(bot: BotHarness) -> None:
    user = await onboard(bot)  # Telegram in English, set up with taps and a city
    await user.send("Привет, как дела?")
    reply = await user.next_message()
    assert one_of(reply.text, shown("listen.greeting.hello", "ru"))
    assert label("listen.buttons.check_in", "ru") in reply.button_labels()
    # Their first words written plainly are Russian: Russian from now on, with the way back
    # (bot.services.own_language; listen13).
    note = await user.next_message()
    assert one_of(note.text, shown("listen.language_switched", "ru"))
    await user.send("Я так устал от этих поисков работы")
    venting = await user.next_message()
    assert one_of(venting.text, shown("listen.venting.exhausted", "ru"))
    assert venting.button_labels()[0] == label("listen.buttons.just_saying", "ru")
    await user.send("/help")
    assert (await user.next_message()).text == seen(CONTENT.texts("ru")("help.private"))


async def test_written_in_another_language_after_english_is_answered_in_it(
    bot: BotHarness,
) -> None:
    """Their first words were English: later Russian is answered in Russian, and their own
    settings still say English for everything else."""
    user = await onboard(bot)
    await user.send("thanks, this looks useful")
    await user.next_message()
    await user.send("Я так устал от этих поисков работы")
    venting = await user.next_message()
    assert one_of(venting.text, shown("listen.venting.exhausted", "ru"))
    await user.send("/help")
    assert "Getting started" in (await user.next_message()).text


# --- Inside flows -------------------------------------------------------------------------------


async def test_venting_at_the_company_question_is_kept_as_a_note(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user = await onboarded(bot)
    question = await open_debrief(user)
    words = "I have been applying for six months now and this one really hurt…"
    await user.send(words)
    again = await user.next_message()
    assert one_of(again.text, shown("listen.in_flow.venting.sad"))
    assert one_of(again.text, shown("listen.in_flow.kept"))
    assert one_of(again.text, shown("reflection.ask_company"))  # asked again
    await bot.settle()  # the earlier copy loses its buttons once the turns have noted it
    [earlier] = [m for m in user.messages if m.message_id == question.message_id]
    assert earlier.buttons == []  # the earlier copy of the question lost its buttons
    [record] = await debriefs(bot, user.id)
    assert record.company is None
    assert record.note == words
    await user.send("Acme, designer")  # a real answer is still an answer
    stage = await user.next_message()
    assert one_of(stage.text, shown("reflection.ask_stage", company="Acme"))
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.role) == ("Acme", "designer")


async def test_rejection_news_at_the_company_question_fills_it(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    user = await onboarded(bot)
    await open_debrief(user)
    await user.send("They went with another candidate at Globex after the final round")
    reply = await user.next_message()
    assert one_of(reply.text, shown("listen.in_flow.filled", company="Globex"))
    assert one_of(reply.text, shown("reflection.ask_mood"))  # the stage was named too
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.stage, record.note) == ("Globex", "final_round", None)


async def test_plain_names_are_answers_not_news(bot: BotHarness) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("Google")
    assert one_of((await user.next_message()).text, shown("reflection.ask_stage", company="Google"))
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.note) == ("Google", None)


async def test_a_question_at_a_tap_step_is_acknowledged_and_asked_again(bot: BotHarness) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("Initech")
    await user.next_message()
    words = "how do I ask for feedback after a rejection?"
    await user.send(words)
    again = await user.next_message()
    assert one_of(again.text, shown("listen.in_flow.question.feedback"))
    assert one_of(again.text, shown("reflection.ask_stage", company="Initech"))
    await user.tap(label("reflection.stage.technical"))
    assert one_of((await user.next_message()).text, shown("reflection.ask_mood"))
    [record] = await debriefs(bot, user.id)
    assert (record.stage, record.note) == ("technical", words)


async def test_a_feeling_on_a_multi_select_step_is_heard_and_on_the_card(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user = await onboarded(bot)
    await open_debrief(user)
    await user.send("Umbrella <Corp>")
    await user.next_message()
    await user.tap(label("flow.skip"))
    await user.next_message()
    await user.tap(label("flow.skip"))
    await user.next_message()  # what went well
    await user.send("we finished ten minutes early")  # names no option: kept as a note
    assert one_of((await user.next_message()).text, shown("flow.note_saved"))
    await user.tap(label("flow.done"))
    await user.next_message()  # what to do differently
    feeling = "this is so frustrating, I prepared for weeks"
    await user.send(feeling)
    heard = await user.next_message()
    assert one_of(heard.text, shown("listen.in_flow.noted_feeling.frustrated"))
    assert not one_of(heard.text, shown("flow.note_saved"))
    await user.tap(label("flow.done"))
    await user.next_message()
    await user.tap(label("flow.done"))
    card = await user.next_message()
    for line in (
        shown("reflection.card_note.went_well", text="we finished ten minutes early"),
        shown("reflection.card_note.differently", text=feeling),
    ):
        assert line[0] in card.text
    assert "Umbrella <Corp>" in card.text  # escaped on the way, shown as typed
    [record] = await debriefs(bot, user.id)
    assert record.went_well_note == "we finished ten minutes early"
    assert record.reasons_note == feeling


async def test_venting_at_the_time_zone_question_is_acknowledged_not_an_error(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await begin_onboarding(bot)
    await user.send("this job hunt is killing me lol")
    again = await user.next_message()
    assert one_of(again.text, shown("listen.in_flow.venting.exhausted"))
    assert one_of(again.text, shown("listen.in_flow.back_to_it"))
    assert one_of(again.text, shown("onboarding.ask_timezone"))
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.timezone is None
    await user.send("Berlin")  # a place is an answer
    await user.next_message()
    await user.send("09:00")  # so is a time
    await user.next_message()
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.timezone == "Europe/Berlin"
    assert stored.checkin_time is not None and stored.checkin_time.hour == 9


async def test_another_command_parks_the_debrief_and_reflect_picks_it_up(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user = await onboarded(bot)
    await open_debrief(user)
    await user.send("Hooli")
    await user.next_message()
    await user.tap(label("reflection.stage.phone_screen"))
    await user.next_message()
    await user.send("/checkin")
    reply = (await user.next_message()).text  # the note first, then the check-in in one
    parked = next(p for p in shown("flow.parked.debrief") if reply.startswith(p))
    assert one_of(reply[len(parked) :], shown("checkin.prompt"))
    assert await bot.flow_state(user.id) is None
    await user.send("/reflect")
    offer = await user.next_message()
    assert "Hooli" in offer.text
    await user.tap(label("reflection.buttons.continue"))
    assert one_of((await user.next_message()).text, shown("reflection.ask_mood"))
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.stage) == ("Hooli", "phone_screen")


async def test_help_and_the_flows_own_command_do_not_park_it(bot: BotHarness) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("/help")
    help_text = await user.next_message()
    assert not one_of(help_text.text, shown("flow.parked.debrief"))
    await user.send("/reflect")
    assert one_of((await user.next_message()).text, shown("reflection.ask_company"))
    state = await bot.flow_state(user.id)
    assert state is not None and state.step == "company"


async def test_distress_the_crisis_check_missed_gets_support_and_nothing_is_stored(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second net: if the understanding reads distress that the crisis check let through,
    the person gets the support message with helplines, and the words are kept nowhere."""
    user = await onboard(bot)
    await open_debrief(user)
    monkeypatch.setattr(understanding, "read", lambda text, hint=None, **_: Reading("distress"))
    await user.send("words the crisis check did not catch")
    support = await user.next_message()
    assert one_of(support.text, first_lines(crisis.PRIVATE_SUPPORT_KEY, helplines="\x00"))
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.note) == (None, None)
    state = await bot.flow_state(user.id)
    assert state is not None and state.step == "company"  # the debrief waits, untouched


async def test_another_flow_set_aside_says_how_to_start_it_again(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("/win")
    await user.next_message()
    await user.send("/plan")  # only shows something: the question stays open
    plan = await user.next_message()
    assert one_of(plan.text, shown("plan.empty")) and not one_of(
        plan.text,
        shown("flow.parked.other", what=CONTENT.texts("en")("flow.parked_what.wn"), command="/win"),
    )
    state = await bot.flow_state(user.id)
    assert state is not None and state.flow == "wn"
    await user.send("/reflect")
    parked = await user.next_message()  # the note first, then the debrief's opener
    what = CONTENT.texts("en")("flow.parked_what.wn")
    notes = shown("flow.parked.other", what=what, command="/win")
    assert any(parked.text.startswith(note) for note in notes)
    assert await bot.flow_state(user.id) is None


async def test_the_same_kind_of_message_is_not_answered_with_the_same_words(
    bot: BotHarness,
) -> None:
    user = await onboard(bot)
    versions = shown("listen.greeting.hello")
    seen = []
    for _ in versions:
        await user.send("hi")
        text = (await user.next_message()).text
        seen.append(next(v for v in versions if v in text))
    assert sorted(seen) == sorted(versions)  # each version once before any repeats


async def test_a_person_whose_telegram_is_in_german_is_answered_in_german(bot: BotHarness) -> None:
    user, reply = await onboarded_says(bot, "Ich bin so müde von der Jobsuche", "de")
    assert one_of(reply.text, shown("listen.venting.exhausted", "de"))
    assert reply.button_labels()[0] == label("listen.buttons.just_saying", "de")
    await user.send("/reflect")
    await user.next_message()
    await user.tap(label("reflection.buttons.start", "de"))
    await user.next_message()
    await user.send("Ich bin so müde von der Jobsuche")  # an aside, acknowledged in German
    again = await user.next_message()
    assert one_of(again.text, shown("listen.in_flow.venting.exhausted", "de"))
    assert one_of(again.text, shown("listen.in_flow.kept", "de"))


async def test_nerves_before_an_interview_get_help_to_prepare_not_a_debrief(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(
        bot, "I have my final round with Google tomorrow and I'm terrified"
    )
    assert one_of(reply.text, shown("listen.venting.before_interview"))
    assert reply.button_labels() == [
        label("listen.buttons.just_saying"),
        label("listen.buttons.prepare"),
        label("listen.buttons.check_in"),
    ]
    await user.tap(label("listen.buttons.prepare"))
    tips = await user.next_message()
    assert one_of(tips.text, shown("listen.question.prepare"))
    assert tips.button_labels() == [label("listen.buttons.match"), label("listen.buttons.plan")]
    assert await debriefs(bot, user.id) == []  # nerves are not a rejection to debrief


async def test_asking_what_the_bot_does_offers_doing_it(bot: BotHarness) -> None:
    _user, reply = await onboarded_says(bot, "what can you do?")
    assert one_of(reply.text, shown("listen.question.bot"))
    assert reply.button_labels() == [
        label("listen.buttons.debrief_first"),
        label("listen.buttons.check_in"),
        label("listen.buttons.help"),
    ]


async def test_a_question_left_since_yesterday_does_not_swallow_todays_news(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user = await onboarded(bot)
    ask_company = await open_debrief(user)
    assert one_of(ask_company.text, shown("reflection.ask_company"))
    await user.send("Spotify")
    ask_stage = await user.next_message()
    assert ask_stage.buttons
    bot.clock.advance(timedelta(hours=20))
    await user.send("I had an interview today at Booking")
    reply = await user.next_message()
    what = CONTENT.texts("en")("flow.parked_what.rf")
    notice = CONTENT.texts("en")("flow.parked.debrief", what=what, command="/reflect")
    # First that the debrief is set aside, then the news itself answered (not taken as a stage).
    assert reply.text.startswith(notice) and len(reply.text) > len(notice) + 20
    assert reply.buttons
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.note, record.completed_at) == ("Spotify", None, None)
    assert await bot.flow_state(user.id) is None
    # A tap on yesterday's question is answered kindly and changes nothing.
    await user.tap(label("reflection.stage.application"), message=ask_stage)
    await bot.settle()
    assert user.callback_answers[-1].text == CONTENT.texts("en")("toasts.stale_button")
    assert await bot.flow_state(user.id) is None
    await user.send("/reflect")  # the debrief is picked up where it stopped
    offer = await user.next_message()
    assert offer.button_labels() == [
        label("reflection.buttons.continue"),
        label("reflection.buttons.fresh"),
    ]


async def test_acks_sarcasm_silence_and_a_done_interview_get_fitting_replies(
    harness_any_db: BotHarness,
) -> None:
    """QA round 2: "👍" is not asked "how are you?", "thanks for nothing 🙃" is not welcomed,
    being ghosted is not good news, and an interview that happened can be logged as a win."""
    bot = harness_any_db
    user, ack = await onboarded_says(bot, "👍")
    assert one_of(ack.text, shown("listen.greeting.ack"))
    assert ack.button_labels()[0] == label("listen.buttons.debrief_first")
    await user.send("cheers for nothing, Acme 🙃")
    assert one_of((await user.next_message()).text, shown("listen.venting.frustrated"))
    await user.send("the recruiter stopped replying after my final round")
    assert one_of((await user.next_message()).text, shown("listen.venting.frustrated"))
    await user.send("had my interview at Acme this morning")
    done = await user.next_message()
    assert one_of(done.text, shown("listen.good_news.interviewed"))
    await user.tap(label("listen.buttons.log_it"))
    assert one_of((await user.next_message()).text, shown("listen.win_logged.interviewed"))
    async with bot.sessions() as session:
        [win] = (await session.execute(select(Win))).scalars().all()
        assert (win.user_id, win.kind) == (user.id, "interviewed")
        assert (await session.execute(select(Rejection))).scalars().all() == []
