"""Simulated people: the updates they cause look like Telegram's, and they see what the bot does."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated

from bot.emulator import Emulator
from tests.emulator.helpers import assert_shape, raw_updates


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=text.lower()[:8]) for text in labels]]
    )


async def test_every_kind_of_user_update_is_spec_shaped_and_parses(
    emu: Emulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    user = emu.user("Alex", username="alex", last_name="Doe", language_code="de")
    await user.send("/start@rebound_test_bot hello")
    await user.send_sticker()
    await user.send_photo()
    await user.send_voice()
    await user.send_location()
    await user.send_document("cv.pdf", b"%PDF-1.4 me")
    await user.edit(1, "/help")
    await bot.send_message(user.chat_id, "Tap", reply_markup=keyboard("Yes"))
    await user.tap("Yes")
    user.block()
    user.unblock()
    updates = await raw_updates(http)
    kinds = [next(k for k in u if k != "update_id") for u in updates]
    assert kinds == ["message"] * 6 + ["edited_message", "callback_query"] + ["my_chat_member"] * 2
    for update in updates:
        assert_shape("Update", update)
        assert Update.de_json(update, bot) is not None
    first = updates[0]["message"]
    assert first["from"] == {
        "id": user.id,
        "is_bot": False,
        "first_name": "Alex",
        "last_name": "Doe",
        "username": "alex",
        "language_code": "de",
    }
    assert first["entities"] == [{"type": "bot_command", "offset": 0, "length": 23}]
    assert [u["update_id"] for u in updates] == list(range(1, 11))
    blocked = updates[-2]["my_chat_member"]
    assert (blocked["old_chat_member"]["status"], blocked["new_chat_member"]["status"]) == (
        "member",
        "kicked",
    )


async def test_message_ids_are_shared_between_user_and_bot(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    assert await user.send("one") == 1
    assert (await bot.send_message(user.chat_id, "two")).message_id == 2
    assert await user.send("three") == 3


async def test_bot_command_entities_use_utf16_offsets(
    emu: Emulator, http: httpx.AsyncClient
) -> None:
    user = emu.user()
    await user.send("😀 /help me")
    [update] = await raw_updates(http)
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 3, "length": 5}]


async def test_tap_sends_the_full_message_and_falls_back_to_substrings(
    emu: Emulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    user = emu.user()
    await user.send("hi")
    await bot.send_message(user.chat_id, "Old", reply_markup=keyboard("Maybe later"))
    await bot.send_message(user.chat_id, "New", reply_markup=keyboard("Yes please", "No"))
    await user.tap("yes")  # unique case-insensitive substring on the newest message
    await user.tap("Maybe later")  # only the older message has it
    updates = await raw_updates(http)
    taps = [u["callback_query"] for u in updates if "callback_query" in u]
    assert [(q["data"], q["message"]["text"]) for q in taps] == [
        ("yes plea", "New"),
        ("maybe la", "Old"),
    ]
    assert taps[0]["message"]["reply_markup"]["inline_keyboard"][0][1]["text"] == "No"
    assert taps[0]["from"]["id"] == user.id and isinstance(taps[0]["id"], str)


async def test_tap_explains_what_can_be_tapped(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("hi")
    link = InlineKeyboardMarkup([[InlineKeyboardButton("Docs", url="https://example.org")]])
    await bot.send_message(user.chat_id, "Pick", reply_markup=keyboard("Yes", "Yellow"))
    await bot.send_message(user.chat_id, "Read", reply_markup=link)
    with pytest.raises(LookupError, match=r"\['Yes', 'Yellow'\], \['Docs'\]"):
        await user.tap("Ye")  # ambiguous
    with pytest.raises(ValueError, match=r"opens https://example\.org"):
        await user.tap("Docs")


async def test_tap_data_can_forge_stale_buttons(
    emu: Emulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    user = emu.user()
    await user.send("hi")
    sent = await bot.send_message(user.chat_id, "Pick", reply_markup=keyboard("A"))
    await bot.delete_message(user.chat_id, sent.message_id)
    await user.tap_data("v0:legacy", message_id=sent.message_id)
    query = (await raw_updates(http))[-1]["callback_query"]
    assert query["data"] == "v0:legacy"
    assert query["message"]["date"] == 0  # an InaccessibleMessage, as Telegram sends for gone ones
    assert_shape("CallbackQuery", query)


async def test_next_message_cursor_and_timeout_report(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("hi")
    await bot.send_message(user.chat_id, "first")
    await bot.send_message(user.chat_id, "second")
    assert (await user.next_message()).text == "first"
    assert (await user.next_message()).text == "second"
    with pytest.raises(TimeoutError, match=r"last messages: \['first', 'second'\]"):
        await user.next_message(timeout=0.05)
    assert user.last_message is not None and user.last_message.text == "second"


async def test_expect_silence(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("hi")
    await user.expect_silence(within=0.02)
    await bot.send_message(user.chat_id, "chatty")
    with pytest.raises(AssertionError, match="the bot sent: 'chatty'"):
        await user.expect_silence(within=0.02)


async def test_edit_only_own_text_messages(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("hi")
    sent = await bot.send_message(user.chat_id, "bot text")
    with pytest.raises(ValueError, match="not a text message"):
        await user.edit(sent.message_id, "hacked")


async def test_writing_to_a_blocked_bot_unblocks_it(emu: Emulator, bot: Bot) -> None:
    user = emu.user()
    await user.send("hi")
    user.block()
    await user.send("/start")
    await bot.send_message(user.chat_id, "welcome back")
    assert emu.errors == []


async def test_group_privacy_mode(emu: Emulator, http: httpx.AsyncClient, bot: Bot) -> None:
    owner, member = emu.user("Owner"), emu.user("Member")
    group = emu.group("Peers")
    await group.add_bot(owner)
    await group.send(member, "just chatting")
    await group.send(member, "/stats@other_bot")
    await group.send(member, "/stats")  # the bot has not written here yet: not for it
    await group.send(member, "/stats@rebound_test_bot")
    asked = await bot.send_message(group.id, "How did it go?")
    await group.send(member, "Fine", reply_to=asked.message_id)
    await group.send(member, "/help")  # now it was the last bot to write
    other = await group.another_bot_posts()
    await group.send(member, "/cheer")  # another bot wrote since: a bare command is theirs
    await group.send(member, "/cheer@rebound_test_bot")
    await group.send(member, "/win@Rebound_Test_Bot yes")  # Telegram matches names in any case
    # Not in the documentation's list, so not delivered: a plain mention (BotFather's blurb
    # says otherwise), and a command for it in a reply to another bot ("replies have the
    # highest priority": the other bot's).
    await group.send(member, "thanks @Rebound_test_bot!")
    await group.send(member, "ask @rebound_test_bot_fan")  # another account's name
    await group.send(member, "/win@rebound_test_bot hi", reply_to=other)
    await group.send(member, "/stats@other_bot", reply_to=asked.message_id)  # ours: a reply
    posted = await group.send_as_channel("We're hiring")  # "from" @Channel_Bot, nobody
    await group.send(member, "/win@rebound_test_bot new job", reply_to=posted)
    updates = await raw_updates(http)
    texts = [u["message"].get("text") for u in updates if "message" in u]
    # None: the new_chat_members service message
    assert texts == [
        None,
        "/stats@rebound_test_bot",
        "Fine",
        "/help",
        "/cheer@rebound_test_bot",
        "/win@Rebound_Test_Bot yes",
        "/stats@other_bot",
        "/win@rebound_test_bot new job",
    ]
    assert updates[0]["my_chat_member"]["new_chat_member"]["status"] == "member"
    for update in updates:
        assert_shape("Update", update)


async def test_a_post_on_behalf_of_a_channel_is_nobody(
    emu: Emulator, http: httpx.AsyncClient, bot: Bot
) -> None:
    owner = emu.user("Owner")
    group = emu.group("Peers", supergroup=True)
    await group.add_bot(owner)
    await group.send_as_channel("just news")  # ordinary talk: privacy mode keeps it away
    await group.send_as_channel("/win@rebound_test_bot launched", channel="My Studio")
    [update] = [u for u in await raw_updates(http) if "message" in u and "text" in u["message"]]
    message = update["message"]
    assert message["from"] == {
        "id": 136817688,
        "is_bot": True,
        "first_name": "Channel",
        "username": "Channel_Bot",
    }
    assert message["sender_chat"]["type"] == "channel"
    assert message["sender_chat"]["title"] == "My Studio"
    assert_shape("Update", update)
    with pytest.raises(BadRequest, match="not found"):  # a placeholder, not a member
        await bot.get_chat_member(group.id, 136817688)


async def test_the_admin_link_promotes_the_bot_then_starts_it(
    emu: Emulator, http: httpx.AsyncClient
) -> None:
    """t.me/<bot>?startgroup=admin&admin=...: the bot's rights change, then the app sends
    "/start@<bot> admin" in the group (messages.startBot), which a privacy-mode bot hears."""
    owner = emu.user("Owner")
    group = emu.group("Peers", supergroup=True)
    await group.add_bot(owner)
    await group.promote_bot(owner, start_parameter="admin")
    updates = (await raw_updates(http))[-2:]  # after the join and its service message
    change = updates[0]["my_chat_member"]
    assert (change["old_chat_member"]["status"], change["new_chat_member"]["status"]) == (
        "member",
        "administrator",
    )
    assert updates[1]["message"]["text"] == "/start@rebound_test_bot admin"
    assert updates[1]["message"]["entities"][0]["type"] == "bot_command"
    for update in updates:
        assert_shape("Update", update)


async def test_admin_bot_hears_everything(emu: Emulator, http: httpx.AsyncClient) -> None:
    owner = emu.user()
    group = emu.group(supergroup=True)
    await group.add_bot(owner, as_admin=True)
    await group.send(owner, "plain text")
    updates = await raw_updates(http)
    rights = updates[0]["my_chat_member"]["new_chat_member"]
    assert rights["status"] == "administrator" and rights["can_delete_messages"] is True
    assert updates[-1]["message"]["text"] == "plain text"
    assert_shape("Update", updates[0])


async def test_migration_messages(emu: Emulator, http: httpx.AsyncClient) -> None:
    owner = emu.user()
    group = emu.group()
    group.add_member(owner, creator=True)
    await group.add_bot(owner)
    supergroup = await group.migrate_to_supergroup()
    messages = [u["message"] for u in await raw_updates(http) if "message" in u]
    assert messages[-2]["migrate_to_chat_id"] == supergroup.id
    assert messages[-1]["migrate_from_chat_id"] == group.id
    assert messages[-1]["chat"] == {
        "id": supergroup.id,
        "type": "supergroup",
        "title": "Job seekers",
    }
    assert supergroup.type == "supergroup" and str(supergroup.id).startswith("-100")


async def test_migration_join_event_in_either_order(
    emu: Emulator, http: httpx.AsyncClient, bot: Bot
) -> None:
    owner = emu.user()
    first, second, third = emu.group("A"), emu.group("B"), emu.group("C")
    for group in (first, second, third):
        group.add_member(owner, creator=True)
        await group.add_bot(owner)
    await raw_updates(http)
    new_first = await first.migrate_to_supergroup()
    new_second = await second.migrate_to_supergroup(join_first=True)
    await third.migrate_to_supergroup(bot_told=False)
    updates = await raw_updates(http, offset=-6)
    kinds = [
        "join"
        if "my_chat_member" in u
        else "to"
        if "migrate_to_chat_id" in u["message"]
        else "from"
        for u in updates
    ]
    assert kinds == ["to", "from", "join", "join", "to", "from"]
    join = updates[3]["my_chat_member"]
    assert join["chat"]["id"] == new_second.id
    assert (join["old_chat_member"]["status"], join["new_chat_member"]["status"]) == (
        "left",
        "member",
    )
    assert updates[2]["my_chat_member"]["chat"]["id"] == new_first.id
    for update in updates:
        assert_shape("Update", update)
    with pytest.raises(ChatMigrated) as raised:  # the old id answers as Telegram does
        await bot.send_message(third.id, "still there?")
    assert raised.value.new_chat_id < -1_000_000_000_000
    assert emu.errors[-1].description == (
        "Bad Request: group chat was upgraded to a supergroup chat"
    )


async def test_forum_topic_messages(emu: Emulator, http: httpx.AsyncClient) -> None:
    owner = emu.user()
    forum = emu.group(forum=True)
    forum.add_member(owner, creator=True)
    await forum.add_bot(owner, as_admin=True)
    thread = await forum.create_topic("Offers")
    await forum.send(owner, "in the topic", thread_id=thread)
    message = (await raw_updates(http))[-1]["message"]
    assert (message["message_thread_id"], message["is_topic_message"]) == (thread, True)
    assert message["reply_to_message"]["forum_topic_created"]["name"] == "Offers"
    assert message["chat"]["is_forum"] is True
    with pytest.raises(ValueError, match="no topic"):
        await forum.send(owner, "lost", thread_id=thread + 1)


async def test_anonymous_admin_posts_as_the_group(
    emu: Emulator, http: httpx.AsyncClient, bot: Bot
) -> None:
    owner, member = emu.user("Owner"), emu.user("Member")
    group = emu.group("Peers", supergroup=True)
    group.add_member(owner, admin=True)
    await group.add_bot(owner)
    await group.send_anonymously(owner, "/groupsettings@rebound_test_bot")
    message = (await raw_updates(http))[-1]["message"]
    assert message["sender_chat"] == {"id": group.id, "type": "supergroup", "title": "Peers"}
    assert message["from"]["id"] == 1087968824
    assert message["from"]["username"] == "GroupAnonymousBot"
    assert message["from"]["is_bot"] is True
    assert_shape("Message", message)
    placeholder = await bot.get_chat_member(group.id, 1087968824)
    assert placeholder.status == "left"  # never an administrator: check sender_chat instead
    with pytest.raises(ValueError, match="not an administrator"):
        await group.send_anonymously(member, "hello")


async def confirmed(http: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """The pending updates, then confirmed (the next call's offset), as a bot does."""
    updates = await raw_updates(http, **params)
    if updates:
        await raw_updates(http, offset=updates[-1]["update_id"] + 1)
    return updates


async def test_joins_and_reactions_reach_only_an_admin_bot_that_asked(
    emu: Emulator, http: httpx.AsyncClient
) -> None:
    owner, newbie, late = emu.user("Owner"), emu.user("Newbie"), emu.user("Late")
    group = emu.group(supergroup=True)
    await group.add_bot(owner, as_admin=True)
    hello = await group.send(owner, "hello")
    await confirmed(http)  # the default: every kind but chat_member and reactions
    await group.member_joins(newbie)
    await group.react(newbie, hello)
    kinds = [next(k for k in u if k != "update_id") for u in await confirmed(http)]
    assert kinds == ["message"]  # only the "joined" service message
    await confirmed(http, allowed_updates='["message", "chat_member", "message_reaction"]')
    await group.member_joins(late)
    await group.react(late, hello, "🎉")
    updates = await confirmed(http)
    assert [next(k for k in u if k != "update_id") for u in updates] == [
        "chat_member",
        "message",
        "message_reaction",
    ]
    assert updates[0]["chat_member"]["new_chat_member"]["user"]["id"] == late.id
    assert updates[2]["message_reaction"]["new_reaction"] == [{"type": "emoji", "emoji": "🎉"}]
    for update in updates:
        assert_shape("Update", update)
        assert Update.de_json(update, None) is not None
