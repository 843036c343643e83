"""Rebound in groups: joining, admin settings, the anonymous daily check-in, /win and /cheer,
migration to a supergroup, and removal."""

from __future__ import annotations

import asyncio
import html
import logging
import re
import time as clock
from dataclasses import replace
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import ChatMember, Message, MessageEntity, Update
from telegram import User as TelegramUser
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot import delivery
from bot.db.models import Group
from bot.dispatch import Kinds
from bot.render import Renderer
from bot.runtime import RuntimeApp
from bot.services import callback_data, groups, listening, understanding
from bot.services.outbox import Claimed
from bot.services.replies import Ref, Say
from bot.services.time_of_day import parse_time_of_day
from bot.services.timezones import ZoneChoice, parse_timezone
from bot.update_processor import handoff
from handlers import taps
from handlers.turn import Context, Turn, handler, open_turn

# Short: someone made (or no longer) an admin is taken as such within a minute.
ADMIN_CACHE = timedelta(seconds=60)
ADMIN_CACHE_SIZE = 10_000
GROUPS = filters.ChatType.GROUPS
ADMIN_STATUSES = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
log = logging.getLogger("rebound.groups")


def posted_as_the_group(turn: Turn) -> bool:
    """An anonymous admin's message: Telegram sends it with ``sender_chat`` = the group itself
    (and ``from`` = the placeholder @GroupAnonymousBot, which is never an administrator).
    Only administrators can post as the group."""
    message = turn.update.message
    sender = message.sender_chat if message is not None else None
    return sender is not None and sender.id == turn.chat_id


async def is_admin(turn: Turn) -> bool:
    """Asked of Telegram (getChatMember), remembered for :data:`ADMIN_CACHE` per group and
    person, so a burst of taps asks once each; a message posted as the group (an anonymous
    admin) needs no asking. The question is not a message: it takes nothing from the group's
    20 messages a minute (bot.rate_limiter paces messages only)."""
    if posted_as_the_group(turn):
        return True
    message = turn.update.message
    if message is not None and message.sender_chat is not None:
        return False  # posted as a channel: no person, and its placeholder "from" is nobody
    user = turn.update.effective_user
    if user is None:
        return False
    cache = turn.context.admin_cache
    key, now = (turn.chat_id, user.id), turn.now
    cached = cache.get(key)
    if cached and now < cached[1]:
        return cached[0]
    member = await turn.context.bot.get_chat_member(turn.chat_id, user.id)
    answer = member.status in ADMIN_STATUSES
    if len(cache) >= ADMIN_CACHE_SIZE:  # forget the expired ones (busy groups, many people)
        for stale in [k for k, (_, until) in cache.items() if until <= now]:
            del cache[stale]
    cache[key] = (answer, now + ADMIN_CACHE)
    return answer


async def _group(turn: Turn) -> Group:
    message = turn.update.effective_message
    thread = message.message_thread_id if message and message.is_topic_message else None
    found = await groups.by_chat(turn.session, turn.chat_id)
    return found or await groups.joined(
        turn.session, turn.chat_id, thread, turn.now, turn.texts.locale
    )


def _language_of(turn: Turn, user: TelegramUser | None) -> str | None:
    """The shipped locale of ``user``'s Telegram language: a group's first language."""
    return turn.rt.content.resolve_locale(user.language_code) if user else None


@handler
async def group_settings(turn: Turn) -> None:
    if turn.private:
        turn.say(Say("fallback.unknown_command"))
        return
    if not await is_admin(turn):
        turn.say(Say("group.admins_only"))
        return
    await _settings(turn, turn.context.args or [])


async def _settings(turn: Turn, args: list[str]) -> None:
    """Change what ``args`` says ("zone Berlin", "time 9:30", or nothing) and show the
    settings; the caller checked that an admin asked."""
    group = await _group(turn)
    if group.locale is None:  # a group from before languages: the admin setting it up decides
        group.locale = turn.texts.locale
    if args[:1] == ["zone"] and len(args) > 1:
        zone = parse_timezone(" ".join(args[1:]), turn.now)
        if not isinstance(zone, ZoneChoice):
            turn.say(Say("group.bad_zone", {"bot": turn.context.bot.username}))
            return
        group.timezone = zone.name
    elif args[:1] == ["time"] and len(args) > 1:
        parsed = parse_time_of_day(" ".join(args[1:]))
        if parsed is None:
            turn.say(Say("group.bad_time", {"bot": turn.context.bot.username}))
            return
        group.checkin_time = parsed
    message = turn.update.effective_message
    if message is not None and message.chat.is_forum:
        # Scheduled posts go where this was sent: a topic, or General (no thread id).
        group.thread_id = message.message_thread_id if message.is_topic_message else None
    elif group.paused == groups.TOPIC_GONE:
        group.thread_id = None  # its topic is gone: the main chat, where this was sent
    group.updated_at = turn.now
    if groups.resume(group, turn.now):  # an admin is here and the bot can answer: try again
        turn.say(Say("group.resumed"))
    groups.reschedule(group, turn.now)
    forum = bool(message and message.chat.is_forum)
    turn.say(groups.settings_view(group, turn.context.bot.username, forum=forum))


async def moved_away(turn: Turn) -> bool:
    """A tap on a message of a basic group that became a supergroup: its settings and schedule
    moved to the new chat id (groups.migrated), the old group takes nothing more, so its
    buttons can do nothing. The person is told so (a toast), not "something went wrong"."""
    chat = turn.update.effective_chat
    if chat is None or chat.type != ChatType.GROUP:
        return False
    if await groups.by_chat(turn.session, turn.chat_id) is not None:
        return False
    turn.answer_callback("group.moved_tap")
    return True


async def on_settings_tap(turn: Turn, tap: callback_data.GroupSettingsTap) -> None:
    if not turn.private and await moved_away(turn):
        return
    if turn.private or not await is_admin(turn):
        turn.answer_callback("toasts.admins_only")
        return
    group = await _group(turn)
    if not groups.change(group, tap.action, tap.value, turn.now):
        taps.stale(turn)
        return
    message = turn.update.effective_message
    forum = bool(message and message.chat.is_forum)
    view = groups.settings_view(group, turn.context.bot.username, forum=forum)
    turn.say(replace(view, replace=True))


async def on_checkin_tap(update: Update, context: Context) -> None:
    """gc:1:<check-in id>:<mood>: count the tap now, show the counts soon. The new counts are
    asked for once the tap is committed (an edit started before would miss it)."""
    tapped: list[tuple[int, int]] = []  # (check-in id, message id) to show the counts on

    async def count(turn: Turn) -> None:
        tapped.extend(await _count_tap(turn))

    turn = await open_turn(update, context, count)
    await handoff()
    if not turn.duplicate:
        for checkin_id, message_id in tapped:
            _show_counts_soon(context, turn.chat_id, checkin_id, message_id)
    await turn.flush()


async def _count_tap(turn: Turn) -> list[tuple[int, int]]:
    """The tap counts only for a check-in of this chat, shown on the message it came from;
    returns the check-in and message whose counts changed."""
    query = turn.update.callback_query
    assert query is not None
    tap = taps.read(turn, callback_data.GROUP_MOOD, private=False)
    user = turn.update.effective_user
    message = query.message if isinstance(query.message, Message) else None
    if tap is None or (not turn.private and await moved_away(turn)):
        return []
    if (
        turn.private
        or user is None
        or (message is not None and not _a_button_of(message, str(query.data)))
        or not await groups.vote(turn.session, tap.checkin_id, turn.chat_id, user.id, tap.mood)
    ):
        taps.stale(turn)
        return []
    turn.answer_callback("toasts.counted")
    # An inaccessible (very old) message is not edited.
    return [(tap.checkin_id, message.message_id)] if message is not None else []


def _a_button_of(message: Message, data: str) -> bool:
    """Whether ``data`` is one of the message's own buttons (a forged tap names another)."""
    markup = message.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    return any(button.callback_data == data for row in rows for button in row)


def _show_counts_soon(context: Context, chat_id: int, checkin_id: int, message_id: int) -> None:
    """At once if the group's last edit is a gap ago, else when it is; one pending edit per
    group, whatever the number of taps or check-ins."""
    edits = context.count_edits(chat_id)
    edits.behind[checkin_id] = message_id
    job_queue = context.app.job_queue
    name = f"group-counts-{chat_id}"
    if job_queue is None or job_queue.get_jobs_by_name(name):
        return
    gap = context.runtime.settings.group_edit_gap_seconds
    wait = max(0.0, edits.last + gap - clock.monotonic())
    job_queue.run_once(_edit_counts, when=wait, name=name, data=chat_id, chat_id=chat_id)


async def _edit_counts(context: Context) -> None:
    """Show the group's latest counts, one edit per gap; taps that arrive meanwhile are
    picked up here too (their own run then finds nothing left)."""
    job = context.job
    assert job is not None
    chat_id: int = job.data  # type: ignore[assignment]
    rt = context.runtime
    edits = context.count_edits(chat_id)
    async with edits.lock:  # a run still editing (a slow answer) finishes first
        while edits.behind:
            wait = edits.last + rt.settings.group_edit_gap_seconds - clock.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            checkin_id = next(iter(edits.behind))
            message_id = edits.behind.pop(checkin_id)
            async with rt.sessions() as session, session.begin():
                reply = await groups.refresh(session, checkin_id, rt.clock.now())
                language = await groups.language(session, chat_id)
            if reply is None:
                continue
            renderer = Renderer(rt.content.texts(language))
            try:
                await context.bot.edit_message_text(
                    renderer.text(reply),
                    chat_id,
                    message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=renderer.markup(reply),
                )
            except ChatMigrated as exc:
                # Upgraded to a supergroup since the tap: the old group's messages can no
                # longer be edited. The group follows migrate_to_chat_id; nothing more here.
                edits.behind.clear()
                async with rt.sessions() as session, session.begin():
                    await groups.migrated(session, chat_id, int(exc.new_chat_id), rt.clock.now())
                log.info("group %s is now supergroup %s", chat_id, exc.new_chat_id)
            except (Forbidden, BadRequest) as exc:
                if delivery.group_gone(exc):  # removed, or the group was deleted
                    edits.behind.clear()
                    async with rt.sessions() as session, session.begin():
                        if await groups.left(session, chat_id, rt.clock.now()):
                            log.info(
                                "the bot is no longer in chat %s; its group posts stop", chat_id
                            )
                    continue
                reason = exc.message.lower()  # shown already, or an admin deleted the check-in
                if "not modified" not in reason and "message to edit not found" not in reason:
                    raise
            finally:
                # From its answer: the next edit reaches Telegram a whole gap after this one.
                edits.last = clock.monotonic()


@handler
async def win(turn: Turn) -> None:
    """/win <text> in a group: celebrate a member's win by first name (their choice to post)."""
    message = turn.update.effective_message
    user = turn.update.effective_user
    parts = message.text.split(None, 1) if message and message.text else []
    text = parts[1].strip() if len(parts) == 2 else ""
    if not text or user is None or message is None:
        turn.say(_win_prompt(turn))
        return
    await _celebrate(turn, message, user, text)


async def _celebrate(turn: Turn, message: Message, user: TelegramUser, text: str) -> None:
    # Posted as a chat (an anonymous admin, a linked channel): "from" is a placeholder account
    # whose name ("Group", "Telegram") is nobody's, so no name is shown.
    name: str | Ref = Ref("group.someone") if message.sender_chat is not None else user.first_name
    group = await _group(turn)
    celebration = await groups.celebrate(turn.session, group, name, text, turn.now)
    turn.say_all(celebration.replies)
    turn.win_id = celebration.win_id
    await _paused_note(turn, group)


def _win_prompt(turn: Turn) -> Say:
    """/win without a win: how to share one, or to reply to this very message with it (a reply
    to the bot reaches it under privacy mode; plain text would not)."""
    return Say("group.win_usage", {"bot": turn.context.bot.username})


def _answers_win_prompt(turn: Turn, message: Message) -> bool:
    """Whether ``message`` replies to the bot's :func:`_win_prompt`, in whichever language it
    was asked (an admin may have changed the group's since)."""
    replied = message.reply_to_message
    bot_id = turn.context.bot.id
    if replied is None or replied.from_user is None or replied.from_user.id != bot_id:
        return False
    prompt = _win_prompt(turn)
    content = turn.rt.content
    asked = {
        html.unescape(_TAG.sub("", Renderer(content.texts(locale)).text(prompt))).strip()
        for locale in content.catalogs
    }
    return (replied.text or "").strip() in asked


_TAG = re.compile(r"<[^>]+>")


@handler
async def cheer(turn: Turn) -> None:
    """/cheer: an encouragement for everyone (in a group, one per few minutes)."""
    if turn.private:
        turn.say(groups.cheer_message(turn.now))
        return
    group = await _group(turn)
    turn.say(groups.cheer(group, turn.now))
    await _paused_note(turn, group)


async def _paused_note(turn: Turn, group: Group) -> None:
    """Once, to the first admin who uses a command here: the check-ins are paused, and why
    (when no admin could be told privately). Members are not asked about: only paused groups
    that still owe the note cost an admin check."""
    if group.paused in groups.PAUSED_HERE and not group.paused_told and await is_admin(turn):
        turn.say(groups.paused_here(group, turn.context.bot.username))


async def bot_membership(turn: Turn) -> None:
    """The bot's own status in a group (called by handlers.membership, the one my_chat_member
    handler: a second handler in a later group would run after the update's hand-off, beside
    the chat's next update). A join only records the group: the hello waits for the "added"
    service message (:func:`added`), which a supergroup migration never sends, so a migrated
    group is not greeted a second time."""
    change = turn.update.my_chat_member
    if (
        change is None
        or change.chat.type == ChatType.PRIVATE
        or change.chat.type == ChatType.CHANNEL
    ):
        return
    status, old = change.new_chat_member.status, change.old_chat_member.status
    if status in (ChatMember.LEFT, ChatMember.BANNED):
        await groups.left(turn.session, change.chat.id, turn.now)
    elif old in (ChatMember.LEFT, ChatMember.BANNED):
        language = _language_of(turn, change.from_user)
        await groups.joined(turn.session, change.chat.id, None, turn.now, language)
    elif status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR):
        # May send again (a restriction lifted); an administrator also posts in closed topics.
        fixed: tuple[str, ...] = (groups.NO_RIGHTS,)
        if status == ChatMember.ADMINISTRATOR:
            fixed = (groups.NO_RIGHTS, groups.TOPIC_CLOSED)
        group = await groups.by_chat(turn.session, change.chat.id)
        if group is not None:
            groups.resume(group, turn.now, only=fixed)
            demoted = old == ChatMember.ADMINISTRATOR and status == ChatMember.MEMBER
            if demoted and not turn.context.bot.can_read_all_group_messages:
                turn.say(groups.demoted(group, turn.context.bot.username))


@handler
async def topic_reopened(turn: Turn) -> None:
    """The closed topic the check-ins go to is open again: they start again."""
    message = turn.update.effective_message
    group = await groups.by_chat(turn.session, turn.chat_id)
    if message is not None and group is not None and message.message_thread_id == group.thread_id:
        groups.resume(group, turn.now, only=(groups.TOPIC_CLOSED,))


@handler
async def added(turn: Turn) -> None:
    """Someone added the bot to a group: say hello once (and, under privacy mode without admin
    rights, what that means)."""
    message = turn.update.effective_message
    bot = turn.context.bot
    if message is None or not any(m.id == bot.id for m in message.new_chat_members or ()):
        return
    language = _language_of(turn, turn.update.effective_user)
    group = await groups.joined(turn.session, turn.chat_id, None, turn.now, language)
    hello = groups.hello(bot.username, reads_everything=await reads_everything(turn))
    turn.say(replace(hello, locale=group.locale))


async def made_admin(turn: Turn) -> None:
    """The admin link was followed (called by handlers.start for "/start admin")."""
    group = await groups.by_chat(turn.session, turn.chat_id)
    turn.say(groups.made_admin(group, turn.now, reads_everything=await reads_everything(turn)))


async def reads_everything(turn: Turn) -> bool:
    """Whether Telegram hands the bot every message here: privacy mode off in @BotFather
    (getMe's can_read_all_group_messages), or the bot is an administrator of the group."""
    bot = turn.context.bot
    if bot.can_read_all_group_messages:
        return True
    me = await bot.get_chat_member(turn.chat_id, bot.id)
    return me.status in ADMIN_STATUSES


def _mentions(message: Message, bot_id: int, username: str) -> bool:
    """Whether a group message names the bot (@username, or the account without one)."""
    kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION]
    named = {**message.parse_entities(kinds), **message.parse_caption_entities(kinds)}
    for entity, text in named.items():
        if entity.type == MessageEntity.TEXT_MENTION:
            if entity.user is not None and entity.user.id == bot_id:
                return True
        elif text.casefold() == f"@{username}".casefold():
            return True
    return False


def _from_another_bot(message: Message) -> bool:
    """A bot wrote it, or a channel's post was mirrored into the group. An anonymous admin or
    a member writing as their channel comes "from" a placeholder bot account, but a person
    wrote it: they get the same public reply as anyone (nothing about them is kept)."""
    if message.is_automatic_forward:
        return True
    sender = message.from_user
    return message.sender_chat is None and sender is not None and sender.is_bot


def _answers_settings(message: Message, bot_id: int) -> bool:
    """Whether ``message`` replies to the bot's group settings (a message with their buttons)."""
    replied = message.reply_to_message
    if replied is None or not _answers_the_bot(message, bot_id):
        return False
    markup = replied.reply_markup
    rows = markup.inline_keyboard if markup is not None else ()
    datas = [button.callback_data for row in rows for button in row]
    return any(isinstance(d, str) and callback_data.GROUP_SETTINGS.parse(d) for d in datas)


def _settings_words(text: str, turn: Turn) -> list[str] | None:
    """What an admin typed in reply to the settings, as /groupsettings' arguments: "zone
    Berlin" and "time 9:30" as the hint shows them, or just a time or a place; None for
    anything else (a "thanks!" is no setting)."""
    words = text.split()
    if len(words) > 1 and words[0].casefold() in ("zone", "time"):
        return [words[0].casefold(), *words[1:]]
    if parse_time_of_day(text) is not None:
        return ["time", *words]
    if words and isinstance(parse_timezone(text, turn.now), ZoneChoice):
        return ["zone", *words]
    return None


def _answers_the_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot_id


@handler
async def written_to(turn: Turn) -> None:
    """A member wrote to the bot in a group: a short public reply that fits what they wrote
    (bot.services.listening.group_reply), in the language they wrote in; the words are only
    read, never stored. Other group talk is none of the bot's business and gets no reply."""
    message = turn.update.effective_message
    bot = turn.context.bot
    # The words under a photo are written too (a screenshot of the offer, "got it!!").
    words = None if message is None else message.text or message.caption
    if message is None or words is None:
        return
    mentioned = _mentions(message, bot.id, bot.username)
    sender = message.from_user
    if not (mentioned or _answers_the_bot(message, bot.id)) or _from_another_bot(message):
        return
    text = words.replace(f"@{bot.username}", " ")
    if _answers_settings(message, bot.id):  # a reply reaches the bot under privacy mode
        args = _settings_words(text, turn)
        if args is not None:
            if await is_admin(turn):
                await _settings(turn, args)
            else:
                turn.say(Say("group.admins_only"))
            return
    reading = understanding.read(text, sender.language_code if sender else None)
    if (
        sender is not None
        and reading.kind not in ("greeting", "distress")  # "thanks!", "ok": no win in that
        and _answers_win_prompt(turn, message)
    ):
        await _celebrate(turn, message, sender, " ".join(text.split()))
        return
    reply = listening.group_reply(reading, bot.username, mentioned)
    if reply is not None and turn.context.wiring.group_talk.allow(turn.chat_id, turn.now):
        shipped = frozenset(turn.rt.content.catalogs)
        locale = listening.reply_locale(reading, turn.texts.locale, shipped)
        turn.say(*listening.in_language([reply], locale))


@handler
async def migration(turn: Turn) -> None:
    """Group → supergroup. The supergroup's own ``migrate_from_chat_id`` message carries the
    move: it is handled in order with the supergroup's join event (which Telegram may send
    first), so the two never race. The old group's ``migrate_to_chat_id`` message needs no
    work; a send that still goes to the old id learns the new one (bot.dispatch)."""
    message = turn.update.effective_message
    if message is not None and message.migrate_from_chat_id:
        await groups.migrated(turn.session, message.migrate_from_chat_id, message.chat.id, turn.now)


async def _scheduled_checkin(session: AsyncSession, item: Claimed, group: Group) -> Say | None:
    return await groups.start_checkin(session, group, item.due_at)


async def _recap(session: AsyncSession, item: Claimed, group: Group) -> Say | None:
    return await groups.recap(session, group, item.due_at)


def scheduled(kinds: Kinds) -> None:
    """The kinds of scheduled message this feature sends (bot.dispatch.kinds)."""
    kinds.group(groups.CHECKIN, _scheduled_checkin)
    kinds.group(groups.RECAP, _recap)


def register(app: RuntimeApp) -> None:
    fresh = ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("groupsettings", group_settings, filters=fresh))
    app.add_handler(CommandHandler("win", win, filters=fresh & GROUPS))
    app.add_handler(CommandHandler("cheer", cheer, filters=fresh))
    app.add_handler(taps.on(callback_data.GROUP_SETTINGS, on_settings_tap, private=False))
    app.add_handler(CallbackQueryHandler(on_checkin_tap, pattern=callback_data.GROUP_MOOD.pattern))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migration))
    reopened = filters.StatusUpdate.FORUM_TOPIC_REOPENED & GROUPS
    app.add_handler(MessageHandler(reopened, topic_reopened))
    app.add_handler(MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS & GROUPS, added))
    written = GROUPS & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
    written &= filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(written, written_to))
