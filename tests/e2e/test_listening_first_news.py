"""Someone not set up yet whose first words are their rejection news (issue 16 QA): the news
is acknowledged warmly, its company and stage are kept in the database (not the message), and
when onboarding ends, restart or not, the debrief is offered with them filled in."""

from __future__ import annotations

import pytest

from bot.db.models import Rejection
from bot.emulator import SimUser
from tests.e2e.harness import BotHarness, first_lines, label, one_of, shown
from tests.e2e.listening_kit import debriefs

NEWS = {
    "en": ("just got rejected by Stripe after the final round", "Stripe"),
    "de": ("Absage von Zalando nach der letzten Runde", "Zalando"),
    "es": ("Me rechazaron en Globant después de la entrevista final", "Globant"),
}


async def _tell_news_before_setting_up(bot: BotHarness, locale: str) -> SimUser:
    """A new person's first message is their news: a warm reply, then the way to set up."""
    text, company = NEWS[locale]
    user = bot.user("Noa", language_code=locale)
    await user.send(text)
    reply = await user.next_message()
    assert one_of(reply.text, first_lines("listen.rejection.with_company", locale, company=company))
    assert one_of(reply.text, shown("listen.setup_news", locale))
    assert not one_of(reply.text, shown("listen.setup", locale))
    assert reply.button_labels() == [
        label("listen.buttons.set_up_now", locale),
        label("listen.buttons.later", locale),
    ]
    [record] = await debriefs(bot, user.id)
    assert (record.company, record.stage, record.from_news) == (company, "final_round", True)
    assert record.completed_at is None and record.note is None  # the message is not kept
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.onboarded_at is None
    await user.tap(label("listen.buttons.set_up_now", locale))  # their yes: no second welcome
    first = await user.next_message()
    assert one_of(first.text, shown("onboarding.chosen", locale))
    assert one_of(first.text, shown("onboarding.ask_timezone", locale))
    await user.send("Berlin")
    await user.next_message()
    return user


async def _finish_and_debrief(bot: BotHarness, user: SimUser, locale: str) -> Rejection:
    """The end of onboarding offers the debrief of the news told first; it opens past the
    company and stage questions. Returns the stored debrief record."""
    company = NEWS[locale][1]
    await user.tap("09:00")
    await user.next_message()
    await user.tap(label("onboarding.frequency.daily", locale))
    done = await user.next_message()
    assert one_of(done.text, shown("reflection.offer_from_news", locale, company=company))
    assert done.button_labels() == [
        label("listen.buttons.debrief_now", locale),
        label("listen.buttons.not_now", locale),
    ]
    stored = await bot.stored_user(user.id)
    assert stored is not None and stored.onboarded_at is not None
    await user.tap(label("listen.buttons.debrief_now", locale))
    assert one_of((await user.next_message()).text, shown("reflection.ask_mood", locale))
    state = await bot.flow_state(user.id)
    assert state is not None and (state.flow, state.step) == ("rf", "mood")
    [record] = await debriefs(bot, user.id)
    return record


async def _answer_onboarding(user: SimUser, *, agree: bool = True) -> None:
    """Agree (unless [Set up] was tapped, which is the yes), Berlin, 09:00, daily: onboarding
    answered in English (the last answer's reply is left for the caller to read)."""
    if agree:
        await user.tap(label("onboarding.buttons.agree"))
        await user.next_message()
    await user.send("Berlin")
    await user.next_message()
    await user.tap("09:00")
    await user.next_message()
    await user.tap(label("onboarding.frequency.daily"))


@pytest.mark.parametrize("locale", ["en", "de"])
async def test_first_words_are_news_then_the_debrief_is_offered_after_set_up(
    bot: BotHarness, locale: str
) -> None:
    user = await _tell_news_before_setting_up(bot, locale)
    record = await _finish_and_debrief(bot, user, locale)
    assert (record.company, record.stage) == (NEWS[locale][1], "final_round")


@pytest.mark.parametrize("locale", ["en", "es"])
async def test_news_told_before_set_up_survives_a_restart_mid_onboarding(
    harness_any_db: BotHarness, locale: str
) -> None:
    bot = harness_any_db
    first = await bot.start()
    user = await _tell_news_before_setting_up(bot, locale)
    await bot.stop(first)
    await bot.start()  # a new process on the same database
    record = await _finish_and_debrief(bot, user, locale)
    assert (record.company, record.stage) == (NEWS[locale][1], "final_round")  # nothing lost


async def test_set_up_without_news_offers_no_debrief(bot: BotHarness) -> None:
    user = bot.user("Sam")
    await user.send("hi")
    await user.next_message()
    await user.tap(label("listen.buttons.set_up"))
    await user.next_message()
    await _answer_onboarding(user, agree=False)
    done = await user.next_message()
    assert not one_of(done.text, shown("reflection.offer_from_news_plain"))
    assert done.button_labels() == []
    assert await debriefs(bot, user.id) == []


async def test_news_then_a_reflect_link_offers_the_debrief_once(bot: BotHarness) -> None:
    """Set-up begun from a deep link goes on to what it asked for: /reflect's own offer of the
    news, not a second one from the end of onboarding."""
    user = bot.user("Kai")
    await user.send(NEWS["en"][0])
    await user.next_message()
    await user.send("/start reflect")
    await user.next_message()
    await _answer_onboarding(user)
    await bot.settle()
    offers = [
        m
        for m in user.messages
        if one_of(m.text, shown("reflection.offer_from_news", company="Stripe"))
    ]
    assert len(offers) == 1
    assert offers[0].button_labels() == [
        label("reflection.buttons.start"),
        label("reflection.buttons.another_no"),
    ]
    assert len(await debriefs(bot, user.id)) == 1
