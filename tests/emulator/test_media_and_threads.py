"""What people send beyond plain text, shaped as Telegram sends it (captions, albums, long pastes
split by the app, forwards, GIFs), and ``message_thread_id`` as the Bot API documents it."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot, Update
from telegram.error import BadRequest

from bot.emulator import Emulator
from bot.emulator.sim import split_as_the_app_does
from tests.emulator.helpers import assert_shape, raw_updates


async def test_captions_albums_forwards_and_gifs_are_spec_shaped(
    emu: Emulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    user = emu.user("Alex")
    await user.send_photo(caption="from @acme_hr /help")
    await user.send_album(3, "the email")
    await user.send_document("no.pdf", caption="their answer")
    await user.forward("Unfortunately…", sender="Dana Recruiter")
    await user.forward("We regret…", hidden=True, sender="Dana R.")
    await user.forward("Roles closed", chat_title="Acme Careers")
    await user.send_animation()
    updates = await raw_updates(http)
    for update in updates:
        assert_shape("Update", update)
        assert Update.de_json(update, bot) is not None
    messages = [u["message"] for u in updates]
    first = messages[0]
    assert first["caption"] == "from @acme_hr /help"
    assert [e["type"] for e in first["caption_entities"]] == ["mention", "bot_command"]
    album = messages[1:4]
    assert len({m["media_group_id"] for m in album}) == 1
    assert [("caption" in m) for m in album] == [True, False, False]  # on the first, as apps do
    assert messages[4]["caption"] == "their answer" and "document" in messages[4]
    origins = [m["forward_origin"]["type"] for m in messages[5:8]]
    assert origins == ["user", "hidden_user", "channel"]
    assert "animation" in messages[8] and "document" in messages[8]


async def test_a_caption_past_1024_characters_cannot_be_sent(emu: Emulator) -> None:
    user = emu.user("Alex")
    await user.send_photo(caption="x" * 1024)
    with pytest.raises(ValueError, match="1024"):
        await user.send_photo(caption="x" * 1025)
    with pytest.raises(ValueError, match="2 to 10"):
        await user.send_album(11)


async def test_a_text_past_4096_arrives_as_parts_cut_at_a_break(
    emu: Emulator, http: httpx.AsyncClient
) -> None:
    text = " ".join(f"word{n}" for n in range(1500)) + " " + "😞" * 4100
    parts = split_as_the_app_does(text)
    assert len(parts) >= 3
    assert all(len(p) <= 4096 for p in parts)  # characters, as Telegram counts
    assert "".join(parts).replace(" ", "") == text.replace(" ", "")  # nothing lost
    assert parts[0].endswith("word") is False and parts[0].split()[-1].startswith("word")
    user = emu.user("Alex")
    await user.send(text)
    texts = [u["message"]["text"] for u in await raw_updates(http)]
    assert texts == parts


async def test_message_thread_id_only_where_the_docs_allow_it(emu: Emulator, bot: Bot) -> None:
    user = emu.user("Alex")
    await user.send("/start")
    with pytest.raises(BadRequest, match="thread not found"):
        await bot.send_message(user.chat_id, "hi", message_thread_id=5)
    with pytest.raises(BadRequest, match="thread not found"):
        await bot.send_chat_action(user.chat_id, "typing", message_thread_id=5)
    basic = emu.group("Basic")
    await basic.add_bot(user)
    with pytest.raises(BadRequest, match="thread not found"):
        await bot.send_message(basic.id, "hi", message_thread_id=5)


async def test_a_reply_outside_a_topic_carries_its_reply_threads_id(
    emu: Emulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    """tdlib/telegram-bot-api#447: a reply in a forum's General (or any supergroup) has the
    root message's id as ``message_thread_id``, no ``is_topic_message``; sending with it to
    the forum is "message thread not found"."""
    owner = emu.user("Owner")
    forum = emu.group("Forum", forum=True)
    forum.add_member(owner, creator=True)
    await forum.add_bot(owner, as_admin=True)
    hello = await bot.send_message(forum.id, "hello")
    topic = await forum.create_topic("Wins")
    await forum.send(owner, "thanks", reply_to=hello.message_id)
    await forum.send(owner, "in the topic", thread_id=topic)
    messages = [u["message"] for u in await raw_updates(http) if "message" in u]
    reply = next(m for m in messages if m.get("text") == "thanks")
    assert reply["message_thread_id"] == hello.message_id and "is_topic_message" not in reply
    in_topic = next(m for m in messages if m.get("text") == "in the topic")
    assert in_topic["message_thread_id"] == topic and in_topic["is_topic_message"] is True
    with pytest.raises(BadRequest, match="thread not found"):
        await bot.send_message(forum.id, "hi", message_thread_id=reply["message_thread_id"])
    await bot.send_message(forum.id, "hi", message_thread_id=topic)
