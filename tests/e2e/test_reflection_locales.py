"""The debrief (/reflect) in the person's own language (issue 21): a person whose Telegram is
German answers every question by tapping the German labels and gets the summary card, its
reframe and next steps, and the feedback offer in German. Texts come from the catalogue."""

from __future__ import annotations

from sqlalchemy import select

from bot.content import load_content
from bot.db.models import PlanAction, Rejection
from bot.emulator import BotMessage, SimUser
from bot.emulator.html import parse_html
from tests.e2e.harness import BotHarness, onboard

CONTENT = load_content()
DE = CONTENT.texts("de")
EN = CONTENT.texts("en")
SUMMARY = ("title", "stage", "mood", "went_well", "reasons", "outside", "reframe", "actions")


def shown(key: str, locale: str = "de", **params: object) -> list[str]:
    """Every version of ``key`` in ``locale`` as the person reads it."""
    texts = CONTENT.texts(locale)
    return [parse_html(texts(key, variant=v, **params))[0] for v in range(texts.count(key))]


def one_of(text: str, candidates: list[str]) -> bool:
    return any(candidate in text for candidate in candidates)


def label(key: str) -> str:
    return DE(key, variant=0)


async def answer(bot: BotHarness, user: SimUser, *keys: str) -> BotMessage:
    """Tap each option (German labels), then wait for what the bot says next."""
    for key in keys:
        await user.tap(label(key))
    await bot.settle()
    assert user.last_message is not None
    return user.last_message


async def test_a_german_speaker_does_the_whole_debrief_in_german(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code="de")
    await user.send("/reflect")
    opener = await user.next_message()
    assert one_of(opener.text, shown("reflection.opener"))
    assert opener.button_labels() == [
        label("reflection.buttons.start"),
        label("reflection.buttons.not_now"),
    ]
    assert label("reflection.buttons.start") != EN("reflection.buttons.start")

    await user.tap(label("reflection.buttons.start"))
    ask_company = await user.next_message()
    assert shown("reflection.ask_company")[0] in ask_company.text
    await user.send("Acme, Produktdesign")
    ask_stage = await user.next_message()
    assert shown("reflection.ask_stage", company="Acme")[0] in ask_stage.text
    stages = ("application", "phone_screen", "first_interview", "technical", "final_round")
    for stage in stages:
        assert label(f"reflection.stage.{stage}") in ask_stage.button_labels()

    ask_mood = await answer(bot, user, "reflection.stage.final_round")
    assert shown("reflection.ask_mood")[0] in ask_mood.text
    await user.tap("😕 2")
    await bot.settle()
    said = "\n".join(m.text for m in user.messages[-2:])
    assert one_of(said, shown("reflection.mood_reply.low"))
    assert shown("reflection.ask_went_well")[0] in said

    went_well = await answer(bot, user, "reflection.went_well.rapport")
    assert "✓ " + label("reflection.went_well.rapport") in went_well.button_labels()
    await answer(bot, user, "reflection.went_well.examples", "flow.done")
    differently = user.last_message
    assert differently is not None
    assert shown("reflection.ask_differently")[0] in differently.text
    await answer(bot, user, "reflection.reason.tech_depth", "reflection.reason.nerves")
    outside = await answer(bot, user, "flow.done")
    assert shown("reflection.ask_outside")[0] in outside.text
    await answer(bot, user, "reflection.outside.internal", "flow.done")

    [card] = [m for m in user.messages if m.text.startswith("📝")]
    title = DE("reflection.title_with_company", company="Acme")
    assert card.text.startswith(f"📝 {title}")
    for key in (
        "reflection.stage.final_round",
        "reflection.went_well.rapport",
        "reflection.went_well.examples",
        "reflection.reason.tech_depth",
        "reflection.reason.nerves",
        "reflection.outside.internal",
    ):
        assert label(key) in card.text
    assert one_of(card.text, shown("reflection.reframe.internal"))
    heading = parse_html(DE("reflection.summary", **dict.fromkeys(SUMMARY, "")))[0]
    for line in filter(None, (line.strip() for line in heading.splitlines())):
        assert line in card.text  # the card's headings, in German
    english = parse_html(EN("reflection.summary", **dict.fromkeys(SUMMARY, "")))[0]
    for line in filter(None, (line.strip() for line in english.splitlines())):
        if line not in ("📝",):
            assert line not in card.text

    async with bot.sessions() as session:
        [record] = (await session.execute(select(Rejection))).scalars().all()
        actions = (await session.execute(select(PlanAction))).scalars().all()
    assert (record.company, record.role, record.stage) == ("Acme", "Produktdesign", "final_round")
    assert record.went_well == ["rapport", "examples"]
    assert record.reasons == ["tech_depth", "nerves"]
    assert record.outside == ["internal"]
    assert sorted(a.reason for a in actions) == ["nerves", "tech_depth"]
    for action in actions:  # the next steps on the card are the German ones
        step = DE(f"reflection.actions.{action.reason}", variant=action.variant)
        assert parse_html(step)[0] in card.text

    offer = user.last_message
    assert offer is not None
    assert one_of(offer.text, shown("reflection.feedback_offer"))
    assert offer.button_labels()[-2:] == [
        label("reflection.buttons.draft_now"),
        label("reflection.buttons.later"),
    ]
