"""What people type, round 3 (issue 16 QA): a "no" told with a brighter side is answered as
both, a pasted email's company is the firm (not "Analista" or "Dear"), sentences typed at the
company question never become the company, nerves before an interview get help to prepare,
and chat spelling ("what can u do", "q puedes hacer") is read. Texts come from the content
catalogue, in the person's language; what is stored is checked on both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.models import Rejection, Win
from bot.emulator import BotMessage
from tests.e2e.harness import BotHarness, first_lines, label, onboard, one_of, shown
from tests.e2e.listening_kit import debriefs, onboarded, onboarded_says, open_debrief

# --- A "no" with a brighter side ------------------------------------------------------------------


async def test_a_no_told_with_relief_or_a_close_call_is_answered_as_both(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user, close = await onboarded_says(
        bot, "didn't get it, but they said I was a close second and to apply again"
    )
    assert one_of(close.text, shown("listen.rejection.mixed.close"))
    assert not one_of(close.text, shown("listen.rejection.tip"))  # no "another candidate fit"
    assert close.button_labels() == [
        label("listen.buttons.debrief_now"),
        label("listen.buttons.not_now"),
    ]
    await user.send("got rejected but honestly im kind of relieved, the commute was awful")
    relief = await user.next_message()
    assert one_of(relief.text, shown("listen.rejection.mixed.relief"))
    await user.send("they said no but the feedback was actually really helpful")
    feedback = await user.next_message()
    assert one_of(feedback.text, shown("listen.rejection.mixed.feedback"))
    assert not one_of(feedback.text, shown("listen.good_news.reply"))  # not "A reply! 🌱"
    await user.tap(label("listen.buttons.debrief_now"))
    assert one_of((await user.next_message()).text, shown("reflection.ask_company"))
    async with bot.sessions() as session:
        assert (await session.execute(select(Win))).scalars().all() == []


async def test_a_no_and_good_news_from_elsewhere_offer_both_the_debrief_and_the_win(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(
        bot, "me rechazaron en Glovo pero me llamaron para una entrevista en Cabify 🙌", "es"
    )
    assert one_of(reply.text, shown("listen.rejection.mixed.elsewhere", "es"))
    assert reply.button_labels() == [
        label("listen.buttons.debrief_now", "es"),
        label("listen.buttons.not_now", "es"),
        label("listen.buttons.log_it", "es"),
    ]
    [record] = await debriefs(bot, user.id)  # the no is ready to debrief, Glovo filled in
    assert (record.company, record.completed_at) == ("Glovo", None)
    await user.tap(label("listen.buttons.log_it", "es"))
    assert one_of((await user.next_message()).text, shown("listen.win_logged.interview", "es"))
    async with bot.sessions() as session:
        [win] = (await session.execute(select(Win))).scalars().all()
    assert (win.user_id, win.kind) == (user.id, "interview")


async def test_a_mixed_no_inside_a_debrief_is_acknowledged_as_both(bot: BotHarness) -> None:
    user = await onboard(bot, language_code="de")
    await open_debrief(user, "de")
    await user.send("Zalando")
    await user.next_message()  # the stage question, answered by tapping
    words = "abgelehnt, aber ehrlich gesagt bin ich erleichtert"
    await user.send(words)
    again = await user.next_message()
    assert one_of(again.text, shown("listen.in_flow.mixed", "de"))
    assert one_of(again.text, shown("listen.in_flow.kept", "de"))
    assert one_of(again.text, shown("reflection.ask_stage", "de", company="Zalando"))
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.note) == ("Zalando", words)


# --- Companies in pasted emails and sentences where a name is asked ------------------------------

BBVA_EMAIL = (
    "Estimada candidata: Le agradecemos su interés en el puesto de Analista de Datos en BBVA. "
    "Tras valorar su candidatura, lamentamos comunicarle que en esta ocasión no continuará en "
    "el proceso. Saludos cordiales, Equipo de Selección"
)


async def test_a_pasted_email_names_the_firm_not_the_role_or_the_greeting(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user, reply = await onboarded_says(bot, BBVA_EMAIL, "es")
    assert one_of(reply.text, first_lines("listen.rejection.with_company", "es", company="BBVA"))
    assert "Analista" not in reply.text
    [record] = await debriefs(bot, user.id)
    assert record.company == "BBVA"
    other = await onboard(bot, language_code="es")
    await open_debrief(other, "es")  # pasted at the company question, it fills it
    await other.send(BBVA_EMAIL)
    filled = await other.next_message()
    assert one_of(filled.text, shown("listen.in_flow.filled", "es", company="BBVA"))
    [record] = await debriefs(bot, other.id)
    assert record.company == "BBVA"


async def test_sentences_at_the_company_question_never_become_the_company(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user = await onboarded(bot)
    await open_debrief(user)
    await user.send("hallo")  # a greeting is not a company ("How far did you get with hallo?")
    assert one_of((await user.next_message()).text, shown("reflection.ask_company"))
    await user.send("another one bites the dust. rejection #14")
    again = await user.next_message()
    assert one_of(again.text, shown("reflection.ask_company"))  # asked again
    await user.send("got a second interview at revolut!!")  # news, not "revolut!!"
    news = await user.next_message()
    assert one_of(news.text, shown("listen.in_flow.good_news"))
    assert one_of(news.text, shown("reflection.ask_company"))
    [record] = await debriefs(bot, user.id)
    assert record.company is None
    await user.send("welp. rejected by canva after 4 rounds 🙃")  # the name in it fills it
    filled = await user.next_message()
    assert one_of(filled.text, shown("listen.in_flow.filled", company="canva"))
    [record] = await debriefs(bot, user.id)
    assert record.company == "canva"
    await user.send("/cancel")
    await user.next_message()
    await user.send("/reflect")
    await user.next_message()
    await user.tap(label("reflection.buttons.fresh"))  # the canva one stays as it is
    assert one_of((await user.next_message()).text, shown("reflection.ask_company"))
    await user.send("Designer at Acme")  # a role and a firm are still an answer
    assert one_of((await user.next_message()).text, shown("reflection.ask_stage", company="Acme"))


# --- Nerves before an interview, good news of one, and chat spelling -----------------------------


async def test_nerves_about_an_interview_ahead_get_help_to_prepare_in_their_language(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    user, nerves = await onboarded_says(bot, "завтра собес и я в панике", "ru")
    assert one_of(nerves.text, shown("listen.venting.before_interview", "ru"))
    assert nerves.button_labels() == [
        label("listen.buttons.just_saying", "ru"),
        label("listen.buttons.prepare", "ru"),
        label("listen.buttons.check_in", "ru"),
    ]
    await user.send("завтра собеседование!! держите кулачки")
    good = await user.next_message()
    assert one_of(good.text, shown("listen.good_news.interview", "ru"))
    assert good.button_labels() == [
        label("listen.buttons.log_it", "ru"),
        label("listen.buttons.prepare", "ru"),
    ]
    await user.tap(label("listen.buttons.prepare", "ru"))
    assert one_of((await user.next_message()).text, shown("listen.question.prepare", "ru"))
    assert await debriefs(bot, user.id) == []  # nothing was lost: no debrief


async def test_chat_spelling_and_questions_about_silence_are_understood(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.send("what can u do")
    assert one_of((await user.next_message()).text, shown("listen.question.bot"))
    await user.send("how do i follow up if they havent replied in 2 weeks")
    follow_up = await user.next_message()
    assert one_of(follow_up.text, shown("listen.question.follow_up"))
    assert not one_of(follow_up.text, shown("listen.question.feedback"))
    await user.send("q puedes hacer tu")  # Spanish shorthand, answered in Spanish
    assert one_of((await user.next_message()).text, shown("listen.question.bot", "es"))
    await user.send("ist es normal dass die so lange brauchen?")
    assert one_of((await user.next_message()).text, shown("listen.question.follow_up", "de"))


# --- In a group, written to the bot ---------------------------------------------------------------


async def test_in_a_group_a_member_who_writes_to_the_bot_gets_a_public_kind_reply(
    harness_any_db: BotHarness,
) -> None:
    """Mentioned or answered, the bot replies in the language written, generically (never the
    words, nothing stored), with the private chat one tap away; other talk gets nothing."""
    bot = harness_any_db
    await bot.start()
    admin, member = bot.user("Ana"), bot.user("Ben", language_code="es")
    group = bot.emulator.group("Job seekers", supergroup=True)
    group.add_member(admin, creator=True)
    group.add_member(member)
    await group.add_bot(admin, as_admin=True)  # an admin reads every message
    await bot.settle()
    welcome = group.messages[-1]

    async def reply_to(text: str, reply_to: int | None = None) -> list[BotMessage]:
        before = len(group.messages)
        bot.clock.advance(timedelta(seconds=20))  # typed at a person's pace (groups.TalkBudget)
        await group.send(member, text, reply_to=reply_to)
        await bot.settle()
        return group.messages[before:]

    [news] = await reply_to("@rebound_test_bot me acaban de rechazar otra vez 😞")
    assert one_of(news.text, shown("listen.group.rejection", "es"))
    assert "rechazar" not in news.text  # their words are not repeated
    [[button]] = news.buttons
    assert button.text == label("start.buttons.open_private", "es")
    assert button.url == "https://t.me/rebound_test_bot?start=reflect"
    [thanks] = await reply_to("gracias!", reply_to=news.message_id)
    assert one_of(thanks.text, shown("listen.group.thanks", "es")) and thanks.buttons == []
    [good] = await reply_to("I got an offer!!! @rebound_test_bot", reply_to=None)
    assert one_of(good.text, shown("listen.group.good_news", bot="rebound_test_bot"))
    assert await reply_to("estoy harta de todo esto") == []  # not to the bot: none of its business
    assert await reply_to("👍", reply_to=welcome.message_id) == []  # a bare ack needs no answer
    assert await reply_to("lol same", reply_to=welcome.message_id) == []  # chat under its post
    [named] = await reply_to("@rebound_test_bot lol same")  # named, it answers kindly
    assert one_of(named.text, shown("listen.group.unsure", "es", bot="rebound_test_bot"))
    async with bot.sessions() as session:
        assert (await session.execute(select(Rejection))).scalars().all() == []
        assert (await session.execute(select(Win))).scalars().all() == []


async def test_a_question_typed_as_a_note_gets_a_word_on_it_and_is_kept(bot: BotHarness) -> None:
    user = await onboard(bot, language_code="es")
    await open_debrief(user, "es")
    await user.tap(label("flow.skip", "es"))  # company
    await user.next_message()
    await user.tap(label("flow.skip", "es"))  # stage
    await user.next_message()
    await user.tap(label("flow.skip", "es"))  # mood
    await user.next_message()  # what went well (a note can be typed here)
    words = "cómo pido feedback después de esto?"
    await user.send(words)
    noted = await user.next_message()
    assert one_of(noted.text, shown("listen.in_flow.question.feedback", "es"))
    assert one_of(noted.text, shown("flow.note_saved", "es"))  # and how to go on
    await user.tap(label("flow.done", "es"))
    assert one_of((await user.next_message()).text, shown("reflection.ask_differently", "es"))
    [record] = await debriefs(bot, user.id)
    assert record.went_well_note == words
