"""The debrief (/reflect) in the person's own language (issue 21): a person whose Telegram is
German (Spanish, Russian) answers every question by tapping the labels in that language and
gets the summary card, its reframe and next steps, and the feedback offer in it, never an
English heading. Texts come from the catalogue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import PlanAction, Rejection
from bot.emulator.html import parse_html
from tests.e2e.harness import CONTENT, BotHarness, label, onboard, one_of, shown, tap_keys

EN = CONTENT.texts("en")
LOCALES = ("de", "es", "ru")
SUMMARY = ("title", "stage", "mood", "went_well", "reasons", "outside", "reframe", "actions")


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_whole_debrief_is_in_the_persons_language(
    harness_any_db: BotHarness, locale: str
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code=locale)
    local = CONTENT.texts(locale)
    await user.send("/reflect")
    opener = await user.next_message()
    assert one_of(opener.text, shown("reflection.opener", locale))
    assert opener.button_labels() == [
        label("reflection.buttons.start", locale),
        label("reflection.buttons.not_now", locale),
    ]
    assert label("reflection.buttons.start", locale) != EN("reflection.buttons.start")

    await user.tap(label("reflection.buttons.start", locale))
    ask_company = await user.next_message()
    assert shown("reflection.ask_company", locale)[0] in ask_company.text
    await user.send("Acme, Produktdesign")
    ask_stage = await user.next_message()
    assert shown("reflection.ask_stage", locale, company="Acme")[0] in ask_stage.text
    stages = ("application", "phone_screen", "first_interview", "technical", "final_round")
    for stage in stages:
        assert label(f"reflection.stage.{stage}", locale) in ask_stage.button_labels()

    ask_mood = await tap_keys(bot, user, locale, "reflection.stage.final_round")
    assert shown("reflection.ask_mood", locale)[0] in ask_mood.text
    await user.tap("😐 3")  # not a low day: the card lists next steps (a 1-2 rests them)
    await bot.settle()
    said = "\n".join(m.text for m in user.messages[-2:])
    assert one_of(said, shown("reflection.mood_reply.mid", locale))
    assert shown("reflection.ask_went_well", locale)[0] in said
    done = label("flow.done", locale).removesuffix("✓").strip()
    assert f"{done}." in said  # the question names the button below it as it reads

    went_well = await tap_keys(bot, user, locale, "reflection.went_well.rapport")
    assert "✓ " + label("reflection.went_well.rapport", locale) in went_well.button_labels()
    await tap_keys(bot, user, locale, "reflection.went_well.examples", "flow.done")
    differently = user.last_message
    assert differently is not None
    assert shown("reflection.ask_differently", locale)[0] in differently.text
    await tap_keys(bot, user, locale, "reflection.reason.tech_depth", "reflection.reason.nerves")
    outside = await tap_keys(bot, user, locale, "flow.done")
    assert shown("reflection.ask_outside", locale)[0] in outside.text
    await tap_keys(bot, user, locale, "reflection.outside.internal", "flow.done")

    [card] = [m for m in user.messages if m.text.startswith("📝")]
    title = local("reflection.title_with_company", company="Acme")
    assert card.text.startswith(f"📝 {title}")
    for key in (
        "reflection.stage.final_round",
        "reflection.went_well.rapport",
        "reflection.went_well.examples",
        "reflection.reason.tech_depth",
        "reflection.reason.nerves",
        "reflection.outside.internal",
    ):
        assert label(key, locale) in card.text
    assert one_of(card.text, shown("reflection.reframe.internal", locale))
    heading = parse_html(local("reflection.summary", **dict.fromkeys(SUMMARY, "")))[0]
    for line in filter(None, (line.strip() for line in heading.splitlines())):
        assert line in card.text  # the card's headings, in their language
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
    for action in actions:  # the next steps on the card are in their language
        step = local(f"reflection.actions.{action.reason}", variant=action.variant)
        assert parse_html(step)[0] in card.text

    offer = user.last_message
    assert offer is not None
    assert one_of(offer.text, shown("reflection.feedback_offer", locale))
    assert offer.button_labels()[-2:] == [
        label("reflection.buttons.draft_now", locale),
        label("reflection.buttons.later", locale),
    ]
