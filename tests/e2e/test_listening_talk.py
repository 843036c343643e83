""" "Can I talk to someone?" (QA: it used to get "I'm not sure I understood"): an honest word
that Rebound is a bot that listens, the free lines of the person's country (the crisis
helplines services, from their time zone, without the emergency number; the directory where no
country is known), framed as people to talk to, not an emergency, and [I just want to vent] /
[Check in]. Never "are you safe?" unless the crisis check says so. In a flow it is an aside with
the lines; in a group, a short public answer whose button opens the private chat. Texts come
from the catalogue."""

from __future__ import annotations

import pytest

from tests.e2e.harness import CONTENT, BotHarness, label, leads, onboard, one_of, seen, shown
from tests.e2e.listening_kit import onboarded_says, open_debrief

BOT = "rebound_test_bot"

# (locale, what the person types): the QA round's messages, in the language they were typed.
ASKED = [
    ("en", "can i talk to someone"),
    ("en", "I need someone to talk to"),
    ("en", "is there a real person here?"),
    ("en", "I just need to talk"),
    ("es", "¿puedo hablar con alguien?"),
    ("de", "kann ich mit jemandem reden?"),
    ("ru", "мне не с кем поговорить"),
    ("ru", "можно поговорить с кем-нибудь?"),
]


def lines(country: str, locale: str) -> str:
    """The lines of ``country`` to talk to as the person reads them (the crisis catalogue's
    talk_lines: its helplines without the emergency number)."""
    return seen(CONTENT.texts(locale)(f"crisis.talk_lines.{country}"))


def not_a_crisis_reply(text: str, locale: str) -> bool:
    return not (
        one_of(text, leads("crisis.ask_safe", locale))
        or one_of(text, leads("crisis.reply", locale))
        or one_of(text, leads("listen.unsure", locale))
    )


@pytest.mark.parametrize(("locale", "text"), [ASKED[0], ASKED[4], ASKED[5], ASKED[6]])
async def test_asking_for_someone_to_talk_to_gets_the_lines_of_where_they_are(
    harness_any_db: BotHarness, locale: str, text: str
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)  # Europe/Berlin: German lines
    await user.send(text)
    reply = await user.next_message()
    assert one_of(reply.text, leads("listen.question.talk", locale))
    assert lines("DE", locale) in reply.text
    assert not_a_crisis_reply(reply.text, locale)
    vent, check_in = label("listen.buttons.vent", locale), label("listen.buttons.check_in", locale)
    assert reply.button_labels() == [vent, check_in]
    await user.expect_silence()

    await user.tap(vent)  # an invitation to keep writing, nothing to do
    invited = await user.next_message()
    assert one_of(invited.text, shown("listen.vent", locale))
    assert invited.buttons == []
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.timezone == "Europe/Berlin"


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_every_way_the_qa_round_asked_is_read(bot: BotHarness, locale: str) -> None:
    user = await onboard(bot, language_code=locale)
    for asked_in, text in ASKED:
        if asked_in != locale:
            continue
        await user.send(text)
        reply = await user.next_message()
        assert one_of(reply.text, leads("listen.question.talk", locale)), text
        assert lines("DE", locale) in reply.text, text


async def test_someone_not_set_up_gets_the_directory_and_can_just_write(bot: BotHarness) -> None:
    user = bot.user("Sam", language_code="en")  # no time zone yet, English: no country known
    await user.send("I need someone to talk to")
    reply = await user.next_message()
    assert one_of(reply.text, leads("listen.question.talk"))
    assert lines("INTL", "en") in reply.text
    assert reply.html is not None and "findahelpline.com" in reply.html
    assert reply.button_labels() == [label("listen.buttons.vent"), label("listen.buttons.set_up")]
    await user.tap(label("listen.buttons.vent"))  # no set-up forced on them for this
    assert one_of((await user.next_message()).text, shown("listen.vent"))
    stored = await bot.stored_user(user.id)
    assert stored is None or stored.onboarded_at is None


async def test_words_of_crisis_still_get_the_crisis_reply_first(bot: BotHarness) -> None:
    _user, reply = await onboarded_says(bot, "nobody to talk to and I want to die")
    assert one_of(reply.text, leads("crisis.reply"))
    assert not one_of(reply.text, leads("listen.question.talk"))


async def test_in_a_debrief_it_is_answered_with_the_lines_and_the_question_waits(
    bot: BotHarness,
) -> None:
    user = await onboard(bot, language_code="de")
    await open_debrief(user, "de")
    await user.send("kann ich mit jemandem reden?")
    aside = await user.next_message()
    assert one_of(aside.text, leads("listen.in_flow.question.talk", "de"))
    assert lines("DE", "de") in aside.text
    assert one_of(aside.text, leads("reflection.ask_company", "de"))
    state = await bot.flow_state(user.id)
    assert state is not None and (state.flow, state.step) == ("rf", "company")


async def test_in_a_group_the_answer_is_short_public_and_opens_a_private_chat(
    bot: BotHarness,
) -> None:
    admin, member = bot.user("Ana"), bot.user("Lee", language_code="en")
    group = bot.emulator.group("Job hunt", supergroup=True)
    group.add_member(admin, creator=True)
    group.add_member(member)
    await group.add_bot(admin, as_admin=True)
    await bot.settle()
    before = len(group.messages)
    await group.send(member, f"@{BOT} can I talk to someone?")
    await bot.settle()
    [answer] = group.messages[before:]
    assert one_of(answer.text, shown("listen.group.talk"))
    assert "findahelpline" not in answer.text and "Lee" not in answer.text  # nothing of theirs
    [[button]] = answer.buttons
    assert button.url == f"https://t.me/{BOT}?start=talk"

    # The button: the lines for where they are, in private, before any set-up.
    await member.send("/start talk")
    private = await member.next_message()
    assert one_of(private.text, leads("listen.question.talk"))
    assert lines("INTL", "en") in private.text
    assert label("listen.buttons.vent") in private.button_labels()
