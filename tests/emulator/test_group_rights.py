"""What a bot may post in a group, with Telegram's exact answers when it may not: a bot whose
right to send messages an admin took (restricted), a closed forum topic, a deleted one, and a
kick the bot never heard of."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot, ChatMemberRestricted, Update
from telegram.error import BadRequest, Forbidden

from bot.emulator import Emulator, SimGroup, SimUser
from tests.emulator.helpers import assert_shape, raw_updates

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


async def a_group(
    emu: Emulator, *, forum: bool = False, as_admin: bool = False
) -> tuple[SimGroup, SimUser]:
    owner = emu.user("Owner")
    group = emu.group("Job seekers", supergroup=True, forum=forum)
    group.add_member(owner, creator=True)
    await group.add_bot(owner, as_admin=as_admin)
    return group, owner


async def refusal(http: httpx.AsyncClient, **params: object) -> dict[str, object]:
    body: dict[str, object] = (await http.post("/sendMessage", json=params)).json()
    assert body["ok"] is False, body
    return body


async def test_a_restricted_bot_may_not_send_until_it_is_lifted(
    emu: Emulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    group, owner = await a_group(emu)
    await bot.send_message(group.id, "Hello")
    await group.restrict_bot(owner)
    change = (await raw_updates(http))[-1]
    assert_shape("Update", change)
    parsed = Update.de_json(change, bot)
    assert parsed.my_chat_member is not None
    assert parsed.my_chat_member.new_chat_member.status == "restricted"

    member = await bot.get_chat_member(group.id, bot.id)
    assert isinstance(member, ChatMemberRestricted)
    assert (member.is_member, member.can_send_messages) == (True, False)
    assert await refusal(http, chat_id=group.id, text="Hi") == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: not enough rights to send text messages to the chat",
    }
    with pytest.raises(BadRequest, match=r"(?i)not enough rights to send photos"):
        await bot.send_photo(group.id, JPEG)
    emu.errors.clear()

    await group.lift_restrictions(owner)
    assert (await raw_updates(http))[-1]["my_chat_member"]["new_chat_member"]["status"] == "member"
    await bot.send_message(group.id, "Back")
    with pytest.raises(ValueError, match="only supergroups"):
        await emu.group("Basic").restrict_bot(owner)


async def test_a_closed_topic_takes_posts_only_from_administrators(
    emu: Emulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    group, _ = await a_group(emu, forum=True)
    topic = await group.create_topic("Check-ins")
    await bot.send_message(group.id, "Open", message_thread_id=topic)
    await group.close_topic(topic)
    closed = (await raw_updates(http))[-1]
    assert_shape("Update", closed)
    assert closed["message"]["forum_topic_closed"] == {}
    assert closed["message"]["message_thread_id"] == topic
    body = await refusal(http, chat_id=group.id, text="Hi", message_thread_id=topic)
    assert (body["error_code"], body["description"]) == (400, "Bad Request: TOPIC_CLOSED")
    await bot.send_message(group.id, "The main chat still works")
    emu.errors.clear()
    await group.reopen_topic(topic)
    assert "forum_topic_reopened" in (await raw_updates(http))[-1]["message"]
    await bot.send_message(group.id, "Open again", message_thread_id=topic)

    admin_bot_group, _ = await a_group(emu, forum=True, as_admin=True)
    topic = await admin_bot_group.create_topic("News")
    await admin_bot_group.close_topic(topic)
    await bot.send_message(admin_bot_group.id, "Admins may", message_thread_id=topic)


async def test_a_deleted_topic_is_a_thread_not_found(
    emu: Emulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    group, _ = await a_group(emu, forum=True)
    topic = await group.create_topic("Check-ins")
    await bot.send_message(group.id, "In the topic", message_thread_id=topic)
    before = len(await raw_updates(http))
    await group.delete_topic(topic)
    assert len(await raw_updates(http)) == before  # Telegram tells bots nothing
    [posted] = group.messages
    assert posted.deleted
    body = await refusal(http, chat_id=group.id, text="Hi", message_thread_id=topic)
    assert body["description"] == "Bad Request: message thread not found"
    emu.errors.clear()


async def test_a_kick_the_bot_never_heard_of_is_a_403(
    emu: Emulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    group, owner = await a_group(emu)
    before = len(await raw_updates(http))
    await group.remove_bot(owner, bot_told=False)
    assert len(await raw_updates(http)) == before
    with pytest.raises(Forbidden, match="kicked from the supergroup chat"):
        await bot.send_message(group.id, "Hi")
    emu.errors.clear()


@pytest.mark.parametrize(
    ("supergroup", "answer"),
    [
        (True, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}),
        (
            False,
            {
                "ok": False,
                "error_code": 403,
                "description": "Forbidden: the group chat was deleted",
            },
        ),
    ],
    ids=["supergroup", "basic"],
)
async def test_a_deleted_group_answers_every_call_as_telegram_does(
    emu: Emulator, bot: Bot, http: httpx.AsyncClient, supergroup: bool, answer: dict[str, object]
) -> None:
    """Telegram tells a bot nothing when a group is deleted; every call about it is refused:
    a supergroup is not found (400), a basic group says it was deleted (403)."""
    owner = emu.user("Owner")
    group = emu.group("Job seekers", supergroup=supergroup)
    group.add_member(owner, creator=True)
    await group.add_bot(owner)
    await bot.send_message(group.id, "Hello")
    await group.delete_group()
    assert await refusal(http, chat_id=group.id, text="Hi") == answer
    with pytest.raises(BadRequest if supergroup else Forbidden):
        await bot.get_chat_administrators(group.id)
    emu.errors.clear()


async def test_an_upgraded_basic_group_is_deleted_as_its_supergroup(emu: Emulator) -> None:
    """The old id of an upgraded group lives on only as "upgraded" answers: deleting it means
    deleting the supergroup."""
    owner = emu.user("Owner")
    group = emu.group("Job seekers")
    group.add_member(owner, creator=True)
    supergroup = await group.migrate_to_supergroup()
    with pytest.raises(ValueError, match="only a live group"):
        await group.delete_group()
    await supergroup.delete_group()
