"""What real Telegram sends beyond a plain text message (tg5): a photo or a file with words
under it, an album (one update per photo), a long paste the app split in two, a forwarded
message from the employer, and voice notes, stickers and GIFs in the middle of a flow or in a
group. The person sees their words read, one answer per thing they sent, and the question
asked again; what is stored is checked."""

from __future__ import annotations

import pytest

from tests.e2e.harness import BotHarness, label, onboard, one_of, shown
from tests.e2e.listening_kit import debriefs, open_debrief

REJECTION = "they went with another candidate 😞"
EMAIL = (
    "Dear Alex, thank you for your interest in the Product Manager role at Acme. After careful "
    "consideration, we regret to inform you that we will not be moving forward with your "
    "application."
)


async def offer_of(bot: BotHarness, user_id: int) -> dict[str, str] | None:
    stored = await bot.stored_user(user_id)
    assert stored is not None
    return stored.offer


async def test_the_words_under_a_screenshot_are_read_as_news(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send_photo(caption=REJECTION)
    reply = await user.next_message()
    assert label("listen.buttons.debrief_now") in reply.button_labels(), reply.text
    assert not one_of(reply.text, shown("fallback.not_read_photo"))
    await user.expect_silence()  # the caption carried it: no word about the picture
    assert await offer_of(bot, user.id) is not None  # a typed "yes" now starts the debrief


async def test_a_pasted_email_as_a_pdf_caption_names_its_company(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send_document("rejection.pdf", caption=EMAIL)
    reply = await user.next_message()
    assert "Acme" in reply.text
    assert label("listen.buttons.debrief_now") in reply.button_labels()
    await user.expect_silence()


async def test_a_feeling_under_a_photo_is_answered_then_the_picture_is_explained(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code="de")
    await user.send_photo(caption="hab gerade das hier bekommen 😞")
    felt = await user.next_message()
    assert not one_of(felt.text, shown("fallback.not_read_photo", "de"))
    note = await user.next_message()
    assert one_of(note.text, shown("fallback.caption_photo_note", "de")), note.text
    await user.expect_silence()
    assert await debriefs(bot, user.id) == []


async def test_words_that_do_not_say_what_the_picture_holds_get_the_pictures_answer(
    bot: BotHarness,
) -> None:
    user = await onboard(bot)
    await user.send_photo(caption="look what they sent me")
    reply = await user.next_message()
    assert one_of(reply.text, shown("fallback.not_read_photo")), reply.text
    await user.expect_silence()


async def test_a_caption_inside_a_debrief_is_the_answer(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    asked = await open_debrief(user)
    await user.send_photo(caption="Spotify")
    after = await user.next_message()
    assert after.text != asked.text  # the next question, not the company one again
    state = await bot.flow_state(user.id)
    assert state is not None and "Spotify" in str(state.data)


async def test_an_album_gets_one_answer(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.send_album(4)
    reply = await user.next_message()
    assert one_of(reply.text, shown("fallback.not_read_photo")), reply.text
    await user.expect_silence(1.5)


async def test_an_album_with_its_caption_on_a_later_photo_is_read_once(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot, language_code="es")
    await user.send_album(3, "me han rechazado en Globant", caption_on=2)
    reply = await user.next_message()
    assert label("listen.buttons.debrief_now", "es") in reply.button_labels(), reply.text
    assert "Globant" in reply.text
    await user.expect_silence(1.5)


async def test_a_long_email_split_by_the_app_gets_one_answer(harness_any_db: BotHarness) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    # The rest of the email (the company's boilerplate) reads as nothing in particular alone.
    filler = " ".join(["Our offices are open from Monday to Friday."] * 100)
    email = f"{EMAIL}\n\n{filler}\n\nThanks so much for applying, and all the best!"
    assert len(email) > 4096
    await user.send(email)
    reply = await user.next_message()
    assert label("listen.buttons.debrief_now") in reply.button_labels(), reply.text
    # The second part is the same email: no second reply (it was a "You're welcome" to its
    # closing thanks).
    await user.expect_silence(1.5)
    assert await offer_of(bot, user.id) is not None  # still open for a "yes"


async def test_a_forwarded_rejection_is_news_and_a_forwarded_note_is_not_venting(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)
    await user.forward(EMAIL, sender="Dana Recruiter")
    news = await user.next_message()
    assert label("listen.buttons.debrief_now") in news.button_labels(), news.text
    await user.send("not now")
    await user.next_message()
    await user.forward("I'm so sorry, this is hard for me to write. Hope you are doing well!")
    reply = await user.next_message()
    # Someone else's "I'm sorry" is not the person feeling sad: read as nothing clear, with
    # the likely next steps (it was "That sounds heavy…", a reply to venting).
    assert one_of(reply.text, shown("listen.unsure")), reply.text
    assert await debriefs(bot, user.id) != []  # the forwarded no's debrief, prefilled (Acme)


@pytest.mark.parametrize("kind", ["voice", "sticker", "animation"])
async def test_a_voice_note_a_sticker_or_a_gif_mid_debrief_asks_again(
    bot: BotHarness, kind: str
) -> None:
    user = await onboard(bot)
    asked = await open_debrief(user)
    await getattr(user, f"send_{kind}")()
    kind_key = "not_read_voice" if kind == "voice" else "not_read_sticker"
    again = await user.next_message()
    assert one_of(again.text, shown(f"fallback.{kind_key}"))
    assert asked.text.splitlines()[0] in again.text  # the question comes back under it


async def test_in_a_group_media_and_captions_get_no_answer(bot: BotHarness) -> None:
    admin, member = bot.user("Ana"), bot.user("Sam")
    group = bot.emulator.group("Job hunters", supergroup=True)
    group.add_member(admin, creator=True)
    group.add_member(member)
    await group.add_bot(admin, as_admin=True)  # an admin bot hears everything
    await bot.settle()
    before = len(group.messages)
    await group.send_photo(member, caption="rejected again 😞")
    await group.send_voice(member)
    await group.send_sticker(member)
    await bot.settle()
    assert len(group.messages) == before


async def test_in_a_group_a_photo_answering_the_bot_has_its_words_read(
    harness_any_db: BotHarness,
) -> None:
    """Privacy mode on (the bot is no admin): a photo answering the bot's message reaches it,
    and the words under it get the public reply typed words get; one not for it does not."""
    bot = harness_any_db
    await bot.start()
    admin, member = bot.user("Ana"), bot.user("Sam")
    group = bot.emulator.group("Job hunters", supergroup=True)
    group.add_member(admin, creator=True)
    group.add_member(member)
    await group.add_bot(admin)
    hello = await group.next_message()
    await bot.settle()
    await group.send_photo(member, caption="they turned me down after the final round")
    await group.send_photo(
        member, caption="they turned me down after the final round", reply_to=hello.message_id
    )
    reply = await group.next_message()
    assert one_of(reply.text, shown("listen.group.rejection")), reply.text
    await group.expect_silence(1.5)


async def test_words_of_distress_under_a_photo_get_care_and_nothing_else(
    harness_any_db: BotHarness,
) -> None:
    bot = harness_any_db
    await bot.start()
    user = await onboard(bot)  # Berlin: German helplines
    await user.send_photo(caption="honestly I don't see the point anymore, I want to end my life")
    care = await user.next_message()
    assert "TelefonSeelsorge" in care.text
    await user.expect_silence(1.5)  # no word about the picture, no second reply
    assert await debriefs(bot, user.id) == []


async def test_their_own_words_forwarded_from_elsewhere_are_theirs(bot: BotHarness) -> None:
    user = await onboard(bot)
    await user.forward("so tired of all of this", own=True)
    reply = await user.next_message()
    assert not one_of(reply.text, shown("listen.unsure")), reply.text
    assert one_of(reply.text, shown("listen.venting.exhausted")), reply.text
