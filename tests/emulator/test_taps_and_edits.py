"""Taps a phone keeps spinning until they are answered, and edits Telegram refuses because they
change nothing; editMessageMedia as the Bot API documents it (issue 19, items 7, 8 and 13)."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.emulator import Emulator, SimUser

PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
OTHER_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(32))
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label.lower()) for label in labels]]
    )


@pytest.fixture
async def alex(emu: Emulator) -> SimUser:
    user = emu.user("Alex")
    await user.send("/start")
    return user


async def test_unanswered_taps_are_listed_until_answered_in_time(
    bot: Bot, emu: Emulator, alex: SimUser
) -> None:
    sent = await bot.send_message(alex.chat_id, "Pick", reply_markup=keyboard("Yes", "No"))
    first = await alex.tap("Yes")
    second = await alex.tap_data("forged:data", message_id=sent.message_id)
    assert [(q.data, q.message_id) for q in emu.unanswered_queries()] == [
        ("yes", sent.message_id),
        ("forged:data", sent.message_id),
    ]
    await bot.answer_callback_query(first)
    assert [q.data for q in emu.unanswered_queries()] == ["forged:data"]
    emu.query_timeout = 0.0  # from now on every answer comes too late: the spinner ran out
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(second)
    assert [q.data for q in emu.unanswered_queries()] == ["forged:data"]
    assert emu.queries[first].answered and not emu.queries[second].answered
    emu.errors.clear()


async def test_removing_buttons_that_are_gone_is_not_modified(
    bot: Bot, emu: Emulator, alex: SimUser, http: httpx.AsyncClient
) -> None:
    sent = await bot.send_message(alex.chat_id, "Pick", reply_markup=keyboard("Yes"))
    await bot.edit_message_reply_markup(alex.chat_id, sent.message_id)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(alex.chat_id, sent.message_id)
    # An inline keyboard without a button is no keyboard: the same refusal. (PTB leaves an
    # empty keyboard out of the request, so it goes as JSON here.)
    empty = '{"inline_keyboard": []}'
    answer = await http.post(
        "/editMessageReplyMarkup",
        data={"chat_id": alex.chat_id, "message_id": sent.message_id, "reply_markup": empty},
    )
    assert answer.json()["description"] == NOT_MODIFIED
    answer = await http.post(
        "/sendMessage", data={"chat_id": alex.chat_id, "text": "None", "reply_markup": empty}
    )
    plain = answer.json()["result"]
    assert "reply_markup" not in plain
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(alex.chat_id, plain["message_id"])
    # The same buttons again are no change either; other buttons are.
    await bot.edit_message_reply_markup(alex.chat_id, sent.message_id, reply_markup=keyboard("A"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(
            alex.chat_id, sent.message_id, reply_markup=keyboard("A")
        )
    assert [e.description for e in emu.errors] == [NOT_MODIFIED] * 4
    emu.errors.clear()


async def test_edit_message_media_replaces_photo_caption_and_buttons(
    bot: Bot, emu: Emulator, alex: SimUser
) -> None:
    sent = await bot.send_photo(
        alex.chat_id,
        PNG,
        caption="<b>30</b> days",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard("30", "90"),
    )
    shown = await alex.next_message()
    assert shown.photo is not None and shown.photo.content == PNG
    edited = await bot.edit_message_media(
        InputMediaPhoto(OTHER_PNG, caption="<b>90</b> days", parse_mode=ParseMode.HTML),
        alex.chat_id,
        sent.message_id,
        reply_markup=keyboard("30", "90", "All"),
    )
    assert isinstance(edited, type(sent)) and edited.message_id == sent.message_id
    assert edited.caption == "90 days" and edited.caption_entities[0].type == "bold"
    assert edited.photo[-1].file_id != sent.photo[-1].file_id
    assert [m.message_id for m in alex.messages] == [sent.message_id]  # in place, no new message
    assert shown.photo.content == OTHER_PNG and shown.edited
    assert (shown.text, shown.html) == ("90 days", "<b>90</b> days")
    assert shown.button_labels() == ["30", "90", "All"]
    # The same file, caption and buttons: nothing to change.
    file_id = edited.photo[-1].file_id
    same = InputMediaPhoto(file_id, caption="<b>90</b> days", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_media(
            same, alex.chat_id, sent.message_id, reply_markup=keyboard("30", "90", "All")
        )
    assert [e.description for e in emu.errors] == [NOT_MODIFIED]
    emu.errors.clear()
    # Left out, the caption and the buttons go, as with every edit.
    await bot.edit_message_media(InputMediaPhoto(file_id), alex.chat_id, sent.message_id)
    assert (shown.text, shown.buttons) == ("", [])


async def test_edit_message_media_refusals(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    text = await bot.send_message(alex.chat_id, "A chart is coming")
    replaced = await bot.edit_message_media(InputMediaPhoto(PNG), alex.chat_id, text.message_id)
    assert replaced.text is None and replaced.photo  # a text message can become a photo
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_media(InputMediaPhoto(PNG), alex.chat_id, 999)
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_media(InputMediaPhoto(PNG), alex.chat_id, 1)  # Alex's /start
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await bot.edit_message_media(
            InputMediaPhoto(b"not an image"), alex.chat_id, text.message_id
        )
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.edit_message_media(
            InputMediaPhoto(PNG, caption="x" * 1025), alex.chat_id, text.message_id
        )
    assert len(emu.errors) == 4
    emu.errors.clear()
