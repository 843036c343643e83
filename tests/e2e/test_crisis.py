"""A crisis message in the middle of anything gets care at once; the flow waits; the words
are kept nowhere. A message with one weaker sign gets "Are you safe right now?". After the care
reply: [Not now], [Pause check-ins], [Check on me tomorrow] (and [Pick up where we left off] when
a flow is open)."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.cli import NOISY_LOGGERS as NOISY
from bot.cli import configure_logging
from bot.content import Texts
from bot.db.models import Base, FlowState, InboxUpdate, Rejection, ScheduledMessage
from bot.dispatch import dispatch_due
from bot.emulator import SimGroup, SimUser
from bot.services.crisis import care
from tests.e2e.harness import CONTENT, BotHarness, label, onboard, one_of, shown
from tests.e2e.test_reflection import open_debrief

NOT_NOW, PAUSE, TOMORROW, RESUME = (
    label(f"crisis.buttons.{key}") for key in ("not_now", "pause", "check_tomorrow", "resume")
)
NEXT_STEPS = [NOT_NOW, PAUSE, TOMORROW]
WITH_RESUME = [RESUME, *NEXT_STEPS]
SAFE, NOT_SAFE = label("crisis.buttons.safe"), label("crisis.buttons.not_safe")
DAY_ANSWERS = [label(f"crisis.buttons.{key}") for key in ("day_better", "day_same", "day_hard")]


def asks_stage(text: str, company: str) -> bool:
    """Whether ``text`` holds the debrief's stage question about ``company``."""
    return one_of(text, shown("reflection.ask_stage", company=company))


CRISIS = "honestly I don't see the point anymore, I want to end my life"


async def test_crisis_mid_reflection_gets_helplines_and_the_flow_waits(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)  # Berlin: German helplines
    await open_debrief(user)
    await user.send("Acme")
    await user.next_message()  # the stage question
    await user.send(CRISIS)
    care = await user.next_message()
    assert "You matter" in care.text or "you matter" in care.text.lower()
    assert "TelefonSeelsorge" in care.text
    assert one_of(care.text, shown("crisis.resume"))  # one message: care, then the choices
    assert care.button_labels() == WITH_RESUME
    steps = care
    async with bot.sessions() as session:
        state = await session.get(FlowState, (user.id, user.id))
        record = (await session.execute(select(Rejection))).scalar_one()
    assert state is not None
    assert state.step == "stage"  # paused, not lost, not advanced
    assert "end my life" not in json.dumps(state.data)
    assert record.company == "Acme"
    assert record.stage is None
    await user.tap(RESUME, message=steps)
    assert asks_stage((await user.next_message()).text, "Acme")
    await user.tap("Final round")
    assert "feeling" in (await user.next_message()).text


async def test_venting_after_a_rejection_is_just_venting(bot: BotHarness) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("That interview was a massacre, the waiting is torture")
    reply = await user.next_message()
    assert "TelefonSeelsorge" not in reply.text
    assert "safe right now" not in reply.text  # not even "unsure"
    assert "company" in reply.text.lower()  # the flow goes on (its own reply to venting)


async def test_crisis_outside_any_flow_and_without_a_time_zone(bot: BotHarness) -> None:
    user = bot.user(language_code="pt-BR")
    await user.send("não quero mais viver")
    care = await user.next_message()
    assert "CVV" in care.text
    # Nothing to resume; not set up, so no check-ins to pause. In Portuguese, a care-only
    # language (test_care_languages).
    portuguese = Texts(CONTENT, "pt")
    assert care.button_labels() == [
        portuguese(f"crisis.buttons.{name}", variant=0) for name in ("not_now", "check_tomorrow")
    ]


# --- veiled phrasings in a private chat ----------------------------------------------------------

VEILED = "I keep thinking my family would be better off without me"


async def test_veiled_phrasing_mid_reflection_pauses_and_resumes(bot: BotHarness) -> None:
    user = await onboard(bot)  # Berlin
    await open_debrief(user)
    await user.send("Globex")
    stage_question = await user.next_message()
    assert "Globex" in stage_question.text
    await user.send(VEILED)
    care = await user.next_message()
    assert "TelefonSeelsorge" in care.text
    assert "better off" not in care.text  # their words are not repeated back
    assert care.button_labels() == WITH_RESUME
    state = await bot.flow_state(user.id)
    assert state is not None and state.step == "stage"
    assert "better off" not in json.dumps(state.data)
    assert not await _inbox_holds(bot, "better off")
    # The group button's deep link works mid-flow too: support first, the flow still waits.
    await user.send("/start support")
    support = await user.next_message()
    assert "TelefonSeelsorge" in support.text
    assert support.button_labels() == [RESUME]
    await user.tap(RESUME, message=support)
    assert asks_stage((await user.next_message()).text, "Globex")


# --- groups ------------------------------------------------------------------------------------

MARKER = "zebracornflakes"
GROUP_CRISIS = f"honestly {MARKER}, everyone would be better off without me"


async def _row_counts(bot: BotHarness) -> dict[str, int]:
    """Rows per table, except the update inbox (checked by _inbox_holds)."""
    async with bot.sessions() as session:
        return {
            table.name: (
                await session.execute(select(func.count()).select_from(table))
            ).scalar_one()
            for table in Base.metadata.sorted_tables
            if table.name != InboxUpdate.__tablename__
        }


async def _inbox_holds(bot: BotHarness, word: str) -> bool:
    """Whether any stored update (kept a day for crash recovery) still contains ``word``."""
    async with bot.sessions() as session:
        payloads = (await session.execute(select(InboxUpdate.payload))).scalars().all()
    assert payloads  # the inbox is in use, so the check means something
    return any(word in json.dumps(payload, ensure_ascii=False) for payload in payloads)


async def _group_with_bot(bot: BotHarness, *members: SimUser) -> SimGroup:
    admin = bot.user("Sam")
    group = bot.emulator.group("Job seekers", supergroup=True)
    group.add_member(admin, admin=True)
    for member in members:
        group.add_member(member)
    await group.add_bot(admin, as_admin=True)  # an admin bot hears every message
    await group.next_message()  # the introduction
    return group


async def test_crisis_in_a_group_gets_a_discreet_reply_and_help_in_private(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    ria = bot.user("Ria", language_code="de")
    tom = bot.user("Tom")
    group = await _group_with_bot(bot, ria, tom)
    await bot.settle()
    before = await _row_counts(bot)
    levels = {name: logging.getLogger(name).level for name in NOISY}
    configure_logging("DEBUG")
    try:
        with caplog.at_level(logging.DEBUG):
            await group.send(ria, GROUP_CRISIS)
            reply = await group.next_message()
            await bot.settle()
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    assert caplog.records  # logging was on
    assert MARKER not in caplog.text
    # Public: nothing of what she wrote, not her name; the directory right there; a private way.
    assert MARKER not in reply.text
    assert "better off" not in reply.text
    assert "Ria" not in reply.text
    assert "suicid" not in reply.text.lower()
    assert reply.html is not None and 'href="https://findahelpline.com"' in reply.html
    [[button]] = reply.buttons
    assert button.text == "Get support privately"
    assert button.url == "https://t.me/rebound_test_bot?start=support"
    sent = [
        c
        for c in bot.emulator.calls
        if c.method == "sendMessage" and c.params.get("chat_id") == group.id
    ]
    assert "reply_parameters" not in sent[-1].params  # not a reply: that would quote her words
    assert "reply_to_message_id" not in sent[-1].params
    assert await _row_counts(bot) == before  # nothing stored
    assert not await _inbox_holds(bot, MARKER)
    assert await bot.stored_user(ria.id) is None

    # Once per member per half hour: more from her gets no public reply, and is not echoed.
    await group.send(ria, f"I just want to disappear forever {MARKER}")
    await group.send(ria, "/win I want to end it all")
    await group.expect_silence()
    await bot.settle()
    assert not await _inbox_holds(bot, MARKER)  # the unanswered one is not kept either
    # Someone else is not held back by her limit; ordinary venting stays venting.
    await group.send(tom, "this job search is killing me, that interview was a massacre")
    await group.expect_silence()
    await group.send(tom, "same here, I don't see the point in living anymore")
    assert "findahelpline.com" in (await group.next_message()).html  # type: ignore[operator]
    await bot.settle()  # a reply's outbox row is gone once the reply is through
    assert await _row_counts(bot) == before

    # The button: helplines for her place (German app language) at once, no onboarding.
    await ria.send("/start support")
    support = await ria.next_message()
    assert "TelefonSeelsorge" in support.text
    assert "not a therapist" not in support.text
    assert support.buttons == []
    await ria.expect_silence()


async def test_group_reply_stays_in_its_forum_topic(bot: BotHarness) -> None:
    admin = bot.user("Ana")
    member = bot.user("Lee")
    forum = bot.emulator.group("Hiring help", forum=True)
    forum.add_member(admin, admin=True)
    await forum.add_bot(admin, as_admin=True)
    await forum.next_message()
    topic = await forum.create_topic("Venting")
    await forum.send(member, "I won't be around much longer", thread_id=topic)
    reply = await forum.next_message()
    assert reply.thread_id == topic
    assert "around" not in reply.text


# --- issue 16: what follows the care reply --------------------------------------------------------

BERLIN_NEXT_MORNING = datetime(2026, 1, 16, 9, 0, tzinfo=UTC)  # 10:00 in Berlin


async def _check_messages(user: SimUser) -> list[str]:
    """The next day's gentle checks received (the only messages with these mood buttons)."""
    return [m.text for m in user.messages if DAY_ANSWERS[0] in m.button_labels()]


async def _outbox(bot: BotHarness, user: SimUser) -> list[ScheduledMessage]:
    async with bot.sessions() as session:
        rows = await session.execute(
            select(ScheduledMessage).where(
                ScheduledMessage.user_id == user.id, ScheduledMessage.kind == care.CHECK_ON_ME
            )
        )
        return list(rows.scalars())


async def test_check_on_me_tomorrow_sends_a_gentle_check_the_next_morning(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)  # Berlin
    await user.send("I have pills saved up")  # one of issue 16's misses: no phrase, signals
    reply = await user.next_message()
    assert "TelefonSeelsorge" in reply.text
    assert reply.button_labels() == NEXT_STEPS  # no flow open: nothing to resume
    await user.tap(TOMORROW, message=reply)
    confirmed = await user.next_message()
    assert one_of(confirmed.text, shown("crisis.check_set", time="10:00"))
    await bot.settle()
    assert user.messages[-2].buttons == []  # the choices are gone once one is taken
    [row] = await _outbox(bot, user)
    assert row.due_at == BERLIN_NEXT_MORNING
    assert row.payload == {}  # nothing of what was written
    # A second tap (an older copy of the buttons) moves the check, never doubles it.
    await user.tap_data(care.TOMORROW)
    await user.next_message()
    assert len([r for r in await _outbox(bot, user) if r.status == "pending"]) == 1

    app = bot.instances[-1]
    bot.clock.current = BERLIN_NEXT_MORNING - timedelta(minutes=1)
    await dispatch_due(app)
    await bot.settle()
    assert await _check_messages(user) == []  # not before its time
    bot.clock.current = BERLIN_NEXT_MORNING + timedelta(minutes=1)
    await dispatch_due(app)
    await bot.settle()
    [check] = [m for m in user.messages if DAY_ANSWERS[0] in m.button_labels()]
    assert "pills" not in check.text
    assert check.button_labels() == DAY_ANSWERS
    await user.tap(DAY_ANSWERS[2], message=check)
    await bot.settle()
    hard = user.last_message  # (the day's check-in prompt may have come too, before it)
    assert hard is not None and "TelefonSeelsorge" in hard.text
    assert hard.button_labels() == NEXT_STEPS
    await user.tap(NOT_NOW, message=hard)
    await bot.settle()
    assert user.last_message is not None
    assert one_of(user.last_message.text, shown("crisis.not_now"))


async def test_the_check_is_not_sent_after_a_pause_and_pause_uses_the_pause_logic(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send("i'm planning to jump")
    reply = await user.next_message()
    assert "TelefonSeelsorge" in reply.text
    await user.tap(TOMORROW, message=reply)
    await user.next_message()
    # The next steps come again with the next crisis reply; this time: pause check-ins.
    await user.send("I don't see the point anymore. of anything.")
    again = await user.next_message()
    assert again.button_labels() == NEXT_STEPS
    await user.tap(PAUSE, message=again)
    paused = await user.next_message()
    assert "paused until" in paused.text
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.paused
    assert stored.paused_until == bot.clock.now() + timedelta(days=care.PAUSE_DAYS)
    app = bot.instances[-1]
    bot.clock.current = BERLIN_NEXT_MORNING + timedelta(minutes=1)
    await dispatch_due(app)
    await bot.settle()
    assert await _check_messages(user) == []
    [row] = await _outbox(bot, user)
    assert row.status != "pending"  # dealt with, not waiting to be sent later
    # While paused, the crisis reply no longer offers to pause.
    await user.send("I have pills saved up")
    assert (await user.next_message()).button_labels() == [NOT_NOW, TOMORROW]


async def test_the_check_is_not_sent_to_someone_who_blocked_the_bot(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("I have pills saved up")
    await user.tap(TOMORROW, message=await user.next_message())
    await user.next_message()
    user.block()
    await bot.settle()
    bot.clock.current = BERLIN_NEXT_MORNING + timedelta(minutes=1)
    await dispatch_due(bot.instances[-1])
    await bot.settle()
    assert await _check_messages(user) == []


# --- issue 16: "unsure" asks gently ---------------------------------------------------------------

UNSURE = "honestly zebracornflakes, what's the point of anything"


async def test_unsure_asks_are_you_safe_and_im_not_gives_the_crisis_reply(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send(UNSURE)
    question = await user.next_message()
    assert one_of(question.text, shown("crisis.ask_safe"))
    assert "TelefonSeelsorge" not in question.text
    assert MARKER not in question.text
    assert question.button_labels() == [SAFE, NOT_SAFE]
    await user.tap(NOT_SAFE, message=question)
    care_reply = await user.next_message()
    assert "TelefonSeelsorge" in care_reply.text
    assert care_reply.button_labels() == NEXT_STEPS
    await bot.settle()
    assert not await _inbox_holds(bot, MARKER)


async def test_unsure_inside_a_debrief_is_not_saved_and_im_safe_resumes(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("Initech")
    assert "Initech" in (await user.next_message()).text  # the stage question
    before = await _row_counts(bot)
    await user.send(UNSURE)
    question = await user.next_message()
    assert question.button_labels() == [SAFE, NOT_SAFE]
    await user.tap(SAFE, message=question)
    safe = await user.next_message()
    assert asks_stage(safe.text, "Initech")  # the warm word, then the question
    assert one_of(safe.text, shown("crisis.safe"))
    await bot.settle()
    state = await bot.flow_state(user.id)
    assert state is not None and state.step == "stage"
    assert MARKER not in json.dumps(state.data)
    async with bot.sessions() as session:
        record = (await session.execute(select(Rejection))).scalar_one()
    assert record.company == "Initech"
    assert record.note is None and record.stage is None  # not kept as a note, not an answer
    after = await _row_counts(bot)
    assert after[ScheduledMessage.__tablename__] >= before[ScheduledMessage.__tablename__]
    assert {k: v for k, v in after.items() if k != ScheduledMessage.__tablename__} == {
        k: v for k, v in before.items() if k != ScheduledMessage.__tablename__
    }
    assert not await _inbox_holds(bot, MARKER)
    await user.tap("Final round")
    assert "feeling" in (await user.next_message()).text


async def test_crisis_inside_a_debrief_is_kept_nowhere_and_the_flow_resumes(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await open_debrief(user)
    crisis_text = f"{MARKER} I have pills saved up"  # typed at the company question
    await user.send(crisis_text)
    care_reply = await user.next_message()
    assert "TelefonSeelsorge" in care_reply.text
    assert care_reply.button_labels() == WITH_RESUME
    await bot.settle()
    state = await bot.flow_state(user.id)
    assert state is not None and MARKER not in json.dumps(state.data)
    async with bot.sessions() as session:
        records = list((await session.execute(select(Rejection))).scalars())
    assert all(MARKER not in (r.company or "") and not r.note for r in records)
    assert not await _inbox_holds(bot, MARKER)
    await user.tap(RESUME, message=care_reply)
    assert "company" in (await user.next_message()).text.lower()


async def test_old_resume_buttons_still_work_and_odd_ones_get_a_kind_answer(
    bot: BotHarness,
) -> None:
    user = await onboard(bot)
    await open_debrief(user)
    await user.send("Hooli")
    await user.next_message()
    await user.tap_data("cr:1:resume")  # a button sent before issue 16
    assert asks_stage((await user.next_message()).text, "Hooli")
    await user.tap_data("cr:2:nonsense")
    await bot.settle()
    assert user.callback_answers[-1].text == label("toasts.stale_button")


async def test_unsure_in_a_group_gets_no_public_reply_and_goes_no_further(bot: BotHarness) -> None:
    member = bot.user("Kim")
    group = await _group_with_bot(bot, member)
    await bot.settle()
    before = await _row_counts(bot)
    await group.send(member, f"/win {MARKER} what's the point of anything")
    await group.expect_silence()
    await bot.settle()
    assert await _row_counts(bot) == before
    assert not await _inbox_holds(bot, MARKER)


async def test_the_morning_check_can_be_answered_in_words(harness_any_db: BotHarness) -> None:
    """'a bit better today', typed instead of tapped, is an answer (QA: it got 'I may have
    missed what you meant'); after one answer, messages are read as usual again."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)  # Berlin
    await user.send("I have pills saved up")
    reply = await user.next_message()
    await user.tap(TOMORROW, message=reply)
    await user.next_message()
    bot.clock.current = BERLIN_NEXT_MORNING + timedelta(minutes=1)
    await dispatch_due(bot.instances[-1])
    await bot.settle()
    assert len(await _check_messages(user)) == 1
    await user.send("a bit better today, thanks")
    await bot.settle()
    assert user.last_message is not None
    assert user.last_message.text == CONTENT.texts("en")("crisis.day_better")
    [row] = [r for r in await _outbox(bot, user) if r.status == "sent"]
    assert row.payload == {"answered": True}  # that it was answered; not how, not the words
    await user.send("still bad")  # answered once: now read as usual, not as the check's answer
    await bot.settle()
    assert user.last_message is not None
    assert "TelefonSeelsorge" not in user.last_message.text


# (locale, the morning check answered with a sorry for the night before, the answer it gives)
SORRY_MORNINGS = [
    ("en", "a bit better. slept like 5 hours. sorry about last night", "crisis.day_better"),
    ("de", "etwas besser. tut mir leid wegen gestern", "crisis.day_better"),
    ("es", "igual, perdón por lo de anoche", "crisis.day_same"),
    ("ru", "чуть лучше. простите за вчерашнее", "crisis.day_better"),
]
# What was said the night before, in each language.
CRISIS_IN = {
    "en": CRISIS,
    "de": "ich will nicht mehr leben",
    "es": "tengo las pastillas guardadas para hacerlo",
    "ru": "я больше не хочу жить",
}


@pytest.mark.parametrize(("locale", "text", "answer"), SORRY_MORNINGS)
async def test_a_sorry_for_the_night_before_hears_there_is_no_need(
    harness_any_db: BotHarness, locale: str, text: str, answer: str
) -> None:
    """It got only "I'm really glad to hear that": the sorry went unanswered, as if owed."""
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)  # Berlin
    await user.send(CRISIS_IN[locale])
    reply = await user.next_message()
    await user.tap(CONTENT.texts(locale)("crisis.buttons.check_tomorrow"), message=reply)
    await user.next_message()
    bot.clock.current = BERLIN_NEXT_MORNING + timedelta(minutes=1)
    await dispatch_due(bot.instances[-1])
    await bot.settle()
    await user.send(text)
    await bot.settle()
    texts = CONTENT.texts(locale)
    assert user.last_message is not None  # the sorry answered first, then how the day is
    assert user.last_message.text == f"{texts(care.APOLOGY_KEY)}\n\n{texts(answer)}"


async def test_a_hard_morning_typed_in_spanish_brings_the_helplines_again(bot: BotHarness) -> None:
    user = await onboard(bot, language_code="es")  # Berlin
    await user.send("tengo las pastillas guardadas para hacerlo")
    reply = await user.next_message()
    await user.tap(CONTENT.texts("es")("crisis.buttons.check_tomorrow"), message=reply)
    await user.next_message()
    bot.clock.current = BERLIN_NEXT_MORNING + timedelta(minutes=1)
    await dispatch_due(bot.instances[-1])
    await bot.settle()
    await user.send("no estoy bien, la verdad")
    await bot.settle()
    hard = [m for m in user.messages if "TelefonSeelsorge" in m.text][-1]
    first_line = CONTENT.texts("es")("crisis.day_hard", helplines="").splitlines()[0]
    assert hard.text.startswith(first_line)
    assert "TelefonSeelsorge" in hard.text  # the helplines of where they are
