"""The real python-telegram-bot Bot against the emulator: results parse, errors raise right."""

from __future__ import annotations

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter

from bot.emulator import Emulator, SimUser
from tests.emulator.helpers import assert_shape


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label.lower())] for label in labels]
    )


@pytest.fixture
async def alex(emu: Emulator) -> SimUser:
    user = emu.user("Alex")
    await user.send("/start")
    return user


async def test_get_me(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name) == (123456, "rebound_test_bot", "Rebound")
    assert me.can_read_all_group_messages is False


async def test_send_message_with_html_and_keyboard(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    sent = await bot.send_message(
        alex.chat_id,
        "<b>Hi</b> Alex",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard("Yes", "No"),
    )
    assert sent.text == "Hi Alex"
    assert sent.from_user is not None and sent.from_user.id == bot.id
    assert sent.reply_markup == keyboard("Yes", "No")
    assert sent.message_id == 2  # the user's /start was message 1 in this chat
    seen = await alex.next_message()
    assert (seen.text, seen.html, seen.parse_mode) == ("Hi Alex", "<b>Hi</b> Alex", "HTML")
    assert seen.button_labels() == ["Yes", "No"]
    assert emu.errors == []


async def test_returned_message_is_shaped_like_telegrams(emu: Emulator, alex: SimUser) -> None:
    import httpx

    async with httpx.AsyncClient(trust_env=False) as client:
        body = (
            await client.post(
                f"{emu.api_url}/bot{emu.token}/sendMessage",
                data={
                    "chat_id": alex.chat_id,
                    "text": "<i>x</i>",
                    "parse_mode": "HTML",
                    "reply_markup": '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}',
                },
            )
        ).json()
    assert_shape("Message", body["result"])


async def test_edit_text_and_markup(bot: Bot, alex: SimUser) -> None:
    sent = await bot.send_message(alex.chat_id, "Pick one", reply_markup=keyboard("A", "B"))
    edited = await bot.edit_message_text("Picked A", alex.chat_id, sent.message_id)
    assert isinstance(edited, type(sent)) and edited.edit_date is not None
    view = alex.last_message
    assert view is not None
    assert (view.text, view.edited, view.buttons) == ("Picked A", True, [])
    await bot.edit_message_reply_markup(alex.chat_id, sent.message_id, reply_markup=keyboard("C"))
    assert view.button_labels() == ["C"]


async def test_delete_message_flags_it(bot: Bot, alex: SimUser) -> None:
    sent = await bot.send_message(alex.chat_id, "oops")
    assert await bot.delete_message(alex.chat_id, sent.message_id) is True
    assert alex.messages[-1].deleted is True
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(alex.chat_id, sent.message_id)


async def test_reply_parameters_quote_the_replied_message(bot: Bot, alex: SimUser) -> None:
    reply = await bot.send_message(alex.chat_id, "Noted", reply_parameters=ReplyParameters(1))
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "/start"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await bot.send_message(alex.chat_id, "x", reply_parameters=ReplyParameters(99))


@pytest.mark.parametrize(
    ("kwargs", "description"),
    [
        ({"text": "   "}, "Bad Request: message text is empty"),
        ({"text": "x" * 4097}, "Bad Request: message is too long"),
        (
            {"text": "<b>x", "parse_mode": "HTML"},
            "Bad Request: can't parse entities: "
            'Can\'t find end tag corresponding to start tag "b"',
        ),
        (
            {
                "text": "x",
                "reply_markup": InlineKeyboardMarkup(
                    [[InlineKeyboardButton("A", callback_data="é" * 33)]]
                ),
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"text": "x", "reply_markup": InlineKeyboardMarkup([[InlineKeyboardButton("A")]])},
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
        ),
        (
            {
                "text": "x",
                "reply_markup": InlineKeyboardMarkup(
                    [[InlineKeyboardButton("A", callback_data="a")]] * 101
                ),
            },
            "Bad Request: reply markup is too long",
        ),
        (
            {"text": "*x*", "parse_mode": "MarkdownV2"},
            "Bad Request: parse_mode MarkdownV2 is not supported by the emulator; use HTML",
        ),
    ],
)
async def test_send_message_rule_violations(
    bot: Bot, emu: Emulator, alex: SimUser, kwargs: dict[str, object], description: str
) -> None:
    with pytest.raises(BadRequest):
        await bot.send_message(alex.chat_id, **kwargs)  # type: ignore[arg-type]
    assert emu.errors[-1].description == description


async def test_text_limit_counts_characters_after_entity_parsing(bot: Bot, alex: SimUser) -> None:
    sent = await bot.send_message(alex.chat_id, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
    assert sent.text is not None and len(sent.text) == 4096


async def test_edit_errors(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    sent = await bot.send_message(alex.chat_id, "Same", reply_markup=keyboard("A"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "Same", alex.chat_id, sent.message_id, reply_markup=keyboard("A")
        )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("New", alex.chat_id, 999)
    with pytest.raises(BadRequest, match="Message can't be edited"):
        await bot.edit_message_text("New", alex.chat_id, 1)  # the user's own /start
    assert emu.errors[0].description.startswith(
        "Bad Request: message is not modified: specified new message content and reply markup"
    )
    # Leaving out reply_markup removes the keyboard, so the same text is a real change.
    await bot.edit_message_text("Same", alex.chat_id, sent.message_id)


async def test_unknown_chat_and_strangers(bot: Bot, emu: Emulator) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "hello?")
    stranger = emu.user("Sam")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(stranger.chat_id, "hello?")


async def test_blocked_user_gives_forbidden_until_unblocked(bot: Bot, alex: SimUser) -> None:
    alex.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(alex.chat_id, "still there?")
    alex.unblock()
    await bot.send_message(alex.chat_id, "welcome back")


async def test_callback_answers(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    await bot.send_message(alex.chat_id, "Pick", reply_markup=keyboard("Yes"))
    query_id = await alex.tap("Yes")
    assert await bot.answer_callback_query(query_id, text="Saved", show_alert=True) is True
    assert [(a.text, a.show_alert) for a in alex.callback_answers] == [("Saved", True)]
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query("123")
    second = await alex.tap("Yes")
    with pytest.raises(BadRequest, match="Message_too_long"):
        await bot.answer_callback_query(second, text="x" * 201)
    assert emu.errors[-1].description == "Bad Request: MESSAGE_TOO_LONG"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_raises_retry_after(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    for n in range(5):
        await bot.send_message(alex.chat_id, f"burst {n}")
    with pytest.raises(RetryAfter):
        await bot.send_message(alex.chat_id, "one too many")
    assert emu.errors[-1].description == "Too Many Requests: retry after 1"
    emu.set_rate_limits(False)
    await bot.send_message(alex.chat_id, "unlimited now")


async def test_answering_callbacks_is_not_rate_limited(bot: Bot, alex: SimUser) -> None:
    await bot.send_message(alex.chat_id, "Pick", reply_markup=keyboard("Yes"))
    for _ in range(8):
        await bot.answer_callback_query(await alex.tap("Yes"))
    assert len(alex.callback_answers) == 8


async def test_chat_actions_are_recorded_and_checked(bot: Bot, alex: SimUser) -> None:
    await bot.send_chat_action(alex.chat_id, "typing")
    assert alex.chat_actions == ["typing"]
    with pytest.raises(BadRequest, match="Wrong parameter action in request"):
        await bot.send_chat_action(alex.chat_id, "dancing")


async def test_commands_by_scope_and_language(bot: Bot, emu: Emulator) -> None:
    from telegram import BotCommand, BotCommandScopeAllPrivateChats

    await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "How it works")])
    await bot.set_my_commands(
        [BotCommand("start", "Anfangen")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="de",
    )
    assert emu.commands() == [("start", "Begin"), ("help", "How it works")]
    assert emu.commands("all_private_chats", "de") == [("start", "Anfangen")]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    await bot.delete_my_commands()
    assert emu.commands() == []


@pytest.mark.parametrize("code", ["en-US", "pt_BR", "eng", "EN", "e"])
async def test_language_codes_are_two_letters(bot: Bot, emu: Emulator, code: str) -> None:
    from telegram import BotCommand

    with pytest.raises(BadRequest, match=r"(?i)two-letter ISO 639-1"):
        await bot.set_my_commands([BotCommand("start", "Begin")], language_code=code)
    with pytest.raises(BadRequest, match=r"(?i)two-letter ISO 639-1"):
        await bot.set_my_description("Hello", language_code=code)
    assert emu.commands(language_code=code) == []


async def test_profile_descriptions_with_their_limits(bot: Bot, emu: Emulator) -> None:
    await bot.set_my_description("d" * 512)
    await bot.set_my_description("Hallo", language_code="de")
    await bot.set_my_short_description("s" * 120)
    assert emu.description() == "d" * 512 and emu.description("de") == "Hallo"
    assert emu.description("fr") == "d" * 512  # no French version: the default shows
    assert (await bot.get_my_description("de")).description == "Hallo"
    assert (await bot.get_my_short_description()).short_description == "s" * 120
    with pytest.raises(BadRequest, match="too long"):
        await bot.set_my_description("d" * 513)
    with pytest.raises(BadRequest, match="too long"):
        await bot.set_my_short_description("s" * 121)
    await bot.set_my_description("", language_code="de")  # removes the German version
    assert emu.description("de") == "d" * 512


async def test_default_administrator_rights(bot: Bot, emu: Emulator) -> None:
    from telegram import ChatAdministratorRights

    assert emu.default_administrator_rights()["can_delete_messages"] is False
    wanted = ChatAdministratorRights.no_rights()
    wanted = ChatAdministratorRights(**{**wanted.to_dict(), "can_manage_chat": True})
    await bot.set_my_default_administrator_rights(wanted)
    rights = await bot.get_my_default_administrator_rights()
    assert rights.can_manage_chat is True and rights.can_delete_messages is False
    assert emu.default_administrator_rights()["can_manage_chat"] is True
    assert emu.default_administrator_rights(for_channels=True)["can_manage_chat"] is False


@pytest.mark.parametrize(
    ("command", "description", "error"),
    [
        ("Start", "Begin", "Bad Request: BOT_COMMAND_INVALID"),
        ("/start", "Begin", "Bad Request: BOT_COMMAND_INVALID"),
        ("x" * 33, "Begin", "Bad Request: BOT_COMMAND_INVALID"),
        ("start", " ", "Bad Request: command description must be non-empty"),
        ("start", "d" * 257, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"),
    ],
)
async def test_command_rules(
    bot: Bot, emu: Emulator, command: str, description: str, error: str
) -> None:
    from telegram import BotCommand

    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand(command, description)])
    assert emu.errors[-1].description == error


async def test_menu_button(bot: Bot, alex: SimUser) -> None:
    from telegram import MenuButtonCommands

    assert await bot.set_chat_menu_button(chat_id=alex.chat_id, menu_button=MenuButtonCommands())
    assert await bot.get_chat_menu_button(alex.chat_id) == MenuButtonCommands()


async def test_get_chat_and_members(bot: Bot, emu: Emulator, alex: SimUser) -> None:
    chat = await bot.get_chat(alex.chat_id)
    assert (chat.id, chat.type, chat.first_name) == (alex.chat_id, "private", "Alex")
    member = await bot.get_chat_member(alex.chat_id, alex.id)
    assert member.status == "member"
    group = emu.group("Team", supergroup=True)
    boss = emu.user("Boss")
    group.add_member(boss, creator=True)
    group.add_member(alex, admin=True)
    await group.add_bot(boss, as_admin=True)
    admins = await bot.get_chat_administrators(group.id)
    assert sorted(a.status for a in admins) == ["administrator", "administrator", "creator"]
    assert (await bot.get_chat_member(group.id, bot.id)).status == "administrator"
    assert (await bot.get_chat_member(group.id, emu.user("Nobody").id)).status == "left"
    with pytest.raises(BadRequest, match="There are no administrators in the private chat"):
        await bot.get_chat_administrators(alex.chat_id)


async def test_group_membership_errors(bot: Bot, emu: Emulator) -> None:
    owner = emu.user("Owner")
    group = emu.group()
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(group.id, "hi")
    await group.add_bot(owner)
    await bot.send_message(group.id, "hi all")
    await group.remove_bot(owner)
    with pytest.raises(Forbidden, match="bot was kicked from the group chat"):
        await bot.send_message(group.id, "let me in")


async def test_leave_chat(bot: Bot, emu: Emulator) -> None:
    group = emu.group(supergroup=True)
    await group.add_bot(emu.user())
    assert await bot.leave_chat(group.id) is True
    with pytest.raises(Forbidden, match="bot is not a member of the supergroup chat"):
        await bot.send_message(group.id, "hi")


async def test_migrated_group_raises_chat_migrated(bot: Bot, emu: Emulator) -> None:
    owner = emu.user("Owner")
    group = emu.group()
    group.add_member(owner, creator=True)
    await group.add_bot(owner)
    supergroup = await group.migrate_to_supergroup()
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(group.id, "hi")
    assert caught.value.new_chat_id == supergroup.id
    assert emu.errors[-1].description == "Bad Request: group chat was upgraded to a supergroup chat"
    await bot.send_message(supergroup.id, "hi again")
    assert (await supergroup.next_message()).text == "hi again"


async def test_forum_topics(bot: Bot, emu: Emulator) -> None:
    forum = emu.group("Forum", forum=True)
    owner = emu.user()
    forum.add_member(owner, creator=True)
    await forum.add_bot(owner, as_admin=True)
    thread = await forum.create_topic("Interviews")
    sent = await bot.send_message(forum.id, "in topic", message_thread_id=thread)
    assert (sent.message_thread_id, sent.is_topic_message) == (thread, True)
    assert (await forum.next_message()).thread_id == thread
    with pytest.raises(BadRequest, match="Message thread not found"):
        await bot.send_message(forum.id, "lost", message_thread_id=thread + 100)


async def test_log_out_and_close(bot: Bot) -> None:
    assert await bot.log_out() is True
    assert await bot.close() is True
