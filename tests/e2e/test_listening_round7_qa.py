"""Round 7's fresh QA pass, driven through the real bot (bench/data/understanding_tuning_c.yaml:
60 messages a new user typed in en/es/de/ru, news, venting, good days, questions, greetings,
mixed). Outside any flow each gets the reply of its kind from the catalogue, never "not sure";
at the debrief's company question none of them is stored as the company (news naming a firm
fills it with that firm's name)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.understanding import Case, load_cases
from bot.emulator import BotMessage, SimUser
from tests.e2e.harness import BotHarness, label, leads, one_of, shown
from tests.e2e.listening_kit import debriefs, onboarded

# The first 60 cases are the QA pass; the round's own cases follow (test_listening_round7.py).
QA_PASS = 60
CASES = load_cases(Path(__file__).parents[2] / "bench" / "data" / "understanding_tuning_c.yaml")[
    :QA_PASS
]
LOCALES = ("en", "es", "de", "ru")

# Messages the crisis check (which runs first) answers with "are you safe?": none. "Amazon said
# no again. that's the 4th time this year" was one until repeated rejections counted joined the
# learned tier's everyday negatives (2026-12-07); the test fails if a false alarm comes back.
CRISIS_ASKS: dict[str, list[str]] = {}

# The replies a kind may open with, when the label names no finer topic.
_BY_KIND = {
    "rejection": ("listen.buttons.debrief_now",),
    "venting": ("listen.buttons.just_saying", "listen.buttons.vent"),
}


def fits(case: Case, reply: BotMessage) -> bool:
    """The reply is the one of the case's kind (and topic, where labelled)."""
    locale, text = case.lang, reply.text
    if one_of(text, shown("listen.unsure", locale)):
        return False
    if case.kind in _BY_KIND:
        wanted = [label(key, locale) for key in _BY_KIND[case.kind]]
        return any(button in reply.button_labels() for button in wanted)
    if case.topic is None:
        return True  # any reply of its kind; "not sure" was ruled out above
    keys = [f"listen.{case.kind}.{case.topic}"]
    if case.kind == "greeting" and case.topic == "hello":
        keys.append("listen.greeting.small_talk")
    return any(one_of(text, leads(key, locale)) for key in keys)


@pytest.mark.parametrize("locale", LOCALES)
async def test_every_message_outside_a_flow_gets_the_reply_of_its_kind(
    harness_any_db: BotHarness, locale: str
) -> None:
    bot = harness_any_db
    user = await onboarded(bot, locale)
    misfits, asked_if_safe = [], []
    for case in [c for c in CASES if c.lang == locale]:
        await user.send(case.text)
        await bot.settle()
        reply = user.last_message
        assert reply is not None
        if one_of(reply.text, leads("crisis.ask_safe", locale)):
            asked_if_safe.append(case.text)  # the crisis check's call, made before listening
        elif not fits(case, reply):
            misfits.append((case.text, reply.text))
    assert misfits == []
    assert asked_if_safe == CRISIS_ASKS.get(locale, [])


async def company_question(bot: BotHarness, user: SimUser, locale: str) -> None:
    """A debrief open at its first question, whatever was left before."""
    await user.send("/cancel")
    await bot.settle()
    await user.send("/reflect")
    await bot.settle()
    offer = user.last_message
    assert offer is not None
    for key in ("reflection.buttons.start", "reflection.buttons.fresh"):
        if label(key, locale) in offer.button_labels():
            await user.tap(label(key, locale))
            break
    await bot.settle()
    asked = user.last_message
    assert asked is not None
    assert one_of(asked.text, leads("reflection.ask_company", locale)), asked.text


@pytest.mark.parametrize("locale", LOCALES)
async def test_no_message_is_stored_as_the_company(harness_any_db: BotHarness, locale: str) -> None:
    bot = harness_any_db
    user = await onboarded(bot, locale)
    stored = []
    for case in [c for c in CASES if c.lang == locale]:
        await company_question(bot, user, locale)
        await user.send(case.text)
        await bot.settle()
        latest = (await debriefs(bot, user.id))[-1]
        if latest.company not in (None, case.company):
            stored.append((case.text, latest.company))
    assert stored == []
